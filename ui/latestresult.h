#pragma once

#include "progress.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QtConcurrent>

#include <memory>
#include <optional>
#include <utility>

class QTimer;

namespace bagel {

/**
 * The part of LatestResult that needs no type: which task is the latest, whether it runs, and
 * the Progress of a task started with runWithProgress().
 */
class LatestResultBase : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatestResultBase)

public:
    explicit LatestResultBase(QObject *parent = nullptr);
    /** Cancels the Progress of the task in flight, so that it stops early; its result is dropped. */
    ~LatestResultBase() override;

    /** Whether the latest task is still running. */
    bool isBusy() const { return m_latest != nullptr; }
    /**
     * Forgets the task in flight: its result is dropped when it arrives (a project closed, say).
     * A task started with a Progress is also asked to stop.
     */
    void discard();
    /**
     * Waits for the latest task, and for any a handler starts in turn, and hands over the
     * result (tests, and the few places that must not go on without it).
     */
    void waitForFinished();

    /**
     * Asks the latest task to stop at its next Progress check (Cancel). When it stops so, no
     * result is handed over and cancelled() is emitted instead; a task that finishes before
     * it notices hands its result over as usual. Nothing happens for a task run without a
     * Progress, or when none runs.
     */
    void cancel();
    /** Whether cancel() was called on the latest task, which has not ended yet. */
    bool isCancelling() const { return isBusy() && m_progress && m_progress->isCancelled(); }
    /** The latest task's progress, or nothing (none runs, or it was started without a Progress). */
    std::optional<Progress::Snapshot> progress() const;
    /** How often progressed() is emitted while a task with a Progress runs; 100 ms unless set. */
    void setProgressInterval(int milliseconds);

Q_SIGNALS:
    /** A task started while none ran (true), or the latest one finished or was discarded (false). */
    void busyChanged(bool busy);
    /** Every progress interval while the latest task, started with a Progress, runs. */
    void progressed(const bagel::Progress::Snapshot &snapshot);
    /** The latest task stopped at cancel(): no result (emitted after busyChanged(false)). */
    void cancelled();

protected:
    /** \a progress: the new task's, or null; the Progress of the task it overtakes is cancelled. */
    void setLatest(QFutureWatcherBase *watcher, std::shared_ptr<Progress> progress = nullptr);
    /** Whether \a watcher's task is the latest; if so it is no longer running. */
    bool takeIfLatest(QFutureWatcherBase *watcher);
    void emitCancelled() { Q_EMIT cancelled(); }

private:
    void pollProgress();
    void forgetProgress();

    QPointer<QFutureWatcherBase> m_latest;
    std::shared_ptr<Progress> m_progress; ///< the latest task's, while it runs
    QTimer *m_poll;
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

    /**
     * As run(), but \a work(Progress &) reports to a Progress of its own: progressed() shows it
     * while it runs, and cancel() (or a newer request, or discard()) cancels it. Work that
     * throws Cancelled hands over nothing; for the latest task cancelled() is emitted instead
     * of \a done. Any other exception must be caught by \a work, as for run().
     */
    template <typename Work, typename Done>
    void runWithProgress(Work &&work, Done &&done)
    {
        auto progress = std::make_shared<Progress>();
        auto *watcher = new QFutureWatcher<std::optional<T>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::forward<Done>(done)]() mutable {
            watcher->deleteLater();
            if (!takeIfLatest(watcher))
                return;
            std::optional<T> result = watcher->result();
            if (result)
                done(std::move(*result));
            else
                emitCancelled();
        });
        setLatest(watcher, progress);
        watcher->setFuture(QtConcurrent::run([work = std::forward<Work>(work), progress]() mutable -> std::optional<T> {
            try {
                return std::optional<T>(work(*progress));
            } catch (const Cancelled &) {
                return std::nullopt;
            }
        }));
    }
};

} // namespace bagel
