#pragma once

// What the files of AuditSnapshot share inside core/audit: the data every copy of a snapshot
// holds once, and small helpers. Not for use outside the audit.

#include "audit.h"

#include <map>
#include <optional>

namespace bagel {

/** What every copy of a snapshot shares: the reviews as read, each unit's answers, the label edits. */
struct AuditSnapshot::Shared
{
    struct Answer
    {
        qint32 rater; ///< index into reviewers()
        qint32 row;   ///< index into reviews.rows
    };
    ReviewRows reviews;
    std::vector<Answer> answers; ///< each unit's, one after the other, in reviewer order
    QVector<ReviewRecord> labelEdits; ///< the reviews with label edits that count, in time order
    QHash<QPair<ItemId, ReviewerId>, QVector<qsizetype>> edits; ///< → positions in labelEdits
    QHash<ItemId, QVector<LabelJudgement>> imported;
    QVector<AdjudicationRecord> adjudications; ///< in time order
};

namespace auditdetail {

/** The value most often given, if one is given strictly more often than every other. */
template<typename T>
std::optional<T> plurality(const QVector<T> &values)
{
    std::map<T, int> counts;
    for (const T &v : values)
        ++counts[v];
    std::optional<T> best;
    int bestCount = 0;
    bool tie = false;
    for (const auto &[value, count] : counts) {
        if (count > bestCount) {
            best = value;
            bestCount = count;
            tie = false;
        } else if (count == bestCount) {
            tie = true;
        }
    }
    return tie ? std::nullopt : best;
}

} // namespace auditdetail

} // namespace bagel
