#include "project.h"
#include "review/reviewqueue.h"
#include "testsupport.h"

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
    EXPECT_EQ(names(rows, arrangeQueue(rows, QueueFilter{}, QueueOrder::FileName)),
              (QStringList{QStringLiteral("b.jpg"), QStringLiteral("d.jpg"), QStringLiteral("e.jpg")}));
    QueueFilter all;
    all.mistakesOnly = false;
    EXPECT_EQ(arrangeQueue(rows, all, QueueOrder::FileName).size(), 5);
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
    EXPECT_EQ(names(rows, arrangeQueue(rows, f, QueueOrder::FileName)), (QStringList{QStringLiteral("d.jpg"), QStringLiteral("e.jpg")}));
    f = {};
    f.verdict = Verdict::Wrong;
    EXPECT_EQ(names(rows, arrangeQueue(rows, f, QueueOrder::FileName)), QStringList{QStringLiteral("b.jpg")});
    f = {};
    f.category = Category::FineGrained;
    EXPECT_EQ(names(rows, arrangeQueue(rows, f, QueueOrder::FileName)), QStringList{QStringLiteral("b.jpg")});
    f = {};
    f.mistakesOnly = false;
    f.originalClass = 1;
    EXPECT_EQ(names(rows, arrangeQueue(rows, f, QueueOrder::FileName)), (QStringList{QStringLiteral("a.jpg"), QStringLiteral("b.jpg")}));
    f.originalClass = -1;
    f.predictedClass = 5;
    EXPECT_EQ(names(rows, arrangeQueue(rows, f, QueueOrder::FileName)), QStringList{QStringLiteral("c.jpg")});
    f = {};
    f.search = QStringLiteral("D.J");
    EXPECT_EQ(names(rows, arrangeQueue(rows, f, QueueOrder::FileName)), QStringList{QStringLiteral("d.jpg")});

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
    EXPECT_EQ(names(rows, arrangeQueue(rows, all, QueueOrder::ScoreAscending)),
              (QStringList{QStringLiteral("c.jpg"), QStringLiteral("b.jpg"), QStringLiteral("d.jpg"), QStringLiteral("a.jpg"),
                           QStringLiteral("e.jpg")}));
    EXPECT_EQ(names(rows, arrangeQueue(rows, all, QueueOrder::MarginDescending)),
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
