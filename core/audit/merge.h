#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace bagel {

class Progress;
class Project;

/** What merging another reviewer's project file brought in. */
struct MergeReport
{
    QString source;
    qint64 reviewsAdded = 0;
    qint64 reviewsPresent = 0; ///< already in the target (merged before, or common history)
    qint64 adjudicationsAdded = 0;
    qint64 adjudicationsPresent = 0;
    qint64 adjudicationsRefused = 0; ///< by someone the target's list of leads does not name: left out
    qint64 reviewersAdded = 0;
    /**
     * The leads are a setting of each project: a merge never changes the target's. These are
     * the source's leads that the target does not name (compared in NFC), said so that a lead
     * list left behind is not missed; targetNamesLeads tells whether the target names any.
     */
    QStringList leadsNotCarried;
    bool targetNamesLeads = false;
    QString target;

    /** One line, and a second about the leads when leadsNotCarried is not empty. */
    QString summary() const;
    QJsonObject toJson() const;
};

/**
 * Brings the reviews and adjudications of the project file \a sourcePath into \a target,
 * each with its author and time. Reviews are told apart by their uid, so merging the same
 * file twice adds nothing. The two files must hold the same items (file names and original
 * labels) and the target must have every model the source's reviews name, with the same top-1
 * predictions; otherwise, or on
 * any error, nothing is written. The source is read from a consistent copy and never changed.
 * The target's leads stay as they are: an adjudication by someone who is not one of them is
 * left out (adjudicationsRefused), and the source's leads are only reported (leadsNotCarried).
 * \a progress (may be null) hears the reviews and adjudications merged so far; once it is
 * cancelled the merge stops with Cancelled and writes nothing. Throws Error.
 */
MergeReport mergeProject(Project &target, const QString &sourcePath, Progress *progress = nullptr);

} // namespace bagel
