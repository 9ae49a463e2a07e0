#include "audit/merge.h"
#include "error.h"
#include "project.h"
#include "storage/sqliteschema.h"
#include "storage/sqlitestore.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

/** Writes a project as the first schema version left it, with a little data in it. */
void writeVersion1Project(const QString &path)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path);
        ASSERT_TRUE(db.open());
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("PRAGMA application_id = %1").arg(sqliteschema::kApplicationId)));
        ASSERT_TRUE(q.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
        ASSERT_TRUE(db.transaction());
        sqliteschema::migrate(db, 0, 1);
        for (const char *sql : {
                 "INSERT INTO items VALUES (1, 'ILSVRC2012_val_00000001.JPEG', 'ILSVRC2012_val_00000001.JPEG', 65, '2024-01-01T00:00:00.000Z')",
                 "INSERT INTO judgements VALUES (1, 65, 'correct')",
                 "INSERT INTO models VALUES (1, 'vit3b', '2024-01-01T00:00:00.000Z')",
                 "INSERT INTO predictions VALUES (1, 1, 66, 0.6, 0.3, '66 65', '0.6 0.3')",
                 "INSERT INTO reviewers VALUES (1, 'ann', '2024-01-01T00:00:00.000Z')",
                 "INSERT INTO reviews (item_id, model_id, reviewer_id, created_at, verdict, category, severity, note) "
                 "VALUES (1, 1, 1, '2024-01-02T10:00:00.000Z', 'wrong', 'fine-grained', 'minor', 'v1 review')",
             }) {
            ASSERT_TRUE(q.exec(QString::fromLatin1(sql))) << sql;
        }
        ASSERT_TRUE(db.commit());
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));
}

} // namespace

TEST(Migration, Version1ProjectMigratesKeepingItsDataAndABackup)
{
    test::TempDir dir;
    const QString path = dir.path(QStringLiteral("old.bagel"));
    writeVersion1Project(path);

    auto store = SqliteStore::open(path);
    EXPECT_EQ(store->openedSchemaVersion(), 1);
    EXPECT_EQ(store->meta(QStringLiteral("schema_version")), QString::number(sqliteschema::kCurrentVersion));
    ASSERT_FALSE(store->migrationBackupPath().isEmpty());
    EXPECT_TRUE(QFileInfo::exists(store->migrationBackupPath()));

    const auto item = store->itemByFileName(QStringLiteral("ILSVRC2012_val_00000001.JPEG"));
    ASSERT_TRUE(item);
    EXPECT_EQ(item->originalLabel, 65);
    const QVector<ReviewRecord> reviews = store->reviews(item->id);
    ASSERT_EQ(reviews.size(), 1);
    EXPECT_EQ(reviews[0].verdict, Verdict::Wrong);
    EXPECT_EQ(reviews[0].category, Category::FineGrained);
    EXPECT_EQ(reviews[0].note, QStringLiteral("v1 review"));
    EXPECT_FALSE(reviews[0].spuriousKind);
    EXPECT_EQ(store->predictions(item->id).first().topk.first().classIndex, 66);

    // What version 2 added works on the migrated file.
    Transaction tx(*store);
    ReviewRecord r;
    r.item = item->id;
    r.reviewer = 1;
    r.verdict = Verdict::Wrong;
    r.category = Category::SpuriousCorrelation;
    r.spuriousKind = SpuriousKind::LackOfContext;
    r.labelChanges = {LabelChange{66, LabelEdit::Unclear}};
    store->appendReview(r);
    tx.commit();
    EXPECT_EQ(store->reviews(item->id).last().labelChanges.size(), 1);

    // The backup is the version 1 file, openable on its own.
    store.reset();
    SqliteStore::checkFileHeader(path + QStringLiteral(".schema-v1.bak"));
}

TEST(Migration, ReadOnlyOldProjectIsNotMigrated)
{
    test::TempDir dir;
    const QString path = dir.path(QStringLiteral("old.bagel"));
    writeVersion1Project(path);
    try {
        SqliteStore::open(path, true);
        FAIL() << "opened";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QStringLiteral("read-only")));
    }
}

TEST(Migration, TwoProcessesOpeningAnOldProjectMigrateItOnce)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        test::TempDir dir;
        const QString path = dir.path(QStringLiteral("old.bagel"));
        writeVersion1Project(path);
        QProcess a;
        QProcess b;
        const QStringList args{QStringLiteral("info"), path, QStringLiteral("--json")};
        a.start(test::cliPath(), args);
        b.start(test::cliPath(), args);
        ASSERT_TRUE(a.waitForFinished(30000) && b.waitForFinished(30000));
        EXPECT_EQ(a.exitCode(), 0) << a.readAllStandardError().toStdString();
        EXPECT_EQ(b.exitCode(), 0) << b.readAllStandardError().toStdString();
        const QStringList backups = QDir(dir.path()).entryList({QStringLiteral("*.bak*")});
        EXPECT_EQ(backups, QStringList{QStringLiteral("old.bagel.schema-v1.bak")});
        auto store = SqliteStore::open(path);
        EXPECT_EQ(store->counts().reviews, 1);
    }
}

TEST(Migration, CopiesUpgradedApartGiveTheirCommonReviewsTheSameUid)
{
    test::TempDir dir;
    const QString a = dir.path(QStringLiteral("a.bagel"));
    const QString b = dir.path(QStringLiteral("b.bagel"));
    writeVersion1Project(a);
    ASSERT_TRUE(QFile::copy(a, b));
    if (QFileInfo::exists(a + QStringLiteral("-wal"))) {
        ASSERT_TRUE(QFile::copy(a + QStringLiteral("-wal"), b + QStringLiteral("-wal")));
    }

    auto first = Project::open(a);
    auto second = Project::open(b);
    const QHash<QString, ReviewId> uidsA = first->store().reviewUids();
    const QHash<QString, ReviewId> uidsB = second->store().reviewUids();
    ASSERT_EQ(uidsA.size(), 1);
    EXPECT_EQ(uidsA.keys(), uidsB.keys());
    EXPECT_TRUE(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(uidsA.keys().first()).hasMatch());

    // A review made after the upgrade gets a uid of its own; merging brings only that one.
    ReviewInput in;
    in.fileName = QStringLiteral("ILSVRC2012_val_00000001.JPEG");
    in.reviewer = QStringLiteral("bo");
    in.verdict = Verdict::Correct;
    second->recordReview(in);
    second.reset();
    const MergeReport report = mergeProject(*first, b);
    EXPECT_EQ(report.reviewsPresent, 1);
    EXPECT_EQ(report.reviewsAdded, 1);
    EXPECT_EQ(first->store().counts().reviews, 2);
}
