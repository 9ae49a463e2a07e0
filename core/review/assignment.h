#pragma once

#include "storage/records.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace bagel {

class Project;

/**
 * Who reviews which unit: for each of \a unitCount units, \a perUnit distinct reviewers out of
 * \a reviewerCount, as indices into the reviewers, ascending. Every reviewer's load (the units
 * they get) differs from every other's by at most one, and reviewers who share a unit are
 * spread over the pairs, so that agreement can be measured between every two of them. The
 * result depends on the arguments alone: the same seed gives the same plan on every machine
 * (a Mersenne twister with its own draws, no hash order, no library shuffle), another seed
 * another plan. Throws Error when \a perUnit < 1, \a perUnit > \a reviewerCount or there
 * are no units.
 */
QVector<QVector<int>> planAssignments(int unitCount, int reviewerCount, int perUnit, quint64 seed);

/** What `bagel-cli assign` and the window ask for: the input of assignReviewers(). */
struct AssignmentRequest
{
    QString model;          ///< empty: the project's only model
    QStringList reviewers;  ///< at least perUnit distinct, usable names
    int perUnit = 0;        ///< K: reviewers per unit
    bool allItems = false;  ///< every item the model has a prediction for, not only its mistakes
    quint64 seed = 0;
    QString lead;           ///< who hands out the units: one of the leads, once the project names any
};

/** What assignReviewers() did. */
struct AssignmentSummary
{
    struct Load
    {
        QString reviewer;
        int units = 0;
    };
    QString model;
    int units = 0;
    int perUnit = 0;
    quint64 seed = 0;
    bool allItems = false;
    qint64 replaced = 0;  ///< the model's assignments before (all gone now)
    QVector<Load> loads;  ///< per reviewer, in name order
};

/**
 * Hands out \a request.model's units (its mistakes — the queue's definition, top-1 not among the
 * item's current correct or unclear labels — or with allItems every item it has a prediction
 * for) so that each gets perUnit distinct reviewers (planAssignments(), units in file-name
 * order, reviewers in name order, so the order the names are given in does not matter). Replaces the
 * model's earlier assignments, in one transaction. Throws Error — and writes nothing — for an
 * unusable, empty or repeated reviewer name, perUnit out of range, an unknown model, a project
 * with several models and none named, no units, or, when the project names leads, a
 * \a request.lead who is not one.
 */
AssignmentSummary assignReviewers(Project &project, const AssignmentRequest &request);

/** Why \a lead may not assign reviewers to units (one line), or empty when they may. */
QString assignmentRefusal(const Project &project, const QString &lead);

/** One assignment with names: what `bagel-cli assignments` lists. */
struct AssignmentEntry
{
    QString item; ///< the item's file name
    QString model;
    QString reviewer;
    friend bool operator==(const AssignmentEntry &, const AssignmentEntry &) = default;
};

/**
 * The project's assignments by name, ordered by model, file name and reviewer; only \a model's
 * and \a reviewer's when given. Throws Error for a model or reviewer the project does not have.
 */
QVector<AssignmentEntry> listAssignments(const Project &project, const QString &model = {}, const QString &reviewer = {});

/** How far one reviewer is with the units assigned to them. */
struct AssignmentProgress
{
    ReviewerId reviewer = 0;
    QString name;
    int assigned = 0;
    int done = 0; ///< assigned units on which the reviewer's verdict stands (not undone)
    friend bool operator==(const AssignmentProgress &, const AssignmentProgress &) = default;
};

/** Per reviewer with assignments on \a model, in name order: assigned and done. Reads in one pass. */
QVector<AssignmentProgress> assignmentProgress(const Project &project, ModelId model);

/** The items of \a model assigned to \a reviewer. */
QVector<ItemId> assignedItems(const Project &project, ModelId model, ReviewerId reviewer);

} // namespace bagel
