#include "report.h"

#include "audit/audit.h"
#include "catalog/classcatalog.h"
#include "project.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <map>

namespace bagel {

namespace {

constexpr int kClasses = 1000;

/** Items whose top-1 counts as right under \a labels: the class is correct or unclear there. */
bool acceptable(const QVector<LabelJudgement> &labels, int top1)
{
    return std::any_of(labels.begin(), labels.end(), [top1](const LabelJudgement &j) {
        return j.classIndex == top1 && (j.judgement == Judgement::Correct || j.judgement == Judgement::Unclear);
    });
}

QJsonValue number(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject countsJson(const SeverityCounts &c)
{
    return QJsonObject{{QStringLiteral("major"), c.major}, {QStringLiteral("minor"), c.minor}, {QStringLiteral("total"), c.total}};
}

} // namespace

std::optional<double> multiLabelAccuracy(const QHash<ItemId, int> &top1, const QHash<ItemId, QVector<LabelJudgement>> &labels,
                                         const QSet<ItemId> &problematic, const QHash<ItemId, int> &originalLabels,
                                         qint64 *itemsUsed)
{
    std::vector<std::pair<qint64, qint64>> perClass(kClasses, {0, 0}); // class → (right, items)
    qint64 used = 0;
    for (auto it = labels.constBegin(); it != labels.constEnd(); ++it) {
        // Only images with a correct class can be scored (the multi-label set has one for each).
        const bool scorable = std::any_of(it->begin(), it->end(), [](const LabelJudgement &j) { return j.judgement == Judgement::Correct; });
        if (!scorable || problematic.contains(it.key()))
            continue;
        const auto prediction = top1.constFind(it.key());
        const auto label = originalLabels.constFind(it.key());
        if (prediction == top1.constEnd() || label == originalLabels.constEnd() || *label < 0 || *label >= kClasses)
            continue;
        auto &[right, items] = perClass[std::size_t(*label)];
        right += acceptable(*it, *prediction);
        ++items;
        ++used;
    }
    if (itemsUsed)
        *itemsUsed = used;
    double sum = 0.0;
    int classes = 0;
    for (const auto &[right, items] : perClass) {
        if (items) {
            sum += double(right) / double(items);
            ++classes;
        }
    }
    if (!classes)
        return std::nullopt;
    return sum / double(classes);
}

Report computeReport(const Project &project, ModelId onlyModel)
{
    const Store &store = project.store();
    const ReadTransaction consistent(store);
    const AuditSnapshot snapshot = AuditSnapshot::load(project);

    QHash<ItemId, int> originalLabels;
    for (auto it = snapshot.items().constBegin(); it != snapshot.items().constEnd(); ++it) {
        if (it->originalLabel >= 0)
            originalLabels.insert(it.key(), it->originalLabel);
    }
    const QHash<ItemId, QVector<LabelJudgement>> &before = snapshot.importedLabels();
    QSet<ItemId> problematicBefore;
    for (auto it = snapshot.importedProblematic().constBegin(); it != snapshot.importedProblematic().constEnd(); ++it)
        problematicBefore.insert(it.key());
    QHash<ItemId, ProblematicInfo> problematicInfo;
    const QHash<ItemId, QVector<LabelJudgement>> after = snapshot.finalLabels(&problematicInfo);
    QSet<ItemId> problematicAfter;
    for (auto it = problematicInfo.constBegin(); it != problematicInfo.constEnd(); ++it)
        problematicAfter.insert(it.key());
    const QHash<ItemId, QVector<int>> real = store.allRealLabels();
    const QVector<ItemId> imagenetM = store.imagenetM();

    Report report;
    {
        AuditOptions options;
        options.model = onlyModel;
        options.statistics.bootstrapResamples = 0; // intervals: bagel-cli agreement
        report.agreement = agreementJson(snapshot, options, snapshot.agreement(options));
    }
    for (const ModelRecord &model : snapshot.models()) {
        if (onlyModel && model.id != onlyModel)
            continue;
        ModelReport m;
        m.model = model.id;
        m.name = model.name;
        const QHash<ItemId, int> top1 = snapshot.top1().value(model.id);
        m.predictions = top1.size();

        qint64 right = 0;
        for (auto it = top1.constBegin(); it != top1.constEnd(); ++it) {
            const auto label = originalLabels.constFind(it.key());
            if (label == originalLabels.constEnd())
                continue;
            ++m.top1Items;
            right += *label == *it;
        }
        if (m.top1Items)
            m.top1 = double(right) / double(m.top1Items);

        m.mlaBefore = multiLabelAccuracy(top1, before, problematicBefore, originalLabels, &m.mlaItemsBefore);
        m.mlaAfter = multiLabelAccuracy(top1, after, problematicAfter, originalLabels, &m.mlaItemsAfter);

        if (!real.isEmpty()) {
            qint64 inReal = 0;
            for (auto it = real.constBegin(); it != real.constEnd(); ++it) {
                const auto prediction = top1.constFind(it.key());
                if (it->isEmpty() || prediction == top1.constEnd())
                    continue;
                ++m.realItems;
                inReal += it->contains(*prediction);
            }
            if (m.realItems)
                m.real = double(inReal) / double(m.realItems);
        }

        if (!imagenetM.isEmpty()) {
            qint64 mistakes = 0;
            for (const ItemId item : imagenetM) {
                const auto prediction = top1.constFind(item);
                if (prediction == top1.constEnd())
                    continue;
                ++m.imagenetMTotal;
                mistakes += !acceptable(after.value(item), *prediction);
            }
            if (m.imagenetMTotal)
                m.imagenetM = mistakes;
        }

        // Table 2, the apparent mistakes the review overturned, and the mistakes by class pair.
        QHash<ItemId, bool> decided; // item → whether its unit's final verdict says mistake
        for (int i = 0; i < int(snapshot.units().size()); ++i) {
            const AuditSnapshot::Unit &u = snapshot.units()[std::size_t(i)];
            if (u.model != model.id)
                continue;
            const FinalState f = snapshot.finalState(i);
            if (!f.verdict)
                continue;
            decided.insert(u.item, *f.verdict == Verdict::Wrong);
            if (*f.verdict == Verdict::Wrong) {
                SeverityCounts *row = f.category ? &m.table2[std::size_t(*f.category)] : nullptr;
                if (!row)
                    ++m.mistakesWithoutCategory;
                for (SeverityCounts *c : {row, &m.table2Total}) {
                    if (!c)
                        continue;
                    ++c->total;
                    if (f.severity)
                        ++(reportedSeverity(*f.severity) == Severity::Major ? c->major : c->minor);
                }
            }
            if (u.top1 < 0)
                continue;
            const auto imported = before.constFind(u.item);
            const bool apparent = imported != before.constEnd() && !imported->isEmpty()
                                      ? !acceptable(*imported, u.top1)
                                      : (u.originalLabel >= 0 && u.originalLabel != u.top1);
            if (apparent) {
                ++m.apparentMistakesDecided;
                m.notMistakes += *f.verdict != Verdict::Wrong;
            }
        }
        if (m.apparentMistakesDecided)
            m.notMistakesShare = double(m.notMistakes) / double(m.apparentMistakesDecided);

        // Count (label, prediction) in a 1000 × 1000 table: a lookup per item, no tree.
        std::vector<qint32> pairs(std::size_t(kClasses) * kClasses, 0);
        for (auto it = top1.constBegin(); it != top1.constEnd(); ++it) {
            const auto label = originalLabels.constFind(it.key());
            if (label == originalLabels.constEnd() || *it < 0 || *it >= kClasses || problematicAfter.contains(it.key()))
                continue;
            bool mistake = false;
            if (const auto unit = decided.constFind(it.key()); unit != decided.constEnd()) {
                mistake = *unit;
            } else {
                const auto labels = after.constFind(it.key());
                mistake = labels != after.constEnd() && !labels->isEmpty() ? !acceptable(*labels, *it) : *label != *it;
            }
            if (mistake)
                ++pairs[std::size_t(*label) * kClasses + std::size_t(*it)];
        }
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            if (pairs[i])
                m.confusedPairs << ConfusedPair{int(i / kClasses), int(i % kClasses), pairs[i]};
        }
        std::stable_sort(m.confusedPairs.begin(), m.confusedPairs.end(),
                         [](const ConfusedPair &a, const ConfusedPair &b) { return a.count > b.count; });
        report.models << m;
    }
    return report;
}

QJsonObject reportJson(const Report &report)
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    QJsonObject models;
    for (const ModelReport &m : report.models) {
        QJsonObject table2;
        for (int c = 0; c < int(m.table2.size()); ++c)
            table2.insert(toString(Category(c)), countsJson(m.table2[std::size_t(c)]));
        table2.insert(QStringLiteral("total"), countsJson(m.table2Total));
        QJsonArray pairs;
        for (const ConfusedPair &p : m.confusedPairs.mid(0, 100)) {
            pairs.append(QJsonObject{{QStringLiteral("label"), catalog.at(p.label).wnid},
                                     {QStringLiteral("label_name"), catalog.at(p.label).name()},
                                     {QStringLiteral("prediction"), catalog.at(p.prediction).wnid},
                                     {QStringLiteral("prediction_name"), catalog.at(p.prediction).name()},
                                     {QStringLiteral("count"), p.count}});
        }
        models.insert(m.name, QJsonObject{
                                  {QStringLiteral("predictions"), m.predictions},
                                  {QStringLiteral("top1"), number(m.top1)},
                                  {QStringLiteral("top1_items"), m.top1Items},
                                  {QStringLiteral("mla_before"), number(m.mlaBefore)},
                                  {QStringLiteral("mla_after"), number(m.mlaAfter)},
                                  {QStringLiteral("mla_items_before"), m.mlaItemsBefore},
                                  {QStringLiteral("mla_items_after"), m.mlaItemsAfter},
                                  {QStringLiteral("real"), number(m.real)},
                                  {QStringLiteral("real_items"), m.realItems},
                                  {QStringLiteral("imagenet_m"), m.imagenetM ? QJsonValue(*m.imagenetM) : QJsonValue(QJsonValue::Null)},
                                  {QStringLiteral("imagenet_m_total"), m.imagenetMTotal},
                                  {QStringLiteral("table2"), table2},
                                  {QStringLiteral("mistakes_without_category"), m.mistakesWithoutCategory},
                                  {QStringLiteral("apparent_mistakes_decided"), m.apparentMistakesDecided},
                                  {QStringLiteral("not_mistakes"), m.notMistakes},
                                  {QStringLiteral("not_mistakes_share"), number(m.notMistakesShare)},
                                  {QStringLiteral("confused_pairs"), pairs},
                                  {QStringLiteral("confused_pairs_total"), qint64(m.confusedPairs.size())},
                              });
    }
    return QJsonObject{{QStringLiteral("models"), models}, {QStringLiteral("agreement"), report.agreement}};
}

} // namespace bagel
