// Nothing can destroy or hang a project: exports and reports onto the project by any name,
// device nodes and FIFOs as outputs, a FIFO as the project, a project changed behind Bagel's
// back, a failing schema upgrade, another user's read, a full disk. Each case runs the real
// bagel-cli in a child process and checks the file afterwards.

#include "error.h"
#include "import/importer.h"
#include "project.h"
#include "storage/projectcheck.h"
#include "storage/projectfiles.h"
#include "storage/sqliteschema.h"
#include "storage/sqlitestore.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace bagel;

namespace {

QString makeReviewedProject(const test::TempDir &dir, const QString &name = QStringLiteral("p.bagel"), int items = 20)
{
    const QString path = test::makeProject(dir, name, items);
    const auto project = Project::open(path);
    ReviewInput in;
    in.fileName = QStringLiteral("ILSVRC2012_val_00000001.JPEG");
    in.reviewer = QStringLiteral("ann");
    in.model = QStringLiteral("m");
    in.verdict = Verdict::Wrong;
    in.category = Category::FineGrained;
    in.severity = Severity::Major;
    in.labelChanges = {LabelChange{7, LabelEdit::Correct}};
    project->recordReview(in);
    return path;
}

struct CliRun
{
    int exitCode = -1; ///< -1: crashed or timed out
    bool timedOut = false;
    QString out;
    QString err;
};

/** bagel-cli \a args in \a workingDir, given \a seconds at most (a FIFO must not hang it). */
CliRun cli(const QStringList &args, const QString &workingDir = {}, int seconds = 60, const QStringList &prefix = {})
{
    QProcess p;
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    if (prefix.isEmpty())
        p.start(test::cliPath(), args);
    else
        p.start(prefix.first(), prefix.mid(1) + QStringList{test::cliPath()} + args);
    CliRun r;
    if (!p.waitForStarted(10000))
        return r;
    if (!p.waitForFinished(seconds * 1000)) {
        r.timedOut = true;
        p.kill();
        p.waitForFinished(10000);
    } else if (p.exitStatus() == QProcess::NormalExit) {
        r.exitCode = p.exitCode();
    }
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

bool checksClean(const QString &path)
{
    const CheckReport report = checkProject(path);
    return report.ok();
}

/** Runs \a sql on the file behind Bagel's back, CHECK constraints and triggers off. */
void tamper(const QString &path, const QByteArray &sql)
{
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    char *error = nullptr;
    const QByteArray all = "PRAGMA ignore_check_constraints = ON; " + sql;
    EXPECT_EQ(sqlite3_exec(db, all.constData(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "") << " in " << sql.constData();
    sqlite3_free(error);
    sqlite3_close(db);
}

qint64 scalar(const QString &path, const char *sql)
{
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt *st = nullptr;
    qint64 v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

bool isRoot()
{
    return ::geteuid() == 0;
}

} // namespace

// `export p.bagel csv p.bagel` and every other spelling of the project, its journal files and
// backups, for every format and the HTML report: refused, the project untouched.
TEST(ProjectSafety, AnExportOrReportOntoTheProjectByAnyNameIsRefused)
{
    test::TempDir dir;
    const QString path = makeReviewedProject(dir);
    const QString other = makeReviewedProject(dir, QStringLiteral("other.bagel"));
    QDir(dir.path()).mkpath(QStringLiteral("sub"));
    ASSERT_TRUE(QFile::link(path, dir.path(QStringLiteral("link.bagel"))));
    ASSERT_EQ(::link(QFile::encodeName(path).constData(), QFile::encodeName(dir.path(QStringLiteral("hard.bagel"))).constData()), 0);
    ASSERT_TRUE(QFile::link(dir.path(QStringLiteral("p.bagel-wal")), dir.path(QStringLiteral("dangling-wal"))));
    test::writeFile(dir.path(QStringLiteral("p.bagel.schema-v4.bak")), "an old backup");
    // Another program's database, and journal files under names that do not say so.
    tamper(dir.path(QStringLiteral("plain.sqlite")), "CREATE TABLE t (x)");
    test::writeFile(dir.path(QStringLiteral("stray-log")), QByteArray("\x37\x7f\x06\x82", 4) + QByteArray(60, '\0'));
    {
        QByteArray index(96, '\0');
        const quint32 version = 3007000;
        memcpy(index.data(), &version, 4);
        memcpy(index.data() + 48, &version, 4);
        test::writeFile(dir.path(QStringLiteral("stray-index")), index + QByteArray(32672, '\0'));
    }
    const QByteArray before = test::fileHash(path);
    const QByteArray otherBefore = test::fileHash(other);

    const QStringList outputs{QStringLiteral("p.bagel"),
                              QStringLiteral("./p.bagel"),
                              QStringLiteral("sub/../p.bagel"),
                              path,
                              QStringLiteral("link.bagel"),
                              QStringLiteral("hard.bagel"),
                              QStringLiteral("p.bagel-wal"),
                              QStringLiteral("p.bagel-shm"),
                              QStringLiteral("p.bagel-journal"),
                              QStringLiteral("dangling-wal"),
                              QStringLiteral("p.bagel.schema-v4.bak"),
                              QStringLiteral("p.bagel.schema-v3.bak.2"),
                              QStringLiteral("other.bagel"),
                              QStringLiteral("other.bagel-wal"),
                              QStringLiteral("other.bagel-shm"),
                              QStringLiteral("other.bagel-journal"),
                              QStringLiteral("plain.sqlite"),
                              QStringLiteral("plain.sqlite-wal"),
                              QStringLiteral("stray-log"),
                              QStringLiteral("stray-index")};
    const QStringList formats{QStringLiteral("csv"), QStringLiteral("tfds-multilabel"), QStringLiteral("real"),
                              QStringLiteral("imagenet-m"), QStringLiteral("diff")};
    for (const QString &output : outputs) {
        SCOPED_TRACE(output.toStdString());
        for (const QString &format : formats) {
            const CliRun r = cli({QStringLiteral("export"), QStringLiteral("p.bagel"), format, output}, dir.path());
            EXPECT_EQ(r.exitCode, 1) << format.toStdString() << ": " << r.out.toStdString() << r.err.toStdString();
            EXPECT_TRUE(r.err.contains(output)) << r.err.toStdString();
        }
        const CliRun html = cli({QStringLiteral("report"), QStringLiteral("p.bagel"), QStringLiteral("--html"), output}, dir.path());
        EXPECT_EQ(html.exitCode, 1) << html.err.toStdString();
    }
    EXPECT_EQ(test::fileHash(path), before);
    EXPECT_EQ(test::fileHash(other), otherBefore);
    EXPECT_FALSE(QFileInfo::exists(dir.path(QStringLiteral("p.bagel-wal"))));
    EXPECT_EQ(QFile(dir.path(QStringLiteral("p.bagel.schema-v4.bak"))).size(), 13);
    EXPECT_TRUE(QFileInfo(dir.path(QStringLiteral("link.bagel"))).isSymLink());
    EXPECT_TRUE(checksClean(path));

    // A log file is an output too: never the project, which it would append to or rotate away.
    for (const QString &log : {QStringLiteral("p.bagel"), QStringLiteral("p.bagel-wal"), QStringLiteral("other.bagel")}) {
        const CliRun r = cli({QStringLiteral("--log-file"), log, QStringLiteral("info"), QStringLiteral("p.bagel")}, dir.path());
        EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(QStringLiteral("warning"))) << r.err.toStdString();
    }
    EXPECT_EQ(test::fileHash(path), before);
    EXPECT_EQ(test::fileHash(other), otherBefore);

    // The same refusals inside one process, through the API the window uses.
    EXPECT_FALSE(projectfiles::whyNotAnOutput(dir.path(QStringLiteral("sub/../p.bagel")), path).isEmpty());
    EXPECT_TRUE(projectfiles::whyNotAnOutput(dir.path(QStringLiteral("fine.csv")), path).isEmpty());
}

// A project with two names (hard links): SQLite keeps the journal beside the name it is opened
// by, so two programs using the two names would lose each other's work. Reading is harmless;
// writing is refused until one name is left.
TEST(ProjectSafety, AProjectWithTwoHardLinkedNamesIsNotWritten)
{
    test::TempDir dir;
    const QString path = makeReviewedProject(dir);
    const QString second = dir.path(QStringLiteral("second.bagel"));
    ASSERT_EQ(::link(QFile::encodeName(path).constData(), QFile::encodeName(second).constData()), 0);
    const qint64 reviews = scalar(path, "SELECT count(*) FROM reviews");
    for (const QString &name : {path, second}) {
        const CliRun review = cli({QStringLiteral("review"), name, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000002.JPEG"),
                                   QStringLiteral("--reviewer"), QStringLiteral("bob"), QStringLiteral("--verdict"), QStringLiteral("correct")});
        EXPECT_EQ(review.exitCode, 1);
        EXPECT_TRUE(review.err.contains(QStringLiteral("hard links"))) << review.err.toStdString();
        EXPECT_EQ(cli({QStringLiteral("info"), name}).exitCode, 0);
    }
    EXPECT_EQ(scalar(path, "SELECT count(*) FROM reviews"), reviews);
    ASSERT_TRUE(QFile::remove(second));
    EXPECT_EQ(cli({QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000002.JPEG"),
                   QStringLiteral("--reviewer"), QStringLiteral("bob"), QStringLiteral("--verdict"), QStringLiteral("correct")})
                  .exitCode,
              0);
}

// Device nodes and FIFOs are written in place, never replaced by a regular file; a FIFO nobody
// reads is refused at once; /dev/full says the disk is full.
TEST(ProjectSafety, DevicesAndFifosAreWrittenInPlaceNeverReplaced)
{
    test::TempDir dir;
    const QString path = makeReviewedProject(dir);
    for (const char *device : {"/dev/null", "/dev/full"}) {
        SCOPED_TRACE(device);
        for (const QStringList &args :
             {QStringList{QStringLiteral("export"), path, QStringLiteral("csv"), QLatin1String(device)},
              QStringList{QStringLiteral("report"), path, QStringLiteral("--html"), QLatin1String(device)}}) {
            const CliRun r = cli(args);
            if (QLatin1String(device) == QLatin1String("/dev/null")) {
                EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
            } else {
                EXPECT_EQ(r.exitCode, 1);
                EXPECT_TRUE(r.err.contains(QStringLiteral("the disk is full"))) << r.err.toStdString();
            }
            EXPECT_EQ(projectfiles::kindOf(QLatin1String(device)), projectfiles::Kind::CharDevice) << "replaced";
        }
    }

    const QString fifo = dir.path(QStringLiteral("out.fifo"));
    ASSERT_EQ(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const CliRun nobodyReads = cli({QStringLiteral("export"), path, QStringLiteral("csv"), fifo}, {}, 20);
    EXPECT_FALSE(nobodyReads.timedOut) << "blocked on a FIFO nobody reads";
    EXPECT_EQ(nobodyReads.exitCode, 1);
    EXPECT_TRUE(nobodyReads.err.contains(QStringLiteral("FIFO"))) << nobodyReads.err.toStdString();

    QProcess reader;
    reader.start(QStringLiteral("/bin/cat"), {fifo});
    ASSERT_TRUE(reader.waitForStarted());
    QThread::msleep(200); // let cat open its end
    const CliRun piped = cli({QStringLiteral("export"), path, QStringLiteral("csv"), fifo}, {}, 20);
    EXPECT_EQ(piped.exitCode, 0) << piped.err.toStdString();
    ASSERT_TRUE(reader.waitForFinished(20000));
    EXPECT_TRUE(reader.readAllStandardOutput().contains("ILSVRC2012_val_00000001.JPEG"));
    EXPECT_EQ(projectfiles::kindOf(fifo), projectfiles::Kind::Fifo);

    const CliRun folder = cli({QStringLiteral("export"), path, QStringLiteral("csv"), dir.path()});
    EXPECT_EQ(folder.exitCode, 1);
    EXPECT_TRUE(folder.err.contains(QStringLiteral("folder"))) << folder.err.toStdString();
}

// A FIFO (or a device, a folder) given as the project: every command answers at once.
TEST(ProjectSafety, AFifoAsTheProjectIsRefusedWithoutBlocking)
{
    test::TempDir dir;
    const QString good = makeReviewedProject(dir);
    const QString fifo = dir.path(QStringLiteral("f.bagel"));
    ASSERT_EQ(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QString csv = test::writeFile(dir.path(QStringLiteral("r.csv")), "file_name,model,reviewer,verdict\n");
    const QVector<QStringList> commands{
        {QStringLiteral("check"), fifo},
        {QStringLiteral("info"), fifo},
        {QStringLiteral("review"), fifo, QStringLiteral("--item"), QStringLiteral("x"), QStringLiteral("--reviewer"),
         QStringLiteral("a"), QStringLiteral("--verdict"), QStringLiteral("correct")},
        {QStringLiteral("import"), fifo, QStringLiteral("reviews"), csv},
        {QStringLiteral("merge"), fifo, good},
        {QStringLiteral("merge"), good, fifo},
        {QStringLiteral("export"), fifo, QStringLiteral("csv"), dir.path(QStringLiteral("x.csv"))},
        {QStringLiteral("info"), QStringLiteral("/dev/zero")},
        {QStringLiteral("info"), dir.path()},
    };
    for (const QStringList &args : commands) {
        SCOPED_TRACE(args.join(QLatin1Char(' ')).toStdString());
        const CliRun r = cli(args, {}, 20);
        EXPECT_FALSE(r.timedOut);
        EXPECT_EQ(r.exitCode, 1) << r.err.toStdString();
        EXPECT_FALSE(r.err.isEmpty());
    }
    EXPECT_EQ(projectfiles::kindOf(fifo), projectfiles::Kind::Fifo);
    EXPECT_TRUE(checksClean(good));
}

// A project changed behind Bagel's back: class indices out of range, a foreign trigger, a
// malformed prediction list, reviews without uids. Nothing crashes, nothing runs the foreign
// trigger, and check names each problem with exit status 1.
TEST(ProjectSafety, ATamperedProjectGivesErrorsNotCrashesAndCheckFindsIt)
{
    struct Case
    {
        const char *name;
        QByteArray sql;
        const char *check; ///< in `check`'s output
    };
    const QVector<Case> cases{
        {"label 5000", "UPDATE items SET original_label = 5000 WHERE id = 2", "items.original_label (ILSVRC2012_val_00000002.JPEG 5000)"},
        {"judgement -1", "INSERT INTO judgements VALUES (3, -1, 'correct')", "judgements.class_index (ILSVRC2012_val_00000003.JPEG -1)"},
        {"review label 1000", "INSERT INTO review_labels VALUES (1, 1000, 'correct')", "review_labels.class_index (review 1 1000)"},
        {"top-1 text", "UPDATE predictions SET top1 = 'x' WHERE item_id = 4", "predictions.top1"},
        {"verdict", "INSERT INTO reviews (item_id, model_id, reviewer_id, created_at, verdict, uid) "
                    "VALUES (2, 1, 1, '2026-01-01T00:00:00.000Z', 'maybe', 'u-maybe')", "reviews.verdict (review 2 maybe)"},
        {"prediction classes", "UPDATE predictions SET classes = '7 banana' WHERE item_id = 1", "class-lists"},
        {"prediction class out of range", "UPDATE predictions SET classes = '7 99999' WHERE item_id = 1", "class-lists"},
        {"real labels", "INSERT INTO real_labels VALUES (1, '3 -8')", "class-lists"},
        {"no uid",
         "DROP TRIGGER reviews_append_only_update; UPDATE reviews SET uid = NULL; "
         "CREATE TRIGGER reviews_append_only_update BEFORE UPDATE ON reviews BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END",
         "uids"},
        {"foreign trigger",
         "CREATE TRIGGER wipe AFTER INSERT ON reviews BEGIN DELETE FROM judgements; END", "not Bagel's: trigger wipe"},
        {"changed trigger",
         "DROP TRIGGER reviews_append_only_delete; CREATE TRIGGER reviews_append_only_delete BEFORE DELETE ON reviews "
         "BEGIN SELECT 1; END",
         "changed: trigger reviews_append_only_delete"},
        {"foreign view", "CREATE VIEW v AS SELECT 1", "not Bagel's: view v"},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.name);
        test::TempDir dir;
        const QString path = makeReviewedProject(dir);
        tamper(path, c.sql);
        const qint64 judgements = scalar(path, "SELECT count(*) FROM judgements");

        const CliRun check = cli({QStringLiteral("check"), path});
        EXPECT_EQ(check.exitCode, 1) << check.out.toStdString();
        EXPECT_TRUE(check.out.contains(QLatin1String(c.check))) << check.out.toStdString();

        for (const QStringList &args :
             {QStringList{QStringLiteral("export"), path, QStringLiteral("csv"), dir.path(QStringLiteral("o.csv"))},
              QStringList{QStringLiteral("export"), path, QStringLiteral("tfds-multilabel"), dir.path(QStringLiteral("o.json"))},
              QStringList{QStringLiteral("export"), path, QStringLiteral("real"), dir.path(QStringLiteral("o.real.json"))},
              QStringList{QStringLiteral("report"), path}, QStringList{QStringLiteral("agreement"), path},
              QStringList{QStringLiteral("info"), path},
              QStringList{QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000002.JPEG"),
                          QStringLiteral("--reviewer"), QStringLiteral("bob"), QStringLiteral("--verdict"), QStringLiteral("correct")}}) {
            const CliRun r = cli(args);
            EXPECT_GE(r.exitCode, 0) << args.join(QLatin1Char(' ')).toStdString() << " crashed: " << r.err.toStdString();
            if (r.exitCode != 0) {
                EXPECT_TRUE(r.err.contains(path)) << r.err.toStdString();
            }
        }
        EXPECT_EQ(scalar(path, "SELECT count(*) FROM judgements"), judgements) << "a foreign trigger ran";
    }

    // The foreign trigger in detail: Bagel does not write to such a file.
    test::TempDir dir;
    const QString path = makeReviewedProject(dir);
    tamper(path, "CREATE TRIGGER wipe AFTER INSERT ON reviews BEGIN DELETE FROM judgements; END");
    const qint64 reviews = scalar(path, "SELECT count(*) FROM reviews");
    const CliRun review = cli({QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000002.JPEG"),
                            QStringLiteral("--reviewer"), QStringLiteral("bob"), QStringLiteral("--verdict"), QStringLiteral("correct")});
    EXPECT_EQ(review.exitCode, 1);
    EXPECT_TRUE(review.err.contains(QStringLiteral("wipe"))) << review.err.toStdString();
    EXPECT_EQ(scalar(path, "SELECT count(*) FROM reviews"), reviews);
    EXPECT_EQ(cli({QStringLiteral("info"), path}).exitCode, 0) << "reading is harmless";
}

namespace {

/** A version-4 project (no uids yet) whose upgrade to version 5 fails: a table in the way. */
QString writeUnupgradableProject(const test::TempDir &dir, int items)
{
    const QString path = dir.path(QStringLiteral("old.bagel"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v4"));
        db.setDatabaseName(path);
        EXPECT_TRUE(db.open());
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA application_id = %1").arg(sqliteschema::kApplicationId));
        q.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        db.transaction();
        sqliteschema::migrate(db, 0, 4);
        q.exec(QStringLiteral("CREATE TABLE adjudications (x)")); // version 5 creates this table
        q.prepare(QStringLiteral("INSERT INTO items (file_name, image_path, original_label, added_at) VALUES (?, ?, ?, '2024-01-01T00:00:00.000Z')"));
        for (int i = 0; i < items; ++i) {
            const QString name = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0'));
            q.addBindValue(name);
            q.addBindValue(name);
            q.addBindValue(i % 1000);
            q.exec();
        }
        db.commit();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v4"));
    return path;
}

QStringList backups(const test::TempDir &dir)
{
    return QDir(dir.path()).entryList({QStringLiteral("old.bagel.schema-v*")}, QDir::Files);
}

} // namespace

// An upgrade that fails: the message names the file, one backup however often it is tried,
// and check says so with exit status 1.
TEST(ProjectSafety, AFailedUpgradeKeepsOneBackupAndNamesTheFile)
{
    test::TempDir dir;
    const QString path = writeUnupgradableProject(dir, 50);
    for (int attempt = 0; attempt < 4; ++attempt) {
        const CliRun r = cli({QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000001.JPEG"),
                           QStringLiteral("--reviewer"), QStringLiteral("a"), QStringLiteral("--verdict"), QStringLiteral("correct")});
        EXPECT_EQ(r.exitCode, 1);
        EXPECT_TRUE(r.err.contains(path)) << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(QStringLiteral("cannot upgrade"))) << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(QStringLiteral("old.bagel.schema-v4.bak"))) << r.err.toStdString();
    }
    EXPECT_EQ(backups(dir), QStringList{QStringLiteral("old.bagel.schema-v4.bak")});
    const CliRun check = cli({QStringLiteral("check"), path});
    EXPECT_EQ(check.exitCode, 1) << check.out.toStdString();
    EXPECT_TRUE(check.out.contains(QStringLiteral("cannot be upgraded"))) << check.out.toStdString();
    EXPECT_FALSE(check.out.contains(QStringLiteral("upgrade-trial"))) << "names the user's file, not the copy";
}

// Killed at random moments while upgrading: whatever is named as a backup is the real file,
// never a half-written or rolled-back copy.
TEST(ProjectSafety, ABackupInterruptedByAKillIsNeverLeftAsABackup)
{
    std::mt19937 random(20261206u);
    int backupsSeen = 0;
    for (int round = 0; round < 15; ++round) {
        SCOPED_TRACE(round);
        test::TempDir dir;
        const QString path = writeUnupgradableProject(dir, 20000);
        tamper(path, "DROP TABLE adjudications"); // this one upgrades
        QProcess p;
        p.start(test::cliPath(), {QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000001.JPEG"),
                                  QStringLiteral("--reviewer"), QStringLiteral("a"), QStringLiteral("--verdict"), QStringLiteral("correct")});
        ASSERT_TRUE(p.waitForStarted());
        QThread::msleep(std::uniform_int_distribution<int>(0, 120)(random));
        p.kill();
        p.waitForFinished();
        for (const QString &name : backups(dir)) {
            if (name.endsWith(QLatin1String(".partial")) || name.contains(QLatin1String("-journal")))
                continue; // not a backup by its name
            ++backupsSeen;
            EXPECT_EQ(name, QStringLiteral("old.bagel.schema-v4.bak"));
            EXPECT_EQ(scalar(dir.path(name), "SELECT count(*) FROM items"), 20000) << name.toStdString();
        }
        // The project itself is intact, upgraded or not.
        EXPECT_EQ(scalar(path, "SELECT count(*) FROM items"), 20000);
    }
    RecordProperty("backups_checked", backupsSeen);
}

// Another user reads a project in a world-writable folder: no journal files of theirs are left
// behind to block the owner.
TEST(ProjectSafety, AnotherUsersReadLeavesNothingThatBlocksTheOwner)
{
    if (!isRoot())
        GTEST_SKIP() << "needs root to act as two users";
    // A copy of bagel-cli where both users can reach it, and a 1777 folder like /tmp.
    QTemporaryDir shared(QDir::tempPath() + QStringLiteral("/bagel-users-XXXXXX"));
    ASSERT_TRUE(shared.isValid());
    ::chmod(QFile::encodeName(shared.path()).constData(), 01777);
    const QString cliCopy = shared.filePath(QStringLiteral("bagel-cli"));
    ASSERT_TRUE(QFile::copy(test::cliPath(), cliCopy));
    ::chmod(QFile::encodeName(cliCopy).constData(), 0755);
    const QString path = shared.filePath(QStringLiteral("p.bagel"));
    const auto as = [&](const char *user, const QStringList &args) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), shared.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), shared.path() + QStringLiteral("/") + QLatin1String(user));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("/usr/sbin/runuser"), QStringList{QStringLiteral("-u"), QLatin1String(user), QStringLiteral("--"), cliCopy} + args);
        p.waitForFinished(60000);
        return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAllStandardError()));
    };
    // The owner is `daemon`; `nobody` reads.
    ASSERT_EQ(as("daemon", {QStringLiteral("init"), path}).first, 0);
    const auto labels = test::writeFile(shared.filePath(QStringLiteral("labels.tsv")), "file_name\tindex\nILSVRC2012_val_00000001.JPEG\t3\n");
    ::chmod(QFile::encodeName(labels).constData(), 0644);
    ASSERT_EQ(as("daemon", {QStringLiteral("import"), path, QStringLiteral("labels"), labels}).first, 0);
    for (const QStringList &args : {QStringList{QStringLiteral("info"), path}, QStringList{QStringLiteral("check"), path},
                                    QStringList{QStringLiteral("export"), path, QStringLiteral("csv"), shared.filePath(QStringLiteral("n.csv"))}}) {
        const auto r = as("nobody", args);
        EXPECT_EQ(r.first, 0) << args.join(QLatin1Char(' ')).toStdString() << ": " << r.second.toStdString();
        for (const char *suffix : {"-wal", "-shm"}) {
            const QFileInfo companion(path + QLatin1String(suffix));
            EXPECT_FALSE(companion.exists() && companion.ownerId() != QFileInfo(path).ownerId())
                << suffix << " left behind by another user after " << args.first().toStdString();
        }
    }
    const auto write = as("daemon", {QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000001.JPEG"),
                                     QStringLiteral("--reviewer"), QStringLiteral("d"), QStringLiteral("--verdict"), QStringLiteral("problematic")});
    EXPECT_EQ(write.first, 0) << write.second.toStdString();
}

// A full disk: reading needs no free space; writing says the disk is full; an export over an
// existing file that fails says why and leaves the old file.
TEST(ProjectSafety, AFullDiskStillReadsAndSaysSoWhenWriting)
{
    test::TempDir dir;
    const QString mountPoint = dir.path(QStringLiteral("small"));
    QDir().mkpath(mountPoint);
    if (!isRoot() || ::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=4m") != 0)
        GTEST_SKIP() << "needs to mount a small tmpfs (root)";
    struct Unmount
    {
        QByteArray at;
        ~Unmount() { ::umount2(at.constData(), MNT_DETACH); }
    } unmount{QFile::encodeName(mountPoint)};

    const QString path = makeReviewedProject(dir, QStringLiteral("small/p.bagel"), 200);
    const QString oldExport = test::writeFile(mountPoint + QStringLiteral("/old.csv"), "the old export\n");
    {
        QFile filler(mountPoint + QStringLiteral("/filler"));
        ASSERT_TRUE(filler.open(QIODevice::WriteOnly));
        const QByteArray block(64 * 1024, 'x');
        while (filler.write(block) == block.size() && filler.flush()) {
        }
        const QByteArray byte(1, 'x');
        while (filler.write(byte) == 1 && filler.flush()) {
        }
    }
    ASSERT_TRUE(projectfiles::diskFull(path));
    const QByteArray before = test::fileHash(path);
    {
        // The window opens it as it opens any project: read-only, saying why, and it can browse.
        const auto window = Project::openWritableIfPossible(path);
        EXPECT_TRUE(window->store().isReadOnly());
        EXPECT_TRUE(Project::whyReadOnly(path).contains(QStringLiteral("the disk is full")));
        EXPECT_EQ(window->store().counts().items, 200);
    }

    for (const QStringList &args : {QStringList{QStringLiteral("info"), path}, QStringList{QStringLiteral("check"), path},
                                    QStringList{QStringLiteral("report"), path}, QStringList{QStringLiteral("agreement"), path},
                                    QStringList{QStringLiteral("export"), path, QStringLiteral("csv"), dir.path(QStringLiteral("out.csv"))}}) {
        const CliRun r = cli(args);
        EXPECT_EQ(r.exitCode, 0) << args.join(QLatin1Char(' ')).toStdString() << ": " << r.err.toStdString();
    }
    const CliRun review = cli({QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000002.JPEG"),
                            QStringLiteral("--reviewer"), QStringLiteral("bob"), QStringLiteral("--verdict"), QStringLiteral("correct")});
    EXPECT_EQ(review.exitCode, 1);
    EXPECT_TRUE(review.err.contains(QStringLiteral("the disk is full"))) << review.err.toStdString();
    // The failed writer may leave an empty journal and index behind: reading still works.
    for (const QStringList &args : {QStringList{QStringLiteral("info"), path}, QStringList{QStringLiteral("check"), path},
                                    QStringList{QStringLiteral("export"), path, QStringLiteral("csv"), dir.path(QStringLiteral("out2.csv"))}}) {
        const CliRun r = cli(args);
        EXPECT_EQ(r.exitCode, 0) << "after a failed write: " << args.join(QLatin1Char(' ')).toStdString() << ": " << r.err.toStdString();
    }
    const CliRun over = cli({QStringLiteral("export"), path, QStringLiteral("csv"), oldExport});
    EXPECT_EQ(over.exitCode, 1);
    EXPECT_TRUE(over.err.contains(QStringLiteral("the disk is full"))) << over.err.toStdString();
    QFile old(oldExport);
    ASSERT_TRUE(old.open(QIODevice::ReadOnly));
    EXPECT_EQ(old.readAll(), QByteArray("the old export\n"));
    EXPECT_EQ(test::fileHash(path), before);
    QFile::remove(mountPoint + QStringLiteral("/filler"));
    EXPECT_TRUE(checksClean(path));
}
