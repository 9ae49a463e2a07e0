#pragma once

#include "report.h"

#include <QVector>
#include <QString>

namespace bagel {

class Progress;
class Project;

/** A chart to embed in the HTML report: an SVG document, shown in its model's section. */
struct HtmlChart
{
    QString model; ///< the model's name; a chart of no model goes after the models
    QString title; ///< the caption
    QString svg;   ///< an SVG document
};

/** Text made safe for HTML: & < > " ' replaced by entities, so a note is shown, never run. */
QString htmlEscaped(const QString &text);

/**
 * Writes the report of \a project as one self-contained HTML file (styles inline, no external
 * resource): per model the accuracies, Table 2 and the most-confused pairs; the agreement
 * between reviewers; and the disputed units with every reviewer's answer and note. \a charts
 * are embedded as images (SVG in data URIs, where nothing in them can run), each in its model's
 * section (bagel_core draws none: the charts need Qt Charts, which the programs link). Every
 * string from the project is escaped. Written under a temporary name and
 * renamed, like the exports. \a progress (may be null) hears the stage and is checked between
 * its steps: once cancelled, the temporary file is dropped and Cancelled thrown. Throws Error.
 */
void writeHtmlReport(const Project &project, const Report &report, const QString &path,
                     const QVector<HtmlChart> &charts = {}, Progress *progress = nullptr);

} // namespace bagel
