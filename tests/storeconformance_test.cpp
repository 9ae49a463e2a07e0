// One conformance suite for every Store backend: a project file (SqliteStore) and a project
// on a PostgreSQL server (PgStore) must read back exactly what was written, in the same
// order, with the same transactions. The server backend needs a server (tests/pg/with-server.sh).

#include "error.h"
#include "pgsupport.h"
#include "project.h"
#include "storage/pgstore.h"
#include "storage/sqlitestore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QThread>

#include <gtest/gtest.h>

#include <cmath>

using namespace bagel;

namespace {

struct SqliteBackend
{
    test::TempDir dir;
    QString path = dir.path(QStringLiteral("conformance.bagel"));

    static bool needsServer() { return false; }
    std::unique_ptr<Store> create() { return SqliteStore::create(path); }
    std::unique_ptr<Store> open() { return SqliteStore::open(path); }
};

struct PgBackend
{
    QString uri = test::serverProjectUri(QStringLiteral("conformance"));

    static bool needsServer() { return true; }
    std::unique_ptr<Store> create() { return PgStore::create(uri); }
    std::unique_ptr<Store> open() { return PgStore::open(uri); }
};

template<typename Backend>
class StoreConformance : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (Backend::needsServer())
            BAGEL_REQUIRE_SERVER();
        store = backend.create();
    }

    Backend backend;
    std::unique_ptr<Store> store;
};

using Backends = ::testing::Types<SqliteBackend, PgBackend>;
class BackendNames
{
public:
    template<typename T>
    static std::string GetName(int)
    {
        return std::is_same_v<T, SqliteBackend> ? "Sqlite" : "Postgres";
    }
};
TYPED_TEST_SUITE(StoreConformance, Backends, BackendNames);

/** Text that breaks whatever pastes values into SQL or a COPY stream. */
QString hostile(const QString &base)
{
    return base + QStringLiteral("'; DROP TABLE reviews; -- \"q\" \\ back\\slash\ttab\nnewline\r\n 100% _ é 漢字 🙂");
}

ReviewRecord makeReview(ItemId item, ModelId model, ReviewerId reviewer, qint64 msecs)
{
    ReviewRecord r;
    r.item = item;
    r.model = model;
    r.reviewer = reviewer;
    r.time = QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
    return r;
}

} // namespace

TYPED_TEST(StoreConformance, ItemsAndTheirLabelsRoundTrip)
{
    Store &s = *this->store;
    Transaction tx(s);
    const ItemId a = s.addItem(ItemRecord{0, QStringLiteral("b.jpg"), QStringLiteral("sub/b.jpg"), -1});
    const ItemId b = s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 7});
    const ItemId c = s.addItem(ItemRecord{0, QStringLiteral("B.jpg"), QStringLiteral("B.jpg"), 999});
    EXPECT_NE(a, b);
    tx.commit();
    {
        Transaction dup(s);
        EXPECT_THROW(s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("x"), 1}), Error);
    }
    {
        Transaction bad(s);
        EXPECT_THROW(s.addItem(ItemRecord{0, QStringLiteral("z.jpg"), QStringLiteral("x"), 1000}), Error); // not a class
    }

    const auto item = s.itemByFileName(QStringLiteral("b.jpg"));
    ASSERT_TRUE(item);
    EXPECT_EQ(item->id, a);
    EXPECT_EQ(item->imagePath, QStringLiteral("sub/b.jpg"));
    EXPECT_EQ(item->originalLabel, -1);
    EXPECT_FALSE(s.itemByFileName(QStringLiteral("nope.jpg")));
    EXPECT_FALSE(s.item(a + b + c + 100));

    Transaction tx2(s);
    s.setOriginalLabel(a, 12);
    s.setImagePath(b, QStringLiteral("moved/a.jpg"));
    const QVector<LabelJudgement> labels{{3, Judgement::Correct}, {9, Judgement::Unclear}, {10, Judgement::Wrong}};
    s.addJudgements(b, labels);
    s.replaceJudgements(a, {{4, Judgement::Wrong}});
    s.replaceJudgements(a, {{5, Judgement::Correct}});
    s.setProblematic(a, ProblematicInfo{QStringLiteral("dup"), QStringLiteral("r"), QStringLiteral("u"), QStringLiteral("t1"), {}});
    s.setRealLabels(a, {});
    s.setRealLabels(b, {1, 2});
    s.addToImagenetM(b);
    s.addToImagenetM(b);
    s.addToImagenetM(c);
    tx2.commit();

    EXPECT_EQ(s.item(a)->originalLabel, 12);
    EXPECT_EQ(s.item(b)->imagePath, QStringLiteral("moved/a.jpg"));
    QStringList order;
    s.forEachItem([&](const ItemRecord &r) { order << r.fileName; });
    // Byte order, as SQLite compares text: upper case before lower case.
    EXPECT_EQ(order, (QStringList{QStringLiteral("B.jpg"), QStringLiteral("a.jpg"), QStringLiteral("b.jpg")}));
    const auto index = s.itemIndex();
    ASSERT_EQ(index.size(), 3);
    EXPECT_EQ(index.value(QStringLiteral("a.jpg")).id, b);
    EXPECT_EQ(index.value(QStringLiteral("a.jpg")).originalLabel, 7);
    EXPECT_EQ(index.value(QStringLiteral("a.jpg")).imagePath, QStringLiteral("moved/a.jpg"));

    EXPECT_EQ(s.judgements(b), labels);
    EXPECT_EQ(s.judgements(a), (QVector<LabelJudgement>{{5, Judgement::Correct}}));
    const auto all = s.allJudgements();
    EXPECT_EQ(all.size(), 2);
    EXPECT_EQ(all.value(b), labels);
    EXPECT_EQ(s.problematic(a)->serverUsername, QStringLiteral("u"));
    EXPECT_EQ(s.problematic(a)->timeReviewed, QStringLiteral(""));
    EXPECT_FALSE(s.problematic(b));
    EXPECT_EQ(s.allProblematic().size(), 1);
    EXPECT_TRUE(s.realLabels(a) && s.realLabels(a)->isEmpty()); // (no QList == on two empty lists: UBSan flags its memcmp)
    EXPECT_EQ(s.realLabels(b), (QVector<int>{1, 2}));
    EXPECT_FALSE(s.realLabels(c));
    EXPECT_EQ(s.allRealLabels().size(), 2);
    EXPECT_TRUE(s.inImagenetM(b));
    EXPECT_FALSE(s.inImagenetM(a));
    EXPECT_EQ(s.imagenetM(), (QVector<ItemId>{c, b})); // by file name

    const ProjectCounts counts = s.counts();
    EXPECT_EQ(counts.items, 3);
    EXPECT_EQ(counts.itemsWithUnknownLabel, 0);
    EXPECT_EQ(counts.judgements, 4);
    EXPECT_EQ(counts.problematic, 1);
    EXPECT_EQ(counts.imagenetM, 2);
    EXPECT_EQ(counts.realLabelled, 2);
    EXPECT_EQ(s.itemCount(), 3);
}

TYPED_TEST(StoreConformance, ModelsAndPredictionsRoundTrip)
{
    Store &s = *this->store;
    Transaction tx(s);
    const ItemId a = s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
    const ItemId b = s.addItem(ItemRecord{0, QStringLiteral("b.jpg"), QStringLiteral("b.jpg"), 2});
    const ModelId m = s.modelId(QStringLiteral("vit"), true);
    const ModelId n = s.modelId(QStringLiteral("soup"), true);
    EXPECT_EQ(s.modelId(QStringLiteral("vit"), true), m);
    EXPECT_EQ(s.modelId(QStringLiteral("vit"), false), m);
    EXPECT_EQ(s.modelId(QStringLiteral("other"), false), 0);
    const QVector<ClassScore> topk{{5, 0.7}, {6, 0.2}, {7, 0.1}};
    EXPECT_TRUE(s.setPrediction(a, m, topk));
    EXPECT_FALSE(s.setPrediction(a, m, topk)); // unchanged
    EXPECT_TRUE(s.setPrediction(b, m, {{1, std::nan("")}}));
    EXPECT_TRUE(s.setPrediction(a, n, {{9, 0.123456789012345}, {8, 1e-300}}));
    EXPECT_TRUE(s.setPrediction(a, n, {{9, 0.5}, {8, 0.25}})); // changed
    tx.commit();

    const QVector<ModelRecord> models = s.models();
    ASSERT_EQ(models.size(), 2);
    EXPECT_EQ(models[0].id, m);
    EXPECT_EQ(models[0].name, QStringLiteral("vit"));
    EXPECT_EQ(models[1].id, n);
    EXPECT_EQ(models[1].name, QStringLiteral("soup"));
    const auto predictions = s.predictions(a);
    ASSERT_EQ(predictions.size(), 2);
    EXPECT_EQ(predictions[0].model, m);
    EXPECT_EQ(predictions[0].topk, topk);
    EXPECT_EQ(predictions[1].topk, (QVector<ClassScore>{{9, 0.5}, {8, 0.25}}));
    EXPECT_TRUE(std::isnan(s.predictions(b).first().topk.first().score));
    EXPECT_EQ(s.predictionCount(m), 2);
    EXPECT_EQ(s.predictionCount(n), 1);
    auto summaries = s.predictionSummaries(m);
    std::sort(summaries.begin(), summaries.end(), [](const auto &x, const auto &y) { return x.item < y.item; });
    ASSERT_EQ(summaries.size(), 2);
    EXPECT_EQ(summaries[0].top1, 5);
    EXPECT_DOUBLE_EQ(summaries[0].score, 0.7);
    EXPECT_DOUBLE_EQ(summaries[0].margin, 0.7 - 0.2);
    EXPECT_TRUE(std::isnan(summaries[1].score));
    EXPECT_TRUE(std::isnan(summaries[1].margin));
    const auto top1 = s.allTop1();
    EXPECT_EQ(top1.value(m).value(a), 5);
    EXPECT_EQ(top1.value(m).value(b), 1);
    EXPECT_EQ(top1.value(n).value(a), 9);
    EXPECT_EQ(s.counts().predictions, 3);
    EXPECT_EQ(s.counts().models, 2);
}

TYPED_TEST(StoreConformance, TheReviewHistoryRoundTripsInEveryForm)
{
    Store &s = *this->store;
    Transaction tx(s);
    const ItemId a = s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
    const ItemId b = s.addItem(ItemRecord{0, QStringLiteral("b.jpg"), QStringLiteral("b.jpg"), 2});
    const ModelId m = s.modelId(QStringLiteral("vit"), true);
    // One reviewer in either Unicode spelling.
    const ReviewerId jose = s.reviewerId(QStringLiteral("Jose\u0301"), true);
    EXPECT_EQ(s.reviewerId(QStringLiteral("Jos\u00e9"), false), jose);
    const ReviewerId ann = s.reviewerId(QStringLiteral("ann"), true);

    ReviewRecord full = makeReview(a, m, jose, 1'700'000'000'123);
    full.verdict = Verdict::Wrong;
    full.category = Category::SpuriousCorrelation;
    full.spuriousKind = SpuriousKind::LackOfContext;
    full.severity = Severity::Major;
    full.labelChanges = {{3, LabelEdit::Correct}, {700, LabelEdit::Remove}};
    full.note = hostile(QStringLiteral("note"));
    full.source = QStringLiteral("cli");
    full.uid = QStringLiteral("0123456789abcdef0123456789abcdef");
    const ReviewId r1 = s.appendReview(full);

    ReviewRecord oov = makeReview(b, m, ann, 1'700'000'000'500);
    oov.verdict = Verdict::Wrong;
    oov.category = Category::FineGrainedOov;
    oov.oovWnid = QStringLiteral("n01234567");
    const ReviewId r2 = s.appendReview(oov);

    ReviewRecord image = makeReview(b, 0, ann, 1'700'000'001'000); // about the image, no model
    image.verdict = Verdict::Problematic;
    const ReviewId r3 = s.appendReview(image);

    ReviewRecord retraction = makeReview(b, m, ann, 1'700'000'002'000);
    retraction.retracts = r2;
    const ReviewId r4 = s.appendReview(retraction);

    ReviewRecord labelsOnly = makeReview(a, m, ann, 1'700'000'003'000);
    labelsOnly.labelChanges = {{5, LabelEdit::Unclear}};
    const ReviewId r5 = s.appendReview(labelsOnly);
    tx.commit();
    EXPECT_LT(r1, r2);
    EXPECT_LT(r4, r5);

    const auto one = s.review(r1);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->item, a);
    EXPECT_EQ(one->model, m);
    EXPECT_EQ(one->reviewer, jose);
    EXPECT_EQ(one->time.toMSecsSinceEpoch(), 1'700'000'000'123);
    EXPECT_EQ(one->verdict, Verdict::Wrong);
    EXPECT_EQ(one->category, Category::SpuriousCorrelation);
    EXPECT_EQ(one->spuriousKind, SpuriousKind::LackOfContext);
    EXPECT_EQ(one->severity, Severity::Major);
    EXPECT_EQ(one->labelChanges, full.labelChanges);
    EXPECT_EQ(one->note, full.note);
    EXPECT_EQ(one->source, QStringLiteral("cli"));
    EXPECT_EQ(one->uid, full.uid);
    EXPECT_EQ(s.review(r2)->oovWnid, QStringLiteral("n01234567"));
    EXPECT_EQ(s.review(r3)->model, 0);
    EXPECT_EQ(s.review(r4)->retracts, r2);
    EXPECT_FALSE(s.review(r4)->verdict);
    EXPECT_EQ(s.review(r5)->source, QStringLiteral("bagel")); // the default
    EXPECT_EQ(s.review(r5)->uid.size(), 32);                  // made when none was given
    EXPECT_FALSE(s.review(r5 + 100));

    const auto ofB = s.reviews(b);
    ASSERT_EQ(ofB.size(), 3);
    EXPECT_EQ(ofB[0].id, r2);
    EXPECT_EQ(ofB[2].id, r4);

    const QVector<ReviewRecord> all = s.allReviews();
    ASSERT_EQ(all.size(), 5);
    QVector<ReviewRecord> visited;
    s.forEachReview([&](const ReviewRecord &r) { visited << r; });
    ASSERT_EQ(visited.size(), 5);
    const ReviewRows rows = s.reviewRows();
    ASSERT_EQ(rows.rows.size(), 5);
    for (int i = 0; i < all.size(); ++i) {
        const ReviewRecord fromRow = rows.record(rows.rows[i]);
        EXPECT_EQ(fromRow.id, all[i].id);
        EXPECT_EQ(fromRow.item, all[i].item);
        EXPECT_EQ(fromRow.model, all[i].model);
        EXPECT_EQ(fromRow.reviewer, all[i].reviewer);
        EXPECT_EQ(fromRow.time, all[i].time);
        EXPECT_EQ(fromRow.verdict, all[i].verdict);
        EXPECT_EQ(fromRow.category, all[i].category);
        EXPECT_EQ(fromRow.spuriousKind, all[i].spuriousKind);
        EXPECT_EQ(fromRow.severity, all[i].severity);
        EXPECT_EQ(fromRow.labelChanges, all[i].labelChanges);
        EXPECT_EQ(fromRow.note, all[i].note);
        EXPECT_EQ(fromRow.source, all[i].source);
        EXPECT_EQ(fromRow.retracts, all[i].retracts);
        EXPECT_EQ(fromRow.oovWnid, all[i].oovWnid);
        EXPECT_EQ(visited[i].uid, all[i].uid);
    }
    const auto uids = s.reviewUids();
    EXPECT_EQ(uids.size(), 5);
    EXPECT_EQ(uids.value(full.uid), r1);
    EXPECT_EQ(s.counts().reviews, 5);
    EXPECT_EQ(s.counts().reviewers, 2);

    // A uid is unique: the same review cannot be appended twice.
    Transaction again(s);
    EXPECT_THROW(s.appendReview(full), Error);
}

TYPED_TEST(StoreConformance, AdjudicationsAndAssignmentsRoundTrip)
{
    Store &s = *this->store;
    Transaction tx(s);
    const ItemId a = s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
    const ItemId b = s.addItem(ItemRecord{0, QStringLiteral("b.jpg"), QStringLiteral("b.jpg"), 2});
    const ModelId m = s.modelId(QStringLiteral("vit"), true);
    const ModelId n = s.modelId(QStringLiteral("soup"), true);
    const ReviewerId lead = s.reviewerId(QStringLiteral("lead"), true);
    const ReviewerId x = s.reviewerId(QStringLiteral("x"), true);
    const ReviewerId y = s.reviewerId(QStringLiteral("y"), true);

    AdjudicationRecord first;
    first.item = a;
    first.model = m;
    first.lead = lead;
    first.time = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
    first.verdict = Verdict::Wrong;
    first.category = Category::FineGrained;
    first.severity = Severity::Minor;
    first.gold = true;
    first.reason = hostile(QStringLiteral("reason"));
    const qint64 id1 = s.appendAdjudication(first);
    AdjudicationRecord withdraw;
    withdraw.item = a;
    withdraw.model = m;
    withdraw.lead = lead;
    withdraw.time = QDateTime::fromMSecsSinceEpoch(1'700'000'100'000, Qt::UTC);
    const qint64 id2 = s.appendAdjudication(withdraw);

    s.replaceAssignments(m, {{a, m, x}, {a, m, y}, {b, m, x}});
    s.replaceAssignments(n, {{b, n, y}});
    tx.commit();

    const auto adjudications = s.adjudications(a);
    ASSERT_EQ(adjudications.size(), 2);
    EXPECT_EQ(adjudications[0].id, id1);
    EXPECT_EQ(adjudications[0].verdict, Verdict::Wrong);
    EXPECT_EQ(adjudications[0].category, Category::FineGrained);
    EXPECT_EQ(adjudications[0].severity, Severity::Minor);
    EXPECT_TRUE(adjudications[0].gold);
    EXPECT_EQ(adjudications[0].reason, first.reason);
    EXPECT_EQ(adjudications[0].time.toMSecsSinceEpoch(), 1'700'000'000'000);
    EXPECT_EQ(adjudications[0].uid.size(), 32);
    EXPECT_EQ(adjudications[1].id, id2);
    EXPECT_FALSE(adjudications[1].verdict);
    EXPECT_FALSE(adjudications[1].gold);
    EXPECT_TRUE(s.adjudications(b).isEmpty());
    int visited = 0;
    s.forEachAdjudication([&](const AdjudicationRecord &) { ++visited; });
    EXPECT_EQ(visited, 2);
    EXPECT_EQ(s.adjudicationUids().size(), 2);
    EXPECT_TRUE(s.adjudicationUids().contains(adjudications[0].uid));
    EXPECT_EQ(s.counts().adjudications, 2);
    EXPECT_EQ(s.counts().assignments, 4);

    const QVector<AssignmentRecord> expected{{a, m, x}, {a, m, y}, {b, m, x}, {b, n, y}};
    QVector<AssignmentRecord> sortedExpected = expected;
    std::sort(sortedExpected.begin(), sortedExpected.end(), [](const auto &p, const auto &q) {
        return std::tie(p.model, p.item, p.reviewer) < std::tie(q.model, q.item, q.reviewer);
    });
    EXPECT_EQ(s.assignments(), sortedExpected);
    // Replacing one model's assignments leaves the other's.
    {
        Transaction again(s);
        s.replaceAssignments(m, {{b, m, y}});
        again.commit();
    }
    QVector<AssignmentRecord> now = s.assignments();
    EXPECT_EQ(now.size(), 2);
    EXPECT_TRUE(now.contains(AssignmentRecord{b, m, y}));
    EXPECT_TRUE(now.contains(AssignmentRecord{b, n, y}));
}

TYPED_TEST(StoreConformance, HostileTextIsStoredVerbatim)
{
    Store &s = *this->store;
    const QString file = hostile(QStringLiteral("file"));
    const QString reviewer = hostile(QStringLiteral("reviewer"));
    const QString model = hostile(QStringLiteral("model"));
    Transaction tx(s);
    const ItemId a = s.addItem(ItemRecord{0, file, hostile(QStringLiteral("path")), 3});
    const ModelId m = s.modelId(model, true);
    const ReviewerId r = s.reviewerId(reviewer, true);
    s.setMeta(QStringLiteral("examples_folder"), hostile(QStringLiteral("folder")));
    s.setProblematic(a, ProblematicInfo{hostile(QStringLiteral("a")), hostile(QStringLiteral("b")), hostile(QStringLiteral("c")),
                                        hostile(QStringLiteral("d")), hostile(QStringLiteral("e"))});
    tx.commit();
    EXPECT_EQ(s.itemByFileName(file)->id, a);
    EXPECT_EQ(s.item(a)->imagePath, hostile(QStringLiteral("path")));
    EXPECT_EQ(s.modelId(model, false), m);
    EXPECT_EQ(s.models().first().name, model);
    EXPECT_EQ(s.reviewerId(reviewer, false), r);
    EXPECT_EQ(s.reviewers().first().name, reviewer);
    EXPECT_EQ(s.meta(QStringLiteral("examples_folder")), hostile(QStringLiteral("folder")));
    EXPECT_EQ(s.meta(QStringLiteral("no such key")), QString());
    EXPECT_EQ(s.problematic(a)->timeReviewed, hostile(QStringLiteral("e")));
    EXPECT_EQ(s.itemIndex().keys(), QStringList{file});
    EXPECT_EQ(s.counts().reviews, 0); // the table is still there
}

TYPED_TEST(StoreConformance, ARollbackLeavesNothingBehind)
{
    Store &s = *this->store;
    {
        Transaction tx(s);
        const ItemId a = s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
        s.addJudgements(a, {{1, Judgement::Correct}});
        s.modelId(QStringLiteral("m"), true);
        // no commit
    }
    EXPECT_EQ(s.counts().items, 0);
    EXPECT_EQ(s.counts().judgements, 0);
    EXPECT_EQ(s.counts().models, 0);
    // The store takes the next transaction as usual.
    Transaction tx(s);
    s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
    tx.commit();
    EXPECT_EQ(s.itemCount(), 1);
}

TYPED_TEST(StoreConformance, AnotherConnectionSeesCommitsAndReadsOneStateInAReadTransaction)
{
    Store &writer = *this->store;
    std::unique_ptr<Store> reader = this->backend.open();
    Transaction tx(writer);
    const ItemId a = writer.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
    const ModelId m = writer.modelId(QStringLiteral("m"), true);
    const ReviewerId r = writer.reviewerId(QStringLiteral("r"), true);
    tx.commit();
    EXPECT_EQ(reader->itemCount(), 1);

    const qint64 before = reader->dataVersion();
    {
        ReadTransaction read(*reader);
        EXPECT_EQ(reader->counts().reviews, 0);
        Transaction write(writer);
        ReviewRecord review = makeReview(a, m, r, 1'700'000'000'000);
        review.verdict = Verdict::Correct;
        writer.appendReview(review);
        write.commit();
        EXPECT_EQ(reader->counts().reviews, 0); // one state until the read ends
    }
    EXPECT_EQ(reader->counts().reviews, 1);
    // The reader hears of the commit (a window polls this to show others' verdicts).
    QElapsedTimer waited;
    waited.start();
    while (reader->dataVersion() == before && waited.elapsed() < 2000)
        QThread::msleep(20);
    EXPECT_NE(reader->dataVersion(), before);
}

TYPED_TEST(StoreConformance, AProjectOverTheStoreRecordsAndDerivesLabels)
{
    Store &s = *this->store;
    {
        Transaction tx(s);
        const ItemId a = s.addItem(ItemRecord{0, QStringLiteral("a.jpg"), QStringLiteral("a.jpg"), 1});
        s.addJudgements(a, {{1, Judgement::Correct}});
        s.setPrediction(a, s.modelId(QStringLiteral("vit"), true), {{2, 0.9}, {1, 0.1}});
        tx.commit();
    }
    // On a server the reviewer is the connected role.
    const QString reviewer = s.sessionUser().isEmpty() ? QStringLiteral("ann") : s.sessionUser();
    Project project(std::move(this->store));
    ReviewInput input;
    input.fileName = QStringLiteral("a.jpg");
    input.reviewer = reviewer;
    input.verdict = Verdict::Correct;
    input.labelChanges = {{2, LabelEdit::Correct}};
    input.note = hostile(QStringLiteral("n"));
    const ReviewId id = project.recordReview(input);
    const ItemId item = project.store().itemByFileName(QStringLiteral("a.jpg"))->id;
    EXPECT_EQ(project.currentLabels(item), (QVector<LabelJudgement>{{1, Judgement::Correct}, {2, Judgement::Correct}}));
    ASSERT_EQ(project.latestReviews(item).size(), 1);
    EXPECT_EQ(project.latestReviews(item).first().note, input.note);
    project.retractReview(id);
    EXPECT_EQ(project.currentLabels(item), (QVector<LabelJudgement>{{1, Judgement::Correct}}));
    EXPECT_TRUE(project.latestReviews(item).isEmpty());
    project.setBlindMode(false);
    EXPECT_FALSE(project.blindMode());
}

TYPED_TEST(StoreConformance, ManyRowsInOneTransactionRoundTripAsOneRowDoes)
{
    // Enough rows of every kind that a server sends them in bulk (COPY) rather than one by one.
    Store &s = *this->store;
    constexpr int kItems = 300;
    QVector<ItemId> items;
    Transaction tx(s);
    const ModelId m = s.modelId(QStringLiteral("vit"), true);
    const ReviewerId ann = s.reviewerId(QStringLiteral("ann"), true);
    for (int i = 0; i < kItems; ++i) {
        const QString name = hostile(QStringLiteral("item%1").arg(i, 4, 10, QLatin1Char('0')));
        items << s.addItem(ItemRecord{0, name, name + QStringLiteral(".jpg"), i % 3 ? i : -1});
        s.addJudgements(items.last(), {{i % 1000, Judgement::Correct}, {(i + 1) % 1000, Judgement::Unclear}});
        EXPECT_TRUE(s.setPrediction(items.last(), m, {{(i * 7) % 1000, 0.75}, {i % 1000, i % 2 ? 0.25 : std::nan("")}}));
    }
    // An unchanged prediction is reported as such, a changed one replaces the first, also in bulk.
    EXPECT_FALSE(s.setPrediction(items[200], m, {{(200 * 7) % 1000, 0.75}, {200, std::nan("")}}));
    EXPECT_TRUE(s.setPrediction(items[201], m, {{3, 0.5}}));
    QVector<ReviewId> reviews;
    for (int i = 0; i < kItems; ++i) {
        ReviewRecord r = makeReview(items[i], m, ann, 1'700'000'000'000 + i);
        r.verdict = i % 2 ? Verdict::Wrong : Verdict::Correct;
        if (r.verdict == Verdict::Wrong) {
            r.category = Category::NonPrototypical;
            r.severity = Severity::Borderline;
        }
        r.note = i % 5 ? QString() : hostile(QStringLiteral("note"));
        r.labelChanges = {{(i * 3) % 1000, LabelEdit::Remove}};
        reviews << s.appendReview(r);
    }
    ReviewRecord retraction = makeReview(items[250], m, ann, 1'800'000'000'000);
    retraction.retracts = reviews[250];
    const ReviewId retracted = s.appendReview(retraction);
    // Reads inside the transaction see every row written so far.
    EXPECT_EQ(s.itemCount(), kItems);
    EXPECT_EQ(s.review(reviews[299])->labelChanges, (QVector<LabelChange>{{(299 * 3) % 1000, LabelEdit::Remove}}));
    tx.commit();

    const ProjectCounts c = s.counts();
    EXPECT_EQ(c.items, kItems);
    EXPECT_EQ(c.itemsWithUnknownLabel, kItems / 3);
    EXPECT_EQ(c.judgements, 2 * kItems);
    EXPECT_EQ(c.predictions, kItems);
    EXPECT_EQ(c.reviews, kItems + 1);
    for (const int i : {0, 33, 34, 150, 200, 201, 299}) {
        const auto item = s.item(items[i]);
        ASSERT_TRUE(item) << i;
        EXPECT_EQ(item->fileName, hostile(QStringLiteral("item%1").arg(i, 4, 10, QLatin1Char('0'))));
        EXPECT_EQ(item->originalLabel, i % 3 ? i : -1);
        EXPECT_EQ(s.judgements(items[i]), (QVector<LabelJudgement>{{i % 1000, Judgement::Correct}, {(i + 1) % 1000, Judgement::Unclear}}));
        const auto predictions = s.predictions(items[i]);
        ASSERT_EQ(predictions.size(), 1);
        if (i == 201) {
            EXPECT_EQ(predictions[0].topk, (QVector<ClassScore>{{3, 0.5}}));
        } else {
            EXPECT_EQ(predictions[0].topk, (QVector<ClassScore>{{(i * 7) % 1000, 0.75}, {i % 1000, i % 2 ? 0.25 : std::nan("")}}));
        }
        const auto review = s.review(reviews[i]);
        ASSERT_TRUE(review);
        EXPECT_EQ(review->item, items[i]);
        EXPECT_EQ(review->time.toMSecsSinceEpoch(), 1'700'000'000'000 + i);
        EXPECT_EQ(review->note, i % 5 ? QString() : hostile(QStringLiteral("note")));
        EXPECT_EQ(review->category, i % 2 ? std::optional(Category::NonPrototypical) : std::nullopt);
        EXPECT_EQ(review->uid.size(), 32);
    }
    EXPECT_EQ(s.review(retracted)->retracts, reviews[250]);
    auto summaries = s.predictionSummaries(m);
    std::sort(summaries.begin(), summaries.end(), [](const auto &a, const auto &b) { return a.item < b.item; });
    ASSERT_EQ(summaries.size(), kItems);
    EXPECT_TRUE(std::isnan(summaries[0].margin));
    EXPECT_DOUBLE_EQ(summaries[1].margin, 0.5);

    // A bad row among many fails the whole transaction: nothing of it stays.
    // (A file refuses it at once, a server's bulk send at the latest when committing.)
    bool refused = false;
    try {
        Transaction bad(s);
        for (int i = 0; i < 100; ++i)
            s.addItem(ItemRecord{0, QStringLiteral("new%1").arg(i), QStringLiteral("x"), 1});
        s.addItem(ItemRecord{0, hostile(QStringLiteral("item0000")), QStringLiteral("x"), 1}); // already there
        bad.commit();
    } catch (const Error &) {
        refused = true;
    }
    EXPECT_TRUE(refused);
    EXPECT_EQ(s.itemCount(), kItems);
    EXPECT_FALSE(s.itemByFileName(QStringLiteral("new5")));
}
