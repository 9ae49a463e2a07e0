#pragma once

#include "importreport.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace bagel {

class Progress;
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
    /**
     * Who watches (nullptr: nobody). The import reports the bytes of the input read (rows of an
     * `.npy` array, files of an ImageFolder tree) and stops with Cancelled, writing nothing,
     * once Progress::cancel() is called.
     */
    Progress *progress = nullptr;
};

/** "TFDS multi-label JSON", "Predictions (CSV, JSON Lines or .npy)": a format as a person calls it. */
QString importFormatTitle(ImportFormat format);
/** The file name patterns of a format, for a file dialog: {"*.csv", "*.jsonl", …}; empty for a folder. */
QStringList importFormatPatterns(ImportFormat format);

/**
 * The format of the file (or folder) \a path, guessed from its first bytes: a folder is an
 * ImageFolder tree, `.npy` magic is predictions, JSON by its first keys (TFDS multilabel,
 * paper mistakes, predictions as JSON Lines) or shape (ReaL's list of lists), CSV and TSV by
 * their header (reviews, predictions, labels). nullopt when it looks like none of them or
 * cannot be read. Never throws.
 */
std::optional<ImportFormat> guessImportFormat(const QString &path);

/**
 * Imports \a path into \a project in one transaction: either everything is imported or,
 * on the first error, nothing is and Error is thrown naming the file and the line, column or
 * JSON path. Items the file names that the project lacks are added (their original label from
 * ImportOptions::labelsFile, else unknown) unless ImportOptions::onlyExisting.
 */
ImportReport importFile(Project &project, ImportFormat format, const QString &path, const ImportOptions &options = {});

} // namespace bagel
