#include "imagedecoder.h"

#include "imageheader.h"

#include "error.h"
#include "io/inputfile.h"

#include <QFile>
#include <QFileInfo>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <mutex>

namespace bagel {

namespace {

void configureOpenCv(const DecodeLimits &limits)
{
    static std::once_flag once;
    std::call_once(once, [&limits] {
        // OpenCV's own guard for formats whose header Bagel does not read (TIFF, …); it is read
        // once, at the first decode.
        qputenv("OPENCV_IO_MAX_IMAGE_PIXELS", QByteArray::number(limits.maxDecodedPixels));
    });
}

bool isJpeg(const QByteArray &bytes)
{
    return bytes.size() >= 3 && uchar(bytes[0]) == 0xFF && uchar(bytes[1]) == 0xD8 && uchar(bytes[2]) == 0xFF;
}

/** A JPEG ends with the EOI marker (give or take a little padding); libjpeg quietly fills in
 *  the rest of a cut-off file with grey, which would look like a real picture. */
bool jpegLooksComplete(const QByteArray &bytes)
{
    const qsizetype tail = std::min<qsizetype>(bytes.size(), 256);
    return bytes.right(tail).contains("\xFF\xD9");
}

QString formatName(const QByteArray &bytes)
{
    if (isJpeg(bytes))
        return QStringLiteral("JPEG");
    if (bytes.startsWith("\x89PNG"))
        return QStringLiteral("PNG");
    if (bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP")
        return QStringLiteral("WebP");
    if (bytes.startsWith("GIF8"))
        return QStringLiteral("GIF");
    if (bytes.startsWith("BM"))
        return QStringLiteral("BMP");
    return QStringLiteral("image");
}

DecodedImage failure(const QString &message, QSize fullSize = {})
{
    DecodedImage result;
    result.error = message;
    result.fullSize = fullSize;
    return result;
}

/** The largest of 1, 2, 4, 8 that keeps the decode at least as large as \a target and small enough. */
int jpegReduction(QSize size, QSize target, qint64 maxPixels)
{
    int best = 1;
    for (const int r : {2, 4, 8}) {
        const bool coversTarget = !target.isValid()
                                  || (size.width() / r >= target.width() && size.height() / r >= target.height());
        if (coversTarget)
            best = r;
    }
    if (!target.isValid())
        best = 1;
    while (best < 8 && qint64(size.width() / best) * (size.height() / best) > maxPixels)
        best *= 2;
    return best;
}

} // namespace

DecodedImage decodeImage(const QString &path, QSize target, const DecodeLimits &limits)
{
    configureOpenCv(limits);
    if (path.isEmpty())
        return failure(QStringLiteral("No image file: its path leads out of the images root, or to something that is not a file"));
    QFile file;
    if (!QFileInfo::exists(path))
        return failure(QStringLiteral("The image file is missing: %1").arg(path));
    // Only a regular file is read: a device (/dev/zero) or a pipe would never end.
    try {
        openInputFile(file, path);
    } catch (const Error &e) {
        return failure(QStringLiteral("Cannot read %1").arg(e.message()));
    }
    const qint64 bytesOnDisk = file.size();
    if (bytesOnDisk == 0)
        return failure(QStringLiteral("The image file is empty (0 bytes)"));
    if (bytesOnDisk > limits.maxFileBytes)
        return failure(QStringLiteral("The image file is too large to open (%1 MB)").arg(bytesOnDisk >> 20));
    const QByteArray bytes = file.readAll();
    if (bytes.size() != bytesOnDisk)
        return failure(QStringLiteral("Cannot read all of %1").arg(path));

    const QString format = formatName(bytes);
    const QSize declared = imageHeaderSize(bytes);
    if (declared.isValid() && (declared.width() == 0 || declared.height() == 0))
        return failure(QStringLiteral("The %1 header declares an empty image").arg(format));
    const bool jpeg = isJpeg(bytes);
    if (jpeg && !jpegLooksComplete(bytes))
        return failure(QStringLiteral("The JPEG file is truncated (it has no end marker)"), declared);

    int reduction = 1;
    if (jpeg && declared.isValid()) {
        reduction = jpegReduction(declared, target, limits.maxDecodedPixels);
    }
    if (declared.isValid()) {
        const qint64 pixels = qint64(declared.width() / reduction) * (declared.height() / reduction);
        if (pixels > limits.maxDecodedPixels) {
            return failure(QStringLiteral("The image is too large to show: %1 × %2 pixels")
                               .arg(declared.width())
                               .arg(declared.height()),
                           declared);
        }
    }

    static const int reducedFlags[] = {cv::IMREAD_COLOR, cv::IMREAD_REDUCED_COLOR_2, 0, cv::IMREAD_REDUCED_COLOR_4,
                                       0, 0, 0, cv::IMREAD_REDUCED_COLOR_8};
    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
        decoded = cv::imdecode(buffer, reducedFlags[reduction - 1]);
    } catch (const cv::Exception &e) {
        return failure(QStringLiteral("Cannot decode this %1: %2").arg(format, QString::fromStdString(e.msg).trimmed()), declared);
    }
    if (decoded.empty()) {
        return failure(declared.isValid() ? QStringLiteral("Cannot decode this %1: the file is corrupt or truncated").arg(format)
                                          : QStringLiteral("Unsupported or corrupt image file"),
                       declared);
    }

    // Scale formats without DCT scaling down to what the view needs.
    if (target.isValid() && (decoded.cols > target.width() * 2 || decoded.rows > target.height() * 2)) {
        const double scale = std::max(double(target.width()) / decoded.cols, double(target.height()) / decoded.rows);
        cv::Mat smaller;
        cv::resize(decoded, smaller, cv::Size(), scale, scale, cv::INTER_AREA);
        reduction = std::max(1, int(std::lround(1.0 / scale)));
        decoded = smaller;
    }

    // BGRA bytes are QImage::Format_RGB32 on a little-endian machine: the format QPainter draws
    // fastest, so the GUI thread never converts pixels while painting.
    cv::Mat bgra;
    cv::cvtColor(decoded, bgra, cv::COLOR_BGR2BGRA);
    DecodedImage result;
    // QImage wraps the Mat's memory only while the Mat lives: copy it out.
    const QImage wrapped(bgra.data, bgra.cols, bgra.rows, int(bgra.step),
                         QSysInfo::ByteOrder == QSysInfo::LittleEndian ? QImage::Format_RGB32 : QImage::Format_RGBX8888);
    result.image = wrapped.copy();
    result.reduction = reduction;
    QSize full = declared.isValid() ? declared : QSize(decoded.cols, decoded.rows);
    const bool rotated = declared.isValid() && ((declared.width() > declared.height()) != (bgra.cols > bgra.rows))
                         && declared.width() != declared.height();
    result.fullSize = rotated ? full.transposed() : full;
    return result;
}

DecodedImage decodeImageToFit(const QString &path, QSize viewport, const DecodeLimits &limits)
{
    DecodedImage result = decodeImage(path, viewport, limits);
    if (result.isNull() || !viewport.isValid() || viewport.isEmpty())
        return result;
    const QSize full = result.fullSize.isValid() ? result.fullSize : result.image.size();
    const QSize fit = full.scaled(viewport, Qt::KeepAspectRatio).expandedTo(QSize(1, 1));
    if (fit == result.image.size())
        return result;
    const cv::Mat source(result.image.height(), result.image.width(), CV_8UC4, const_cast<uchar *>(result.image.constBits()),
                         std::size_t(result.image.bytesPerLine()));
    cv::Mat scaled;
    const bool down = fit.width() < result.image.width();
    cv::resize(source, scaled, cv::Size(fit.width(), fit.height()), 0, 0, down ? cv::INTER_AREA : cv::INTER_CUBIC);
    result.image = QImage(scaled.data, scaled.cols, scaled.rows, int(scaled.step), result.image.format()).copy();
    result.reduction = 0; // scaled to the viewport, not a plain fraction of the image
    return result;
}

} // namespace bagel
