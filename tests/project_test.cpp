#include "error.h"
#include "project.h"
#include "testsupport.h"

#include <QDir>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

class ProjectTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        project = Project::create(dir.path(QStringLiteral("p.bagel")));
        Store &s = project->store();
        Transaction tx(s);
        item = s.addItem(ItemRecord{0, QStringLiteral("x.JPEG"), QStringLiteral("x.JPEG"), 65});
        s.replaceJudgements(item, {{65, Judgement::Correct}, {66, Judgement::Wrong}});
        tx.commit();
    }

    void addModel(const QString &name)
    {
        Transaction tx(project->store());
        const ModelId m = project->store().modelId(name, true);
        project->store().setPrediction(item, m, {{66, 0.8}, {65, 0.1}});
        tx.commit();
    }

    QString reviewError(const ReviewInput &input)
    {
        try {
            project->recordReview(input);
        } catch (const Error &e) {
            return e.message();
        }
        return QStringLiteral("recorded");
    }

    ReviewInput input(std::optional<Verdict> verdict)
    {
        ReviewInput in;
        in.fileName = QStringLiteral("x.JPEG");
        in.reviewer = QStringLiteral("ann");
        in.verdict = verdict;
        return in;
    }

    test::TempDir dir;
    std::unique_ptr<Project> project;
    ItemId item = 0;
};

} // namespace

TEST_F(ProjectTest, ValidatesReviewsBeforeWritingThem)
{
    EXPECT_TRUE(reviewError(input(Verdict::Wrong)).contains(QStringLiteral("no models")));
    addModel(QStringLiteral("vit"));
    ReviewInput in = input(Verdict::Correct);
    in.category = Category::FineGrained;
    EXPECT_TRUE(reviewError(in).contains(QStringLiteral("only to the verdict 'wrong'")));
    in = input(Verdict::Wrong);
    in.spuriousKind = SpuriousKind::LackOfContext;
    EXPECT_TRUE(reviewError(in).contains(QStringLiteral("spurious-correlation")));
    in = input(Verdict::Wrong);
    in.fileName = QStringLiteral("nope.JPEG");
    EXPECT_TRUE(reviewError(in).contains(QStringLiteral("no item 'nope.JPEG'")));
    in = input(Verdict::Wrong);
    in.reviewer = QStringLiteral(" ann");
    EXPECT_TRUE(reviewError(in).contains(QStringLiteral("spaces")));
    in = input(std::nullopt);
    EXPECT_TRUE(reviewError(in).contains(QStringLiteral("verdict or at least one label edit")));
    in = input(Verdict::Wrong);
    in.model = QStringLiteral("resnet");
    EXPECT_TRUE(reviewError(in).contains(QStringLiteral("models: vit")));
    in = input(Verdict::Wrong);
    in.labelChanges = {{3, LabelEdit::Correct}, {3, LabelEdit::Wrong}};
    EXPECT_TRUE(reviewError(in).contains(QStringLiteral("twice")));
    EXPECT_EQ(project->store().counts().reviews, 0);
    EXPECT_EQ(project->store().counts().reviewers, 0);

    // With one model the model may be left out; with two it must be named.
    in = input(Verdict::Wrong);
    in.category = Category::FineGrained;
    in.severity = Severity::Minor;
    EXPECT_EQ(reviewError(in), QStringLiteral("recorded"));
    addModel(QStringLiteral("soup"));
    EXPECT_TRUE(reviewError(input(Verdict::Wrong)).contains(QStringLiteral("vit, soup")));
    EXPECT_EQ(reviewError(input(Verdict::Problematic)), QStringLiteral("recorded")); // about the image
    in = input(Verdict::Correct);
    in.model = QStringLiteral("soup");
    EXPECT_EQ(reviewError(in), QStringLiteral("recorded"));
    EXPECT_EQ(project->store().counts().reviews, 3);
}

TEST_F(ProjectTest, CurrentLabelsApplyLabelEditsInOrder)
{
    ReviewInput in = input(std::nullopt);
    in.labelChanges = {{66, LabelEdit::Correct}, {100, LabelEdit::Unclear}};
    project->recordReview(in);
    EXPECT_EQ(project->currentLabels(item),
              (QVector<LabelJudgement>{{65, Judgement::Correct}, {66, Judgement::Correct}, {100, Judgement::Unclear}}));
    in.labelChanges = {{65, LabelEdit::Remove}, {100, LabelEdit::Wrong}};
    project->recordReview(in);
    const QVector<LabelJudgement> expected{{66, Judgement::Correct}, {100, Judgement::Wrong}};
    EXPECT_EQ(project->currentLabels(item), expected);
    EXPECT_EQ(project->allCurrentLabels().value(item), expected);
    // The imported judgements themselves are untouched: the state is derived.
    EXPECT_EQ(project->store().judgements(item),
              (QVector<LabelJudgement>{{65, Judgement::Correct}, {66, Judgement::Wrong}}));
}

TEST_F(ProjectTest, LatestReviewPerReviewerAndModelWins)
{
    addModel(QStringLiteral("vit"));
    project->recordReview(input(Verdict::Wrong));
    ReviewInput later = input(Verdict::Correct);
    later.note = QStringLiteral("changed my mind");
    project->recordReview(later);
    ReviewInput other = input(Verdict::Unclear);
    other.reviewer = QStringLiteral("bob");
    project->recordReview(other);
    ReviewInput labelsOnly = input(std::nullopt);
    labelsOnly.labelChanges = {{1, LabelEdit::Correct}};
    project->recordReview(labelsOnly);

    const QVector<ReviewRecord> latest = project->latestReviews(item);
    ASSERT_EQ(latest.size(), 2);
    EXPECT_EQ(latest[0].verdict, Verdict::Correct);
    EXPECT_EQ(latest[0].note, QStringLiteral("changed my mind"));
    EXPECT_EQ(latest[1].verdict, Verdict::Unclear);
    EXPECT_EQ(project->store().reviews(item).size(), 4);
}

TEST_F(ProjectTest, ImagesRootIsStoredRelativeWhenBesideTheProject)
{
    QDir(dir.path()).mkpath(QStringLiteral("images/val"));
    project->setImagesRoot(dir.path(QStringLiteral("images/val")));
    EXPECT_EQ(project->store().meta(QStringLiteral("images_root")), QStringLiteral("images/val"));
    EXPECT_EQ(project->imagesRoot(), QDir::cleanPath(dir.path(QStringLiteral("images/val"))));
    const ItemRecord record = *project->store().item(item);
    EXPECT_EQ(project->absoluteImagePath(record), QDir::cleanPath(dir.path(QStringLiteral("images/val"))) + QStringLiteral("/x.JPEG"));

    test::TempDir elsewhere;
    project->setImagesRoot(elsewhere.path());
    EXPECT_EQ(project->store().meta(QStringLiteral("images_root")), QDir::cleanPath(elsewhere.path()));
}

TEST_F(ProjectTest, UndoRetractsAReviewAndRedoRepeatsIt)
{
    addModel(QStringLiteral("vit"));
    ReviewInput in = input(Verdict::Wrong);
    in.category = Category::FineGrained;
    in.labelChanges = {{66, LabelEdit::Correct}};
    const ReviewId first = project->recordReview(in);
    ASSERT_EQ(project->latestReviews(item).size(), 1);

    const ReviewId undo = project->retractReview(first);
    EXPECT_GT(undo, first);
    EXPECT_TRUE(project->latestReviews(item).isEmpty());
    EXPECT_EQ(project->currentLabels(item), (QVector<LabelJudgement>{{65, Judgement::Correct}, {66, Judgement::Wrong}}));
    EXPECT_EQ(project->store().reviews(item).size(), 2); // the history keeps both
    EXPECT_THROW(project->retractReview(first), Error);
    EXPECT_THROW(project->retractReview(undo), Error);
    EXPECT_THROW(project->retractReview(9999), Error);

    const ReviewId redo = project->repeatReview(first);
    const QVector<ReviewRecord> latest = project->latestReviews(item);
    ASSERT_EQ(latest.size(), 1);
    EXPECT_EQ(latest[0].id, redo);
    EXPECT_EQ(latest[0].category, Category::FineGrained);
    EXPECT_EQ(project->currentLabels(item), (QVector<LabelJudgement>{{65, Judgement::Correct}, {66, Judgement::Correct}}));
}
