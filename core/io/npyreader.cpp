#include "npyreader.h"

#include "error.h"
#include "inputfile.h"

#include <QRegularExpression>
#include <QtEndian>

#include <cstring>

namespace bagel {

NpyReader::NpyReader(const QString &path)
    : m_path(path)
{
    openInputFile(m_file, path);
    const QByteArray preamble = m_file.read(12);
    if (preamble.size() < 10 || !preamble.startsWith(QByteArrayLiteral("\x93NUMPY")))
        fail(QStringLiteral("not a NumPy .npy file (bad magic bytes)"));
    const int major = static_cast<unsigned char>(preamble[6]);
    qint64 headerLength = 0;
    qint64 headerStart = 0;
    if (major == 1) {
        headerLength = qFromLittleEndian<quint16>(preamble.constData() + 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (preamble.size() < 12)
            fail(QStringLiteral("truncated header"));
        headerLength = qFromLittleEndian<quint32>(preamble.constData() + 8);
        headerStart = 12;
    } else {
        fail(QStringLiteral("unsupported .npy format version %1").arg(major));
    }
    if (headerLength > 1024 * 1024 || headerStart + headerLength > m_file.size())
        fail(QStringLiteral("truncated or corrupt header"));
    m_file.seek(headerStart);
    parseHeader(m_file.read(headerLength));

    const qint64 dataStart = headerStart + headerLength;
    const qint64 expected = m_rows * m_columns * m_itemSize; // bounded by parseHeader
    const qint64 actual = m_file.size() - dataStart;
    if (actual < expected) {
        fail(QStringLiteral("truncated: the header promises %1×%2 values (%3 bytes), the file holds %4 bytes of data")
                 .arg(m_rows)
                 .arg(m_columns)
                 .arg(expected)
                 .arg(actual));
    }
    if (expected > 0) {
        m_data = m_file.map(dataStart, expected);
        if (!m_data)
            fail(QStringLiteral("cannot map the data: %1").arg(m_file.errorString()));
    }
}

void NpyReader::fail(const QString &message) const
{
    throw Error(QStringLiteral("%1: %2").arg(m_path, message));
}

void NpyReader::parseHeader(const QByteArray &headerBytes)
{
    const QString header = QString::fromLatin1(headerBytes);
    static const QRegularExpression descrRe(QStringLiteral(R"('descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)')"));
    static const QRegularExpression orderRe(QStringLiteral(R"('fortran_order'\s*:\s*(True|False))"));
    static const QRegularExpression shapeRe(QStringLiteral(R"('shape'\s*:\s*\(([^)]*)\))"));

    const auto descr = descrRe.match(header);
    const auto order = orderRe.match(header);
    const auto shape = shapeRe.match(header);
    if (!descr.hasMatch() || !order.hasMatch() || !shape.hasMatch())
        fail(QStringLiteral("unreadable header: %1").arg(header.trimmed().left(200)));

    const QString kind = descr.captured(2);
    m_itemSize = descr.captured(3).toInt();
    if (kind != QLatin1String("f") || (m_itemSize != 4 && m_itemSize != 8)) {
        fail(QStringLiteral("holds %1%2 values; expected float32 or float64 scores")
                 .arg(kind)
                 .arg(m_itemSize * 8));
    }
    const QChar byteOrder = descr.captured(1).at(0);
    m_bigEndian = byteOrder == QLatin1Char('>')
                  || (byteOrder == QLatin1Char('=') && QSysInfo::ByteOrder == QSysInfo::BigEndian);
    m_fortranOrder = order.captured(1) == QLatin1String("True");

    QVector<qint64> dims;
    for (const QString &part : shape.captured(1).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 d = part.trimmed().toLongLong(&ok);
        if (!ok || d < 0)
            fail(QStringLiteral("unreadable shape (%1)").arg(shape.captured(1)));
        dims << d;
    }
    if (dims.size() != 2)
        fail(QStringLiteral("has shape (%1); expected a 2-D array (images × classes)").arg(shape.captured(1)));
    m_rows = dims[0];
    m_columns = dims[1];
    qint64 rowBytes = 0;
    qint64 totalBytes = 0;
    if (__builtin_mul_overflow(m_columns, qint64(m_itemSize), &rowBytes)
        || __builtin_mul_overflow(m_rows, rowBytes, &totalBytes) || totalBytes > (qint64(1) << 40))
        fail(QStringLiteral("shape (%1) is too large").arg(shape.captured(1)));
}

void NpyReader::readRow(qint64 row, std::vector<double> &out) const
{
    out.resize(std::size_t(m_columns));
    for (qint64 c = 0; c < m_columns; ++c) {
        const qint64 element = m_fortranOrder ? c * m_rows + row : row * m_columns + c;
        const uchar *p = m_data + element * m_itemSize;
        if (m_itemSize == 4) {
            const quint32 bits = m_bigEndian ? qFromBigEndian<quint32>(p) : qFromLittleEndian<quint32>(p);
            float f;
            std::memcpy(&f, &bits, sizeof f);
            out[std::size_t(c)] = f;
        } else {
            const quint64 bits = m_bigEndian ? qFromBigEndian<quint64>(p) : qFromLittleEndian<quint64>(p);
            double d;
            std::memcpy(&d, &bits, sizeof d);
            out[std::size_t(c)] = d;
        }
    }
}

} // namespace bagel
