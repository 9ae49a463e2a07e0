#pragma once

#include "vocabulary.h"

#include <QDateTime>
#include <QString>
#include <QVector>

#include <limits>
#include <optional>

namespace bagel {

using ItemId = qint64;
using ModelId = qint64;
using ReviewerId = qint64;
using ReviewId = qint64;

/** An image under review. */
struct ItemRecord
{
    ItemId id = 0;
    QString fileName;       ///< unique within a project, e.g. `ILSVRC2012_val_00000001.JPEG`
    QString imagePath;      ///< relative to the project's images root (or absolute)
    int originalLabel = -1; ///< class index; -1 when unknown
};

/** The id, original label and image path of an item, keyed by file name for importers. */
struct ItemKey
{
    ItemId id = 0;
    int originalLabel = -1;
    QString imagePath;
};

/** One class of a model's top-k with its score. */
struct ClassScore
{
    int classIndex = -1;
    double score = 0.0; ///< NaN when the source gave none

    /** Scores compare equal when both are unknown (NaN). */
    friend bool operator==(const ClassScore &a, const ClassScore &b)
    {
        return a.classIndex == b.classIndex && (a.score == b.score || (a.score != a.score && b.score != b.score));
    }
};

/** A model's top-k predictions for one item, best first. */
struct ModelPrediction
{
    ModelId model = 0;
    QVector<ClassScore> topk;
};

/** The state of one class in an item's multi-label set. */
struct LabelJudgement
{
    int classIndex = -1;
    Judgement judgement = Judgement::Correct;

    friend bool operator==(const LabelJudgement &, const LabelJudgement &) = default;
};

/** Why an image was flagged as not belonging to the evaluation set, as TFDS records it. */
struct ProblematicInfo
{
    QString reason;
    QString reviewer;
    QString serverUsername;
    QString timeMarked;
    QString timeReviewed;

    friend bool operator==(const ProblematicInfo &, const ProblematicInfo &) = default;
};

/** A review's change to one class of the item's label set. */
struct LabelChange
{
    int classIndex = -1;
    LabelEdit edit = LabelEdit::Correct;

    friend bool operator==(const LabelChange &, const LabelChange &) = default;
};

struct ModelRecord
{
    ModelId id = 0;
    QString name;
};

struct ReviewerRecord
{
    ReviewerId id = 0;
    QString name;
};

/** One entry of the append-only review history. */
struct ReviewRecord
{
    ReviewId id = 0;
    ItemId item = 0;
    ModelId model = 0; ///< 0: the review is about the image, not a model's prediction
    ReviewerId reviewer = 0;
    QDateTime time;    ///< UTC, millisecond precision
    std::optional<Verdict> verdict; ///< empty for a review that only edits labels
    std::optional<Category> category;
    std::optional<SpuriousKind> spuriousKind;
    std::optional<Severity> severity;
    QVector<LabelChange> labelChanges;
    QString note;
    QString source; ///< `bagel`, `cli`, or the importer that created it
    ReviewId retracts = 0; ///< non-zero: this entry undoes that earlier review and says nothing else
    QString oovWnid;       ///< the true object's WordNet synset (`n` + 8 digits), for fine-grained-oov
    QString uid;           ///< unique across project files (32 hex digits); empty on append: a new one is made
};

/**
 * One review in a compact form, for reading a whole history at once (the audit reads 250,000):
 * the fields every review has, with the strings most reviews leave empty kept aside in
 * ReviewRows. Enumerations hold their value as a number, -1 for none.
 */
struct ReviewRow
{
    static constexpr qint64 kNoTime = std::numeric_limits<qint64>::min(); ///< a time that could not be read

    ReviewId id = 0;
    ItemId item = 0;
    ModelId model = 0;
    ReviewerId reviewer = 0;
    qint64 time = kNoTime; ///< milliseconds since the epoch, UTC
    ReviewId retracts = 0;
    qint32 detail = -1; ///< index into ReviewRows::details, -1: no note, true object or label edits
    qint32 source = 0;  ///< index into ReviewRows::sources
    qint8 verdict = -1;
    qint8 category = -1;
    qint8 spuriousKind = -1;
    qint8 severity = -1;

    bool hasVerdict() const { return verdict >= 0; }
};

/** Every review of a project as ReviewRow, in id order (Store::reviewRows()). */
struct ReviewRows
{
    struct Detail
    {
        QString note;
        QString oovWnid;
        QVector<LabelChange> labelChanges;
    };
    QVector<ReviewRow> rows;
    QVector<QString> sources;
    QVector<Detail> details;

    /** The row as a full record (without its uid). */
    ReviewRecord record(const ReviewRow &row) const;
    /** Appends a record (for lists read as records). */
    void append(const ReviewRecord &record);
    bool hasLabelChanges(const ReviewRow &row) const { return row.detail >= 0 && !details[row.detail].labelChanges.isEmpty(); }
};

/**
 * A lead's final word on a unit (an item and the model whose prediction is judged). The latest
 * adjudication of a unit counts; one without a verdict withdraws the earlier ones.
 */
struct AdjudicationRecord
{
    qint64 id = 0;
    ItemId item = 0;
    ModelId model = 0; ///< 0: about the image whatever the model
    ReviewerId lead = 0;
    QDateTime time;
    std::optional<Verdict> verdict;
    std::optional<Category> category;
    std::optional<Severity> severity;
    bool gold = false; ///< the unit scores reviewers: their verdict is compared with this one
    QString reason;
    QString uid;
};

/**
 * One reviewer's assignment to one unit (an item and the model whose prediction is judged):
 * the lead hands out the queue so that each unit gets K reviewers (`bagel-cli assign`).
 */
struct AssignmentRecord
{
    ItemId item = 0;
    ModelId model = 0;
    ReviewerId reviewer = 0;

    friend bool operator==(const AssignmentRecord &, const AssignmentRecord &) = default;
};

/** What the review queue needs of one prediction: its top-1, score and top-1/top-2 margin. */
struct PredictionSummary
{
    ItemId item = 0;
    int top1 = -1;
    double score = 0.0;  ///< NaN when unknown
    double margin = 0.0; ///< NaN when unknown
};

/** Row counts of a project, as `bagel-cli info` reports them. */
struct ProjectCounts
{
    qint64 items = 0;
    qint64 itemsWithUnknownLabel = 0;
    qint64 models = 0;
    qint64 predictions = 0;
    qint64 reviewers = 0;
    qint64 reviews = 0;
    qint64 judgements = 0;
    qint64 problematic = 0;
    qint64 imagenetM = 0;
    qint64 realLabelled = 0;
    qint64 adjudications = 0;
    qint64 assignments = 0;
};

} // namespace bagel
