#include "zoommath.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace bagel::zoom {

namespace {
constexpr std::array<double, 19> kSteps{0.05, 0.1, 0.15, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 1.0,
                                        1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0};
}

double fitScale(QSizeF image, QSizeF viewport)
{
    if (image.isEmpty() || viewport.isEmpty())
        return 1.0;
    return std::max(1e-3, std::min(viewport.width() / image.width(), viewport.height() / image.height()));
}

QPointF centred(QSizeF image, double scale, QSizeF viewport)
{
    return QPointF((viewport.width() - image.width() * scale) / 2.0, (viewport.height() - image.height() * scale) / 2.0);
}

QPointF zoomAround(QPointF offset, double oldScale, double newScale, QPointF anchor)
{
    // The image point under the anchor: (anchor - offset) / oldScale; keep it under the anchor.
    const QPointF imagePoint = (anchor - offset) / oldScale;
    return anchor - imagePoint * newScale;
}

QPointF clampOffset(QPointF offset, QSizeF image, double scale, QSizeF viewport)
{
    const auto axis = [](double value, double length, double view) {
        if (length <= view)
            return (view - length) / 2.0;
        return std::clamp(value, view - length, 0.0);
    };
    return QPointF(axis(offset.x(), image.width() * scale, viewport.width()),
                   axis(offset.y(), image.height() * scale, viewport.height()));
}

double stepScale(double scale, int steps)
{
    if (steps > 0) {
        const auto next = std::upper_bound(kSteps.begin(), kSteps.end(), scale * 1.001);
        const double up = next == kSteps.end() ? kSteps.back() : *next;
        return steps == 1 ? up : stepScale(up, steps - 1);
    }
    if (steps < 0) {
        auto below = std::lower_bound(kSteps.begin(), kSteps.end(), scale * 0.999);
        const double down = below == kSteps.begin() ? kSteps.front() : *(below - 1);
        return steps == -1 ? down : stepScale(down, steps + 1);
    }
    return scale;
}

} // namespace bagel::zoom
