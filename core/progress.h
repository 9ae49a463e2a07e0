#pragma once

#include "error.h"

#include <QMutex>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

namespace bagel {

/** Thrown by Progress::check() once the user asked to cancel; the work rolls back. */
class Cancelled : public Error
{
public:
    Cancelled();
};

/**
 * One long operation's progress and its Cancel button: the hook that core's long work
 * (imports, merges, exports, reports, the audit) reports to, and that both front ends read —
 * the window's progress dialog and bagel-cli's progress line. The worker calls start(),
 * setDone()/advance() and check(); the front end polls snapshot() and calls cancel() from its
 * own thread. Every member is thread-safe. A null Progress pointer means "nobody is watching":
 * use the free functions below, which accept one.
 */
class Progress
{
public:
    /** What done() and total() count. */
    enum class Unit { Steps, Bytes, Rows, Items };

    struct Snapshot
    {
        QString stage;     ///< what is being done now ("Reading predictions.csv")
        Unit unit = Unit::Steps;
        qint64 done = 0;
        qint64 total = 0;  ///< 0: unknown
        double seconds = 0.0; ///< since the stage started
        bool cancelled = false;

        /** Units per second over the stage, or 0 while too early to say. */
        double rate() const;
        /** Seconds left at the stage's rate, or nullopt while unknown. */
        std::optional<double> secondsLeft() const;
        /** done/total in [0, 1], or nullopt when the total is unknown. */
        std::optional<double> fraction() const;
        /** One line: "Reading predictions.csv: 120 MB of 418 MB · 65 MB/s · 5 s left". */
        QString describe() const;
        /** describe() without the stage: ": 120 MB of 418 MB · 65 MB/s · 5 s left" (or empty). */
        QString figures() const;
    };

    Progress() = default;
    Progress(const Progress &) = delete;
    Progress &operator=(const Progress &) = delete;

    /** Starts a stage: resets done to 0 and the clock. \a total 0: unknown. */
    void start(const QString &stage, qint64 total = 0, Unit unit = Unit::Steps);
    void setTotal(qint64 total) { m_total.store(total, std::memory_order_relaxed); }
    void setDone(qint64 done) { m_done.store(done, std::memory_order_relaxed); }
    void advance(qint64 by = 1) { m_done.fetch_add(by, std::memory_order_relaxed); }

    /** Asks the work to stop at its next check(); callable from any thread. */
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    /** Throws Cancelled when cancel() was called. Cheap: call it every few thousand rows. */
    void check() const
    {
        if (m_checkHook)
            m_checkHook();
        if (isCancelled())
            throw Cancelled();
    }
    /**
     * Called by every check(), on the working thread, before it looks at the flag: lets a test
     * cancel (or hold) the work at a point it chooses. Set it before the work starts.
     */
    void setCheckHook(std::function<void()> hook) { m_checkHook = std::move(hook); }

    Snapshot snapshot() const;

private:
    mutable QMutex m_mutex; ///< guards m_stage, m_unit and m_started
    QString m_stage;
    Unit m_unit = Unit::Steps;
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
    std::atomic<qint64> m_done{0};
    std::atomic<qint64> m_total{0};
    std::atomic<bool> m_cancelled{false};
    std::function<void()> m_checkHook;
};

// Null-safe helpers for work that may run without anyone watching.
inline void progressStart(Progress *p, const QString &stage, qint64 total = 0, Progress::Unit unit = Progress::Unit::Steps)
{
    if (p)
        p->start(stage, total, unit);
}
inline void progressSetDone(Progress *p, qint64 done)
{
    if (p)
        p->setDone(done);
}
inline void progressAdvance(Progress *p, qint64 by = 1)
{
    if (p)
        p->advance(by);
}
inline void progressCheck(const Progress *p)
{
    if (p)
        p->check();
}

/** "418 MB", "12,345 rows", "3 items": an amount in a progress line. */
QString formatAmount(qint64 amount, Progress::Unit unit);
/** "1 min 05 s", "4 s", "0.3 s". */
QString formatSeconds(double seconds);

} // namespace bagel
