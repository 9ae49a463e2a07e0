#include "inputfile.h"

#include "error.h"
#include "storage/projectfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QIODevice>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bagel {

namespace {

/** What a file of mode \a mode is, for a message; empty for a regular file. */
QString describeType(mode_t mode)
{
    if (S_ISREG(mode))
        return {};
    if (S_ISDIR(mode))
        return QStringLiteral("a folder, not a file");
    if (S_ISFIFO(mode))
        return QStringLiteral("a named pipe (FIFO), not a regular file");
    if (S_ISCHR(mode))
        return QStringLiteral("a character device, not a regular file");
    if (S_ISBLK(mode))
        return QStringLiteral("a block device, not a regular file");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket, not a regular file");
    return QStringLiteral("not a regular file");
}

QString errnoText(int error)
{
    if (error == ENOENT)
        return QStringLiteral("no such file");
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

QString notRegularFileReason(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral("no file name");
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return errnoText(errno);
    return describeType(info.st_mode);
}

void requireRegularFile(const QString &path)
{
    const QString reason = notRegularFileReason(path);
    if (!reason.isEmpty())
        throw Error(QStringLiteral("%1: %2").arg(path, reason));
}

void openInputFile(QFile &file, const QString &path, bool textMode)
{
    if (path.isEmpty())
        throw Error(QStringLiteral("no file name given"));
    // Closing a descriptor of a project file would drop the locks of this process's connections
    // to it (see projectfiles::readHead()): a project open here is never read as a data file.
    if (projectfiles::isOpenProjectFile(path))
        throw Error(QStringLiteral("%1: is a Bagel project open in this program, not a data file").arg(path));
    // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        throw Error(QStringLiteral("%1: cannot open: %2").arg(path, errnoText(errno)));
    struct stat info {};
    QString problem;
    if (::fstat(fd, &info) != 0)
        problem = QStringLiteral("cannot open: %1").arg(errnoText(errno));
    else
        problem = describeType(info.st_mode);
    if (problem.isEmpty()) {
        // Reads of a regular file never block; clear the flag all the same.
        const int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0)
            ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    if (!problem.isEmpty()) {
        ::close(fd);
        throw Error(QStringLiteral("%1: %2").arg(path, problem));
    }
    file.setFileName(path);
    QIODevice::OpenMode mode = QIODevice::ReadOnly;
    if (textMode)
        mode |= QIODevice::Text;
    if (!file.open(fd, mode, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        throw Error(QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
    }
}

bool isWithin(const QString &root, const QString &path)
{
    if (root.isEmpty() || path.isEmpty())
        return false;
    if (path == root)
        return true;
    const QString prefix = root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/');
    return path.startsWith(prefix);
}

QString regularFileWithin(const QString &root, const QString &path)
{
    // The common case costs an lstat() per folder below the root: a path that stays inside the
    // root by its spelling, with no symbolic link below the root, is what it says.
    const QString cleanRoot = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    if (isWithin(cleanRoot, clean) && clean != cleanRoot) {
        QByteArray walked = QFile::encodeName(cleanRoot);
        const QStringList parts = clean.mid(cleanRoot.size()).split(QLatin1Char('/'), Qt::SkipEmptyParts);
        bool link = false;
        for (qsizetype i = 0; i < parts.size() && !link; ++i) {
            walked += '/' + QFile::encodeName(parts[i]);
            struct stat info {};
            if (::lstat(walked.constData(), &info) != 0)
                return errno == ENOENT || errno == ENOTDIR ? path : QString(); // missing: nothing to read
            link = S_ISLNK(info.st_mode);
            if (!link && i == parts.size() - 1)
                return S_ISREG(info.st_mode) ? clean : QString();
        }
    }

    // Otherwise (a symbolic link on the way, or a spelling that leaves the root) the real path
    // decides.
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink()) // missing: nothing to read, unless it is a way out
        return isWithin(cleanRoot, clean) ? path : QString();
    const QString real = info.canonicalFilePath();
    if (real.isEmpty())
        return {}; // a dangling symbolic link, or one going round in circles
    if (!isWithin(QFileInfo(root).canonicalFilePath(), real))
        return {};
    if (!notRegularFileReason(real).isEmpty())
        return {};
    return real;
}

LineReader::LineReader(QIODevice &device, QString sourceName)
    : m_device(device)
    , m_source(std::move(sourceName))
{
}

namespace {
constexpr qsizetype kBlock = 1 << 20;
constexpr qsizetype kMaxLine = 16 << 20;
} // namespace

bool LineReader::fill()
{
    if (m_eof)
        return false;
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    const qsizetype had = m_buffer.size();
    m_buffer.resize(had + kBlock);
    const qint64 got = m_device.read(m_buffer.data() + had, kBlock);
    if (got < 0)
        throw Error(QStringLiteral("%1: read error: %2").arg(m_source, m_device.errorString()));
    m_buffer.resize(had + qsizetype(got));
    if (got == 0)
        m_eof = true;
    return got > 0;
}

bool LineReader::next(QByteArray &line)
{
    qsizetype scanned = m_pos;
    for (;;) {
        const char *data = m_buffer.constData();
        qsizetype end = scanned;
        while (end < m_buffer.size() && data[end] != '\n' && data[end] != '\r')
            ++end;
        if (end < m_buffer.size()) {
            qsizetype terminator = 1;
            if (data[end] == '\r') {
                if (end + 1 < m_buffer.size())
                    terminator = data[end + 1] == '\n' ? 2 : 1;
                else if (!m_eof) {
                    // A CR at the end of the block: read on to see whether an LF follows.
                    const qsizetype offset = end - m_pos;
                    fill();
                    scanned = m_pos + offset;
                    continue;
                }
            }
            line = m_buffer.mid(m_pos, end - m_pos);
            m_pos = end + terminator;
            ++m_lineNumber;
            return true;
        }
        if (m_buffer.size() - m_pos > kMaxLine) {
            throw Error(QStringLiteral("%1:%2: line longer than %3 MiB (a file without line breaks?)")
                            .arg(m_source)
                            .arg(m_lineNumber + 1)
                            .arg(kMaxLine >> 20));
        }
        const qsizetype offset = end - m_pos;
        if (!fill()) {
            if (m_pos >= m_buffer.size())
                return false;
            line = m_buffer.mid(m_pos);
            m_pos = m_buffer.size();
            ++m_lineNumber;
            return true;
        }
        scanned = m_pos + offset;
    }
}

} // namespace bagel
