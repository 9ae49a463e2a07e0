#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace bagel {

class Progress;

/** What moving a project between a file and a server carried. */
struct TransferReport
{
    QString source;
    QString target;
    qint64 items = 0;
    qint64 predictions = 0;
    qint64 reviews = 0;
    qint64 adjudications = 0;
    qint64 assignments = 0;
    /** Leads a file names that a server does not take over: there, leads are database roles (team grant). */
    QStringList leadsNotCarried;

    QString summary() const;
    QJsonObject toJson() const;
};

/**
 * `bagel-cli push`: creates the server project \a uri from the project file \a file with its
 * whole history (reviews and adjudications keep their uids, so later merges recognise them),
 * its settings and its assignments. All or nothing: on any error, or Cancel, the new project
 * is removed again. Throws Error.
 */
TransferReport pushProject(const QString &file, const QString &uri, Progress *progress = nullptr);

/**
 * `bagel-cli pull`: writes a new project file \a file holding a snapshot of the server project
 * \a uri (one consistent state), its leads as the file's leads. Only a lead may: a reviewer
 * does not see every review. All or nothing: on any error the file is not left behind. Throws Error.
 */
TransferReport pullProject(const QString &uri, const QString &file, Progress *progress = nullptr);

} // namespace bagel
