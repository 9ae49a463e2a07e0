#include "imageview.h"

#include "zoommath.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>

namespace bagel {

ImageView::ImageView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("imageView"));
    setMinimumSize(200, 150);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

QSizeF ImageView::displaySize() const
{
    return m_fullSize.isValid() ? QSizeF(m_fullSize) : QSizeF(m_image.size());
}

void ImageView::setImage(const QImage &image, QSize fullSize)
{
    const bool sameImage = fullSize == m_fullSize && !m_image.isNull();
    m_image = image;
    m_fullSize = fullSize.isValid() ? fullSize : image.size();
    m_placeholder.clear();
    // A sharper decode of the same image keeps the zoom; a new image is fitted unless asked not to.
    if (!sameImage && (m_fit || !m_keepZoom))
        fit();
    else
        m_offset = zoom::clampOffset(m_offset, displaySize(), m_scale, size());
    update();
}

void ImageView::setPlaceholder(const QString &message)
{
    m_image = QImage();
    m_fullSize = {};
    m_placeholder = message;
    update();
}

void ImageView::fit()
{
    m_fit = true;
    m_scale = zoom::fitScale(displaySize(), size());
    m_offset = zoom::centred(displaySize(), m_scale, size());
    update();
    Q_EMIT zoomChanged(m_scale);
}

void ImageView::actualSize()
{
    setScale(1.0, rect().center());
}

void ImageView::zoomBy(int steps)
{
    const QPoint cursor = mapFromGlobal(QCursor::pos());
    setScale(zoom::stepScale(m_scale, steps), rect().contains(cursor) ? QPointF(cursor) : QPointF(rect().center()));
}

void ImageView::setScale(double scale, QPointF anchor)
{
    if (m_image.isNull())
        return;
    m_fit = false;
    m_offset = zoom::clampOffset(zoom::zoomAround(m_offset, m_scale, scale, anchor), displaySize(), scale, size());
    m_scale = scale;
    update();
    Q_EMIT zoomChanged(m_scale);
}

QSize ImageView::neededSize() const
{
    return size() * devicePixelRatioF();
}

void ImageView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    if (m_image.isNull()) {
        painter.setPen(palette().color(QPalette::BrightText));
        QFont font = painter.font();
        font.setPointSizeF(font.pointSizeF() * 1.2);
        painter.setFont(font);
        painter.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const QRectF target(m_offset, displaySize() * m_scale);
    if (std::abs(target.width() - m_image.width()) < 1.0 && std::abs(target.height() - m_image.height()) < 1.0) {
        painter.drawImage(target.topLeft().toPoint(), m_image); // decoded at this size: a plain copy
    } else {
        painter.setRenderHint(QPainter::SmoothPixmapTransform, m_scale < 2.0);
        painter.drawImage(target, m_image);
    }
    Q_EMIT painted();
}

void ImageView::resizeEvent(QResizeEvent *)
{
    if (m_fit)
        fit();
    else
        m_offset = zoom::clampOffset(m_offset, displaySize(), m_scale, size());
}

void ImageView::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y() / 120;
    if (steps != 0)
        setScale(zoom::stepScale(m_scale, steps), event->position());
    event->accept();
}

void ImageView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_dragFrom = event->position().toPoint();
        setCursor(Qt::ClosedHandCursor);
    }
}

void ImageView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return;
    const QPoint now = event->position().toPoint();
    m_offset = zoom::clampOffset(m_offset + QPointF(now - m_dragFrom), displaySize(), m_scale, size());
    m_dragFrom = now;
    m_fit = false;
    update();
}

void ImageView::mouseReleaseEvent(QMouseEvent *)
{
    m_dragging = false;
    unsetCursor();
}

} // namespace bagel
