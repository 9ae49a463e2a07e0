#include "reviewqueue.h"

#include "project.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace bagel {

bool QueueFilter::accepts(const QueueRow &row) const
{
    if (mistakesOnly && !row.mistake)
        return false;
    if (notReviewedByMe && row.myVerdict)
        return false;
    if (originalClass >= 0 && row.originalLabel != originalClass)
        return false;
    if (predictedClass >= 0 && row.top1 != predictedClass)
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

QVector<int> arrangeQueue(const QVector<QueueRow> &rows, const QueueFilter &filter, QueueOrder order)
{
    QVector<int> indices;
    for (int i = 0; i < rows.size(); ++i) {
        if (filter.accepts(rows[i]))
            indices << i;
    }
    const auto byValue = [&](auto value, bool ascending) {
        std::stable_sort(indices.begin(), indices.end(), [&](int a, int b) {
            const double x = value(rows[a]);
            const double y = value(rows[b]);
            if (std::isnan(x) || std::isnan(y))
                return !std::isnan(x) && std::isnan(y); // unknown last
            return ascending ? x < y : x > y;
        });
    };
    switch (order) {
    case QueueOrder::FileName:
        break; // rows come in file-name order
    case QueueOrder::ScoreAscending:
        byValue([](const QueueRow &r) { return r.score; }, true);
        break;
    case QueueOrder::ScoreDescending:
        byValue([](const QueueRow &r) { return r.score; }, false);
        break;
    case QueueOrder::MarginAscending:
        byValue([](const QueueRow &r) { return r.margin; }, true);
        break;
    case QueueOrder::MarginDescending:
        byValue([](const QueueRow &r) { return r.margin; }, false);
        break;
    }
    return indices;
}

} // namespace bagel
