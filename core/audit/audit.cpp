#include "audit.h"

#include "catalog/classcatalog.h"
#include "catalog/taxonomy.h"
#include "error.h"
#include "project.h"

#include <QJsonArray>

#include <algorithm>
#include <numeric>
#include <exception>
#include <thread>
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

/**
 * Runs \a work(from, to) over [0, \a count) split between the cores, each thread on a range
 * of its own; inline for a small count. The first exception thrown is rethrown here.
 */
template<typename Work>
void inParallel(std::size_t count, Work work)
{
    const std::size_t threads = count >= 20000 ? std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8) : 1;
    if (threads <= 1) {
        work(std::size_t(0), count);
        return;
    }
    std::vector<std::exception_ptr> errors(threads);
    std::vector<std::thread> workers;
    for (std::size_t t = 1; t < threads; ++t) {
        workers.emplace_back([&, t] {
            try {
                work(count * t / threads, count * (t + 1) / threads);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    }
    try {
        work(std::size_t(0), count / threads);
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (std::thread &w : workers)
        w.join();
    for (const std::exception_ptr &e : errors) {
        if (e)
            std::rethrow_exception(e);
    }
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

AuditSnapshot AuditSnapshot::load(const Project &project)
{
    const Store &store = project.store();
    const ReadTransaction consistent(store); // reviewers, reviews and adjudications of one moment
    Raw raw;
    raw.models = store.models();
    raw.reviewers = store.reviewers();
    store.forEachItem([&raw](const ItemRecord &item) {
        raw.items.insert(item.id, ItemFacts{item.fileName, item.originalLabel});
        raw.itemOrder << item.id;
    });
    raw.top1 = store.allTop1(); // one pass over the predictions, whatever the number of models
    raw.imported = store.allJudgements();
    raw.problematic = store.allProblematic();
    raw.reviews = store.reviewRows();
    store.forEachAdjudication([&raw](const AdjudicationRecord &a) { raw.adjudications << a; });
    return build(std::move(raw));
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
    return build(std::move(raw));
}

AuditSnapshot AuditSnapshot::build(Raw raw)
{
    AuditSnapshot s;
    s.m_models = raw.models;
    const QHash<ModelId, QHash<ItemId, int>> &top1 = raw.top1;
    s.m_imported = raw.imported;
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
    // Item ids are dense in practice: a table by id, else a hash.
    ItemId maxId = 0;
    for (const ItemId id : std::as_const(itemOrder))
        maxId = std::max(maxId, id);
    const bool dense = maxId >= 0 && maxId <= 4 * qint64(itemOrder.size()) + 1024;
    std::vector<int> rankById;
    QHash<ItemId, int> rankByHash;
    if (dense) {
        rankById.assign(std::size_t(maxId) + 1, -1);
        for (int i = 0; i < int(itemOrder.size()); ++i)
            rankById[std::size_t(itemOrder[i])] = i;
    } else {
        rankByHash.reserve(itemOrder.size());
        for (int i = 0; i < int(itemOrder.size()); ++i)
            rankByHash.insert(itemOrder[i], i);
    }
    auto rankOf = [&](ItemId item) {
        if (dense)
            return item >= 0 && item <= maxId ? rankById[std::size_t(item)] : -1;
        return rankByHash.value(item, -1);
    };

    // The reviews that count: not a retraction, not retracted.
    const ReviewRows &reviews = raw.reviews;
    const QVector<ReviewRow> &rows = reviews.rows;
    QSet<ReviewId> retracted;
    for (const ReviewRow &r : rows) {
        if (r.retracts)
            retracted.insert(r.retracts);
    }
    auto counts = [&retracted](const ReviewRow &r) { return !r.retracts && (retracted.isEmpty() || !retracted.contains(r.id)); };

    // The models a review or adjudication is about: its own, or for an image-level one every
    // model with a prediction for the item (none: the item alone).
    auto modelsOf = [&](ItemId item, ModelId model) {
        if (model)
            return QVector<ModelId>{model};
        QVector<ModelId> models;
        for (const ModelRecord &m : raw.models) {
            const auto tops = top1.constFind(m.id);
            if (tops != top1.constEnd() && tops->contains(item))
                models << m.id;
        }
        return models.isEmpty() ? QVector<ModelId>{0} : models;
    };

    // One entry per verdict and unit it is about; sorted, each (unit, reviewer) run ends with
    // the reviewer's latest verdict on the unit (by time, then id).
    struct Entry
    {
        int rank;
        int rater; ///< the reviewer id's column, once the columns are known
        ModelId model;
        qint64 time;
        ReviewId id;
        qsizetype row;
    };
    std::vector<Entry> entries;
    entries.reserve(std::size_t(rows.size()));
    std::vector<std::pair<qint64, qsizetype>> edited; // (time, row) of the reviews with label edits
    QHash<ReviewerId, QVector<qint64>> &verdictTimes = s.m_verdictTimes;
    QHash<ReviewerId, int> column; // filled below; first the reviewers who gave a verdict
    ReviewerId lastReviewer = -1;
    QVector<qint64> *lastTimes = nullptr;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const ReviewRow &r = rows[i];
        if (!counts(r))
            continue;
        if (reviews.hasLabelChanges(r))
            edited.emplace_back(r.time, i);
        if (!r.hasVerdict())
            continue;
        if (r.reviewer != lastReviewer) {
            lastReviewer = r.reviewer;
            lastTimes = &verdictTimes[r.reviewer];
        }
        lastTimes->append(r.time);
        if (r.model) {
            entries.push_back(Entry{rankOf(r.item), 0, r.model, r.time, r.id, i});
        } else {
            for (const ModelId model : modelsOf(r.item, 0))
                entries.push_back(Entry{rankOf(r.item), 0, model, r.time, r.id, i});
        }
    }
    for (QVector<qint64> &times : verdictTimes)
        std::sort(times.begin(), times.end());

    // Reviewers who gave a verdict are the columns, in name order.
    for (const ReviewerRecord &reviewer : raw.reviewers) {
        s.m_names.insert(reviewer.id, reviewer.name);
        if (verdictTimes.contains(reviewer.id))
            s.m_reviewers << reviewer;
    }
    std::sort(s.m_reviewers.begin(), s.m_reviewers.end(),
              [](const ReviewerRecord &a, const ReviewerRecord &b) { return a.name < b.name; });
    for (int i = 0; i < s.m_reviewers.size(); ++i)
        column.insert(s.m_reviewers[i].id, i);
    for (Entry &e : entries)
        e.rater = column.value(rows[e.row].reviewer, -1); // never -1: both were read in one transaction
    std::erase_if(entries, [](const Entry &e) { return e.rater < 0; });
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        return std::tie(a.rank, a.model, a.rater, a.time, a.id) < std::tie(b.rank, b.model, b.rater, b.time, b.id);
    });

    // The reviewers' label edits in the order they were made (ties: id order).
    std::stable_sort(edited.begin(), edited.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QHash<QPair<ItemId, ReviewerId>, QVector<qsizetype>> edits; // → positions in m_labelEdits
    for (const auto &[time, i] : edited) {
        const ReviewRow &r = rows[i];
        edits[{r.item, r.reviewer}] << s.m_labelEdits.size();
        s.m_labelEdits << reviews.record(r);
    }

    auto newUnit = [&](ItemId item, ModelId model) -> Unit & {
        s.m_unitIndex.insert({item, model}, int(s.m_units.size()));
        Unit &u = s.m_units.emplace_back();
        const auto facts = raw.items.constFind(item);
        u.item = item;
        u.model = model;
        if (facts != raw.items.constEnd()) {
            u.fileName = facts->fileName;
            u.originalLabel = facts->originalLabel;
        }
        if (model) {
            const auto tops = top1.constFind(model);
            u.top1 = tops == top1.constEnd() ? -1 : tops->value(item, -1);
        }
        return u;
    };

    // The units with verdicts, in order, each with every reviewer's latest verdict as a record.
    s.m_units.reserve(entries.size() / std::max<std::size_t>(1, std::size_t(s.m_reviewers.size())) + 16);
    s.m_unitIndex.reserve(qsizetype(s.m_units.capacity()));
    std::vector<int> unitRank; // each unit's item rank, for placing the adjudicated-only units
    unitRank.reserve(s.m_units.capacity());
    std::vector<std::size_t> groupStart; // each unit's first entry; the next one's is its end
    groupStart.reserve(s.m_units.capacity() + 1);
    for (std::size_t e = 0; e < entries.size();) {
        const Entry &first = entries[e];
        newUnit(rows[first.row].item, first.model);
        unitRank.push_back(first.rank);
        groupStart.push_back(e);
        for (++e; e < entries.size() && entries[e].rank == first.rank && entries[e].model == first.model; ++e) {
        }
    }
    groupStart.push_back(entries.size());
    // The records, on every core: allocating and first touching the 50 MB that 250,000 of them
    // take was the largest part of the build.
    inParallel(groupStart.size() - 1, [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            Unit &u = s.m_units[i];
            const std::size_t begin = groupStart[i];
            const std::size_t end = groupStart[i + 1];
            int raterCount = 1;
            for (std::size_t e = begin + 1; e < end; ++e)
                raterCount += entries[e].rater != entries[e - 1].rater;
            u.latest.reserve(raterCount);
            for (std::size_t e = begin; e < end; ++e) {
                if (e + 1 == end || entries[e + 1].rater != entries[e].rater)
                    u.latest.append({entries[e].rater, reviews.record(rows[entries[e].row])});
            }
        }
    });

    // The leads' latest adjudication of each unit; units only a lead decided join the list.
    QVector<AdjudicationRecord> allAdjudications = raw.adjudications;
    std::stable_sort(allAdjudications.begin(), allAdjudications.end(), earlier<AdjudicationRecord>);
    QHash<QPair<ItemId, ModelId>, AdjudicationRecord> adjudications;
    for (const AdjudicationRecord &a : allAdjudications) {
        for (const ModelId model : modelsOf(a.item, a.model))
            adjudications.insert({a.item, model}, a);
    }
    bool added = false;
    for (auto it = adjudications.constBegin(); it != adjudications.constEnd(); ++it) {
        int index = s.m_unitIndex.value(it.key(), -1);
        if (index < 0) {
            newUnit(it.key().first, it.key().second);
            unitRank.push_back(rankOf(it.key().first));
            index = int(s.m_units.size()) - 1;
            added = true;
        }
        if (it->verdict)
            s.m_units[std::size_t(index)].adjudication = *it;
    }
    if (added) {
        std::vector<int> order(s.m_units.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](int a, int b) {
            return std::pair(unitRank[std::size_t(a)], s.m_units[std::size_t(a)].model)
                   < std::pair(unitRank[std::size_t(b)], s.m_units[std::size_t(b)].model);
        });
        std::vector<Unit> sorted;
        sorted.reserve(s.m_units.size());
        for (const int i : order)
            sorted.push_back(std::move(s.m_units[std::size_t(i)]));
        s.m_units = std::move(sorted);
        s.m_unitIndex.clear();
        for (int i = 0; i < int(s.m_units.size()); ++i)
            s.m_unitIndex.insert({s.m_units[std::size_t(i)].item, s.m_units[std::size_t(i)].model}, i);
    }

    // Each reviewer's label set of the unit: the imported judgements with their own edits,
    // then their verdict on the model's top-1. Reviewers without edits of their own share one
    // of three lists per unit (implicitly shared, not copied).
    inParallel(s.m_units.size(), [&](std::size_t from, std::size_t to) {
    for (std::size_t unit = from; unit < to; ++unit) {
        Unit &u = s.m_units[unit];
        const QVector<LabelJudgement> imported = s.m_imported.value(u.item);
        QVector<int> importedCorrect;
        for (const LabelJudgement &j : imported) {
            if (j.judgement == Judgement::Correct)
                importedCorrect << j.classIndex;
        }
        std::optional<QVector<int>> shared[3]; // verdict correct, problematic, other
        u.labelSets.reserve(u.latest.size());
        for (const auto &[rater, review] : u.latest) {
            const int kind = review.verdict == Verdict::Correct ? 0 : review.verdict == Verdict::Problematic ? 1 : 2;
            const auto own = edits.isEmpty() ? edits.constEnd() : edits.constFind({u.item, review.reviewer});
            if (own == edits.constEnd() && shared[kind]) {
                u.labelSets << *shared[kind];
                continue;
            }
            QVector<int> correct;
            if (own == edits.constEnd()) {
                correct = importedCorrect;
            } else {
                QVector<LabelJudgement> labels = imported;
                for (const qsizetype edit : *own)
                    labels = applyLabelChanges(std::move(labels), s.m_labelEdits.at(edit).labelChanges);
                for (const LabelJudgement &j : labels) {
                    if (j.judgement == Judgement::Correct)
                        correct << j.classIndex;
                }
            }
            if (u.top1 >= 0 && review.verdict != Verdict::Problematic) {
                correct.removeAll(u.top1);
                if (review.verdict == Verdict::Correct)
                    correct << u.top1;
            }
            std::sort(correct.begin(), correct.end());
            if (own == edits.constEnd())
                shared[kind] = correct;
            u.labelSets << correct;
        }
    }
    });
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
            const auto &[rater, review] = u.latest[k];
            int value = agreement::kMissing;
            switch (field) {
            case AuditField::Verdict:
                value = int(*review.verdict);
                break;
            case AuditField::Category:
                if (review.verdict == Verdict::Wrong && review.category)
                    value = int(*review.category);
                break;
            case AuditField::Severity:
                if (review.verdict == Verdict::Wrong && review.severity)
                    value = int(foldBorderline ? reportedSeverity(*review.severity) : *review.severity);
                break;
            case AuditField::Labels: {
                const QVector<int> &set = u.labelSets[k];
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
            for (const auto &[rater, review] : u.latest) {
                if (review.verdict == Verdict::Wrong && review.category)
                    categories << *review.category;
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
        out << Disagreement{units[row], dispute, raters, m_units[std::size_t(units[row])].adjudication.has_value()};
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
    for (const auto &[rater, review] : u.latest) {
        if (review.verdict == Verdict::Wrong) {
            if (review.category)
                categories << *review.category;
            if (review.severity)
                severities << *review.severity;
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
    for (const auto &[rater, review] : u.latest)
        verdicts << *review.verdict;
    const std::optional<Verdict> majority = plurality(verdicts);
    if (!majority) {
        f.source = FinalState::Source::Tie;
        return f;
    }
    f.source = u.latest.size() == 1 ? FinalState::Source::Single : FinalState::Source::Majority;
    f.verdict = majority;
    for (const auto &[rater, review] : u.latest) {
        if (review.verdict == majority) {
            f.deciders << m_reviewers[rater].name;
            f.time = std::max(f.time, review.time);
        }
    }
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
    for (const ReviewRecord &review : m_labelEdits) {
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
    QVector<QSet<ItemId>> items(m_reviewers.size());
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
    for (const int index : unitsOf(model)) {
        const Unit &u = m_units[std::size_t(index)];
        const bool gold = u.adjudication && u.adjudication->gold && u.adjudication->verdict;
        for (const auto &[rater, review] : u.latest) {
            ReviewerStats &st = out[rater];
            ++st.units;
            items[rater].insert(u.item);
            ++st.verdicts[std::size_t(*review.verdict)];
            if (gold) {
                ++st.goldUnits;
                goldRight[rater] += review.verdict == u.adjudication->verdict;
            }
        }
    }
    for (int r = 0; r < out.size(); ++r) {
        out[r].items = items[r].size();
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
