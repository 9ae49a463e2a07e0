#include "catalog/classcatalog.h"
#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

#include <map>

using namespace bagel;

namespace {

struct Tally
{
    std::map<QString, int> category;
    std::map<QString, int> severity;
    int reviews = 0;
};

Tally tallyReviews(const Project &project, const QString &model)
{
    Tally t;
    const ModelId id = const_cast<Store &>(project.store()).modelId(model, false);
    project.store().forEachReview([&](const ReviewRecord &r) {
        if (r.model != id)
            return;
        ++t.reviews;
        t.category[r.category ? toString(*r.category) : QStringLiteral("none")] += 1;
        t.severity[r.severity ? toString(*r.severity) : QStringLiteral("none")] += 1;
    });
    return t;
}

} // namespace

TEST(PaperMistakesImport, Vit3bGivesThePapersCounts)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    ImportOptions options;
    options.labelsFile = test::testData(QStringLiteral("imagenet/val_labels.tsv"));
    const ImportReport report = importFile(*project, ImportFormat::PaperMistakes,
                                           test::testData(QStringLiteral("paper/vit3b_mistakes.json")), options);
    EXPECT_EQ(report.added.value(QStringLiteral("reviews")), 378);
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 378);
    EXPECT_EQ(report.added.value(QStringLiteral("models")), 1);

    const Tally t = tallyReviews(*project, QStringLiteral("vit3b")); // model named after the file
    EXPECT_EQ(t.reviews, 378);
    EXPECT_EQ(t.severity.at(QStringLiteral("major")), 154);
    EXPECT_EQ(t.severity.at(QStringLiteral("minor")), 150);
    EXPECT_EQ(t.severity.at(QStringLiteral("borderline")), 74);
    EXPECT_EQ(t.category.at(QStringLiteral("fine-grained")), 241);
    EXPECT_EQ(t.category.at(QStringLiteral("fine-grained-oov")), 54);
    EXPECT_EQ(t.category.at(QStringLiteral("spurious-correlation")), 52);
    EXPECT_EQ(t.category.at(QStringLiteral("non-prototypical")), 30);
    EXPECT_EQ(t.category.at(QStringLiteral("other")), 1);

    int others = 0;
    project->store().forEachReview([&](const ReviewRecord &r) {
        EXPECT_EQ(r.verdict, Verdict::Wrong);
        EXPECT_EQ(r.source, QStringLiteral("paper-mistakes"));
        if (r.category == Category::Other) {
            ++others;
            EXPECT_EQ(r.note, QStringLiteral("Fine-grained with Multilabel Options"));
        } else {
            EXPECT_TRUE(r.note.isEmpty());
        }
    });
    EXPECT_EQ(others, 1);
    EXPECT_EQ(project->store().counts().reviewers, 1);
    EXPECT_EQ(project->store().reviewers().first().name, QStringLiteral("paper"));

    // Original labels came from the TSV; predictions are the released top-1.
    const auto item = project->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000612.JPEG"));
    ASSERT_TRUE(item);
    EXPECT_EQ(item->originalLabel, 186); // n02094258, as in val_labels.tsv
    const auto predictions = project->store().predictions(item->id);
    ASSERT_EQ(predictions.size(), 1);
    EXPECT_EQ(predictions[0].topk.size(), 1);
    EXPECT_EQ(predictions[0].topk[0].classIndex, 192);
    EXPECT_EQ(project->store().counts().itemsWithUnknownLabel, 0);
}

TEST(PaperMistakesImport, EveryEntryOfBothFilesIsImportedFaithfully)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    for (const char *name : {"vit3b", "greedy_soups"}) {
        const QString path = test::testData(QStringLiteral("paper/%1_mistakes.json").arg(QLatin1String(name)));
        importFile(*project, ImportFormat::PaperMistakes, path);

        // Compare with an independent reading of the file by Qt's JSON parser.
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        const QJsonObject released = QJsonDocument::fromJson(file.readAll()).object();
        const ModelId model = project->store().modelId(QLatin1String(name), false);
        ASSERT_NE(model, 0);
        int checked = 0;
        for (auto it = released.begin(); it != released.end(); ++it) {
            const QJsonObject entry = it.value().toObject();
            const auto item = project->store().itemByFileName(it.key());
            ASSERT_TRUE(item) << it.key().toStdString();
            EXPECT_EQ(item->originalLabel, -1); // no labels given: unknown
            bool found = false;
            for (const ReviewRecord &r : project->store().reviews(item->id)) {
                if (r.model != model)
                    continue;
                found = true;
                EXPECT_EQ(r.severity, parseSeverity(entry.value(QStringLiteral("failure severity")).toString()));
                EXPECT_EQ(r.category, parsePaperCategory(entry.value(QStringLiteral("failure category")).toString()));
            }
            EXPECT_TRUE(found) << it.key().toStdString();
            for (const ModelPrediction &p : project->store().predictions(item->id)) {
                if (p.model == model) {
                    EXPECT_EQ(p.topk.first().classIndex, entry.value(QStringLiteral("top_prediction")).toInt());
                }
            }
            ++checked;
        }
        EXPECT_EQ(checked, released.size());
    }
    EXPECT_EQ(project->store().counts().reviews, 378 + 249);
}

TEST(PaperMistakesImport, ImportingTwiceAddsNothing)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const QString path = test::testData(QStringLiteral("paper/greedy_soups_mistakes.json"));
    importFile(*project, ImportFormat::PaperMistakes, path);
    const ProjectCounts before = project->store().counts();
    const ImportReport again = importFile(*project, ImportFormat::PaperMistakes, path);
    EXPECT_TRUE(again.added.isEmpty());
    EXPECT_EQ(again.unchanged.value(QStringLiteral("reviews")), 249);
    EXPECT_EQ(project->store().counts().reviews, before.reviews);

    // Under another reviewer name the same file is a second opinion.
    ImportOptions options;
    options.reviewer = QStringLiteral("second");
    const ImportReport second = importFile(*project, ImportFormat::PaperMistakes, path, options);
    EXPECT_EQ(second.added.value(QStringLiteral("reviews")), 249);
}

TEST(PaperMistakesImport, NeedsAModelNameWhenTheFileNameDoesNotGiveOne)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const QString path = dir.path(QStringLiteral("mistakes.json"));
    QFile::copy(test::testData(QStringLiteral("paper/vit3b_mistakes.json")), path);
    EXPECT_THROW(importFile(*project, ImportFormat::PaperMistakes, path), Error);
    ImportOptions options;
    options.model = QStringLiteral("ViT-3B");
    EXPECT_EQ(importFile(*project, ImportFormat::PaperMistakes, path, options).added.value(QStringLiteral("reviews")), 378);
    EXPECT_NE(project->store().modelId(QStringLiteral("ViT-3B"), false), 0);
}
