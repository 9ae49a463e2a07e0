// bagel-cli against what a probe tried: unknown options, a log file that takes no writes,
// --help under a UTF-8 locale, --top-k beyond the classes, pipes and devices as input files.
// Each case runs the real program in a child process with a deadline, so that a regression
// that blocks fails instead of hanging the test run.

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <gtest/gtest.h>

#include <sys/stat.h>

using namespace bagel;

namespace {

class CliHardening : public ::testing::Test
{
protected:
    void SetUp() override
    {
        project = dir.path(QStringLiteral("p.bagel"));
        ASSERT_EQ(run({QStringLiteral("init"), project}).exitCode, 0);
    }

    /** Runs bagel-cli with \a arguments; kills it and fails the test after \a seconds. */
    test::CliResult run(const QStringList &arguments, const QStringList &environment = {}, int seconds = 30)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.path(QStringLiteral("xdg")));
        for (const QString &setting : environment)
            env.insert(setting.section(QLatin1Char('='), 0, 0), setting.section(QLatin1Char('='), 1));
        process.setProcessEnvironment(env);
        process.start(test::cliPath(), arguments);
        test::CliResult result;
        if (!process.waitForFinished(seconds * 1000)) {
            ADD_FAILURE() << "bagel-cli did not finish within " << seconds << " s: " << arguments.join(QLatin1Char(' ')).toStdString();
            process.kill();
            process.waitForFinished();
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

    QString fifo(const QString &name)
    {
        const QString path = dir.path(name);
        EXPECT_EQ(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        return path;
    }

    test::TempDir dir;
    QString project;
};

} // namespace

TEST_F(CliHardening, UnknownOptionNamesTheCommand)
{
    const test::CliResult info = run({QStringLiteral("info"), project, QStringLiteral("--bogus")});
    EXPECT_EQ(info.exitCode, 2);
    EXPECT_EQ(info.err, QStringLiteral("bagel-cli info: Unknown option 'bogus'.\n"));
    EXPECT_TRUE(info.out.isEmpty());

    const test::CliResult import = run({QStringLiteral("import"), project, QStringLiteral("labels"), QStringLiteral("x.tsv"), QStringLiteral("--nope")});
    EXPECT_EQ(import.exitCode, 2);
    EXPECT_EQ(import.err, QStringLiteral("bagel-cli import: Unknown option 'nope'.\n"));

    // Without a command there is no name to give.
    const test::CliResult none = run({QStringLiteral("--bogus")});
    EXPECT_EQ(none.exitCode, 2);
    EXPECT_EQ(none.err, QStringLiteral("bagel-cli: Unknown option 'bogus'.\n"));
}

TEST_F(CliHardening, LogFileThatTakesNoWritesDoesNotSpoilTheCommand)
{
    const test::CliResult plain = run({QStringLiteral("info"), project});
    ASSERT_EQ(plain.exitCode, 0);
    ASSERT_TRUE(plain.err.isEmpty()) << plain.err.toStdString();

    const test::CliResult full = run({QStringLiteral("--log-file"), QStringLiteral("/dev/full"), QStringLiteral("info"), project});
    EXPECT_EQ(full.exitCode, 0);
    EXPECT_EQ(full.out, plain.out);
    // At most one line, a clear warning that names the log file; never spdlog's own report.
    EXPECT_LE(full.err.count(QLatin1Char('\n')), 1) << full.err.toStdString();
    EXPECT_FALSE(full.err.contains(QStringLiteral("LOG ERROR"))) << full.err.toStdString();
    if (!full.err.isEmpty()) {
        EXPECT_TRUE(full.err.startsWith(QStringLiteral("warning: the log file /dev/full cannot be written"))) << full.err.toStdString();
    }

    // An import logs more than one line: still one warning at most.
    const QString labels = test::writeFile(dir.path(QStringLiteral("l.tsv")), "ILSVRC2012_val_00000001.JPEG\tn01440764\n");
    const test::CliResult import =
        run({QStringLiteral("import"), project, QStringLiteral("labels"), labels, QStringLiteral("--log-file"), QStringLiteral("/dev/full")});
    EXPECT_EQ(import.exitCode, 0);
    EXPECT_TRUE(import.out.contains(QStringLiteral("added: 1 item"))) << import.out.toStdString();
    EXPECT_LE(import.err.count(QLatin1Char('\n')), 1) << import.err.toStdString();
    EXPECT_FALSE(import.err.contains(QStringLiteral("LOG ERROR"))) << import.err.toStdString();
}

TEST_F(CliHardening, LogFileThatIsANamedPipeDoesNotBlock)
{
    const QString pipe = fifo(QStringLiteral("log"));
    const test::CliResult r = run({QStringLiteral("--log-file"), pipe, QStringLiteral("info"), project}, {}, 15);
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(r.out.contains(QStringLiteral("Items:"))) << r.out.toStdString();
}

TEST_F(CliHardening, HelpIsUtf8UnderAUtf8Locale)
{
    const QStringList utf8{QStringLiteral("LANG=C.UTF-8"), QStringLiteral("LC_ALL=C.UTF-8")};
    const test::CliResult overview = run({QStringLiteral("--help")}, utf8);
    EXPECT_EQ(overview.exitCode, 0);
    EXPECT_TRUE(overview.out.contains(QStringLiteral("(mistake category × severity)"))) << overview.out.toStdString();
    EXPECT_FALSE(overview.out.contains(QChar(0xC3))) << "double-encoded UTF-8";

    const test::CliResult report = run({QStringLiteral("report"), QStringLiteral("--help")}, utf8);
    EXPECT_EQ(report.exitCode, 0);
    EXPECT_TRUE(report.out.contains(QStringLiteral("category × severity"))) << report.out.toStdString();
    EXPECT_FALSE(report.out.contains(QChar(0xC3)));
}

TEST_F(CliHardening, TopKOutsideTheClassesIsAUsageError)
{
    const QString npy = test::writeFile(dir.path(QStringLiteral("s.npy")), test::npyFloat32(1, 1000, std::vector<float>(1000, 0.001f)));
    for (const char *k : {"1001", "0", "-1", "five"}) {
        const test::CliResult r = run({QStringLiteral("import"), project, QStringLiteral("predictions"), npy, QStringLiteral("--model"),
                                       QStringLiteral("m"), QStringLiteral("--top-k"), QLatin1String(k)});
        EXPECT_EQ(r.exitCode, 2) << k;
        EXPECT_TRUE(r.err.startsWith(QStringLiteral("bagel-cli import: --top-k needs a whole number from 1 to 1000"))) << r.err.toStdString();
    }
    const test::CliResult all = run({QStringLiteral("import"), project, QStringLiteral("predictions"), npy, QStringLiteral("--model"),
                                     QStringLiteral("m"), QStringLiteral("--top-k"), QStringLiteral("1000")});
    EXPECT_EQ(all.exitCode, 0) << all.err.toStdString();
}

TEST_F(CliHardening, PipesAndDevicesAreRefusedWithoutBlocking)
{
    const QString pipe = fifo(QStringLiteral("pipe.csv"));
    const test::CliResult r = run({QStringLiteral("import"), project, QStringLiteral("predictions"), pipe, QStringLiteral("--model"), QStringLiteral("m")}, {}, 15);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, QStringLiteral("bagel-cli import: %1: a named pipe (FIFO), not a regular file\n").arg(pipe));

    const QString labelsPipe = fifo(QStringLiteral("labels.tsv"));
    const QString csv = test::writeFile(dir.path(QStringLiteral("p.csv")), "file_name,model,rank,class\nILSVRC2012_val_00000001.JPEG,m,1,65\n");
    const test::CliResult labels = run({QStringLiteral("import"), project, QStringLiteral("predictions"), csv, QStringLiteral("--labels"), labelsPipe}, {}, 15);
    EXPECT_EQ(labels.exitCode, 1);
    EXPECT_EQ(labels.err, QStringLiteral("bagel-cli import: %1: a named pipe (FIFO), not a regular file\n").arg(labelsPipe));

    const QString zero = dir.path(QStringLiteral("zero.jsonl"));
    ASSERT_TRUE(QFile::link(QStringLiteral("/dev/zero"), zero));
    const test::CliResult device = run({QStringLiteral("import"), project, QStringLiteral("predictions"), zero, QStringLiteral("--model"), QStringLiteral("m")});
    EXPECT_EQ(device.exitCode, 1);
    EXPECT_EQ(device.err, QStringLiteral("bagel-cli import: %1: a character device, not a regular file\n").arg(zero));

    const test::CliResult info = run({QStringLiteral("info"), project, QStringLiteral("--json")});
    EXPECT_TRUE(info.out.contains(QStringLiteral("\"items\": 0"))) << info.out.toStdString();
}

TEST_F(CliHardening, EmptyFileSaysSo)
{
    for (const char *name : {"e.jsonl", "e.tsv"}) {
        const QString path = test::writeFile(dir.path(QLatin1String(name)), {});
        const QString format = QLatin1String(name).endsWith(QLatin1String(".tsv")) ? QStringLiteral("labels") : QStringLiteral("predictions");
        const test::CliResult r = run({QStringLiteral("import"), project, format, path, QStringLiteral("--model"), QStringLiteral("m")});
        EXPECT_EQ(r.exitCode, 1) << name;
        EXPECT_EQ(r.err, QStringLiteral("bagel-cli import: %1: the file is empty\n").arg(path));
    }
}

TEST_F(CliHardening, ReviewFindsAnItemWhateverItsUnicodeSpelling)
{
    const QByteArray nfc("caf\xC3\xA9.jpg");
    const QString labels = test::writeFile(dir.path(QStringLiteral("l.tsv")), nfc + "\tn01440764\n");
    ASSERT_EQ(run({QStringLiteral("import"), project, QStringLiteral("labels"), labels}).exitCode, 0);
    const test::CliResult r = run({QStringLiteral("review"), project, QStringLiteral("--item"), QString::fromUtf8("cafe\xCC\x81.jpg"),
                                   QStringLiteral("--reviewer"), QStringLiteral("ann"), QStringLiteral("--verdict"), QStringLiteral("problematic")});
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
}
