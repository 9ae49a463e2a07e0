#pragma once

#include <QImage>
#include <QString>

namespace bagel {

/**
 * Small versions of images for browsing a class's examples, kept on disk so that each is made
 * once. The key is the image's absolute path, modification time and byte size (and the
 * thumbnail size): a changed file gets a new thumbnail, never a stale one. JPEGs are decoded
 * reduced (libjpeg's DCT scaling) so that a thumbnail costs about a millisecond. Thread-safe:
 * every call works on its own files, and a thumbnail is written under a temporary name and
 * renamed.
 */
class ThumbnailCache
{
public:
    /** `<CacheLocation>/thumbnails`. */
    static QString defaultDirectory();

    explicit ThumbnailCache(QString directory = defaultDirectory(), int size = 160);

    /** The thumbnail of \a imagePath (made and stored if needed); null if the image cannot be read. */
    QImage thumbnail(const QString &imagePath) const;
    /** Where the thumbnail of \a imagePath is (or would be) stored; empty if the image is missing. */
    QString cachePath(const QString &imagePath) const;

    int size() const { return m_size; }
    const QString &directory() const { return m_directory; }

private:
    QString m_directory;
    int m_size;
};

} // namespace bagel
