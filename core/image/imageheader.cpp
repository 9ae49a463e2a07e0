#include "imageheader.h"

#include <QtEndian>

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace bagel {

namespace {

quint32 be32(const QByteArray &b, qsizetype at) { return qFromBigEndian<quint32>(b.constData() + at); }
quint16 be16(const QByteArray &b, qsizetype at) { return qFromBigEndian<quint16>(b.constData() + at); }
quint32 le32(const QByteArray &b, qsizetype at) { return qFromLittleEndian<quint32>(b.constData() + at); }
quint16 le16(const QByteArray &b, qsizetype at) { return qFromLittleEndian<quint16>(b.constData() + at); }
quint32 le24(const QByteArray &b, qsizetype at)
{
    const auto *p = reinterpret_cast<const uchar *>(b.constData() + at);
    return quint32(p[0]) | (quint32(p[1]) << 8) | (quint32(p[2]) << 16);
}

/** A declared dimension as an int: values past INT_MAX stay huge rather than wrap to negative. */
int dimension(qint64 value)
{
    return int(std::min<qint64>(value, std::numeric_limits<int>::max()));
}

QSize jpegSize(const QByteArray &b)
{
    qsizetype i = 2;
    while (i + 9 < b.size()) {
        if (uchar(b[i]) != 0xFF)
            return {};
        const uchar marker = uchar(b[i + 1]);
        if (marker == 0xFF) { // fill byte
            ++i;
            continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            i += 2;
            continue;
        }
        const quint16 length = be16(b, i + 2);
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            return QSize(be16(b, i + 7), be16(b, i + 5));
        if (length < 2)
            return {};
        i += 2 + length;
    }
    return {};
}

} // namespace

QSize imageHeaderSize(const QByteArray &b)
{
    if (b.size() >= 24 && b.startsWith("\x89PNG\r\n\x1a\n") && b.mid(12, 4) == "IHDR")
        return QSize(dimension(be32(b, 16)), dimension(be32(b, 20)));
    if (b.size() >= 4 && uchar(b[0]) == 0xFF && uchar(b[1]) == 0xD8)
        return jpegSize(b);
    if (b.size() >= 30 && b.startsWith("RIFF") && b.mid(8, 4) == "WEBP") {
        const QByteArray chunk = b.mid(12, 4);
        if (chunk == "VP8 " && b.size() >= 30)
            return QSize(le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
        if (chunk == "VP8L" && b.size() >= 25) {
            const quint32 bits = le32(b, 21);
            return QSize(int((bits & 0x3FFF) + 1), int(((bits >> 14) & 0x3FFF) + 1));
        }
        if (chunk == "VP8X" && b.size() >= 30)
            return QSize(int(le24(b, 24) + 1), int(le24(b, 27) + 1));
        return {};
    }
    if (b.size() >= 10 && (b.startsWith("GIF87a") || b.startsWith("GIF89a")))
        return QSize(le16(b, 6), le16(b, 8));
    if (b.size() >= 26 && b.startsWith("BM")) {
        // Signed: a negative height means top-down rows. INT_MIN has no int absolute value.
        const qint64 width = qint32(le32(b, 18));
        const qint64 height = qint32(le32(b, 22));
        return QSize(dimension(std::abs(width)), dimension(std::abs(height)));
    }
    return {};
}

} // namespace bagel
