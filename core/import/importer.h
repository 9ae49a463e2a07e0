#pragma once

#include "importreport.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace bagel {

class Project;

/** The formats `bagel-cli import` and File ▸ Import read. */
enum class ImportFormat { TfdsMultilabel, Real, PaperMistakes, Predictions, ImageFolder, Labels, Reviews };

QString toString(ImportFormat format);
std::optional<ImportFormat> parseImportFormat(const QString &name);
QStringList importFormatNames();

/** How predictions stored as an `.npy` array are turned into scores. */
enum class ScoreKind { Auto, Probabilities, Logits };

struct ImportOptions
{
    QString model;                           ///< predictions and paper-mistakes: the model's name
    QString reviewer = QStringLiteral("paper"); ///< paper-mistakes: who the reviews are attributed to
    QString labelsFile;                      ///< original labels for the items an import adds
    QString filesList;                       ///< `.npy` predictions: file name of each row
    int topK = 5;                            ///< `.npy` predictions: how many classes to keep
    ScoreKind scores = ScoreKind::Auto;      ///< `.npy` predictions
    bool onlyExisting = false;               ///< skip entries (or reviews) for items the project does not have
    bool validationOnly = true;              ///< tfds-multilabel: only ILSVRC2012_val_* entries
};

/**
 * Imports \a path into \a project in one transaction: either everything is imported or,
 * on the first error, nothing is and Error is thrown naming the file and the line, column or
 * JSON path. Items the file names that the project lacks are added (their original label from
 * ImportOptions::labelsFile, else unknown) unless ImportOptions::onlyExisting.
 */
ImportReport importFile(Project &project, ImportFormat format, const QString &path, const ImportOptions &options = {});

} // namespace bagel
