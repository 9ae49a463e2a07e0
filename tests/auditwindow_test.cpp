// The audit window while it reads and computes: rows done, rate and time left, and Cancel.

#include "auditwindow.h"
#include "progress.h"
#include "project.h"
#include "storage/store.h"
#include "taskprogress.h"
#include "testsupport.h"

#include <QCheckBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSemaphore>
#include <QTableWidget>
#include <QTest>
#include <QThread>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

using namespace bagel;

namespace {

/** 3,000 items, each rated by four reviewers: 12,000 reviews, more than one progress step. */
QString ratedProject(const test::TempDir &dir)
{
    const QString path = test::makeProject(dir, QStringLiteral("audit.bagel"), 3000);
    const auto project = Project::open(path, false);
    Store &store = project->store();
    Transaction tx(store);
    const ModelId model = store.models().value(0).id;
    QVector<ReviewerId> reviewers;
    for (const char *name : {"ann", "bo", "cy", "dee"})
        reviewers << store.reviewerId(QString::fromLatin1(name), true);
    const QDateTime t0 = QDateTime::fromString(QStringLiteral("2025-03-01T08:00:00.000Z"), Qt::ISODateWithMs);
    qint64 n = 0;
    store.forEachItem([&](const ItemRecord &item) {
        for (const ReviewerId reviewer : reviewers) {
            ReviewRecord r;
            r.item = item.id;
            r.model = model;
            r.reviewer = reviewer;
            r.time = t0.addSecs(++n);
            r.verdict = Verdict((item.id + reviewer) % 3);
            r.source = QStringLiteral("bagel");
            store.appendReview(r);
        }
    });
    tx.commit();
    return path;
}

/** A hook that holds the work at its first check in \a stage (once something is done) until it is cancelled. */
std::function<void(Progress &)> holdIn(const QString &stage, std::shared_ptr<QSemaphore> reached)
{
    auto held = std::make_shared<std::atomic<bool>>(false);
    return [stage, reached, held](Progress &progress) {
        progress.setCheckHook([&progress, stage, reached, held] {
            const Progress::Snapshot s = progress.snapshot();
            if (*held || s.stage != stage || s.done == 0)
                return;
            *held = true;
            reached->release();
            while (!progress.isCancelled())
                QThread::msleep(2);
        });
    };
}

} // namespace

TEST(AuditWindowProgress, ShowsTheRowsReadAndCancelStopsReadingAndComputing)
{
    test::TempDir dir;
    const auto project = Project::open(ratedProject(dir));
    AuditWindow window;
    window.show();
    auto reached = std::make_shared<QSemaphore>();
    window.setProgressHookForTests(holdIn(QStringLiteral("Reading the reviews"), reached));
    window.setProject(project.get());
    ASSERT_TRUE(QTest::qWaitFor([&] { return reached->available() > 0; }, 10000));

    TaskProgress *strip = window.progressStrip();
    auto *cancel = window.findChild<QPushButton *>(QStringLiteral("auditCancel"));
    ASSERT_NE(cancel, nullptr);
    const QRegularExpression rowsDone(QStringLiteral("^[1-9][0-9,]* of 12,000 rows"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return rowsDone.match(strip->detailLabel()->text()).hasMatch(); }, 5000))
        << strip->detailLabel()->text().toStdString();
    EXPECT_TRUE(strip->isVisible());
    EXPECT_TRUE(cancel->isVisible());
    EXPECT_TRUE(cancel->isEnabled());
    EXPECT_EQ(window.statusLabel()->text(), QStringLiteral("Reading the reviews…"));
    EXPECT_GT(strip->bar()->maximum(), 0) << "a bar that fills: the number of reviews is known";
    EXPECT_GT(strip->bar()->value(), 0);
    EXPECT_FALSE(window.computeAgainButton()->isVisible());

    QTest::mouseClick(cancel, Qt::LeftButton);
    window.waitForResults();
    EXPECT_FALSE(window.isBusy());
    EXPECT_FALSE(strip->isVisible());
    EXPECT_FALSE(window.snapshot()) << "a cancelled reading shows nothing";
    EXPECT_EQ(window.summaryTable()->rowCount(), 0);
    EXPECT_TRUE(window.statusLabel()->text().startsWith(QStringLiteral("Cancelled"))) << window.statusLabel()->text().toStdString();
    ASSERT_TRUE(window.computeAgainButton()->isVisible());
    EXPECT_EQ(window.computeAgainButton()->text(), QStringLiteral("Read &again"));

    // Read again, unhindered.
    window.setProgressHookForTests({});
    QTest::mouseClick(window.computeAgainButton(), Qt::LeftButton);
    EXPECT_FALSE(window.computeAgainButton()->isVisible());
    window.waitForResults();
    ASSERT_TRUE(window.snapshot());
    EXPECT_EQ(window.snapshot()->units().size(), 3000u);
    ASSERT_EQ(window.summaryTable()->rowCount(), 4);
    const QString alpha = window.summaryTable()->item(3, 1)->text();

    // A computation on the snapshot read, stopped in its bootstrap: the figures shown stay.
    reached = std::make_shared<QSemaphore>();
    window.setProgressHookForTests(holdIn(QStringLiteral("Bootstrap resamples"), reached));
    auto *fold = window.findChild<QCheckBox *>();
    ASSERT_NE(fold, nullptr);
    fold->setChecked(!fold->isChecked()); // computes again on the snapshot read
    ASSERT_TRUE(QTest::qWaitFor([&] { return reached->available() > 0; }, 10000));
    const QRegularExpression resamples(QStringLiteral("^[1-9][0-9,]* of 1,?000"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return resamples.match(strip->detailLabel()->text()).hasMatch(); }, 5000))
        << strip->detailLabel()->text().toStdString();
    window.cancel();
    window.waitForResults();
    EXPECT_TRUE(window.statusLabel()->text().startsWith(QStringLiteral("Cancelled"))) << window.statusLabel()->text().toStdString();
    EXPECT_EQ(window.summaryTable()->item(3, 1)->text(), alpha);
    ASSERT_TRUE(window.computeAgainButton()->isVisible());
    EXPECT_EQ(window.computeAgainButton()->text(), QStringLiteral("Compute &again"));
    window.setProgressHookForTests({});
    QTest::mouseClick(window.computeAgainButton(), Qt::LeftButton);
    window.waitForResults();
    EXPECT_FALSE(window.computeAgainButton()->isVisible());
    EXPECT_TRUE(window.statusLabel()->text().isEmpty() || !window.statusLabel()->text().startsWith(QStringLiteral("Cancelled")));
}
