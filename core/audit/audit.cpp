#include "audit.h"

#include "catalog/classcatalog.h"
#include "catalog/taxonomy.h"
#include "error.h"
#include "progress.h"
#include "project.h"

#include <QJsonArray>

#include <algorithm>
#include <numeric>
#include <tuple>
#include <map>
#include <unordered_map>

namespace bagel {

namespace {

/** Seconds between two reviews above which the reviewer is taken to have paused. */
constexpr qint64 kBreakSeconds = 600;

template<typename T>
bool earlier(const T &a, const T &b)
{
    return a.time != b.time ? a.time < b.time : a.id < b.id;
}

QJsonValue number(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

/** A seed as a JSON number when a double holds it exactly, else as a string of its digits. */
QJsonValue seedJson(std::uint64_t seed)
{
    return seed <= (std::uint64_t(1) << 53) ? QJsonValue(double(seed)) : QJsonValue(QString::number(seed));
}

QJsonValue interval(const agreement::Estimate &estimate)
{
    if (!estimate.ci95)
        return QJsonValue(QJsonValue::Null);
    return QJsonArray{estimate.ci95->low, estimate.ci95->high};
}

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

} // namespace

QString toString(AuditField field)
{
    switch (field) {
    case AuditField::Verdict:
        return QStringLiteral("verdict");
    case AuditField::Category:
        return QStringLiteral("category");
    case AuditField::Severity:
        return QStringLiteral("severity");
    case AuditField::Labels:
        return QStringLiteral("labels");
    }
    return {};
}

std::optional<AuditField> parseAuditField(const QString &text)
{
    for (const AuditField f : {AuditField::Verdict, AuditField::Category, AuditField::Severity, AuditField::Labels}) {
        if (text.compare(toString(f), Qt::CaseInsensitive) == 0)
            return f;
    }
    return std::nullopt;
}

QStringList auditFieldNames()
{
    return {QStringLiteral("verdict"), QStringLiteral("category"), QStringLiteral("severity"), QStringLiteral("labels")};
}

QString toString(FinalState::Source source)
{
    switch (source) {
    case FinalState::Source::Unreviewed:
        return QStringLiteral("unreviewed");
    case FinalState::Source::Single:
        return QStringLiteral("single reviewer");
    case FinalState::Source::Majority:
        return QStringLiteral("majority");
    case FinalState::Source::Tie:
        return QStringLiteral("tie");
    case FinalState::Source::Adjudicated:
        return QStringLiteral("adjudicated");
    }
    return {};
}

QString toString(Breakdown breakdown)
{
    switch (breakdown) {
    case Breakdown::Model:
        return QStringLiteral("model");
    case Breakdown::OriginalClass:
        return QStringLiteral("class");
    case Breakdown::Superclass:
        return QStringLiteral("superclass");
    case Breakdown::Category:
        return QStringLiteral("category");
    }
    return {};
}

std::optional<Breakdown> parseBreakdown(const QString &text)
{
    for (const Breakdown b : {Breakdown::Model, Breakdown::OriginalClass, Breakdown::Superclass, Breakdown::Category}) {
        if (text.compare(toString(b), Qt::CaseInsensitive) == 0)
            return b;
    }
    return std::nullopt;
}

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

namespace {

/** The position of each id of a list: a table when the ids are dense enough, else a hash. */
class IdIndex
{
public:
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
    qint64 m_slots;
    bool m_dense;
    std::vector<int> m_table;
    std::vector<qint64> m_keys;
};

} // namespace

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
    const IdIndex rankOf(itemOrder);
    // A unit's model slot: 0 for the image alone (an item no model predicted), then the models by id.
    QVector<ModelId> slotModels{0};
    for (const ModelRecord &m : std::as_const(raw.models))
        slotModels << m.id;
    std::sort(slotModels.begin() + 1, slotModels.end());
    const IdIndex slotOf(slotModels);

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
    UnitNumbers numbers(itemOrder.size(), slotModels.size());
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
    s.m_unitIndex.reserve(qsizetype(keys.size()));
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
        s.m_unitIndex.insert({u.item, u.model}, int(i));
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
    return m_unitIndex.value({item, model}, -1);
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
    for (const ReviewRecord &review : m_shared->labelEdits) {
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

// ---------------------------------------------------------------------------------------------

QString answerText(const ReviewRecord &review)
{
    QStringList parts;
    if (review.verdict)
        parts << toString(*review.verdict);
    if (review.category)
        parts << toString(*review.category);
    if (review.severity)
        parts << toString(*review.severity);
    return parts.join(QLatin1Char('/'));
}

QVector<QString> superclasses(const Taxonomy &taxonomy)
{
    // From the specific to the general: a class belongs to the first group that is its ancestor.
    static const std::pair<quint32, const char *> kGroups[] = {
        {2084071, "dog"},           {2121620, "cat"},          {2075296, "carnivore"},
        {2469914, "primate"},       {2370806, "ungulate"},     {1861778, "other mammal"},
        {1503061, "bird"},          {1661091, "reptile"},      {1627424, "amphibian"},
        {2512053, "fish"},          {2159955, "insect"},       {1769347, "arachnid"},
        {1905661, "invertebrate"},  {12992868, "fungus"},      {17222, "plant"},
        {7555863, "food"},          {21265, "food"},           {13134947, "plant"},
        {3800933, "musical instrument"}, {3051540, "clothing"}, {3405725, "furniture"},
        {3100490, "vehicle"},       {3094503, "container"},    {4341686, "structure"},
        {3294048, "equipment"},     {3563967, "implement"},    {3122748, "covering"},
        {3183080, "device"},        {9287968, "geological formation"}, {7846, "person"},
        {3076708, "commodity"},
    };
    QVector<QString> out;
    if (!taxonomy.isAvailable())
        return out;
    const int classes = ClassCatalog::imagenet1k().size();
    out.reserve(classes);
    for (int c = 0; c < classes; ++c) {
        const QHash<quint32, int> &ancestors = taxonomy.ancestors(c);
        QString group = QStringLiteral("other");
        for (const auto &[offset, name] : kGroups) {
            if (ancestors.contains(offset)) {
                group = QString::fromLatin1(name);
                break;
            }
        }
        out << group;
    }
    return out;
}

QJsonObject agreementJson(const AuditSnapshot &snapshot, const AuditOptions &options, const agreement::Result &result)
{
    QJsonArray reviewers;
    for (const ReviewerRecord &r : snapshot.reviewers())
        reviewers.append(r.name);
    QJsonArray cohen;
    for (const agreement::PairAgreement &p : result.pairs) {
        cohen.append(QJsonObject{{QStringLiteral("a"), snapshot.reviewers()[p.a].name},
                                 {QStringLiteral("b"), snapshot.reviewers()[p.b].name},
                                 {QStringLiteral("units"), p.units},
                                 {QStringLiteral("kappa"), number(p.cohenKappa.value)},
                                 {QStringLiteral("percent_agreement"), number(p.percentAgreement.value)},
                                 {QStringLiteral("ci95"), QJsonObject{{QStringLiteral("kappa"), interval(p.cohenKappa)},
                                                                      {QStringLiteral("percent_agreement"),
                                                                       interval(p.percentAgreement)}}}});
    }
    return QJsonObject{
        {QStringLiteral("field"), toString(options.field)},
        {QStringLiteral("model"), options.model ? QJsonValue(snapshot.modelName(options.model)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("fold_borderline"), options.foldBorderline},
        {QStringLiteral("reviewers"), reviewers},
        {QStringLiteral("units"), result.units},
        {QStringLiteral("ratings"), result.ratings},
        {QStringLiteral("percent_agreement"), number(result.percentAgreement.value)},
        {QStringLiteral("fleiss_kappa"), number(result.fleissKappa.value)},
        {QStringLiteral("krippendorff_alpha"), number(result.krippendorffAlpha.value)},
        {QStringLiteral("cohen_kappa"), cohen},
        {QStringLiteral("ci95"), QJsonObject{{QStringLiteral("percent_agreement"), interval(result.percentAgreement)},
                                             {QStringLiteral("fleiss_kappa"), interval(result.fleissKappa)},
                                             {QStringLiteral("krippendorff_alpha"), interval(result.krippendorffAlpha)}}},
        {QStringLiteral("bootstrap"), QJsonObject{{QStringLiteral("resamples"), options.statistics.bootstrapResamples},
                                                  {QStringLiteral("seed"), seedJson(options.statistics.seed)}}},
    };
}

} // namespace bagel
