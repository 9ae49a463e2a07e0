#include "imageloader.h"

#include <QFileInfo>
#include <QtConcurrent/qtconcurrenttask.h>

namespace bagel {

namespace {

bool covers(QSize have, QSize want)
{
    if (!want.isValid())
        return !have.isValid(); // a full-size request needs a full-size decode
    return !have.isValid() || (have.width() >= want.width() && have.height() >= want.height());
}

} // namespace

ImageLoader::ImageLoader(qint64 cacheBytes, QObject *parent)
    : QObject(parent)
    , m_generation(std::make_shared<std::atomic<int>>(0))
{
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
    m_cache.setMaxCost(cacheBytes);
}

ImageLoader::~ImageLoader()
{
    m_generation->fetch_add(1); // queued prefetches return at once
    m_pool.clear();
    m_pool.waitForDone();
}

qint64 ImageLoader::fileStamp(const QString &path)
{
    const QFileInfo info(path);
    return info.exists() ? info.lastModified().toMSecsSinceEpoch() ^ (info.size() << 20) : -1;
}

const ImageLoader::Entry *ImageLoader::cached(const QString &path, QSize target) const
{
    const Entry *entry = m_cache.object(path);
    if (!entry || !covers(entry->target, target))
        return nullptr;
    if (entry->stamp != fileStamp(path))
        return nullptr;
    return entry;
}

const DecodedImage *ImageLoader::request(const QString &path, QSize target)
{
    if (const Entry *entry = cached(path, target))
        return &entry->image;
    start(path, target, false);
    return nullptr;
}

void ImageLoader::prefetch(const QStringList &paths, QSize target)
{
    m_generation->fetch_add(1);
    for (const QString &path : paths) {
        if (!cached(path, target))
            start(path, target, true);
    }
}

void ImageLoader::start(const QString &path, QSize target, bool prefetch)
{
    // A decode under way will do, unless it is a prefetch that a newer prefetch list may
    // cancel before it starts: what the reviewer waits for must not be dropped.
    const auto pending = m_pending.constFind(path);
    if (pending != m_pending.constEnd() && covers(pending->target, target) && (prefetch || !pending->prefetch))
        return;
    const quint64 task = m_nextTask++;
    m_pending.insert(path, Pending{target, prefetch, task});

    const std::shared_ptr<std::atomic<int>> generation = m_generation;
    const int mine = generation->load();
    auto *watcher = new QFutureWatcher<DecodedImage>(this);
    connect(watcher, &QFutureWatcher<DecodedImage>::finished, this, [this, watcher, path, target, task] {
        watcher->deleteLater();
        const auto mine = m_pending.constFind(path);
        if (mine != m_pending.constEnd() && mine->task == task)
            m_pending.remove(path);
        const DecodedImage image = watcher->result();
        if (image.error == QLatin1String("(superseded)"))
            return;
        const qint64 cost = std::max<qint64>(image.image.sizeInBytes(), 1024);
        m_cache.insert(path, new Entry{image, target, fileStamp(path)}, cost);
        Q_EMIT ready(path, target, image);
    });
    // Arguments by value: the worker never touches the loader.
    auto decode = [path, target, prefetch, generation, mine]() -> DecodedImage {
        if (prefetch && generation->load() != mine) {
            DecodedImage skipped;
            skipped.error = QStringLiteral("(superseded)");
            return skipped;
        }
        // A target is a viewport: the image arrives at the size the view shows it, so that
        // painting it is a plain copy. A full-size request (1:1, zoom) decodes everything.
        return target.isValid() ? decodeImageToFit(path, target) : decodeImage(path);
    };
    // What the reviewer waits for goes ahead of what is decoded in advance.
    watcher->setFuture(QtConcurrent::task(std::move(decode)).onThreadPool(m_pool).withPriority(prefetch ? 0 : 10).spawn());
}

void ImageLoader::clear()
{
    m_cache.clear();
}

void ImageLoader::waitForDone()
{
    m_pool.waitForDone();
}

} // namespace bagel
