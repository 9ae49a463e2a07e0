#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"


#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace bagel;

namespace {

QVector<ClassScore> topk(Project &project, const QString &file, const QString &model)
{
    const auto item = project.store().itemByFileName(file);
    const ModelId id = project.store().modelId(model, false);
    if (!item || !id)
        return {};
    for (const ModelPrediction &p : project.store().predictions(item->id)) {
        if (p.model == id)
            return p.topk;
    }
    return {};
}

QString importError(Project &project, const QString &path, const ImportOptions &options = {})
{
    try {
        importFile(project, ImportFormat::Predictions, path, options);
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("imported");
}

} // namespace

TEST(PredictionsImport, LongFormCsvInAnyOrder)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const QString csv = test::writeFile(dir.path(QStringLiteral("p.csv")),
                                        "file_name,model,rank,class,score\n"
                                        "a.JPEG,vit,2,n01443537,0.25\n"
                                        "a.JPEG,vit,1,0,0.5\n"
                                        "b.JPEG,vit,1,n01484850,0.9\n"
                                        "a.JPEG,soup,1,999,0.6\n"
                                        "a.JPEG,vit,3,2,\n");
    const ImportReport report = importFile(*project, ImportFormat::Predictions, csv);
    EXPECT_EQ(report.added.value(QStringLiteral("predictions")), 3);
    EXPECT_EQ(report.added.value(QStringLiteral("models")), 2);
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 2);
    const QVector<ClassScore> a = topk(*project, QStringLiteral("a.JPEG"), QStringLiteral("vit"));
    ASSERT_EQ(a.size(), 3);
    EXPECT_EQ(a[0], (ClassScore{0, 0.5}));
    EXPECT_EQ(a[1], (ClassScore{1, 0.25}));
    EXPECT_EQ(a[2].classIndex, 2);
    EXPECT_TRUE(std::isnan(a[2].score));
    EXPECT_EQ(topk(*project, QStringLiteral("a.JPEG"), QStringLiteral("soup")), (QVector<ClassScore>{{999, 0.6}}));

    // A changed file updates what changed and reports the rest as unchanged.
    const QString changed = test::writeFile(dir.path(QStringLiteral("p2.csv")),
                                            "file_name,model,rank,class,score\n"
                                            "a.JPEG,vit,1,0,0.5\na.JPEG,vit,2,n01443537,0.25\na.JPEG,vit,3,2,\n"
                                            "b.JPEG,vit,1,n01484850,0.8\n");
    const ImportReport second = importFile(*project, ImportFormat::Predictions, changed);
    EXPECT_EQ(second.unchanged.value(QStringLiteral("predictions")), 1);
    EXPECT_EQ(second.updated.value(QStringLiteral("predictions")), 1);
    EXPECT_TRUE(second.added.isEmpty());
    EXPECT_EQ(topk(*project, QStringLiteral("b.JPEG"), QStringLiteral("vit")), (QVector<ClassScore>{{2, 0.8}}));
    importFile(*project, ImportFormat::Predictions, csv);

    // Only one model, by request.
    ImportOptions options;
    options.model = QStringLiteral("soup");
    const ImportReport filtered = importFile(*project, ImportFormat::Predictions, csv, options);
    EXPECT_EQ(filtered.skipped.value(QStringLiteral("rows of other models")), 4);
    EXPECT_EQ(filtered.unchanged.value(QStringLiteral("predictions")), 1);
}

TEST(PredictionsImport, CsvErrorsNameTheLine)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const auto write = [&](const QByteArray &body) {
        return test::writeFile(dir.path(QStringLiteral("bad.csv")), "file_name,model,rank,class,score\n" + body);
    };
    const QString path = dir.path(QStringLiteral("bad.csv"));
    EXPECT_EQ(importError(*project, write("a,vit,1,n01440764,0.5\na,vit,1,n01443537\n")),
              path + QStringLiteral(":3: expected 5 columns, found 4"));
    EXPECT_EQ(importError(*project, write("a,vit,1,n09999999,0.5\n")),
              path + QStringLiteral(":2: column 4 (class): 'n09999999' is not a wnid or class index of the 1000 classes"));
    EXPECT_EQ(importError(*project, write("a,vit,one,1,0.5\n")),
              path + QStringLiteral(":2: column 3 (rank): 'one' is not a rank (1 = best)"));
    EXPECT_EQ(importError(*project, write("a,vit,1,1,0.5\na,vit,1,2,0.4\n")),
              path + QStringLiteral(":3: a has two predictions of rank 1 for model vit"));
    EXPECT_EQ(importError(*project, write("a,vit,1,1,0.5\na,vit,3,2,0.4\n")),
              path + QStringLiteral(":2: a, model vit: rank 2 is missing (ranks must run 1..k)"));
    EXPECT_EQ(importError(*project, write("a,vit,1,1,nan\n")),
              path + QStringLiteral(":2: column 5 (score): 'nan' is not a finite number"));
    EXPECT_TRUE(importError(*project, test::writeFile(path, "file,class\n")).contains(QStringLiteral("must name the columns")));
    EXPECT_EQ(project->store().counts().predictions, 0);
    EXPECT_EQ(project->store().counts().items, 0);
}

TEST(PredictionsImport, JsonLinesInBothShapes)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const QString path = test::writeFile(dir.path(QStringLiteral("p.jsonl")),
                                         R"({"file_name": "a.JPEG", "model": "vit", "predictions": [{"class": "n01440764", "score": 0.7}, [1, 0.2]]}
{"file_name": "b.JPEG", "model": "vit", "rank": 1, "class": 5, "score": 0.9}

{"file_name": "b.JPEG", "model": "vit", "rank": 2, "class": "n01443537", "score": 0.05}
)");
    const ImportReport report = importFile(*project, ImportFormat::Predictions, path);
    EXPECT_EQ(report.added.value(QStringLiteral("predictions")), 2);
    EXPECT_EQ(topk(*project, QStringLiteral("a.JPEG"), QStringLiteral("vit")), (QVector<ClassScore>{{0, 0.7}, {1, 0.2}}));
    EXPECT_EQ(topk(*project, QStringLiteral("b.JPEG"), QStringLiteral("vit")), (QVector<ClassScore>{{5, 0.9}, {1, 0.05}}));

    const QString bad = test::writeFile(dir.path(QStringLiteral("bad.jsonl")),
                                        "{\"file_name\": \"a.JPEG\", \"model\": \"vit\", \"predictions\": [[1, 0.2]]}\n"
                                        "{\"file_name\": \"c.JPEG\", \"model\": \"vit\", \"predictions\": [[1, 0.2], [\"n0\", 1]]}\n");
    EXPECT_EQ(importError(*project, bad),
              bad + QStringLiteral(":2:68: at $.predictions[1][0]: not a wnid or class index of the 1000 classes"));
}

TEST(PredictionsImport, NpyProbabilitiesAndLogitsReduceToTopK)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    std::vector<float> probs(2 * 1000, 0.0f);
    probs[0 * 1000 + 7] = 0.6f;
    probs[0 * 1000 + 3] = 0.3f;
    probs[0 * 1000 + 500] = 0.1f;
    probs[1 * 1000 + 999] = 1.0f;
    const QString npy = test::writeFile(dir.path(QStringLiteral("probs.npy")), test::npyFloat32(2, 1000, probs));
    const QString files = test::writeFile(dir.path(QStringLiteral("files.txt")), "x.JPEG\ny.JPEG\n");

    ImportOptions options;
    options.model = QStringLiteral("m");
    options.filesList = files;
    options.topK = 3;
    importFile(*project, ImportFormat::Predictions, npy, options);
    const QVector<ClassScore> x = topk(*project, QStringLiteral("x.JPEG"), QStringLiteral("m"));
    ASSERT_EQ(x.size(), 3);
    EXPECT_EQ(x[0].classIndex, 7);
    EXPECT_NEAR(x[0].score, 0.6, 1e-6);
    EXPECT_EQ(x[1].classIndex, 3);
    EXPECT_EQ(x[2].classIndex, 500);
    EXPECT_EQ(topk(*project, QStringLiteral("y.JPEG"), QStringLiteral("m")).first().classIndex, 999);

    // Logits: softmax over the row, so the scores are probabilities.
    std::vector<float> logits(1000, 0.0f);
    logits[42] = 5.0f;
    logits[43] = 4.0f;
    const QString logitsPath = test::writeFile(dir.path(QStringLiteral("logits.npy")), test::npyFloat32(1, 1000, logits));
    options.filesList.clear(); // rows follow the validation-set naming
    options.model = QStringLiteral("l");
    options.topK = 2;
    importFile(*project, ImportFormat::Predictions, logitsPath, options);
    const QVector<ClassScore> v = topk(*project, QStringLiteral("ILSVRC2012_val_00000001.JPEG"), QStringLiteral("l"));
    ASSERT_EQ(v.size(), 2);
    const double z = std::exp(5.0) + std::exp(4.0) + 998.0;
    EXPECT_EQ(v[0].classIndex, 42);
    EXPECT_NEAR(v[0].score, std::exp(5.0) / z, 1e-9);
    EXPECT_NEAR(v[1].score, std::exp(4.0) / z, 1e-9);
}

TEST(PredictionsImport, NpyOfTheWrongShapeIsRefused)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    ImportOptions options;
    options.model = QStringLiteral("m");
    const QString wide = test::writeFile(dir.path(QStringLiteral("w.npy")), test::npyFloat32(2, 10, std::vector<float>(20, 0.1f)));
    EXPECT_EQ(importError(*project, wide, options), wide + QStringLiteral(": has 10 columns; expected one per class (1000)"));
    options.filesList = test::writeFile(dir.path(QStringLiteral("f.txt")), "a\nb\nc\n");
    const QString ok = test::writeFile(dir.path(QStringLiteral("ok.npy")), test::npyFloat32(2, 1000, std::vector<float>(2000, 0.001f)));
    EXPECT_TRUE(importError(*project, ok, options).contains(QStringLiteral("has 2 rows but")));
    EXPECT_EQ(project->store().counts().predictions, 0);
}

TEST(PredictionsImport, AnErrorWhileWritingStopsTheParsingThread)
{
    // The first group fails on the writing side (a model name with a leading space) while the
    // parsing thread still has 60,000 rows to go: the import must fail at once, not hang.
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    QByteArray csv = "file_name,model,rank,class,score\n";
    for (int i = 0; i < 60000; ++i)
        csv += "img" + QByteArray::number(i) + ".JPEG, vit,1," + QByteArray::number(i % 1000) + ",0.5\n";
    const QString path = test::writeFile(dir.path(QStringLiteral("p.csv")), csv);
    const QString error = importError(*project, path);
    EXPECT_TRUE(error.startsWith(path + QStringLiteral(":2: the model name ' vit' starts or ends with spaces")))
        << error.toStdString();
    EXPECT_EQ(project->store().counts().items, 0);
}

TEST(PredictionsImport, UnsortedRowsAreMergedAndCountedOnce)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    QByteArray csv = "file_name,model,rank,class,score\n";
    for (int rank = 1; rank <= 3; ++rank) {
        for (int i = 0; i < 2000; ++i)
            csv += "img" + QByteArray::number(i) + ".JPEG,vit," + QByteArray::number(rank) + ","
                   + QByteArray::number((i + rank) % 1000) + "," + QByteArray::number(1.0 / (rank + 1), 'g', 17) + "\n";
    }
    const QString path = test::writeFile(dir.path(QStringLiteral("p.csv")), csv);
    const ImportReport report = importFile(*project, ImportFormat::Predictions, path);
    EXPECT_EQ(report.added.value(QStringLiteral("predictions")), 2000);
    EXPECT_EQ(report.unchanged.value(QStringLiteral("predictions")), 0);
    const QVector<ClassScore> p = topk(*project, QStringLiteral("img7.JPEG"), QStringLiteral("vit"));
    EXPECT_EQ(p, (QVector<ClassScore>{{8, 0.5}, {9, 1.0 / 3}, {10, 0.25}}));
    // Importing it again changes nothing.
    const ImportReport again = importFile(*project, ImportFormat::Predictions, path);
    EXPECT_EQ(again.unchanged.value(QStringLiteral("predictions")), 2000);
    EXPECT_TRUE(again.added.isEmpty());
}
