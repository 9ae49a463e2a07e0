#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

#include <algorithm>

using namespace bagel;

TEST(RealImport, EveryListLandsOnItsValidationImage)
{
    test::TempDir dir;
    const QString path = test::testData(QStringLiteral("formats/real.json"));
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    ImportOptions options;
    options.labelsFile = test::testData(QStringLiteral("imagenet/val_labels.tsv"));
    const ImportReport report = importFile(*project, ImportFormat::Real, path, options);

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QJsonArray lists = QJsonDocument::fromJson(file.readAll()).array();
    ASSERT_EQ(lists.size(), 50000);
    EXPECT_EQ(report.added.value(QStringLiteral("ReaL label lists")), lists.size());
    EXPECT_EQ(report.added.value(QStringLiteral("items")), lists.size());
    EXPECT_EQ(project->store().counts().realLabelled, lists.size());
    EXPECT_EQ(project->store().counts().itemsWithUnknownLabel, 0);

    for (const int row : {0, 1, 2, 21, 4999, 49999}) {
        const QString name = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(row + 1, 8, 10, QLatin1Char('0'));
        const auto item = project->store().itemByFileName(name);
        ASSERT_TRUE(item) << name.toStdString();
        QVector<int> expected;
        for (const QJsonValue &v : lists[row].toArray())
            expected << v.toInt();
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(project->store().realLabels(item->id), expected) << name.toStdString();
    }
    // Row 0 is an image ReaL excluded: an empty list, which is not "no ReaL labels".
    const auto first = project->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000001.JPEG"));
    EXPECT_EQ(project->store().realLabels(first->id), QVector<int>{});
}

TEST(RealImport, OnlyExistingSkipsImagesTheProjectLacks)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::PaperMistakes, test::testData(QStringLiteral("paper/vit3b_mistakes.json")));
    ImportOptions options;
    options.onlyExisting = true;
    const ImportReport report = importFile(*project, ImportFormat::Real, test::testData(QStringLiteral("formats/real.json")), options);
    EXPECT_EQ(report.added.value(QStringLiteral("ReaL label lists")), 378);
    EXPECT_EQ(report.skipped.value(QStringLiteral("entries for items not in the project")), 50000 - 378);
    EXPECT_EQ(project->store().counts().items, 378);
}
