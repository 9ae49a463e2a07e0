#pragma once

#include <QStringList>
#include <QVector>

#include <functional>

class QTextStream;

namespace bagel {
struct HtmlChart;
struct Report;
} // namespace bagel

namespace bagel::cli {

/**
 * What only a program that links the charts can do: bagel_core has no widgets, and a chart is a
 * graphics widget. bagel-cli passes these in; without them `report` writes no charts.
 */
struct ChartDrawing
{
    /** Every chart of a report as an SVG document, for the HTML report. */
    std::function<QVector<HtmlChart>(const Report &)> html;
    /** Writes every chart of a report into a folder as PNG and SVG; returns the files. Throws Error. */
    std::function<QStringList(const Report &, const QString &folder)> save;
};

/**
 * Runs `bagel-cli` with \a arguments (argv, program name first), writing results to \a out
 * and errors to \a err. Returns the process exit status: 0 on success, 1 when the command
 * failed, 2 for a usage error. Every failure prints exactly one line on \a err.
 */
int run(const QStringList &arguments, QTextStream &out, QTextStream &err, const ChartDrawing &charts = {});

} // namespace bagel::cli
