#include "thumbnailcache.h"

#include "imagedecoder.h"

#include "error.h"
#include "io/inputfile.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace bagel {

QString ThumbnailCache::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/thumbnails");
}

ThumbnailCache::ThumbnailCache(QString directory, int size)
    : m_directory(std::move(directory))
    , m_size(size)
{
}

QString ThumbnailCache::cachePath(const QString &imagePath) const
{
    const QFileInfo info(imagePath);
    if (!info.exists())
        return {};
    const QByteArray key = info.absoluteFilePath().toUtf8() + '\0' + QByteArray::number(info.lastModified().toMSecsSinceEpoch())
                           + '\0' + QByteArray::number(info.size()) + '\0' + QByteArray::number(m_size);
    const QString hash = QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex());
    return QStringLiteral("%1/%2/%3.jpg").arg(m_directory, hash.left(2), hash);
}

QImage ThumbnailCache::thumbnail(const QString &imagePath) const
{
    const QString cached = cachePath(imagePath);
    if (cached.isEmpty())
        return {};
    QFile file;
    bool stored = false;
    try {
        openInputFile(file, cached); // a regular file: never a pipe someone left in the cache
        stored = true;
    } catch (const Error &) {
        // not made yet
    }
    if (stored) {
        const QByteArray bytes = file.readAll();
        const cv::Mat buffer(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
        const cv::Mat bgr = cv::imdecode(buffer, cv::IMREAD_COLOR);
        if (!bgr.empty()) {
            cv::Mat bgra;
            cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
            return QImage(bgra.data, bgra.cols, bgra.rows, int(bgra.step), QImage::Format_RGB32).copy();
        }
    }

    const DecodedImage decoded = decodeImageToFit(imagePath, QSize(m_size, m_size));
    if (decoded.isNull())
        return {};
    // Store it: JPEG, written beside its final name and renamed, so readers never see half a file.
    const cv::Mat bgra(decoded.image.height(), decoded.image.width(), CV_8UC4, const_cast<uchar *>(decoded.image.constBits()),
                       std::size_t(decoded.image.bytesPerLine()));
    cv::Mat bgr;
    cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
    std::vector<uchar> encoded;
    if (cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, 85})) {
        QDir().mkpath(QFileInfo(cached).absolutePath());
        const QString temporary = cached + QStringLiteral(".%1.tmp").arg(quintptr(QThread::currentThreadId()));
        QFile out(temporary);
        if (out.open(QIODevice::WriteOnly) && out.write(reinterpret_cast<const char *>(encoded.data()), qint64(encoded.size())) == qint64(encoded.size())) {
            out.close();
            QFile::remove(cached);
            QFile::rename(temporary, cached);
        }
        QFile::remove(temporary);
    }
    return decoded.image;
}

} // namespace bagel
