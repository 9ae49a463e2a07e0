#pragma once

#include "records.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QVector>

#include <functional>
#include <optional>

namespace bagel {

class Progress;

/**
 * The one interface through which Bagel reads and writes a project. Everything above it
 * (importers, exporters, the review window, the CLI) speaks in records, never in SQL, so a
 * second backend (PostgreSQL for teams) only has to implement this class. Methods throw
 * Error on failure; writes are only durable once commit() returns.
 */
class Store
{
public:
    virtual ~Store() = default;

    virtual QString location() const = 0;
    virtual bool isReadOnly() const = 0;

    /**
     * Who the store's connection acts as, when the store decides that (a server project: the
     * database role), or empty (a file: whoever names themselves). A reviewer name given for
     * such a store must be this one.
     */
    virtual QString sessionUser() const { return {}; }
    /** Whether the connection may do a lead's work (adjudicate, import, assign, export, audit). */
    virtual bool sessionIsLead() const { return true; }
    /** Why the connection may not \a action (a lead's work, e.g. "adjudicate"), as one line; empty when it may. */
    virtual QString sessionRefusal(const QString &action) const
    {
        Q_UNUSED(action);
        return {};
    }

    // Transactions do not nest; use the Transaction guard.
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;

    /**
     * Starts a read transaction: the reads until endRead() see one consistent state of the
     * project, whatever other programs commit meanwhile. Returns false (and does nothing) when
     * a transaction is already open. Use the ReadTransaction guard.
     */
    virtual bool beginRead() = 0;
    virtual void endRead() = 0;

    virtual QString meta(const QString &key) const = 0;
    virtual void setMeta(const QString &key, const QString &value) = 0;

    // Items
    virtual QHash<QString, ItemKey> itemIndex() const = 0;
    virtual ItemId addItem(const ItemRecord &item) = 0;
    virtual void setOriginalLabel(ItemId item, int classIndex) = 0;
    virtual void setImagePath(ItemId item, const QString &imagePath) = 0;
    virtual std::optional<ItemRecord> item(ItemId id) const = 0;
    virtual std::optional<ItemRecord> itemByFileName(const QString &fileName) const = 0;
    /** The id of the item named \a fileName, or 0 (a name never changes its id: a store may keep it). */
    virtual ItemId itemIdByFileName(const QString &fileName) const
    {
        const auto found = itemByFileName(fileName);
        return found ? found->id : 0;
    }
    /** Every item in file-name order. */
    virtual void forEachItem(const std::function<void(const ItemRecord &)> &visit) const = 0;

    // The imported multi-label judgements (the state before any review)
    virtual QVector<LabelJudgement> judgements(ItemId item) const = 0;
    virtual void replaceJudgements(ItemId item, const QVector<LabelJudgement> &judgements) = 0;
    /** Adds judgements to an item that has none yet (cheaper than replaceJudgements). */
    virtual void addJudgements(ItemId item, const QVector<LabelJudgement> &judgements) = 0;
    virtual QHash<ItemId, QVector<LabelJudgement>> allJudgements() const = 0;

    virtual std::optional<ProblematicInfo> problematic(ItemId item) const = 0;
    virtual void setProblematic(ItemId item, const ProblematicInfo &info) = 0;
    virtual QHash<ItemId, ProblematicInfo> allProblematic() const = 0;

    virtual bool inImagenetM(ItemId item) const = 0;
    virtual void addToImagenetM(ItemId item) = 0;
    virtual QVector<ItemId> imagenetM() const = 0;

    /** ReaL labels; an empty list means ReaL excluded the image, nullopt that none were loaded. */
    virtual std::optional<QVector<int>> realLabels(ItemId item) const = 0;
    virtual void setRealLabels(ItemId item, const QVector<int> &classes) = 0;
    /** Every item's ReaL labels (empty: ReaL excluded it); items without any are absent. */
    virtual QHash<ItemId, QVector<int>> allRealLabels() const = 0;

    // Models and their predictions
    /** The model's id; 0 when it does not exist and \a create is false. */
    virtual ModelId modelId(const QString &name, bool create) = 0;
    virtual QVector<ModelRecord> models() const = 0;
    /** Sets (or replaces) a model's top-k for an item; returns false when it was already identical. */
    virtual bool setPrediction(ItemId item, ModelId model, const QVector<ClassScore> &topk) = 0;
    virtual QVector<ModelPrediction> predictions(ItemId item) const = 0;
    virtual qint64 predictionCount(ModelId model) const = 0;
    /** Every model's top-1 per item, read in one pass. */
    virtual QHash<ModelId, QHash<ItemId, int>> allTop1() const = 0;
    /** Top-1, score and margin of every prediction of \a model, for building review queues. */
    virtual QVector<PredictionSummary> predictionSummaries(ModelId model) const = 0;

    // Reviewers and the append-only review history
    virtual ReviewerId reviewerId(const QString &name, bool create) = 0;
    virtual QVector<ReviewerRecord> reviewers() const = 0;
    virtual ReviewId appendReview(const ReviewRecord &review) = 0;
    virtual std::optional<ReviewRecord> review(ReviewId id) const = 0;
    /** An item's reviews, oldest first. */
    virtual QVector<ReviewRecord> reviews(ItemId item) const = 0;
    /** Every review, oldest first. */
    virtual void forEachReview(const std::function<void(const ReviewRecord &)> &visit) const = 0;
    /** Every review in id order, as one list. */
    virtual QVector<ReviewRecord> allReviews() const = 0;
    /**
     * Every review in id order as compact rows, without uids: what the audit reads. A quarter
     * of the memory of allReviews(), which for 250,000 reviews was most of the audit's time.
     * \a progress (may be null) hears of the rows read and may cancel the read (Cancelled).
     */
    virtual ReviewRows reviewRows(Progress *progress = nullptr) const = 0;

    /** The id of the review with \a uid, or 0. */
    virtual ReviewId reviewIdByUid(const QString &uid) const = 0;
    /** Review id by uid, for every review (merging tells by uid which reviews it already has). */
    virtual QHash<QString, ReviewId> reviewUids() const = 0;

    // The leads' adjudications, append-only like the reviews
    virtual qint64 appendAdjudication(const AdjudicationRecord &adjudication) = 0;
    /** An item's adjudications, oldest first. */
    virtual QVector<AdjudicationRecord> adjudications(ItemId item) const = 0;
    virtual void forEachAdjudication(const std::function<void(const AdjudicationRecord &)> &visit) const = 0;
    virtual QSet<QString> adjudicationUids() const = 0;

    // Assignments: which reviewers are to review which unit
    /** Replaces every assignment of \a model with \a assignments (each of which names \a model). */
    virtual void replaceAssignments(ModelId model, const QVector<AssignmentRecord> &assignments) = 0;
    /** Every assignment, ordered by model, item and reviewer id. */
    virtual QVector<AssignmentRecord> assignments() const = 0;

    virtual ProjectCounts counts() const = 0;
    /** counts().items alone: cheap where counts() reads every table. */
    virtual qint64 itemCount() const = 0;

    /**
     * Whether the connection works now; a server's store tries to connect again first. A file
     * is always connected.
     */
    virtual bool isConnected() const { return true; }

    /**
     * Changes whenever the assignments change, where the store can tell (a server announces
     * it); 0 where it cannot.
     */
    virtual qint64 assignmentsVersion() const { return 0; }

    /** Changes whenever another connection (another program, or another thread) commits to the project. */
    virtual qint64 dataVersion() const = 0;
};

/** Reads a block from one consistent state of the project (see Store::beginRead()). */
class ReadTransaction
{
public:
    explicit ReadTransaction(const Store &store)
        : m_store(const_cast<Store &>(store))
        , m_started(m_store.beginRead())
    {
    }
    ~ReadTransaction()
    {
        if (m_started) {
            try {
                m_store.endRead();
            } catch (...) { // nothing was written: nothing can be lost
            }
        }
    }
    ReadTransaction(const ReadTransaction &) = delete;
    ReadTransaction &operator=(const ReadTransaction &) = delete;

private:
    Store &m_store;
    bool m_started;
};

/** Runs a block in one transaction: rolled back unless commit() is called. */
class Transaction
{
public:
    explicit Transaction(Store &store)
        : m_store(store)
    {
        m_store.begin();
    }
    ~Transaction()
    {
        if (!m_done) {
            try {
                m_store.rollback();
            } catch (...) { // a failed rollback leaves nothing committed either
            }
        }
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    void commit()
    {
        m_store.commit();
        m_done = true;
    }

private:
    Store &m_store;
    bool m_done = false;
};

} // namespace bagel
