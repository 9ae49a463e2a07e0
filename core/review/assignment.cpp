#include "assignment.h"

#include "error.h"
#include "io/utf8.h"
#include "project.h"
#include "reviewqueue.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <limits>
#include <map>
#include <random>

namespace bagel {

namespace {

/**
 * Uniform draws from a seed. std::mt19937_64's output is fixed by the standard; the
 * distributions and std::shuffle are not (libstdc++ and libc++ differ), so the draws are our own.
 */
class Draws
{
public:
    explicit Draws(quint64 seed)
        : m_engine(seed)
    {
    }

    /** A number in [0, n), n > 0, without modulo bias. */
    quint64 below(quint64 n)
    {
        const quint64 max = std::numeric_limits<quint64>::max();
        const quint64 limit = max - (max % n + 1) % n; // the largest multiple of n, minus one
        quint64 x = m_engine();
        while (x > limit)
            x = m_engine();
        return x % n;
    }

private:
    std::mt19937_64 m_engine;
};

QStringList modelNames(const QVector<ModelRecord> &models)
{
    QStringList out;
    for (const ModelRecord &m : models)
        out << m.name;
    return out;
}

ModelId resolveAssignedModel(Store &store, const QString &name)
{
    const QVector<ModelRecord> models = store.models();
    if (!name.isEmpty()) {
        const ModelId id = store.modelId(name, false);
        if (!id) {
            throw Error(QStringLiteral("no model '%1' in the project (models: %2)")
                            .arg(name, models.isEmpty() ? QStringLiteral("none") : modelNames(models).join(QLatin1String(", "))));
        }
        return id;
    }
    if (models.isEmpty())
        throw Error(QStringLiteral("the project has no models, so no units to assign; import predictions first"));
    if (models.size() > 1) {
        throw Error(QStringLiteral("the project has several models: name the one whose units to assign (one of: %1)")
                        .arg(modelNames(models).join(QLatin1String(", "))));
    }
    return models.first().id;
}

} // namespace

QVector<QVector<int>> planAssignments(int unitCount, int reviewerCount, int perUnit, quint64 seed)
{
    if (perUnit < 1)
        throw Error(QStringLiteral("each unit needs at least one reviewer, not %1").arg(perUnit));
    if (perUnit > reviewerCount) {
        throw Error(QStringLiteral("%1 reviewers per unit need at least %1 reviewers, and %2 %3 named")
                        .arg(perUnit)
                        .arg(reviewerCount)
                        .arg(reviewerCount == 1 ? QStringLiteral("is") : QStringLiteral("are")));
    }
    if (unitCount < 1)
        throw Error(QStringLiteral("there are no units to assign"));

    Draws draws(seed);
    // The units are handed out in a shuffled order, so that who gets one unit more than the
    // others, and who reviews the first items, depends on the seed and not on the file names.
    QVector<int> order(unitCount);
    for (int i = 0; i < unitCount; ++i)
        order[i] = i;
    for (int i = unitCount - 1; i > 0; --i)
        std::swap(order[i], order[int(draws.below(quint64(i) + 1))]);

    // Each reviewer is chosen among the least loaded ones: the K least loaded get each unit, so
    // the loads stay within one of each other. Among those, the reviewers who have shared the
    // fewest units with the ones already chosen come first (every pair of reviewers meets,
    // for the agreement statistics), and a draw settles what is left.
    const int r = reviewerCount;
    QVector<qint64> load(r, 0);
    QVector<qint64> together(qsizetype(r) * r, 0);
    QVector<qint64> shared(r);
    QVector<char> taken(r);
    QVector<int> ties;
    ties.reserve(r);
    QVector<QVector<int>> plan(unitCount);
    for (const int unit : order) {
        QVector<int> &chosen = plan[unit];
        chosen.reserve(perUnit);
        std::fill(shared.begin(), shared.end(), 0);
        std::fill(taken.begin(), taken.end(), 0);
        for (int k = 0; k < perUnit; ++k) {
            ties.clear();
            for (int c = 0; c < r; ++c) {
                if (taken[c])
                    continue;
                if (!ties.isEmpty()) {
                    const int best = ties.first();
                    if (load[c] > load[best] || (load[c] == load[best] && shared[c] > shared[best]))
                        continue;
                    if (load[c] < load[best] || shared[c] < shared[best])
                        ties.clear();
                }
                ties << c;
            }
            const int pick = ties[int(draws.below(quint64(ties.size())))];
            taken[pick] = 1;
            for (int c = 0; c < r; ++c)
                shared[c] += together[qsizetype(pick) * r + c];
            chosen << pick;
        }
        for (const int a : chosen) {
            ++load[a];
            for (const int b : chosen) {
                if (a != b)
                    ++together[qsizetype(a) * r + b];
            }
        }
        std::sort(chosen.begin(), chosen.end());
    }
    return plan;
}

QString assignmentRefusal(const Project &project, const QString &lead)
{
    if (const QString problem = project.leadsProblem(); !problem.isEmpty())
        return QStringLiteral("the project's list of leads cannot be read (%1); name the leads again").arg(problem);
    const QStringList leads = project.leads();
    if (leads.isEmpty())
        return {};
    if (lead.isEmpty()) {
        return QStringLiteral("only a lead may assign reviewers to units, and the project names leads (%1): say which one assigns")
            .arg(leads.join(QLatin1String(", ")));
    }
    const QString composed = nfc(lead);
    for (const QString &name : leads) {
        if (nfc(name) == composed)
            return {};
    }
    return QStringLiteral("only a lead may assign reviewers to units, and '%1' is not one of this project's leads (%2)")
        .arg(lead, leads.join(QLatin1String(", ")));
}

AssignmentSummary assignReviewers(Project &project, const AssignmentRequest &request)
{
    QStringList names;
    for (const QString &name : request.reviewers) {
        Project::checkName(name, "reviewer");
        const QString composed = nfc(name);
        if (names.contains(composed))
            throw Error(QStringLiteral("the reviewer '%1' is named twice").arg(name));
        names << composed;
    }
    if (names.isEmpty())
        throw Error(QStringLiteral("name the reviewers to assign"));
    if (!request.lead.isEmpty())
        Project::checkName(request.lead, "lead");
    // The order the names were given in does not change the plan.
    std::sort(names.begin(), names.end());
    if (request.perUnit < 1 || request.perUnit > names.size())
        planAssignments(1, int(names.size()), request.perUnit, request.seed); // throws, saying why

    Store &store = project.store();
    Transaction tx(store);
    // Read under the write lock: a list of leads changed meanwhile by another program counts.
    if (const QString refusal = assignmentRefusal(project, request.lead); !refusal.isEmpty())
        throw Error(refusal);
    const ModelId model = resolveAssignedModel(store, request.model);
    QString modelName;
    for (const ModelRecord &m : store.models()) {
        if (m.id == model)
            modelName = m.name;
    }

    // The units in file-name order: the items with a prediction, or of those the mistakes as
    // the queue tells them (isModelMistake() against the current labels).
    QHash<ItemId, int> top1;
    for (const PredictionSummary &p : store.predictionSummaries(model))
        top1.insert(p.item, p.top1);
    QHash<ItemId, QVector<LabelJudgement>> labels;
    if (!request.allItems)
        labels = project.allCurrentLabels();
    QVector<ItemId> units;
    store.forEachItem([&](const ItemRecord &item) {
        const auto it = top1.constFind(item.id);
        if (it != top1.constEnd() && (request.allItems || isModelMistake(*it, item.originalLabel, labels.value(item.id))))
            units << item.id;
    });
    if (units.isEmpty()) {
        throw Error(request.allItems ? QStringLiteral("model '%1' has no predictions, so no units to assign").arg(modelName)
                                     : QStringLiteral("model '%1' makes no mistakes, so no units to assign (every item with a "
                                                      "prediction can be assigned instead)")
                                           .arg(modelName));
    }
    const QVector<QVector<int>> plan = planAssignments(int(units.size()), int(names.size()), request.perUnit, request.seed);

    AssignmentSummary summary;
    summary.model = modelName;
    summary.units = int(units.size());
    summary.perUnit = request.perUnit;
    summary.seed = request.seed;
    summary.allItems = request.allItems;
    for (const AssignmentRecord &a : store.assignments()) {
        if (a.model == model)
            ++summary.replaced;
    }
    QVector<ReviewerId> ids;
    for (const QString &name : names) {
        ids << store.reviewerId(name, true);
        summary.loads.append({name, 0});
    }
    QVector<AssignmentRecord> records;
    records.reserve(units.size() * request.perUnit);
    for (qsizetype u = 0; u < units.size(); ++u) {
        for (const int reviewer : plan[u]) {
            records.append(AssignmentRecord{units[u], model, ids[reviewer]});
            ++summary.loads[reviewer].units;
        }
    }
    store.replaceAssignments(model, records);
    tx.commit();
    return summary;
}

QVector<AssignmentEntry> listAssignments(const Project &project, const QString &model, const QString &reviewer)
{
    const Store &store = project.store();
    ReadTransaction read(store);
    QHash<ModelId, QString> models;
    ModelId onlyModel = 0;
    for (const ModelRecord &m : store.models()) {
        models.insert(m.id, m.name);
        if (!model.isEmpty() && m.name == model)
            onlyModel = m.id;
    }
    if (!model.isEmpty() && !onlyModel) {
        throw Error(QStringLiteral("no model '%1' in the project (models: %2)")
                        .arg(model, models.isEmpty() ? QStringLiteral("none") : modelNames(store.models()).join(QLatin1String(", "))));
    }
    QHash<ReviewerId, QString> reviewers;
    ReviewerId onlyReviewer = 0;
    const QString composed = nfc(reviewer);
    for (const ReviewerRecord &r : store.reviewers()) {
        reviewers.insert(r.id, r.name);
        if (!reviewer.isEmpty() && nfc(r.name) == composed && !onlyReviewer)
            onlyReviewer = r.id;
    }
    if (!reviewer.isEmpty() && !onlyReviewer)
        throw Error(QStringLiteral("no reviewer '%1' in the project").arg(reviewer));

    QVector<AssignmentRecord> chosen;
    QSet<ItemId> items;
    for (const AssignmentRecord &a : store.assignments()) {
        if ((onlyModel && a.model != onlyModel) || (onlyReviewer && a.reviewer != onlyReviewer))
            continue;
        chosen << a;
        items.insert(a.item);
    }
    QHash<ItemId, QString> fileNames;
    if (!items.isEmpty()) {
        store.forEachItem([&](const ItemRecord &item) {
            if (items.contains(item.id))
                fileNames.insert(item.id, item.fileName);
        });
    }
    QVector<AssignmentEntry> out;
    out.reserve(chosen.size());
    for (const AssignmentRecord &a : chosen)
        out.append({fileNames.value(a.item), models.value(a.model), reviewers.value(a.reviewer)});
    std::sort(out.begin(), out.end(), [](const AssignmentEntry &a, const AssignmentEntry &b) {
        if (a.model != b.model)
            return a.model < b.model;
        if (a.item != b.item)
            return a.item < b.item;
        return a.reviewer < b.reviewer;
    });
    return out;
}

QVector<AssignmentProgress> assignmentProgress(const Project &project, ModelId model)
{
    const Store &store = project.store();
    ReadTransaction read(store);
    std::map<ReviewerId, AssignmentProgress> byReviewer;
    QSet<QPair<ItemId, ReviewerId>> assigned;
    for (const AssignmentRecord &a : store.assignments()) {
        if (a.model != model)
            continue;
        assigned.insert({a.item, a.reviewer});
        AssignmentProgress &p = byReviewer[a.reviewer];
        p.reviewer = a.reviewer;
        ++p.assigned;
    }
    if (byReviewer.empty())
        return {};
    // A verdict counts unless it was undone; an image-level verdict (problematic) covers every model.
    const ReviewRows rows = store.reviewRows();
    QSet<ReviewId> retracted;
    for (const ReviewRow &row : rows.rows) {
        if (row.retracts)
            retracted.insert(row.retracts);
    }
    QSet<QPair<ItemId, ReviewerId>> done;
    for (const ReviewRow &row : rows.rows) {
        if (!row.hasVerdict() || row.retracts || retracted.contains(row.id) || (row.model != model && row.model != 0))
            continue;
        const QPair<ItemId, ReviewerId> unit{row.item, row.reviewer};
        if (assigned.contains(unit) && !done.contains(unit)) {
            done.insert(unit);
            ++byReviewer[row.reviewer].done;
        }
    }
    for (const ReviewerRecord &r : store.reviewers()) {
        if (const auto it = byReviewer.find(r.id); it != byReviewer.end())
            it->second.name = r.name;
    }
    QVector<AssignmentProgress> out;
    for (const auto &[id, p] : byReviewer)
        out << p;
    std::sort(out.begin(), out.end(), [](const AssignmentProgress &a, const AssignmentProgress &b) {
        return a.name != b.name ? a.name < b.name : a.reviewer < b.reviewer;
    });
    return out;
}

QVector<ItemId> assignedItems(const Project &project, ModelId model, ReviewerId reviewer)
{
    QVector<ItemId> out;
    if (!reviewer)
        return out;
    for (const AssignmentRecord &a : project.store().assignments()) {
        if (a.model == model && a.reviewer == reviewer)
            out << a.item;
    }
    return out;
}

} // namespace bagel
