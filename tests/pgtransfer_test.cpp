// Moving a project between a file and a server: push, pull and merge with URIs keep the whole
// history (uids included), and a push that fails leaves nothing behind.

#include "audit/merge.h"
#include "audit/transfer.h"
#include "error.h"
#include "pgsupport.h"
#include "progress.h"
#include "project.h"
#include "storage/pglocation.h"
#include "storage/pgstore.h"
#include "storage/sqlitestore.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

/** Every review as comparable text (by uid, with names instead of ids), in uid order. */
QStringList history(const Project &project)
{
    const Store &s = project.store();
    QHash<ItemId, QString> files;
    s.forEachItem([&](const ItemRecord &r) { files.insert(r.id, r.fileName); });
    QHash<ModelId, QString> models;
    for (const ModelRecord &m : s.models())
        models.insert(m.id, m.name);
    QHash<ReviewerId, QString> people;
    for (const ReviewerRecord &r : s.reviewers())
        people.insert(r.id, r.name);
    QHash<ReviewId, QString> uids;
    const QVector<ReviewRecord> all = s.allReviews();
    for (const ReviewRecord &r : all)
        uids.insert(r.id, r.uid);
    QStringList out;
    for (const ReviewRecord &r : all) {
        QStringList labels;
        for (const LabelChange &c : r.labelChanges)
            labels << QStringLiteral("%1=%2").arg(c.classIndex).arg(toString(c.edit));
        out << QStringList{r.uid, files.value(r.item), models.value(r.model), people.value(r.reviewer), toStorageTime(r.time),
                           r.verdict ? toString(*r.verdict) : QString(), r.category ? toString(*r.category) : QString(),
                           r.severity ? toString(*r.severity) : QString(), labels.join(QLatin1Char(' ')), r.note, r.source,
                           uids.value(r.retracts), r.oovWnid}
                   .join(QLatin1Char('|'));
    }
    s.forEachAdjudication([&](const AdjudicationRecord &a) {
        out << QStringList{a.uid, files.value(a.item), models.value(a.model), people.value(a.lead), toStorageTime(a.time),
                           a.verdict ? toString(*a.verdict) : QString(), a.reason, a.gold ? QStringLiteral("gold") : QString()}
                   .join(QLatin1Char('|'));
    });
    out.sort();
    return out;
}

class ServerTransfer : public ::testing::Test
{
protected:
    void SetUp() override
    {
        BAGEL_REQUIRE_SERVER();
        file = test::makeProject(dir, QStringLiteral("team.bagel"), 30);
        auto project = Project::open(file);
        const QString note = QStringLiteral("quote ' semicolon ; backslash \\ newline\nend");
        for (int i = 0; i < 10; ++i) {
            ReviewInput in;
            in.fileName = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0'));
            in.reviewer = i % 2 ? QStringLiteral("ann") : QStringLiteral("José");
            in.verdict = i % 3 ? Verdict::Wrong : Verdict::Correct;
            if (in.verdict == Verdict::Wrong) {
                in.category = Category::FineGrained;
                in.severity = Severity::Minor;
            }
            in.labelChanges = {{(i * 7) % 1000, LabelEdit::Correct}};
            in.note = note;
            const ReviewId id = project->recordReview(in);
            if (i == 4)
                project->retractReview(id);
        }
        project->addLead(QStringLiteral("carol"));
        AdjudicationInput adj;
        adj.fileName = QStringLiteral("ILSVRC2012_val_00000002.JPEG");
        adj.lead = QStringLiteral("carol");
        adj.verdict = Verdict::Wrong;
        adj.reason = QStringLiteral("seen it");
        adj.gold = true;
        project->adjudicate(adj);
        project->setBlindMode(false);
        Store &s = project->store();
        Transaction tx(s);
        const ModelId m = s.modelId(QStringLiteral("m"), false);
        s.replaceAssignments(m, {{s.itemByFileName(QStringLiteral("ILSVRC2012_val_00000003.JPEG"))->id, m, s.reviewerId(QStringLiteral("ann"), false)}});
        tx.commit();
        uri = test::serverProjectUri(QStringLiteral("push"));
    }

    test::TempDir dir;
    QString file;
    QString uri;
};

} // namespace

TEST_F(ServerTransfer, PushAndPullKeepTheWholeHistoryAndTheSettings)
{
    const auto pushed = test::runCli({QStringLiteral("push"), file, uri, QStringLiteral("--json")});
    ASSERT_EQ(pushed.exitCode, 0) << pushed.err.toStdString();
    const QJsonObject report = QJsonDocument::fromJson(pushed.out.toUtf8()).object();
    EXPECT_EQ(report.value(QStringLiteral("items")).toInt(), 30);
    EXPECT_EQ(report.value(QStringLiteral("reviews")).toInt(), 11);
    EXPECT_EQ(report.value(QStringLiteral("adjudications")).toInt(), 1);
    EXPECT_EQ(report.value(QStringLiteral("assignments")).toInt(), 1);
    EXPECT_EQ(report.value(QStringLiteral("leads_not_carried")).toArray().first().toString(), QStringLiteral("carol"));

    auto original = Project::open(file, true);
    auto server = Project::open(uri, true);
    EXPECT_EQ(history(*server), history(*original));
    EXPECT_FALSE(server->blindMode());
    EXPECT_EQ(server->store().assignments().size(), 1);
    EXPECT_EQ(server->store().counts().judgements, original->store().counts().judgements);
    EXPECT_EQ(server->store().counts().predictions, original->store().counts().predictions);
    const ItemId item = server->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000002.JPEG"))->id;
    const ItemId there = original->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000002.JPEG"))->id;
    EXPECT_EQ(server->currentLabels(item), original->currentLabels(there));

    // Exports agree byte for byte.
    const QString fromFile = dir.path(QStringLiteral("file.csv"));
    const QString fromServer = dir.path(QStringLiteral("server.csv"));
    ASSERT_EQ(test::runCli({QStringLiteral("export"), file, QStringLiteral("csv"), fromFile}).exitCode, 0);
    const auto exported = test::runCli({QStringLiteral("export"), uri, QStringLiteral("csv"), fromServer});
    ASSERT_EQ(exported.exitCode, 0) << exported.err.toStdString();
    EXPECT_EQ(test::fileHash(fromFile), test::fileHash(fromServer));

    // A pushed project cannot be pushed over.
    const auto again = test::runCli({QStringLiteral("push"), file, uri});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_TRUE(again.err.contains(QStringLiteral("already"))) << again.err.toStdString();
    EXPECT_EQ(history(*Project::open(uri, true)), history(*original));

    // Pull writes the snapshot back as a file, its leads the server's.
    const QString pulledPath = dir.path(QStringLiteral("pulled.bagel"));
    const auto pulled = test::runCli({QStringLiteral("pull"), uri, pulledPath});
    ASSERT_EQ(pulled.exitCode, 0) << pulled.err.toStdString();
    auto copy = Project::open(pulledPath, true);
    EXPECT_EQ(history(*copy), history(*original));
    EXPECT_FALSE(copy->blindMode());
    EXPECT_EQ(copy->store().assignments().size(), 1);
    EXPECT_EQ(copy->leads(), server->leads());
    // …and never over an existing file.
    const auto over = test::runCli({QStringLiteral("pull"), uri, file});
    EXPECT_EQ(over.exitCode, 1);
    EXPECT_EQ(history(*Project::open(file, true)), history(*original));
}

TEST_F(ServerTransfer, MergeTakesAUriAsTargetOrSourceAndAddsNothingTwice)
{
    ASSERT_EQ(pushProject(file, uri).reviews, 11);
    // New work in the file after the push goes to the server by merge…
    {
        auto project = Project::open(file);
        ReviewInput in;
        in.fileName = QStringLiteral("ILSVRC2012_val_00000020.JPEG");
        in.reviewer = QStringLiteral("dan");
        in.verdict = Verdict::Unclear;
        project->recordReview(in);
    }
    const auto merged = test::runCli({QStringLiteral("merge"), uri, file, QStringLiteral("--json")});
    ASSERT_EQ(merged.exitCode, 0) << merged.err.toStdString();
    EXPECT_TRUE(merged.out.contains(QStringLiteral("\"reviews_added\": 1"))) << merged.out.toStdString();
    const auto twice = test::runCli({QStringLiteral("merge"), uri, file, QStringLiteral("--json")});
    ASSERT_EQ(twice.exitCode, 0) << twice.err.toStdString();
    EXPECT_TRUE(twice.out.contains(QStringLiteral("\"reviews_added\": 0"))) << twice.out.toStdString();

    // …and work on the server comes back to a file the same way.
    {
        auto server = Project::open(uri);
        ReviewInput in;
        in.fileName = QStringLiteral("ILSVRC2012_val_00000021.JPEG");
        in.reviewer = server->store().sessionUser();
        in.verdict = Verdict::Correct;
        server->recordReview(in);
    }
    auto target = Project::open(file);
    const MergeReport back = mergeProject(*target, uri);
    EXPECT_EQ(back.reviewsAdded, 1);
    EXPECT_EQ(history(*target), history(*Project::open(uri, true)));
    EXPECT_THROW(mergeProject(*Project::open(uri), uri), Error); // into itself
}

TEST_F(ServerTransfer, APushThatFailsLeavesNoProjectBehind)
{
    // PostgreSQL text cannot hold a NUL character, which an SQLite file can: the server refuses
    // the review half-way through the copy.
    {
        auto project = Project::open(file);
        ReviewInput in;
        in.fileName = QStringLiteral("ILSVRC2012_val_00000025.JPEG");
        in.reviewer = QStringLiteral("ann");
        in.verdict = Verdict::Correct;
        in.note = QStringLiteral("before") + QChar(0) + QStringLiteral("after");
        project->recordReview(in);
    }
    const auto r = test::runCli({QStringLiteral("push"), file, uri});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err.count(QLatin1Char('\n')), 1) << r.err.toStdString();
    const auto info = test::runCli({QStringLiteral("info"), uri});
    EXPECT_EQ(info.exitCode, 1);
    EXPECT_TRUE(info.err.contains(QStringLiteral("no project"))) << info.err.toStdString();
}

TEST_F(ServerTransfer, APushCancelledHalfWayLeavesNoProjectBehind)
{
    Progress progress;
    progress.setCheckHook([&progress] {
        if (progress.snapshot().stage.contains(QStringLiteral("reviews")))
            progress.cancel();
    });
    EXPECT_THROW(pushProject(file, uri, &progress), Cancelled);
    const auto info = test::runCli({QStringLiteral("info"), uri});
    EXPECT_EQ(info.exitCode, 1);
    EXPECT_TRUE(info.err.contains(QStringLiteral("no project"))) << info.err.toStdString();
    // The name is free again: the same push goes through.
    EXPECT_EQ(pushProject(file, uri).reviews, 11);
}
