#pragma once

#include "imagedecoder.h"

#include <QCache>
#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <memory>

namespace bagel {

/**
 * Decodes images off the GUI thread and keeps recent ones in a cache bounded by bytes.
 * request() answers at once from the cache, or starts a decode whose result arrives through
 * ready(). A request with a target gets the image scaled to fit that viewport; one without
 * gets it at full size. prefetch() decodes, at a lower priority, the items the reviewer is about to see;
 * a new prefetch list drops the queued part of the old one. Lives on the GUI thread; workers
 * get their arguments by value and touch nothing of the loader.
 */
class ImageLoader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageLoader)

public:
    explicit ImageLoader(qint64 cacheBytes = 160 * 1024 * 1024, QObject *parent = nullptr);
    ~ImageLoader() override;

    /**
     * The image at \a path decoded for \a target, if a decode at least that large is cached;
     * otherwise nullptr, and ready() follows. A cached failure (a corrupt file) is returned too.
     */
    const DecodedImage *request(const QString &path, QSize target);

    /** Decodes \a paths, nearest first, unless cached; forgets the previous prefetch list. */
    void prefetch(const QStringList &paths, QSize target);

    qint64 cacheBytes() const { return m_cache.totalCost(); }
    qint64 cacheCapacity() const { return m_cache.maxCost(); }
    /** 0 turns the cache off (benchmarks of the cold path). */
    void setCacheCapacity(qint64 bytes) { m_cache.setMaxCost(bytes); }
    void clear();
    /** Waits for every running decode (tests and shutdown). */
    void waitForDone();

Q_SIGNALS:
    void ready(const QString &path, QSize target, const bagel::DecodedImage &image);

private:
    struct Entry
    {
        DecodedImage image;
        QSize target;
        qint64 stamp; ///< file mtime and size: a changed file is decoded again
    };
    const Entry *cached(const QString &path, QSize target) const;
    void start(const QString &path, QSize target, bool prefetch);
    static qint64 fileStamp(const QString &path);

    QThreadPool m_pool;
    QCache<QString, Entry> m_cache;
    struct Pending
    {
        QSize target;
        bool prefetch;
        quint64 task;
    };
    QHash<QString, Pending> m_pending; ///< the decode under way for a path
    quint64 m_nextTask = 1;
    std::shared_ptr<std::atomic<int>> m_generation;
};

} // namespace bagel
