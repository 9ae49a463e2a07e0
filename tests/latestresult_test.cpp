// LatestResult: only the newest request's result reaches the window, whichever task finishes
// first; the busy signal brackets the work.

#include "latestresult.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

using namespace bagel;

TEST(LatestResult, ANewerRequestWinsEvenWhenTheOlderFinishesLater)
{
    LatestResult<int> latest;
    QSignalSpy busy(&latest, &LatestResultBase::busyChanged);
    // Each task waits for its own gate, so the test decides the order they finish in.
    auto olderGate = std::make_shared<QSemaphore>();
    auto newerGate = std::make_shared<QSemaphore>();
    QVector<int> delivered;
    latest.run(
        [olderGate] {
            olderGate->acquire();
            return 1;
        },
        [&delivered](int value) { delivered << value; });
    EXPECT_TRUE(latest.isBusy());
    latest.run(
        [newerGate] {
            newerGate->acquire();
            return 2;
        },
        [&delivered](int value) { delivered << value; });

    newerGate->release(); // the newer finishes first…
    latest.waitForFinished();
    EXPECT_EQ(delivered, QVector<int>{2});
    EXPECT_FALSE(latest.isBusy());

    olderGate->release(); // …and the older one later: dropped, not shown over the newer.
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    EXPECT_EQ(delivered, QVector<int>{2});
    ASSERT_EQ(busy.size(), 2) << "busy once for the two overlapping requests, then idle";
    EXPECT_TRUE(busy[0][0].toBool());
    EXPECT_FALSE(busy[1][0].toBool());
}

TEST(LatestResult, TheOlderResultIsDroppedWhenItFinishesFirstToo)
{
    LatestResult<QString> latest;
    auto newerGate = std::make_shared<QSemaphore>();
    QStringList delivered;
    latest.run([] { return QStringLiteral("old"); }, [&delivered](const QString &v) { delivered << v; });
    QThreadPool::globalInstance()->waitForDone(); // the older task has finished, its result not yet handed over
    latest.run(
        [newerGate] {
            newerGate->acquire();
            return QStringLiteral("new");
        },
        [&delivered](const QString &v) { delivered << v; });
    QCoreApplication::processEvents(); // the older one's notice arrives: dropped
    EXPECT_TRUE(delivered.isEmpty());
    EXPECT_TRUE(latest.isBusy());
    newerGate->release();
    latest.waitForFinished();
    EXPECT_EQ(delivered, QStringList{QStringLiteral("new")});
}

TEST(LatestResult, DiscardDropsTheResultInFlight)
{
    LatestResult<int> latest;
    QSignalSpy busy(&latest, &LatestResultBase::busyChanged);
    auto gate = std::make_shared<QSemaphore>();
    bool delivered = false;
    latest.run(
        [gate] {
            gate->acquire();
            return 7;
        },
        [&delivered](int) { delivered = true; });
    latest.discard();
    EXPECT_FALSE(latest.isBusy());
    gate->release();
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    EXPECT_FALSE(delivered);
    ASSERT_EQ(busy.size(), 2);
    EXPECT_FALSE(busy[1][0].toBool());
}

TEST(LatestResult, AHandlerMayStartTheNextTaskAndWaitingCoversIt)
{
    LatestResult<int> latest;
    int last = 0;
    latest.run([] { return 1; }, [&](int v) {
        last = v;
        latest.run([] { return 2; }, [&](int w) { last = w; });
    });
    latest.waitForFinished();
    EXPECT_EQ(last, 2);
    EXPECT_FALSE(latest.isBusy());
}

namespace {

/** Work that reports \a rows rows, then waits for Cancel (or for \a gate) and checks. */
int rowsThenWait(Progress &progress, qint64 rows, const std::shared_ptr<QSemaphore> &gate)
{
    progress.start(QStringLiteral("Counting"), rows * 2, Progress::Unit::Rows);
    progress.setDone(rows);
    while (!progress.isCancelled() && !gate->tryAcquire(1, 5)) {
    }
    progress.check();
    return int(rows);
}

} // namespace

TEST(LatestResult, WorkWithAProgressShowsItAndHandsOverItsResult)
{
    LatestResult<int> latest;
    latest.setProgressInterval(5);
    QSignalSpy progressed(&latest, &LatestResultBase::progressed);
    QSignalSpy cancelled(&latest, &LatestResultBase::cancelled);
    auto gate = std::make_shared<QSemaphore>();
    std::optional<int> delivered;
    EXPECT_FALSE(latest.progress());
    latest.runWithProgress([gate](Progress &p) { return rowsThenWait(p, 1234, gate); }, [&delivered](int v) { delivered = v; });
    // The worker reports 1,234 rows of 2,468; the object's thread hears it through progressed().
    ASSERT_TRUE(QTest::qWaitFor([&] {
        const auto s = latest.progress();
        return s && s->done == 1234;
    }, 5000));
    const auto now = latest.progress();
    EXPECT_EQ(now->stage, QStringLiteral("Counting"));
    EXPECT_EQ(now->total, 2468);
    EXPECT_EQ(now->unit, Progress::Unit::Rows);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !progressed.isEmpty(); }, 5000));
    EXPECT_EQ(progressed.last()[0].value<Progress::Snapshot>().stage, QStringLiteral("Counting"));
    gate->release();
    latest.waitForFinished();
    EXPECT_EQ(delivered, 1234);
    EXPECT_TRUE(cancelled.isEmpty());
    EXPECT_FALSE(latest.progress()) << "no progress once nothing runs";
}

TEST(LatestResult, CancelStopsTheWorkAndHandsOverNothing)
{
    LatestResult<int> latest;
    QSignalSpy busy(&latest, &LatestResultBase::busyChanged);
    QSignalSpy cancelled(&latest, &LatestResultBase::cancelled);
    auto gate = std::make_shared<QSemaphore>(); // never released: only Cancel ends the work
    bool delivered = false;
    latest.runWithProgress([gate](Progress &p) { return rowsThenWait(p, 10, gate); }, [&delivered](int) { delivered = true; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return latest.progress() && latest.progress()->done == 10; }, 5000));
    EXPECT_FALSE(latest.isCancelling());
    latest.cancel();
    EXPECT_TRUE(latest.isCancelling());
    EXPECT_TRUE(latest.progress()->cancelled);
    latest.waitForFinished();
    EXPECT_FALSE(delivered);
    EXPECT_FALSE(latest.isBusy());
    EXPECT_FALSE(latest.isCancelling());
    ASSERT_EQ(cancelled.size(), 1);
    ASSERT_EQ(busy.size(), 2);
    EXPECT_FALSE(busy[1][0].toBool());
}

TEST(LatestResult, ANewerRequestOrDiscardCancelsTheOlderWork)
{
    LatestResult<int> latest;
    QSignalSpy cancelled(&latest, &LatestResultBase::cancelled);
    auto never = std::make_shared<QSemaphore>();
    auto olderStopped = std::make_shared<std::atomic<bool>>(false);
    QVector<int> delivered;
    latest.runWithProgress(
        [never, olderStopped](Progress &p) {
            try {
                return rowsThenWait(p, 1, never);
            } catch (const Cancelled &) {
                *olderStopped = true;
                throw;
            }
        },
        [&delivered](int v) { delivered << v; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return latest.progress() && latest.progress()->done == 1; }, 5000));
    latest.runWithProgress([](Progress &) { return 2; }, [&delivered](int v) { delivered << v; });
    latest.waitForFinished();
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    EXPECT_TRUE(*olderStopped) << "the overtaken work was told to stop";
    EXPECT_EQ(delivered, QVector<int>{2});
    EXPECT_TRUE(cancelled.isEmpty()) << "only the latest task's Cancel is reported";

    auto discardedStopped = std::make_shared<std::atomic<bool>>(false);
    latest.runWithProgress(
        [discardedStopped](Progress &p) {
            while (!p.isCancelled())
                QThread::msleep(1);
            *discardedStopped = true;
            p.check();
            return 3;
        },
        [&delivered](int v) { delivered << v; });
    latest.discard();
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    EXPECT_TRUE(*discardedStopped);
    EXPECT_EQ(delivered, QVector<int>{2});
    EXPECT_TRUE(cancelled.isEmpty());
}

TEST(LatestResult, CancelLeavesWorkWithoutAProgressAlone)
{
    LatestResult<int> latest;
    QSignalSpy cancelled(&latest, &LatestResultBase::cancelled);
    auto gate = std::make_shared<QSemaphore>();
    int delivered = 0;
    latest.run(
        [gate] {
            gate->acquire();
            return 5;
        },
        [&delivered](int v) { delivered = v; });
    EXPECT_FALSE(latest.progress());
    latest.cancel();
    EXPECT_FALSE(latest.isCancelling());
    gate->release();
    latest.waitForFinished();
    EXPECT_EQ(delivered, 5);
    EXPECT_TRUE(cancelled.isEmpty());
}
