#pragma once

#include <QImage>
#include <QSize>
#include <QString>

namespace bagel {

/** The result of decoding one image: the picture, or the reason there is none. */
struct DecodedImage
{
    QImage image;    ///< RGB32 (the format QPainter draws fastest); null when decoding failed
    QSize fullSize;  ///< the image's own size (EXIF orientation applied), when known
    int reduction = 1; ///< the decoded image is fullSize / reduction (JPEG DCT scaling); 0: scaled to a viewport
    QString error;   ///< why there is no image: shown in place of it

    bool isNull() const { return image.isNull(); }
};

/** What decodeImage() refuses to touch. */
struct DecodeLimits
{
    qint64 maxFileBytes = qint64(1) << 30;      ///< larger files are refused unread
    qint64 maxDecodedPixels = 50'000'000;       ///< the most pixels one decode may allocate
};

/**
 * Decodes an image file with OpenCV, honouring its EXIF orientation. With a valid \a target,
 * a JPEG is decoded at the smallest DCT reduction (1/2, 1/4, 1/8) that still covers the target,
 * and other formats are scaled down to it. The declared size is checked before decoding: an
 * image that could only be decoded by allocating more than DecodeLimits::maxDecodedPixels is
 * refused with a message. Missing, empty, truncated, corrupt and unsupported files give an
 * error, never an exception. Safe to call from any thread.
 */
DecodedImage decodeImage(const QString &path, QSize target = {}, const DecodeLimits &limits = {});

/**
 * Like decodeImage(), and then scales the picture to exactly the size at which it fits in
 * \a viewport (up or down, keeping its aspect), so that a view shows it without scaling it
 * while it paints. fullSize still gives the image's own size.
 */
DecodedImage decodeImageToFit(const QString &path, QSize viewport, const DecodeLimits &limits = {});

} // namespace bagel
