// The server restarted (pg_ctl restart -m immediate) while four reviewers write: no review
// that was acknowledged is lost, the ones that failed stay unsaved and go through once the
// connection is back, and none is recorded twice.

#include "audit/transfer.h"
#include "error.h"
#include "pgsupport.h"
#include "project.h"
#include "review/reviewsession.h"
#include "storage/pglocation.h"
#include "storage/pgstore.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QThread>

#include <gtest/gtest.h>

#include <memory>

using namespace bagel;

namespace {

QString fileOf(int n)
{
    return QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(n, 8, 10, QLatin1Char('0'));
}

/** Restarts the throw-away server pg_virtualenv made, the hard way; empty when it worked. */
QString restartServer()
{
    const QString version = qEnvironmentVariable("PGVERSION");
    if (version.isEmpty() || QStandardPaths::findExecutable(QStringLiteral("pg_ctlcluster")).isEmpty())
        return QStringLiteral("not a pg_virtualenv server (no PGVERSION or pg_ctlcluster)");
    QProcess restart;
    restart.start(QStringLiteral("pg_ctlcluster"), {version, QStringLiteral("regress"), QStringLiteral("restart"), QStringLiteral("-m"),
                                                    QStringLiteral("immediate")});
    if (!restart.waitForFinished(60000) || restart.exitCode() != 0)
        return QStringLiteral("pg_ctlcluster restart failed: ") + QString::fromUtf8(restart.readAllStandardError());
    return {};
}

void pump(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
}

} // namespace

TEST(ServerFaults, ARestartWhileFourReviewersWriteLosesNothingAcknowledgedAndRecordsNothingTwice)
{
    BAGEL_REQUIRE_SERVER();
    if (qEnvironmentVariable("PGVERSION").isEmpty())
        GTEST_SKIP() << "the server is not one pg_virtualenv made: it is not restarted by a test";
    test::TempDir dir;
    constexpr int kPerReviewer = 40;
    const QString file = test::makeProject(dir, QStringLiteral("faults.bagel"), 4 * kPerReviewer);
    const QString uri = test::serverProjectUri(QStringLiteral("faults"));
    pushProject(file, uri);

    const QString suffix = QString::number(QCoreApplication::applicationPid());
    std::vector<std::unique_ptr<ReviewSession>> sessions;
    std::vector<QSet<QString>> acknowledged(4);
    int failures = 0;
    QStringList roles;
    for (int r = 0; r < 4; ++r) {
        const QString role = QStringLiteral("writer%1_%2").arg(r).arg(suffix);
        roles << role;
        test::adminSql(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'pw-%1'").arg(role));
        auto owner = PgStore::open(uri);
        owner->grant(role, false);
        // As the window does: the password is asked once and kept in memory for the writer's connection.
        const QString asRole = test::serverUriAs(uri, role, QStringLiteral("pw-") + role);
        ServerLocation::rememberPassword(ServerLocation::parse(asRole).display, QStringLiteral("pw-") + role);
        auto session = std::make_unique<ReviewSession>();
        session->open(Project::open(ServerLocation::parse(asRole).display));
        session->setReviewer(role);
        session->setModel(session->project()->store().modelId(QStringLiteral("m"), false));
        QObject::connect(session.get(), &ReviewSession::written,
                         [&acknowledged, r](ItemId, const QString &fileName, ReviewId) { acknowledged[std::size_t(r)].insert(fileName); });
        QObject::connect(session.get(), &ReviewSession::writeFailed, [&failures](ItemId, const QString &, const QString &) { ++failures; });
        sessions.push_back(std::move(session));
    }

    QHash<QString, ItemId> ids;
    for (int n = 1; n <= 4 * kPerReviewer; ++n)
        ids.insert(fileOf(n), sessions[0]->project()->store().itemByFileName(fileOf(n))->id);
    QString restartProblem;
    for (int i = 0; i < kPerReviewer; ++i) {
        for (int r = 0; r < 4; ++r) {
            const int n = r * kPerReviewer + i + 1;
            ReviewSession::Draft draft;
            draft.verdict = i % 2 ? Verdict::Correct : Verdict::Wrong;
            ASSERT_EQ(sessions[std::size_t(r)]->recordVerdict(ids.value(fileOf(n)), fileOf(n), draft), QString());
        }
        pump(10);
        if (i == kPerReviewer / 2)
            restartProblem = restartServer(); // while the writers' requests are in flight
        ASSERT_TRUE(restartProblem.isEmpty()) << restartProblem.toStdString();
    }
    // What the window does once it sees the server again: send the failed ones again.
    QElapsedTimer waited;
    waited.start();
    int failed = 0;
    do {
        pump(200);
        failed = 0;
        for (auto &s : sessions) {
            s->flush();
            if (s->failedCount() > 0 && s->project()->store().isConnected())
                s->retryFailed();
            failed += s->failedCount() + s->pendingCount();
        }
    } while (failed > 0 && waited.elapsed() < 30000);
    for (auto &s : sessions)
        s->flush();
    pump(100);
    EXPECT_EQ(failed, 0) << "requests still unsaved 30 s after the restart";
    // The restart did meet the writers: each connection's next request failed and was kept.
    EXPECT_GE(failures, 1);

    // On the server: every review exactly once, the acknowledged ones among them.
    auto owner = PgStore::open(uri);
    for (int r = 0; r < 4; ++r) {
        const ReviewerId id = owner->reviewerId(roles[r], false);
        ASSERT_NE(id, 0);
        QHash<ItemId, int> perItem;
        for (const ReviewRecord &review : owner->allReviews()) {
            if (review.reviewer == id)
                ++perItem[review.item];
        }
        EXPECT_EQ(perItem.size(), kPerReviewer) << roles[r].toStdString();
        for (auto it = perItem.constBegin(); it != perItem.constEnd(); ++it)
            EXPECT_EQ(it.value(), 1) << "item " << it.key() << " recorded " << it.value() << " times by " << roles[r].toStdString();
        for (const QString &fileName : acknowledged[std::size_t(r)])
            EXPECT_TRUE(perItem.contains(owner->itemByFileName(fileName)->id)) << "acknowledged but lost: " << fileName.toStdString();
        EXPECT_EQ(acknowledged[std::size_t(r)].size(), kPerReviewer);
    }
}
