#pragma once

#include "storage/records.h"
#include "vocabulary.h"

#include <QSet>
#include <QString>
#include <QVector>

#include <optional>

namespace bagel {

class ClassCatalog;
class Project;

/** One item as the review queue of one model shows it to one reviewer. */
struct QueueRow
{
    ItemId item = 0;
    QString fileName;
    QString imagePath;    ///< as stored: relative to the images root, or absolute
    int originalLabel = -1;
    int top1 = -1;        ///< the model's top-1 class
    double score = 0.0;   ///< its score (NaN when unknown)
    double margin = 0.0;  ///< top-1 minus top-2 score (NaN when unknown)
    bool mistake = false; ///< top-1 ∉ correct ∪ unclear (the original label when there are no multi-labels)
    std::optional<Verdict> myVerdict;
    std::optional<Category> myCategory;
    std::optional<Severity> mySeverity;
    int otherReviewers = 0; ///< how many other reviewers gave a verdict
    bool assignedToMe = false; ///< a lead assigned this unit to the reviewer (`bagel-cli assign`)
};

/**
 * Which rows the queue shows: the plain, separately tested filter behind the queue's proxy.
 * Empty/negative fields do not filter.
 */
struct QueueFilter
{
    bool mistakesOnly = true;
    bool notReviewedByMe = false;
    bool assignedToMeOnly = false;
    std::optional<QSet<int>> originalClasses;  ///< the original label is one of these (empty: nothing passes)
    std::optional<QSet<int>> predictedClasses; ///< the top-1 is one of these (empty: nothing passes)
    std::optional<Verdict> verdict;   ///< my verdict
    std::optional<Category> category; ///< my category
    QString search;                   ///< part of the file name, case-insensitive

    bool accepts(const QueueRow &row) const;
    friend bool operator==(const QueueFilter &, const QueueFilter &) = default;
};

/** The queue's columns, in the order the table shows them. */
enum class QueueColumn { File, Original, Prediction, Score, Margin, MyVerdict, Others };
constexpr int kQueueColumnCount = int(QueueColumn::Others) + 1;

/**
 * The queue's order: by one column, ascending or descending. Whatever the direction, unknown
 * values (a score or margin the predictions did not give, no verdict of mine) come last, and
 * rows that tie keep the file-name order.
 */
struct QueueSort
{
    QueueColumn column = QueueColumn::File;
    bool descending = false;
    friend bool operator==(const QueueSort &, const QueueSort &) = default;
};

/** Is \a top1 a mistake against these labels (top-1 ∉ correct ∪ unclear; else ≠ original label)? */
bool isModelMistake(int top1, int originalLabel, const QVector<LabelJudgement> &labels);

/**
 * Reads the rows of \a model's queue for reviewer \a me (0: nobody yet): every item the model has
 * a prediction for, with the current labels, the reviewer's latest verdict and whether the unit
 * is assigned to them. One pass over
 * items, predictions, judgements and reviews: a 50,000-item project loads in a fraction of a second.
 */
QVector<QueueRow> loadQueue(const Project &project, ModelId model, ReviewerId me);

/** Recomputes one row after a review (the labels or my verdict may have changed). */
void refreshRow(const Project &project, ModelId model, ReviewerId me, QueueRow &row);

/**
 * The indices of \a rows that \a filter accepts, in the order of \a sort (\a rows are in
 * file-name order, as loadQueue() returns them). Classes sort by their names in \a catalog.
 */
QVector<int> arrangeQueue(const QVector<QueueRow> &rows, const QueueFilter &filter, QueueSort sort = {});
QVector<int> arrangeQueue(const QVector<QueueRow> &rows, const QueueFilter &filter, QueueSort sort, const ClassCatalog &catalog);

} // namespace bagel
