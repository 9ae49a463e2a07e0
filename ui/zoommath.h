#pragma once

#include <QPointF>
#include <QRectF>
#include <QSizeF>

namespace bagel::zoom {

/** The scale that fits \a image into \a viewport (never 0). */
double fitScale(QSizeF image, QSizeF viewport);

/** The offset that centres an image of \a image size at \a scale in \a viewport. */
QPointF centred(QSizeF image, double scale, QSizeF viewport);

/**
 * The new offset that keeps the image point under \a anchor (viewport coordinates) in place
 * when the scale changes from \a oldScale to \a newScale: zooming around the cursor.
 */
QPointF zoomAround(QPointF offset, double oldScale, double newScale, QPointF anchor);

/**
 * Keeps a panned image on screen: an image smaller than the viewport along an axis is centred
 * on it, a larger one may not leave a gap at either edge.
 */
QPointF clampOffset(QPointF offset, QSizeF image, double scale, QSizeF viewport);

/** The next scale up or down from \a scale along the usual zoom steps (…, 50 %, 67 %, 100 %, 150 %, …). */
double stepScale(double scale, int steps);

} // namespace bagel::zoom
