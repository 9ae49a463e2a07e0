#pragma once

#include "storage/records.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

#include <array>
#include <optional>

namespace bagel {

class AuditSnapshot;
class Progress;
class Project;

/** One row of the paper's Table 2: mistakes of one category by severity. */
struct SeverityCounts
{
    qint64 major = 0;
    qint64 minor = 0; ///< borderline included, as the paper counts it
    qint64 total = 0; ///< also mistakes without a severity agreed (nobody gave one, or the reviewers tie)

    friend bool operator==(const SeverityCounts &, const SeverityCounts &) = default;
};

/** A class the model predicted for images of another class, and how often. */
struct ConfusedPair
{
    int label = -1;      ///< the original label
    int prediction = -1; ///< the model's top-1
    qint64 count = 0;
};

/**
 * What the review changed for one model. Every count of the model's mistakes is defined here
 * once and the front ends only show it: Table 2's rows (table2Rows()) add up to table2Total,
 * the mistakes (mistakes()) are table2Total plus the open and the unreviewed ones, and the
 * confused pairs count the same mistakes (all but mistakesOutsidePairs).
 */
struct ModelReport
{
    ModelId model = 0;
    QString name;
    qint64 predictions = 0;

    /** Top-1 accuracy on the original labels (items with a label and a prediction). */
    std::optional<double> top1;
    qint64 top1Items = 0;
    /**
     * Top-1 accuracy after the review, over the same items less those a final `problematic`
     * verdict marks: right when the unit's final verdict is `correct` or `unclear`, or when the
     * top-1 is the original label and no final verdict says `wrong`.
     */
    std::optional<double> top1After;
    qint64 top1AfterItems = 0;
    /**
     * Multi-label accuracy as the papers' evaluation computes it, over the evaluation set (the
     * items with imported multi-label judgements): problematic images left out, a top-1 in
     * correct ∪ unclear counts, the mean per original class, then the unweighted mean over the
     * classes. Before: the imported labels; after: the labels after the review. No value
     * without imported judgements.
     */
    std::optional<double> mlaBefore;
    std::optional<double> mlaAfter;
    qint64 mlaItemsBefore = 0;
    qint64 mlaItemsAfter = 0;
    /** Top-1 in the ReaL labels, over the images ReaL keeps (none loaded: no value). */
    std::optional<double> real;
    qint64 realItems = 0;
    /** ImageNet-M items whose top-1 is still a mistake after the review, of imagenetMTotal. */
    std::optional<qint64> imagenetM;
    qint64 imagenetMTotal = 0;

    /** Table 2: units whose final verdict is wrong, by category (Category order) and severity. */
    std::array<SeverityCounts, 5> table2{};
    /** Units whose final verdict is wrong and to which no category was given. */
    SeverityCounts table2NoCategory;
    /** Every unit whose final verdict is wrong: the sum of the categories and table2NoCategory. */
    SeverityCounts table2Total;
    /** Apparent mistakes (by the labels after the review) whose reviewers tie: the unit is open. */
    qint64 mistakesOpen = 0;
    /** Apparent mistakes (by the labels after the review) nobody has given a verdict on. */
    qint64 mistakesUnreviewed = 0;
    /** Mistakes in no confused pair: their original label or top-1 is not known. */
    qint64 mistakesOutsidePairs = 0;
    /** The model's mistakes after the review: wrong, open and not reviewed. */
    qint64 mistakes() const { return table2Total.total + mistakesOpen + mistakesUnreviewed; }
    /** The mistakes the confused pairs count: the sum of their counts. */
    qint64 mistakesInPairs() const { return mistakes() - mistakesOutsidePairs; }

    /** Apparent mistakes (top-1 outside the imported correct ∪ unclear, else ≠ the label) with a final verdict, and how many of them it found were not mistakes. */
    qint64 apparentMistakesDecided = 0;
    qint64 notMistakes = 0;
    std::optional<double> notMistakesShare;

    /** The model's mistakes after the review by (label → prediction), most frequent first. */
    QVector<ConfusedPair> confusedPairs;
};

/** One row of Table 2 as every front end shows it, in the order they show them. */
struct Table2Row
{
    enum class Kind {
        Category,   ///< final verdict wrong, of one category
        NoCategory, ///< final verdict wrong, no category agreed: nobody gave one, or the reviewers tied
        Total,      ///< final verdict wrong: the sum of the rows above
        Open,       ///< the reviewers tie: only a total
    };
    Kind kind = Kind::Category;
    std::optional<Category> category; ///< Kind::Category only
    QString key;   ///< in the JSON's `table2`: the category's name, `no-category`, `total`; empty for Open (in `mistakes`)
    QString label; ///< what the tables and the chart call it
    SeverityCounts counts;
};

/**
 * The rows of \a model's Table 2: the five categories, mistakes without a category, the total,
 * and the open units. \a withEmpty false leaves out the no-category and open rows when zero.
 */
QVector<Table2Row> table2Rows(const ModelReport &model, bool withEmpty = true);

/** "N (W wrong, T open, U not reviewed)": the mistakes after the review as one figure. */
QString mistakesText(const ModelReport &model);

struct Report
{
    QVector<ModelReport> models;
    /** The agreement between reviewers on the verdict, over all models (the `agreement --json` object). */
    QJsonObject agreement;
};

/**
 * The report of \a project, for every model or only \a model. Reads the project once (through
 * an AuditSnapshot, so the final state is the one the exports use). \a progress (may be null)
 * hears the stages of reading (AuditSnapshot::load()'s), then "Computing the figures" (rows:
 * the units, and each model's predictions and units), and is checked every few thousand rows:
 * once it is cancelled the computation stops with Cancelled. Throws Error.
 */
Report computeReport(const Project &project, ModelId model = 0, Progress *progress = nullptr);

/** The `bagel-cli report --json` object: `models.<name>` with `top1`, `top1_after`, `mla_before`, `mla_after`, `real`, `imagenet_m`, `table2`, `mistakes`, … */
QJsonObject reportJson(const Report &report);

/**
 * The paper's multi-label accuracy of \a top1 (item → class) on \a labels: problematic items,
 * items without a correct class and items without an original label left out; a top-1 that is
 * correct or unclear counts; the unweighted mean over original classes of each class's
 * accuracy. \a itemsUsed receives the number of items counted.
 */
std::optional<double> multiLabelAccuracy(const QHash<ItemId, int> &top1, const QHash<ItemId, QVector<LabelJudgement>> &labels,
                                         const QSet<ItemId> &problematic, const QHash<ItemId, int> &originalLabels,
                                         qint64 *itemsUsed = nullptr);

} // namespace bagel
