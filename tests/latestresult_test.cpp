// LatestResult: only the newest request's result reaches the window, whichever task finishes
// first; the busy signal brackets the work.

#include "latestresult.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>

#include <gtest/gtest.h>

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
