// AuditSnapshot: the final state of a unit (adjudication, majority or tie) and the label sets
// after the review.

#include "audit.h"
#include "auditsnapshotdata.h"

#include "project.h"

#include <algorithm>
#include <map>

namespace bagel {

using auditdetail::plurality;

// ---------------------------------------------------------------------------------------------
// Final state

FinalState AuditSnapshot::finalState(int unit) const
{
    const Unit &u = m_units.at(std::size_t(unit));
    FinalState f;
    QVector<Category> categories;
    QVector<Severity> severities;
    for (int k = 0; k < u.latest.size(); ++k) {
        const ReviewRow &review = u.latest.row(k);
        if (review.verdict == qint8(Verdict::Wrong)) {
            if (review.category >= 0)
                categories << Category(review.category);
            if (review.severity >= 0)
                severities << Severity(review.severity);
        }
    }
    if (u.adjudication) {
        const AdjudicationRecord &a = *u.adjudication;
        f.source = FinalState::Source::Adjudicated;
        f.verdict = a.verdict;
        if (a.verdict == Verdict::Wrong) {
            f.category = a.category ? a.category : plurality(categories);
            f.severity = a.severity ? a.severity : plurality(severities);
        }
        f.gold = a.gold;
        f.reason = a.reason;
        f.time = a.time;
        f.deciders << reviewerName(a.lead);
        return f;
    }
    if (u.latest.isEmpty())
        return f;
    QVector<Verdict> verdicts;
    for (int k = 0; k < u.latest.size(); ++k)
        verdicts << Verdict(u.latest.row(k).verdict);
    const std::optional<Verdict> majority = plurality(verdicts);
    if (!majority) {
        f.source = FinalState::Source::Tie;
        return f;
    }
    f.source = u.latest.size() == 1 ? FinalState::Source::Single : FinalState::Source::Majority;
    f.verdict = majority;
    qint64 latestTime = ReviewRow::kNoTime;
    for (int k = 0; k < u.latest.size(); ++k) {
        const ReviewRow &review = u.latest.row(k);
        if (Verdict(review.verdict) == *majority) {
            f.deciders << m_reviewers[u.latest.rater(k)].name;
            latestTime = std::max(latestTime, review.time);
        }
    }
    if (latestTime != ReviewRow::kNoTime)
        f.time = QDateTime::fromMSecsSinceEpoch(latestTime, Qt::UTC);
    if (majority == Verdict::Wrong) {
        f.category = plurality(categories);
        f.severity = plurality(severities);
    }
    return f;
}

QHash<ItemId, QVector<LabelJudgement>> AuditSnapshot::finalLabels(QHash<ItemId, ProblematicInfo> *problematic) const
{
    QHash<ItemId, QVector<LabelJudgement>> labels = m_imported;
    if (problematic)
        *problematic = m_importedProblematic;
    // The reviewers' explicit edits first, in the order they were made…
    static const QVector<ReviewRecord> none; // a snapshot made without load() has no reviews
    const QVector<ReviewRecord> &edits = m_shared ? m_shared->labelEdits : none;
    for (const ReviewRecord &review : edits) {
        QVector<LabelJudgement> &current = labels[review.item];
        current = applyLabelChanges(std::move(current), review.labelChanges);
    }
    // …then each unit's final verdict decides its model's top-1 class. Two units of one item
    // (two models with the same top-1) can end differently: an adjudicated unit outranks a
    // majority, and where units of the same rank disagree the class becomes unclear.
    struct Decision
    {
        Judgement judgement;
        bool adjudicated;
    };
    std::map<std::pair<ItemId, int>, QVector<Decision>> decisions;
    for (int i = 0; i < int(m_units.size()); ++i) {
        const Unit &u = m_units[std::size_t(i)];
        const FinalState f = finalState(i);
        if (!f.verdict)
            continue;
        if (*f.verdict == Verdict::Problematic) {
            if (problematic && !problematic->contains(u.item)) {
                const QString time = f.time.toUTC().toString(Qt::ISODate);
                problematic->insert(u.item, ProblematicInfo{f.reason.isEmpty() ? QStringLiteral("marked problematic in review")
                                                                               : f.reason,
                                                            f.deciders.join(QLatin1String(", ")), QString(), time, time});
            }
            continue;
        }
        if (u.top1 < 0)
            continue;
        const Judgement j = *f.verdict == Verdict::Correct ? Judgement::Correct
                            : *f.verdict == Verdict::Wrong ? Judgement::Wrong
                                                           : Judgement::Unclear;
        decisions[{u.item, u.top1}].append(Decision{j, f.source == FinalState::Source::Adjudicated});
    }
    for (const auto &[key, all] : decisions) {
        const bool anyAdjudicated = std::any_of(all.begin(), all.end(), [](const Decision &d) { return d.adjudicated; });
        std::optional<Judgement> decided;
        bool conflict = false;
        for (const Decision &d : all) {
            if (anyAdjudicated && !d.adjudicated)
                continue;
            if (decided && *decided != d.judgement)
                conflict = true;
            decided = d.judgement;
        }
        const Judgement j = conflict ? Judgement::Unclear : *decided;
        const LabelEdit edit = j == Judgement::Correct ? LabelEdit::Correct : j == Judgement::Wrong ? LabelEdit::Wrong : LabelEdit::Unclear;
        labels[key.first] = applyLabelChanges(labels.value(key.first), {LabelChange{key.second, edit}});
    }
    for (auto it = labels.begin(); it != labels.end();) {
        if (it->isEmpty())
            it = labels.erase(it);
        else
            ++it;
    }
    return labels;
}

} // namespace bagel
