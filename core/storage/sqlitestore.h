#pragma once

#include "store.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>
#include <unordered_map>

struct sqlite3;

namespace bagel {

namespace projectfiles {
class OpenNote;
}

/**
 * A project in one SQLite file (`*.bagel`), through Qt Sql's QSQLITE driver: WAL journal,
 * foreign keys on, full sync on commit, a busy timeout so that several processes can share
 * the file. The schema version lives in the `meta` table; opening an older file migrates it
 * in one transaction after a backup copy, and a newer or foreign file is refused untouched.
 * A connection belongs to the thread that opened it.
 *
 * Qt Sql opens the connection and runs the schema, settings and reads; the statements an
 * import repeats per row run as SqliteStatement on the same connection's sqlite3 handle.
 * The implementation is split by topic: sqlitestore.cpp (files, transactions),
 * sqlitestoreitems.cpp (items and their labels), sqlitestorereviews.cpp (models,
 * predictions, reviewers, reviews).
 */
class SqliteStatement;

class SqliteStore final : public Store
{
public:
    /** Creates a new project file; fails if \a path exists. */
    static std::unique_ptr<SqliteStore> create(const QString &path);
    /** Opens an existing project file, migrating it unless \a readOnly. */
    static std::unique_ptr<SqliteStore> open(const QString &path, bool readOnly = false);

    /** Throws Error unless \a path starts like a Bagel project (SQLite header, application id). */
    static void checkFileHeader(const QString &path);
    /**
     * For a read-only open of \a path: an `immutable` URI (the file read as it lies on disk,
     * making no write-ahead log or index beside it) when nobody has the project open and the
     * reader cannot or should not make those files: the folder is read-only, the file belongs
     * to another user (their files would block the owner), or the disk is full. Else empty
     * (open the file itself). Such a file is assumed not to change while it is read. Throws
     * Error when a journal holds changes it would skip.
     */
    static QString immutableUri(const QString &path);
    /** Why the file at \a path, or the folder its journal goes in, cannot be written (or the disk is full); empty if it can. */
    static QString whyReadOnly(const QString &path);
    /**
     * Copies the project file at \a from (with whatever its write-ahead log holds) to a new
     * file \a to, consistently even while another process writes to it. Throws Error.
     */
    static void snapshot(const QString &from, const QString &to);

    ~SqliteStore() override;
    SqliteStore(const SqliteStore &) = delete;
    SqliteStore &operator=(const SqliteStore &) = delete;

    /** The schema version the file had when it was opened (before any migration). */
    /** How long a write waits for another process's write lock before giving up. */
    static constexpr int kWriteLockWaitSeconds = 120;

    int openedSchemaVersion() const { return m_openedVersion; }
    /** The backup written before a migration, or empty. */
    const QString &migrationBackupPath() const { return m_backupPath; }

    QString location() const override { return m_path; }
    bool isReadOnly() const override { return m_readOnly; }

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

    /** The connection's native handle, for what the Store interface does not cover (tests, diagnostics). */
    sqlite3 *nativeHandle() const { return m_handle; }

private:
    SqliteStore(const QString &path, bool readOnly);
    void connect();
    int readSchemaVersion() const;
    void migrateIfNeeded();
    /** Throws Error when the file holds a trigger that is not one of Bagel's own (begin() asks whenever the schema changed). */
    void refuseForeignTriggers() const;
    /** Copies the database to \a preferredPath (or a free variant of it); returns the path used. */
    QString backUp(const QString &preferredPath) const;
    void exec(const QString &sql) const;
    /** A prepared Qt Sql statement, cached by its SQL text (which must be a string literal). */
    QSqlQuery &prepared(const char *sql) const;
    /** A prepared statement on the native handle, for the writes imports repeat per row. */
    SqliteStatement &native(const char *sql) const;
    [[noreturn]] void fail(const QSqlQuery &query, const QString &what) const;
    void execPrepared(QSqlQuery &query, const QString &what) const;
    qint64 countRows(const char *sql) const;
    /**
     * Held while a query reads a whole table once: the page cache shrinks to 2 MiB meanwhile.
     * A large one only costs memory there, and in a process that touches its memory for the
     * first time that cost was a fifth of the audit's reading. Does nothing in a transaction
     * that has written (its pages must stay).
     */
    class ScanCache
    {
    public:
        explicit ScanCache(const SqliteStore &store);
        ~ScanCache();
        ScanCache(const ScanCache &) = delete;
        ScanCache &operator=(const ScanCache &) = delete;

    private:
        sqlite3 *m_handle;
        bool m_active = false;
    };
    /** Now, as stored; fixed for the length of a transaction (formatting a time is not free). */
    QString now() const;
    QVector<ReviewRecord> readReviews(QSqlQuery &reviews, QSqlQuery &labels) const;

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_readOnly = false;
    qint64 m_triggersCheckedAt = -1; ///< the schema version refuseForeignTriggers() last passed on
    int m_openedVersion = 0;
    QString m_backupPath;
    QString m_now; ///< the time writes of the current transaction are stamped with
    sqlite3 *m_handle = nullptr;
    std::unique_ptr<projectfiles::OpenNote> m_openNote;
    mutable std::unordered_map<const char *, QSqlQuery> m_statements;
    mutable std::unordered_map<const char *, std::unique_ptr<SqliteStatement>> m_native;
};

/** A time as the project file stores it: ISO 8601, UTC, milliseconds (`2026-01-31T12:00:00.000Z`). */
QString toStorageTime(const QDateTime &time);
QDateTime fromStorageTime(const QString &text);
/** fromStorageTime() for UTF-8 text; the stored form (`2024-01-02T10:00:00.000Z`) without a detour through QString. */
QDateTime fromStorageTime(std::string_view text);

} // namespace bagel
