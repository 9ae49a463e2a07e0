#pragma once

#include "report.h"

#include <QMap>
#include <QString>

namespace bagel {

class Project;

/** Text made safe for HTML: & < > " ' replaced by entities, so a note is shown, never run. */
QString htmlEscaped(const QString &text);

/**
 * Writes the report of \a project as one self-contained HTML file (styles inline, no external
 * resource): per model the accuracies, Table 2 and the most-confused pairs; the agreement
 * between reviewers; and the disputed units with every reviewer's answer and note. \a charts
 * maps a chart's title to an SVG document to embed (the window draws them; none from the
 * command line). Every string from the project is escaped. Written under a temporary name and
 * renamed, like the exports. Throws Error.
 */
void writeHtmlReport(const Project &project, const Report &report, const QString &path,
                     const QMap<QString, QString> &charts = {});

} // namespace bagel
