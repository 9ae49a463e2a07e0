#include "latestresult.h"

#include <QCoreApplication>

namespace bagel {

LatestResultBase::LatestResultBase(QObject *parent)
    : QObject(parent)
{
}

LatestResultBase::~LatestResultBase() = default;

void LatestResultBase::setLatest(QFutureWatcherBase *watcher)
{
    const bool wasBusy = isBusy();
    m_latest = watcher;
    if (!wasBusy)
        Q_EMIT busyChanged(true);
}

bool LatestResultBase::takeIfLatest(QFutureWatcherBase *watcher)
{
    if (watcher != m_latest)
        return false;
    m_latest = nullptr;
    Q_EMIT busyChanged(false);
    return true;
}

void LatestResultBase::discard()
{
    if (!isBusy())
        return;
    m_latest = nullptr;
    Q_EMIT busyChanged(false);
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
