#include "catalog/classcatalog.h"
#include "catalog/classsearch.h"
#include "catalog/taxonomy.h"
#include "catalog/wordnet.h"
#include "project.h"
#include "review/classquery.h"
#include "review/queuelistmodel.h"
#include "review/reviewqueue.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QFile>

#include <gtest/gtest.h>

#include <cmath>

using namespace bagel;

namespace {

class QueueTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        project = Project::create(dir.path(QStringLiteral("q.bagel")));
        Store &s = project->store();
        Transaction tx(s);
        vit = s.modelId(QStringLiteral("vit"), true);
        soup = s.modelId(QStringLiteral("soup"), true);
        // a: right on the original label; b: wrong; c: right but only by the multi-labels;
        // d: wrong although its original label matches the top-2; e: no multi-labels, wrong.
        add(QStringLiteral("a.jpg"), 1, {{1, Judgement::Correct}}, {{1, 0.9}, {2, 0.05}});
        add(QStringLiteral("b.jpg"), 1, {{1, Judgement::Correct}, {3, Judgement::Wrong}}, {{3, 0.6}, {1, 0.3}});
        add(QStringLiteral("c.jpg"), 4, {{4, Judgement::Correct}, {5, Judgement::Unclear}}, {{5, 0.5}, {4, 0.45}});
        add(QStringLiteral("d.jpg"), 6, {{6, Judgement::Correct}}, {{7, 0.7}, {6, 0.2}});
        add(QStringLiteral("e.jpg"), 8, {}, {{9, qQNaN()}});
        s.setPrediction(items[0], soup, {{2, 0.6}, {1, 0.3}});
        tx.commit();
        ann = 0;
    }

    void add(const QString &name, int label, const QVector<LabelJudgement> &labels, const QVector<ClassScore> &topk)
    {
        Store &s = project->store();
        const ItemId id = s.addItem(ItemRecord{0, name, name, label});
        s.addJudgements(id, labels);
        s.setPrediction(id, vit, topk);
        items << id;
    }

    QStringList names(const QVector<QueueRow> &rows, const QVector<int> &order)
    {
        QStringList out;
        for (int i : order)
            out << rows[i].fileName;
        return out;
    }

    void review(const QString &file, const QString &who, Verdict verdict, std::optional<Category> category = std::nullopt)
    {
        ReviewInput in;
        in.fileName = file;
        in.reviewer = who;
        in.model = QStringLiteral("vit");
        in.verdict = verdict;
        in.category = category;
        project->recordReview(in);
    }

    test::TempDir dir;
    std::unique_ptr<Project> project;
    ModelId vit = 0;
    ModelId soup = 0;
    ReviewerId ann = 0;
    QVector<ItemId> items;
};

} // namespace

TEST_F(QueueTest, ModelMistakesAreTop1OutsideCorrectAndUnclear)
{
    const QVector<QueueRow> rows = loadQueue(*project, vit, 0);
    ASSERT_EQ(rows.size(), 5);
    EXPECT_EQ(names(rows, arrangeQueue(rows, QueueFilter{})),
              (QStringList{QStringLiteral("b.jpg"), QStringLiteral("d.jpg"), QStringLiteral("e.jpg")}));
    QueueFilter all;
    all.mistakesOnly = false;
    EXPECT_EQ(arrangeQueue(rows, all).size(), 5);
    // The other model's queue holds only the item it has a prediction for.
    const QVector<QueueRow> soupRows = loadQueue(*project, soup, 0);
    ASSERT_EQ(soupRows.size(), 1);
    EXPECT_TRUE(soupRows[0].mistake);
}

TEST_F(QueueTest, FiltersSelectTheRightItems)
{
    review(QStringLiteral("b.jpg"), QStringLiteral("ann"), Verdict::Wrong, Category::FineGrained);
    review(QStringLiteral("d.jpg"), QStringLiteral("bob"), Verdict::Correct);
    ann = project->store().reviewerId(QStringLiteral("ann"), false);
    const QVector<QueueRow> rows = loadQueue(*project, vit, ann);

    QueueFilter f;
    f.notReviewedByMe = true;
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), (QStringList{QStringLiteral("d.jpg"), QStringLiteral("e.jpg")}));
    f = {};
    f.verdict = Verdict::Wrong;
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), QStringList{QStringLiteral("b.jpg")});
    f = {};
    f.category = Category::FineGrained;
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), QStringList{QStringLiteral("b.jpg")});
    f = {};
    f.mistakesOnly = false;
    f.originalClasses = QSet<int>{1};
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), (QStringList{QStringLiteral("a.jpg"), QStringLiteral("b.jpg")}));
    f.originalClasses.reset();
    f.predictedClasses = QSet<int>{5};
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), QStringList{QStringLiteral("c.jpg")});
    f = {};
    f.search = QStringLiteral("D.J");
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), QStringList{QStringLiteral("d.jpg")});

    // Others' verdicts are counted, not shown as mine.
    const auto d = std::find_if(rows.begin(), rows.end(), [](const QueueRow &r) { return r.fileName == QLatin1String("d.jpg"); });
    EXPECT_FALSE(d->myVerdict);
    EXPECT_EQ(d->otherReviewers, 1);
}

TEST_F(QueueTest, SortsByScoreOrMarginWithUnknownLast)
{
    QueueFilter all;
    all.mistakesOnly = false;
    const QVector<QueueRow> rows = loadQueue(*project, vit, 0);
    EXPECT_EQ(names(rows, arrangeQueue(rows, all, QueueSort{QueueColumn::Score, false})),
              (QStringList{QStringLiteral("c.jpg"), QStringLiteral("b.jpg"), QStringLiteral("d.jpg"), QStringLiteral("a.jpg"),
                           QStringLiteral("e.jpg")}));
    EXPECT_EQ(names(rows, arrangeQueue(rows, all, QueueSort{QueueColumn::Margin, true})),
              (QStringList{QStringLiteral("a.jpg"), QStringLiteral("d.jpg"), QStringLiteral("b.jpg"), QStringLiteral("c.jpg"),
                           QStringLiteral("e.jpg")}));
}

TEST_F(QueueTest, RefreshFollowsLabelEditsVerdictsAndUndo)
{
    ReviewInput in;
    in.fileName = QStringLiteral("b.jpg");
    in.reviewer = QStringLiteral("ann");
    in.model = QStringLiteral("vit");
    in.verdict = Verdict::Correct;
    in.labelChanges = {{3, LabelEdit::Correct}};
    const ReviewId id = project->recordReview(in);
    ann = project->store().reviewerId(QStringLiteral("ann"), false);
    QVector<QueueRow> rows = loadQueue(*project, vit, ann);
    QueueRow &b = rows[1];
    ASSERT_EQ(b.fileName, QStringLiteral("b.jpg"));
    EXPECT_FALSE(b.mistake); // 3 is now a correct label
    EXPECT_EQ(b.myVerdict, Verdict::Correct);

    project->retractReview(id);
    refreshRow(*project, vit, ann, b);
    EXPECT_TRUE(b.mistake);
    EXPECT_FALSE(b.myVerdict);
}

namespace {

struct SortCase
{
    QueueColumn column;
    const char *ascending;  ///< the file names' first letters, in order
    const char *descending;
};

QString letters(const QVector<QueueRow> &rows, const QVector<int> &order)
{
    QString out;
    for (int i : order)
        out += rows[i].fileName.at(0);
    return out;
}

} // namespace

TEST_F(QueueTest, SortsByEachColumnBothWaysWithUnknownLast)
{
    // ann: b wrong, d correct; bob: a and c; carl: c.
    review(QStringLiteral("b.jpg"), QStringLiteral("ann"), Verdict::Wrong, Category::FineGrained);
    review(QStringLiteral("d.jpg"), QStringLiteral("ann"), Verdict::Correct);
    review(QStringLiteral("a.jpg"), QStringLiteral("bob"), Verdict::Correct);
    review(QStringLiteral("c.jpg"), QStringLiteral("bob"), Verdict::Unclear);
    review(QStringLiteral("c.jpg"), QStringLiteral("carl"), Verdict::Correct);
    ann = project->store().reviewerId(QStringLiteral("ann"), false);
    const QVector<QueueRow> rows = loadQueue(*project, vit, ann);
    QueueFilter all;
    all.mistakesOnly = false;
    // Labels: a, b goldfish; c hammerhead; d stingray; e hen. Top-1: a goldfish, b tiger shark,
    // c electric ray, d cock, e ostrich. Scores .9 .6 .5 .7 –; margins .85 .3 .05 .5 –.
    const SortCase cases[] = {
        {QueueColumn::File, "abcde", "edcba"},
        {QueueColumn::Original, "abced", "decab"},
        {QueueColumn::Prediction, "dcaeb", "beacd"},
        {QueueColumn::Score, "cbdae", "adbce"},
        {QueueColumn::Margin, "cbdae", "adbce"},
        {QueueColumn::MyVerdict, "dbace", "bdace"},
        {QueueColumn::Others, "bdeac", "cabde"},
    };
    for (const SortCase &c : cases) {
        EXPECT_EQ(letters(rows, arrangeQueue(rows, all, QueueSort{c.column, false})), QLatin1String(c.ascending)) << int(c.column);
        EXPECT_EQ(letters(rows, arrangeQueue(rows, all, QueueSort{c.column, true})), QLatin1String(c.descending)) << int(c.column);
    }
}

TEST_F(QueueTest, TheTableModelShowsEveryColumnSortsAndFilters)
{
    review(QStringLiteral("b.jpg"), QStringLiteral("ann"), Verdict::Wrong, Category::FineGrained);
    review(QStringLiteral("d.jpg"), QStringLiteral("bob"), Verdict::Correct);
    ann = project->store().reviewerId(QStringLiteral("ann"), false);
    QueueListModel model(ClassCatalog::imagenet1k());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    model.setRows(loadQueue(*project, vit, ann));
    model.arrange(QueueFilter{}, {});
    ASSERT_EQ(model.rowCount(), 3); // b, d, e: the mistakes
    ASSERT_EQ(model.columnCount(), kQueueColumnCount);
    const auto cell = [&](int row, QueueColumn column) { return model.index(row, int(column)).data().toString(); };
    EXPECT_EQ(cell(0, QueueColumn::File), QStringLiteral("b.jpg"));
    EXPECT_EQ(cell(0, QueueColumn::Original), QStringLiteral("goldfish"));
    EXPECT_EQ(cell(0, QueueColumn::Prediction), QStringLiteral("tiger shark"));
    EXPECT_EQ(cell(0, QueueColumn::Score), QStringLiteral("0.600"));
    EXPECT_EQ(cell(0, QueueColumn::Margin), QStringLiteral("0.300"));
    EXPECT_EQ(cell(0, QueueColumn::MyVerdict), QStringLiteral("wrong"));
    EXPECT_EQ(cell(1, QueueColumn::Others), QStringLiteral("1"));
    EXPECT_EQ(cell(2, QueueColumn::Score), QStringLiteral("–")); // e: no score

    // Sorting through the model keeps the filter; unknown scores stay last both ways.
    model.sort(int(QueueColumn::Score), Qt::AscendingOrder);
    EXPECT_EQ(cell(0, QueueColumn::File), QStringLiteral("b.jpg"));
    EXPECT_EQ(cell(2, QueueColumn::File), QStringLiteral("e.jpg"));
    model.sort(int(QueueColumn::Score), Qt::DescendingOrder);
    EXPECT_EQ(cell(0, QueueColumn::File), QStringLiteral("d.jpg"));
    EXPECT_EQ(cell(2, QueueColumn::File), QStringLiteral("e.jpg"));
    EXPECT_EQ(model.sortOrder(), (QueueSort{QueueColumn::Score, true}));
    EXPECT_EQ(model.rowCount(), 3);
    EXPECT_EQ(model.positionOf(QStringLiteral("b.jpg")), 1);
    EXPECT_EQ(model.positionOf(QStringLiteral("a.jpg")), -1); // filtered out…
    EXPECT_TRUE(model.holds(QStringLiteral("a.jpg")));        // …but in the queue
    EXPECT_FALSE(model.holds(QStringLiteral("zzz.jpg")));

    // The next item without my verdict, going round: d (0) → e (2) → d, never b (mine).
    EXPECT_EQ(model.nextNotReviewed(0), 2);
    EXPECT_EQ(model.nextNotReviewed(2), 0);
    model.setPending(items[3], true); // d has a verdict on its way
    EXPECT_EQ(model.nextNotReviewed(2), 2);
    model.setPending(items[4], true);
    EXPECT_EQ(model.nextNotReviewed(2), -1);
    EXPECT_EQ(model.shownReviewedCount(), 1);

    // Typing on in the search narrows what is shown, in the same order, as a fresh filter would.
    QueueFilter all;
    all.mistakesOnly = false;
    for (const char *typed : {"", ".", ".j", ".jp", "d.jp"}) {
        all.search = QLatin1String(typed);
        model.arrange(all, QueueSort{QueueColumn::Score, true});
        const QVector<int> fresh = arrangeQueue(model.allRows(), all, QueueSort{QueueColumn::Score, true});
        ASSERT_EQ(model.rowCount(), fresh.size()) << typed;
        for (int i = 0; i < fresh.size(); ++i)
            EXPECT_EQ(model.rowAt(i)->fileName, model.allRows()[fresh[i]].fileName) << typed;
    }
    EXPECT_EQ(model.rowCount(), 1);
}

namespace {

/** The taxonomy-backed search of the class panel, built once (WordNet takes a second). */
struct ClassIndexes
{
    WordNet wordnet;
    Taxonomy taxonomy{ClassCatalog::imagenet1k(), wordnet};
    ClassSearch search = ClassSearch::imagenet(ClassCatalog::imagenet1k(), &taxonomy);
};

const ClassIndexes &classIndexes()
{
    static const ClassIndexes built;
    return built;
}

/**
 * The ImageNet classes at or below \a offset, read straight from data.noun by following the
 * hyponym pointers down (the taxonomy follows hypernyms up).
 */
QSet<int> classesBelow(const QString &dataNoun, quint32 offset)
{
    QFile file(dataNoun);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QHash<quint32, QVector<quint32>> children;
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(' ');
        if (fields.size() < 4 || fields[0].startsWith(' ') || fields[0].size() != 8)
            continue;
        const quint32 self = fields[0].toUInt();
        const int words = fields[3].toInt(nullptr, 16);
        int at = 4 + 2 * words;
        const int pointers = fields.value(at).toInt();
        ++at;
        for (int p = 0; p < pointers; ++p, at += 4) {
            if ((fields.value(at) == "~" || fields.value(at) == "~i") && fields.value(at + 2) == "n")
                children[self] << fields.value(at + 1).toUInt();
        }
    }
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    QSet<int> found;
    QSet<quint32> seen{offset};
    QVector<quint32> todo{offset};
    while (!todo.isEmpty()) {
        const quint32 current = todo.takeLast();
        const int index = catalog.indexOfWnid(QStringLiteral("n%1").arg(current, 8, 10, QLatin1Char('0')));
        if (index >= 0)
            found.insert(index);
        for (quint32 child : children.value(current)) {
            if (!seen.contains(child)) {
                seen.insert(child);
                todo << child;
            }
        }
    }
    return found;
}

} // namespace

TEST(ClassQuery, AGroupNameMeansEveryClassUnderItsSynset)
{
    const ClassIndexes &ix = classIndexes();
    ASSERT_TRUE(ix.taxonomy.isAvailable()) << "WordNet (wordnet-base) is needed";
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const int golden = catalog.indexOfWnid(QStringLiteral("n02099601"));
    const int tabby = catalog.indexOfWnid(QStringLiteral("n02123045"));
    ASSERT_EQ(catalog.at(golden).name(), QStringLiteral("golden retriever"));
    ASSERT_EQ(catalog.at(tabby).name(), QStringLiteral("tabby"));

    const ClassQuery dog = resolveClassQuery(ix.search, catalog, QStringLiteral("dog"));
    EXPECT_FALSE(dog.matchesNothing);
    EXPECT_TRUE(dog.classes.contains(golden));
    EXPECT_FALSE(dog.classes.contains(tabby));
    EXPECT_EQ(dog.classes, classesBelow(ix.wordnet.path(), 2084071)) << dog.summary.toStdString(); // dog.n.01

    const ClassQuery terrier = resolveClassQuery(ix.search, catalog, QStringLiteral("Terrier "));
    const QSet<int> underTerrier = classesBelow(ix.wordnet.path(), 2092468); // terrier.n.01
    ASSERT_GT(underTerrier.size(), 20);
    EXPECT_EQ(terrier.classes.size(), underTerrier.size());
    EXPECT_EQ(terrier.classes, underTerrier);
    EXPECT_TRUE(terrier.summary.contains(QString::number(underTerrier.size()))) << terrier.summary.toStdString();

    const ClassQuery cat = resolveClassQuery(ix.search, catalog, QStringLiteral("domestic cat"));
    EXPECT_TRUE(cat.classes.contains(tabby));
    EXPECT_FALSE(cat.classes.contains(golden));
}

TEST(ClassQuery, NamesIdsPrefixesAndListsNarrowAndNothingSaysSo)
{
    const ClassIndexes &ix = classIndexes();
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const int golden = catalog.indexOfWnid(QStringLiteral("n02099601"));
    // While typing: a name's beginning is the classes it begins.
    EXPECT_EQ(resolveClassQuery(ix.search, catalog, QStringLiteral("golden r")).classes, QSet<int>{golden});
    EXPECT_EQ(resolveClassQuery(ix.search, catalog, QStringLiteral("golden retriever")).classes, QSet<int>{golden});
    EXPECT_EQ(resolveClassQuery(ix.search, catalog, QStringLiteral("n02099601")).classes, QSet<int>{golden});
    EXPECT_EQ(resolveClassQuery(ix.search, catalog, QStringLiteral("7")).classes, QSet<int>{7});
    EXPECT_EQ(resolveClassQuery(ix.search, catalog, QStringLiteral("7, hen")).classes, (QSet<int>{7, 8}));

    const ClassQuery nothing = resolveClassQuery(ix.search, catalog, QStringLiteral("zqxwv"));
    EXPECT_TRUE(nothing.matchesNothing);
    EXPECT_TRUE(nothing.classes.isEmpty());
    EXPECT_TRUE(nothing.summary.contains(QStringLiteral("zqxwv")));
    // A typo matches nothing, and the summary names what was meant.
    const ClassQuery typo = resolveClassQuery(ix.search, catalog, QStringLiteral("labrdor"));
    EXPECT_TRUE(typo.matchesNothing);
    EXPECT_TRUE(typo.summary.contains(QStringLiteral("Labrador retriever"))) << typo.summary.toStdString();
    // One bad part of a list is named even when the others match.
    const ClassQuery mixed = resolveClassQuery(ix.search, catalog, QStringLiteral("hen, zqxwv"));
    EXPECT_TRUE(mixed.matchesNothing);
    EXPECT_TRUE(mixed.summary.contains(QStringLiteral("zqxwv")));
}

TEST_F(QueueTest, ClassSetsFilterTheOriginalAndThePredictedClass)
{
    const QVector<QueueRow> rows = loadQueue(*project, vit, 0);
    QueueFilter f;
    f.mistakesOnly = false;
    f.predictedClasses = QSet<int>{3, 5, 9};
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), (QStringList{QStringLiteral("b.jpg"), QStringLiteral("c.jpg"), QStringLiteral("e.jpg")}));
    f.originalClasses = QSet<int>{1, 8};
    EXPECT_EQ(names(rows, arrangeQueue(rows, f)), (QStringList{QStringLiteral("b.jpg"), QStringLiteral("e.jpg")}));
    f.originalClasses = QSet<int>{}; // a name that matched nothing: nothing passes
    EXPECT_TRUE(arrangeQueue(rows, f).isEmpty());
}
