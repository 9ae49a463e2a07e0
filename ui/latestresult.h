#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QtConcurrent>

#include <utility>

namespace bagel {

/** The part of LatestResult that needs no type: which task is the latest, and whether it runs. */
class LatestResultBase : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatestResultBase)

public:
    explicit LatestResultBase(QObject *parent = nullptr);
    ~LatestResultBase() override;

    /** Whether the latest task is still running. */
    bool isBusy() const { return m_latest != nullptr; }
    /** Forgets the task in flight: its result is dropped when it arrives (a project closed, say). */
    void discard();
    /**
     * Waits for the latest task, and for any a handler starts in turn, and hands over the
     * result (tests, and the few places that must not go on without it).
     */
    void waitForFinished();

Q_SIGNALS:
    /** A task started while none ran (true), or the latest one finished or was discarded (false). */
    void busyChanged(bool busy);

protected:
    void setLatest(QFutureWatcherBase *watcher);
    /** Whether \a watcher's task is the latest; if so it is no longer running. */
    bool takeIfLatest(QFutureWatcherBase *watcher);

private:
    QPointer<QFutureWatcherBase> m_latest;
};

/**
 * Runs work on the thread pool and hands only the latest request's result to the object's
 * thread: a result that a newer request has overtaken is dropped, whichever finishes first.
 * The work must hold values only (a file path, a snapshot shared by pointer), never the widget
 * that asked: it may outlive it.
 */
template <typename T>
class LatestResult final : public LatestResultBase
{
public:
    using LatestResultBase::LatestResultBase;

    /**
     * Runs \a work() (returning T) on a worker thread; \a done(T) is called on this object's
     * thread with the result, unless another run() or discard() came meanwhile.
     */
    template <typename Work, typename Done>
    void run(Work &&work, Done &&done)
    {
        auto *watcher = new QFutureWatcher<T>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::forward<Done>(done)]() mutable {
            watcher->deleteLater();
            if (takeIfLatest(watcher))
                done(watcher->result());
        });
        setLatest(watcher);
        watcher->setFuture(QtConcurrent::run(std::forward<Work>(work)));
    }
};

} // namespace bagel
