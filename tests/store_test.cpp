#include "error.h"
#include "project.h"
#include "storage/sqliteschema.h"
#include "storage/sqlitestore.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QTimeZone>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace bagel;

namespace {

/** Runs one statement on a project file through a separate, raw connection. */
QString rawExec(const QString &path, const QString &sql)
{
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        db.open();
        QSqlQuery q(db);
        if (!q.exec(sql))
            error = q.lastError().text();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    return error;
}

QString openError(const QString &path)
{
    try {
        SqliteStore::open(path);
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("opened");
}

} // namespace

TEST(SqliteStore, CreatesAProjectWithWalForeignKeysAndItsSchemaVersion)
{
    test::TempDir dir;
    const QString path = dir.path(QStringLiteral("p.bagel"));
    {
        auto store = SqliteStore::create(path);
        EXPECT_EQ(store->meta(QStringLiteral("schema_version")), QString::number(sqliteschema::kCurrentVersion));
        EXPECT_FALSE(store->meta(QStringLiteral("created_at")).isEmpty());
    }
    EXPECT_NO_THROW(SqliteStore::checkFileHeader(path));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    db.setDatabaseName(path);
    ASSERT_TRUE(db.open());
    QSqlQuery q(db);
    ASSERT_TRUE(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
    EXPECT_EQ(q.value(0).toString(), QStringLiteral("wal"));
    ASSERT_TRUE(q.exec(QStringLiteral("PRAGMA application_id")) && q.next());
    EXPECT_EQ(q.value(0).toInt(), sqliteschema::kApplicationId);
    q.finish();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("check"));

    EXPECT_THROW(SqliteStore::create(path), Error); // never overwrites
}

TEST(SqliteStore, RefusesFilesThatAreNotBagelProjects)
{
    test::TempDir dir;
    EXPECT_TRUE(openError(dir.path(QStringLiteral("missing.bagel"))).contains(QStringLiteral("no such project")));
    const QString empty = test::writeFile(dir.path(QStringLiteral("empty.bagel")), {});
    EXPECT_TRUE(openError(empty).contains(QStringLiteral("empty")));
    const QString garbage = test::writeFile(dir.path(QStringLiteral("garbage.bagel")), QByteArray(4096, 'x'));
    EXPECT_TRUE(openError(garbage).contains(QStringLiteral("not a Bagel project")));
    EXPECT_EQ(test::fileHash(garbage), test::fileHash(test::writeFile(dir.path(QStringLiteral("g2")), QByteArray(4096, 'x'))));

    // A plain SQLite database that is not ours.
    const QString other = dir.path(QStringLiteral("other.db"));
    rawExec(other, QStringLiteral("CREATE TABLE t (x)"));
    EXPECT_TRUE(openError(other).contains(QStringLiteral("not a Bagel project")));

    // A truncated project.
    const QString path = dir.path(QStringLiteral("p.bagel"));
    SqliteStore::create(path);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadWrite));
    file.resize(50);
    file.close();
    EXPECT_TRUE(openError(path).contains(QStringLiteral("not a Bagel project")));
}

TEST(SqliteStore, RefusesANewerSchemaWithoutTouchingTheFile)
{
    test::TempDir dir;
    const QString path = dir.path(QStringLiteral("p.bagel"));
    SqliteStore::create(path);
    ASSERT_EQ(rawExec(path, QStringLiteral("UPDATE meta SET value = '99' WHERE key = 'schema_version'")), QString());
    const QByteArray before = test::fileHash(path);
    const QString error = openError(path);
    EXPECT_TRUE(error.contains(QStringLiteral("newer Bagel"))) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral("99")));
    EXPECT_EQ(test::fileHash(path), before);
}

TEST(SqliteStore, ReviewsAreAppendOnly)
{
    test::TempDir dir;
    const QString path = dir.path(QStringLiteral("p.bagel"));
    {
        auto store = SqliteStore::create(path);
        Transaction tx(*store);
        const ItemId item = store->addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 3});
        ReviewRecord r;
        r.item = item;
        r.reviewer = store->reviewerId(QStringLiteral("ann"), true);
        r.verdict = Verdict::Unclear;
        r.labelChanges = {LabelChange{5, LabelEdit::Correct}};
        store->appendReview(r);
        tx.commit();
    }
    EXPECT_TRUE(rawExec(path, QStringLiteral("UPDATE reviews SET verdict = 'wrong'")).contains(QStringLiteral("append-only")));
    EXPECT_TRUE(rawExec(path, QStringLiteral("DELETE FROM reviews")).contains(QStringLiteral("append-only")));
    EXPECT_TRUE(rawExec(path, QStringLiteral("DELETE FROM review_labels")).contains(QStringLiteral("append-only")));
    auto store = SqliteStore::open(path);
    EXPECT_EQ(store->counts().reviews, 1);
}

TEST(SqliteStore, RoundTripsRecords)
{
    test::TempDir dir;
    auto store = SqliteStore::create(dir.path(QStringLiteral("p.bagel")));
    Transaction tx(*store);
    const ItemId a = store->addItem(ItemRecord{0, QStringLiteral("b.jpg"), QStringLiteral("sub/b.jpg"), -1});
    const ItemId b = store->addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 7});
    EXPECT_THROW(store->addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("x"), 1}), Error);

    const auto item = store->itemByFileName(QStringLiteral("b.jpg"));
    ASSERT_TRUE(item);
    EXPECT_EQ(item->id, a);
    EXPECT_EQ(item->imagePath, QStringLiteral("sub/b.jpg"));
    EXPECT_EQ(item->originalLabel, -1);
    store->setOriginalLabel(a, 12);
    EXPECT_EQ(store->item(a)->originalLabel, 12);
    QStringList order;
    store->forEachItem([&](const ItemRecord &r) { order << r.fileName; });
    EXPECT_EQ(order, (QStringList{QStringLiteral("a.jpg"), QStringLiteral("b.jpg")}));

    const QVector<LabelJudgement> labels{{3, Judgement::Correct}, {9, Judgement::Unclear}};
    store->replaceJudgements(b, labels);
    EXPECT_EQ(store->judgements(b), labels);
    store->replaceJudgements(b, {{4, Judgement::Wrong}});
    EXPECT_EQ(store->judgements(b), (QVector<LabelJudgement>{{4, Judgement::Wrong}}));

    const ModelId m = store->modelId(QStringLiteral("vit"), true);
    EXPECT_EQ(store->modelId(QStringLiteral("vit"), false), m);
    EXPECT_EQ(store->modelId(QStringLiteral("other"), false), 0);
    const QVector<ClassScore> topk{{5, 0.7}, {6, 0.2}, {7, 0.1}};
    EXPECT_TRUE(store->setPrediction(a, m, topk));
    EXPECT_FALSE(store->setPrediction(a, m, topk)); // unchanged
    ASSERT_EQ(store->predictions(a).size(), 1);
    EXPECT_EQ(store->predictions(a).first().topk, topk);
    EXPECT_TRUE(store->setPrediction(b, m, {{1, std::nan("")}}));
    EXPECT_TRUE(std::isnan(store->predictions(b).first().topk.first().score));

    store->setProblematic(a, ProblematicInfo{QStringLiteral("dup"), QStringLiteral("r"), {}, {}, {}});
    EXPECT_EQ(store->problematic(a)->reason, QStringLiteral("dup"));
    EXPECT_FALSE(store->problematic(b));
    store->setRealLabels(a, {});
    store->setRealLabels(b, {1, 2});
    EXPECT_EQ(store->realLabels(a), QVector<int>{});
    EXPECT_EQ(store->realLabels(b), (QVector<int>{1, 2}));
    store->addToImagenetM(b);
    store->addToImagenetM(b);
    EXPECT_EQ(store->imagenetM(), QVector<ItemId>{b});
    tx.commit();

    const ProjectCounts c = store->counts();
    EXPECT_EQ(c.items, 2);
    EXPECT_EQ(c.models, 1);
    EXPECT_EQ(c.predictions, 2);
    EXPECT_EQ(c.judgements, 1);
    EXPECT_EQ(c.problematic, 1);
    EXPECT_EQ(c.imagenetM, 1);
    EXPECT_EQ(c.realLabelled, 2);
}

TEST(SqliteStore, RollbackLeavesNothingBehind)
{
    test::TempDir dir;
    auto store = SqliteStore::create(dir.path(QStringLiteral("p.bagel")));
    {
        Transaction tx(*store);
        store->addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
        // no commit
    }
    EXPECT_EQ(store->counts().items, 0);
}

TEST(StorageTime, TheFastReaderAgreesWithQtOnEveryDateAndRefusesImpossibleOnes)
{
    std::mt19937_64 random(3);
    std::uniform_int_distribution<qint64> msecs(-5'000'000'000'000LL, 8'000'000'000'000LL); // 1811 … 2223
    for (int i = 0; i < 20000; ++i) {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(msecs(random), QTimeZone::utc());
        const QByteArray text = toStorageTime(t).toUtf8();
        const QDateTime fast = fromStorageTime(std::string_view(text.constData(), std::size_t(text.size())));
        ASSERT_EQ(fast, QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs)) << text.constData();
        ASSERT_EQ(fast.toMSecsSinceEpoch(), t.toMSecsSinceEpoch()) << text.constData();
    }
    for (const char *leap : {"2024-02-29T12:00:00.000Z", "2000-02-29T00:00:00.000Z", "1600-02-29T23:59:59.999Z"})
        EXPECT_TRUE(fromStorageTime(std::string_view(leap)).isValid()) << leap;
    for (const char *impossible : {"2023-02-29T12:00:00.000Z", "1900-02-29T00:00:00.000Z", "2023-04-31T00:00:00.000Z",
                                   "2023-13-01T00:00:00.000Z", "2023-02-30T00:00:00.000Z"})
        EXPECT_FALSE(fromStorageTime(std::string_view(impossible)).isValid()) << impossible;
}
