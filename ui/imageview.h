#pragma once

#include <QImage>
#include <QWidget>

namespace bagel {

/**
 * Shows one image: fitted to the view, at 1:1, or zoomed around the cursor (wheel, keys);
 * dragging pans. Without an image it shows a placeholder with the reason (a missing or corrupt
 * file, or "loading"). The image may be a reduced decode: fullSize() is what 1:1 refers to.
 */
class ImageView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageView)

public:
    explicit ImageView(QWidget *parent = nullptr);

    /** Shows \a image, a decode of an image whose own size is \a fullSize. */
    void setImage(const QImage &image, QSize fullSize);
    /** Shows \a message instead of an image. */
    void setPlaceholder(const QString &message);

    bool hasImage() const { return !m_image.isNull(); }
    QString placeholder() const { return m_placeholder; }
    QSize fullSize() const { return m_fullSize; }
    const QImage &image() const { return m_image; }
    /** The size of the decode shown (it may be smaller than fullSize()). */
    QSize imageSize() const { return m_image.size(); }

    /** The zoom as a factor of the image's own size (1.0 = 1:1). */
    double zoom() const { return m_scale; }
    bool isFitted() const { return m_fit; }
    /** When on, a new image keeps the current zoom instead of being fitted. */
    void setKeepZoom(bool keep) { m_keepZoom = keep; }

    void fit();
    void actualSize();
    void zoomBy(int steps);

    /** The size at which the view wants images decoded: its own size in device pixels. */
    QSize neededSize() const;

Q_SIGNALS:
    void zoomChanged(double zoom);
    /** A frame was drawn (benchmarks measure up to here). */
    void painted();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    void setScale(double scale, QPointF anchor);
    QSizeF displaySize() const; ///< the image's own size, in which m_scale is expressed

    QImage m_image;
    QSize m_fullSize;
    QString m_placeholder;
    double m_scale = 1.0;  ///< screen pixels per image pixel of the full-size image
    QPointF m_offset;      ///< where the image's top-left corner is drawn
    bool m_fit = true;
    bool m_keepZoom = false;
    QPoint m_dragFrom;
    bool m_dragging = false;
};

} // namespace bagel
