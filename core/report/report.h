#pragma once

#include "storage/records.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

#include <array>
#include <optional>

namespace bagel {

class AuditSnapshot;
class Project;

/** One row of the paper's Table 2: mistakes of one category by severity. */
struct SeverityCounts
{
    qint64 major = 0;
    qint64 minor = 0; ///< borderline included, as the paper counts it
    qint64 total = 0; ///< also mistakes whose severity nobody gave

    friend bool operator==(const SeverityCounts &, const SeverityCounts &) = default;
};

/** A class the model predicted for images of another class, and how often. */
struct ConfusedPair
{
    int label = -1;      ///< the original label
    int prediction = -1; ///< the model's top-1
    qint64 count = 0;
};

/** What the review changed for one model. */
struct ModelReport
{
    ModelId model = 0;
    QString name;
    qint64 predictions = 0;

    /** Top-1 accuracy on the original labels (items with a label and a prediction). */
    std::optional<double> top1;
    qint64 top1Items = 0;
    /**
     * Multi-label accuracy as the papers' evaluation computes it: problematic images left out,
     * a top-1 in correct ∪ unclear counts, the mean per original class, then the unweighted
     * mean over the classes. Before: the imported labels; after: the labels after the review.
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

    /** Table 2: final mistakes (verdict wrong) by category (Category order) and severity. */
    std::array<SeverityCounts, 5> table2{};
    SeverityCounts table2Total;
    qint64 mistakesWithoutCategory = 0;
    /** Apparent mistakes (top-1 outside the imported correct ∪ unclear, else ≠ the label) with a final verdict, and how many of them it found were not mistakes. */
    qint64 apparentMistakesDecided = 0;
    qint64 notMistakes = 0;
    std::optional<double> notMistakesShare;

    /** The model's mistakes after the review by (label → prediction), most frequent first. */
    QVector<ConfusedPair> confusedPairs;
};

struct Report
{
    QVector<ModelReport> models;
    /** The agreement between reviewers on the verdict, over all models (the `agreement --json` object). */
    QJsonObject agreement;
};

/**
 * The report of \a project, for every model or only \a model. Reads the project once (through
 * an AuditSnapshot, so the final state is the one the exports use). Throws Error.
 */
Report computeReport(const Project &project, ModelId model = 0);

/** The `bagel-cli report --json` object: `models.<name>` with `top1`, `mla_before`, `mla_after`, `real`, `imagenet_m`, `table2`, … */
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
