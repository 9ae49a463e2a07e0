#include "catalog/classcatalog.h"
#include "demo.h"
#include "image/imagedecoder.h"
#include "project.h"
#include "review/reviewqueue.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

QueueRow rowOf(const QVector<QueueRow> &rows, const QString &file)
{
    for (const QueueRow &r : rows) {
        if (r.fileName == file)
            return r;
    }
    ADD_FAILURE() << "no row " << file.toStdString();
    return {};
}

} // namespace

TEST(DemoProject, IsBuiltWithTheImportersAndShowsEveryCase)
{
    test::TempDir dir;
    auto project = createDemoProject(dir.path());
    const ProjectCounts c = project->store().counts();
    EXPECT_EQ(c.items, 55);
    EXPECT_EQ(c.itemsWithUnknownLabel, 0);
    EXPECT_EQ(c.models, 2);
    EXPECT_EQ(c.predictions, 110);
    EXPECT_GT(c.judgements, 43);
    EXPECT_EQ(c.problematic, 1);
    EXPECT_EQ(c.imagenetM, 2);

    // Every image is there and decodes.
    project->store().forEachItem([&](const ItemRecord &item) {
        const DecodedImage d = decodeImage(project->absoluteImagePath(item), QSize(400, 400));
        EXPECT_FALSE(d.isNull()) << item.fileName.toStdString() << ": " << d.error.toStdString();
    });

    const ModelId vit = project->store().modelId(QStringLiteral("demo-vit"), false);
    const ModelId resnet = project->store().modelId(QStringLiteral("demo-resnet"), false);
    const QVector<QueueRow> vitRows = loadQueue(*project, vit, 0);
    const QVector<QueueRow> resnetRows = loadQueue(*project, resnet, 0);
    const ClassCatalog &catalog = project->catalog();
    const auto top1 = [&](const QVector<QueueRow> &rows, const char *file) {
        return catalog.at(rowOf(rows, QLatin1String(file)).top1).wnid;
    };
    EXPECT_EQ(top1(vitRows, "gcompris_jaguar.jpg"), QStringLiteral("n02128385"));    // leopard: fine-grained
    EXPECT_EQ(top1(resnetRows, "gcompris_lemur.jpg"), QStringLiteral("n02500267"));  // indri
    EXPECT_TRUE(rowOf(vitRows, QStringLiteral("gcompris_narwhal.jpg")).mistake);      // out of vocabulary
    EXPECT_EQ(top1(resnetRows, "gcompris_polar_bear.jpg"), QStringLiteral("n04228054")); // ski: spurious
    EXPECT_TRUE(rowOf(vitRows, QStringLiteral("gcompris_cat.jpg")).mistake);          // non-prototypical kitten
    EXPECT_EQ(top1(vitRows, "skimage_coffee.jpg"), QStringLiteral("n07930864"));     // cup, missing from the labels
    EXPECT_TRUE(rowOf(vitRows, QStringLiteral("skimage_coffee.jpg")).mistake);
    EXPECT_FALSE(rowOf(resnetRows, QStringLiteral("opencv_fruits.jpg")).mistake);     // orange is a correct label
    const auto plate = project->store().itemByFileName(QStringLiteral("gcompris_plate.jpg"));
    ASSERT_TRUE(plate);
    EXPECT_TRUE(project->store().problematic(plate->id));

    // Opening it again reuses the project.
    const QString path = project->path();
    project.reset();
    auto again = createDemoProject(dir.path());
    EXPECT_EQ(again->path(), path);
    EXPECT_EQ(again->store().counts().items, 55);
    EXPECT_FALSE(QFileInfo::exists(path + QStringLiteral(".partial")));
}
