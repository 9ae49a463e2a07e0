#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <gtest/gtest.h>

using namespace bagel;

TEST(LabelsImport, ValidationLabelsGiveFiftyThousandLabelledItems)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const ImportReport report = importFile(*project, ImportFormat::Labels, test::testData(QStringLiteral("imagenet/val_labels.tsv")));
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 50000);
    const ProjectCounts c = project->store().counts();
    EXPECT_EQ(c.items, 50000);
    EXPECT_EQ(c.itemsWithUnknownLabel, 0);
    const auto first = project->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000001.JPEG"));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->originalLabel, 65);
    EXPECT_EQ(first->imagePath, QStringLiteral("ILSVRC2012_val_00000001.JPEG"));
    EXPECT_EQ(project->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00050000.JPEG"))->originalLabel, 355);

    const ImportReport again = importFile(*project, ImportFormat::Labels, test::testData(QStringLiteral("imagenet/val_labels.tsv")));
    EXPECT_TRUE(again.added.isEmpty());
    EXPECT_EQ(again.unchanged.value(QStringLiteral("items")), 50000);
}

TEST(LabelsImport, CsvByIndexFillsUnknownLabelsAndRejectsConflicts)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::PaperMistakes, test::testData(QStringLiteral("paper/vit3b_mistakes.json")));
    const QString csv = test::writeFile(dir.path(QStringLiteral("l.csv")),
                                        "file_name,index\nILSVRC2012_val_00000612.JPEG,186\nnew.JPEG,3\n");
    const ImportReport report = importFile(*project, ImportFormat::Labels, csv);
    EXPECT_EQ(report.updated.value(QStringLiteral("original labels")), 1);
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 1);
    EXPECT_EQ(project->store().itemByFileName(QStringLiteral("ILSVRC2012_val_00000612.JPEG"))->originalLabel, 186);

    const QString conflict = test::writeFile(dir.path(QStringLiteral("c.csv")), "file_name,index\nnew.JPEG,4\n");
    try {
        importFile(*project, ImportFormat::Labels, conflict);
        FAIL();
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().startsWith(conflict + QStringLiteral(":2: new.JPEG has the original label n01491361")))
            << e.message().toStdString();
    }
    const QString headerless = test::writeFile(dir.path(QStringLiteral("h.tsv")), "z.JPEG\tn01440764\n");
    EXPECT_EQ(importFile(*project, ImportFormat::Labels, headerless).added.value(QStringLiteral("items")), 1);
    const QString disagree = test::writeFile(dir.path(QStringLiteral("d.tsv")), "file_name\twnid\tindex\nq.JPEG\tn01440764\t1\n");
    EXPECT_THROW(importFile(*project, ImportFormat::Labels, disagree), Error);
}

TEST(ImageFolderImport, ReadsATreeOfRealImages)
{
    test::TempDir dir;
    const QString root = dir.path(QStringLiteral("images"));
    const auto place = [&](const QString &wnid, const QString &photo) {
        QDir().mkpath(root + QLatin1Char('/') + wnid);
        ASSERT_TRUE(QFile::copy(test::testData(QStringLiteral("photos/") + photo),
                                root + QLatin1Char('/') + wnid + QLatin1Char('/') + photo));
    };
    place(QStringLiteral("n02128925"), QStringLiteral("gcompris_jaguar.webp"));
    place(QStringLiteral("n02500267"), QStringLiteral("gcompris_lemur.webp"));
    place(QStringLiteral("n02500267"), QStringLiteral("opencv_baboon.jpg"));
    test::writeFile(root + QStringLiteral("/n02500267/README.txt"), "not an image");
    test::writeFile(root + QStringLiteral("/LICENSE"), "loose file");

    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    const ImportReport report = importFile(*project, ImportFormat::ImageFolder, root);
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 3);
    EXPECT_EQ(report.skipped.value(QStringLiteral("files that are not images")), 1);
    EXPECT_EQ(report.skipped.value(QStringLiteral("files outside a class folder")), 1);
    EXPECT_EQ(project->imagesRoot(), QDir::cleanPath(root));

    const auto jaguar = project->store().itemByFileName(QStringLiteral("gcompris_jaguar.webp"));
    ASSERT_TRUE(jaguar);
    EXPECT_EQ(jaguar->originalLabel, 290); // n02128925 jaguar
    EXPECT_EQ(jaguar->imagePath, QStringLiteral("n02128925/gcompris_jaguar.webp"));
    EXPECT_TRUE(QFileInfo::exists(project->absoluteImagePath(*jaguar)));
}

TEST(ImageFolderImport, RejectsFoldersThatAreNotClasses)
{
    test::TempDir dir;
    const QString root = dir.path(QStringLiteral("images"));
    test::writeFile(root + QStringLiteral("/cats/a.jpg"), "x");
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    try {
        importFile(*project, ImportFormat::ImageFolder, root);
        FAIL();
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QStringLiteral("/cats: the folder name is not the wnid")));
    }
    EXPECT_TRUE(project->imagesRoot().isEmpty()); // rolled back with the rest
    test::writeFile(dir.path(QStringLiteral("images2/n01440764/a.jpg")), "x");
    test::writeFile(dir.path(QStringLiteral("images2/n01443537/a.jpg")), "x");
    EXPECT_THROW(importFile(*project, ImportFormat::ImageFolder, dir.path(QStringLiteral("images2"))), Error);
}
