#pragma once

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace bagel {

class Progress;
class Project;

/** The formats `bagel-cli export` and File ▸ Export write. */
enum class ExportFormat { TfdsMultilabel, Real, Csv, ImagenetM, Diff };

QString toString(ExportFormat format);
std::optional<ExportFormat> parseExportFormat(const QString &name);
QStringList exportFormatNames();

/** Which items an export covers; the default is all. */
struct ExportFilter
{
    int originalClass = -1;    ///< only items with this original label
    bool reviewedOnly = false; ///< only items with a final verdict (reviewed or adjudicated)
    QString search;            ///< only items whose file name contains this (any case)
    QString model;             ///< reviewedOnly: reviewed for this model; csv: only this model's columns
    std::optional<QSet<qint64>> items; ///< only these items (the review window's queue)

    bool isEmpty() const { return originalClass < 0 && !reviewedOnly && search.isEmpty() && model.isEmpty() && !items; }
    QString describe() const;
};

/** What an export wrote. */
struct ExportReport
{
    QString format;
    QString file;
    qint64 items = 0;       ///< items with at least one label written
    qint64 problematic = 0; ///< problematic images written
    qint64 imagenetM = 0;   ///< ImageNet-M entries written
    qint64 changed = 0;     ///< diff: items whose labels or problematic flag the review changed
    QString filter;         ///< the filter, described; empty for all items

    QString summary() const;
    QJsonObject toJson() const;
};

/**
 * Writes the project's state after the review (see docs/agreement.md, "The final state of a
 * unit") to \a path, limited to the items \a filter accepts. The file is written under a
 * temporary name and renamed when complete, so a failed export never leaves half a file.
 * \a progress (may be null) hears how many items are written; once it is cancelled the export
 * stops with Cancelled and leaves neither the file nor a temporary one. Throws Error.
 */
ExportReport exportFile(const Project &project, ExportFormat format, const QString &path, const ExportFilter &filter = {},
                        Progress *progress = nullptr);

/** A CSV cell: quoted when needed, and a leading = + - @ made inert (spreadsheets run those as formulas). */
QString csvCell(const QString &text);

} // namespace bagel
