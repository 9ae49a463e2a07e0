// Hostile and broken input through every importer, end to end: deep nesting, huge numbers, NUL
// bytes, invalid UTF-8, a million labels on one item, lines without end. Each gives a clear
// error naming the file (and the line or JSON path), leaves the project as it was, and stays
// within a bounded amount of memory.

#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QByteArray>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

using namespace bagel;

namespace {

struct Hostile
{
    const char *name;   ///< the file's name; its suffix chooses the predictions layout
    ImportFormat format;
    QByteArray content;
    const char *expected; ///< part of the error message
};

QByteArray repeat(const QByteArray &unit, int times)
{
    QByteArray out;
    out.reserve(unit.size() * times);
    for (int i = 0; i < times; ++i)
        out += unit;
    return out;
}

/** A million labels on one item: the 1000 classes' wnids over and over. */
QByteArray millionLabels()
{
    QByteArray list;
    list.reserve(13 * 1000000);
    for (int i = 0; i < 1000000; ++i) {
        if (i)
            list += ',';
        list += "\"n01440764\"";
    }
    return R"({"initial_annots": {"ILSVRC2012_val_00000001.JPEG": {"correct": [)" + list + "]}}}";
}

QVector<Hostile> cases()
{
    const QByteArray header = "file_name,model,rank,class,score\n";
    return {
        // TFDS multilabel JSON
        {"deep.json", ImportFormat::TfdsMultilabel, repeat("[", 100000), "found an array"},
        // Deep inside a value the importer skips (an unknown key): the reader still stops.
        {"deep-skipped.json", ImportFormat::TfdsMultilabel, R"({"other": )" + repeat("[", 100000), "nesting deeper than"},
        {"deep-object.json", ImportFormat::TfdsMultilabel, R"({"other": )" + repeat(R"({"a": )", 50000), "nesting deeper than"},
        {"nul.json", ImportFormat::TfdsMultilabel,
         QByteArray(R"({"initial_annots": {"ILSVRC2012_val_0000)") + '\0' + QByteArray(R"(1.JPEG": {}}})"), "control character"},
        {"utf8.json", ImportFormat::TfdsMultilabel, R"({"initial_annots": {"ILSVRC2012_val_)" "\xc3\x28" R"(.JPEG": {}}})", "invalid UTF-8"},
        {"huge-number.json", ImportFormat::TfdsMultilabel,
         R"({"initial_annots": {"ILSVRC2012_val_00000001.JPEG": {"correct": [1e999999999]}}})", "expected a wnid string"},
        {"million.json", ImportFormat::TfdsMultilabel, millionLabels(), "a list of more than 10000 wnids"},
        {"long-string.json", ImportFormat::TfdsMultilabel, R"({"initial_annots": {")" + QByteArray(64 << 20, 'a') + "\": {}}}",
         "longer than"},
        {"truncated.json", ImportFormat::TfdsMultilabel, R"({"initial_annots": {"ILSVRC2012_val_00000001.JPEG": {"correct": ["n0144)",
         "the input ends"},
        // ReaL
        {"real-deep.json", ImportFormat::Real, repeat("[", 100000), "expected a class index"},
        {"real-huge.json", ImportFormat::Real, "[[" + QByteArray(400, '9') + "]]", "(400 characters) is out of range"},
        {"real-big-index.json", ImportFormat::Real, "[[99999999999999999999]]", "99999999999999999999"},
        // The paper's mistakes
        {"paper-nul.json", ImportFormat::PaperMistakes, QByteArray("{\"ILSVRC2012_val_00000612.JPEG\": {\"top_prediction\": 1\0}}", 52),
         "ILSVRC2012_val_00000612"},
        {"paper-number.json", ImportFormat::PaperMistakes,
         R"({"ILSVRC2012_val_00000612.JPEG": {"top_prediction": 1e308, "failure category": "Fine-grained error"}})", "1e308"},
        // Predictions: CSV, JSON Lines, .npy
        {"nul.csv", ImportFormat::Predictions, header + QByteArray("ILSVRC2012_val_0000\0001.JPEG,m,1,5,0.5\n", 37), "NUL"},
        {"utf8.csv", ImportFormat::Predictions, header + "ILSVRC2012_val_\xff\xfe.JPEG,m,1,5,0.5\n", "UTF-8"},
        {"huge.csv", ImportFormat::Predictions, header + "ILSVRC2012_val_00000001.JPEG,m,99999999999999999999999,5,0.5\n", "rank"},
        {"inf.csv", ImportFormat::Predictions, header + "ILSVRC2012_val_00000001.JPEG,m,1,5,1e999\n", "score"},
        {"endless.csv", ImportFormat::Predictions, header + "ILSVRC2012_val_00000001.JPEG,m,1,5," + QByteArray(40 << 20, 'x'), "line longer than 16 MiB"},
        {"endless-quote.csv", ImportFormat::Predictions, header + "ILSVRC2012_val_00000001.JPEG,m,1,5,\"" + repeat("x\n", 10 << 20),
         "a quoted field longer than 16 MiB"},
        {"deep.jsonl", ImportFormat::Predictions, repeat("[", 100000) + "\n", "one JSON object per line"},
        {"deep-key.jsonl", ImportFormat::Predictions, R"({"other": )" + repeat("[", 100000) + "\n", "nesting deeper than"},
        {"nul.jsonl", ImportFormat::Predictions, QByteArray("{\"file_name\": \"a\0\"}\n", 20), "control character"},
        {"zero.npy", ImportFormat::Predictions, QByteArray(), "npy"},
        {"header.npy", ImportFormat::Predictions,
         test::npyBytes("<f4", false, "(4000000000, 1000)", QByteArray()), "npy"},
        // Reviews CSV and labels TSV
        {"reviews.csv", ImportFormat::Reviews,
         QByteArray("file_name,model,reviewer,verdict,category,severity,note,time\nILSVRC2012_val_00000001.JPEG,m,a\0nn,correct,,,,\n", 110),
         "NUL"},
        {"labels.tsv", ImportFormat::Labels, "file_name\tindex\nILSVRC2012_val_00000001.JPEG\t1e400\n", "1e400"},
        {"labels-utf8.tsv", ImportFormat::Labels, "file_name\tindex\nILSVRC2012_val_\xc0\xaf.JPEG\t1\n", "UTF-8"},
    };
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasureMemory = false; // ASan's shadow memory and quarantine swamp the figures
#else
constexpr bool kMeasureMemory = true;
#endif

/** Peak resident memory, in kB, of `bagel-cli ARGS` run to its end in a child process. */
long childPeakKb(const QStringList &arguments)
{
    std::vector<QByteArray> storage{test::cliPath().toLocal8Bit()};
    for (const QString &a : arguments)
        storage.push_back(a.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid)
        return -1;
    return usage.ru_maxrss;
}

} // namespace

TEST(HostileInput, EveryImporterGivesAClearErrorAndChangesNothing)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::Labels,
               test::writeFile(dir.path(QStringLiteral("ok.tsv")), "file_name\tindex\nILSVRC2012_val_00000001.JPEG\t3\n"));
    importFile(*project, ImportFormat::Predictions,
               test::writeFile(dir.path(QStringLiteral("ok.csv")), "file_name,model,rank,class,score\nILSVRC2012_val_00000001.JPEG,m,1,5,0.5\n"));
    const ProjectCounts before = project->store().counts();

    for (const Hostile &c : cases()) {
        SCOPED_TRACE(c.name);
        const QString path = test::writeFile(dir.path(QLatin1String(c.name)), c.content);
        ImportOptions options;
        options.model = QStringLiteral("m");
        try {
            importFile(*project, c.format, path, options);
            ADD_FAILURE() << "imported";
        } catch (const Error &e) {
            EXPECT_TRUE(e.message().contains(path)) << e.message().toStdString();
            EXPECT_TRUE(e.message().contains(QLatin1String(c.expected), Qt::CaseInsensitive)) << e.message().toStdString();
            EXPECT_LT(e.message().size(), 600) << "an error is a sentence, not the input";
        }
        // Streaming readers: no input is loaded whole. bagel-cli importing a large one peaks
        // at most 48 MiB above importing a one-line file (line and field buffers stop at 16 MiB).
        if (kMeasureMemory && c.content.size() >= (16 << 20)) {
            const QString child = dir.path(QStringLiteral("child.bagel"));
            if (!QFile::exists(child))
                Project::create(child);
            const long baseline = childPeakKb({QStringLiteral("import"), child, QStringLiteral("predictions"), dir.path(QStringLiteral("ok.csv"))});
            const long peak = childPeakKb({QStringLiteral("import"), child, toString(c.format), path, QStringLiteral("--model"), QStringLiteral("m")});
            ASSERT_GT(baseline, 0);
            EXPECT_LT(peak - baseline, 48 * 1024) << "kB above a one-line import, for a " << (c.content.size() >> 20) << " MiB input";
        }
        const ProjectCounts after = project->store().counts();
        EXPECT_EQ(after.items, before.items);
        EXPECT_EQ(after.predictions, before.predictions);
        EXPECT_EQ(after.reviews, before.reviews);
        EXPECT_EQ(after.judgements, before.judgements);
    }
}
