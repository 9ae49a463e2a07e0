#include "sqlitestore.h"

#include "error.h"
#include "projectfiles.h"
#include "sqlitehelpers.h"
#include "sqliteschema.h"
#include "sqlitestatement.h"

#include <QAtomicInteger>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlRecord>
#include <QTimeZone>
#include <QtEndian>
#include <QtNumeric>

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bagel {

using namespace sqlitehelpers;

namespace {

QAtomicInteger<quint64> s_connectionCounter;

} // namespace

QString toStorageTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromStorageTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t.toUTC();
}

namespace {

int daysInMonth(int year, int month)
{
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

} // namespace

QDateTime fromStorageTime(std::string_view t)
{
    // yyyy-MM-ddTHH:mm:ss.zzzZ, as toStorageTime() writes it; anything else goes the slow way.
    auto digits = [&t](std::size_t at, std::size_t n, int &out) {
        out = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (t[i] < '0' || t[i] > '9')
                return false;
            out = out * 10 + (t[i] - '0');
        }
        return true;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
    if (t.size() == 24 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':' && t[19] == '.'
        && t[23] == 'Z' && digits(0, 4, y) && digits(5, 2, mo) && digits(8, 2, d) && digits(11, 2, h)
        && digits(14, 2, mi) && digits(17, 2, sec) && digits(20, 3, ms) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31
        && h < 24 && mi < 60 && sec < 60 && d <= daysInMonth(y, mo)) {
        // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
        const int yy = y - (mo <= 2);
        const int era = (yy >= 0 ? yy : yy - 399) / 400;
        const int yoe = yy - era * 400;
        const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        const qint64 days = qint64(era) * 146097 + doe - 719468;
        const qint64 msecs = ((days * 24 + h) * 60 + mi) * 60000 + qint64(sec) * 1000 + ms;
        return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
    }
    return fromStorageTime(QString::fromUtf8(t.data(), qsizetype(t.size())));
}

// ---------------------------------------------------------------------------------------------
// Opening

QString SqliteStore::immutableUri(const QString &path)
{
    const QFileInfo file(path);
    const bool walEmpty = QFileInfo(path + QStringLiteral("-wal")).size() == 0;
    QString why;
    if (projectfiles::diskFull(path) && walEmpty) {
        // No room to make the index, or to grow it. With an empty log nobody can be changing
        // the file either (a writer would need room for the log), whatever companions a failed
        // writer left behind.
        why = QStringLiteral("the disk is full");
    } else if (QFileInfo::exists(path + QStringLiteral("-shm"))) {
        // Somebody has the project open (the index exists): read it the ordinary way, beside them.
        return {};
    } else if (!QFileInfo(file.absolutePath()).isWritable()) {
        // Nobody has it open. Reading it the ordinary way would make the write-ahead log and
        // its index beside it; where this reader cannot, or should not, it reads the file as
        // it lies.
        why = QStringLiteral("its folder is read-only"); // SQLite cannot make them
    } else if (::geteuid() != 0 && file.ownerId() != ::geteuid()) {
        why = QStringLiteral("it belongs to another user"); // they would be this reader's, and block the owner
    }
    if (why.isEmpty())
        return {};
    // Closed cleanly, the file holds everything; a journal left by a crash would be skipped.
    if (QFileInfo(path + QStringLiteral("-wal")).size() > 0) {
        throw Error(QStringLiteral("%1: holds changes not yet written into the file (in %2-wal), and %3: "
                                   "open it once where it can be written, as its owner")
                        .arg(path, file.fileName(), why));
    }
    spdlog::info("reading {} as it lies on disk: {}", path.toStdString(), why.toStdString());
    return QStringLiteral("file:%1?immutable=1").arg(QString::fromLatin1(QUrl::toPercentEncoding(file.absoluteFilePath(), "/")));
}

QString SqliteStore::whyReadOnly(const QString &path)
{
    const QFileInfo file(path);
    if (!file.exists())
        return {};
    if (!file.isWritable())
        return QStringLiteral("the file %1 is read-only").arg(file.fileName());
    if (!QFileInfo(file.absolutePath()).isWritable())
        return QStringLiteral("its folder %1 is read-only (the journal lives beside the file)").arg(file.absolutePath());
    if (projectfiles::diskFull(path))
        return QStringLiteral("the disk is full (reopen the project once there is space)");
    return {};
}

void SqliteStore::checkFileHeader(const QString &path)
{
    // Never through a descriptor of our own: closing it would drop the locks this process's
    // connections hold on the file (see projectfiles::readHead()).
    const projectfiles::Head head = projectfiles::readHead(path);
    const QByteArray &header = head.bytes;
    if (header.isEmpty())
        throw Error(QStringLiteral("%1: the file is empty, not a Bagel project").arg(path));
    if (header.size() < 100 || !header.startsWith(QByteArrayLiteral("SQLite format 3\0")))
        throw Error(QStringLiteral("%1: not a Bagel project (not an SQLite database, or truncated)").arg(path));
    const quint32 applicationId = qFromBigEndian<quint32>(header.constData() + 68);
    if (applicationId != quint32(sqliteschema::kApplicationId))
        throw Error(QStringLiteral("%1: an SQLite database, but not a Bagel project").arg(path));
    // The header's page count is trustworthy when its "version valid for" matches the change
    // counter; a file shorter than that lost its end (a copy cut short, a full disk).
    const quint32 pageSizeField = qFromBigEndian<quint16>(header.constData() + 16);
    const qint64 pageSize = pageSizeField == 1 ? 65536 : pageSizeField;
    const quint32 pages = qFromBigEndian<quint32>(header.constData() + 28);
    const bool pagesValid = qFromBigEndian<quint32>(header.constData() + 24) == qFromBigEndian<quint32>(header.constData() + 92);
    // A checkpoint writes page 1 (with the new count) before the pages after the old end, so
    // while a journal holds pages the file may be shorter for a moment; SQLite recovers that.
    const bool journal = QFileInfo(path + QStringLiteral("-wal")).size() > 0;
    if (pagesValid && pages > 0 && !journal && head.size < pageSize * qint64(pages)) {
        throw Error(QStringLiteral("%1: truncated: the file has %2 bytes of the %3 its header declares")
                        .arg(path)
                        .arg(head.size)
                        .arg(pageSize * qint64(pages)));
    }
}

SqliteStore::SqliteStore(const QString &path, bool readOnly)
    : m_path(path)
    , m_connectionName(QStringLiteral("bagel-%1").arg(++s_connectionCounter))
    , m_readOnly(readOnly)
{
}

SqliteStore::~SqliteStore()
{
    m_native.clear();
    m_statements.clear();
    if (m_db.isOpen())
        m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_openNote.reset();
}

std::unique_ptr<SqliteStore> SqliteStore::create(const QString &path)
{
    if (QFileInfo::exists(path))
        throw Error(QStringLiteral("%1: already exists; open it instead of creating it").arg(path));
    std::unique_ptr<SqliteStore> store(new SqliteStore(path, false));
    try {
        store->connect();
        // Identify the file before switching to WAL, so that the id lands in the main file's
        // header at once and checkFileHeader() recognises it even after a crash.
        store->exec(QStringLiteral("PRAGMA application_id = %1").arg(sqliteschema::kApplicationId));
        store->exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        Transaction tx(*store);
        sqliteschema::migrate(store->m_db, 0, sqliteschema::kCurrentVersion);
        store->setMeta(QStringLiteral("created_at"), store->now());
        store->setMeta(QStringLiteral("created_by"), QStringLiteral("Bagel " BAGEL_VERSION));
        tx.commit();
    } catch (...) {
        store.reset();
        QFile::remove(path);
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        throw;
    }
    store->m_openedVersion = sqliteschema::kCurrentVersion;
    spdlog::info("created project {}", path.toStdString());
    return store;
}

std::unique_ptr<SqliteStore> SqliteStore::open(const QString &path, bool readOnly)
{
    checkFileHeader(path);
    std::unique_ptr<SqliteStore> store(new SqliteStore(path, readOnly));
    store->connect();
    store->migrateIfNeeded();
    return store;
}

void SqliteStore::connect()
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000");
    if (m_readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    if (m_readOnly) {
        const QString uri = immutableUri(m_path);
        if (!uri.isEmpty()) {
            m_db.setDatabaseName(uri);
            options += QStringLiteral(";QSQLITE_OPEN_URI");
        }
    }
    m_db.setConnectOptions(options);
    if (!m_db.open())
        throw Error(QStringLiteral("%1: cannot open: %2").arg(m_path, m_db.lastError().text()));
    const QVariant handle = m_db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        throw Error(QStringLiteral("%1: the Qt SQLite driver gives no native handle").arg(m_path));
    m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    m_openNote = std::make_unique<projectfiles::OpenNote>(m_path);

    exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    // FULL: a commit has reached the disk when it returns, so nothing shown as saved is lost
    // even on power failure. Verdicts are single small transactions; imports commit once.
    exec(QStringLiteral("PRAGMA synchronous = FULL"));
    exec(QStringLiteral("PRAGMA cache_size = -65536"));
}

int SqliteStore::readSchemaVersion() const
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")) || !query.next())
        throw Error(QStringLiteral("%1: not a Bagel project (no schema version)").arg(m_path));
    const QString text = query.value(0).toString();
    bool ok = false;
    const int version = text.toInt(&ok);
    if (!ok || version < 1)
        throw Error(QStringLiteral("%1: damaged project (schema version '%2')").arg(m_path, text));
    return version;
}

void SqliteStore::migrateIfNeeded()
{
    m_openedVersion = readSchemaVersion();
    if (m_openedVersion > sqliteschema::kCurrentVersion) {
        throw Error(QStringLiteral("%1: written by a newer Bagel (schema version %2; this build reads up to %3). "
                                   "The file was not changed.")
                        .arg(m_path)
                        .arg(m_openedVersion)
                        .arg(sqliteschema::kCurrentVersion));
    }
    if (m_openedVersion < sqliteschema::kCurrentVersion && m_readOnly) {
        throw Error(QStringLiteral("%1: uses schema version %2 and must be upgraded to %3, "
                                   "but it is opened read-only")
                        .arg(m_path)
                        .arg(m_openedVersion)
                        .arg(sqliteschema::kCurrentVersion));
    }
    // Only now, with the version known to be readable, may anything be written.
    if (m_readOnly)
        return;
    exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    if (m_openedVersion == sqliteschema::kCurrentVersion)
        return;

    // Under the write lock, so that two processes opening an old project migrate it once.
    Transaction tx(*this);
    const int version = readSchemaVersion();
    if (version < sqliteschema::kCurrentVersion) {
        m_backupPath = backUp(QStringLiteral("%1.schema-v%2.bak").arg(m_path).arg(version));
        try {
            sqliteschema::migrate(m_db, version, sqliteschema::kCurrentVersion);
        } catch (const Error &e) {
            throw Error(QStringLiteral("%1: cannot upgrade from schema version %2 to %3: %4. The file was not changed; "
                                       "its backup is %5")
                            .arg(m_path)
                            .arg(version)
                            .arg(sqliteschema::kCurrentVersion)
                            .arg(e.message(), m_backupPath));
        }
    }
    tx.commit();
    if (!m_backupPath.isEmpty()) {
        spdlog::info("migrated {} from schema {} to {} (backup {})", m_path.toStdString(), version,
                     sqliteschema::kCurrentVersion, m_backupPath.toStdString());
    }
}

void SqliteStore::refuseForeignTriggers() const
{
    // A trigger runs with every write: one Bagel did not make could rewrite the project behind
    // the reviewer's back (a trigger that deletes judgements after each review, say).
    QStringList foreign;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger'")))
        fail(q, QStringLiteral("read the schema"));
    while (q.next()) {
        const QString name = q.value(0).toString();
        const QString sql = sqliteschema::normalizedSql(q.value(2).toString());
        const auto &expected = sqliteschema::expectedSchema();
        const bool known = std::any_of(expected.begin(), expected.end(), [&](const sqliteschema::SchemaObject &o) {
            return o.type == QLatin1String("trigger") && o.name == name && o.sql == sql;
        });
        if (!known)
            foreign << QStringLiteral("%1 on %2").arg(name, q.value(1).toString());
    }
    if (!foreign.isEmpty()) {
        throw Error(QStringLiteral("%1: holds trigger(s) Bagel did not make (%2), which would run with every change; "
                                   "it was not opened for writing. `bagel-cli check` lists every foreign object")
                        .arg(m_path, foreign.join(QLatin1String(", "))));
    }
}

namespace {

/** Copies database \a from to \a to with the backup API; returns the problem, or empty. */
QString copyDatabase(const QString &from, const QString &to)
{
    sqlite3 *source = nullptr;
    sqlite3 *target = nullptr;
    // In a folder this user cannot write in, as the store reads it (SQLite could not make its
    // index beside the file); nobody can be writing to such a file.
    const QString uri = SqliteStore::immutableUri(from);
    const QByteArray sourceName = uri.isEmpty() ? QFile::encodeName(from) : uri.toUtf8();
    const QByteArray targetName = QFile::encodeName(to);
    QString problem;
    if (sqlite3_open_v2(sourceName.constData(), &source, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
        problem = QString::fromUtf8(sqlite3_errmsg(source));
    } else if (sqlite3_open_v2(targetName.constData(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
               != SQLITE_OK) {
        problem = QString::fromUtf8(sqlite3_errmsg(target));
    } else {
        sqlite3_busy_timeout(source, 10000);
        sqlite3_backup *backup = sqlite3_backup_init(target, "main", source, "main");
        const int rc = backup ? sqlite3_backup_step(backup, -1) : SQLITE_ERROR;
        if (rc != SQLITE_DONE)
            problem = QString::fromUtf8(sqlite3_errstr(rc));
        if (backup && sqlite3_backup_finish(backup) != SQLITE_OK && problem.isEmpty())
            problem = QString::fromUtf8(sqlite3_errmsg(target));
    }
    sqlite3_close(source);
    sqlite3_close(target);
    if (!problem.isEmpty())
        QFile::remove(to);
    return problem;
}

} // namespace

namespace {

/**
 * Whether the two database files hold the same pages. Two backups of one unchanged file
 * differ only in the change counters of their headers (bytes 24–27 and 92–99).
 */
bool samePages(const QString &a, const QString &b)
{
    if (projectfiles::isOpenProjectFile(a) || projectfiles::isOpenProjectFile(b))
        return false; // never opened other than through SQLite
    QFile fa(a);
    QFile fb(b);
    if (!fa.open(QIODevice::ReadOnly) || !fb.open(QIODevice::ReadOnly) || fa.size() != fb.size())
        return false;
    bool first = true;
    while (!fa.atEnd()) {
        QByteArray x = fa.read(1 << 20);
        QByteArray y = fb.read(1 << 20);
        if (first && x.size() >= 100 && y.size() >= 100) {
            for (int i : {24, 25, 26, 27, 92, 93, 94, 95, 96, 97, 98, 99})
                x[i] = y[i] = 0;
        }
        first = false;
        if (x != y)
            return false;
    }
    return true;
}

} // namespace

QString SqliteStore::backUp(const QString &preferredPath) const
{
    // Written under a temporary name and renamed when complete: a process killed half-way
    // leaves nothing that looks like a backup (and SQLite would roll a half-written copy back
    // to an empty database).
    const QString partial = preferredPath + QStringLiteral(".partial");
    for (const char *suffix : {"", "-journal", "-wal", "-shm"})
        QFile::remove(partial + QLatin1String(suffix));
    // The caller holds the write lock, so nobody changes the file meanwhile; a second, read-only
    // connection copies it (a connection cannot back up a database it is writing to).
    const QString problem = copyDatabase(m_path, partial);
    if (!problem.isEmpty()) {
        const QString why = projectfiles::diskFull(partial) ? QStringLiteral("the disk is full") : problem;
        throw Error(QStringLiteral("%1: cannot back up to %2 before upgrading: %3; the file was not changed")
                        .arg(m_path, preferredPath, why));
    }
    // One backup per version: after a failed upgrade the file is as it was, and so is its backup.
    if (QFileInfo::exists(preferredPath) && samePages(partial, preferredPath)) {
        QFile::remove(partial);
        return preferredPath;
    }
    QString path = preferredPath;
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = QStringLiteral("%1.%2").arg(preferredPath).arg(n);
    if (!QFile::rename(partial, path)) {
        QFile::remove(partial);
        throw Error(QStringLiteral("%1: cannot back up to %2 before upgrading; the file was not changed").arg(m_path, path));
    }
    return path;
}

void SqliteStore::snapshot(const QString &from, const QString &to)
{
    checkFileHeader(from);
    if (QFileInfo::exists(to))
        throw Error(QStringLiteral("%1: already exists").arg(to));
    const QString problem = copyDatabase(from, to);
    if (!problem.isEmpty())
        throw Error(QStringLiteral("%1: cannot read it: %2").arg(from, problem));
}

// ---------------------------------------------------------------------------------------------
// Statement helpers

void SqliteStore::exec(const QString &sql) const
{
    QSqlQuery query(m_db);
    if (!query.exec(sql))
        fail(query, sql);
}

SqliteStatement &SqliteStore::native(const char *sql) const
{
    auto it = m_native.find(sql);
    if (it == m_native.end()) {
        try {
            it = m_native.emplace(sql, std::make_unique<SqliteStatement>(m_handle, sql)).first;
        } catch (const Error &e) {
            throw Error(QStringLiteral("%1: %2").arg(m_path, e.message()));
        }
    }
    return *it->second;
}

QSqlQuery &SqliteStore::prepared(const char *sql) const
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        if (!query.prepare(QString::fromUtf8(sql)))
            fail(query, QString::fromUtf8(sql));
        it = m_statements.emplace(sql, std::move(query)).first;
    }
    return it->second;
}

void SqliteStore::fail(const QSqlQuery &query, const QString &what) const
{
    if (projectfiles::diskFull(m_path))
        throw Error(QStringLiteral("%1: the disk is full (%2: %3); nothing was written").arg(m_path, what, query.lastError().text()));
    throw Error(QStringLiteral("%1: database error (%2): %3").arg(m_path, what, query.lastError().text()));
}

void SqliteStore::execPrepared(QSqlQuery &query, const QString &what) const
{
    if (!query.exec())
        fail(query, what);
}

SqliteStore::ScanCache::ScanCache(const SqliteStore &store)
    : m_handle(store.m_handle)
{
    if (sqlite3_txn_state(m_handle, "main") != SQLITE_TXN_WRITE)
        m_active = sqlite3_exec(m_handle, "PRAGMA cache_size = -2048", nullptr, nullptr, nullptr) == SQLITE_OK;
}

SqliteStore::ScanCache::~ScanCache()
{
    if (m_active)
        sqlite3_exec(m_handle, "PRAGMA cache_size = -65536", nullptr, nullptr, nullptr); // as connect() set it
}

qint64 SqliteStore::countRows(const char *sql) const
{
    QSqlQuery &q = prepared(sql);
    execPrepared(q, QStringLiteral("count"));
    const qint64 n = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return n;
}

QString SqliteStore::now() const
{
    return m_now.isEmpty() ? toStorageTime(QDateTime::currentDateTimeUtc()) : m_now;
}

void SqliteStore::begin()
{
    if (m_readOnly)
    {
        const QString why = whyReadOnly(m_path);
        throw Error(QStringLiteral("%1 is open read-only%2").arg(m_path, why.isEmpty() ? QString() : QStringLiteral(": ") + why));
    }
    // IMMEDIATE takes the write lock up front, so two writers wait on the busy timeout
    // instead of failing half-way through with SQLITE_BUSY. Another process may hold the lock
    // for longer than one timeout (a big import): keep waiting, for up to kWriteLockWaitSeconds.
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        QSqlQuery query(m_db);
        if (query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            break;
        const QString code = query.lastError().nativeErrorCode();
        const bool busy = code == QLatin1String("5") || code == QLatin1String("6");
        if (!busy)
            fail(query, QStringLiteral("BEGIN IMMEDIATE"));
        if (waited.elapsed() >= qint64(kWriteLockWaitSeconds) * 1000) {
            throw Error(QStringLiteral("%1: another program has been writing to the project for %2 s; "
                                       "nothing was written, try again when it has finished")
                            .arg(m_path)
                            .arg(waited.elapsed() / 1000));
        }
        spdlog::warn("{}: waiting for another writer ({} s so far)", m_path.toStdString(), waited.elapsed() / 1000);
    }
    // Under the write lock, before writing: nobody can change the schema or the file's names
    // meanwhile. The triggers are checked again whenever the schema changed since the last look
    // (another program may have added one while this connection stayed open).
    try {
        struct stat st {};
        if (::stat(QFile::encodeName(m_path).constData(), &st) == 0 && st.st_nlink > 1) {
            throw Error(QStringLiteral("%1: the file has %2 names (hard links). SQLite keeps a project's journal beside "
                                       "the name it was opened by, so programs using different names would not see each "
                                       "other's changes and could lose them; nothing was written. Keep one name "
                                       "(`ls -i` shows the others) and open the project by it")
                            .arg(m_path)
                            .arg(st.st_nlink));
        }
        SqliteStatement &version = native("PRAGMA schema_version");
        const qint64 schema = version.step() ? version.int64(0) : -1;
        version.reset();
        if (schema != m_triggersCheckedAt) {
            refuseForeignTriggers();
            m_triggersCheckedAt = schema;
        }
    } catch (const Error &) {
        exec(QStringLiteral("ROLLBACK"));
        throw;
    }
    m_now = toStorageTime(QDateTime::currentDateTimeUtc());
}

void SqliteStore::commit()
{
    for (auto &[sql, query] : m_statements)
        query.finish();
    for (auto &[sql, statement] : m_native)
        statement->reset();
    exec(QStringLiteral("COMMIT"));
    m_now.clear();
}

bool SqliteStore::beginRead()
{
    if (!sqlite3_get_autocommit(m_handle))
        return false; // inside a transaction already: its reads are consistent
    exec(QStringLiteral("BEGIN"));
    return true;
}

void SqliteStore::endRead()
{
    for (auto &[sql, query] : m_statements)
        query.finish();
    for (auto &[sql, statement] : m_native)
        statement->reset();
    exec(QStringLiteral("COMMIT"));
}

void SqliteStore::rollback()
{
    for (auto &[sql, query] : m_statements)
        query.finish();
    for (auto &[sql, statement] : m_native)
        statement->reset();
    m_now.clear();
    exec(QStringLiteral("ROLLBACK"));
}

// ---------------------------------------------------------------------------------------------
// Meta

QString SqliteStore::meta(const QString &key) const
{
    QSqlQuery &q = prepared("SELECT value FROM meta WHERE key = ?");
    q.bindValue(0, key);
    execPrepared(q, QStringLiteral("read setting"));
    const QString value = q.next() ? q.value(0).toString() : QString();
    q.finish();
    return value;
}

void SqliteStore::setMeta(const QString &key, const QString &value)
{
    SqliteStatement &q = native("INSERT INTO meta (key, value) VALUES (?, ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    q.bind(1, key);
    q.bind(2, nonNull(value));
    q.run();
}

qint64 SqliteStore::dataVersion() const
{
    SqliteStatement &q = native("PRAGMA data_version");
    const qint64 version = q.step() ? q.int64(0) : 0;
    q.reset();
    return version;
}

qint64 SqliteStore::itemCount() const
{
    return countRows("SELECT COUNT(*) FROM items");
}

ProjectCounts SqliteStore::counts() const
{
    ProjectCounts c;
    c.items = countRows("SELECT COUNT(*) FROM items");
    c.itemsWithUnknownLabel = countRows("SELECT COUNT(*) FROM items WHERE original_label IS NULL");
    c.models = countRows("SELECT COUNT(*) FROM models");
    c.predictions = countRows("SELECT COUNT(*) FROM predictions");
    c.reviewers = countRows("SELECT COUNT(*) FROM reviewers");
    c.reviews = countRows("SELECT COUNT(*) FROM reviews");
    c.judgements = countRows("SELECT COUNT(*) FROM judgements");
    c.problematic = countRows("SELECT COUNT(*) FROM problematic");
    c.imagenetM = countRows("SELECT COUNT(*) FROM imagenet_m");
    c.realLabelled = countRows("SELECT COUNT(*) FROM real_labels");
    c.adjudications = countRows("SELECT COUNT(*) FROM adjudications");
    c.assignments = countRows("SELECT COUNT(*) FROM assignments");
    return c;
}

} // namespace bagel
