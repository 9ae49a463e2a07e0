// Bad input gives one clear error naming the file and position, and leaves the project file
// exactly as it was.

#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QFileInfo>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

class MalformedImport : public ::testing::Test
{
protected:
    void SetUp() override
    {
        projectPath = dir.path(QStringLiteral("p.bagel"));
        auto project = Project::create(projectPath);
        importFile(*project, ImportFormat::PaperMistakes, test::testData(QStringLiteral("paper/vit3b_mistakes.json")));
        importFile(*project, ImportFormat::TfdsMultilabel,
                   test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json")));
    }

    /** Imports \a file and returns the error, checking that the project is unchanged. */
    QString failingImport(ImportFormat format, const QString &file, const ImportOptions &options = {})
    {
        const QByteArray before = test::fileHash(projectPath);
        QString message;
        {
            auto project = Project::open(projectPath);
            try {
                importFile(*project, format, file, options);
                message = QStringLiteral("imported");
            } catch (const Error &e) {
                message = e.message();
            }
        }
        EXPECT_EQ(test::fileHash(projectPath), before) << "the project changed";
        EXPECT_FALSE(QFileInfo::exists(projectPath + QStringLiteral("-wal")));
        auto project = Project::open(projectPath);
        EXPECT_EQ(project->store().counts().reviews, 378);
        EXPECT_FALSE(message.contains(QLatin1Char('\n')));
        return message;
    }

    QString write(const QString &name, const QByteArray &bytes) { return test::writeFile(dir.path(name), bytes); }

    test::TempDir dir;
    QString projectPath;
};

} // namespace

TEST_F(MalformedImport, TruncatedJson)
{
    QFile sample(test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json")));
    ASSERT_TRUE(sample.open(QIODevice::ReadOnly));
    const QString path = write(QStringLiteral("cut.json"), sample.readAll().left(1500));
    const QString error = failingImport(ImportFormat::TfdsMultilabel, path);
    EXPECT_TRUE(error.startsWith(path + QLatin1Char(':'))) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral("truncated")) || error.contains(QStringLiteral("unterminated"))) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral("at $.initial_annots"))) << error.toStdString();
}

TEST_F(MalformedImport, UnknownWnid)
{
    const QString path = write(QStringLiteral("w.json"), "{\"initial_annots\": {\n"
                                                         "  \"ILSVRC2012_val_00000001.JPEG\": {\"correct\": [\"n01751748\"]},\n"
                                                         "  \"ILSVRC2012_val_00000099.JPEG\": {\"wrong\": [\"n01751748\", \"n99999999\"]}\n}}");
    EXPECT_EQ(failingImport(ImportFormat::TfdsMultilabel, path),
              path + QStringLiteral(":3:59: at $.initial_annots[\"ILSVRC2012_val_00000099.JPEG\"].wrong[1]: "
                                    "unknown wnid 'n99999999' (not one of the 1000 classes)"));
}

TEST_F(MalformedImport, DuplicateFile)
{
    const QString json = write(QStringLiteral("d.json"), "{\"initial_annots\": {\n"
                                                         "  \"ILSVRC2012_val_00000002.JPEG\": {},\n"
                                                         "  \"ILSVRC2012_val_00000002.JPEG\": {}}}");
    EXPECT_TRUE(failingImport(ImportFormat::TfdsMultilabel, json).contains(QStringLiteral(":3:3: at $.initial_annots[\"ILSVRC2012_val_00000002.JPEG\"]: "
                                                                                         "ILSVRC2012_val_00000002.JPEG appears twice")));
    const QString tsv = write(QStringLiteral("d.tsv"), "file_name\twnid\na.JPEG\tn01440764\nb.JPEG\tn01440764\na.JPEG\tn01443537\n");
    EXPECT_EQ(failingImport(ImportFormat::Labels, tsv),
              tsv + QStringLiteral(":4: column 1 (file_name): duplicate file a.JPEG (first on line 2)"));
}

TEST_F(MalformedImport, WrongColumnCount)
{
    const QString tsv = write(QStringLiteral("c.tsv"), "file_name\twnid\tindex\na.JPEG\tn01440764\t0\nb.JPEG\tn01443537\n");
    EXPECT_EQ(failingImport(ImportFormat::Labels, tsv), tsv + QStringLiteral(":3: expected 3 columns, found 2"));
}

TEST_F(MalformedImport, NpyOfTheWrongShape)
{
    const QString path = write(QStringLiteral("s.npy"), test::npyFloat32(3, 100, std::vector<float>(300, 0.0f)));
    ImportOptions options;
    options.model = QStringLiteral("m");
    EXPECT_EQ(failingImport(ImportFormat::Predictions, path, options),
              path + QStringLiteral(": has 100 columns; expected one per class (1000)"));
}

TEST_F(MalformedImport, ErrorHalfWayThroughUndoesTheFirstHalf)
{
    // 40,000 good rows, then a bad one: nothing of the first rows may remain.
    QByteArray csv = "file_name,model,rank,class,score\n";
    for (int i = 0; i < 40000; ++i)
        csv += "ILSVRC2012_val_" + QByteArray::number(i + 1).rightJustified(8, '0') + ".JPEG,late,1," + QByteArray::number(i % 1000) + ",0.5\n";
    csv += "ILSVRC2012_val_00040001.JPEG,late,1,banana,0.5\n";
    const QString path = write(QStringLiteral("late.csv"), csv);
    EXPECT_EQ(failingImport(ImportFormat::Predictions, path),
              path + QStringLiteral(":40002: column 4 (class): 'banana' is not a wnid or class index of the 1000 classes"));
}

TEST_F(MalformedImport, PaperMistakesWithBadEntries)
{
    const QString sev = write(QStringLiteral("x_mistakes.json"),
                              R"({"ILSVRC2012_val_00000612.JPEG": {"top_prediction": 192, "failure category": "Fine-grained error", "failure severity": "Huge"}})");
    EXPECT_TRUE(failingImport(ImportFormat::PaperMistakes, sev).contains(QStringLiteral("unknown severity 'Huge'")));
    const QString range = write(QStringLiteral("y_mistakes.json"), R"({"ILSVRC2012_val_00000612.JPEG": {"top_prediction": 1000}})");
    EXPECT_TRUE(failingImport(ImportFormat::PaperMistakes, range).contains(QStringLiteral("out of range")));
    // vit3b's top-1 for this image is 192; a file claiming otherwise for the same model is refused.
    const QString clash = write(QStringLiteral("vit3b_mistakes.json"), R"({"ILSVRC2012_val_00000612.JPEG": {"top_prediction": 5}})");
    EXPECT_TRUE(failingImport(ImportFormat::PaperMistakes, clash).contains(QStringLiteral("disagrees")));
}

TEST_F(MalformedImport, MissingFilesAndFolders)
{
    EXPECT_EQ(failingImport(ImportFormat::Real, dir.path(QStringLiteral("none.json"))),
              dir.path(QStringLiteral("none.json")) + QStringLiteral(": no such file"));
    EXPECT_TRUE(failingImport(ImportFormat::ImageFolder, write(QStringLiteral("f.txt"), "x")).contains(QStringLiteral("not a folder")));
    ImportOptions options;
    options.labelsFile = dir.path(QStringLiteral("missing.tsv"));
    EXPECT_TRUE(failingImport(ImportFormat::Real, test::testData(QStringLiteral("formats/real.json")), options)
                    .contains(QStringLiteral("missing.tsv: cannot open")));
}

TEST_F(MalformedImport, RepeatedKeysAreErrorsNotSilentOverwrites)
{
    const QString section = write(QStringLiteral("s.json"),
                                  "{\"initial_annots\": {\"ILSVRC2012_val_00000001.JPEG\": {\"correct\": [\"n01751748\"]}},\n"
                                  " \"initial_annots\": {}}");
    EXPECT_EQ(failingImport(ImportFormat::TfdsMultilabel, section),
              section + QStringLiteral(":2:2: at $.initial_annots: duplicate key 'initial_annots'"));
    const QString field = write(QStringLiteral("f.json"),
                                R"({"initial_annots": {"ILSVRC2012_val_00000001.JPEG": {"correct": [], "correct": ["n01751748"]}}})");
    EXPECT_TRUE(failingImport(ImportFormat::TfdsMultilabel, field).contains(QStringLiteral("duplicate key 'correct'")));
    const QString paper = write(QStringLiteral("z_mistakes.json"),
                                R"({"ILSVRC2012_val_00000612.JPEG": {"top_prediction": 192, "top_prediction": 5}})");
    EXPECT_TRUE(failingImport(ImportFormat::PaperMistakes, paper)
                    .contains(QStringLiteral("at $[\"ILSVRC2012_val_00000612.JPEG\"].top_prediction: duplicate key 'top_prediction'")));
    const QString lines = write(QStringLiteral("p.jsonl"),
                                R"({"file_name": "a.JPEG", "model": "m", "predictions": [[1, 0.5]], "predictions": [[3, 0.1]]})");
    EXPECT_TRUE(failingImport(ImportFormat::Predictions, lines).contains(QStringLiteral("duplicate key 'predictions'")));
}

TEST_F(MalformedImport, FileNamesWithSurroundingSpacesAreRefused)
{
    const QString csv = write(QStringLiteral("p.csv"), "file_name,model,rank,class,score\nILSVRC2012_val_00000001.JPEG ,m,1,5,0.5\n");
    EXPECT_EQ(failingImport(ImportFormat::Predictions, csv),
              csv + QStringLiteral(":2: the file name 'ILSVRC2012_val_00000001.JPEG ' starts or ends with white space"));
    const QString tsv = write(QStringLiteral("l.tsv"), "file_name\twnid\n a.JPEG\tn01440764\n");
    EXPECT_TRUE(failingImport(ImportFormat::Labels, tsv).contains(QStringLiteral("white space")));
    const QString json = write(QStringLiteral("w.json"), "{\"initial_annots\": {\"ILSVRC2012_val_00000001.JPEG\\u200b\": {}}}");
    EXPECT_TRUE(failingImport(ImportFormat::TfdsMultilabel, json).contains(QStringLiteral("U+200b")));
}

TEST_F(MalformedImport, RealMustHaveOneListPerValidationImage)
{
    const QString shortList = write(QStringLiteral("short.json"), "[[1], [], [2, 3]]");
    EXPECT_EQ(failingImport(ImportFormat::Real, shortList),
              shortList + QStringLiteral(":1:17: at $: 3 entries; ReaL has exactly one per ILSVRC-2012 validation image (50000)"));
    QByteArray tooLong = "[";
    for (int i = 0; i <= 50000; ++i)
        tooLong += i ? ", []" : "[]";
    tooLong += "]";
    const QString longList = write(QStringLiteral("long.json"), tooLong);
    EXPECT_TRUE(failingImport(ImportFormat::Real, longList).contains(QStringLiteral("at $[50000]: more than 50000 entries")));
}

TEST_F(MalformedImport, NpyHeaderWhoseSizeOverflows)
{
    const QString path = write(QStringLiteral("huge.npy"), test::npyBytes("<f8", false, "(1, 2305843009213693952)", {}));
    ImportOptions options;
    options.model = QStringLiteral("m");
    EXPECT_TRUE(failingImport(ImportFormat::Predictions, path, options).contains(QStringLiteral("too large")));
}

TEST_F(MalformedImport, SkippingEverythingAddsNothing)
{
    ImportOptions options;
    options.onlyExisting = true;
    const QString csv = write(QStringLiteral("p.csv"), "file_name,model,rank,class,score\nnot-in-project.JPEG,newmodel,1,5,0.5\n");
    const QByteArray before = test::fileHash(projectPath);
    {
        auto project = Project::open(projectPath);
        const ImportReport report = importFile(*project, ImportFormat::Predictions, csv, options);
        EXPECT_TRUE(report.added.isEmpty());
        EXPECT_EQ(report.skipped.value(QStringLiteral("entries for items not in the project")), 1);
        EXPECT_EQ(project->store().modelId(QStringLiteral("newmodel"), false), 0);
    }
    EXPECT_EQ(test::fileHash(projectPath), before);
}
