#include "progress.h"

#include <gtest/gtest.h>

#include <thread>

using namespace bagel;

TEST(Progress, DescribesAmountsRateAndTimeLeft)
{
    Progress p;
    p.start(QStringLiteral("Reading predictions.csv"), 418'000'000, Progress::Unit::Bytes);
    p.setDone(120'000'000);
    Progress::Snapshot s = p.snapshot();
    EXPECT_EQ(s.stage, QStringLiteral("Reading predictions.csv"));
    EXPECT_NEAR(*s.fraction(), 120.0 / 418.0, 1e-9);
    s.seconds = 2.0; // as if two seconds had passed: 60 MB/s, 298 MB left
    EXPECT_DOUBLE_EQ(s.rate(), 60e6);
    EXPECT_NEAR(*s.secondsLeft(), 298.0 / 60.0, 1e-9);
    EXPECT_EQ(s.describe(), QStringLiteral("Reading predictions.csv: 120 MB of 418 MB · 60 MB/s · 5.0 s left"));
}

TEST(Progress, UnknownTotalHasNoFractionAndNoTimeLeft)
{
    Progress p;
    p.start(QStringLiteral("Counting"), 0, Progress::Unit::Rows);
    p.advance(12345);
    Progress::Snapshot s = p.snapshot();
    s.seconds = 1.0;
    EXPECT_FALSE(s.fraction());
    EXPECT_FALSE(s.secondsLeft());
    EXPECT_EQ(s.describe(), QStringLiteral("Counting: 12,345 rows · 12,345 rows/s"));
}

TEST(Progress, CancelFromAnotherThreadStopsTheWorkAtItsNextCheck)
{
    Progress p;
    p.start(QStringLiteral("Working"), 1000);
    int steps = 0;
    std::thread canceller([&] { p.cancel(); });
    canceller.join();
    try {
        for (;; ++steps)
            p.check();
        FAIL() << "check() never threw";
    } catch (const Cancelled &e) {
        EXPECT_TRUE(e.message().contains(QStringLiteral("cancelled")));
    }
    EXPECT_EQ(steps, 0);
    EXPECT_TRUE(p.snapshot().cancelled);
    EXPECT_NO_THROW(progressCheck(nullptr));
}

TEST(Progress, FormatsDurations)
{
    EXPECT_EQ(formatSeconds(0.3), QStringLiteral("0.3 s"));
    EXPECT_EQ(formatSeconds(42), QStringLiteral("42 s"));
    EXPECT_EQ(formatSeconds(65), QStringLiteral("1 min 05 s"));
    EXPECT_EQ(formatSeconds(3725), QStringLiteral("1 h 02 min"));
    EXPECT_EQ(formatAmount(999, Progress::Unit::Bytes), QStringLiteral("999 B"));
    EXPECT_EQ(formatAmount(2'500'000, Progress::Unit::Bytes), QStringLiteral("2.5 MB"));
    EXPECT_EQ(formatAmount(3'000'000'000, Progress::Unit::Bytes), QStringLiteral("3.00 GB"));
}
