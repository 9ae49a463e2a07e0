// Hostile input files: what a probe found the importers accepted, and must not. Repeated
// column headers, old Mac line ends, pipes and devices given as input files, empty files, a
// top-k beyond the classes, repeated keys in skipped JSON, item names that lead out of the
// images root (and images that do, through symbolic links) and one name in two Unicode
// spellings. Each import is all-or-nothing and its error names the file and the position.

#include "error.h"
#include "image/imagedecoder.h"
#include "image/thumbnailcache.h"
#include "import/importer.h"
#include "io/inputfile.h"
#include "project.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace bagel;

namespace {

const QString kNfc = QString::fromUtf8("caf\xC3\xA9.jpg");  // é as one code point, U+00E9
const QString kNfd = QString::fromUtf8("cafe\xCC\x81.jpg"); // e + U+0301 COMBINING ACUTE ACCENT

QString withDeadline(const QString &fifo, const std::function<QString()> &work);

class ImportHardening : public ::testing::Test
{
protected:
    void SetUp() override
    {
        projectPath = dir.path(QStringLiteral("p.bagel"));
        project = Project::create(projectPath);
    }

    QString write(const QString &name, const QByteArray &bytes) { return test::writeFile(dir.path(name), bytes); }

    /** Imports \a path; "" on success, else the error (and the project must hold no items). */
    QString importError(ImportFormat format, const QString &path, const ImportOptions &options = {})
    {
        const ProjectCounts before = project->store().counts();
        try {
            importFile(*project, format, path, options);
        } catch (const Error &e) {
            const ProjectCounts after = project->store().counts();
            EXPECT_EQ(after.items, before.items) << "a failed import changed the project";
            EXPECT_EQ(after.predictions, before.predictions) << "a failed import changed the project";
            EXPECT_FALSE(e.message().contains(QLatin1Char('\n')));
            return e.message();
        }
        return {};
    }

    ImportReport import(ImportFormat format, const QString &path, const ImportOptions &options = {})
    {
        try {
            return importFile(*project, format, path, options);
        } catch (const Error &e) {
            ADD_FAILURE() << "import failed: " << e.message().toStdString();
            return {};
        }
    }

    qint64 items() const { return project->store().counts().items; }

    /** importError() on a thread of its own (with its own connection), under a deadline. */
    QString importErrorOnThread(const QString &fifo, ImportFormat format, const QString &path, const ImportOptions &options)
    {
        return withDeadline(fifo, [&] {
            auto own = Project::open(projectPath);
            try {
                importFile(*own, format, path, options);
            } catch (const Error &e) {
                return e.message();
            }
            return QString();
        });
    }

    /** A named pipe nobody writes. */
    QString fifo(const QString &name)
    {
        const QString path = dir.path(name);
        EXPECT_EQ(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        return path;
    }

    test::TempDir dir;
    QString projectPath;
    std::unique_ptr<Project> project;
};

/**
 * Runs \a work on a thread. Should it still run after a few seconds (blocked in open() on the
 * pipe \a fifo, waiting for a writer), the pipe is opened for writing and closed, which releases
 * it, and the test fails: a regression fails instead of hanging the test run.
 */
QString withDeadline(const QString &fifo, const std::function<QString()> &work)
{
    std::packaged_task<QString()> task(work);
    std::future<QString> result = task.get_future();
    std::thread thread(std::move(task));
    if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        ADD_FAILURE() << "reading " << fifo.toStdString() << " blocked";
        while (result.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
            const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0)
                ::close(fd);
        }
    }
    thread.join();
    return result.get();
}

} // namespace

// --- 1. A column named twice ------------------------------------------------------------------

TEST_F(ImportHardening, RepeatedColumnInPredictionsCsvIsAnError)
{
    const QString path = write(QStringLiteral("dup.csv"), "file_name,model,rank,class,class,score\n"
                                                          "ILSVRC2012_val_00000001.JPEG,m,1,65,58,0.9\n");
    EXPECT_EQ(importError(ImportFormat::Predictions, path),
              path + QStringLiteral(":1: column 5 (class): the column 'class' appears twice (first in column 4)"));
    EXPECT_EQ(items(), 0);
}

TEST_F(ImportHardening, RepeatedColumnInLabelsIsAnError)
{
    const QString tsv = write(QStringLiteral("dup.tsv"), "file_name\twnid\tWNID\nILSVRC2012_val_00000001.JPEG\tn01751748\tn01440764\n");
    EXPECT_EQ(importError(ImportFormat::Labels, tsv), tsv + QStringLiteral(":1: column 3 (wnid): the column 'wnid' appears twice (first in column 2)"));

    const QString both = write(QStringLiteral("both.tsv"), "file_name\tfilename\tindex\na.jpg\tb.jpg\t1\n");
    EXPECT_EQ(importError(ImportFormat::Labels, both), both + QStringLiteral(":1: column 2 (filename): the header names both file_name and filename"));

    // The same table given as --labels to another import.
    const QString csv = write(QStringLiteral("p.csv"), "file_name,rank,class\nILSVRC2012_val_00000001.JPEG,1,65\n");
    ImportOptions options;
    options.model = QStringLiteral("m");
    options.labelsFile = tsv;
    EXPECT_TRUE(importError(ImportFormat::Predictions, csv, options).startsWith(tsv + QStringLiteral(":1: column 3 (wnid)")));
    EXPECT_EQ(items(), 0);
}

TEST_F(ImportHardening, RepeatedColumnInReviewsNamesLineOneAndTheColumn)
{
    const QString path = write(QStringLiteral("r.csv"), "file_name,model,reviewer,verdict,category,severity,note,time,Verdict\n");
    EXPECT_EQ(importError(ImportFormat::Reviews, path),
              path + QStringLiteral(":1: column 9 (verdict): the column 'verdict' appears twice (first in column 4)"));
}

// --- 2. Line ends: LF, CRLF and a lone CR read alike -------------------------------------------

TEST_F(ImportHardening, OldMacLineEndsImportLikeUnixOnes)
{
    const QString labels = write(QStringLiteral("cr.tsv"), "file_name\tindex\rILSVRC2012_val_00000001.JPEG\t65\r"
                                                           "ILSVRC2012_val_00000002.JPEG\t970\r");
    EXPECT_EQ(import(ImportFormat::Labels, labels).added.value(QStringLiteral("items")), 2);

    const QString csv = write(QStringLiteral("cr.csv"), "file_name,model,rank,class,score\r"
                                                        "ILSVRC2012_val_00000001.JPEG,m,1,65,0.9\r"
                                                        "ILSVRC2012_val_00000001.JPEG,m,2,\"58\",0.1\r"
                                                        "ILSVRC2012_val_00000002.JPEG,m,1,970,0.5");
    EXPECT_EQ(import(ImportFormat::Predictions, csv).added.value(QStringLiteral("predictions")), 2);

    const QString jsonl = write(QStringLiteral("cr.jsonl"),
                                "{\"file_name\": \"ILSVRC2012_val_00000003.JPEG\", \"model\": \"n\", \"predictions\": [[1, 0.5]]}\r"
                                "{\"file_name\": \"ILSVRC2012_val_00000004.JPEG\", \"model\": \"n\", \"predictions\": [[2, 0.5]]}\r");
    EXPECT_EQ(import(ImportFormat::Predictions, jsonl).added.value(QStringLiteral("predictions")), 2);

    const QString reviews = write(QStringLiteral("cr-reviews.csv"), "file_name,model,reviewer,verdict,category,severity,note,time\r"
                                                                    "ILSVRC2012_val_00000001.JPEG,m,ann,correct,,,,\r");
    EXPECT_EQ(import(ImportFormat::Reviews, reviews).added.value(QStringLiteral("reviews")), 1);
    EXPECT_EQ(items(), 4);
}

TEST_F(ImportHardening, MixedLineEndsCountLinesInErrors)
{
    // Line 1 ends in CRLF, line 2 in CR, line 3 in LF; the bad class is on line 4.
    const QString csv = write(QStringLiteral("mixed.csv"), "file_name,model,rank,class\r\n"
                                                           "ILSVRC2012_val_00000001.JPEG,m,1,65\r"
                                                           "ILSVRC2012_val_00000002.JPEG,m,1,66\n"
                                                           "ILSVRC2012_val_00000003.JPEG,m,1,tench\r");
    EXPECT_EQ(importError(ImportFormat::Predictions, csv),
              csv + QStringLiteral(":4: column 4 (class): 'tench' is not a wnid or class index of the 1000 classes"));

    const QString jsonl = write(QStringLiteral("mixed.jsonl"), "{\"file_name\": \"a.jpg\", \"model\": \"m\", \"rank\": 1, \"class\": 1}\r"
                                                               "\r\n"
                                                               "{\"file_name\": \"b.jpg\", \"model\": \"m\", \"rank\": 1, \"class\": 1000}\n");
    EXPECT_TRUE(importError(ImportFormat::Predictions, jsonl).startsWith(jsonl + QStringLiteral(":3:")));

    // JSON documents count a lone CR as a line end too.
    const QString json = write(QStringLiteral("cr.json"), "{\r\"initial_annots\": {\r\"ILSVRC2012_val_00000001.JPEG\": {\"correct\": [\"n99999999\"]}}}\r");
    EXPECT_TRUE(importError(ImportFormat::TfdsMultilabel, json).startsWith(json + QStringLiteral(":3:")));
    EXPECT_EQ(items(), 0);
}

/**
 * Lines of \a row (a function of the line number) ending in CRLF, with the CR of one line the
 * last byte of the first 1 MiB block the readers take, its LF the first byte of the next; then
 * \a last. Returns the text and, through \a lines, the number of \a last's line.
 */
QByteArray crlfAcrossBlocks(const std::function<QByteArray(int, int)> &row, const QByteArray &last, int *lines)
{
    constexpr qsizetype kBlock = 1 << 20;
    QByteArray text;
    int line = 0;
    for (;;) {
        ++line;
        const QByteArray plain = row(line, 0);
        const qsizetype crAt = text.size() + plain.size(); // where this line's CR would go
        if (crAt + 200 < kBlock - 1) {
            text += plain + "\r\n";
            continue;
        }
        text += row(line, int(kBlock - 1 - crAt)) + "\r\n"; // padded so that its CR ends the block
        break;
    }
    EXPECT_EQ(text.at(kBlock - 1), '\r');
    EXPECT_EQ(text.at(kBlock), '\n');
    text += last;
    *lines = line + 1;
    return text;
}

TEST_F(ImportHardening, CrLfSplitAcrossReadBlocksIsOneLineEnd)
{
    int line = 0;
    const QByteArray csv = crlfAcrossBlocks(
        [](int n, int pad) -> QByteArray {
            if (n == 1)
                return QByteArray("file_name,model,rank,class,note");
            return "ILSVRC2012_val_" + QByteArray::number(n).rightJustified(8, '0') + ".JPEG,m,1,65," + QByteArray(pad, 'x');
        },
        "ILSVRC2012_val_99999999.JPEG,m,1,tench,\r\n", &line);
    const QString csvPath = write(QStringLiteral("big.csv"), csv);
    EXPECT_EQ(importError(ImportFormat::Predictions, csvPath),
              csvPath + QStringLiteral(":%1: column 4 (class): 'tench' is not a wnid or class index of the 1000 classes").arg(line));

    const QByteArray jsonl = crlfAcrossBlocks(
        [](int n, int pad) -> QByteArray {
            return "{\"file_name\": \"f" + QByteArray::number(n) + ".jpg\", \"model\": \"m\", \"rank\": 1, \"class\": 1, \"pad\": \""
                   + QByteArray(std::max(0, pad), 'x') + "\"}";
        },
        "{\"file_name\": \"last.jpg\", \"model\": \"m\", \"rank\": 1, \"class\": 1000}\r\n", &line);
    const QString jsonlPath = write(QStringLiteral("big.jsonl"), jsonl);
    EXPECT_TRUE(importError(ImportFormat::Predictions, jsonlPath).startsWith(jsonlPath + QStringLiteral(":%1:").arg(line)));

    const QByteArray json = crlfAcrossBlocks(
        [](int n, int pad) -> QByteArray {
            if (n == 1)
                return QByteArray("{\"initial_annots\": {");
            return "\"n01440764_" + QByteArray::number(n) + ".JPEG\": {\"x\": \"" + QByteArray(std::max(0, pad), 'x') + "\"},";
        },
        "\"ILSVRC2012_val_00000001.JPEG\": {\"correct\": [\"n99999999\"]}}}\r\n", &line);
    const QString jsonPath = write(QStringLiteral("big.json"), json);
    EXPECT_TRUE(importError(ImportFormat::TfdsMultilabel, jsonPath).startsWith(jsonPath + QStringLiteral(":%1:").arg(line)));
}

TEST_F(ImportHardening, NpyFileListWithOldMacLineEnds)
{
    std::vector<float> values(2 * 1000, 0.0f);
    values[7] = 1.0f;
    values[1000 + 9] = 1.0f;
    const QString npy = write(QStringLiteral("s.npy"), test::npyFloat32(2, 1000, values));
    const QString list = write(QStringLiteral("files.txt"), "file_name\ra.jpg\rb.jpg\r");
    ImportOptions options;
    options.model = QStringLiteral("m");
    options.filesList = list;
    options.topK = 1;
    EXPECT_EQ(import(ImportFormat::Predictions, npy, options).added.value(QStringLiteral("predictions")), 2);
    EXPECT_TRUE(project->store().itemByFileName(QStringLiteral("b.jpg")).has_value());
}

// --- 3. Pipes, devices and folders are not input files ------------------------------------------

TEST_F(ImportHardening, NamedPipeIsRefusedWithoutBlocking)
{
    const struct
    {
        ImportFormat format;
        const char *name;
    } cases[] = {
        {ImportFormat::TfdsMultilabel, "pipe.json"}, {ImportFormat::Real, "real.json"},
        {ImportFormat::PaperMistakes, "m_mistakes.json"}, {ImportFormat::Predictions, "pipe.csv"},
        {ImportFormat::Predictions, "pipe.jsonl"}, {ImportFormat::Predictions, "pipe.npy"},
        {ImportFormat::Labels, "pipe.tsv"}, {ImportFormat::Reviews, "reviews.csv"},
    };
    for (const auto &c : cases) {
        const QString path = fifo(QLatin1String(c.name));
        ImportOptions options;
        options.model = QStringLiteral("m");
        const QString error = importErrorOnThread(path, c.format, path, options);
        EXPECT_EQ(error, path + QStringLiteral(": a named pipe (FIFO), not a regular file")) << c.name;
    }
    EXPECT_EQ(items(), 0);
}

TEST_F(ImportHardening, NamedPipeAsLabelsOrFilesListIsRefused)
{
    const QString csv = write(QStringLiteral("p.csv"), "file_name,model,rank,class\nILSVRC2012_val_00000001.JPEG,m,1,65\n");
    const QString labels = fifo(QStringLiteral("labels.tsv"));
    ImportOptions options;
    options.labelsFile = labels;
    EXPECT_EQ(importErrorOnThread(labels, ImportFormat::Predictions, csv, options),
              labels + QStringLiteral(": a named pipe (FIFO), not a regular file"));

    const QString npy = write(QStringLiteral("s.npy"), test::npyFloat32(1, 1000, std::vector<float>(1000, 0.001f)));
    const QString list = fifo(QStringLiteral("files.txt"));
    ImportOptions npyOptions;
    npyOptions.model = QStringLiteral("m");
    npyOptions.filesList = list;
    EXPECT_EQ(importErrorOnThread(list, ImportFormat::Predictions, npy, npyOptions),
              list + QStringLiteral(": a named pipe (FIFO), not a regular file"));
    EXPECT_EQ(items(), 0);
}

TEST_F(ImportHardening, CharacterDeviceIsRefused)
{
    // /dev/zero reads as endless NUL bytes, which are not JSON (nor anything else).
    EXPECT_EQ(importError(ImportFormat::TfdsMultilabel, QStringLiteral("/dev/zero")),
              QStringLiteral("/dev/zero: a character device, not a regular file"));
    const QString jsonl = dir.path(QStringLiteral("zero.jsonl"));
    ASSERT_TRUE(QFile::link(QStringLiteral("/dev/zero"), jsonl));
    EXPECT_EQ(importError(ImportFormat::Predictions, jsonl, {}), jsonl + QStringLiteral(": a character device, not a regular file"));
    const QString json = dir.path(QStringLiteral("zero.json"));
    ASSERT_TRUE(QFile::link(QStringLiteral("/dev/zero"), json));
    ImportOptions options;
    options.model = QStringLiteral("m");
    EXPECT_EQ(importError(ImportFormat::Predictions, json, options), json + QStringLiteral(": a character device, not a regular file"));
    EXPECT_EQ(importError(ImportFormat::Labels, QStringLiteral("/dev/null")), QStringLiteral("/dev/null: a character device, not a regular file"));
    EXPECT_EQ(items(), 0);
}

TEST_F(ImportHardening, FolderIsRefused)
{
    const QString folder = dir.path(QStringLiteral("folder.csv"));
    ASSERT_TRUE(QDir().mkpath(folder));
    for (const ImportFormat format : {ImportFormat::Predictions, ImportFormat::Labels, ImportFormat::Reviews, ImportFormat::Real}) {
        ImportOptions options;
        options.model = QStringLiteral("m");
        EXPECT_EQ(importError(format, folder, options), folder + QStringLiteral(": a folder, not a file")) << int(format);
    }
}

TEST_F(ImportHardening, OpenInputFileRefusesWhatIsNotARegularFile)
{
    QFile file;
    const QString pipe = fifo(QStringLiteral("p"));
    const QString error = withDeadline(pipe, [&] {
        try {
            openInputFile(file, pipe);
        } catch (const Error &e) {
            return e.message();
        }
        return QString();
    });
    EXPECT_EQ(error, pipe + QStringLiteral(": a named pipe (FIFO), not a regular file"));
    EXPECT_FALSE(file.isOpen());
    EXPECT_EQ(notRegularFileReason(QStringLiteral("/dev/zero")), QStringLiteral("a character device, not a regular file"));
    EXPECT_EQ(notRegularFileReason(dir.path(QStringLiteral("none"))), QStringLiteral("no such file"));

    const QString plain = write(QStringLiteral("plain.txt"), "abc");
    QFile ok;
    openInputFile(ok, plain);
    EXPECT_EQ(ok.readAll(), QByteArray("abc"));
}

// --- 4. An empty file says so, in every format -------------------------------------------------

TEST_F(ImportHardening, EmptyFileIsAnErrorInEveryFormat)
{
    const struct
    {
        ImportFormat format;
        const char *name;
    } cases[] = {
        {ImportFormat::TfdsMultilabel, "e.json"}, {ImportFormat::Real, "real.json"},
        {ImportFormat::PaperMistakes, "m_mistakes.json"}, {ImportFormat::Predictions, "e.csv"},
        {ImportFormat::Predictions, "e.jsonl"}, {ImportFormat::Predictions, "e.ndjson"},
        {ImportFormat::Predictions, "e.npy"}, {ImportFormat::Labels, "e.tsv"},
        {ImportFormat::Labels, "e.csv"}, {ImportFormat::Reviews, "reviews.csv"},
    };
    for (const auto &c : cases) {
        const QString path = write(QLatin1String(c.name), {});
        ImportOptions options;
        options.model = QStringLiteral("m");
        EXPECT_EQ(importError(c.format, path, options), path + QStringLiteral(": the file is empty")) << c.name;
    }
}

TEST_F(ImportHardening, BlankLinesOnlyIsAnEmptyFile)
{
    const QString jsonl = write(QStringLiteral("blank.jsonl"), "\n  \r\n\n");
    ImportOptions options;
    options.model = QStringLiteral("m");
    EXPECT_EQ(importError(ImportFormat::Predictions, jsonl, options), jsonl + QStringLiteral(": the file is empty"));
    const QString tsv = write(QStringLiteral("blank.tsv"), "\n\n");
    EXPECT_EQ(importError(ImportFormat::Labels, tsv), tsv + QStringLiteral(": the file is empty"));

    // An empty --labels table is as wrong as an empty labels import.
    const QString csv = write(QStringLiteral("p.csv"), "file_name,model,rank,class\nILSVRC2012_val_00000001.JPEG,m,1,65\n");
    const QString empty = write(QStringLiteral("empty.tsv"), {});
    ImportOptions withLabels;
    withLabels.labelsFile = empty;
    EXPECT_EQ(importError(ImportFormat::Predictions, csv, withLabels), empty + QStringLiteral(": the file is empty"));
    EXPECT_EQ(items(), 0);
}

// --- 5. --top-k within the 1000 classes --------------------------------------------------------

TEST_F(ImportHardening, TopKBeyondTheClassesIsRefused)
{
    const QString npy = write(QStringLiteral("s.npy"), test::npyFloat32(1, 1000, std::vector<float>(1000, 0.001f)));
    ImportOptions options;
    options.model = QStringLiteral("m");
    for (const int k : {1001, 0, -3}) {
        options.topK = k;
        EXPECT_EQ(importError(ImportFormat::Predictions, npy, options),
                  QStringLiteral("--top-k %1 is out of range 1..1000").arg(k));
    }
    options.topK = 1000;
    EXPECT_EQ(import(ImportFormat::Predictions, npy, options).added.value(QStringLiteral("predictions")), 1);
}

// --- 6. A key repeated where the importer skips ------------------------------------------------

TEST_F(ImportHardening, RepeatedKeyInSkippedJsonIsAnError)
{
    const QString tfds = write(QStringLiteral("t.json"), "{\"version\": {\"a\": 1, \"b\": [{\"c\": 2, \"c\": 3}]}}");
    EXPECT_EQ(importError(ImportFormat::TfdsMultilabel, tfds), tfds + QStringLiteral(":1:37: at $.version.b[0].c: duplicate key 'c'"));

    // A large skipped object (its keys are looked up by hash): the repeat is still found.
    QByteArray large = "{\"version\": {";
    for (int i = 0; i < 40; ++i)
        large += "\"k" + QByteArray::number(i) + "\": " + QByteArray::number(i) + ", ";
    large += "\"k3\": 0}}";
    const QString big = write(QStringLiteral("big.json"), large);
    EXPECT_TRUE(importError(ImportFormat::TfdsMultilabel, big).endsWith(QStringLiteral("at $.version.k3: duplicate key 'k3'")));
    // Objects skipped one after another do not share their keys.
    const QString apart = write(QStringLiteral("apart.json"), "{\"a\": {\"k\": 1}, \"b\": {\"k\": 1}, \"c\": [{\"k\": 1}, {\"k\": {\"k\": 2}}]}");
    EXPECT_EQ(importError(ImportFormat::TfdsMultilabel, apart), QString());

    // A field of an annotation the importer does not know, and an entry it skips.
    const QString field = write(QStringLiteral("f.json"), "{\"initial_annots\": {\"ILSVRC2012_val_00000001.JPEG\": "
                                                          "{\"votes\": {\"x\": 1, \"x\": 1}}}}");
    EXPECT_TRUE(importError(ImportFormat::TfdsMultilabel, field)
                    .contains(QStringLiteral("at $.initial_annots[\"ILSVRC2012_val_00000001.JPEG\"].votes.x: duplicate key 'x'")));
    const QString entry = write(QStringLiteral("e.json"), "{\"initial_annots\": {\"n01440764_1.JPEG\": {\"correct\": [], \"correct\": []}}}");
    EXPECT_TRUE(importError(ImportFormat::TfdsMultilabel, entry).contains(QStringLiteral("duplicate key 'correct'")));

    const QString paper = write(QStringLiteral("m_mistakes.json"), "{\"ILSVRC2012_val_00000001.JPEG\": {\"top_prediction\": 1, "
                                                                   "\"extra\": {\"k\": 1, \"k\": 2}}}");
    EXPECT_TRUE(importError(ImportFormat::PaperMistakes, paper).contains(QStringLiteral("at $[\"ILSVRC2012_val_00000001.JPEG\"].extra.k: duplicate key 'k'")));

    const QString jsonl = write(QStringLiteral("x.jsonl"), "{\"file_name\": \"a.jpg\", \"model\": \"m\", \"predictions\": [[1, 0.5]], "
                                                           "\"meta\": {\"k\": 1, \"k\": 2}}\n");
    EXPECT_TRUE(importError(ImportFormat::Predictions, jsonl).startsWith(jsonl + QStringLiteral(":1:")));

    // A line of another model is skipped, but it is still read: it must be valid JSON.
    const QString other = write(QStringLiteral("other.jsonl"), "{\"model\": \"n\", \"file_name\": \"a.jpg\", \"file_name\": \"b.jpg\"}\n"
                                                               "{\"model\": \"m\", \"file_name\": \"a.jpg\", \"predictions\": [[1, 0.5]]}\n");
    ImportOptions options;
    options.model = QStringLiteral("m");
    EXPECT_TRUE(importError(ImportFormat::Predictions, other, options).contains(QStringLiteral("duplicate key 'file_name'")));
    const QString broken = write(QStringLiteral("broken.jsonl"), "{\"model\": \"n\", \"file_name\": tru}\n");
    EXPECT_TRUE(importError(ImportFormat::Predictions, broken, options).startsWith(broken + QStringLiteral(":1:")));
    EXPECT_EQ(items(), 0);
}

// --- 7. An item's image stays inside its images root --------------------------------------------

TEST_F(ImportHardening, ItemNamesThatLeaveTheImagesRootAreRefused)
{
    const char *names[] = {"../../etc/passwd", "/etc/shadow", "sub/../x.jpg", "a\\b.jpg", "..\\x.jpg", "./x.jpg",
                           "sub//x.jpg",       "sub/",        "..",           "C:/x.jpg"};
    for (const char *name : names) {
        const QString tsv = write(QStringLiteral("l.tsv"), QByteArray("file_name\tindex\nILSVRC2012_val_00000001.JPEG\t1\n") + name + "\t2\n");
        const QString error = importError(ImportFormat::Labels, tsv);
        EXPECT_TRUE(error.startsWith(tsv + QStringLiteral(":3: column 1 (file_name): the file name"))) << name << ": " << error.toStdString();
    }
    const QString csv = write(QStringLiteral("p.csv"), "file_name,model,rank,class\n../secret.jpg,m,1,65\n");
    EXPECT_EQ(importError(ImportFormat::Predictions, csv),
              csv + QStringLiteral(":2: the file name '../secret.jpg' has a '..' component, which leads out of the images root"));
    const QString tfds = write(QStringLiteral("t.json"), "{\"imagenet_m\": [\"/etc/passwd\"]}");
    ImportOptions all;
    all.validationOnly = false;
    EXPECT_TRUE(importError(ImportFormat::TfdsMultilabel, tfds, all).startsWith(tfds + QStringLiteral(":1:17: at $.imagenet_m[0]: the file name '/etc/passwd' is an absolute path")));
    EXPECT_EQ(items(), 0);

    // Folders inside the root are fine.
    const QString good = write(QStringLiteral("g.tsv"), "sub/dir/x.jpg\t1\n");
    EXPECT_EQ(import(ImportFormat::Labels, good).added.value(QStringLiteral("items")), 1);
}

TEST_F(ImportHardening, ImageFolderSkipsLinksOutOfTheRootAndWhatIsNotAFile)
{
    const QString root = dir.path(QStringLiteral("images"));
    const QString cls = root + QStringLiteral("/n01440764");
    test::writeFile(cls + QStringLiteral("/good.jpg"), "jpeg");
    test::writeFile(cls + QStringLiteral("/deep/also.jpg"), "jpeg");
    const QString outside = test::writeFile(dir.path(QStringLiteral("outside/secret.jpg")), "secret");
    ASSERT_TRUE(QFile::link(QStringLiteral("/etc/passwd"), cls + QStringLiteral("/passwd.jpg")));
    ASSERT_TRUE(QFile::link(QStringLiteral("/dev/zero"), cls + QStringLiteral("/zero.jpg")));
    ASSERT_TRUE(QFile::link(outside, cls + QStringLiteral("/secret.jpg")));
    ASSERT_TRUE(QFile::link(dir.path(QStringLiteral("nowhere.jpg")), cls + QStringLiteral("/dangling.jpg")));
    ASSERT_TRUE(QFile::link(cls + QStringLiteral("/good.jpg"), cls + QStringLiteral("/inside.jpg"))); // stays inside: fine
    ASSERT_EQ(::mkfifo(QFile::encodeName(cls + QStringLiteral("/pipe.jpg")).constData(), 0600), 0);
    // A class folder that is a link to a folder outside the root.
    ASSERT_TRUE(QFile::link(dir.path(QStringLiteral("outside")), root + QStringLiteral("/n01443537")));

    const ImportReport report = import(ImportFormat::ImageFolder, root);
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 3);
    for (const char *name : {"good.jpg", "also.jpg", "inside.jpg"})
        EXPECT_TRUE(project->store().itemByFileName(QLatin1String(name)).has_value()) << name;
    for (const char *name : {"passwd.jpg", "zero.jpg", "secret.jpg", "dangling.jpg", "pipe.jpg"})
        EXPECT_FALSE(project->store().itemByFileName(QLatin1String(name)).has_value()) << name;
    EXPECT_EQ(report.skipped.value(QStringLiteral("symbolic links that lead out of the images root")), 4) << report.summary().toStdString();
    EXPECT_EQ(report.skipped.value(QStringLiteral("dangling symbolic links")), 1);
    EXPECT_EQ(report.skipped.value(QStringLiteral("entries that are not regular files (pipes, devices)")), 1);
    EXPECT_TRUE(report.summary().contains(QStringLiteral("symbolic links that lead out of the images root")));
}

TEST_F(ImportHardening, WindowNeverReadsOutsideTheImagesRootOrADevice)
{
    const QString root = dir.path(QStringLiteral("images"));
    ASSERT_TRUE(QDir().mkpath(root));
    project->setImagesRoot(root);
    const QString good = test::writeFile(root + QStringLiteral("/good.jpg"), "jpeg");
    test::writeFile(dir.path(QStringLiteral("secret.jpg")), "secret");
    ASSERT_TRUE(QFile::link(QStringLiteral("/etc/passwd"), root + QStringLiteral("/passwd.jpg")));
    ASSERT_TRUE(QFile::link(QStringLiteral("/dev/zero"), root + QStringLiteral("/zero.jpg")));
    ASSERT_TRUE(QFile::link(good, root + QStringLiteral("/alias.jpg")));
    const QString pipe = root + QStringLiteral("/pipe.jpg");
    ASSERT_EQ(::mkfifo(QFile::encodeName(pipe).constData(), 0600), 0);
    ASSERT_TRUE(QDir().mkpath(root + QStringLiteral("/folder.jpg")));

    // Paths as an older project (or a hand-edited one) may hold them.
    const auto path = [&](const QString &imagePath) {
        return project->absoluteImagePath(ItemRecord{1, QStringLiteral("x.jpg"), imagePath, -1});
    };
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    const QString canonicalGood = canonicalRoot + QStringLiteral("/good.jpg");
    const auto real = [](const QString &p) { return p.isEmpty() ? QString() : QFileInfo(p).canonicalFilePath(); };
    EXPECT_EQ(real(path(QStringLiteral("good.jpg"))), canonicalGood);
    EXPECT_EQ(real(path(QStringLiteral("sub/../good.jpg"))), canonicalGood); // stays inside by its spelling
    EXPECT_EQ(path(QStringLiteral("alias.jpg")), canonicalGood);
    EXPECT_EQ(real(path(canonicalGood)), canonicalGood);
    EXPECT_EQ(path(QStringLiteral("missing.jpg")), root + QStringLiteral("/missing.jpg")); // shown as missing
    EXPECT_EQ(path(QStringLiteral("none/missing.jpg")), root + QStringLiteral("/none/missing.jpg"));
    for (const QString &bad : {QStringLiteral("../secret.jpg"), QStringLiteral("sub/../../secret.jpg"), QStringLiteral("/etc/passwd"),
                               QStringLiteral("../missing.jpg"),
                               QStringLiteral("passwd.jpg"), QStringLiteral("zero.jpg"), QStringLiteral("pipe.jpg"),
                               QStringLiteral("folder.jpg"), dir.path(QStringLiteral("secret.jpg"))})
        EXPECT_EQ(path(bad), QString()) << bad.toStdString();

    // The decoder shows such an image as missing and never reads a device or a pipe.
    EXPECT_FALSE(decodeImage(QString()).error.isEmpty());
    EXPECT_TRUE(decodeImage(QStringLiteral("/dev/zero")).error.contains(QStringLiteral("character device")));
    EXPECT_TRUE(withDeadline(pipe, [&] { return decodeImage(pipe).error; }).contains(QStringLiteral("named pipe")));

    // Thumbnails: neither the image nor the cached thumbnail is read from a pipe.
    const ThumbnailCache cache(dir.path(QStringLiteral("thumbnails")), 32);
    EXPECT_EQ(withDeadline(pipe, [&] { return cache.thumbnail(pipe).isNull() ? QStringLiteral("none") : QStringLiteral("image"); }),
              QStringLiteral("none"));
    const QString png = root + QStringLiteral("/real.png");
    QImage picture(8, 8, QImage::Format_RGB32);
    picture.fill(Qt::red);
    ASSERT_TRUE(picture.save(png, "PNG"));
    const QString planted = cache.cachePath(png);
    ASSERT_TRUE(QDir().mkpath(QFileInfo(planted).absolutePath()));
    ASSERT_EQ(::mkfifo(QFile::encodeName(planted).constData(), 0600), 0);
    EXPECT_EQ(withDeadline(planted, [&] { return cache.thumbnail(png).isNull() ? QStringLiteral("none") : QStringLiteral("image"); }),
              QStringLiteral("image"));
}

// --- 8. One name, two Unicode spellings: one item -----------------------------------------------

TEST_F(ImportHardening, NfcAndNfdSpellingsAreOneItem)
{
    ASSERT_NE(kNfc, kNfd);
    ASSERT_EQ(kNfd.normalized(QString::NormalizationForm_C), kNfc);

    // Within one file: the second spelling is a duplicate.
    const QString both = write(QStringLiteral("both.tsv"), "file_name\tindex\n" + kNfc.toUtf8() + "\t1\n" + kNfd.toUtf8() + "\t1\n");
    EXPECT_EQ(importError(ImportFormat::Labels, both),
              both + QStringLiteral(":3: column 1 (file_name): duplicate file %1 (first on line 2)").arg(kNfc));

    // Across files and formats: NFD names find the NFC item, which is stored in NFC.
    const QString labels = write(QStringLiteral("l.tsv"), "file_name\tindex\n" + kNfd.toUtf8() + "\t1\n");
    EXPECT_EQ(import(ImportFormat::Labels, labels).added.value(QStringLiteral("items")), 1);
    ASSERT_TRUE(project->store().itemByFileName(kNfc).has_value());
    EXPECT_FALSE(project->store().itemByFileName(kNfd).has_value());

    const QString csv = write(QStringLiteral("p.csv"), "file_name,model,rank,class\n" + kNfd.toUtf8() + ",m,1,1\n");
    EXPECT_EQ(import(ImportFormat::Predictions, csv).added.value(QStringLiteral("predictions")), 1);
    const QString jsonl = write(QStringLiteral("p.jsonl"), "{\"file_name\": \"" + kNfc.toUtf8() + "\", \"model\": \"n\", \"predictions\": [[1, 0.5]]}\n"
                                                           "{\"file_name\": \"cafe\\u0301.jpg\", \"model\": \"o\", \"predictions\": [[1, 0.5]]}\n");
    EXPECT_EQ(import(ImportFormat::Predictions, jsonl).added.value(QStringLiteral("predictions")), 2);
    const QString tfds = write(QStringLiteral("t.json"), "{\"initial_annots\": {\"" + kNfd.toUtf8() + "\": {\"correct\": [\"n01443537\"]}}}");
    ImportOptions all;
    all.validationOnly = false;
    EXPECT_EQ(import(ImportFormat::TfdsMultilabel, tfds, all).added.value(QStringLiteral("multi-label sets")), 1);
    const QString twice = write(QStringLiteral("t2.json"), "{\"imagenet_m\": [\"" + kNfc.toUtf8() + "\", \"" + kNfd.toUtf8() + "\"]}");
    EXPECT_TRUE(importError(ImportFormat::TfdsMultilabel, twice, all).contains(QStringLiteral("appears twice in imagenet_m")));
    const QString paper = write(QStringLiteral("m_mistakes.json"), "{\"" + kNfd.toUtf8() + "\": {\"top_prediction\": 1}}");
    EXPECT_EQ(import(ImportFormat::PaperMistakes, paper).added.value(QStringLiteral("reviews")), 1);
    const QString reviews = write(QStringLiteral("r.csv"), "file_name,model,reviewer,verdict,category,severity,note,time\n" + kNfd.toUtf8()
                                                               + ",m,ann,correct,,,,\n");
    EXPECT_EQ(import(ImportFormat::Reviews, reviews).added.value(QStringLiteral("reviews")), 1);

    EXPECT_EQ(items(), 1);
    EXPECT_EQ(project->store().counts().predictions, 3); // models m, n and o
}

TEST_F(ImportHardening, ImageFolderNamesAreNfcAndKeepTheirPathOnDisk)
{
    const QString root = dir.path(QStringLiteral("images"));
    test::writeFile(root + QStringLiteral("/n01440764/") + kNfd, "jpeg");
    const ImportReport report = import(ImportFormat::ImageFolder, root);
    EXPECT_EQ(report.added.value(QStringLiteral("items")), 1);
    const auto item = project->store().itemByFileName(kNfc);
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(item->imagePath, QStringLiteral("n01440764/") + kNfd); // the file's own spelling
    EXPECT_FALSE(project->absoluteImagePath(*item).isEmpty());

    // The other spelling in the same tree is the same name.
    test::writeFile(root + QStringLiteral("/n01443537/") + kNfc, "jpeg");
    EXPECT_TRUE(importError(ImportFormat::ImageFolder, root).contains(QStringLiteral("item file names must be unique")));
}
