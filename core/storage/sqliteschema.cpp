#include "sqliteschema.h"

#include "error.h"
#include "uid.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVector>

namespace bagel::sqliteschema {

namespace {

// The SQL sticks to what PostgreSQL also accepts (INTEGER/TEXT/REAL, CHECK, REFERENCES,
// ON CONFLICT) except where noted; classes are stored as ImageNet-1k class indices (0..999).
// CHECKs spell out `a = 'x' OR a = 'y'` rather than `a IN ('x', 'y')`: SQLite evaluates an
// IN list through a temporary b-tree built per statement, which made bulk inserts 3× slower.

const char *const kVersion1[] = {
    R"(CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL))",
    R"(CREATE TABLE items (
        id             INTEGER PRIMARY KEY,
        file_name      TEXT NOT NULL UNIQUE,
        image_path     TEXT NOT NULL,
        original_label INTEGER CHECK (original_label IS NULL OR (original_label >= 0 AND original_label < 1000)),
        added_at       TEXT NOT NULL))",
    R"(CREATE TABLE judgements (
        item_id     INTEGER NOT NULL REFERENCES items(id),
        class_index INTEGER NOT NULL CHECK (class_index >= 0 AND class_index < 1000),
        judgement   TEXT NOT NULL CHECK (judgement = 'correct' OR judgement = 'wrong' OR judgement = 'unclear'),
        PRIMARY KEY (item_id, class_index)))",
    R"(CREATE TABLE problematic (
        item_id         INTEGER PRIMARY KEY REFERENCES items(id),
        reason          TEXT NOT NULL,
        reviewer        TEXT NOT NULL,
        server_username TEXT NOT NULL,
        time_marked     TEXT NOT NULL,
        time_reviewed   TEXT NOT NULL))",
    R"(CREATE TABLE models (
        id       INTEGER PRIMARY KEY,
        name     TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL))",
    // One row per (item, model): the top-k as space-separated class indices and scores, best
    // first (`nan` for an unknown score), with the top-1 and the top-1/top-2 margin in columns
    // for filtering and sorting.
    R"(CREATE TABLE predictions (
        item_id    INTEGER NOT NULL REFERENCES items(id),
        model_id   INTEGER NOT NULL REFERENCES models(id),
        top1       INTEGER NOT NULL CHECK (top1 >= 0 AND top1 < 1000),
        top1_score REAL,
        margin     REAL,
        classes    TEXT NOT NULL,
        scores     TEXT NOT NULL,
        PRIMARY KEY (item_id, model_id)))",
    R"(CREATE TABLE reviewers (
        id       INTEGER PRIMARY KEY,
        name     TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL))",
    R"(CREATE TABLE reviews (
        id            INTEGER PRIMARY KEY,
        item_id       INTEGER NOT NULL REFERENCES items(id),
        model_id      INTEGER REFERENCES models(id),
        reviewer_id   INTEGER NOT NULL REFERENCES reviewers(id),
        created_at    TEXT NOT NULL,
        verdict       TEXT CHECK (verdict IS NULL OR verdict = 'correct' OR verdict = 'wrong'
                          OR verdict = 'unclear' OR verdict = 'problematic'),
        category      TEXT CHECK (category IS NULL OR category = 'fine-grained' OR category = 'fine-grained-oov'
                          OR category = 'spurious-correlation' OR category = 'non-prototypical'
                          OR category = 'other'),
        severity      TEXT CHECK (severity IS NULL OR severity = 'major' OR severity = 'minor' OR severity = 'borderline'),
        note          TEXT NOT NULL DEFAULT '',
        source        TEXT NOT NULL DEFAULT 'bagel'))",
    "CREATE INDEX reviews_by_item ON reviews (item_id, id)",

};

const char *const kReviewsAppendOnlyUpdate = R"(CREATE TRIGGER reviews_append_only_update BEFORE UPDATE ON reviews
       BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END)";

// Version 2: label edits on reviews, the spurious-correlation kind, ImageNet-M and ReaL
// labels, and append-only enforcement of the review history.
const char *const kVersion2[] = {
    "ALTER TABLE reviews ADD COLUMN spurious_kind TEXT CHECK (spurious_kind IS NULL OR "
    "spurious_kind = 'over-reliance-on-context' OR spurious_kind = 'lack-of-context')",
    R"(CREATE TABLE review_labels (
        review_id   INTEGER NOT NULL REFERENCES reviews(id),
        class_index INTEGER NOT NULL CHECK (class_index >= 0 AND class_index < 1000),
        edit        TEXT NOT NULL CHECK (edit = 'correct' OR edit = 'wrong' OR edit = 'unclear' OR edit = 'remove'),
        PRIMARY KEY (review_id, class_index)))",
    R"(CREATE TABLE imagenet_m (
        item_id INTEGER PRIMARY KEY REFERENCES items(id)))",
    R"(CREATE TABLE real_labels (
        item_id INTEGER PRIMARY KEY REFERENCES items(id),
        classes TEXT NOT NULL))",
    // SQLite trigger syntax; PostgreSQL would use a rule or a trigger function.
    kReviewsAppendOnlyUpdate,
    R"(CREATE TRIGGER reviews_append_only_delete BEFORE DELETE ON reviews
       BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END)",
    R"(CREATE TRIGGER review_labels_append_only_update BEFORE UPDATE ON review_labels
       BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END)",
    R"(CREATE TRIGGER review_labels_append_only_delete BEFORE DELETE ON review_labels
       BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END)",
};

// Version 3: undo. A review can retract an earlier one (the reviewer's Ctrl+Z); the history
// keeps both, and the derived state ignores the pair.
const char *const kVersion3[] = {
    "ALTER TABLE reviews ADD COLUMN retracts INTEGER REFERENCES reviews(id)",
};

// Version 4: the true object of a fine-grained out-of-vocabulary mistake, as a WordNet noun
// synset that need not be one of the 1000 classes.
const char *const kVersion4[] = {
    "ALTER TABLE reviews ADD COLUMN oov_wnid TEXT CHECK (oov_wnid IS NULL OR length(oov_wnid) = 9)",
};

// Version 5: several reviewers. Every review gets a globally unique id, so that merging
// another reviewer's project file can tell which reviews it already has; a lead's
// adjudications (the final verdict on a unit, with a reason, optionally as a gold unit) are a
// second append-only history.
const char *const kVersion5[] = {
    "ALTER TABLE reviews ADD COLUMN uid TEXT",
    R"(CREATE TABLE adjudications (
        id          INTEGER PRIMARY KEY,
        uid         TEXT NOT NULL UNIQUE,
        item_id     INTEGER NOT NULL REFERENCES items(id),
        model_id    INTEGER REFERENCES models(id),
        lead_id     INTEGER NOT NULL REFERENCES reviewers(id),
        created_at  TEXT NOT NULL,
        verdict     TEXT CHECK (verdict IS NULL OR verdict = 'correct' OR verdict = 'wrong'
                        OR verdict = 'unclear' OR verdict = 'problematic'),
        category    TEXT CHECK (category IS NULL OR category = 'fine-grained' OR category = 'fine-grained-oov'
                        OR category = 'spurious-correlation' OR category = 'non-prototypical'
                        OR category = 'other'),
        severity    TEXT CHECK (severity IS NULL OR severity = 'major' OR severity = 'minor' OR severity = 'borderline'),
        gold        INTEGER NOT NULL DEFAULT 0 CHECK (gold = 0 OR gold = 1),
        reason      TEXT NOT NULL))",
    "CREATE INDEX adjudications_by_item ON adjudications (item_id, id)",
    R"(CREATE TRIGGER adjudications_append_only_update BEFORE UPDATE ON adjudications
       BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END)",
    R"(CREATE TRIGGER adjudications_append_only_delete BEFORE DELETE ON adjudications
       BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END)",
};

// Version 6: assignments. A lead hands out a model's units so that each gets K reviewers; the
// current hand-out of a model replaces the previous one (this table is not a history).
const char *const kVersion6[] = {
    R"(CREATE TABLE assignments (
        item_id     INTEGER NOT NULL REFERENCES items(id),
        model_id    INTEGER NOT NULL REFERENCES models(id),
        reviewer_id INTEGER NOT NULL REFERENCES reviewers(id),
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (model_id, item_id, reviewer_id)))",
    "CREATE INDEX assignments_by_reviewer ON assignments (reviewer_id, model_id)",
};

template<std::size_t N>
void run(QSqlDatabase &db, int version, const char *const (&statements)[N])
{
    for (const char *sql : statements) {
        QSqlQuery query(db);
        if (!query.exec(QString::fromUtf8(sql))) {
            throw Error(QStringLiteral("schema migration to version %1 failed: %2")
                            .arg(version)
                            .arg(query.lastError().text()));
        }
    }
}

/**
 * Gives every review written before version 5 its uid. The uid is derived from what the review
 * says and its position in the history, so two copies of one project file upgraded apart give
 * their common reviews the same uids and merging them later adds nothing twice.
 */
void assignLegacyUids(QSqlDatabase &db)
{
    auto exec = [&db](const QString &sql) {
        QSqlQuery query(db);
        if (!query.exec(sql))
            throw Error(QStringLiteral("schema migration to version 5 failed: %1").arg(query.lastError().text()));
    };
    exec(QStringLiteral("DROP TRIGGER reviews_append_only_update"));
    QSqlQuery select(db);
    select.setForwardOnly(true);
    if (!select.exec(QStringLiteral(
            "SELECT r.id, i.file_name, COALESCE(m.name, ''), v.name, r.created_at, COALESCE(r.verdict, ''), "
            "COALESCE(r.category, ''), COALESCE(r.severity, ''), r.note, r.source, COALESCE(r.retracts, 0) "
            "FROM reviews r JOIN items i ON i.id = r.item_id JOIN reviewers v ON v.id = r.reviewer_id "
            "LEFT JOIN models m ON m.id = r.model_id ORDER BY r.id")))
        throw Error(QStringLiteral("schema migration to version 5 failed: %1").arg(select.lastError().text()));
    QVector<QPair<qint64, QString>> uids;
    while (select.next()) {
        QStringList parts;
        for (int column = 0; column < 11; ++column)
            parts << select.value(column).toString();
        uids.append({select.value(0).toLongLong(), legacyUid(parts)});
    }
    QSqlQuery update(db);
    update.prepare(QStringLiteral("UPDATE reviews SET uid = ? WHERE id = ?"));
    for (const auto &[id, uid] : uids) {
        update.bindValue(0, uid);
        update.bindValue(1, id);
        if (!update.exec())
            throw Error(QStringLiteral("schema migration to version 5 failed: %1").arg(update.lastError().text()));
    }
    exec(QStringLiteral("CREATE UNIQUE INDEX reviews_by_uid ON reviews (uid)"));
    exec(QString::fromUtf8(kReviewsAppendOnlyUpdate));
}

} // namespace

QString legacyUid(const QStringList &parts)
{
    return derivedUid("bagel-review-v4", parts);
}

QString normalizedSql(const QString &sql)
{
    return sql.simplified();
}

const QVector<SchemaObject> &expectedSchema()
{
    static const QVector<SchemaObject> objects = [] {
        QVector<SchemaObject> out;
        const QString name = QStringLiteral("bagel-expected-schema");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(QStringLiteral(":memory:"));
            if (!db.open())
                throw Error(QStringLiteral("cannot open an in-memory database: %1").arg(db.lastError().text()));
            migrate(db, 0, kCurrentVersion);
            QSqlQuery q(db);
            q.exec(QStringLiteral("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"));
            while (q.next())
                out << SchemaObject{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                                    normalizedSql(q.value(3).toString())};
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return out;
    }();
    return objects;
}

void migrate(QSqlDatabase &db, int from, int to)
{
    if (from < 1 && to >= 1)
        run(db, 1, kVersion1);
    if (from < 2 && to >= 2)
        run(db, 2, kVersion2);
    if (from < 3 && to >= 3)
        run(db, 3, kVersion3);
    if (from < 4 && to >= 4)
        run(db, 4, kVersion4);
    if (from < 5 && to >= 5) {
        run(db, 5, kVersion5);
        assignLegacyUids(db);
    }
    if (from < 6 && to >= 6)
        run(db, 6, kVersion6);

    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    query.addBindValue(QString::number(to));
    if (!query.exec())
        throw Error(QStringLiteral("cannot record schema version %1: %2").arg(to).arg(query.lastError().text()));
}

} // namespace bagel::sqliteschema
