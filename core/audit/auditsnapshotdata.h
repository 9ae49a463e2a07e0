#pragma once

// What the files of AuditSnapshot share inside core/audit: the data every copy of a snapshot
// holds once, and small helpers. Not for use outside the audit.

#include "audit.h"

#include <QHash>
#include <QVector>

#include <algorithm>
#include <map>
#include <optional>

namespace bagel {

namespace auditdetail {

/** The position of each id of a list: a table when the ids are dense enough, else a hash. */
class IdIndex
{
public:
    IdIndex() = default;
    explicit IdIndex(const QVector<qint64> &ids)
    {
        qint64 max = -1;
        bool nonNegative = true;
        for (const qint64 id : ids) {
            max = std::max(max, id);
            nonNegative = nonNegative && id >= 0;
        }
        m_dense = nonNegative && max <= 4 * qint64(ids.size()) + 1024;
        if (m_dense) {
            m_table.assign(std::size_t(max + 1), -1);
            for (int i = 0; i < int(ids.size()); ++i)
                m_table[std::size_t(ids[i])] = i;
        } else {
            m_hash.reserve(ids.size());
            for (int i = 0; i < int(ids.size()); ++i)
                m_hash.insert(ids[i], i);
        }
    }

    /** -1 for an id not in the list. */
    int operator()(qint64 id) const
    {
        if (m_dense)
            return id >= 0 && id < qint64(m_table.size()) ? m_table[std::size_t(id)] : -1;
        return m_hash.value(id, -1);
    }

private:
    bool m_dense = true;
    std::vector<int> m_table;
    QHash<qint64, int> m_hash;
};

/**
 * Numbers the units that occur, keyed by (item rank, model slot), in that order: a table over
 * every (rank, slot) while it is small enough, else the sorted keys.
 */
class UnitNumbers
{
public:
    UnitNumbers() = default;
    UnitNumbers(qsizetype ranks, qsizetype slots)
        : m_slots(slots)
        , m_dense(qint64(ranks) * slots <= (qint64(1) << 22))
    {
        if (m_dense)
            m_table.assign(std::size_t(ranks * slots), -1);
    }

    void mark(int rank, int slot)
    {
        const qint64 key = rank * m_slots + slot;
        if (m_dense)
            m_table[std::size_t(key)] = 0;
        else
            m_keys.push_back(key);
    }

    /** Numbers the marked units; returns their keys in order. */
    std::vector<qint64> number()
    {
        if (m_dense) {
            std::vector<qint64> keys;
            for (std::size_t key = 0; key < m_table.size(); ++key) {
                if (m_table[key] >= 0) {
                    m_table[key] = int(keys.size());
                    keys.push_back(qint64(key));
                }
            }
            return keys;
        }
        std::sort(m_keys.begin(), m_keys.end());
        m_keys.erase(std::unique(m_keys.begin(), m_keys.end()), m_keys.end());
        return m_keys;
    }

    /** The number of a marked unit, once numbered. */
    int operator()(int rank, int slot) const
    {
        const qint64 key = rank * m_slots + slot;
        if (m_dense)
            return m_table[std::size_t(key)];
        const auto it = std::lower_bound(m_keys.begin(), m_keys.end(), key);
        return it != m_keys.end() && *it == key ? int(it - m_keys.begin()) : -1;
    }

private:
    qint64 m_slots = 1;
    bool m_dense = true;
    std::vector<int> m_table;
    std::vector<qint64> m_keys;
};

} // namespace auditdetail

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
    auditdetail::IdIndex ranks; ///< item id → place in file-name order
    auditdetail::IdIndex slots; ///< model id → slot (0: the image alone)
    auditdetail::UnitNumbers units; ///< (rank, slot) → unit index
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
