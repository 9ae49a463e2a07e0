// AuditSnapshot: reading a project (or one item) and finding each reviewer's latest verdict
// on every unit.

#include "audit.h"
#include "auditsnapshotdata.h"

#include "progress.h"
#include "project.h"

#include <algorithm>

namespace bagel {

using auditdetail::IdIndex;
using auditdetail::UnitNumbers;

namespace {

template<typename T>
bool earlier(const T &a, const T &b)
{
    return a.time != b.time ? a.time < b.time : a.id < b.id;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Loading

/** What a snapshot is built from, read from the whole project or from one item. */
struct AuditSnapshot::Raw
{
    QVector<ModelRecord> models;
    QVector<ReviewerRecord> reviewers;
    QHash<ItemId, ItemFacts> items;
    QVector<ItemId> itemOrder; ///< by file name
    QHash<ModelId, QHash<ItemId, int>> top1;
    QHash<ItemId, QVector<LabelJudgement>> imported;
    QHash<ItemId, ProblematicInfo> problematic;
    ReviewRows reviews;
    QVector<AdjudicationRecord> adjudications;
};

int AuditSnapshot::Answers::rater(qsizetype k) const
{
    return m_shared->answers[std::size_t(m_first + k)].rater;
}

const ReviewRow &AuditSnapshot::Answers::row(qsizetype k) const
{
    return m_shared->reviews.rows[m_shared->answers[std::size_t(m_first + k)].row];
}

QPair<int, ReviewRecord> AuditSnapshot::Answers::operator[](qsizetype k) const
{
    const Shared::Answer &a = m_shared->answers[std::size_t(m_first + k)];
    return {a.rater, m_shared->reviews.record(m_shared->reviews.rows[a.row])};
}

QVector<int> AuditSnapshot::LabelSets::operator[](qsizetype k) const
{
    const Shared &shared = *m_answers.m_shared;
    const ReviewRow &review = m_answers.row(k);
    const QVector<LabelJudgement> imported = shared.imported.value(m_item);
    const auto own = shared.edits.isEmpty() ? shared.edits.constEnd() : shared.edits.constFind({m_item, review.reviewer});
    QVector<LabelJudgement> labels = imported;
    if (own != shared.edits.constEnd()) {
        for (const qsizetype edit : *own)
            labels = applyLabelChanges(std::move(labels), shared.labelEdits.at(edit).labelChanges);
    }
    QVector<int> correct;
    for (const LabelJudgement &j : std::as_const(labels)) {
        if (j.judgement == Judgement::Correct)
            correct << j.classIndex;
    }
    const Verdict verdict = Verdict(review.verdict);
    if (m_top1 >= 0 && verdict != Verdict::Problematic) {
        correct.removeAll(m_top1);
        if (verdict == Verdict::Correct)
            correct << m_top1;
    }
    std::sort(correct.begin(), correct.end());
    return correct;
}

AuditSnapshot AuditSnapshot::load(const Project &project, Progress *progress)
{
    const Store &store = project.store();
    const ReadTransaction consistent(store); // reviewers, reviews and adjudications of one moment
    Raw raw;
    progressStart(progress, QStringLiteral("Reading the items"));
    raw.models = store.models();
    raw.reviewers = store.reviewers();
    // Listed first and hashed at their number: growing the hash item by item cost more than reading.
    QVector<std::pair<ItemId, ItemFacts>> items;
    store.forEachItem([&items](const ItemRecord &item) { items.append({item.id, ItemFacts{item.fileName, item.originalLabel}}); });
    raw.items.reserve(items.size());
    raw.itemOrder.reserve(items.size());
    for (auto &[id, facts] : items) {
        raw.items.insert(id, std::move(facts));
        raw.itemOrder << id;
    }
    items = {};
    progressCheck(progress);
    raw.top1 = store.allTop1(); // one pass over the predictions, whatever the number of models
    raw.imported = store.allJudgements();
    raw.problematic = store.allProblematic();
    progressCheck(progress);
    raw.reviews = store.reviewRows(progress);
    store.forEachAdjudication([&raw](const AdjudicationRecord &a) { raw.adjudications << a; });
    return build(std::move(raw), progress);
}

AuditSnapshot AuditSnapshot::loadItem(const Project &project, ItemId item)
{
    const Store &store = project.store();
    const ReadTransaction consistent(store);
    Raw raw;
    raw.models = store.models();
    raw.reviewers = store.reviewers();
    if (const auto record = store.item(item)) {
        raw.items.insert(item, ItemFacts{record->fileName, record->originalLabel});
        raw.itemOrder << item;
    }
    for (const ModelPrediction &p : store.predictions(item)) {
        if (!p.topk.isEmpty()) {
            raw.top1[p.model].insert(item, p.topk.first().classIndex);
        }
    }
    if (const QVector<LabelJudgement> labels = store.judgements(item); !labels.isEmpty())
        raw.imported.insert(item, labels);
    if (const auto info = store.problematic(item))
        raw.problematic.insert(item, *info);
    for (const ReviewRecord &review : store.reviews(item))
        raw.reviews.append(review);
    raw.adjudications = store.adjudications(item);
    return build(std::move(raw), nullptr);
}

AuditSnapshot AuditSnapshot::build(Raw raw, Progress *progress)
{
    AuditSnapshot s;
    auto shared = std::make_shared<Shared>();
    s.m_models = raw.models;
    const QHash<ModelId, QHash<ItemId, int>> &top1 = raw.top1;
    s.m_imported = raw.imported;
    shared->imported = raw.imported;
    s.m_top1 = raw.top1;
    s.m_items = raw.items;
    s.m_importedProblematic = raw.problematic;

    // Units come out in file-name order (then by model). The store lists the items in that
    // order already; a unit's place is its item's rank, so that 50,000 units are never sorted
    // by comparing names. (The check keeps the order of QString::compare should SQLite's
    // byte order ever differ from it.)
    s.m_itemOrder = raw.itemOrder; // as the store lists them
    QVector<ItemId> &itemOrder = raw.itemOrder;
    for (qsizetype i = 1; i < itemOrder.size(); ++i) {
        if (raw.items.value(itemOrder[i - 1]).fileName.compare(raw.items.value(itemOrder[i]).fileName) > 0) {
            std::stable_sort(itemOrder.begin(), itemOrder.end(), [&raw](ItemId a, ItemId b) {
                return raw.items.value(a).fileName.compare(raw.items.value(b).fileName) < 0;
            });
            break;
        }
    }
    shared->ranks = IdIndex(itemOrder);
    const IdIndex &rankOf = shared->ranks;
    // A unit's model slot: 0 for the image alone (an item no model predicted), then the models by id.
    QVector<ModelId> slotModels{0};
    for (const ModelRecord &m : std::as_const(raw.models))
        slotModels << m.id;
    std::sort(slotModels.begin() + 1, slotModels.end());
    shared->slots = IdIndex(slotModels);
    const IdIndex &slotOf = shared->slots;

    // The units a review or adjudication is about: its model's, or for an image-level one that
    // of every model with a prediction for the item (none: the item alone). Reviews and
    // adjudications always name a known item and model (foreign keys).
    auto forEachUnitOf = [&](ItemId item, ModelId model, auto &&visit) {
        const int rank = rankOf(item);
        if (rank < 0)
            return;
        if (model) {
            if (const int slot = slotOf(model); slot > 0)
                visit(rank, slot);
            return;
        }
        bool any = false;
        for (int slot = 1; slot < int(slotModels.size()); ++slot) {
            const auto tops = top1.constFind(slotModels[slot]);
            if (tops != top1.constEnd() && tops->contains(item)) {
                visit(rank, slot);
                any = true;
            }
        }
        if (!any)
            visit(rank, 0);
    };

    // The reviews that count: not a retraction, not retracted.
    shared->reviews = std::move(raw.reviews);
    const ReviewRows &reviews = shared->reviews;
    const QVector<ReviewRow> &rows = reviews.rows;
    QSet<ReviewId> retracted;
    for (const ReviewRow &r : rows) {
        if (r.retracts)
            retracted.insert(r.retracts);
    }
    auto counts = [&retracted](const ReviewRow &r) { return !r.retracts && (retracted.isEmpty() || !retracted.contains(r.id)); };

    // Which units have a verdict, the reviewers who gave one and when, the label edits.
    progressStart(progress, QStringLiteral("Finding each reviewer's latest verdicts"), 2 * rows.size(), Progress::Unit::Rows);
    shared->units = UnitNumbers(itemOrder.size(), slotModels.size());
    UnitNumbers &numbers = shared->units;
    auto mark = [&numbers](int rank, int slot) { numbers.mark(rank, slot); };
    std::vector<std::pair<qint64, qsizetype>> edited; // (time, row) of the reviews with label edits
    // When each reviewer gave their verdicts, by the reviewer's place in the store's list.
    QVector<ReviewerId> reviewerIds;
    for (const ReviewerRecord &reviewer : std::as_const(raw.reviewers))
        reviewerIds << reviewer.id;
    const IdIndex reviewerAt(reviewerIds);
    std::vector<QVector<qint64>> times(std::size_t(reviewerIds.size()));
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (progress && (i & 0xffff) == 0) {
            progress->setDone(i);
            progress->check();
        }
        const ReviewRow &r = rows[i];
        if (!counts(r))
            continue;
        if (reviews.hasLabelChanges(r))
            edited.emplace_back(r.time, i);
        if (!r.hasVerdict())
            continue;
        if (const int at = reviewerAt(r.reviewer); at >= 0)
            times[std::size_t(at)].append(r.time); // else never: both were read in one transaction
        forEachUnitOf(r.item, r.model, mark);
    }
    QHash<ReviewerId, QVector<qint64>> &verdictTimes = s.m_verdictTimes;
    for (std::size_t at = 0; at < times.size(); ++at) {
        if (!times[at].isEmpty()) {
            std::sort(times[at].begin(), times[at].end());
            verdictTimes.insert(reviewerIds[qsizetype(at)], std::move(times[at]));
        }
    }
    // Units only a lead decided are units too.
    shared->adjudications = std::move(raw.adjudications);
    const QVector<AdjudicationRecord> &adjudications = shared->adjudications;
    std::stable_sort(shared->adjudications.begin(), shared->adjudications.end(), earlier<AdjudicationRecord>);
    for (const AdjudicationRecord &a : std::as_const(adjudications))
        forEachUnitOf(a.item, a.model, mark);

    // Reviewers who gave a verdict are the columns, in name order.
    for (const ReviewerRecord &reviewer : std::as_const(raw.reviewers)) {
        s.m_names.insert(reviewer.id, reviewer.name);
        if (verdictTimes.contains(reviewer.id))
            s.m_reviewers << reviewer;
    }
    std::sort(s.m_reviewers.begin(), s.m_reviewers.end(),
              [](const ReviewerRecord &a, const ReviewerRecord &b) { return a.name < b.name; });
    QVector<ReviewerId> columnIds;
    for (const ReviewerRecord &reviewer : std::as_const(s.m_reviewers))
        columnIds << reviewer.id;
    const IdIndex columnOf(columnIds);
    const std::size_t raters = std::size_t(s.m_reviewers.size());

    // The units, in order.
    const std::vector<qint64> keys = numbers.number();
    const qint64 slotCount = slotModels.size();
    s.m_units.resize(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        Unit &u = s.m_units[i];
        u.item = itemOrder[qsizetype(keys[i] / slotCount)];
        u.model = slotModels[qsizetype(keys[i] % slotCount)];
        const auto facts = raw.items.constFind(u.item);
        if (facts != raw.items.constEnd()) {
            u.fileName = facts->fileName;
            u.originalLabel = facts->originalLabel;
        }
        if (u.model) {
            const auto tops = top1.constFind(u.model);
            u.top1 = tops == top1.constEnd() ? -1 : tops->value(u.item, -1);
        }
    }

    // Each reviewer's latest verdict on each unit (by time, then id): one cell per unit and reviewer.
    std::vector<qint32> latest(keys.size() * raters, -1);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (progress && (i & 0xffff) == 0) {
            progress->setDone(rows.size() + i);
            progress->check();
        }
        const ReviewRow &r = rows[i];
        if (!r.hasVerdict() || !counts(r))
            continue;
        const int column = columnOf(r.reviewer);
        if (column < 0)
            continue; // never: both were read in one transaction
        forEachUnitOf(r.item, r.model, [&](int rank, int slot) {
            qint32 &best = latest[std::size_t(numbers(rank, slot)) * raters + std::size_t(column)];
            if (best < 0 || std::pair(rows[best].time, rows[best].id) < std::pair(r.time, r.id))
                best = qint32(i);
        });
    }
    std::size_t answerCount = 0;
    for (const qint32 row : latest)
        answerCount += row >= 0;
    shared->answers.reserve(answerCount);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        Unit &u = s.m_units[i];
        u.latest.m_shared = shared.get();
        u.latest.m_first = qint32(shared->answers.size());
        for (std::size_t c = 0; c < raters; ++c) {
            if (const qint32 row = latest[i * raters + c]; row >= 0)
                shared->answers.push_back(Shared::Answer{qint32(c), row});
        }
        u.latest.m_count = qint32(shared->answers.size()) - u.latest.m_first;
        u.labelSets.m_answers = u.latest;
        u.labelSets.m_item = u.item;
        u.labelSets.m_top1 = u.top1;
    }

    // The leads' latest adjudication of each unit.
    std::vector<int> decided(keys.size(), -1);
    for (int a = 0; a < int(adjudications.size()); ++a) {
        forEachUnitOf(adjudications[a].item, adjudications[a].model,
                      [&](int rank, int slot) { decided[std::size_t(numbers(rank, slot))] = a; });
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (decided[i] >= 0 && adjudications[decided[i]].verdict)
            s.m_units[i].adjudication = &adjudications[decided[i]];
    }

    // The reviewers' label edits in the order they were made (ties: id order).
    std::stable_sort(edited.begin(), edited.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[time, i] : edited) {
        const ReviewRow &r = rows[i];
        shared->edits[{r.item, r.reviewer}] << shared->labelEdits.size();
        shared->labelEdits << reviews.record(r);
    }
    progressSetDone(progress, 2 * rows.size());
    s.m_shared = std::move(shared);
    return s;
}

QString AuditSnapshot::modelName(ModelId model) const
{
    for (const ModelRecord &m : m_models) {
        if (m.id == model)
            return m.name;
    }
    return {};
}

QString AuditSnapshot::reviewerName(ReviewerId reviewer) const
{
    return m_names.value(reviewer);
}

int AuditSnapshot::unitIndex(ItemId item, ModelId model) const
{
    if (!m_shared)
        return -1;
    const int rank = m_shared->ranks(item);
    const int slot = m_shared->slots(model); // the image alone (model 0) is slot 0
    return rank < 0 || slot < 0 ? -1 : m_shared->units(rank, slot);
}

std::vector<int> AuditSnapshot::unitsOf(ModelId model) const
{
    std::vector<int> out;
    out.reserve(m_units.size());
    for (int i = 0; i < int(m_units.size()); ++i) {
        if ((!model || m_units[i].model == model) && !m_units[i].latest.isEmpty())
            out.push_back(i);
    }
    return out;
}

} // namespace bagel
