#include "projectfiles.h"

#include "error.h"
#include "sqliteschema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QtEndian>

#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include <sqlite3.h>
#include <sys/stat.h>

namespace bagel::projectfiles {

namespace {

QByteArray nativeName(const QString &path)
{
    return QFile::encodeName(path);
}

bool statPath(const QString &path, struct stat &st)
{
    return ::stat(nativeName(path).constData(), &st) == 0;
}

using Inode = std::pair<dev_t, ino_t>;

/** The project files this process has connections to: inode → (canonical path, connections). */
struct Registry
{
    QMutex mutex;
    std::map<Inode, std::pair<QString, int>> open;
};

Registry &registry()
{
    static Registry r;
    return r;
}

const char *const kCompanions[] = {"-wal", "-shm", "-journal"};

/** \a path with symbolic links resolved; for a file that does not exist yet, its folder resolved. */
QString resolved(const QString &path)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    if (!canonical.isEmpty())
        return canonical;
    if (info.isSymLink()) // dangling: writing would create its target
        return resolved(info.symLinkTarget());
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    return QDir::cleanPath((folder.isEmpty() ? info.absolutePath() : folder) + QLatin1Char('/') + info.fileName());
}

/** Whether \a candidate (resolved) is \a project (resolved) or one of its companions or backups. */
QString relationTo(const QString &candidate, const struct stat *candidateStat, const QString &project)
{
    struct stat projectStat {};
    const bool projectExists = statPath(project, projectStat);
    if (candidate == project || (candidateStat && projectExists && candidateStat->st_dev == projectStat.st_dev
                                 && candidateStat->st_ino == projectStat.st_ino))
        return QStringLiteral("is the project file itself");
    for (const char *suffix : kCompanions) {
        const QString companion = project + QLatin1String(suffix);
        struct stat companionStat {};
        if (candidate == companion
            || (candidateStat && statPath(companion, companionStat) && candidateStat->st_dev == companionStat.st_dev
                && candidateStat->st_ino == companionStat.st_ino))
            return QStringLiteral("is the project's %1 file").arg(QLatin1String(suffix + 1));
    }
    static const QRegularExpression backup(QStringLiteral("^\\.schema-v\\d+\\.bak"));
    if (candidate.startsWith(project) && backup.match(candidate.mid(project.size())).hasMatch())
        return QStringLiteral("is a backup of the project");
    return {};
}

/**
 * "a Bagel project", "an SQLite database", "an SQLite write-ahead log", "an SQLite
 * shared-memory index" for a file that starts like one, else empty. Read with readHead().
 */
QString sqliteFileKind(const QString &path)
{
    Head head;
    try {
        head = readHead(path);
    } catch (const Error &) {
        return {}; // unreadable: writing it will say why
    }
    const QByteArray &b = head.bytes;
    if (b.startsWith(QByteArrayLiteral("SQLite format 3\0"))) {
        if (b.size() >= 72 && qFromBigEndian<quint32>(b.constData() + 68) == quint32(sqliteschema::kApplicationId))
            return QStringLiteral("a Bagel project");
        return QStringLiteral("an SQLite database");
    }
    if (b.size() >= 32) {
        const quint32 magic = qFromBigEndian<quint32>(b.constData());
        if (magic == 0x377f0682 || magic == 0x377f0683)
            return QStringLiteral("an SQLite write-ahead log");
    }
    // The index's header is written twice, in the machine's byte order, version 3007000.
    if (b.size() >= 52 && qFromUnaligned<quint32>(b.constData()) == 3007000u && b.mid(0, 48) == b.mid(48, 48))
        return QStringLiteral("an SQLite shared-memory index");
    return {};
}

} // namespace

Kind kindOf(const QString &path)
{
    struct stat st {};
    if (!statPath(path, st))
        return Kind::Missing;
    if (S_ISREG(st.st_mode))
        return Kind::Regular;
    if (S_ISDIR(st.st_mode))
        return Kind::Directory;
    if (S_ISFIFO(st.st_mode))
        return Kind::Fifo;
    if (S_ISCHR(st.st_mode))
        return Kind::CharDevice;
    if (S_ISBLK(st.st_mode))
        return Kind::BlockDevice;
    if (S_ISSOCK(st.st_mode))
        return Kind::Socket;
    return Kind::Other;
}

QString describe(Kind kind)
{
    switch (kind) {
    case Kind::Missing:
        return QStringLiteral("missing");
    case Kind::Regular:
        return QStringLiteral("a file");
    case Kind::Directory:
        return QStringLiteral("a folder");
    case Kind::Fifo:
        return QStringLiteral("a FIFO (named pipe)");
    case Kind::CharDevice:
        return QStringLiteral("a character device");
    case Kind::BlockDevice:
        return QStringLiteral("a block device");
    case Kind::Socket:
        return QStringLiteral("a socket");
    case Kind::Other:
        break;
    }
    return QStringLiteral("not a regular file");
}

Head readHead(const QString &path)
{
    const Kind kind = kindOf(path);
    if (kind == Kind::Missing) {
        if (QFileInfo(path).isSymLink())
            throw Error(QStringLiteral("%1: a symbolic link to a file that does not exist").arg(path));
        throw Error(QStringLiteral("%1: no such project file").arg(path));
    }
    if (kind != Kind::Regular)
        throw Error(QStringLiteral("%1: is %2, not a project file").arg(path, describe(kind)));

    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(nativeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    const std::unique_ptr<sqlite3, int (*)(sqlite3 *)> guard(db, sqlite3_close);
    if (rc != SQLITE_OK) {
        const int err = db ? sqlite3_system_errno(db) : 0;
        throw Error(QStringLiteral("%1: cannot read: %2")
                        .arg(path, err ? QString::fromLocal8Bit(strerror(err)) : QString::fromUtf8(sqlite3_errstr(rc))));
    }
    sqlite3_file *file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || !file->pMethods)
        throw Error(QStringLiteral("%1: cannot read: SQLite did not open the file").arg(path));
    Head head;
    sqlite3_int64 size = 0;
    if (file->pMethods->xFileSize(file, &size) != SQLITE_OK)
        throw Error(QStringLiteral("%1: cannot read its size").arg(path));
    head.size = size;
    head.bytes.resize(int(qMin<sqlite3_int64>(size, 100)));
    if (!head.bytes.isEmpty() && file->pMethods->xRead(file, head.bytes.data(), int(head.bytes.size()), 0) != SQLITE_OK)
        throw Error(QStringLiteral("%1: cannot read its first bytes").arg(path));
    return head;
}

OpenNote::OpenNote(const QString &path)
{
    struct stat st {};
    if (!statPath(path, st))
        return;
    m_device = st.st_dev;
    m_inode = st.st_ino;
    m_noted = true;
    Registry &r = registry();
    const QMutexLocker lock(&r.mutex);
    auto &entry = r.open[{st.st_dev, st.st_ino}];
    entry.first = resolved(path);
    ++entry.second;
}

OpenNote::~OpenNote()
{
    if (!m_noted)
        return;
    Registry &r = registry();
    const QMutexLocker lock(&r.mutex);
    const auto it = r.open.find({dev_t(m_device), ino_t(m_inode)});
    if (it != r.open.end() && --it->second.second <= 0)
        r.open.erase(it);
}

bool isOpenProjectFile(const QString &path)
{
    const QString candidate = resolved(path);
    struct stat st {};
    const bool exists = statPath(path, st);
    Registry &r = registry();
    const QMutexLocker lock(&r.mutex);
    for (const auto &[inode, entry] : r.open) {
        if (exists && inode == Inode{st.st_dev, st.st_ino})
            return true;
        const QString relation = relationTo(candidate, exists ? &st : nullptr, entry.first);
        if (!relation.isEmpty() && !relation.contains(QLatin1String("backup")))
            return true;
    }
    return false;
}

QString whyNotAnOutput(const QString &output, const QString &projectPath)
{
    const QString candidate = resolved(output);
    struct stat st {};
    const bool exists = statPath(output, st);
    if (!projectPath.isEmpty()) {
        const QString relation = relationTo(candidate, exists ? &st : nullptr, resolved(projectPath));
        if (!relation.isEmpty())
            return relation;
    }
    if (isOpenProjectFile(output))
        return QStringLiteral("is a project file open in Bagel");
    // The journal of any database, existing or not yet made: writing it would corrupt the
    // database, or be taken for its journal the next time it is opened.
    for (const char *suffix : kCompanions) {
        if (!candidate.endsWith(QLatin1String(suffix)))
            continue;
        const QString base = candidate.chopped(int(qstrlen(suffix)));
        if (kindOf(base) == Kind::Regular && !sqliteFileKind(base).isEmpty())
            return QStringLiteral("is the %1 file of the database %2").arg(QLatin1String(suffix + 1), base);
    }
    if (!exists)
        return {};
    const Kind kind = kindOf(output);
    if (kind == Kind::Directory || kind == Kind::BlockDevice || kind == Kind::Socket || kind == Kind::Other)
        return QStringLiteral("is %1").arg(describe(kind));
    if (kind == Kind::Regular) {
        const QString what = sqliteFileKind(output);
        if (!what.isEmpty())
            return QStringLiteral("is %1; an export never overwrites one").arg(what);
    }
    return {};
}

bool diskFull(const QString &path)
{
    QFileInfo info(path);
    QString where = info.exists() ? info.absoluteFilePath() : info.absolutePath();
    const QStorageInfo storage(where);
    return storage.isValid() && storage.bytesAvailable() < 64 * 1024;
}

} // namespace bagel::projectfiles
