#include "outputfile.h"

#include "error.h"
#include "storage/projectfiles.h"

#include <QFileInfo>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace bagel {

QString OutputFile::reason(const QString &path, const QString &systemReason)
{
    if (systemReason.contains(QString::fromLocal8Bit(strerror(ENOSPC))) || (!path.isEmpty() && projectfiles::diskFull(path)))
        return QStringLiteral("the disk is full");
    return systemReason.isEmpty() ? QStringLiteral("the system gave no reason") : systemReason;
}

QString OutputFile::writeProblem(const QString &path, const QString &systemReason)
{
    return QStringLiteral("%1: cannot write: %2").arg(path, reason(path, systemReason));
}

OutputFile::OutputFile(const QString &path, const QString &projectPath)
    : m_path(path)
{
    if (path.isEmpty())
        throw Error(QStringLiteral("no output file named"));
    const QString why = projectfiles::whyNotAnOutput(path, projectPath);
    if (!why.isEmpty())
        throw Error(QStringLiteral("%1: %2; nothing was written").arg(path, why));

    const projectfiles::Kind kind = projectfiles::kindOf(path);
    if (kind == projectfiles::Kind::CharDevice || kind == projectfiles::Kind::Fifo) {
        // In place, never renamed over. A FIFO opened without blocking fails at once when no
        // one reads it, instead of hanging; once open, writes block as they should.
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            const int err = errno;
            if (err == ENXIO)
                throw Error(QStringLiteral("%1: a FIFO (named pipe) that no program reads; nothing was written").arg(path));
            throw Error(writeProblem(path, QString::fromLocal8Bit(strerror(err))));
        }
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        m_inPlace = std::make_unique<QFile>();
        if (!m_inPlace->open(fd, QIODevice::WriteOnly | QIODevice::Unbuffered, QFileDevice::AutoCloseHandle)) {
            ::close(fd);
            throw Error(writeProblem(path, m_inPlace->errorString()));
        }
        return;
    }
    m_atomic = std::make_unique<QSaveFile>(path);
    if (!m_atomic->open(QIODevice::WriteOnly))
        throw Error(writeProblem(path, m_atomic->errorString()));
}

OutputFile::~OutputFile()
{
    cancel();
}

QIODevice &OutputFile::device()
{
    if (m_atomic)
        return *m_atomic;
    return *m_inPlace;
}

void OutputFile::write(const QByteArray &bytes)
{
    QFileDevice &file = m_atomic ? static_cast<QFileDevice &>(*m_atomic) : static_cast<QFileDevice &>(*m_inPlace);
    if (file.write(bytes) != bytes.size())
        throw Error(writeProblem(m_path, file.errorString()));
}

void OutputFile::commit()
{
    if (m_atomic) {
        const bool ok = m_atomic->commit();
        const QString reason = m_atomic->errorString();
        m_atomic.reset();
        if (!ok)
            throw Error(writeProblem(m_path, reason));
    } else if (m_inPlace) {
        const bool wrote = m_inPlace->error() == QFileDevice::NoError;
        const QString reason = m_inPlace->errorString();
        const bool ok = m_inPlace->flush() && wrote;
        m_inPlace.reset();
        if (!ok)
            throw Error(writeProblem(m_path, reason));
    }
}

void OutputFile::cancel()
{
    if (m_atomic)
        m_atomic->cancelWriting();
    m_atomic.reset();
    m_inPlace.reset();
}

} // namespace bagel
