#include "reviewqueue.h"

#include "catalog/classcatalog.h"
#include "assignment.h"
#include "project.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bagel {

bool QueueFilter::accepts(const QueueRow &row) const
{
    if (mistakesOnly && !row.mistake)
        return false;
    if (notReviewedByMe && row.myVerdict)
        return false;
    if (assignedToMeOnly && !row.assignedToMe)
        return false;
    if (originalClasses && !originalClasses->contains(row.originalLabel))
        return false;
    if (predictedClasses && !predictedClasses->contains(row.top1))
        return false;
    if (verdict && row.myVerdict != verdict)
        return false;
    if (category && row.myCategory != category)
        return false;
    if (!search.isEmpty() && !row.fileName.contains(search, Qt::CaseInsensitive))
        return false;
    return true;
}

bool isModelMistake(int top1, int originalLabel, const QVector<LabelJudgement> &labels)
{
    if (labels.isEmpty())
        return top1 != originalLabel;
    return std::none_of(labels.begin(), labels.end(), [top1](const LabelJudgement &j) {
        return j.classIndex == top1 && (j.judgement == Judgement::Correct || j.judgement == Judgement::Unclear);
    });
}

namespace {

/** My latest verdict and the number of other reviewers with a verdict, from an item's reviews. */
void applyReviews(QueueRow &row, ModelId model, ReviewerId me, const QVector<ReviewRecord> &effective)
{
    row.myVerdict.reset();
    row.myCategory.reset();
    row.mySeverity.reset();
    QSet<ReviewerId> others;
    for (const ReviewRecord &r : effective) {
        if (!r.verdict || (r.model != model && r.model != 0))
            continue;
        if (me && r.reviewer == me) {
            row.myVerdict = r.verdict;
            row.myCategory = r.category;
            row.mySeverity = r.severity;
        } else {
            others.insert(r.reviewer);
        }
    }
    row.otherReviewers = int(others.size());
}

} // namespace

QVector<QueueRow> loadQueue(const Project &project, ModelId model, ReviewerId me)
{
    const Store &store = project.store();
    QHash<ItemId, PredictionSummary> predictions;
    for (const PredictionSummary &p : store.predictionSummaries(model))
        predictions.insert(p.item, p);
    const QHash<ItemId, QVector<LabelJudgement>> labels = project.allCurrentLabels();
    QHash<ItemId, QVector<ReviewRecord>> reviews;
    store.forEachReview([&reviews](const ReviewRecord &r) { reviews[r.item] << r; });
    const QVector<ItemId> assigned = assignedItems(project, model, me);
    const QSet<ItemId> mine(assigned.begin(), assigned.end());

    QVector<QueueRow> rows;
    rows.reserve(predictions.size());
    store.forEachItem([&](const ItemRecord &item) {
        const auto prediction = predictions.constFind(item.id);
        if (prediction == predictions.constEnd())
            return;
        QueueRow row;
        row.item = item.id;
        row.fileName = item.fileName;
        row.imagePath = item.imagePath;
        row.originalLabel = item.originalLabel;
        row.top1 = prediction->top1;
        row.score = prediction->score;
        row.margin = prediction->margin;
        row.mistake = isModelMistake(row.top1, row.originalLabel, labels.value(item.id));
        row.assignedToMe = mine.contains(item.id);
        const auto itemReviews = reviews.constFind(item.id);
        if (itemReviews != reviews.constEnd())
            applyReviews(row, model, me, effectiveReviews(*itemReviews));
        rows << row;
    });
    return rows;
}

void refreshRow(const Project &project, ModelId model, ReviewerId me, QueueRow &row)
{
    row.mistake = isModelMistake(row.top1, row.originalLabel, project.currentLabels(row.item));
    applyReviews(row, model, me, effectiveReviews(project.store().reviews(row.item)));
}

namespace {

/** Each class's place when the classes are sorted by name (case-insensitive, then by index). */
QVector<int> classRanks(const ClassCatalog &catalog)
{
    QVector<int> order(catalog.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const int c = QString::compare(catalog.at(a).name(), catalog.at(b).name(), Qt::CaseInsensitive);
        return c < 0 || (c == 0 && a < b);
    });
    QVector<int> rank(catalog.size());
    for (int r = 0; r < order.size(); ++r)
        rank[order[r]] = r;
    return rank;
}

} // namespace

QVector<int> arrangeQueue(const QVector<QueueRow> &rows, const QueueFilter &filter, QueueSort sort)
{
    return arrangeQueue(rows, filter, sort, ClassCatalog::imagenet1k());
}

QVector<int> arrangeQueue(const QVector<QueueRow> &rows, const QueueFilter &filter, QueueSort sort, const ClassCatalog &catalog)
{
    QVector<int> indices;
    indices.reserve(rows.size());
    for (int i = 0; i < rows.size(); ++i) {
        if (filter.accepts(rows[i]))
            indices << i;
    }
    if (sort.column == QueueColumn::File) {
        if (sort.descending)
            std::reverse(indices.begin(), indices.end()); // rows come in file-name order
        return indices;
    }
    // Every column becomes a number; NaN is unknown and goes last in either direction.
    const auto byValue = [&](auto value) {
        std::stable_sort(indices.begin(), indices.end(), [&](int a, int b) {
            const double x = value(rows[a]);
            const double y = value(rows[b]);
            if (std::isnan(x) || std::isnan(y))
                return !std::isnan(x) && std::isnan(y);
            return sort.descending ? x > y : x < y;
        });
    };
    const auto classValue = [](const QVector<int> &rank, int classIndex) {
        return classIndex >= 0 && classIndex < rank.size() ? double(rank[classIndex]) : qQNaN();
    };
    switch (sort.column) {
    case QueueColumn::File:
        break;
    case QueueColumn::Original: {
        const QVector<int> rank = classRanks(catalog);
        byValue([&](const QueueRow &r) { return classValue(rank, r.originalLabel); });
        break;
    }
    case QueueColumn::Prediction: {
        const QVector<int> rank = classRanks(catalog);
        byValue([&](const QueueRow &r) { return classValue(rank, r.top1); });
        break;
    }
    case QueueColumn::Score:
        byValue([](const QueueRow &r) { return r.score; });
        break;
    case QueueColumn::Margin:
        byValue([](const QueueRow &r) { return r.margin; });
        break;
    case QueueColumn::MyVerdict:
        byValue([](const QueueRow &r) { return r.myVerdict ? double(*r.myVerdict) : qQNaN(); });
        break;
    case QueueColumn::Others:
        byValue([](const QueueRow &r) { return double(r.otherReviewers); });
        break;
    }
    return indices;
}

} // namespace bagel
