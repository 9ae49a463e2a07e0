#pragma once

#include "pgconnection.h"
#include "pglocation.h"
#include "store.h"

#include <QPair>
#include <QSet>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bagel {


/**
 * A project on a PostgreSQL server, through libpq: one schema per project (pgschema.h), the
 * connected role as the reviewer, the server's privileges and row-level security deciding who
 * may read and write what. Every SQL value is a bound parameter. A connection belongs to the
 * thread that opened it, like an SqliteStore's.
 *
 * Implementation split by topic: pgstore.cpp (connecting, transactions, settings, items and
 * their labels), pgstoreteam.cpp (the team's roles), pgstorereviews.cpp (models, predictions, reviewers, reviews,
 * adjudications, assignments).
 */
class PgStore final : public Store
{
public:
    /**
     * Creates the project named by \a uri on its server; fails if it exists. Throws Error. With
     * \a inTransaction the creation is not committed: the store is returned inside its
     * transaction, and commit() or rollback() (or the connection ending) decides, so that
     * `push` creates and fills a project all or nothing.
     */
    static std::unique_ptr<PgStore> create(const QString &uri, bool inTransaction = false);
    /** Opens the project named by \a uri, migrating it unless \a readOnly. Throws Error. */
    static std::unique_ptr<PgStore> open(const QString &uri, bool readOnly = false);

    ~PgStore() override;
    PgStore(const PgStore &) = delete;
    PgStore &operator=(const PgStore &) = delete;

    const ServerLocation &serverLocation() const { return m_location; }
    PgConnection &connection() const { return *m_db; }

    QString location() const override { return m_location.display; }
    bool isReadOnly() const override { return m_readOnly; }
    QString sessionUser() const override { return m_user; }
    bool sessionIsLead() const override;
    QString sessionRefusal(const QString &action) const override;

    void begin() override;
    void commit() override;
    void rollback() override;
    bool beginRead() override;
    void endRead() override;

    QString meta(const QString &key) const override;
    void setMeta(const QString &key, const QString &value) override;

    QHash<QString, ItemKey> itemIndex() const override;
    ItemId addItem(const ItemRecord &item) override;
    void setOriginalLabel(ItemId item, int classIndex) override;
    void setImagePath(ItemId item, const QString &imagePath) override;
    std::optional<ItemRecord> item(ItemId id) const override;
    std::optional<ItemRecord> itemByFileName(const QString &fileName) const override;
    ItemId itemIdByFileName(const QString &fileName) const override;
    void forEachItem(const std::function<void(const ItemRecord &)> &visit) const override;

    QVector<LabelJudgement> judgements(ItemId item) const override;
    void replaceJudgements(ItemId item, const QVector<LabelJudgement> &judgements) override;
    void addJudgements(ItemId item, const QVector<LabelJudgement> &judgements) override;
    QHash<ItemId, QVector<LabelJudgement>> allJudgements() const override;

    std::optional<ProblematicInfo> problematic(ItemId item) const override;
    void setProblematic(ItemId item, const ProblematicInfo &info) override;
    QHash<ItemId, ProblematicInfo> allProblematic() const override;

    bool inImagenetM(ItemId item) const override;
    void addToImagenetM(ItemId item) override;
    QVector<ItemId> imagenetM() const override;

    std::optional<QVector<int>> realLabels(ItemId item) const override;
    void setRealLabels(ItemId item, const QVector<int> &classes) override;
    QHash<ItemId, QVector<int>> allRealLabels() const override;

    ModelId modelId(const QString &name, bool create) override;
    QVector<ModelRecord> models() const override;
    bool setPrediction(ItemId item, ModelId model, const QVector<ClassScore> &topk) override;
    QVector<ModelPrediction> predictions(ItemId item) const override;
    qint64 predictionCount(ModelId model) const override;
    QVector<PredictionSummary> predictionSummaries(ModelId model) const override;
    QHash<ModelId, QHash<ItemId, int>> allTop1() const override;

    ReviewerId reviewerId(const QString &name, bool create) override;
    QVector<ReviewerRecord> reviewers() const override;
    ReviewId appendReview(const ReviewRecord &review) override;
    std::optional<ReviewRecord> review(ReviewId id) const override;
    QVector<ReviewRecord> reviews(ItemId item) const override;
    void forEachReview(const std::function<void(const ReviewRecord &)> &visit) const override;
    QVector<ReviewRecord> allReviews() const override;
    ReviewRows reviewRows(Progress *progress = nullptr) const override;

    ReviewId reviewIdByUid(const QString &uid) const override;
    QHash<QString, ReviewId> reviewUids() const override;
    qint64 appendAdjudication(const AdjudicationRecord &adjudication) override;
    QVector<AdjudicationRecord> adjudications(ItemId item) const override;
    void forEachAdjudication(const std::function<void(const AdjudicationRecord &)> &visit) const override;
    QSet<QString> adjudicationUids() const override;

    void replaceAssignments(ModelId model, const QVector<AssignmentRecord> &assignments) override;
    QVector<AssignmentRecord> assignments() const override;

    ProjectCounts counts() const override;
    qint64 itemCount() const override;
    qint64 dataVersion() const override;
    bool isConnected() const override;
    qint64 assignmentsVersion() const override;

    // The team: roles granted the project's reviewer or lead role.
    struct Member
    {
        QString role;
        bool lead = false;
        bool canLogin = false;
    };
    QVector<Member> team() const;
    /** Grants \a role the reviewers' (or the leads') rights on the project. Throws Error. */
    void grant(const QString &role, bool lead);
    /** Takes every right on the project from \a role. Throws Error. */
    void revoke(const QString &role);

private:
    explicit PgStore(const ServerLocation &location, bool readOnly);
    void connect();
    void checkProject();
    void migrateIfNeeded();
    /** Reconnects when the connection broke between transactions (the server restarted). */
    void ensureConnected() const;
    QVector<ReviewRecord> readReviews(const char *where, const PgParams &params) const;
    /** Runs a statement after sending the rows buffered for COPY (so that it sees them). */
    PgResult q(std::string_view sql, const PgParams &params = {}, const char *what = nullptr) const;

    // Bulk writes. The first few rows of a kind in a transaction are inserted one statement
    // each (a verdict is one row); after kDirectRows the rest are buffered and sent with COPY
    // before the next statement and at commit: an import of 50,000 items is a few COPYs, not
    // 50,000 round trips. Ids are reserved from the table's sequence in blocks.
    static constexpr int kDirectRows = 32;
    struct Bulk
    {
        std::string items, judgements, predictions, reviews, reviewLabels;
        int direct[4] = {0, 0, 0, 0}; ///< rows written one by one this transaction: items, judgements, predictions, reviews
        QSet<QPair<ItemId, ModelId>> predictionKeys; ///< buffered (item, model): a second one flushes first
        bool empty() const
        {
            return items.empty() && judgements.empty() && predictions.empty() && reviews.empty() && reviewLabels.empty();
        }
    };
    void flushBulk() const;
    /** The next id of \a table's identity column from a reserved block. */
    qint64 reserveId(const char *table, std::vector<qint64> &pool) const;
    /** A model's predictions as stored (classes, scores) by item, read once per transaction for setPrediction(). */
    QHash<ItemId, QPair<std::string, std::string>> &storedPredictions(ModelId model);
    void endTransaction();
    qint64 count(const char *sql) const;

    ServerLocation m_location;
    std::unique_ptr<PgConnection> m_db;
    bool m_readOnly = false;
    bool m_inTransaction = false;
    QString m_user;
    mutable qint64 m_dataVersion = 0;
    mutable qint64 m_assignmentsVersion = 0;
    /** The settings, read once and again after a change is announced (a window reads them for every image). */
    mutable std::optional<QHash<QString, QString>> m_meta;
    /** Reads the notifications that arrived: counts them, and the assignments' apart. */
    void readNotifications() const;
    mutable Bulk m_bulk;
    mutable std::vector<qint64> m_itemIds;
    mutable std::vector<qint64> m_reviewIds;
    QHash<ModelId, QHash<ItemId, QPair<std::string, std::string>>> m_predictionCache;
    // Names never change their id and rows are never deleted: ids once found are kept (until a
    // rollback, which may take back a row this connection added).
    mutable QHash<QString, ModelId> m_modelIds;
    mutable QHash<QString, ReviewerId> m_reviewerIds;
    mutable QHash<QString, ItemId> m_itemIds_byName;
    int m_openedVersion = 0;
};

} // namespace bagel
