#pragma once

#include <QByteArray>
#include <QString>

namespace bagel::projectfiles {

/**
 * What a path names, after following symbolic links (stat(2): nothing is opened, so a FIFO
 * cannot block and no lock is touched).
 */
enum class Kind { Missing, Regular, Directory, Fifo, CharDevice, BlockDevice, Socket, Other };

Kind kindOf(const QString &path);
/** "a folder", "a FIFO (named pipe)", "a device", … for messages. */
QString describe(Kind kind);

/**
 * The first bytes and the size of the file at \a path, read through an SQLite connection of
 * its own rather than a file descriptor of ours.
 *
 * Why: POSIX advisory locks belong to the process and the file, not to a descriptor, and
 * closing any descriptor of a file drops every lock the process holds on it. SQLite keeps its
 * connections' locks on the project file; a plain open() and close() of that file anywhere in
 * the process would silently release them, and another process would then take itself for the
 * last one, checkpoint and delete the write-ahead log the window still writes into. SQLite's
 * own file layer shares one descriptor table per file inside the process and defers closing,
 * so reading through it is safe while connections are open.
 *
 * Refuses what is not a regular file before opening anything. Throws Error naming the file.
 */
struct Head
{
    QByteArray bytes; ///< up to the first 100 bytes
    qint64 size = 0;
};
Head readHead(const QString &path);

/**
 * While it lives, notes that this process holds an SQLite connection to the project file at
 * \a path (each connection keeps one), for isOpenProjectFile().
 */
class OpenNote
{
public:
    explicit OpenNote(const QString &path);
    ~OpenNote();
    OpenNote(const OpenNote &) = delete;
    OpenNote &operator=(const OpenNote &) = delete;

private:
    quint64 m_device = 0;
    quint64 m_inode = 0;
    bool m_noted = false;
};

/**
 * Whether \a path is, or resolves to, a project file this process has connections to, or to
 * one of its companions (`-wal`, `-shm`, `-journal`). Such a file must never be opened other
 * than through SQLite (see readHead()).
 */
bool isOpenProjectFile(const QString &path);

/**
 * Why \a output must not be written by an export or a report of the project at
 * \a projectPath, or empty when it may. Refused: the project itself by any spelling (`./p`,
 * `sub/../p`, a symbolic or hard link), its `-wal`, `-shm` and `-journal`, its backups
 * (`p.schema-vN.bak…`), any project file this process has open, any existing Bagel project,
 * a folder, a block device and a socket.
 */
QString whyNotAnOutput(const QString &output, const QString &projectPath);

/** Whether the file system holding \a path (or its folder) has no free space left. */
bool diskFull(const QString &path);

} // namespace bagel::projectfiles
