#pragma once

#include <QJsonObject>
#include <QSize>
#include <QString>

namespace bagel::bench {

/** How a review-window run is set up. */
struct WindowRun
{
    int items = 100;
    QSize imageSize{500, 375};
    int dwellMs = 300;    ///< time on each item before the next key press, so that prefetch can work
    bool cold = false;    ///< no prefetch, no cache
};

/**
 * Drives the real review window offscreen through a generated queue: for each item, wait the
 * dwell time, press the verdict key and measure until the next image is painted. Returns
 * {"p50_ms", "p99_ms", "max_ms", "peak_rss_mb", "items"}. Needs a QApplication.
 */
QJsonObject runReviewWindow(const QString &workDir, const WindowRun &run);

/**
 * Types in the queue's file-name search of the real window offscreen, on a 50,000-item
 * project with two models: one character typed or erased at a time, each measured from the
 * key press until the queue's table has been repainted. Returns {"p50_ms", "p99_ms",
 * "max_ms", "edits", "rows"}. Needs a QApplication.
 */
QJsonObject runQueueFilter(const QString &workDir);

/**
 * File ▸ Import of the generated 200 MB TFDS file (the one import_tfds_200mb_ms reads) in the
 * real window offscreen, through the window's own background path, while a 5 ms timer ticks
 * on the GUI thread. Returns {"max_stall_ms" (the longest gap between two ticks while the
 * import works, until it is committed), "p99_gap_ms", "reload_ms" (the one gap in which the
 * window then reads the project again), "import_ms", "ticks"}. Needs a QApplication.
 */
QJsonObject runGuiImport(const QString &workDir);

} // namespace bagel::bench
