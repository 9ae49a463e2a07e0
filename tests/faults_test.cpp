// Faults: a writer killed at random moments, several writers at once, damaged and foreign
// project files. Each test runs the real program paths in child processes and checks the file
// afterwards with the same checks `bagel-cli check` runs.

#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "storage/projectcheck.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <random>

#include <sqlite3.h>

using namespace bagel;

namespace {

QString faultWriterPath()
{
    return QStringLiteral(BAGEL_FAULT_WRITER_PATH);
}

/** A project of \a items items with labels and one model's predictions. */
QString makeProject(const test::TempDir &dir, int items)
{
    return test::makeProject(dir, QStringLiteral("faults.bagel"), items);
}

/** note → review id of every review in the project. */
QHash<QString, ReviewId> reviewsByNote(const QString &path)
{
    const auto project = Project::open(path);
    QHash<QString, ReviewId> out;
    project->store().forEachReview([&out](const ReviewRecord &r) { out.insert(r.note, r.id); });
    return out;
}

/** The `ack NOTE ID` lines of a writer's output (a last line cut off by the kill does not count). */
QHash<QString, ReviewId> acknowledgements(const QByteArray &output, QStringList *failures = nullptr)
{
    QHash<QString, ReviewId> acks;
    const qsizetype complete = output.lastIndexOf('\n') + 1;
    for (const QByteArray &line : output.left(complete).split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() == 3 && parts[0] == "ack")
            acks.insert(QString::fromUtf8(parts[1]), parts[2].toLongLong());
        else if (line.startsWith("fail") && failures)
            *failures << QString::fromUtf8(line);
    }
    return acks;
}

QString describe(const CheckReport &report)
{
    QStringList out;
    for (const CheckFinding &f : report.findings) {
        if (f.level != CheckFinding::Level::Ok)
            out << f.check + QStringLiteral(": ") + f.message;
    }
    return out.join(QLatin1String("; "));
}

void setSchemaVersion(const QString &path, int version)
{
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    const QByteArray sql = "UPDATE meta SET value = '" + QByteArray::number(version) + "' WHERE key = 'schema_version'";
    EXPECT_EQ(sqlite3_exec(db, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

} // namespace

TEST(Faults, AWriterKilledAtRandomMomentsLosesNoAcknowledgedVerdict)
{
    test::TempDir dir;
    const QString path = makeProject(dir, 300);
    const unsigned seed = qEnvironmentVariableIsSet("BAGEL_FAULT_SEED") ? qEnvironmentVariableIntValue("BAGEL_FAULT_SEED") : 20261127u;
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> delay(5, 600);
    QHash<QString, ReviewId> acknowledged;
    int roundsWithAcks = 0;
    constexpr int kRounds = 60;
    for (int round = 0; round < kRounds; ++round) {
        SCOPED_TRACE(QStringLiteral("seed %1, round %2").arg(seed).arg(round).toStdString());
        QProcess writer;
        writer.start(faultWriterPath(), {path, QStringLiteral("r%1").arg(round), QStringLiteral("0")});
        ASSERT_TRUE(writer.waitForStarted(10000));
        // Read while waiting, so the pipe never fills; then kill without warning. Even rounds
        // count from the start (the kill may land while the project opens), odd ones from the
        // first acknowledgement (it lands among the writes, however slow the machine).
        QByteArray output;
        if (round % 2 == 1) {
            QDeadlineTimer firstAck(20000);
            while (!output.contains('\n') && !firstAck.hasExpired() && writer.state() == QProcess::Running) {
                writer.waitForReadyRead(50);
                output += writer.readAllStandardOutput();
            }
        }
        QDeadlineTimer deadline(delay(random));
        while (!deadline.hasExpired()) {
            writer.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
            output += writer.readAllStandardOutput();
        }
        // It must still be running: a writer that stopped on its own failed (and a pid of 0
        // would signal this whole process group).
        ASSERT_EQ(writer.state(), QProcess::Running) << writer.readAllStandardError().toStdString() << output.toStdString();
        ASSERT_GT(writer.processId(), 0);
        ASSERT_EQ(::kill(pid_t(writer.processId()), SIGKILL), 0);
        ASSERT_TRUE(writer.waitForFinished(10000));
        output += writer.readAllStandardOutput();
        EXPECT_EQ(writer.exitStatus(), QProcess::CrashExit);

        QStringList failures;
        const QHash<QString, ReviewId> acks = acknowledgements(output, &failures);
        EXPECT_TRUE(failures.isEmpty()) << failures.join(QLatin1Char('\n')).toStdString();
        roundsWithAcks += !acks.isEmpty();
        acknowledged.insert(acks);

        // Reopened as a user would after the crash: sound, and every acknowledged verdict is there.
        const CheckReport check = checkProject(path);
        ASSERT_TRUE(check.ok()) << describe(check).toStdString();
        EXPECT_EQ(check.count(CheckFinding::Level::Warning), 0) << describe(check).toStdString();
        const QHash<QString, ReviewId> stored = reviewsByNote(path);
        for (auto it = acknowledged.constBegin(); it != acknowledged.constEnd(); ++it) {
            ASSERT_TRUE(stored.contains(it.key())) << "acknowledged but lost: " << it.key().toStdString();
            EXPECT_EQ(stored.value(it.key()), it.value()) << it.key().toStdString();
        }
    }
    std::printf("%d kills; %d of them after some verdicts were saved; %d verdicts acknowledged, none lost\n", kRounds, roundsWithAcks,
                int(acknowledged.size()));
    EXPECT_GE(roundsWithAcks, kRounds / 2) << "most kills should land after some verdicts were saved";
    EXPECT_GT(acknowledged.size(), 500);
}

TEST(Faults, FourProcessesRecordingAThousandVerdictsEachLoseNone)
{
    test::TempDir dir;
    const QString path = makeProject(dir, 500);
    std::vector<std::unique_ptr<QProcess>> writers;
    for (int w = 0; w < 4; ++w) {
        writers.push_back(std::make_unique<QProcess>());
        writers.back()->start(faultWriterPath(), {path, QStringLiteral("w%1").arg(w), QStringLiteral("1000")});
        ASSERT_TRUE(writers.back()->waitForStarted(10000));
    }
    QSet<QString> notes;
    for (int w = 0; w < 4; ++w) {
        QProcess &writer = *writers[std::size_t(w)];
        QByteArray output;
        while (writer.state() != QProcess::NotRunning) {
            writer.waitForFinished(100);
            output += writer.readAllStandardOutput();
        }
        output += writer.readAllStandardOutput();
        EXPECT_EQ(writer.exitStatus(), QProcess::NormalExit);
        EXPECT_EQ(writer.exitCode(), 0) << writer.readAllStandardError().toStdString();
        QStringList failures;
        const QHash<QString, ReviewId> acks = acknowledgements(output, &failures);
        EXPECT_TRUE(failures.isEmpty()) << failures.join(QLatin1Char('\n')).toStdString();
        EXPECT_EQ(acks.size(), 1000) << "writer " << w;
        for (auto it = acks.constBegin(); it != acks.constEnd(); ++it)
            notes.insert(it.key());
    }
    EXPECT_EQ(notes.size(), 4000);
    const QHash<QString, ReviewId> stored = reviewsByNote(path);
    EXPECT_EQ(stored.size(), 4000) << "exactly the 4,000 reviews, none twice";
    for (const QString &note : notes)
        EXPECT_TRUE(stored.contains(note)) << note.toStdString();
    const CheckReport check = checkProject(path);
    EXPECT_TRUE(check.ok()) << describe(check).toStdString();
}

TEST(Faults, DamagedOrForeignProjectFilesGiveAClearErrorAndAreNeverWritten)
{
    test::TempDir dir;
    const QString good = makeProject(dir, 20);
    QFile source(good);
    ASSERT_TRUE(source.open(QIODevice::ReadOnly));
    const QByteArray bytes = source.readAll();
    source.close();

    struct Case
    {
        const char *name;
        QByteArray content;
        const char *expected; ///< in the error message
    };
    QByteArray garbage;
    for (int i = 0; i < 5000; ++i)
        garbage += char(i * 31 % 251);
    const QVector<Case> cases{
        {"empty.bagel", QByteArray(), "empty"},
        {"truncated.bagel", bytes.left(bytes.size() / 3), "truncated"},
        {"header-only.bagel", bytes.left(100), "truncated"},
        {"garbage.bagel", garbage, "not a Bagel project"},
        {"text.bagel", "SQLite format 3 but not really\n", "not a Bagel project"},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.name);
        const QString path = test::writeFile(dir.path(QLatin1String(c.name)), c.content);
        const QByteArray before = test::fileHash(path);
        for (const bool readOnly : {false, true}) {
            try {
                Project::open(path, readOnly);
                ADD_FAILURE() << "opened";
            } catch (const Error &e) {
                EXPECT_TRUE(e.message().contains(path)) << e.message().toStdString();
                EXPECT_TRUE(e.message().contains(QLatin1String(c.expected))) << e.message().toStdString();
            }
        }
        const CheckReport check = checkProject(path);
        EXPECT_FALSE(check.ok());
        EXPECT_EQ(test::fileHash(path), before) << "never written";
        EXPECT_FALSE(QFile::exists(path + QStringLiteral("-wal")));
    }

    // A file from a newer Bagel: refused, unchanged, no backup, no upgrade.
    const QString newer = dir.path(QStringLiteral("newer.bagel"));
    ASSERT_TRUE(QFile::copy(good, newer));
    setSchemaVersion(newer, 99);
    const QByteArray before = test::fileHash(newer);
    try {
        Project::open(newer);
        ADD_FAILURE() << "opened";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QStringLiteral("newer Bagel"))) << e.message().toStdString();
    }
    EXPECT_EQ(test::fileHash(newer), before);
    const CheckReport check = checkProject(newer);
    EXPECT_FALSE(check.ok());
    EXPECT_TRUE(describe(check).contains(QStringLiteral("schema version 99"))) << describe(check).toStdString();
}

TEST(Faults, CheckFindsWhatWasBrokenBehindBagelsBack)
{
    test::TempDir dir;
    const QString path = makeProject(dir, 20);
    {
        auto project = Project::open(path);
        ReviewInput in;
        in.fileName = QStringLiteral("ILSVRC2012_val_00000001.JPEG");
        in.reviewer = QStringLiteral("ann");
        in.verdict = Verdict::Correct;
        project->recordReview(in);
    }
    const CheckReport healthy = checkProject(path);
    EXPECT_TRUE(healthy.ok()) << describe(healthy).toStdString();
    EXPECT_EQ(healthy.count(CheckFinding::Level::Warning), 0) << describe(healthy).toStdString();
    EXPECT_GE(healthy.findings.size(), 8);

    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    const char *sabotage = "PRAGMA foreign_keys = OFF;"
                           "DROP TRIGGER reviews_append_only_update;"
                           "UPDATE reviews SET created_at = 'last Tuesday';"
                           "DELETE FROM items WHERE id = 20;"
                           "INSERT INTO reviews (item_id, model_id, reviewer_id, created_at, verdict, retracts, uid) "
                           "SELECT 2, model_id, reviewer_id, created_at, NULL, id, 'x' FROM reviews LIMIT 1;";
    ASSERT_EQ(sqlite3_exec(db, sabotage, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);

    const CheckReport broken = checkProject(path);
    EXPECT_FALSE(broken.ok());
    QStringList failed;
    for (const CheckFinding &f : broken.findings) {
        if (f.level == CheckFinding::Level::Error)
            failed << f.check;
    }
    // The dropped trigger shows twice: missing from the schema, and the history left unguarded.
    EXPECT_EQ(failed, (QStringList{QStringLiteral("foreign-keys"), QStringLiteral("schema-objects"), QStringLiteral("append-only"),
                                   QStringLiteral("undo"), QStringLiteral("times")}));

    // bagel-cli check: the report on stdout, one line on stderr, exit status 1.
    const test::CliResult cli = test::runCli({QStringLiteral("check"), path}, dir.path(QStringLiteral("xdg")));
    EXPECT_EQ(cli.exitCode, 1);
    EXPECT_TRUE(cli.out.contains(QStringLiteral("ERROR    append-only"))) << cli.out.toStdString();
    EXPECT_EQ(cli.err.count(QLatin1Char('\n')), 1) << cli.err.toStdString();
    EXPECT_TRUE(cli.err.contains(QStringLiteral("5 problem(s) found"))) << cli.err.toStdString();
}
