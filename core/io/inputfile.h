#pragma once

#include <QByteArray>
#include <QString>

class QFile;
class QIODevice;

namespace bagel {

/**
 * Input files are ordinary files. A named pipe nobody writes would block open() forever, a
 * character device (`/dev/zero`) never ends or reads as nothing, a folder reads as nothing:
 * each is refused with a message naming the path, before anything is read.
 */

/** Why \a path cannot be read as an input file ("no such file", "a named pipe (FIFO)", …), or
 *  empty when it is a regular file. Symbolic links are followed. Never blocks. */
QString notRegularFileReason(const QString &path);

/** Throws Error `PATH: …` unless \a path is a regular file (after symbolic links). */
void requireRegularFile(const QString &path);

/**
 * Opens \a path for reading into \a file (which must not be open), refusing, without
 * blocking, anything that is not a regular file: the file is opened non-blocking and checked
 * on its descriptor, so it cannot be swapped for a pipe between the check and the open.
 * \a textMode adds QIODevice::Text. Throws Error naming the path.
 */
void openInputFile(QFile &file, const QString &path, bool textMode = false);

/**
 * The path to read \a path by when it lies inside the folder \a root: the cleaned path when
 * no symbolic link lies below \a root on its way (an lstat() per folder), else the canonical
 * path, symbolic links resolved. Empty when it resolves to a place outside \a root, or to
 * anything but a regular file (a device, a pipe, a folder). \a path as it is when it does not
 * exist (and does not lead out of \a root by its spelling), so that a reader can say the file
 * is missing.
 */
QString regularFileWithin(const QString &root, const QString &path);

/** True when \a path is \a root or lies below it, comparing the two as spelt (give both
 *  cleaned, or both canonical). */
bool isWithin(const QString &root, const QString &path);

/**
 * Reads text one line at a time, in 1 MB blocks. A line ends at LF, CRLF or a lone CR (old
 * Mac files), so the three read alike; a line longer than 16 MiB is an error naming the file.
 */
class LineReader
{
public:
    LineReader(QIODevice &device, QString sourceName);

    /** The next line, without its end; false at the end of the input. */
    bool next(QByteArray &line);
    /** The number of the line next() returned last (1-based). */
    qint64 lineNumber() const { return m_lineNumber; }

private:
    bool fill();

    QIODevice &m_device;
    QString m_source;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    bool m_eof = false;
    qint64 m_lineNumber = 0;
};

} // namespace bagel
