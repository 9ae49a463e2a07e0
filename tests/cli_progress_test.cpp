// bagel-cli's progress line: drawn on stderr when stderr is a terminal (a pseudo-terminal here),
// cleared at the end, silenced by --quiet, and never written into a pipe.

#include "testsupport.h"

#include <QFile>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

using namespace bagel;

namespace {

struct TerminalRun
{
    int exitCode = -1;
    QByteArray terminal; ///< what the command wrote on its stderr, the terminal
    QByteArray out;      ///< its stdout, a file
};

/** Runs bagel-cli with its stderr on a pseudo-terminal and its stdout in a file. */
TerminalRun runOnTerminal(const QStringList &arguments, const QString &outFile)
{
    std::vector<std::string> strings{test::cliPath().toStdString()};
    for (const QString &a : arguments)
        strings.push_back(a.toStdString());
    std::vector<char *> argv;
    for (std::string &s : strings)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    const std::string outPath = outFile.toStdString();

    int master = -1;
    int slave = -1;
    winsize size{};
    size.ws_col = 120;
    size.ws_row = 30;
    if (::openpty(&master, &slave, nullptr, nullptr, &size) != 0)
        return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int in = ::open("/dev/null", O_RDONLY);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(slave, 2);
        ::close(master);
        ::close(slave);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(slave);
    TerminalRun run;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n > 0)
            run.terminal.append(buffer, qsizetype(n));
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break; // EIO: the command exited and the terminal's last writer is gone
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    QFile file(outFile);
    if (file.open(QIODevice::ReadOnly))
        run.out = file.readAll();
    return run;
}

/** A predictions CSV that takes a good second to import. */
QString bigPredictions(const test::TempDir &dir)
{
    QByteArray text = "file_name,model,rank,class,score\n";
    for (int i = 0; i < 60000; ++i) {
        const QByteArray name = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0')).toLatin1();
        for (int r = 1; r <= 5; ++r)
            text += name + ",big," + QByteArray::number(r) + ',' + QByteArray::number((i + r) % 1000) + ",0.1\n";
    }
    return test::writeFile(dir.path(QStringLiteral("big.csv")), text);
}

} // namespace

TEST(CliProgress, DrawsALineOnATerminalAndClearsIt)
{
    test::TempDir dir;
    const QString csv = bigPredictions(dir);
    const QString project = dir.path(QStringLiteral("p.bagel"));
    ASSERT_EQ(test::runCli({QStringLiteral("init"), project}).exitCode, 0);

    const TerminalRun run = runOnTerminal({QStringLiteral("--log-file"), dir.path(QStringLiteral("log")), QStringLiteral("import"),
                                           project, QStringLiteral("predictions"), csv},
                                          dir.path(QStringLiteral("out.txt")));
    ASSERT_EQ(run.exitCode, 0) << run.terminal.toStdString();
    EXPECT_TRUE(run.out.startsWith("Imported predictions from")) << run.out.toStdString();
    // Redrawn in place: carriage returns, the stage, how far, and no new lines.
    EXPECT_TRUE(run.terminal.contains("\rReading big.csv") || run.terminal.contains("% Reading big.csv")) << run.terminal.toStdString();
    EXPECT_TRUE(run.terminal.contains(" MB of ")) << run.terminal.toStdString();
    EXPECT_FALSE(run.terminal.contains('\n')) << run.terminal.toStdString();
    EXPECT_GE(run.terminal.count('\r'), 2);
    // Cleared at the end: the last thing on the line is blanks, the cursor back at its start.
    ASSERT_TRUE(run.terminal.endsWith('\r'));
    const qsizetype lastDraw = run.terminal.lastIndexOf('\r', run.terminal.size() - 2);
    ASSERT_GE(lastDraw, 0);
    EXPECT_TRUE(run.terminal.mid(lastDraw + 1, run.terminal.size() - lastDraw - 2).trimmed().isEmpty());
    // Never wider than the terminal (120 columns).
    for (const QByteArray &line : run.terminal.split('\r'))
        EXPECT_LE(QString::fromUtf8(line).size(), 120);
}

TEST(CliProgress, QuietDrawsNothing)
{
    test::TempDir dir;
    const QString csv = bigPredictions(dir);
    const QString project = dir.path(QStringLiteral("p.bagel"));
    ASSERT_EQ(test::runCli({QStringLiteral("init"), project}).exitCode, 0);
    const TerminalRun run = runOnTerminal({QStringLiteral("--quiet"), QStringLiteral("--log-file"), dir.path(QStringLiteral("log")),
                                           QStringLiteral("import"), project, QStringLiteral("predictions"), csv},
                                          dir.path(QStringLiteral("out.txt")));
    ASSERT_EQ(run.exitCode, 0) << run.terminal.toStdString();
    EXPECT_TRUE(run.terminal.isEmpty()) << run.terminal.toStdString();
    EXPECT_TRUE(run.out.startsWith("Imported predictions from"));
}

TEST(CliProgress, NothingIsDrawnIntoAPipe)
{
    test::TempDir dir;
    const QString csv = bigPredictions(dir);
    const QString project = dir.path(QStringLiteral("p.bagel"));
    ASSERT_EQ(test::runCli({QStringLiteral("init"), project}).exitCode, 0);
    const test::CliResult r = test::runCli({QStringLiteral("import"), project, QStringLiteral("predictions"), csv},
                                           dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.isEmpty()) << r.err.toStdString();
    const test::CliResult e = test::runCli({QStringLiteral("export"), project, QStringLiteral("csv"), dir.path(QStringLiteral("all.csv"))},
                                           dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(e.exitCode, 0) << e.err.toStdString();
    EXPECT_TRUE(e.err.isEmpty()) << e.err.toStdString();
}

TEST(CliProgress, AFailureOnATerminalIsOneLineAfterTheClearedProgress)
{
    test::TempDir dir;
    QFile big(bigPredictions(dir));
    ASSERT_TRUE(big.open(QIODevice::ReadOnly));
    QByteArray text = big.readAll();
    text += "ILSVRC2012_val_00000001.JPEG,big,1,not-a-class,0.1\n"; // an error on the last line
    const QString broken = test::writeFile(dir.path(QStringLiteral("broken.csv")), text);
    const QString project = dir.path(QStringLiteral("p.bagel"));
    ASSERT_EQ(test::runCli({QStringLiteral("init"), project}).exitCode, 0);
    const TerminalRun run = runOnTerminal({QStringLiteral("--log-file"), dir.path(QStringLiteral("log")), QStringLiteral("import"),
                                           project, QStringLiteral("predictions"), broken},
                                          dir.path(QStringLiteral("out.txt")));
    EXPECT_EQ(run.exitCode, 1);
    // The terminal turns "\n" into "\r\n": the error is the one line after the cleared progress.
    const qsizetype error = run.terminal.indexOf("bagel-cli import: ");
    ASSERT_GE(error, 0) << run.terminal.toStdString();
    EXPECT_TRUE(run.terminal.left(error).trimmed().isEmpty() || run.terminal.at(error - 1) == '\r') << run.terminal.toStdString();
    EXPECT_EQ(run.terminal.mid(error).count('\n'), 1) << run.terminal.toStdString();
    EXPECT_TRUE(run.terminal.mid(error).contains("not-a-class"));
}
