// The report: the paper's Table 2 from its released files, and the accuracies on hand-built cases.

#include "error.h"
#include "import/importer.h"
#include "progress.h"
#include "project.h"
#include "report/htmlreport.h"
#include "report/report.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

std::unique_ptr<Project> paperProject(const test::TempDir &dir, const char *file)
{
    auto project = Project::create(dir.path(QStringLiteral("paper.bagel")));
    ImportOptions options;
    options.labelsFile = test::testData(QStringLiteral("imagenet/val_labels.tsv"));
    importFile(*project, ImportFormat::PaperMistakes, test::testData(QStringLiteral("paper/") + QLatin1String(file)), options);
    return project;
}

SeverityCounts counts(qint64 major, qint64 minor, qint64 total)
{
    return SeverityCounts{major, minor, total};
}

} // namespace

TEST(Report, ReproducesTable2OfThePaperForViT3B)
{
    test::TempDir dir;
    const auto project = paperProject(dir, "vit3b_mistakes.json");
    const Report report = computeReport(*project);
    ASSERT_EQ(report.models.size(), 1);
    const ModelReport &m = report.models[0];
    EXPECT_EQ(m.name, QStringLiteral("vit3b"));
    EXPECT_EQ(m.table2[std::size_t(Category::FineGrained)], counts(87, 154, 241));
    EXPECT_EQ(m.table2[std::size_t(Category::FineGrainedOov)], counts(22, 32, 54));
    EXPECT_EQ(m.table2[std::size_t(Category::SpuriousCorrelation)], counts(37, 15, 52));
    EXPECT_EQ(m.table2[std::size_t(Category::NonPrototypical)], counts(7, 23, 30));
    EXPECT_EQ(m.table2[std::size_t(Category::Other)], counts(1, 0, 1));
    EXPECT_EQ(m.table2Total, counts(154, 224, 378));
    EXPECT_EQ(m.notMistakes, 0);

    const QJsonObject json = reportJson(report)[QStringLiteral("models")][QStringLiteral("vit3b")].toObject();
    const QJsonObject table2 = json[QStringLiteral("table2")].toObject();
    EXPECT_EQ(table2[QStringLiteral("fine-grained-oov")][QStringLiteral("minor")].toInt(), 32);
    EXPECT_EQ(table2[QStringLiteral("total")][QStringLiteral("total")].toInt(), 378);
    for (const char *key : {"top1", "mla_before", "mla_after", "real", "imagenet_m"})
        EXPECT_TRUE(json.contains(QLatin1String(key))) << key;
    EXPECT_TRUE(json[QStringLiteral("real")].isNull());       // no ReaL labels loaded
    EXPECT_TRUE(json[QStringLiteral("imagenet_m")].isNull()); // no ImageNet-M
    EXPECT_TRUE(json[QStringLiteral("mla_before")].isNull()); // no multi-labels imported
    const QJsonObject agreement = reportJson(report)[QStringLiteral("agreement")].toObject();
    EXPECT_EQ(agreement[QStringLiteral("field")].toString(), QStringLiteral("verdict"));
    EXPECT_EQ(agreement[QStringLiteral("units")].toInt(), 0); // one reviewer: nothing to agree on
    EXPECT_TRUE(agreement[QStringLiteral("fleiss_kappa")].isNull());
}

TEST(Report, ReproducesTable2OfThePaperForGreedySoups)
{
    test::TempDir dir;
    const auto project = paperProject(dir, "greedy_soups_mistakes.json");
    const ModelReport m = computeReport(*project).models.value(0);
    EXPECT_EQ(m.table2Total, counts(89, 160, 249));
    EXPECT_EQ(m.table2[std::size_t(Category::FineGrainedOov)], counts(8, 18, 26)); // both spellings
}

TEST(Report, MultiLabelAccuracySkipsProblematicCountsUnclearAndAveragesOverClasses)
{
    const QHash<ItemId, int> top1{{1, 5}, {2, 7}, {3, 5}, {4, 9}, {5, 9}, {6, 3}};
    const QHash<ItemId, int> label{{1, 0}, {2, 0}, {3, 1}, {4, 1}, {5, 1}, {6, 2}};
    QHash<ItemId, QVector<LabelJudgement>> labels{
        {1, {{0, Judgement::Correct}, {5, Judgement::Correct}}},   // class 0: right
        {2, {{0, Judgement::Correct}, {7, Judgement::Wrong}}},     // class 0: wrong
        {3, {{1, Judgement::Correct}, {5, Judgement::Unclear}}},   // class 1: unclear counts
        {4, {{1, Judgement::Correct}}},                            // class 1: wrong
        {5, {{1, Judgement::Correct}}},                            // problematic: left out
        {6, {{3, Judgement::Unclear}}},                            // no correct class: left out
    };
    qint64 used = 0;
    const std::optional<double> mla = multiLabelAccuracy(top1, labels, QSet<ItemId>{5}, label, &used);
    ASSERT_TRUE(mla);
    EXPECT_EQ(used, 4);
    EXPECT_DOUBLE_EQ(*mla, (0.5 + 0.5) / 2); // per class, then the mean of the classes
    // Macro, not micro: a class of one item weighs as much as a class of three.
    labels.insert(7, {{2, Judgement::Correct}});
    const QHash<ItemId, int> more = [&] { auto t = top1; t.insert(7, 2); return t; }();
    const QHash<ItemId, int> moreLabels = [&] { auto l = label; l.insert(7, 2); return l; }();
    EXPECT_DOUBLE_EQ(*multiLabelAccuracy(more, labels, QSet<ItemId>{5}, moreLabels), (0.5 + 0.5 + 1.0) / 3);
    EXPECT_FALSE(multiLabelAccuracy(top1, {}, {}, label).has_value());
}

TEST(Report, TheReviewMovesMultiLabelAccuracyAndTheOtherFigures)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::Labels,
               test::writeFile(dir.path(QStringLiteral("labels.tsv")), "file_name\tindex\na.JPEG\t0\nb.JPEG\t0\nc.JPEG\t2\n"));
    importFile(*project, ImportFormat::Predictions,
               test::writeFile(dir.path(QStringLiteral("p.csv")),
                               "file_name,model,rank,class,score\na.JPEG,vit,1,1,0.9\nb.JPEG,vit,1,0,0.9\nc.JPEG,vit,1,2,0.9\n"));
    {
        Transaction tx(project->store());
        Store &store = project->store();
        for (const char *name : {"a.JPEG", "b.JPEG", "c.JPEG"}) {
            const ItemId item = store.itemByFileName(QLatin1String(name))->id;
            store.addJudgements(item, {LabelJudgement{name[0] == 'c' ? 2 : 0, Judgement::Correct}});
        }
        const ItemId a = store.itemByFileName(QStringLiteral("a.JPEG"))->id;
        store.setRealLabels(a, {0, 1});
        store.setRealLabels(store.itemByFileName(QStringLiteral("b.JPEG"))->id, {});
        store.addToImagenetM(a);
        tx.commit();
    }
    ModelReport m = computeReport(*project).models.value(0);
    EXPECT_DOUBLE_EQ(*m.top1, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(*m.mlaBefore, (0.5 + 1.0) / 2); // class 0: a wrong, b right; class 2: right
    EXPECT_DOUBLE_EQ(*m.real, 1.0);                   // a's ReaL labels hold the prediction; b is excluded
    EXPECT_EQ(m.realItems, 1);
    EXPECT_EQ(m.imagenetM, 1);
    EXPECT_EQ(m.imagenetMTotal, 1);
    ASSERT_EQ(m.confusedPairs.size(), 1);
    EXPECT_EQ(m.confusedPairs[0].label, 0);
    EXPECT_EQ(m.confusedPairs[0].prediction, 1);

    // The reviewer finds the goldfish is in the picture too: a's prediction is correct after all.
    ReviewInput in;
    in.fileName = QStringLiteral("a.JPEG");
    in.reviewer = QStringLiteral("ann");
    in.verdict = Verdict::Correct;
    project->recordReview(in);
    m = computeReport(*project).models.value(0);
    EXPECT_DOUBLE_EQ(*m.mlaBefore, 0.75);
    EXPECT_DOUBLE_EQ(*m.mlaAfter, 1.0);
    EXPECT_EQ(m.imagenetM, 0);
    EXPECT_TRUE(m.confusedPairs.isEmpty());
    EXPECT_EQ(m.apparentMistakesDecided, 1);
    EXPECT_EQ(m.notMistakes, 1);
    EXPECT_DOUBLE_EQ(*m.notMistakesShare, 1.0);
    EXPECT_EQ(m.table2Total.total, 0);
}

TEST(Report, TheHtmlReportIsOneFileWithEveryStringEscaped)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::Labels, test::writeFile(dir.path(QStringLiteral("l.tsv")), "file_name\tindex\na.JPEG\t0\n"));
    importFile(*project, ImportFormat::Predictions,
               test::writeFile(dir.path(QStringLiteral("p.csv")), "file_name,model,rank,class,score\na.JPEG,<b>vit</b>,1,1,0.9\n"));
    ReviewInput in;
    in.fileName = QStringLiteral("a.JPEG");
    in.reviewer = QStringLiteral("ann & bo");
    in.verdict = Verdict::Correct;
    in.note = QStringLiteral("<script>alert('x')</script>");
    project->recordReview(in);
    in.reviewer = QStringLiteral("cy");
    in.verdict = Verdict::Wrong;
    in.note.clear();
    project->recordReview(in);

    const QString out = dir.path(QStringLiteral("report.html"));
    writeHtmlReport(*project, computeReport(*project), out,
                    {{QStringLiteral("<b>vit</b>"), QStringLiteral("Table 2 <chart>"),
                      QStringLiteral("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"bad()\"><script>bad()</script>"
                                     "<script src='x.js'/><rect onclick='bad()'/></svg>")},
                     {QStringLiteral("no such model"), QStringLiteral("Elsewhere"), QStringLiteral("<svg><circle/></svg>")}});
    QFile file(out);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(file.readAll());
    EXPECT_TRUE(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    EXPECT_TRUE(html.contains(QStringLiteral("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))) << "the note is shown as text";
    EXPECT_FALSE(html.contains(QStringLiteral("<script"))) << "no script, neither from a note nor from a chart";
    EXPECT_FALSE(html.contains(QStringLiteral("<svg"))) << "charts are images, not inline markup";
    EXPECT_TRUE(html.contains(QStringLiteral("ann &amp; bo")));
    EXPECT_TRUE(html.contains(QStringLiteral("Model &lt;b&gt;vit&lt;/b&gt;")));
    // Charts are images (SVG in data URIs): nothing in them can run, whatever they hold.
    const QString hostileChart = QStringLiteral("data:image/svg+xml;base64,")
                                 + QString::fromLatin1(QStringLiteral("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"bad()\"><script>bad()</script>"
                                                                      "<script src='x.js'/><rect onclick='bad()'/></svg>")
                                                           .toUtf8()
                                                           .toBase64());
    EXPECT_TRUE(html.contains(QStringLiteral("<img alt=\"Table 2 &lt;chart&gt;\" src=\"") + hostileChart + QLatin1Char('"')));
    EXPECT_FALSE(html.contains(QStringLiteral("bad()"))) << "nothing of the chart is markup of the page";
    EXPECT_TRUE(html.contains(QStringLiteral("Table 2 &lt;chart&gt;")));
    // A model's chart sits in its model's section; a chart of no model after the models.
    const qsizetype model = html.indexOf(QStringLiteral("<h2>Model &lt;b&gt;vit&lt;/b&gt;"));
    const qsizetype agreement = html.indexOf(QStringLiteral("<h2>Agreement"));
    const qsizetype chart = html.indexOf(hostileChart);
    const qsizetype other = html.indexOf(QStringLiteral("<figcaption>Elsewhere"));
    EXPECT_LT(model, chart);
    EXPECT_LT(chart, other);
    EXPECT_LT(other, agreement);
    EXPECT_FALSE(html.contains(QStringLiteral("src=\"http"))) << "self-contained";
    EXPECT_EQ(htmlEscaped(QStringLiteral("a<b>&\"'")), QStringLiteral("a&lt;b&gt;&amp;&quot;&#39;"));
}

namespace {

/** Labels a–f (classes 0–5) and two models: `vit` right on a, b, c, wrong on d, e, f; `cnn` right on all. */
std::unique_ptr<Project> twoModels(const test::TempDir &dir)
{
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::Labels,
               test::writeFile(dir.path(QStringLiteral("labels.tsv")),
                               "file_name\tindex\na.JPEG\t0\nb.JPEG\t1\nc.JPEG\t2\nd.JPEG\t3\ne.JPEG\t4\nf.JPEG\t5\n"));
    importFile(*project, ImportFormat::Predictions,
               test::writeFile(dir.path(QStringLiteral("p.csv")),
                               "file_name,model,rank,class,score\n"
                               "a.JPEG,vit,1,0,0.9\nb.JPEG,vit,1,1,0.9\nc.JPEG,vit,1,2,0.9\n"
                               "d.JPEG,vit,1,9,0.9\ne.JPEG,vit,1,9,0.9\nf.JPEG,vit,1,9,0.9\n"
                               "a.JPEG,cnn,1,0,0.9\nb.JPEG,cnn,1,1,0.9\nc.JPEG,cnn,1,2,0.9\n"
                               "d.JPEG,cnn,1,3,0.9\ne.JPEG,cnn,1,4,0.9\nf.JPEG,cnn,1,5,0.9\n"));
    return project;
}

void review(Project &project, const char *file, const char *reviewer, Verdict verdict, const char *model = "vit")
{
    ReviewInput in;
    in.fileName = QLatin1String(file);
    in.reviewer = QLatin1String(reviewer);
    in.model = QLatin1String(model);
    in.verdict = verdict;
    if (verdict == Verdict::Wrong)
        in.category = Category::FineGrained;
    project.recordReview(in);
}

} // namespace

TEST(Report, MultiLabelAccuracyOnlyOverItemsWithImportedJudgements)
{
    test::TempDir dir;
    auto project = twoModels(dir);
    // Several reviewers, no imported judgements: the units voted correct gain a correct class,
    // which must not make them an evaluation set of their own.
    for (const char *who : {"ann", "bo", "cy"}) {
        review(*project, "d.JPEG", who, Verdict::Correct);
        review(*project, "e.JPEG", who, Verdict::Wrong);
    }
    Report report = computeReport(*project);
    for (const ModelReport &m : report.models) {
        EXPECT_FALSE(m.mlaBefore) << m.name.toStdString();
        EXPECT_FALSE(m.mlaAfter) << m.name.toStdString() << " " << m.mlaItemsAfter;
        EXPECT_EQ(m.mlaItemsAfter, 0);
    }
    const QJsonObject json = reportJson(report)[QStringLiteral("models")].toObject();
    EXPECT_TRUE(json[QStringLiteral("vit")][QStringLiteral("mla_after")].isNull());
    EXPECT_TRUE(json[QStringLiteral("cnn")][QStringLiteral("mla_after")].isNull()) << "the unreviewed model too";

    // With judgements for a and d only, the reviewed accuracy is over those two items.
    {
        Transaction tx(project->store());
        for (const auto &[name, cls] : {std::pair{"a.JPEG", 0}, {"d.JPEG", 3}})
            project->store().addJudgements(project->store().itemByFileName(QLatin1String(name))->id, {LabelJudgement{cls, Judgement::Correct}});
        tx.commit();
    }
    report = computeReport(*project);
    const ModelReport &vit = report.models[0].name == QLatin1String("vit") ? report.models[0] : report.models[1];
    EXPECT_EQ(vit.mlaItemsBefore, 2);
    EXPECT_EQ(vit.mlaItemsAfter, 2) << "e was reviewed but has no imported judgements";
    EXPECT_DOUBLE_EQ(*vit.mlaBefore, 0.5);  // a right, d wrong
    EXPECT_DOUBLE_EQ(*vit.mlaAfter, 1.0);   // d found correct
}

TEST(Report, Top1AfterTheReviewFollowsTheFinalVerdicts)
{
    test::TempDir dir;
    auto project = twoModels(dir);
    review(*project, "a.JPEG", "ann", Verdict::Wrong);       // top-1 = label, but the review says wrong
    review(*project, "d.JPEG", "ann", Verdict::Correct);     // a mistake found correct
    review(*project, "e.JPEG", "ann", Verdict::Unclear);     // unclear counts as right
    review(*project, "f.JPEG", "ann", Verdict::Problematic); // left out
    review(*project, "b.JPEG", "ann", Verdict::Wrong);       // tie: the original label decides
    review(*project, "b.JPEG", "bo", Verdict::Correct);
    const Report report = computeReport(*project);
    const QJsonObject json = reportJson(report)[QStringLiteral("models")].toObject();
    const QJsonObject vit = json[QStringLiteral("vit")].toObject();
    EXPECT_DOUBLE_EQ(vit[QStringLiteral("top1")].toDouble(), 3.0 / 6.0);
    EXPECT_EQ(vit[QStringLiteral("top1_items")].toInteger(), 6);
    // b, c (label), d (correct), e (unclear) of a–e.
    EXPECT_DOUBLE_EQ(vit[QStringLiteral("top1_after")].toDouble(), 4.0 / 5.0);
    EXPECT_EQ(vit[QStringLiteral("top1_after_items")].toInteger(), 5);
    // The other model's image f is problematic too; its other units are unreviewed.
    const QJsonObject cnn = json[QStringLiteral("cnn")].toObject();
    EXPECT_DOUBLE_EQ(cnn[QStringLiteral("top1_after")].toDouble(), 1.0);
    EXPECT_EQ(cnn[QStringLiteral("top1_after_items")].toInteger(), 5);

    // The mistakes: a wrong; b open; nothing unreviewed (d, e decided, f problematic).
    const QJsonObject mistakes = vit[QStringLiteral("mistakes")].toObject();
    EXPECT_EQ(mistakes[QStringLiteral("wrong")].toInteger(), 1);
    EXPECT_EQ(mistakes[QStringLiteral("open")].toInteger(), 0) << "b's top-1 is its label: not an apparent mistake";
    EXPECT_EQ(mistakes[QStringLiteral("not_reviewed")].toInteger(), 0);
    EXPECT_EQ(mistakes[QStringLiteral("total")].toInteger(), 1);
    EXPECT_EQ(vit[QStringLiteral("confused_pairs_mistakes")].toInteger(), 1);
}

TEST(Report, CancelStopsTheComputationMidway)
{
    test::TempDir dir;
    const auto project = Project::open(test::makeProject(dir, QStringLiteral("big.bagel"), 20000));
    const QString figures = QStringLiteral("Computing the figures");

    // Not cancelled: the last stage ends with every row done.
    Progress whole;
    const Report report = computeReport(*project, 0, &whole);
    ASSERT_EQ(report.models.size(), 1);
    const Progress::Snapshot end = whole.snapshot();
    EXPECT_EQ(end.stage, figures);
    EXPECT_EQ(end.unit, Progress::Unit::Rows);
    EXPECT_GE(end.total, 2 * 20000) << "the predictions are gone through twice";
    EXPECT_EQ(end.done, end.total);

    // Cancelled once half the rows are done: the computation stops at that check.
    Progress progress;
    qint64 doneAtCancel = -1;
    int checksAfterCancel = 0;
    progress.setCheckHook([&] {
        const Progress::Snapshot now = progress.snapshot();
        if (doneAtCancel >= 0)
            ++checksAfterCancel;
        else if (now.stage == figures && now.done * 2 >= now.total) {
            doneAtCancel = now.done;
            progress.cancel();
        }
    });
    EXPECT_THROW(computeReport(*project, 0, &progress), Cancelled);
    EXPECT_GT(doneAtCancel, 0);
    EXPECT_LT(doneAtCancel, end.total) << "cancelled in the middle, not at the end";
    EXPECT_EQ(checksAfterCancel, 0) << "the first check after Cancel throws";
    EXPECT_EQ(progress.snapshot().done, doneAtCancel);

    // Cancelled before it starts: nothing is read. The project stays usable either way.
    Progress early;
    early.cancel();
    EXPECT_THROW(computeReport(*project, 0, &early), Cancelled);
    EXPECT_EQ(early.snapshot().stage, QStringLiteral("Reading the project"));
    EXPECT_EQ(computeReport(*project).models.value(0).top1Items, report.models[0].top1Items);
}

TEST(Report, ACancelledHtmlReportLeavesNoFile)
{
    test::TempDir dir;
    const auto project = paperProject(dir, "vit3b_mistakes.json");
    const Report report = computeReport(*project);
    const QString path = dir.path(QStringLiteral("report.html"));
    Progress progress;
    qint64 doneAtCancel = -1;
    progress.setCheckHook([&] {
        if (doneAtCancel < 0 && progress.snapshot().done == 2) { // the reviews read, the agreement not yet
            doneAtCancel = 2;
            progress.cancel();
        }
    });
    EXPECT_THROW(writeHtmlReport(*project, report, path, {}, &progress), Cancelled);
    EXPECT_EQ(doneAtCancel, 2);
    EXPECT_FALSE(QFile::exists(path));
    EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).filter(QStringLiteral("report")), QStringList{})
        << "no temporary file left behind";

    Progress whole;
    writeHtmlReport(*project, report, path, {}, &whole);
    EXPECT_TRUE(QFile::exists(path));
    EXPECT_EQ(whole.snapshot().done, whole.snapshot().total);
}
