#include "latestresult.h"

#include <QCoreApplication>
#include <QTimer>

namespace bagel {

LatestResultBase::LatestResultBase(QObject *parent)
    : QObject(parent)
    , m_poll(new QTimer(this))
{
    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, &LatestResultBase::pollProgress);
}

LatestResultBase::~LatestResultBase()
{
    // The work holds values only and may run on; a Progress lets it stop sooner.
    if (m_progress)
        m_progress->cancel();
}

void LatestResultBase::setLatest(QFutureWatcherBase *watcher, std::shared_ptr<Progress> progress)
{
    const bool wasBusy = isBusy();
    if (m_progress) // overtaken: its result would be dropped, so it need not go on
        m_progress->cancel();
    m_latest = watcher;
    m_progress = std::move(progress);
    if (m_progress)
        m_poll->start();
    else
        m_poll->stop();
    if (!wasBusy)
        Q_EMIT busyChanged(true);
}

bool LatestResultBase::takeIfLatest(QFutureWatcherBase *watcher)
{
    if (watcher != m_latest)
        return false;
    m_latest = nullptr;
    if (m_progress)
        pollProgress(); // the last word: everything done
    forgetProgress();
    Q_EMIT busyChanged(false);
    return true;
}

void LatestResultBase::discard()
{
    if (!isBusy())
        return;
    if (m_progress)
        m_progress->cancel();
    m_latest = nullptr;
    forgetProgress();
    Q_EMIT busyChanged(false);
}

void LatestResultBase::cancel()
{
    if (isBusy() && m_progress) {
        m_progress->cancel();
        pollProgress(); // says "cancelled" at once
    }
}

std::optional<Progress::Snapshot> LatestResultBase::progress() const
{
    if (!isBusy() || !m_progress)
        return std::nullopt;
    return m_progress->snapshot();
}

void LatestResultBase::setProgressInterval(int milliseconds)
{
    m_poll->setInterval(std::max(1, milliseconds));
}

void LatestResultBase::pollProgress()
{
    if (m_progress)
        Q_EMIT progressed(m_progress->snapshot());
}

void LatestResultBase::forgetProgress()
{
    m_progress.reset();
    m_poll->stop();
}

void LatestResultBase::waitForFinished()
{
    // A handler may start another task (a snapshot read, then the statistics computed on it).
    while (QFutureWatcherBase *watcher = m_latest.data()) {
        watcher->waitForFinished();
        // The watcher learns that its future finished through a posted event.
        QCoreApplication::sendPostedEvents(watcher);
        if (m_latest == watcher) // not delivered yet: let the event loop's other events through once
            QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
    }
}

} // namespace bagel
