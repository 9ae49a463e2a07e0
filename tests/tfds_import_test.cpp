#include "export/exporter.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << path.toStdString();
    return doc.object();
}

/** file → {"correct:n0…", "wrong:n0…", …}: the judgements, independent of order. */
QMap<QString, QSet<QString>> judgementSets(const QJsonObject &tfds)
{
    QMap<QString, QSet<QString>> out;
    const QJsonObject annots = tfds.value(QStringLiteral("initial_annots")).toObject();
    for (auto it = annots.begin(); it != annots.end(); ++it) {
        const QJsonObject a = it.value().toObject();
        for (auto kind = a.begin(); kind != a.end(); ++kind) {
            for (const QJsonValue &wnid : kind.value().toArray())
                out[it.key()].insert(kind.key() + QLatin1Char(':') + wnid.toString());
        }
    }
    return out;
}

} // namespace

TEST(TfdsImport, SampleRoundTripsThroughExport)
{
    test::TempDir dir;
    const QString sample = test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json"));
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const ImportReport report = importFile(*project, ImportFormat::TfdsMultilabel, sample);
    const QJsonObject original = readJson(sample);
    EXPECT_EQ(report.added.value(QStringLiteral("multi-label sets")), original.value(QStringLiteral("initial_annots")).toObject().size());
    EXPECT_EQ(report.added.value(QStringLiteral("problematic flags")), 10);
    EXPECT_EQ(report.added.value(QStringLiteral("ImageNet-M entries")), 3);

    const QString out = dir.path(QStringLiteral("out.json"));
    const ExportReport exported = exportFile(*project, ExportFormat::TfdsMultilabel, out);
    const QJsonObject written = readJson(out);
    EXPECT_EQ(judgementSets(written), judgementSets(original));
    EXPECT_EQ(written.value(QStringLiteral("imagenet_m")).toArray(), original.value(QStringLiteral("imagenet_m")).toArray());
    EXPECT_EQ(exported.imagenetM, 3);

    // Problematic images keep every field; `server_user_name` comes back as `server_username`.
    const QJsonObject p0 = original.value(QStringLiteral("problematic_images")).toObject();
    const QJsonObject p1 = written.value(QStringLiteral("problematic_images")).toObject();
    ASSERT_EQ(p1.keys(), p0.keys());
    for (const QString &file : p0.keys()) {
        QJsonObject expected = p0.value(file).toObject();
        if (expected.contains(QStringLiteral("server_user_name")))
            expected.insert(QStringLiteral("server_username"), expected.take(QStringLiteral("server_user_name")));
        EXPECT_EQ(p1.value(file).toObject(), expected) << file.toStdString();
    }

    // A second import changes nothing.
    const ImportReport again = importFile(*project, ImportFormat::TfdsMultilabel, sample);
    EXPECT_TRUE(again.added.isEmpty());
    EXPECT_TRUE(again.updated.isEmpty());
}

TEST(TfdsImport, OnlyReviewedItemsChangeOnExport)
{
    test::TempDir dir;
    const QString sample = test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json"));
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::TfdsMultilabel, sample);
    ReviewInput review;
    review.fileName = QStringLiteral("ILSVRC2012_val_00000001.JPEG");
    review.reviewer = QStringLiteral("ann");
    review.labelChanges = {{0, LabelEdit::Unclear}, {65, LabelEdit::Remove}}; // n01751748 is index 65
    project->recordReview(review);

    const QString out = dir.path(QStringLiteral("out.json"));
    exportFile(*project, ExportFormat::TfdsMultilabel, out);
    QMap<QString, QSet<QString>> expected = judgementSets(readJson(sample));
    expected[review.fileName].remove(QStringLiteral("correct:n01751748"));
    expected[review.fileName].insert(QStringLiteral("unclear:n01440764"));
    EXPECT_EQ(judgementSets(readJson(out)), expected);
}

TEST(TfdsImport, SkipsNonValidationEntriesAndUnknownKeys)
{
    test::TempDir dir;
    const QString path = test::writeFile(dir.path(QStringLiteral("t.json")), R"({
      "version": 3,
      "initial_annots": {
        "n01440764_10026.JPEG": {"correct": ["n01440764"]},
        "ILSVRC2012_val_00000007.JPEG": {"correct": ["n01440764"], "unclear": ["n01443537"], "comment": "x"},
        "ILSVRC2012_val_00000008.JPEG": {}
      },
      "problematic_images": {},
      "imagenet_m": []
    })");
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const ImportReport report = importFile(*project, ImportFormat::TfdsMultilabel, path);
    EXPECT_EQ(report.skipped.value(QStringLiteral("entries that are not ILSVRC2012_val_* images")), 1);
    EXPECT_EQ(report.skipped.value(QStringLiteral("unknown top-level keys")), 1);
    EXPECT_EQ(report.skipped.value(QStringLiteral("unknown annotation fields")), 1);
    EXPECT_TRUE(report.skippedExamples.contains(QStringLiteral("n01440764_10026.JPEG")));
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 2);
    const auto item = project->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000007.JPEG"));
    ASSERT_TRUE(item);
    EXPECT_EQ(project->store().judgements(item->id),
              (QVector<LabelJudgement>{{0, Judgement::Correct}, {1, Judgement::Unclear}}));
}

TEST(TfdsImport, OriginalLabelsComeFromTheLabelsOption)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    ImportOptions options;
    options.labelsFile = test::testData(QStringLiteral("imagenet/val_labels.tsv"));
    importFile(*project, ImportFormat::TfdsMultilabel,
               test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json")), options);
    EXPECT_EQ(project->store().counts().itemsWithUnknownLabel, 0);
    EXPECT_EQ(project->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000001.JPEG"))->originalLabel, 65);
}
