#pragma once

#include <QFile>
#include <QSaveFile>
#include <QString>

#include <memory>

namespace bagel {

/**
 * A file an export, a report or a chart is written to.
 *
 * - A regular file (or a new one) is written under a temporary name and renamed over the old
 *   one on commit(), so a failed export leaves the old file as it was.
 * - A character device or a FIFO (`/dev/stdout`, `/dev/null`, a pipe) is written in place: it
 *   is never renamed over or replaced by a regular file. A FIFO nobody reads is refused rather
 *   than waited on.
 * - Refused before anything is written (projectfiles::whyNotAnOutput()): the project itself by
 *   any name, its journal files and backups, any Bagel project, a folder, a block device.
 *
 * Errors name the file and say why, "the disk is full" when it is.
 */
class OutputFile
{
public:
    /** \a projectPath: the project the output is made from (empty: none). Throws Error. */
    OutputFile(const QString &path, const QString &projectPath);
    ~OutputFile();
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;

    QIODevice &device();
    /** Writes \a bytes; throws Error. */
    void write(const QByteArray &bytes);
    /** Finishes the file (renames it into place); throws Error naming why it failed. */
    void commit();
    /** Drops what was written; the old file, if any, stays. */
    void cancel();

    /** "PATH: cannot write: …" for a failed write to \a path: the disk is full, or the system's reason. */
    static QString writeProblem(const QString &path, const QString &systemReason);
    /** Why a write failed: "the disk is full" when it is (\a path may be empty), else \a systemReason. */
    static QString reason(const QString &path, const QString &systemReason);

private:
    QString m_path;
    std::unique_ptr<QSaveFile> m_atomic;
    std::unique_ptr<QFile> m_inPlace;
};

} // namespace bagel
