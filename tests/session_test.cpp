// Saved means saved: a process holding a project the way the review window does (a main
// connection plus the writer thread's, bagel-session-driver) records verdicts while other
// processes open, read, write and close the same file. Every verdict acknowledged as saved must
// be seen by the others at once and be in the file after everyone quits; the window's
// write-ahead log must never be unlinked under it.

#include "error.h"
#include "image/imagedecoder.h"
#include "import/importer.h"
#include "project.h"
#include "review/reviewwriter.h"
#include "storage/sqlitestore.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include <sqlite3.h>

using namespace bagel;

namespace {

QString sessionDriverPath()
{
    return QStringLiteral(BAGEL_SESSION_DRIVER_PATH);
}

/** The number of reviews another process (bagel-cli info --json) sees. */
qint64 reviewsSeenByAnotherProcess(const QString &path)
{
    const test::CliResult r = test::runCli({QStringLiteral("info"), path, QStringLiteral("--json")});
    EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("\"reviews\"\\s*:\\s*(\\d+)")).match(r.out);
    EXPECT_TRUE(m.hasMatch()) << r.out.toStdString();
    return m.captured(1).toLongLong();
}

QSet<QString> notesInFile(const QString &path)
{
    const auto project = Project::open(path, true);
    QSet<QString> notes;
    project->store().forEachReview([&notes](const ReviewRecord &r) { notes.insert(r.note); });
    return notes;
}

/** bagel-session-driver in a child process, driven line by line. */
class Session
{
public:
    Session(const QString &path, const QString &reviewer, bool churn = false)
    {
        QStringList args{path, reviewer};
        if (churn)
            args << QStringLiteral("--churn");
        m_process.start(sessionDriverPath(), args);
        EXPECT_TRUE(m_process.waitForStarted(10000));
    }

    ~Session()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10000);
        }
    }

    /** Sends \a command and returns its one-line answer (empty on a time-out). */
    QString ask(const QByteArray &command)
    {
        m_process.write(command + '\n');
        m_process.waitForBytesWritten(5000);
        QDeadlineTimer deadline(60000);
        for (;;) {
            while (!m_buffer.contains('\n') && !deadline.hasExpired() && m_process.state() == QProcess::Running) {
                m_process.waitForReadyRead(100);
                m_buffer += m_process.readAllStandardOutput();
            }
            const qsizetype end = m_buffer.indexOf('\n');
            if (end < 0) {
                ADD_FAILURE() << "no answer to " << command.toStdString() << "; stderr: "
                              << m_process.readAllStandardError().toStdString();
                return {};
            }
            const QString line = QString::fromUtf8(m_buffer.left(end));
            m_buffer.remove(0, end + 1);
            // Only the driver's answers; a log line that reached standard output is skipped.
            static const QRegularExpression answer(QStringLiteral("^(ack|fail|count|fds) "));
            if (answer.match(line).hasMatch())
                return line;
        }
    }

    /** Records a verdict; returns its note once acknowledged as saved, else fails the test. */
    QString review()
    {
        const QString answer = ask("review");
        const QStringList parts = answer.split(QLatin1Char(' '));
        EXPECT_EQ(parts.value(0), QStringLiteral("ack")) << answer.toStdString();
        return parts.value(0) == QLatin1String("ack") ? parts.value(1) : QString();
    }

    int deletedDescriptors() { return ask("fds").section(QLatin1Char(' '), 1).toInt(); }
    qint64 count() { return ask("count").section(QLatin1Char(' '), 1).toLongLong(); }

    int quit()
    {
        m_process.write("quit\n");
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(60000))
            return -1;
        const QByteArray err = m_process.readAllStandardError();
        if (!err.isEmpty())
            std::fprintf(stderr, "session: %s\n", err.constData());
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

private:
    QProcess m_process;
    QByteArray m_buffer;
};

/** Each step another process takes on the project; returns how many reviews it added. */
struct Step
{
    const char *name;
    std::function<qint64(const test::TempDir &, const QString &project, int round)> run;
};

qint64 expectCli(const QStringList &args)
{
    const test::CliResult r = test::runCli(args);
    EXPECT_EQ(r.exitCode, 0) << args.join(QLatin1Char(' ')).toStdString() << ": " << r.err.toStdString();
    return 0;
}

std::vector<Step> steps()
{
    const auto S = [](const char *s) { return QString::fromLatin1(s); };
    return {
        {"info", [S](const test::TempDir &, const QString &p, int) { return expectCli({S("info"), p}); }},
        {"review",
         [S](const test::TempDir &, const QString &p, int round) {
             expectCli({S("review"), p, S("--item"), S("ILSVRC2012_val_00000003.JPEG"), S("--reviewer"), S("cli"),
                        S("--verdict"), S("correct"), S("--note"), S("cli-%1").arg(round)});
             return qint64(1);
         }},
        {"agreement", [S](const test::TempDir &, const QString &p, int) { return expectCli({S("agreement"), p}); }},
        {"report", [S](const test::TempDir &, const QString &p, int) { return expectCli({S("report"), p}); }},
        {"export",
         [S](const test::TempDir &dir, const QString &p, int round) {
             return expectCli({S("export"), p, S("csv"), dir.path(S("export-%1.csv").arg(round))});
         }},
        {"check", [S](const test::TempDir &, const QString &p, int) { return expectCli({S("check"), p}); }},
        {"merge",
         [S](const test::TempDir &dir, const QString &p, int round) {
             // A copy of the project reviewed elsewhere: one new review to merge in.
             const QString source = dir.path(S("source-%1.bagel").arg(round));
             SqliteStore::snapshot(p, source);
             expectCli({S("review"), source, S("--item"), S("ILSVRC2012_val_00000004.JPEG"), S("--reviewer"),
                        S("elsewhere"), S("--verdict"), S("unclear"), S("--note"), S("merged-%1").arg(round)});
             expectCli({S("merge"), p, source});
             return qint64(1);
         }},
        {"second window",
         [S](const test::TempDir &, const QString &p, int round) {
             Session second(p, S("second-%1").arg(round));
             const bool saved = !second.review().isEmpty();
             EXPECT_EQ(second.quit(), 0);
             return qint64(saved ? 1 : 0);
         }},
    };
}

} // namespace

// The window records verdicts while every kind of other process comes and goes, in several
// orders; after each, the window records again and another process must see every review.
TEST(SavedMeansSaved, TheWindowsVerdictsSurviveEveryOtherProcessOpeningAndClosingTheProject)
{
    std::mt19937 random(20261206u);
    for (int order = 0; order < 3; ++order) {
        SCOPED_TRACE("order " + std::to_string(order));
        test::TempDir dir;
        const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 40);
        std::vector<Step> plan = steps();
        if (order > 0)
            std::shuffle(plan.begin(), plan.end(), random);

        Session window(path, QStringLiteral("window"));
        QStringList saved;
        qint64 expected = 0;
        saved << window.review();
        ++expected;
        ASSERT_EQ(reviewsSeenByAnotherProcess(path), expected);
        for (std::size_t i = 0; i < plan.size(); ++i) {
            SCOPED_TRACE(std::string("after ") + plan[i].name);
            expected += plan[i].run(dir, path, int(order * 100 + i));
            // The window keeps saving; each save must reach the file, not a log nobody sees.
            for (int k = 0; k < 2; ++k) {
                saved << window.review();
                ++expected;
            }
            EXPECT_EQ(window.deletedDescriptors(), 0) << "the window writes into a deleted file";
            EXPECT_EQ(reviewsSeenByAnotherProcess(path), expected);
            EXPECT_EQ(window.count(), expected);
        }
        ASSERT_EQ(window.quit(), 0);
        const QSet<QString> notes = notesInFile(path);
        for (const QString &note : saved)
            EXPECT_TRUE(notes.contains(note)) << note.toStdString() << " was acknowledged but is not in the file";
        EXPECT_EQ(qint64(notes.size()), expected);
        const test::CliResult check = test::runCli({QStringLiteral("check"), path});
        EXPECT_EQ(check.exitCode, 0) << check.out.toStdString();
    }
}

// The same with the window's workers opening and closing read-only connections all the time
// inside the window's process, while other processes open and close the file.
TEST(SavedMeansSaved, WorkersOpeningAndClosingConnectionsInTheWindowsProcessLoseNothing)
{
    test::TempDir dir;
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 40);
    Session window(path, QStringLiteral("window"), true);
    QStringList saved;
    for (int round = 0; round < 12; ++round) {
        saved << window.review();
        expectCli({QStringLiteral("info"), path});
        saved << window.review();
        EXPECT_EQ(window.deletedDescriptors(), 0) << "round " << round;
        EXPECT_EQ(reviewsSeenByAnotherProcess(path), qint64(saved.size())) << "round " << round;
    }
    ASSERT_EQ(window.quit(), 0);
    const QSet<QString> notes = notesInFile(path);
    for (const QString &note : saved)
        EXPECT_TRUE(notes.contains(note)) << note.toStdString();
}

// Inside one process: the window's two connections (main and writer), and two more opened and
// closed over and over on other threads, while child processes open and close the file.
TEST(SavedMeansSaved, ConnectionsOpenedAndClosedInOneProcessKeepEachOthersLocks)
{
    test::TempDir dir;
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 40);
    const auto main = Project::open(path);
    ReviewWriter writer(path);
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 2; ++w) {
        workers.emplace_back([&] {
            while (!stop) {
                try {
                    const auto reader = Project::open(path, true);
                    reader->store().counts();
                    SqliteStore::checkFileHeader(path);
                } catch (const Error &) {
                    ++failures;
                }
            }
        });
    }
    QSignalSpy done(&writer, &ReviewWriter::done);
    QSignalSpy failed(&writer, &ReviewWriter::failed);
    int recorded = 0;
    for (int round = 0; round < 10; ++round) {
        for (int k = 0; k < 2; ++k) {
            ReviewInput in;
            in.fileName = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(recorded % 40 + 1, 8, 10, QLatin1Char('0'));
            in.reviewer = QStringLiteral("window");
            in.model = QStringLiteral("m");
            in.verdict = Verdict::Correct;
            in.note = QStringLiteral("n%1").arg(recorded++);
            writer.record(in);
            writer.flush();
        }
        // The project file handed in as a data file or shown as an image: refused, never opened
        // (closing a descriptor of it would drop the connections' locks).
        try {
            importFile(*main, ImportFormat::Labels, path);
            ADD_FAILURE() << "imported the project into itself";
        } catch (const Error &e) {
            EXPECT_TRUE(e.message().contains(QStringLiteral("open in this program"))) << e.message().toStdString();
        }
        EXPECT_TRUE(decodeImage(path).isNull());
        expectCli({QStringLiteral("info"), path});
        EXPECT_EQ(reviewsSeenByAnotherProcess(path), recorded) << "round " << round;
        EXPECT_EQ(main->store().counts().reviews, recorded) << "round " << round;
    }
    stop = true;
    for (std::thread &t : workers)
        t.join();
    QCoreApplication::processEvents();
    EXPECT_EQ(failed.size(), 0);
    EXPECT_EQ(done.size(), recorded);
    EXPECT_EQ(failures.load(), 0);
}

namespace {

QString faultWriterPath()
{
    return QStringLiteral(BAGEL_FAULT_WRITER_PATH);
}

/** The notes of a writer's complete `ack NOTE ID` lines (a line cut off by a kill does not count). */
QStringList acknowledgedNotes(const QByteArray &output)
{
    QStringList notes;
    const qsizetype complete = output.lastIndexOf('\n') + 1;
    for (const QByteArray &line : output.left(complete).split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() == 3 && parts[0] == "ack")
            notes << QString::fromUtf8(parts[1]);
    }
    return notes;
}

} // namespace

// The fault tests with the window in the mix: the window saves while command-line writers run
// beside it and are killed at random moments, and while two more write a few hundred verdicts
// each. No verdict acknowledged by anyone is lost.
TEST(SavedMeansSaved, TheWindowLosesNothingWhileOtherWritersRunAndAreKilled)
{
    test::TempDir dir;
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 200);
    std::mt19937 random(20261206u);
    Session window(path, QStringLiteral("window"), true);
    QStringList acknowledged;

    QProcess steady[2];
    for (int i = 0; i < 2; ++i) {
        steady[i].start(faultWriterPath(), {path, QStringLiteral("steady%1").arg(i), QStringLiteral("300")});
        ASSERT_TRUE(steady[i].waitForStarted(10000));
    }
    int killsAfterAcks = 0;
    for (int round = 0; round < 12; ++round) {
        SCOPED_TRACE(round);
        QProcess victim;
        victim.start(faultWriterPath(), {path, QStringLiteral("victim%1").arg(round), QStringLiteral("0")});
        ASSERT_TRUE(victim.waitForStarted(10000));
        QByteArray output;
        // The kill lands among the victim's saves: first its first acknowledged save (a slow
        // start, under a sanitizer or a loaded machine, must not turn every kill into a kill
        // before anything was saved), then a random moment.
        QDeadlineTimer started(30000);
        while (acknowledgedNotes(output).isEmpty() && !started.hasExpired() && victim.state() == QProcess::Running) {
            acknowledged << window.review();
            victim.waitForReadyRead(10);
            output += victim.readAllStandardOutput();
        }
        QDeadlineTimer until(std::uniform_int_distribution<int>(0, 600)(random));
        while (!until.hasExpired()) {
            acknowledged << window.review();
            victim.waitForReadyRead(10);
            output += victim.readAllStandardOutput();
        }
        victim.kill();
        victim.waitForFinished(10000);
        output += victim.readAllStandardOutput();
        const QStringList acks = acknowledgedNotes(output);
        killsAfterAcks += !acks.isEmpty();
        acknowledged << acks;
        EXPECT_EQ(window.deletedDescriptors(), 0);
    }
    for (QProcess &p : steady) {
        ASSERT_TRUE(p.waitForFinished(120000));
        EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
        acknowledged << acknowledgedNotes(p.readAllStandardOutput());
    }
    acknowledged << window.review();
    const qint64 seen = reviewsSeenByAnotherProcess(path);
    ASSERT_EQ(window.quit(), 0);

    const QSet<QString> notes = notesInFile(path);
    int lost = 0;
    for (const QString &note : acknowledged)
        lost += !notes.contains(note);
    EXPECT_EQ(lost, 0) << "of " << acknowledged.size() << " acknowledged verdicts";
    EXPECT_GE(seen, qint64(acknowledged.size()));
    EXPECT_GT(killsAfterAcks, 0) << "no kill landed among a writer's saves";
    const test::CliResult check = test::runCli({QStringLiteral("check"), path});
    EXPECT_EQ(check.exitCode, 0) << check.out.toStdString();
    RecordProperty("acknowledged", int(acknowledged.size()));
    RecordProperty("kills_after_acks", killsAfterAcks);
}

// A trigger added by another program while the window is open: the window's writer, open since
// before, checks again (the schema changed) and refuses to write rather than run it.
TEST(SavedMeansSaved, ATriggerAddedWhileTheWindowIsOpenNeverRuns)
{
    test::TempDir dir;
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 20);
    Session window(path, QStringLiteral("window"));
    EXPECT_FALSE(window.review().isEmpty());
    {
        sqlite3 *db = nullptr;
        ASSERT_EQ(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
        sqlite3_busy_timeout(db, 10000);
        ASSERT_EQ(sqlite3_exec(db, "CREATE TRIGGER pwn AFTER INSERT ON reviews BEGIN INSERT INTO meta VALUES ('pwned-' || NEW.id, 'x'); END",
                               nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    const QString answer = window.ask("review");
    EXPECT_TRUE(answer.startsWith(QLatin1String("fail"))) << answer.toStdString();
    EXPECT_TRUE(answer.contains(QLatin1String("pwn"))) << answer.toStdString();
    ASSERT_EQ(window.quit(), 0);
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM meta WHERE key LIKE 'pwned-%'", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(st, 0), 0) << "the foreign trigger ran";
    sqlite3_finalize(st);
    sqlite3_close(db);
}
