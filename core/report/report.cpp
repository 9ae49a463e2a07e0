#include "report.h"

#include "audit/audit.h"
#include "catalog/classcatalog.h"
#include "progress.h"
#include "project.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <map>

namespace bagel {

namespace {

constexpr int kClasses = 1000;
constexpr int kJsonPairs = 100; ///< the confused pairs the JSON lists

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

/** Counts the rows the report goes through; tells the Progress, and checks it, every 4096. */
class RowCounter
{
public:
    explicit RowCounter(Progress *progress)
        : m_progress(progress)
    {
    }
    void operator()()
    {
        if ((++m_done & 4095) == 0)
            report();
    }
    void add(qint64 rows)
    {
        m_done += rows;
        report();
    }
    void report() const
    {
        progressSetDone(m_progress, m_done);
        progressCheck(m_progress);
    }

private:
    Progress *m_progress;
    qint64 m_done = 0;
};

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

Report computeReport(const Project &project, ModelId onlyModel, Progress *progress)
{
    progressStart(progress, QStringLiteral("Reading the project"));
    progressCheck(progress);
    const Store &store = project.store();
    const ReadTransaction consistent(store);
    const AuditSnapshot snapshot = AuditSnapshot::load(project, progress); // its own stages: the items, the reviews, the units
    progressCheck(progress);

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
    // The evaluation set of multi-label accuracy is the items with imported judgements: a
    // review gives other items a correct class too, which must not bring them in.
    QHash<ItemId, QVector<LabelJudgement>> afterEvaluated;
    afterEvaluated.reserve(before.size());
    for (auto it = before.constBegin(); it != before.constEnd(); ++it)
        afterEvaluated.insert(it.key(), after.value(it.key()));
    const QHash<ItemId, QVector<int>> real = store.allRealLabels();
    const QVector<ItemId> imagenetM = store.imagenetM();
    progressCheck(progress);

    // The rows gone through below: the units once, then per model the units (two passes), its
    // predictions (two passes), the labels (multi-label accuracy before and after), ReaL and
    // ImageNet-M.
    const std::vector<AuditSnapshot::Unit> &units = snapshot.units();
    qint64 rows = qint64(units.size()) + 1; // + 1: the agreement
    for (const ModelRecord &model : snapshot.models()) {
        if (!onlyModel || model.id == onlyModel)
            rows += 2 * qint64(units.size()) + 2 * qint64(snapshot.top1().value(model.id).size()) + 2 * qint64(before.size())
                    + qint64(real.size()) + qint64(imagenetM.size());
    }
    progressStart(progress, QStringLiteral("Computing the figures"), rows, Progress::Unit::Rows);
    RowCounter row(progress);

    // Every unit's final state, once; the images a final verdict marks problematic.
    std::vector<FinalState> finals;
    finals.reserve(units.size());
    QSet<ItemId> problematicByVerdict;
    for (int i = 0; i < int(units.size()); ++i) {
        row();
        finals.push_back(snapshot.finalState(i));
        if (finals.back().verdict == Verdict::Problematic)
            problematicByVerdict.insert(units[std::size_t(i)].item);
    }

    Report report;
    {
        AuditOptions options;
        options.model = onlyModel;
        options.statistics.bootstrapResamples = 0; // intervals: bagel-cli agreement
        report.agreement = agreementJson(snapshot, options, snapshot.agreement(options));
        row.add(1);
    }
    for (const ModelRecord &model : snapshot.models()) {
        if (onlyModel && model.id != onlyModel)
            continue;
        ModelReport m;
        m.model = model.id;
        m.name = model.name;
        const QHash<ItemId, int> top1 = snapshot.top1().value(model.id);
        m.predictions = top1.size();

        QHash<ItemId, int> unitOf; // item → index of this model's unit
        for (int i = 0; i < int(units.size()); ++i) {
            row();
            if (units[std::size_t(i)].model == model.id)
                unitOf.insert(units[std::size_t(i)].item, i);
        }
        const auto finalVerdict = [&](ItemId item) -> std::optional<Verdict> {
            const auto unit = unitOf.constFind(item);
            return unit == unitOf.constEnd() ? std::nullopt : finals[std::size_t(*unit)].verdict;
        };

        qint64 right = 0;
        qint64 rightAfter = 0;
        for (auto it = top1.constBegin(); it != top1.constEnd(); ++it) {
            row();
            const auto label = originalLabels.constFind(it.key());
            if (label == originalLabels.constEnd())
                continue;
            ++m.top1Items;
            right += *label == *it;
            if (problematicByVerdict.contains(it.key()))
                continue;
            ++m.top1AfterItems;
            const std::optional<Verdict> verdict = finalVerdict(it.key());
            rightAfter += verdict ? (*verdict == Verdict::Correct || *verdict == Verdict::Unclear) : *label == *it;
        }
        if (m.top1Items)
            m.top1 = double(right) / double(m.top1Items);
        if (m.top1AfterItems)
            m.top1After = double(rightAfter) / double(m.top1AfterItems);

        m.mlaBefore = multiLabelAccuracy(top1, before, problematicBefore, originalLabels, &m.mlaItemsBefore);
        m.mlaAfter = multiLabelAccuracy(top1, afterEvaluated, problematicAfter, originalLabels, &m.mlaItemsAfter);
        row.add(2 * qint64(before.size()));

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
            row.add(real.size());
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
            row.add(imagenetM.size());
        }

        // The mistakes, each counted once, and by (label, prediction) in a 1000 × 1000 table.
        std::vector<qint32> pairs(std::size_t(kClasses) * kClasses, 0);
        const auto addToPair = [&](ItemId item, int prediction) {
            const auto label = originalLabels.constFind(item);
            if (label == originalLabels.constEnd() || *label >= kClasses || prediction < 0 || prediction >= kClasses)
                ++m.mistakesOutsidePairs;
            else
                ++pairs[std::size_t(*label) * kClasses + std::size_t(prediction)];
        };
        // Units with a final verdict: Table 2 (wrong) and the apparent mistakes the review overturned.
        for (auto it = unitOf.constBegin(); it != unitOf.constEnd(); ++it) {
            row();
            const AuditSnapshot::Unit &u = units[std::size_t(*it)];
            const FinalState &f = finals[std::size_t(*it)];
            if (!f.verdict)
                continue;
            if (*f.verdict == Verdict::Wrong) {
                for (SeverityCounts *c : {f.category ? &m.table2[std::size_t(*f.category)] : &m.table2NoCategory, &m.table2Total}) {
                    ++c->total;
                    if (f.severity)
                        ++(reportedSeverity(*f.severity) == Severity::Major ? c->major : c->minor);
                }
                addToPair(u.item, u.top1);
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
        // Items without a final verdict: a mistake by the labels after the review, open when the
        // reviewers tie, else not reviewed yet.
        for (auto it = top1.constBegin(); it != top1.constEnd(); ++it) {
            row();
            const auto unit = unitOf.constFind(it.key());
            const FinalState *f = unit == unitOf.constEnd() ? nullptr : &finals[std::size_t(*unit)];
            if ((f && f->verdict) || problematicAfter.contains(it.key()))
                continue;
            const auto labels = after.constFind(it.key());
            bool mistake = false;
            if (labels != after.constEnd() && !labels->isEmpty()) {
                mistake = !acceptable(*labels, *it);
            } else {
                const auto label = originalLabels.constFind(it.key());
                mistake = label != originalLabels.constEnd() && *label != *it;
            }
            if (!mistake)
                continue;
            ++(f && f->source == FinalState::Source::Tie ? m.mistakesOpen : m.mistakesUnreviewed);
            addToPair(it.key(), *it);
        }
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            if (pairs[i])
                m.confusedPairs << ConfusedPair{int(i / kClasses), int(i % kClasses), pairs[i]};
        }
        std::stable_sort(m.confusedPairs.begin(), m.confusedPairs.end(),
                         [](const ConfusedPair &a, const ConfusedPair &b) { return a.count > b.count; });
        // The second pass over the units went through this model's only: the others count as done.
        row.add(qint64(units.size()) - unitOf.size());
        report.models << m;
    }
    row.report();
    return report;
}

QVector<Table2Row> table2Rows(const ModelReport &m, bool withEmpty)
{
    QVector<Table2Row> rows;
    for (int c = 0; c < int(m.table2.size()); ++c)
        rows << Table2Row{Table2Row::Kind::Category, Category(c), toString(Category(c)), toString(Category(c)), m.table2[std::size_t(c)]};
    if (withEmpty || m.table2NoCategory.total)
        rows << Table2Row{Table2Row::Kind::NoCategory, std::nullopt, QStringLiteral("no-category"), QStringLiteral("no category agreed"), m.table2NoCategory};
    rows << Table2Row{Table2Row::Kind::Total, std::nullopt, QStringLiteral("total"), QStringLiteral("total"), m.table2Total};
    if (withEmpty || m.mistakesOpen)
        rows << Table2Row{Table2Row::Kind::Open, std::nullopt, QString(), QStringLiteral("open: the reviewers tie"), SeverityCounts{0, 0, m.mistakesOpen}};
    return rows;
}

QString mistakesText(const ModelReport &m)
{
    return QStringLiteral("%1 (%2 wrong, %3 open, %4 not reviewed)")
        .arg(m.mistakes())
        .arg(m.table2Total.total)
        .arg(m.mistakesOpen)
        .arg(m.mistakesUnreviewed);
}

QJsonObject reportJson(const Report &report)
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    QJsonObject models;
    for (const ModelReport &m : report.models) {
        QJsonObject table2;
        for (const Table2Row &row : table2Rows(m)) {
            if (!row.key.isEmpty())
                table2.insert(row.key, countsJson(row.counts));
        }
        QJsonArray pairs;
        for (const ConfusedPair &p : m.confusedPairs.mid(0, kJsonPairs)) {
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
                                  {QStringLiteral("top1_after"), number(m.top1After)},
                                  {QStringLiteral("top1_after_items"), m.top1AfterItems},
                                  {QStringLiteral("mla_before"), number(m.mlaBefore)},
                                  {QStringLiteral("mla_after"), number(m.mlaAfter)},
                                  {QStringLiteral("mla_items_before"), m.mlaItemsBefore},
                                  {QStringLiteral("mla_items_after"), m.mlaItemsAfter},
                                  {QStringLiteral("real"), number(m.real)},
                                  {QStringLiteral("real_items"), m.realItems},
                                  {QStringLiteral("imagenet_m"), m.imagenetM ? QJsonValue(*m.imagenetM) : QJsonValue(QJsonValue::Null)},
                                  {QStringLiteral("imagenet_m_total"), m.imagenetMTotal},
                                  {QStringLiteral("table2"), table2},
                                  {QStringLiteral("mistakes_without_category"), m.table2NoCategory.total},
                                  {QStringLiteral("mistakes"), QJsonObject{{QStringLiteral("total"), m.mistakes()},
                                                                           {QStringLiteral("wrong"), m.table2Total.total},
                                                                           {QStringLiteral("open"), m.mistakesOpen},
                                                                           {QStringLiteral("not_reviewed"), m.mistakesUnreviewed},
                                                                           {QStringLiteral("outside_pairs"), m.mistakesOutsidePairs}}},
                                  {QStringLiteral("apparent_mistakes_decided"), m.apparentMistakesDecided},
                                  {QStringLiteral("not_mistakes"), m.notMistakes},
                                  {QStringLiteral("not_mistakes_share"), number(m.notMistakesShare)},
                                  {QStringLiteral("confused_pairs"), pairs},
                                  {QStringLiteral("confused_pairs_total"), qint64(m.confusedPairs.size())},
                                  {QStringLiteral("confused_pairs_mistakes"), m.mistakesInPairs()},
                              });
    }
    return QJsonObject{{QStringLiteral("models"), models}, {QStringLiteral("agreement"), report.agreement}};
}

} // namespace bagel
