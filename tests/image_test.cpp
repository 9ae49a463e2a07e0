#include "image/imagedecoder.h"
#include "image/imageheader.h"
#include "image/imageloader.h"
#include "image/thumbnailcache.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QList>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>
#include <QtEndian>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

QString writeImage(const QString &path, const cv::Mat &mat)
{
    EXPECT_TRUE(cv::imwrite(path.toStdString(), mat)) << path.toStdString();
    return path;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

/** A JPEG carrying EXIF orientation 6 ("rotate 90° clockwise to display"). */
QByteArray withExifOrientation6(const QByteArray &jpeg)
{
    QByteArray tiff("II*\0", 4);
    const auto le16 = [](quint16 v) { QByteArray b(2, 0); qToLittleEndian(v, b.data()); return b; };
    const auto le32 = [](quint32 v) { QByteArray b(4, 0); qToLittleEndian(v, b.data()); return b; };
    tiff += le32(8) + le16(1) + le16(0x0112) + le16(3) + le32(1) + le32(6) + le32(0);
    const QByteArray app1 = QByteArray("Exif\0\0", 6) + tiff;
    QByteArray segment("\xFF\xE1", 2);
    segment += char((app1.size() + 2) >> 8);
    segment += char((app1.size() + 2) & 0xFF);
    return jpeg.left(2) + segment + app1 + jpeg.mid(2);
}

} // namespace

TEST(ImageHeader, ReadsTheDeclaredSizeOfTheReferencePhotos)
{
    for (const char *name : {"gcompris_jaguar.webp", "opencv_baboon.jpg", "opencv_chicky_512.png",
                             "matplotlib_grace_hopper.jpg", "skimage_coffee.png"}) {
        const QString path = test::testData(QStringLiteral("photos/") + QLatin1String(name));
        const QSize header = imageHeaderSize(readAll(path));
        const cv::Mat decoded = cv::imread(path.toStdString(), cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
        EXPECT_EQ(header, QSize(decoded.cols, decoded.rows)) << name;
    }
    EXPECT_FALSE(imageHeaderSize("not an image").isValid());
    EXPECT_FALSE(imageHeaderSize(QByteArray()).isValid());
}

TEST(ImageHeader, ExtremeDeclaredSizesStayHugeInsteadOfWrapping)
{
    // Found by fuzz_image: a BMP whose height is INT_MIN (rows top-down) had no int absolute value.
    QByteArray bmp("BM", 2);
    bmp += QByteArray(16, '\0');
    QByteArray fields(8, 0);
    qToLittleEndian<qint32>(3, fields.data());
    qToLittleEndian<qint32>(std::numeric_limits<qint32>::min(), fields.data() + 4);
    bmp += fields + QByteArray(8, '\0');
    EXPECT_EQ(imageHeaderSize(bmp), QSize(3, std::numeric_limits<int>::max()));
    // A PNG declaring 2^32 - 1 pixels a side: huge, not negative.
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xff\xff\xff\xff\xff\xff\xff", 24);
    EXPECT_EQ(imageHeaderSize(png), QSize(std::numeric_limits<int>::max(), std::numeric_limits<int>::max()));
    test::TempDir dir;
    const DecodedImage refused = decodeImage(test::writeFile(dir.path(QStringLiteral("tall.bmp")), bmp));
    EXPECT_TRUE(refused.isNull());
    EXPECT_TRUE(refused.error.startsWith(QStringLiteral("The image is too large to show"))) << refused.error.toStdString();
}

TEST(ImageDecoder, DecodesRealPhotosInRgbOrder)
{
    for (const char *name : {"gcompris_jaguar.webp", "opencv_baboon.jpg", "opencv_chicky_512.png"}) {
        const DecodedImage d = decodeImage(test::testData(QStringLiteral("photos/") + QLatin1String(name)));
        ASSERT_FALSE(d.isNull()) << name << d.error.toStdString();
        EXPECT_EQ(d.image.size(), d.fullSize) << name;
        EXPECT_EQ(d.reduction, 1);
    }
    test::TempDir dir;
    cv::Mat red(10, 20, CV_8UC3, cv::Scalar(0, 0, 255)); // OpenCV is BGR
    const DecodedImage d = decodeImage(writeImage(dir.path(QStringLiteral("red.png")), red));
    ASSERT_FALSE(d.isNull());
    EXPECT_EQ(d.image.pixel(3, 3), qRgb(255, 0, 0));
    EXPECT_EQ(d.image.format(), QImage::Format_RGB32);
}

TEST(ImageDecoder, HonoursExifOrientation)
{
    test::TempDir dir;
    cv::Mat wide(100, 300, CV_8UC3, cv::Scalar(0, 0, 255));
    const QString plain = writeImage(dir.path(QStringLiteral("wide.jpg")), wide);
    const QString rotated = test::writeFile(dir.path(QStringLiteral("rotated.jpg")), withExifOrientation6(readAll(plain)));
    const DecodedImage d = decodeImage(rotated);
    ASSERT_FALSE(d.isNull()) << d.error.toStdString();
    EXPECT_EQ(d.image.size(), QSize(100, 300));
    EXPECT_EQ(d.fullSize, QSize(100, 300));
}

TEST(ImageDecoder, DecodesJpegsReducedToWhatTheViewNeeds)
{
    test::TempDir dir;
    const QString path = writeImage(dir.path(QStringLiteral("big.jpg")), cv::Mat(3000, 4000, CV_8UC3, cv::Scalar(10, 200, 30)));
    const DecodedImage d = decodeImage(path, QSize(900, 600));
    ASSERT_FALSE(d.isNull());
    EXPECT_EQ(d.reduction, 4);
    EXPECT_EQ(d.image.size(), QSize(1000, 750));
    EXPECT_EQ(d.fullSize, QSize(4000, 3000));
    EXPECT_EQ(decodeImage(path).image.size(), QSize(4000, 3000));
}

TEST(ImageDecoder, HugeImagesAreReducedOrRefusedWithoutAllocatingThem)
{
    test::TempDir dir;
    // 9000 × 9000 JPEG (81 MP): over the limit at full size, decoded at half size instead.
    const QString jpeg = writeImage(dir.path(QStringLiteral("huge.jpg")), cv::Mat(9000, 9000, CV_8UC1, cv::Scalar(128)));
    DecodeLimits limits;
    const DecodedImage reduced = decodeImage(jpeg, {}, limits);
    ASSERT_FALSE(reduced.isNull()) << reduced.error.toStdString();
    EXPECT_EQ(reduced.reduction, 2);
    EXPECT_EQ(reduced.fullSize, QSize(9000, 9000));

    // A PNG header declaring 50000 × 50000 is refused from the header alone.
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    QByteArray size(8, 0);
    qToBigEndian<quint32>(50000, size.data());
    qToBigEndian<quint32>(50000, size.data() + 4);
    png += size + QByteArray("\x08\x02\0\0\0", 5) + QByteArray(4, 0);
    const QString bomb = test::writeFile(dir.path(QStringLiteral("bomb.png")), png);
    QElapsedTimer timer;
    timer.start();
    const DecodedImage refused = decodeImage(bomb);
    EXPECT_TRUE(refused.isNull());
    EXPECT_EQ(refused.error, QStringLiteral("The image is too large to show: 50000 × 50000 pixels"));
    EXPECT_LT(timer.elapsed(), 1000);
}

TEST(ImageDecoder, BrokenFilesGiveAReasonInsteadOfAPicture)
{
    test::TempDir dir;
    EXPECT_TRUE(decodeImage(dir.path(QStringLiteral("none.jpg"))).error.startsWith(QStringLiteral("The image file is missing")));
    EXPECT_EQ(decodeImage(test::writeFile(dir.path(QStringLiteral("empty.jpg")), {})).error,
              QStringLiteral("The image file is empty (0 bytes)"));
    const QByteArray photo = readAll(test::testData(QStringLiteral("photos/opencv_baboon.jpg")));
    EXPECT_EQ(decodeImage(test::writeFile(dir.path(QStringLiteral("cut.jpg")), photo.left(photo.size() / 2))).error,
              QStringLiteral("The JPEG file is truncated (it has no end marker)"));
    const QByteArray png = readAll(test::testData(QStringLiteral("photos/opencv_chicky_512.png")));
    EXPECT_TRUE(decodeImage(test::writeFile(dir.path(QStringLiteral("cut.png")), png.left(png.size() / 3)))
                    .error.startsWith(QStringLiteral("Cannot decode this PNG")));
    EXPECT_EQ(decodeImage(test::writeFile(dir.path(QStringLiteral("text.jpg")), "just some text")).error,
              QStringLiteral("Unsupported or corrupt image file"));
}

TEST(ImageLoader, DecodesOffTheCallerThreadAndCaches)
{
    test::TempDir dir;
    const QString path = dir.path(QStringLiteral("a.jpg"));
    QFile::copy(test::testData(QStringLiteral("photos/opencv_baboon.jpg")), path);
    ImageLoader loader(64 * 1024 * 1024);
    QSignalSpy spy(&loader, &ImageLoader::ready);
    EXPECT_EQ(loader.request(path, QSize(256, 256)), nullptr);
    ASSERT_TRUE(spy.wait(5000));
    const DecodedImage *cached = loader.request(path, QSize(256, 256));
    ASSERT_NE(cached, nullptr);
    EXPECT_FALSE(cached->isNull());
    EXPECT_GT(loader.cacheBytes(), 0);
    // A smaller request is served by the larger decode; a full-size one is not.
    EXPECT_NE(loader.request(path, QSize(100, 100)), nullptr);
    EXPECT_EQ(loader.request(path, QSize()), nullptr);
    ASSERT_TRUE(spy.wait(5000));

    // A changed file is decoded again.
    QFile::remove(path);
    QFile::copy(test::testData(QStringLiteral("photos/opencv_orange.jpg")), path);
    QFile touched(path);
    touched.open(QIODevice::ReadWrite);
    touched.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime);
    touched.close();
    EXPECT_EQ(loader.request(path, QSize(256, 256)), nullptr);
}

TEST(ImageLoader, PrefetchFillsTheCacheAndTheCacheStaysWithinItsBudget)
{
    test::TempDir dir;
    QStringList paths;
    for (int i = 0; i < 12; ++i) {
        const QString path = dir.path(QStringLiteral("p%1.jpg").arg(i));
        writeImage(path, cv::Mat(600, 800, CV_8UC3, cv::Scalar(i * 20, 0, 0)));
        paths << path;
    }
    ImageLoader loader(4 * 1024 * 1024); // room for about two decodes of 800 × 600
    QSignalSpy spy(&loader, &ImageLoader::ready);
    loader.prefetch(paths.mid(0, 2), QSize(800, 600));
    while (spy.count() < 2)
        ASSERT_TRUE(spy.wait(5000));
    EXPECT_NE(loader.request(paths[0], QSize(800, 600)), nullptr);
    EXPECT_NE(loader.request(paths[1], QSize(800, 600)), nullptr);
    loader.prefetch(paths, QSize(800, 600));
    loader.waitForDone();
    QCoreApplication::processEvents();
    QTest::qWait(50);
    EXPECT_LE(loader.cacheBytes(), loader.cacheCapacity());
}

TEST(ImageLoader, ARequestIsNotLostWhenThePrefetchItJoinedIsCancelled)
{
    test::TempDir dir;
    QStringList busy;
    for (int i = 0; i < 6; ++i)
        busy << writeImage(dir.path(QStringLiteral("busy%1.png").arg(i)), cv::Mat(2000, 2000, CV_8UC3, cv::Scalar(i, 0, 0)));
    const QString wanted = writeImage(dir.path(QStringLiteral("wanted.png")), cv::Mat(100, 100, CV_8UC3, cv::Scalar(0, 9, 0)));
    ImageLoader loader;
    QSignalSpy spy(&loader, &ImageLoader::ready);
    loader.prefetch(busy + QStringList{wanted}, QSize()); // `wanted` waits behind the busy ones
    EXPECT_EQ(loader.request(wanted, QSize()), nullptr);  // the reviewer arrives at it
    loader.prefetch({}, QSize());                          // and moves the prefetch window on
    QElapsedTimer timer;
    timer.start();
    bool delivered = false;
    while (!delivered && timer.elapsed() < 10000) {
        spy.wait(200);
        for (const QList<QVariant> &args : spy)
            delivered = delivered || args.at(0).toString() == wanted;
    }
    EXPECT_TRUE(delivered);
    EXPECT_NE(loader.request(wanted, QSize()), nullptr);
}

TEST(ThumbnailCache, MakesEachThumbnailOnceAndRemakesItWhenTheFileChanges)
{
    test::TempDir dir;
    const QString image = writeImage(dir.path(QStringLiteral("a.jpg")), cv::Mat(375, 500, CV_8UC3, cv::Scalar(0, 0, 255)));
    const ThumbnailCache cache(dir.path(QStringLiteral("cache")), 160);
    const QImage first = cache.thumbnail(image);
    ASSERT_FALSE(first.isNull());
    EXPECT_EQ(first.size(), QSize(160, 120));
    EXPECT_GE(qRed(first.pixel(80, 60)), 250); // JPEG is lossy
    const QString stored = cache.cachePath(image);
    ASSERT_TRUE(QFileInfo::exists(stored));
    const QDateTime madeAt = QFileInfo(stored).lastModified();

    // A second request reads the stored thumbnail instead of the image.
    const QImage again = cache.thumbnail(image);
    EXPECT_EQ(again.size(), first.size());
    EXPECT_EQ(QFileInfo(stored).lastModified(), madeAt);

    // The image changes (content, size, time): its key changes and a new thumbnail is made.
    QFile::remove(image);
    writeImage(image, cv::Mat(300, 300, CV_8UC3, cv::Scalar(255, 0, 0)));
    QFile touched(image);
    touched.open(QIODevice::ReadWrite);
    touched.setFileTime(QDateTime::currentDateTime().addSecs(120), QFileDevice::FileModificationTime);
    touched.close();
    EXPECT_NE(cache.cachePath(image), stored);
    const QImage changed = cache.thumbnail(image);
    EXPECT_EQ(changed.size(), QSize(160, 160));
    EXPECT_GE(qBlue(changed.pixel(80, 80)), 250);

    EXPECT_TRUE(cache.thumbnail(dir.path(QStringLiteral("missing.jpg"))).isNull());
    EXPECT_TRUE(cache.thumbnail(test::writeFile(dir.path(QStringLiteral("bad.jpg")), "not an image")).isNull());
}
