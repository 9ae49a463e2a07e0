#pragma once

#include "report/htmlreport.h"
#include "report/report.h"

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

class QChart;

namespace bagel {

class ClassCatalog;

/**
 * The report's charts, drawn with Qt Charts: the same builders feed the Reports window, the
 * PNG and SVG files and the charts embedded in the HTML report.
 */
namespace charts {

/** The size, in logical pixels, at which charts are written to files and into the HTML. */
inline constexpr QSize kFileSize{960, 540};

/** Which chart of a model's report. */
enum class Kind { Table2, ConfusedPairs };

/** The chart's title for \a model, as the window, the files and the HTML caption show it. */
QString title(Kind kind, const ModelReport &model);
/** A file name stem for \a kind of \a model: `<model>-table2`, `<model>-confused-pairs`; unsafe characters become `_`. */
QString fileStem(Kind kind, const ModelReport &model);

/**
 * Table 2 of \a model as a stacked bar chart: a bar per mistake category, split into major,
 * minor (borderline included) and, when some were given none, no severity.
 */
std::unique_ptr<QChart> table2Chart(const ModelReport &model);

/**
 * The long tail of \a model's confused class pairs: the number of mistakes of each
 * (label → prediction) pair against its rank, both axes logarithmic, with the cumulative share
 * of all the mistakes the first pairs account for on a second axis. Runs of equal counts are
 * drawn by their ends, so a million pairs cost a handful of points.
 */
std::unique_ptr<QChart> confusedPairsChart(const ModelReport &model);

/** Builds \a kind of \a model. */
std::unique_ptr<QChart> chart(Kind kind, const ModelReport &model);

/** \a chart drawn into an image of \a size logical pixels at \a devicePixelRatio. Needs a QApplication. */
QImage renderImage(std::unique_ptr<QChart> chart, QSize size = kFileSize, qreal devicePixelRatio = 2.0);
/** \a chart drawn as an SVG document (text kept as text) of \a size. Needs a QApplication. */
QByteArray renderSvg(std::unique_ptr<QChart> chart, QSize size = kFileSize);

/**
 * Writes \a chart to \a path: PNG or SVG by the file's extension (`.png`, `.svg`), under a
 * temporary name then renamed. Throws Error naming the file.
 */
void save(std::unique_ptr<QChart> chart, const QString &path, QSize size = kFileSize);

/** Every chart of \a report as an SVG document, in model order, for writeHtmlReport. */
QVector<HtmlChart> htmlCharts(const Report &report);

/**
 * Writes every chart of \a report into \a folder (created when missing) as PNG and SVG; returns
 * the files written. Throws Error.
 */
QStringList saveAll(const Report &report, const QString &folder);

} // namespace charts
} // namespace bagel
