// AuditSnapshot: the ratings of a field, agreement and its breakdowns, the disagreement queue
// and how each reviewer worked.

#include "audit.h"
#include "auditsnapshotdata.h"

#include "catalog/classcatalog.h"
#include "catalog/taxonomy.h"
#include "error.h"

#include <algorithm>
#include <map>

namespace bagel {

using auditdetail::plurality;

namespace {

/** Seconds between two reviews above which the reviewer is taken to have paused. */
constexpr qint64 kBreakSeconds = 600;

} // namespace

// ---------------------------------------------------------------------------------------------
// Ratings and statistics

agreement::RatingTable AuditSnapshot::table(AuditField field, const std::vector<int> &units, bool foldBorderline,
                                            QStringList *valueNames) const
{
    agreement::RatingTable t;
    t.raters = int(m_reviewers.size());
    t.cells.assign(units.size() * std::size_t(t.raters), agreement::kMissing);
    QStringList names;
    switch (field) {
    case AuditField::Verdict:
        names = verdictNames();
        break;
    case AuditField::Category:
        names = categoryNames();
        break;
    case AuditField::Severity:
        names = foldBorderline ? QStringList{toString(Severity::Major), toString(Severity::Minor)} : severityNames();
        break;
    case AuditField::Labels:
        break;
    }
    QHash<QVector<int>, int> setIndex;
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    for (std::size_t row = 0; row < units.size(); ++row) {
        const Unit &u = m_units[std::size_t(units[row])];
        for (int k = 0; k < u.latest.size(); ++k) {
            const int rater = u.latest.rater(k);
            const ReviewRow &review = u.latest.row(k);
            const bool wrong = review.verdict == qint8(Verdict::Wrong);
            int value = agreement::kMissing;
            switch (field) {
            case AuditField::Verdict:
                value = review.verdict;
                break;
            case AuditField::Category:
                if (wrong && review.category >= 0)
                    value = review.category;
                break;
            case AuditField::Severity:
                if (wrong && review.severity >= 0)
                    value = foldBorderline ? int(reportedSeverity(Severity(review.severity))) : review.severity;
                break;
            case AuditField::Labels: {
                const QVector<int> set = u.labelSets[k];
                auto it = setIndex.constFind(set);
                if (it == setIndex.constEnd()) {
                    it = setIndex.insert(set, int(t.sets.size()));
                    t.sets.emplace_back(set.begin(), set.end());
                    QStringList wnids;
                    for (const int c : set)
                        wnids << catalog.at(c).wnid;
                    names << (wnids.isEmpty() ? QStringLiteral("{}") : QStringLiteral("{%1}").arg(wnids.join(QLatin1Char(' '))));
                }
                value = *it;
                break;
            }
            }
            t.cells[row * std::size_t(t.raters) + std::size_t(rater)] = value;
        }
    }
    if (field == AuditField::Labels && t.sets.empty())
        t.sets.emplace_back(); // a set-valued table stays one, even with no ratings
    t.values = field == AuditField::Labels ? int(t.sets.size()) : int(names.size());
    if (valueNames)
        *valueNames = names;
    return t;
}

agreement::Result AuditSnapshot::agreement(const AuditOptions &options) const
{
    return agreement::compute(table(options.field, unitsOf(options.model), options.foldBorderline), options.statistics);
}

QVector<BreakdownRow> AuditSnapshot::breakdown(Breakdown by, const AuditOptions &options, const Taxonomy *taxonomy) const
{
    QVector<QString> superclass;
    if (by == Breakdown::Superclass) {
        if (!taxonomy || !taxonomy->isAvailable())
            throw Error(QStringLiteral("the breakdown by superclass needs WordNet (install wordnet-base)"));
        superclass = superclasses(*taxonomy);
    }
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    // Group key: a sort key and a display name.
    std::map<QPair<int, QString>, std::vector<int>> groups;
    for (const int index : unitsOf(options.model)) {
        const Unit &u = m_units[std::size_t(index)];
        QPair<int, QString> key;
        switch (by) {
        case Breakdown::Model:
            key = {0, modelName(u.model).isEmpty() ? QStringLiteral("(image only)") : modelName(u.model)};
            break;
        case Breakdown::OriginalClass:
            key = u.originalLabel >= 0 ? QPair<int, QString>{u.originalLabel, QStringLiteral("%1 %2").arg(
                                                                                 catalog.at(u.originalLabel).wnid,
                                                                                 catalog.at(u.originalLabel).name())}
                                       : QPair<int, QString>{1000, QStringLiteral("(unknown label)")};
            break;
        case Breakdown::Superclass:
            key = {0, u.originalLabel >= 0 ? superclass.value(u.originalLabel) : QStringLiteral("(unknown label)")};
            break;
        case Breakdown::Category: {
            QVector<Category> categories;
            for (int k = 0; k < u.latest.size(); ++k) {
                const ReviewRow &review = u.latest.row(k);
                if (review.verdict == qint8(Verdict::Wrong) && review.category >= 0)
                    categories << Category(review.category);
            }
            if (categories.isEmpty())
                key = {int(categoryNames().size()) + 1, QStringLiteral("(no category given)")};
            else if (const auto c = plurality(categories))
                key = {int(*c), toString(*c)};
            else
                key = {int(categoryNames().size()), QStringLiteral("(categories tied)")};
            break;
        }
        }
        groups[key].push_back(index);
    }
    QVector<BreakdownRow> rows;
    for (const auto &[key, units] : groups) {
        BreakdownRow row;
        row.group = key.second;
        row.unitsInGroup = qint64(units.size());
        row.result = agreement::compute(table(options.field, units, options.foldBorderline), options.statistics);
        rows << row;
    }
    return rows;
}

QVector<Disagreement> AuditSnapshot::disagreements(const AuditOptions &options) const
{
    const std::vector<int> units = unitsOf(options.model);
    const agreement::RatingTable t = table(options.field, units, options.foldBorderline);
    QVector<Disagreement> out;
    for (std::size_t row = 0; row < units.size(); ++row) {
        int raters = 0;
        for (int r = 0; r < t.raters; ++r)
            raters += t.at(qint64(row), r) != agreement::kMissing;
        if (raters < 2)
            continue;
        const double dispute = agreement::dispute(t, qint64(row));
        if (dispute <= 0.0)
            continue;
        out << Disagreement{units[row], dispute, raters, m_units[std::size_t(units[row])].adjudication != nullptr};
    }
    std::stable_sort(out.begin(), out.end(), [](const Disagreement &a, const Disagreement &b) {
        return a.dispute != b.dispute ? a.dispute > b.dispute : a.raters > b.raters;
    });
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reviewers

QVector<ReviewerStats> AuditSnapshot::reviewerStats(ModelId model) const
{
    QVector<ReviewerStats> out;
    out.resize(m_reviewers.size());
    for (int r = 0; r < m_reviewers.size(); ++r) {
        out[r].name = m_reviewers[r].name;
        const QVector<qint64> times = m_verdictTimes.value(m_reviewers[r].id);
        out[r].reviews = times.size();
        std::vector<double> gaps;
        for (qsizetype i = 1; i < times.size(); ++i) {
            const qint64 ms = times[i] - times[i - 1];
            if (ms >= 0 && ms <= kBreakSeconds * 1000)
                gaps.push_back(double(ms) / 1000.0);
        }
        if (!gaps.empty()) {
            std::sort(gaps.begin(), gaps.end());
            const std::size_t n = gaps.size();
            out[r].medianSecondsPerItem = n % 2 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2.0;
        }
    }
    QVector<qint64> goldRight(m_reviewers.size(), 0);
    // The units of an item are next to each other: a reviewer's items are counted as they change.
    QVector<ItemId> lastItem(m_reviewers.size(), 0);
    QVector<bool> anyItem(m_reviewers.size(), false);
    for (const int index : unitsOf(model)) {
        const Unit &u = m_units[std::size_t(index)];
        const bool gold = u.adjudication && u.adjudication->gold && u.adjudication->verdict;
        for (int k = 0; k < u.latest.size(); ++k) {
            const int rater = u.latest.rater(k);
            const Verdict verdict = Verdict(u.latest.row(k).verdict);
            ReviewerStats &st = out[rater];
            ++st.units;
            if (!anyItem[rater] || lastItem[rater] != u.item) {
                ++st.items;
                anyItem[rater] = true;
                lastItem[rater] = u.item;
            }
            ++st.verdicts[std::size_t(verdict)];
            if (gold) {
                ++st.goldUnits;
                goldRight[rater] += verdict == *u.adjudication->verdict;
            }
        }
    }
    for (int r = 0; r < out.size(); ++r) {
        if (out[r].goldUnits)
            out[r].goldAccuracy = double(goldRight[r]) / double(out[r].goldUnits);
    }
    return out;
}

} // namespace bagel
