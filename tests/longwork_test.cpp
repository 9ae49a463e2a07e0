// Long work with progress and Cancel: imports, exports and merges report how far they are and
// stop on Cancel, leaving the project (and the output folder) as they were.

#include "audit/merge.h"
#include "export/exporter.h"
#include "import/importer.h"
#include "progress.h"
#include "project.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace bagel;

namespace {

QString validationName(int i)
{
    return QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0'));
}

/** A long-form predictions CSV: \a items validation images, five ranks each, model \a model. */
QString writePredictions(const QString &path, int items, const QString &model = QStringLiteral("big"))
{
    QByteArray text = "file_name,model,rank,class,score\n";
    text.reserve(qsizetype(items) * 5 * 50);
    for (int i = 0; i < items; ++i) {
        const QByteArray name = validationName(i).toLatin1();
        for (int r = 1; r <= 5; ++r)
            text += name + ',' + model.toLatin1() + ',' + QByteArray::number(r) + ',' + QByteArray::number((i * 7 + r) % 1000)
                    + ',' + QByteArray::number(0.5 / r) + '\n';
    }
    return test::writeFile(path, text);
}

ProjectCounts countsOf(const QString &path)
{
    return Project::open(path, true)->store().counts();
}

/**
 * Runs \a work on this thread while another thread watches \a progress and cancels once it has
 * seen some, but not all, of the work done. Returns the amount done when it cancelled (0: never).
 */
qint64 cancelMidway(Progress &progress, const std::function<void()> &work)
{
    std::atomic<bool> finished{false};
    std::atomic<qint64> cancelledAt{0};
    std::thread watcher([&] {
        while (!finished.load()) {
            const Progress::Snapshot s = progress.snapshot();
            if (s.total > 0 && s.done > 0 && s.done < s.total) {
                cancelledAt = s.done;
                progress.cancel();
                return;
            }
            std::this_thread::yield();
        }
    });
    try {
        work();
    } catch (...) {
        finished = true;
        watcher.join();
        throw;
    }
    finished = true;
    watcher.join();
    return cancelledAt.load();
}

} // namespace

TEST(LongWork, ImportReportsTheBytesReadUpToTheFileSize)
{
    test::TempDir dir;
    const QString project = test::makeProject(dir, QStringLiteral("p.bagel"), 10);
    const QString csv = writePredictions(dir.path(QStringLiteral("predictions.csv")), 20000);
    const qint64 size = QFileInfo(csv).size();

    Progress progress;
    std::atomic<bool> finished{false};
    std::atomic<bool> monotonic{true};
    std::atomic<bool> withinTotal{true};
    std::thread watcher([&] {
        qint64 last = 0;
        while (!finished.load()) {
            const Progress::Snapshot s = progress.snapshot();
            if (s.unit == Progress::Unit::Bytes) {
                monotonic = monotonic && s.done >= last;
                withinTotal = withinTotal && s.done <= s.total;
                last = s.done;
            }
            std::this_thread::yield();
        }
    });
    ImportOptions options;
    options.progress = &progress;
    const ImportReport report = importFile(*Project::open(project), ImportFormat::Predictions, csv, options);
    finished = true;
    watcher.join();

    EXPECT_EQ(report.added.value(QStringLiteral("predictions")), 20000);
    const Progress::Snapshot s = progress.snapshot();
    EXPECT_EQ(s.unit, Progress::Unit::Bytes);
    EXPECT_EQ(s.total, size);
    EXPECT_EQ(s.done, size);
    EXPECT_TRUE(s.stage.contains(QStringLiteral("predictions.csv"))) << s.stage.toStdString();
    EXPECT_TRUE(monotonic);
    EXPECT_TRUE(withinTotal);
    EXPECT_FALSE(s.cancelled);
}

TEST(LongWork, EveryImportFormatReachesItsTotal)
{
    struct Case
    {
        ImportFormat format;
        QString file;
    };
    const QVector<Case> cases = {
        {ImportFormat::TfdsMultilabel, test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json"))},
        {ImportFormat::Real, test::testData(QStringLiteral("formats/real.json"))},
        {ImportFormat::Labels, test::testData(QStringLiteral("imagenet/val_labels.tsv"))},
        {ImportFormat::PaperMistakes, test::testData(QStringLiteral("paper/vit3b_mistakes.json"))},
    };
    for (const Case &c : cases) {
        test::TempDir dir;
        auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
        Progress progress;
        ImportOptions options;
        options.progress = &progress;
        options.model = QStringLiteral("vit3b");
        options.labelsFile = test::testData(QStringLiteral("imagenet/val_labels.tsv"));
        importFile(*project, c.format, c.file, options);
        const Progress::Snapshot s = progress.snapshot();
        EXPECT_EQ(s.total, QFileInfo(c.file).size()) << c.file.toStdString();
        EXPECT_EQ(s.done, s.total) << c.file.toStdString();
    }
}

TEST(LongWork, ACancelledImportLeavesTheProjectByteForByte)
{
    test::TempDir dir;
    const QString project = test::makeProject(dir, QStringLiteral("p.bagel"), 10);
    const QString csv = writePredictions(dir.path(QStringLiteral("predictions.csv")), 40000);
    const ProjectCounts before = countsOf(project);
    const QByteArray hash = test::fileHash(project);

    Progress progress;
    ImportOptions options;
    options.progress = &progress;
    qint64 at = 0;
    {
        auto open = Project::open(project);
        EXPECT_THROW(at = cancelMidway(progress, [&] { importFile(*open, ImportFormat::Predictions, csv, options); }), Cancelled);
    }
    const Progress::Snapshot s = progress.snapshot();
    EXPECT_TRUE(s.cancelled);
    EXPECT_GT(s.done, 0);
    EXPECT_LT(s.done, s.total); // it stopped midway
    Q_UNUSED(at);

    const ProjectCounts after = countsOf(project);
    EXPECT_EQ(after.items, before.items);
    EXPECT_EQ(after.models, before.models);
    EXPECT_EQ(after.predictions, before.predictions);
    EXPECT_EQ(test::fileHash(project), hash);
    EXPECT_FALSE(QFileInfo::exists(project + QStringLiteral("-journal")));

    // The same import, not cancelled, goes through on the same file.
    const ImportReport report = importFile(*Project::open(project), ImportFormat::Predictions, csv);
    EXPECT_EQ(report.added.value(QStringLiteral("predictions")), 40000);
}

TEST(LongWork, CancelBeforeTheStartImportsNothing)
{
    test::TempDir dir;
    const QString project = test::makeProject(dir, QStringLiteral("p.bagel"), 10);
    const ProjectCounts before = countsOf(project);
    Progress progress;
    progress.cancel();
    ImportOptions options;
    options.progress = &progress;
    EXPECT_THROW(importFile(*Project::open(project), ImportFormat::TfdsMultilabel,
                            test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json")), options),
                 Cancelled);
    EXPECT_EQ(countsOf(project).judgements, before.judgements);
    EXPECT_EQ(countsOf(project).items, before.items);
}

TEST(LongWork, ExportCountsItemsAndACancelledExportLeavesNoFile)
{
    test::TempDir dir;
    const QString project = test::makeProject(dir, QStringLiteral("p.bagel"), 30000);
    auto open = Project::open(project, true);
    const QString outDir = dir.path(QStringLiteral("out"));
    QDir().mkpath(outDir);

    Progress done;
    const ExportReport report = exportFile(*open, ExportFormat::Csv, outDir + QStringLiteral("/all.csv"), {}, &done);
    EXPECT_EQ(report.items, 30000);
    EXPECT_EQ(done.snapshot().total, 30000);
    EXPECT_EQ(done.snapshot().unit, Progress::Unit::Items);
    EXPECT_GE(done.snapshot().done, 30000 - 255);
    EXPECT_LE(done.snapshot().done, 30000);
    ASSERT_TRUE(QFileInfo::exists(outDir + QStringLiteral("/all.csv")));
    QFile::remove(outDir + QStringLiteral("/all.csv"));

    for (const ExportFormat format : {ExportFormat::Csv, ExportFormat::TfdsMultilabel, ExportFormat::Diff}) {
        // Cancelled from the working thread's own checks once writing is under way: a watcher
        // thread may not be scheduled in time on a loaded machine (writing takes milliseconds).
        Progress progress;
        progress.setCheckHook([&progress] {
            const Progress::Snapshot s = progress.snapshot();
            if (s.stage.startsWith(QLatin1String("Writing")) && s.total > 0 && s.done > 0 && s.done < s.total)
                progress.cancel();
        });
        const QString out = outDir + QStringLiteral("/cancelled.") + toString(format);
        EXPECT_THROW(exportFile(*open, format, out, {}, &progress), Cancelled) << toString(format).toStdString();
        EXPECT_GT(progress.snapshot().done, 0);
        EXPECT_LT(progress.snapshot().done, progress.snapshot().total);
        EXPECT_TRUE(QDir(outDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty())
            << QDir(outDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).join(QLatin1Char(' ')).toStdString();
    }

    // Cancel while the export still reads the project (its review history) stops there too.
    {
        Progress reading;
        QStringList stages;
        reading.setCheckHook([&reading, &stages] {
            const QString stage = reading.snapshot().stage;
            if (stages.isEmpty() || stages.last() != stage)
                stages << stage;
            if (stage == QLatin1String("Reading the items"))
                reading.cancel();
        });
        EXPECT_THROW(exportFile(*open, ExportFormat::TfdsMultilabel, outDir + QStringLiteral("/reading.json"), {}, &reading), Cancelled);
        EXPECT_TRUE(stages.contains(QStringLiteral("Reading the items"))) << stages.join(QLatin1String(", ")).toStdString();
        EXPECT_TRUE(QDir(outDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
    }

    // An export over an existing file, cancelled, leaves the old file as it was.
    const QByteArray old = "the previous export\n";
    const QString existing = test::writeFile(outDir + QStringLiteral("/existing.csv"), old);
    Progress progress;
    progress.cancel();
    EXPECT_THROW(exportFile(*open, ExportFormat::Csv, existing, {}, &progress), Cancelled);
    QFile file(existing);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll(), old);
    EXPECT_EQ(QDir(outDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("existing.csv")});
}

TEST(LongWork, MergeReportsRowsAndACancelledMergeWritesNothing)
{
    test::TempDir dir;
    const QString target = test::makeProject(dir, QStringLiteral("target.bagel"), 3000);
    const QString source = dir.path(QStringLiteral("source.bagel"));
    ASSERT_TRUE(QFile::copy(target, source));
    QByteArray reviews = "file_name,model,reviewer,verdict,category,severity,note,time\n";
    for (int i = 0; i < 3000; ++i)
        reviews += validationName(i).toLatin1() + ",m,ann,correct,,,,2026-01-02T03:04:05Z\n";
    importFile(*Project::open(source), ImportFormat::Reviews, test::writeFile(dir.path(QStringLiteral("reviews.csv")), reviews));
    ASSERT_EQ(countsOf(source).reviews, 3000);
    const QByteArray hash = test::fileHash(target);

    Progress progress;
    {
        auto open = Project::open(target);
        EXPECT_THROW(cancelMidway(progress, [&] { mergeProject(*open, source, &progress); }), Cancelled);
    }
    EXPECT_EQ(countsOf(target).reviews, 0);
    EXPECT_EQ(test::fileHash(target), hash);

    Progress done;
    const MergeReport report = mergeProject(*Project::open(target), source, &done);
    EXPECT_EQ(report.reviewsAdded, 3000);
    EXPECT_EQ(done.snapshot().total, 3000);
    EXPECT_EQ(done.snapshot().done, 3000);
    EXPECT_EQ(countsOf(target).reviews, 3000);
}

TEST(GuessImportFormat, RecognisesTheSampleFiles)
{
    const auto guess = [](const QString &path) { return guessImportFormat(path); };
    EXPECT_EQ(guess(test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json"))), ImportFormat::TfdsMultilabel);
    EXPECT_EQ(guess(test::testData(QStringLiteral("formats/real.json"))), ImportFormat::Real);
    EXPECT_EQ(guess(test::testData(QStringLiteral("paper/vit3b_mistakes.json"))), ImportFormat::PaperMistakes);
    EXPECT_EQ(guess(test::testData(QStringLiteral("paper/greedy_soups_mistakes.json"))), ImportFormat::PaperMistakes);
    EXPECT_EQ(guess(test::testData(QStringLiteral("imagenet/val_labels.tsv"))), ImportFormat::Labels);

    const QString seeds = test::testSource(QStringLiteral("../fuzz/seeds"));
    EXPECT_EQ(guess(seeds + QStringLiteral("/labels/small.tsv")), ImportFormat::Labels);
    EXPECT_EQ(guess(seeds + QStringLiteral("/paper/small.json")), ImportFormat::PaperMistakes);
    EXPECT_EQ(guess(seeds + QStringLiteral("/predictions-csv/small.csv")), ImportFormat::Predictions);
    EXPECT_EQ(guess(seeds + QStringLiteral("/predictions-jsonl/small.jsonl")), ImportFormat::Predictions);
    EXPECT_EQ(guess(seeds + QStringLiteral("/predictions-npy/small.npy")), ImportFormat::Predictions);
    EXPECT_EQ(guess(seeds + QStringLiteral("/real/small.json")), ImportFormat::Real);
    EXPECT_EQ(guess(seeds + QStringLiteral("/tfds/0374f87c381dbdb147bbbce02ad22cb57628f1a6")), ImportFormat::TfdsMultilabel);
    EXPECT_EQ(guess(seeds + QStringLiteral("/reviews/037ea6afd0273e9a96416a271347ad74ca35bdf2")), ImportFormat::Reviews);
    EXPECT_EQ(guess(test::testData(QStringLiteral("photos"))), ImportFormat::ImageFolder);
}

TEST(GuessImportFormat, GuessesAgreeWithWhatTheImportersAccept)
{
    // Every guess for a file that imports must be the format it imports as.
    test::TempDir dir;
    const QString csv = writePredictions(dir.path(QStringLiteral("p.csv")), 3);
    ASSERT_EQ(guessImportFormat(csv), ImportFormat::Predictions);
    auto project = Project::create(dir.path(QStringLiteral("x.bagel")));
    EXPECT_NO_THROW(importFile(*project, *guessImportFormat(csv), csv));

    const QString headerless = test::writeFile(dir.path(QStringLiteral("labels.txt")),
                                               "ILSVRC2012_val_00000001.JPEG n01751748\n");
    EXPECT_EQ(guessImportFormat(headerless), std::nullopt); // space-separated: no labels table
    const QString twoColumns = test::writeFile(dir.path(QStringLiteral("labels.tsv")),
                                               "ILSVRC2012_val_00000001.JPEG\tn01751748\nILSVRC2012_val_00000002.JPEG\t970\n");
    ASSERT_EQ(guessImportFormat(twoColumns), ImportFormat::Labels);
    EXPECT_NO_THROW(importFile(*project, ImportFormat::Labels, twoColumns));
}

TEST(GuessImportFormat, SaysNothingForOtherFiles)
{
    test::TempDir dir;
    EXPECT_EQ(guessImportFormat(dir.path(QStringLiteral("missing.json"))), std::nullopt);
    EXPECT_EQ(guessImportFormat(test::writeFile(dir.path(QStringLiteral("empty.csv")), "")), std::nullopt);
    EXPECT_EQ(guessImportFormat(test::writeFile(dir.path(QStringLiteral("notes.txt")), "hello, world\nsecond line\n")), std::nullopt);
    EXPECT_EQ(guessImportFormat(test::writeFile(dir.path(QStringLiteral("other.json")), "{\"name\": \"x\", \"size\": 3}")), std::nullopt);
    EXPECT_EQ(guessImportFormat(test::writeFile(dir.path(QStringLiteral("list.json")), "[1, 2, 3]")), std::nullopt);
    EXPECT_EQ(guessImportFormat(test::testData(QStringLiteral("photos/gcompris_lemur.webp"))), std::nullopt);
    // A project open in this program is never read as a data file.
    const QString project = test::makeProject(dir, QStringLiteral("open.bagel"), 2);
    auto open = Project::open(project);
    EXPECT_EQ(guessImportFormat(project), std::nullopt);
}
