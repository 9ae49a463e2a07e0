#pragma once

#include <QByteArray>
#include <QSize>

namespace bagel {

/**
 * The pixel size an image file declares in its header, read without decoding: PNG, JPEG, WebP
 * (lossy, lossless, extended), GIF and BMP. An invalid size for other formats or a header too
 * short to tell. Bagel checks it before decoding, so a 50000×50000 PNG is refused in
 * microseconds instead of exhausting memory.
 */
QSize imageHeaderSize(const QByteArray &head);

} // namespace bagel
