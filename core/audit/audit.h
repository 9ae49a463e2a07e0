#pragma once

#include "agreement.h"
#include "storage/records.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <array>
#include <memory>
#include <optional>
#include <vector>

namespace bagel {

class Progress;
class Project;
class Taxonomy;

/** What reviewers are compared on. */
enum class AuditField { Verdict, Category, Severity, Labels };

QString toString(AuditField field);
std::optional<AuditField> parseAuditField(const QString &text);
QStringList auditFieldNames();

/**
 * The state of a unit that exports and reports use: the lead's adjudication when there is one,
 * else the majority of the reviewers' latest verdicts (a tie leaves the unit open).
 */
struct FinalState
{
    enum class Source { Unreviewed, Single, Majority, Tie, Adjudicated };
    Source source = Source::Unreviewed;
    std::optional<Verdict> verdict;
    std::optional<Category> category;
    std::optional<Severity> severity;
    bool gold = false;
    QString reason; ///< the adjudication's reason
    QDateTime time; ///< when the deciding review or adjudication was made
    QStringList deciders; ///< the lead, or the reviewers who formed the majority

    bool isOpen() const { return !verdict; }
};

QString toString(FinalState::Source source);

/** One row of the disagreement queue. */
struct Disagreement
{
    int unit = 0;         ///< index into AuditSnapshot::units()
    double dispute = 0.0; ///< mean distance between the reviewers' answers
    int raters = 0;
    bool adjudicated = false;
};

/** How one reviewer worked. */
struct ReviewerStats
{
    QString name;
    qint64 items = 0;   ///< items with a verdict of theirs
    qint64 units = 0;   ///< (item, model) units with a verdict of theirs
    qint64 reviews = 0; ///< the verdicts they gave that count (undone ones left out), also those later replaced
    std::optional<double> medianSecondsPerItem;
    std::array<qint64, 4> verdicts{}; ///< their latest verdicts, by Verdict
    qint64 goldUnits = 0;            ///< gold units they rated
    std::optional<double> goldAccuracy;
};

/** Agreement over a group of units, for breakdown tables. */
struct BreakdownRow
{
    QString group;
    qint64 unitsInGroup = 0;
    agreement::Result result;
};

enum class Breakdown { Model, OriginalClass, Superclass, Category };
QString toString(Breakdown breakdown);
std::optional<Breakdown> parseBreakdown(const QString &text);

struct AuditOptions
{
    AuditField field = AuditField::Verdict;
    ModelId model = 0; ///< 0: every model
    bool foldBorderline = false; ///< severity: count borderline as minor
    agreement::Options statistics;
};

/**
 * Everything the audit needs, read from a project in one go: the units that have a verdict,
 * each reviewer's latest review of each, the leads' adjudications and the imported labels.
 * Pure data after load(): statistics, breakdowns and queues are computed from it on any thread.
 *
 * A unit is an (item, model) pair. A reviewer's latest review of it counts (by time, then by
 * id; an undone review does not count); a review about the image alone (no model, e.g. a
 * problematic verdict) counts for every model that has a prediction for the item.
 *
 * The reviews are kept once, as the compact rows they were read as (ReviewRows), shared by
 * every copy of the snapshot; a unit's answers are indices into them, and a full ReviewRecord
 * or label set is made only when asked for. A Unit is valid while a snapshot holding it lives.
 */
class AuditSnapshot
{
    struct Shared;

public:
    /** Each reviewer's latest review with a verdict of one unit, in reviewers() order. */
    class Answers
    {
    public:
        qsizetype size() const { return m_count; }
        bool isEmpty() const { return m_count == 0; }
        /** The reviewer of answer \a k: an index into reviewers(). */
        int rater(qsizetype k) const;
        /** Answer \a k as read: verdict, category, severity and time as numbers. */
        const ReviewRow &row(qsizetype k) const;
        /** Answer \a k: its reviewer and the full review, made now. */
        QPair<int, ReviewRecord> operator[](qsizetype k) const;

        class const_iterator
        {
        public:
            using value_type = QPair<int, ReviewRecord>;
            using difference_type = qsizetype;
            value_type operator*() const { return (*m_answers)[m_at]; }
            const_iterator &operator++()
            {
                ++m_at;
                return *this;
            }
            bool operator==(const const_iterator &other) const { return m_at == other.m_at; }
            bool operator!=(const const_iterator &other) const { return m_at != other.m_at; }

        private:
            friend class Answers;
            const_iterator(const Answers *answers, qsizetype at)
                : m_answers(answers)
                , m_at(at)
            {
            }
            const Answers *m_answers;
            qsizetype m_at;
        };
        const_iterator begin() const { return {this, 0}; }
        const_iterator end() const { return {this, m_count}; }

    private:
        friend class AuditSnapshot;
        const Shared *m_shared = nullptr;
        qint32 m_first = 0; ///< into the snapshot's answer list
        qint32 m_count = 0;
    };

    /**
     * Per answer (same order as Answers) the classes that reviewer holds correct: the imported
     * judgements with the reviewer's own label edits, then their verdict on the model's top-1.
     * Each set is made when asked for, sorted.
     */
    class LabelSets
    {
    public:
        qsizetype size() const { return m_answers.size(); }
        bool isEmpty() const { return m_answers.isEmpty(); }
        QVector<int> operator[](qsizetype k) const;

    private:
        friend class AuditSnapshot;
        Answers m_answers;
        ItemId m_item = 0;
        int m_top1 = -1;
    };

    struct Unit
    {
        ItemId item = 0;
        ModelId model = 0;
        QString fileName;
        int originalLabel = -1;
        int top1 = -1; ///< the model's top-1, -1 when unknown
        /** Per reviewer (index into reviewers()) their latest review with a verdict. */
        Answers latest;
        /** Per reviewer (same order as latest) the classes they hold correct. */
        LabelSets labelSets;
        const AdjudicationRecord *adjudication = nullptr; ///< the latest one, if any (held by the snapshot)
    };

    /**
     * Reads the whole project. \a progress (may be null) hears of the reviews read and the
     * units built, and its Cancel stops the read with Cancelled (a read changes nothing).
     */
    static AuditSnapshot load(const Project &project, Progress *progress = nullptr);

    /** What the exports and reports need to know of an item. */
    struct ItemFacts
    {
        QString fileName;
        int originalLabel = -1;
    };
    /** The snapshot of one item only (its units, for the review window). */
    static AuditSnapshot loadItem(const Project &project, ItemId item);

    const QVector<ReviewerRecord> &reviewers() const { return m_reviewers; }
    const QVector<ModelRecord> &models() const { return m_models; }
    const std::vector<Unit> &units() const { return m_units; }
    QString modelName(ModelId model) const;
    /** The name of a reviewer or lead. */
    QString reviewerName(ReviewerId reviewer) const;
    /** The imported judgements and problematic flags: the state before any review. */
    const QHash<ItemId, QVector<LabelJudgement>> &importedLabels() const { return m_imported; }
    const QHash<ItemId, ProblematicInfo> &importedProblematic() const { return m_importedProblematic; }
    /** Each model's top-1 per item. */
    const QHash<ModelId, QHash<ItemId, int>> &top1() const { return m_top1; }
    /** Every item of the project (as loaded with load(); only the item with loadItem()). */
    const QHash<ItemId, ItemFacts> &items() const { return m_items; }
    /** The items in file-name order. */
    const QVector<ItemId> &itemOrder() const { return m_itemOrder; }

    /** Index of the unit, or -1. */
    int unitIndex(ItemId item, ModelId model) const;

    /**
     * The units of \a model (0: all) that at least one reviewer rated, in file-name order: the
     * units agreement is computed over. units() also holds units only a lead adjudicated.
     */
    std::vector<int> unitsOf(ModelId model) const;

    /**
     * The ratings of \a field over \a units: one column per reviewer in reviewers() order.
     * \a valueNames receives the name of each value (a label set is named by its wnids).
     */
    agreement::RatingTable table(AuditField field, const std::vector<int> &units, bool foldBorderline,
                                 QStringList *valueNames = nullptr) const;

    /** \a options.statistics.progress, when set, hears of the bootstrap and may cancel it. */
    agreement::Result agreement(const AuditOptions &options) const;

    /** Agreement per group of units; rows in order of the group name (classes by index). */
    QVector<BreakdownRow> breakdown(Breakdown by, const AuditOptions &options, const Taxonomy *taxonomy) const;

    /** Units where the reviewers differ on \a options.field, most disputed first. */
    QVector<Disagreement> disagreements(const AuditOptions &options) const;

    FinalState finalState(int unit) const;

    QVector<ReviewerStats> reviewerStats(ModelId model = 0) const;

    /**
     * The label set of every item after the review: the imported judgements, then the
     * reviewers' explicit label edits in time order, then each unit's final verdict on its
     * model's top-1 (correct → correct, wrong → wrong, unclear → unclear; an adjudicated unit
     * outranks a majority, disagreeing units of one rank make the class unclear). \a problematic
     * receives the imported problematic images plus those a final `problematic` verdict marks.
     */
    QHash<ItemId, QVector<LabelJudgement>> finalLabels(QHash<ItemId, ProblematicInfo> *problematic) const;

private:
    struct Raw;
    static AuditSnapshot build(Raw raw, Progress *progress);

    QVector<ReviewerRecord> m_reviewers;
    QVector<ModelRecord> m_models;
    std::vector<Unit> m_units;
    QHash<ReviewerId, QString> m_names; ///< every reviewer and lead
    QHash<ItemId, QVector<LabelJudgement>> m_imported;
    QHash<ItemId, ProblematicInfo> m_importedProblematic;
    QHash<ModelId, QHash<ItemId, int>> m_top1;
    QHash<ItemId, ItemFacts> m_items;
    QVector<ItemId> m_itemOrder;
    QHash<ReviewerId, QVector<qint64>> m_verdictTimes; ///< when each reviewer gave their verdicts (ms since the epoch, in order)
    std::shared_ptr<const Shared> m_shared; ///< the reviews, the answers and the label edits
};

/** A review's answer in one word group: `wrong/fine-grained/major`, `correct`, … */
QString answerText(const ReviewRecord &review);

/** The coarse WordNet group of each class (dog, bird, vehicle, …), or "other"; empty without WordNet. */
QVector<QString> superclasses(const Taxonomy &taxonomy);

/** The `bagel-cli agreement --json` object. */
QJsonObject agreementJson(const AuditSnapshot &snapshot, const AuditOptions &options, const agreement::Result &result);

} // namespace bagel
