// The export formats: what each writes, filters, formula-safe CSV, and nothing half-written.

#include "catalog/classcatalog.h"
#include "error.h"
#include "export/exporter.h"
#include "import/importer.h"
#include "io/delimitedreader.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
    return file.readAll();
}

/** The TFDS sample, with a model that predicts each item's first correct class, or class 0. */
std::unique_ptr<Project> sampleProject(const test::TempDir &dir, QJsonObject *sample)
{
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const QString file = test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json"));
    importFile(*project, ImportFormat::TfdsMultilabel, file);
    *sample = QJsonDocument::fromJson(readAll(file)).object();
    QByteArray predictions = "file_name,model,rank,class,score\n";
    project->store().forEachItem([&](const ItemRecord &item) {
        predictions += item.fileName.toUtf8() + ",vit,1,7,0.9\n";
    });
    importFile(*project, ImportFormat::Predictions, test::writeFile(dir.path(QStringLiteral("p.csv")), predictions));
    return project;
}

ReviewId review(Project &p, const QString &item, const QString &reviewer, Verdict verdict, std::optional<Severity> severity = {})
{
    ReviewInput in;
    in.fileName = item;
    in.reviewer = reviewer;
    in.verdict = verdict;
    if (verdict == Verdict::Wrong) {
        in.category = Category::FineGrained;
        in.severity = severity;
    }
    return p.recordReview(in);
}

} // namespace

TEST(Export, RealListsTheCorrectClassesOfEachValidationImageInPlace)
{
    test::TempDir dir;
    QJsonObject sample;
    auto project = sampleProject(dir, &sample);
    const QString out = dir.path(QStringLiteral("real.json"));
    exportFile(*project, ExportFormat::Real, out);
    const QJsonArray real = QJsonDocument::fromJson(readAll(out)).array();
    ASSERT_EQ(real.size(), 50000);
    const QJsonObject annots = sample[QStringLiteral("initial_annots")].toObject();
    const QJsonObject problematic = sample[QStringLiteral("problematic_images")].toObject();
    int checked = 0;
    for (auto it = annots.begin(); it != annots.end(); ++it) {
        if (!it.key().startsWith(QLatin1String("ILSVRC2012_val_")))
            continue;
        QVector<int> expected;
        if (!problematic.contains(it.key())) {
            for (const QJsonValue &wnid : it.value()[QStringLiteral("correct")].toArray())
                expected << ClassCatalog::imagenet1k().indexOfWnid(wnid.toString());
        }
        std::sort(expected.begin(), expected.end());
        QVector<int> written;
        for (const QJsonValue &v : real[it.key().mid(15, 8).toInt() - 1].toArray())
            written << v.toInt();
        EXPECT_EQ(written, expected) << it.key().toStdString();
        ++checked;
    }
    EXPECT_GT(checked, 5);
}

TEST(Export, TheReviewChangesOnlyTheReviewedItemsAndTheDiffSaysHow)
{
    test::TempDir dir;
    QJsonObject sample;
    auto project = sampleProject(dir, &sample);
    const QString before = dir.path(QStringLiteral("before.json"));
    exportFile(*project, ExportFormat::TfdsMultilabel, before);
    QStringList files;
    project->store().forEachItem([&files](const ItemRecord &item) { files << item.fileName; });
    review(*project, files[0], QStringLiteral("ann"), Verdict::Correct);
    review(*project, files[1], QStringLiteral("ann"), Verdict::Wrong, Severity::Major);
    review(*project, files[1], QStringLiteral("bo"), Verdict::Wrong, Severity::Major);
    const QString after = dir.path(QStringLiteral("after.json"));
    exportFile(*project, ExportFormat::TfdsMultilabel, after);
    const QJsonObject a = QJsonDocument::fromJson(readAll(before)).object()[QStringLiteral("initial_annots")].toObject();
    const QJsonObject b = QJsonDocument::fromJson(readAll(after)).object()[QStringLiteral("initial_annots")].toObject();
    for (const QString &key : a.keys()) {
        if (key != files[0] && key != files[1]) {
            EXPECT_EQ(a[key], b[key]) << key.toStdString();
        }
    }
    const QString predicted = ClassCatalog::imagenet1k().at(7).wnid; // the model predicts class 7 (cock) everywhere
    EXPECT_TRUE(b[files[0]][QStringLiteral("correct")].toArray().contains(predicted));
    EXPECT_TRUE(b[files[1]][QStringLiteral("wrong")].toArray().contains(predicted));

    const QString diff = dir.path(QStringLiteral("diff.json"));
    const ExportReport report = exportFile(*project, ExportFormat::Diff, diff);
    EXPECT_EQ(report.changed, 2);
    const QJsonArray items = QJsonDocument::fromJson(readAll(diff)).object()[QStringLiteral("items")].toArray();
    ASSERT_EQ(items.size(), 2);
    EXPECT_EQ(items[0][QStringLiteral("file_name")].toString(), files[0]);
    const QJsonObject change = items[0][QStringLiteral("changes")][0].toObject();
    EXPECT_EQ(change[QStringLiteral("class")].toString(), predicted);
    EXPECT_EQ(change[QStringLiteral("after")].toString(), QStringLiteral("correct"));

    // ImageNet-M: the items whose final verdict is a major mistake.
    const QString list = dir.path(QStringLiteral("imagenet-m.txt"));
    exportFile(*project, ExportFormat::ImagenetM, list);
    EXPECT_EQ(readAll(list), files[1].toUtf8() + '\n');
    const QString json = dir.path(QStringLiteral("imagenet-m.json"));
    exportFile(*project, ExportFormat::ImagenetM, json);
    EXPECT_EQ(QJsonDocument::fromJson(readAll(json)).object()[QStringLiteral("imagenet_m")].toArray(), QJsonArray{files[1]});
}

TEST(Export, CsvIsOneFormulaSafeRowPerItemAndFiltersLimitEveryFormat)
{
    test::TempDir dir;
    QJsonObject sample;
    auto project = sampleProject(dir, &sample);
    QStringList files;
    project->store().forEachItem([&files](const ItemRecord &item) { files << item.fileName; });
    review(*project, files[0], QStringLiteral("=HYPERLINK(\"http://x\")"), Verdict::Correct);
    review(*project, files[0], QStringLiteral("bo, jr"), Verdict::Correct);

    const QString csv = dir.path(QStringLiteral("out.csv"));
    const ExportReport report = exportFile(*project, ExportFormat::Csv, csv);
    EXPECT_EQ(report.items, files.size());
    QFile file(csv);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    DelimitedReader reader(file, csv, ',');
    ASSERT_TRUE(reader.next());
    QStringList header;
    for (int i = 0; i < reader.fieldCount(); ++i)
        header << reader.qfield(i);
    const int reviewers = int(header.indexOf(QStringLiteral("vit_reviewers")));
    const int agreement = int(header.indexOf(QStringLiteral("vit_agreement")));
    ASSERT_GE(reviewers, 0);
    ASSERT_GE(agreement, 0);
    int rows = 0;
    while (reader.next()) {
        ASSERT_EQ(reader.fieldCount(), header.size());
        if (reader.qfield(0) == files[0]) {
            EXPECT_EQ(reader.qfield(reviewers), QStringLiteral("'=HYPERLINK(\"http://x\"); bo, jr")) << reader.qfield(reviewers).toStdString();
            EXPECT_EQ(reader.qfield(agreement), QStringLiteral("1"));
        }
        ++rows;
    }
    EXPECT_EQ(rows, files.size());
    EXPECT_EQ(csvCell(QStringLiteral("-1+2")), QStringLiteral("'-1+2"));
    EXPECT_EQ(csvCell(QStringLiteral("@SUM(A1)")), QStringLiteral("'@SUM(A1)"));
    EXPECT_EQ(csvCell(QStringLiteral("a \"b\"")), QStringLiteral("\"a \"\"b\"\"\""));

    ExportFilter reviewed;
    reviewed.reviewedOnly = true;
    const QString only = dir.path(QStringLiteral("reviewed.json"));
    const ExportReport filtered = exportFile(*project, ExportFormat::TfdsMultilabel, only, reviewed);
    EXPECT_EQ(QJsonDocument::fromJson(readAll(only)).object()[QStringLiteral("initial_annots")].toObject().keys(), QStringList{files[0]});
    EXPECT_EQ(filtered.filter, QStringLiteral("reviewed items"));
    ExportFilter byName;
    byName.search = files[1].mid(0, files[1].size() - 2);
    EXPECT_GE(exportFile(*project, ExportFormat::Csv, dir.path(QStringLiteral("some.csv")), byName).items, 1);
}

TEST(Export, AFailedExportLeavesTheOldFileAsItWas)
{
    test::TempDir dir;
    QJsonObject sample;
    auto project = sampleProject(dir, &sample);
    const QString out = test::writeFile(dir.path(QStringLiteral("keep.json")), "previous export\n");
    ExportFilter unknown;
    unknown.model = QStringLiteral("no-such-model");
    EXPECT_THROW(exportFile(*project, ExportFormat::TfdsMultilabel, out, unknown), Error);
    EXPECT_EQ(readAll(out), QByteArray("previous export\n"));
    EXPECT_THROW(exportFile(*project, ExportFormat::Csv, dir.path(QStringLiteral("missing/folder/out.csv"))), Error);
    EXPECT_FALSE(QFile::exists(dir.path(QStringLiteral("missing/folder/out.csv"))));
}
