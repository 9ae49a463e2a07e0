#include "predictionpipeline.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "project.h"
#include "storage/store.h"


#include <QSet>

#include <algorithm>

namespace bagel {

namespace {

constexpr int kMaxRank = 1000;

/** `file:12: ` for a line of text, `file: row 12: ` for a row of an array. */
QString locate(const QString &source, const QString &unit, qint64 position)
{
    if (unit == QLatin1String("line"))
        return QStringLiteral("%1:%2: ").arg(source).arg(position);
    return QStringLiteral("%1: %2 %3: ").arg(source, unit).arg(position);
}

} // namespace

// ---------------------------------------------------------------------------------------------

PredictionCollector::PredictionCollector(const ClassCatalog &catalog, BatchSender<PredictionGroup> &sender,
                                         QString source, const char *unit)
    : m_catalog(catalog)
    , m_sender(sender)
    , m_source(std::move(source))
    , m_unit(QLatin1String(unit))
{
}

void PredictionCollector::add(const QString &fileName, const QString &model, int rank, int classIndex, double score,
                              qint64 line, const FailAt &fail)
{
    if (rank < 1 || rank > kMaxRank)
        fail(QStringLiteral("rank %1 is out of range 1..%2").arg(rank).arg(kMaxRank));
    if (m_current == SIZE_MAX || m_groups[m_current].fileName != fileName || m_groups[m_current].model != model) {
        if (m_current != SIZE_MAX)
            close(m_current);
        const auto key = std::make_pair(fileName, model);
        auto it = m_index.constFind(key);
        if (it == m_index.constEnd()) {
            it = m_index.insert(key, m_groups.size());
            m_groups.push_back(PredictionGroup{fileName, model, {}, line});
            m_state.push_back(0);
        } else if (m_state[*it] == 1) {
            m_state[*it] = 2; // reopened: pass it on again at the end
        }
        m_current = *it;
    }
    PredictionGroup &group = m_groups[m_current];
    if (group.slots.size() < rank)
        group.slots.resize(rank, ClassScore{-1, 0.0});
    ClassScore &slot = group.slots[rank - 1];
    if (slot.classIndex >= 0)
        fail(QStringLiteral("%1 has two predictions of rank %2 for model %3").arg(fileName).arg(rank).arg(model));
    for (const ClassScore &other : std::as_const(group.slots)) {
        if (other.classIndex == classIndex)
            fail(QStringLiteral("%1 lists class %2 twice for model %3").arg(fileName, m_catalog.at(classIndex).wnid, model));
    }
    slot = ClassScore{classIndex, score};
}

void PredictionCollector::close(std::size_t index)
{
    const PredictionGroup &group = m_groups[index];
    if (m_state[index] != 0)
        return;
    const bool complete = std::none_of(group.slots.begin(), group.slots.end(), [](const ClassScore &s) { return s.classIndex < 0; });
    if (!complete)
        return; // a later row may fill the gap; finish() decides
    m_state[index] = 1;
    m_sender.send(group);
}

void PredictionCollector::finish()
{
    for (std::size_t i = 0; i < m_groups.size(); ++i) {
        if (m_state[i] == 1)
            continue;
        const PredictionGroup &group = m_groups[i];
        const auto gap = std::find_if(group.slots.begin(), group.slots.end(), [](const ClassScore &s) { return s.classIndex < 0; });
        if (gap != group.slots.end()) {
            throw Error(locate(m_source, m_unit, group.firstLine)
                        + QStringLiteral("%1, model %2: rank %3 is missing (ranks must run 1..k)")
                              .arg(group.fileName, group.model)
                              .arg(gap - group.slots.begin() + 1));
        }
        PredictionGroup last = group;
        last.resent = m_state[i] == 2;
        m_state[i] = 1;
        m_sender.send(std::move(last));
    }
}

// ---------------------------------------------------------------------------------------------

void runPredictionPipeline(ImportContext &context, const QString &source, const char *unitName,
                           const std::function<void(PredictionCollector &)> &produce)
{
    const QString unit = QLatin1String(unitName);
    ImportReport skips;
    QHash<QString, ModelId> models;
    QSet<ModelId> modelsWithPredictions; // models that had predictions before this import
    // What each (item, model) held before the import and what it holds now: an unsorted file
    // may write a group twice, so the report compares these two at the end.
    using Key = std::pair<ItemId, ModelId>;
    QHash<Key, std::optional<QVector<ClassScore>>> before;
    QHash<Key, QVector<ClassScore>> after;

    const auto parse = [&](BatchSender<PredictionGroup> &sender) {
        PredictionCollector collector(context.catalog, sender, source, unitName);
        produce(collector);
        collector.finish();
        skips = collector.skips();
    };
    const auto write = [&](PredictionGroup &group) {
        const FailAt fail = [&](const QString &message) {
            throw Error(locate(source, unit, group.firstLine) + message);
        };
        // The item first: a skipped item (--only-existing) must not create the model either.
        const ItemId item = context.item(group.fileName, fail);
        if (!item)
            return;
        auto model = models.find(group.model);
        if (model == models.end()) {
            try {
                Project::checkName(group.model, "model");
            } catch (const Error &e) {
                fail(e.message());
            }
            const bool isNew = context.store.modelId(group.model, false) == 0;
            model = models.insert(group.model, context.store.modelId(group.model, true));
            if (isNew)
                context.report.add(QStringLiteral("models"));
            else if (context.store.predictionCount(*model) > 0)
                modelsWithPredictions.insert(*model);
        }
        if (!modelsWithPredictions.contains(*model)) {
            // The model had no predictions: every (item, model) is new, and sent once unless
            // an unsorted file made the collector send it again, complete.
            context.store.setPrediction(item, *model, group.slots);
            if (!group.resent)
                context.report.add(QStringLiteral("predictions"));
            return;
        }
        // A re-import: remember what the project held, compare once the last write is known.
        const Key key{item, *model};
        if (!group.resent) {
            std::optional<QVector<ClassScore>> previous;
            for (const ModelPrediction &p : context.store.predictions(item)) {
                if (p.model == *model)
                    previous = p.topk;
            }
            before.insert(key, previous);
        }
        context.store.setPrediction(item, *model, group.slots);
        after.insert(key, group.slots);
    };
    runPipeline<PredictionGroup>(parse, write, context.options.progress);

    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const std::optional<QVector<ClassScore>> &previous = before[it.key()];
        if (!previous)
            context.report.add(QStringLiteral("predictions"));
        else if (*previous == it.value())
            context.report.same(QStringLiteral("predictions"));
        else
            context.report.update(QStringLiteral("predictions"));
    }
    context.report.mergeSkips(skips);
}

} // namespace bagel
