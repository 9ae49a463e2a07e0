// bagel-cli's progress line: drawn on stderr when stderr is a terminal (a pseudo-terminal here),
// cleared at the end, silenced by --quiet, and never written into a pipe.

#include "cli/clicommon.h"
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
TerminalRun runOnTerminal(const QStringList &arguments, const QString &outFile, unsigned short columns = 120)
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
    size.ws_col = columns;
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

/**
 * The columns a terminal gives \a text, for the characters these tests use: CJK ideographs,
 * kana and fullwidth forms two, combining accents none, everything else one.
 */
int terminalColumns(const QString &text)
{
    int width = 0;
    for (const char32_t c : text.toUcs4()) {
        if (c >= 0x0300 && c <= 0x036f)
            continue;
        width += (c >= 0x3000 && c <= 0x9fff) || (c >= 0xff01 && c <= 0xff60) ? 2 : 1;
    }
    return width;
}

/** A predictions CSV that takes a good second to import, named \a name. */
QString bigPredictions(const test::TempDir &dir, const QString &name = QStringLiteral("big.csv"))
{
    QByteArray text = "file_name,model,rank,class,score\n";
    for (int i = 0; i < 60000; ++i) {
        const QByteArray name = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0')).toLatin1();
        for (int r = 1; r <= 5; ++r)
            text += name + ",big," + QByteArray::number(r) + ',' + QByteArray::number((i + r) % 1000) + ",0.1\n";
    }
    return test::writeFile(dir.path(name), text);
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

TEST(CliProgress, AFileNameOfWideCharactersAndControlsStaysOnOneLineWithinTheTerminal)
{
    test::TempDir dir;
    // Accented with a combining mark, a new line, an escape sequence that would paint the
    // terminal red, a carriage return, then ideographs enough to need cutting at 60 columns.
    const QString name = QStringLiteral("e\u0301t\u00e9\n\x1b[31m\rred_") + QString(30, QChar(0x4e88)) + QStringLiteral(".csv");
    const QString csv = bigPredictions(dir, name);
    const QString project = dir.path(QStringLiteral("p.bagel"));
    ASSERT_EQ(test::runCli({QStringLiteral("init"), project}).exitCode, 0);

    const TerminalRun run = runOnTerminal({QStringLiteral("--log-file"), dir.path(QStringLiteral("log")), QStringLiteral("import"),
                                           project, QStringLiteral("predictions"), csv},
                                          dir.path(QStringLiteral("out.txt")), 60);
    ASSERT_EQ(run.exitCode, 0) << run.terminal.toStdString();
    EXPECT_FALSE(run.terminal.contains('\n')) << run.terminal.toStdString();
    EXPECT_FALSE(run.terminal.contains('\x1b')) << "no escape sequence reaches the terminal";
    bool drawnName = false;
    int widest = 0;
    for (const QByteArray &segment : run.terminal.split('\r')) {
        const QString line = QString::fromUtf8(segment);
        EXPECT_LE(terminalColumns(line), 59) << segment.toStdString();
        widest = std::max(widest, terminalColumns(line));
        if (line.contains(QStringLiteral("Reading e\u0301t\u00e9??[31m?red_\u4e88"))) {
            drawnName = true;
            // The name is cut with an ellipsis, the figures after it kept.
            EXPECT_TRUE(line.contains(QStringLiteral("\u2026: "))) << "cut with an ellipsis: " << segment.toStdString();
            EXPECT_TRUE(line.contains(QStringLiteral(" MB"))) << "the figures stay: " << segment.toStdString();
        }
    }
    EXPECT_TRUE(drawnName) << run.terminal.toStdString();
    EXPECT_GE(widest, 55) << "the line uses the terminal's width, measured in columns";

    // With --verbose the log names the file too: its controls are shown, not obeyed.
    const QString second = dir.path(QStringLiteral("q.bagel"));
    ASSERT_EQ(test::runCli({QStringLiteral("init"), second}).exitCode, 0);
    const TerminalRun verbose = runOnTerminal({QStringLiteral("--verbose"), QStringLiteral("--log-file"), dir.path(QStringLiteral("log")),
                                               QStringLiteral("import"), second, QStringLiteral("predictions"), csv},
                                              dir.path(QStringLiteral("out.txt")), 60);
    ASSERT_EQ(verbose.exitCode, 0) << verbose.terminal.toStdString();
    EXPECT_FALSE(verbose.terminal.contains("\x1b[31m")) << "the file name's escape sequence reached the terminal";
    const qsizetype logged = verbose.terminal.indexOf("imported predictions");
    ASSERT_GE(logged, 0) << verbose.terminal.toStdString();
    const QByteArray logLine = verbose.terminal.mid(logged, verbose.terminal.indexOf('\n', logged) - logged);
    EXPECT_TRUE(logLine.contains("??[31m?red_")) << logLine.toStdString();
}

TEST(CliProgress, VerboseLogLinesClearTheProgressLineAndItIsDrawnAgainBelow)
{
    test::TempDir dir;
    const QString csv = bigPredictions(dir);
    const QString project = dir.path(QStringLiteral("p.bagel"));
    ASSERT_EQ(test::runCli({QStringLiteral("init"), project}).exitCode, 0);
    const TerminalRun run = runOnTerminal({QStringLiteral("--verbose"), QStringLiteral("--log-file"), dir.path(QStringLiteral("log")),
                                           QStringLiteral("import"), project, QStringLiteral("predictions"), csv},
                                          dir.path(QStringLiteral("out.txt")));
    ASSERT_EQ(run.exitCode, 0) << run.terminal.toStdString();
    // "imported predictions …" is logged at the end of the import, while the line is drawn.
    const qsizetype message = run.terminal.indexOf("imported predictions");
    ASSERT_GE(message, 0) << run.terminal.toStdString();
    const qsizetype lineEnd = run.terminal.lastIndexOf('\n', message);
    const QList<QByteArray> before = run.terminal.mid(lineEnd + 1, message - lineEnd - 1).split('\r');
    // Drawn, then blanked as wide as it was, and the log line starts at the line's start.
    ASSERT_GE(before.size(), 3) << "the progress line was drawn before the log line: " << run.terminal.toStdString();
    EXPECT_TRUE(before.last().startsWith("20") && before.last().contains("[info]")) << "the time stamp first: " << before.last().toStdString();
    const QByteArray blank = before[before.size() - 2];
    EXPECT_TRUE(blank.trimmed().isEmpty()) << "not cleared: " << blank.toStdString();
    qsizetype drawn = 0;
    for (qsizetype i = 0; i + 2 < before.size(); ++i)
        drawn = std::max<qsizetype>(drawn, terminalColumns(QString::fromUtf8(before[i])));
    EXPECT_GT(drawn, 0);
    EXPECT_GE(blank.size(), drawn) << "the blanks cover what was drawn";
    // After the log line the progress line is drawn again.
    const qsizetype next = run.terminal.indexOf('\n', message);
    ASSERT_GT(next, 0);
    const QByteArray after = run.terminal.mid(next + 1);
    EXPECT_TRUE(after.startsWith("\r") && after.contains("Reading big.csv")) << after.toStdString();
}

TEST(ProgressLineText, MeasuresColumnsCutsAndStripsControls)
{
    using cli::ProgressLine;
    EXPECT_EQ(ProgressLine::columns(QStringLiteral("abc")), 3);
    EXPECT_EQ(ProgressLine::columns(QStringLiteral("\u65e5\u672c")), 4) << "CJK: two columns each";
    EXPECT_EQ(ProgressLine::columns(QStringLiteral("Jose\u0301")), 4) << "a combining accent takes none";
    EXPECT_EQ(ProgressLine::columns(QString::fromUcs4(U"\U0001F600", 1)), 2);
    EXPECT_EQ(ProgressLine::printable(QStringLiteral("a\nb\rc\x1b[0m\u0085\u202Ed")), QStringLiteral("a?b?c?[0m??d"));
    EXPECT_EQ(ProgressLine::text(QStringLiteral("short"), -1.0, 80), QStringLiteral("short"));
    EXPECT_EQ(ProgressLine::text(QStringLiteral("half"), 0.5, 80), QStringLiteral(" 50% half"));
    // Ten ideographs are 20 columns: cut to fit 9 columns with the ellipsis.
    const QString cut = ProgressLine::text(QString(10, QChar(0x4e88)), -1.0, 10);
    EXPECT_LE(ProgressLine::columns(cut), 9);
    EXPECT_EQ(cut, QString(4, QChar(0x4e88)) + QChar(0x2026));
    // An accent stays with its letter: nothing is cut between them.
    const QString accents = ProgressLine::text(QStringLiteral("e\u0301e\u0301e\u0301e\u0301"), -1.0, 4);
    EXPECT_EQ(accents, QStringLiteral("e\u0301e\u0301\u2026"));
    EXPECT_TRUE(ProgressLine::text(QStringLiteral("anything"), -1.0, 1).isEmpty());
    // A long file name in the stage is cut, not the figures after it.
    const QString figures = QStringLiteral(": 120 MB of 418 MB · 65 MB/s · 5 s left");
    const QString longStage = QStringLiteral("Reading ") + QString(200, QLatin1Char('L')) + QStringLiteral(".csv");
    const QString line = ProgressLine::text(longStage, 0.46, 80, figures);
    EXPECT_LE(ProgressLine::columns(line), 79);
    EXPECT_TRUE(line.startsWith(QStringLiteral(" 46% Reading LLL"))) << line.toStdString();
    EXPECT_TRUE(line.endsWith(QStringLiteral("\u2026") + figures)) << line.toStdString();
    // Too narrow to keep them: the line is cut at its end as before.
    EXPECT_LE(ProgressLine::columns(ProgressLine::text(longStage, 0.46, 30, figures)), 29);
}
