#include "projectcheck.h"

#include "project.h"

#include "error.h"
#include "sqliteschema.h"
#include "sqlitestore.h"

#include <QFileInfo>
#include <QHash>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QStringList>

#include <sqlite3.h>

#include <memory>

namespace bagel {

namespace {

using Level = CheckFinding::Level;

QString levelName(Level level)
{
    switch (level) {
    case Level::Ok:
        return QStringLiteral("ok");
    case Level::Warning:
        return QStringLiteral("warning");
    case Level::Error:
        return QStringLiteral("error");
    }
    return {};
}

/** A read-only connection of the check's own: the store would upgrade an old file. */
class Connection
{
public:
    explicit Connection(const QString &path)
    {
        sqlite3 *db = nullptr;
        // In a read-only folder, as the store opens it (an `immutable` URI); else the file itself.
        const QString uri = SqliteStore::immutableUri(path);
        const QString name = uri.isEmpty() ? QFileInfo(path).absoluteFilePath() : uri;
        const int rc = sqlite3_open_v2(name.toUtf8().constData(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
        m_db.reset(db);
        if (rc != SQLITE_OK)
            throw Error(QStringLiteral("cannot open: %1").arg(QString::fromUtf8(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc))));
        sqlite3_busy_timeout(db, 10000);
    }

    /** Every row of \a sql, its columns as text (NULL as empty). Throws Error. */
    QVector<QStringList> rows(const char *sql, int limit = -1) const
    {
        sqlite3_stmt *raw = nullptr;
        if (sqlite3_prepare_v2(m_db.get(), sql, -1, &raw, nullptr) != SQLITE_OK)
            throw Error(QString::fromUtf8(sqlite3_errmsg(m_db.get())));
        const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw, sqlite3_finalize);
        QVector<QStringList> out;
        int rc = SQLITE_ROW;
        while ((limit < 0 || out.size() < limit) && (rc = sqlite3_step(raw)) == SQLITE_ROW) {
            QStringList row;
            for (int c = 0; c < sqlite3_column_count(raw); ++c) {
                const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(raw, c));
                row << (text ? QString::fromUtf8(text) : QString());
            }
            out << row;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            throw Error(QString::fromUtf8(sqlite3_errmsg(m_db.get())));
        return out;
    }

    qint64 count(const char *sql) const
    {
        const QVector<QStringList> r = rows(sql, 1);
        return r.isEmpty() ? 0 : r.first().value(0).toLongLong();
    }

private:
    struct Close
    {
        void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
    };
    std::unique_ptr<sqlite3, Close> m_db;
};

/** What is wrong with a stored list of class indices (\a text), or empty. \a expected: its length, 0 for any. */
QString classListProblem(const QString &text, qsizetype expected)
{
    const auto parts = QStringView(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (expected > 0 && parts.size() != expected)
        return QStringLiteral("%1 classes for %2 scores").arg(parts.size()).arg(expected);
    for (const QStringView part : parts) {
        bool ok = false;
        const qint64 value = part.toLongLong(&ok);
        if (!ok || value < 0 || value >= 1000)
            return QStringLiteral("'%1' is not a class index").arg(part.left(20).toString());
    }
    return {};
}

QString predictionProblem(const QString &top1, const QString &classes, const QString &scores)
{
    const qsizetype scoreCount = QStringView(scores).split(QLatin1Char(' '), Qt::SkipEmptyParts).size();
    if (scoreCount == 0)
        return QStringLiteral("no classes");
    const QString problem = classListProblem(classes, scoreCount);
    if (!problem.isEmpty())
        return problem;
    if (QStringView(classes).split(QLatin1Char(' '), Qt::SkipEmptyParts).first() != top1)
        return QStringLiteral("top-1 column %1 is not the first class of the list").arg(top1);
    return {};
}

/** Up to five examples of \a rows, each row's columns joined. */
QString examples(const QVector<QStringList> &rows)
{
    QStringList out;
    for (const QStringList &row : rows.mid(0, 5))
        out << row.join(QLatin1Char(' '));
    return out.join(QLatin1String("; "));
}

} // namespace

int CheckReport::count(CheckFinding::Level level) const
{
    int n = 0;
    for (const CheckFinding &f : findings)
        n += f.level == level;
    return n;
}

QJsonObject CheckReport::toJson() const
{
    QJsonArray checks;
    for (const CheckFinding &f : findings) {
        checks.append(QJsonObject{{QStringLiteral("check"), f.check},
                                  {QStringLiteral("level"), levelName(f.level)},
                                  {QStringLiteral("message"), f.message}});
    }
    return QJsonObject{{QStringLiteral("path"), path},
                       {QStringLiteral("ok"), ok()},
                       {QStringLiteral("errors"), count(Level::Error)},
                       {QStringLiteral("warnings"), count(Level::Warning)},
                       {QStringLiteral("checks"), checks}};
}

CheckReport checkProject(const QString &path)
{
    CheckReport report;
    report.path = path;
    auto add = [&report](const char *check, Level level, const QString &message) {
        report.findings << CheckFinding{QString::fromLatin1(check), level, message};
    };

    try {
        SqliteStore::checkFileHeader(path);
        add("file", Level::Ok, QStringLiteral("an SQLite database marked as a Bagel project, %1 bytes").arg(QFileInfo(path).size()));
    } catch (const Error &e) {
        add("file", Level::Error, e.message());
        return report;
    }

    std::unique_ptr<Connection> db;
    try {
        db = std::make_unique<Connection>(path);
        db->rows("SELECT count(*) FROM sqlite_master");
    } catch (const Error &e) {
        add("open", Level::Error, e.message());
        return report;
    }

    // SQLite's own check: the b-trees, the indexes, and the NOT NULL, CHECK and UNIQUE constraints.
    try {
        const QVector<QStringList> problems = db->rows("PRAGMA integrity_check(100)");
        if (problems.size() == 1 && problems.first().value(0) == QLatin1String("ok"))
            add("integrity", Level::Ok, QStringLiteral("pages, indexes and constraints are sound"));
        else
            add("integrity", Level::Error, QStringLiteral("%1 problem(s): %2").arg(problems.size()).arg(examples(problems)));
    } catch (const Error &e) {
        add("integrity", Level::Error, e.message());
        return report; // a file this damaged answers nothing else reliably
    }

    try {
        const QVector<QStringList> broken = db->rows("PRAGMA foreign_key_check", 1000);
        if (broken.isEmpty())
            add("foreign-keys", Level::Ok, QStringLiteral("every reference names an existing row"));
        else
            add("foreign-keys", Level::Error,
                QStringLiteral("%1%2 row(s) refer to rows that do not exist (table, row, missing parent): %3")
                    .arg(broken.size() >= 1000 ? QStringLiteral("at least ") : QString())
                    .arg(broken.size())
                    .arg(examples(broken)));
    } catch (const Error &e) {
        add("foreign-keys", Level::Error, e.message());
    }

    int version = 0;
    try {
        const QVector<QStringList> v = db->rows("SELECT value FROM meta WHERE key = 'schema_version'");
        bool ok = false;
        version = v.isEmpty() ? 0 : v.first().value(0).toInt(&ok);
        if (!ok || version < 1)
            add("schema", Level::Error, QStringLiteral("no readable schema version in the meta table"));
        else if (version > sqliteschema::kCurrentVersion)
            add("schema", Level::Error,
                QStringLiteral("schema version %1 comes from a newer Bagel (this one reads up to %2); nothing else was checked")
                    .arg(version)
                    .arg(sqliteschema::kCurrentVersion));
        else if (version < sqliteschema::kCurrentVersion)
            add("schema", Level::Warning,
                QStringLiteral("schema version %1; opening the file for writing upgrades it to %2, after a backup copy")
                    .arg(version)
                    .arg(sqliteschema::kCurrentVersion));
        else
            add("schema", Level::Ok, QStringLiteral("schema version %1").arg(version));
    } catch (const Error &e) {
        add("schema", Level::Error, QStringLiteral("no meta table: %1").arg(e.message()));
    }
    if (version > 0 && version < sqliteschema::kCurrentVersion) {
        // Upgrade a scratch copy, as opening the file for writing would: a file that cannot be
        // upgraded cannot be worked on, which is an error, not a warning.
        QTemporaryDir scratch;
        try {
            if (!scratch.isValid())
                throw Error(QStringLiteral("cannot make a temporary folder: %1").arg(scratch.errorString()));
            const QString copy = scratch.filePath(QStringLiteral("upgrade-trial.bagel"));
            SqliteStore::snapshot(path, copy);
            SqliteStore::open(copy);
            add("upgrade", Level::Ok, QStringLiteral("a copy upgrades to schema version %1 cleanly").arg(sqliteschema::kCurrentVersion));
        } catch (const Error &e) {
            add("upgrade", Level::Error,
                QStringLiteral("cannot be upgraded to schema version %1: %2")
                    .arg(sqliteschema::kCurrentVersion)
                    .arg(QString(e.message()).replace(scratch.filePath(QStringLiteral("upgrade-trial.bagel")), path)));
        }
    }
    if (version != sqliteschema::kCurrentVersion)
        return report; // the rules below are those of the current schema

    try {
        // Every table, index and trigger Bagel makes, and nothing else: a foreign trigger runs
        // with every write (Bagel refuses to write to such a file), a foreign view or table is
        // at least a sign that someone changed the file behind Bagel's back.
        QHash<QString, sqliteschema::SchemaObject> expected;
        for (const sqliteschema::SchemaObject &o : sqliteschema::expectedSchema())
            expected.insert(o.type + QLatin1Char(' ') + o.name, o);
        QStringList foreign;
        QStringList changed;
        for (const QStringList &row : db->rows("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")) {
            const QString key = row.value(0) + QLatin1Char(' ') + row.value(1);
            const auto it = expected.constFind(key);
            if (it == expected.constEnd()) {
                if (!row.value(1).startsWith(QLatin1String("sqlite_stat"))) // ANALYZE's statistics are harmless
                    foreign << QStringLiteral("%1 on %2").arg(key, row.value(2));
                continue;
            }
            if (it->sql != sqliteschema::normalizedSql(row.value(3)))
                changed << key;
            expected.erase(it);
        }
        QStringList missing = expected.keys();
        missing.sort();
        if (foreign.isEmpty() && changed.isEmpty() && missing.isEmpty()) {
            add("schema-objects", Level::Ok, QStringLiteral("exactly Bagel's tables, indexes and triggers"));
        } else {
            QStringList problems;
            if (!foreign.isEmpty())
                problems << QStringLiteral("not Bagel's: %1").arg(foreign.join(QLatin1String(", ")));
            if (!changed.isEmpty())
                problems << QStringLiteral("changed: %1").arg(changed.join(QLatin1String(", ")));
            if (!missing.isEmpty())
                problems << QStringLiteral("missing: %1").arg(missing.join(QLatin1String(", ")));
            add("schema-objects", Level::Error, problems.join(QLatin1String("; ")));
        }
    } catch (const Error &e) {
        add("schema-objects", Level::Error, e.message());
    }

    try {
        // Every value Bagel's CHECK constraints allow, checked here row by row: SQLite's own
        // integrity_check skips CHECK constraints on a read-only connection, and a file written
        // with `PRAGMA ignore_check_constraints` may hold anything.
        struct Rule
        {
            const char *column;
            const char *sql; ///< the offending rows: where, value
        };
        static const Rule rules[] = {
            {"items.original_label",
             "SELECT file_name, original_label FROM items WHERE original_label IS NOT NULL "
             "AND NOT (typeof(original_label) = 'integer' AND original_label BETWEEN 0 AND 999)"},
            {"judgements.class_index",
             "SELECT i.file_name, j.class_index FROM judgements j LEFT JOIN items i ON i.id = j.item_id "
             "WHERE NOT (typeof(j.class_index) = 'integer' AND j.class_index BETWEEN 0 AND 999)"},
            {"judgements.judgement",
             "SELECT i.file_name, j.judgement FROM judgements j LEFT JOIN items i ON i.id = j.item_id "
             "WHERE j.judgement IS NOT 'correct' AND j.judgement IS NOT 'wrong' AND j.judgement IS NOT 'unclear'"},
            {"predictions.top1",
             "SELECT i.file_name, p.top1 FROM predictions p LEFT JOIN items i ON i.id = p.item_id "
             "WHERE NOT (typeof(p.top1) = 'integer' AND p.top1 BETWEEN 0 AND 999)"},
            {"review_labels.class_index",
             "SELECT 'review ' || review_id, class_index FROM review_labels "
             "WHERE NOT (typeof(class_index) = 'integer' AND class_index BETWEEN 0 AND 999)"},
            {"review_labels.edit",
             "SELECT 'review ' || review_id, edit FROM review_labels WHERE edit IS NOT 'correct' AND edit IS NOT 'wrong' "
             "AND edit IS NOT 'unclear' AND edit IS NOT 'remove'"},
            {"reviews.verdict",
             "SELECT 'review ' || id, verdict FROM reviews WHERE verdict IS NOT NULL AND verdict NOT IN "
             "('correct', 'wrong', 'unclear', 'problematic')"},
            {"reviews.category",
             "SELECT 'review ' || id, category FROM reviews WHERE category IS NOT NULL AND category NOT IN "
             "('fine-grained', 'fine-grained-oov', 'spurious-correlation', 'non-prototypical', 'other')"},
            {"reviews.severity",
             "SELECT 'review ' || id, severity FROM reviews WHERE severity IS NOT NULL AND severity NOT IN "
             "('major', 'minor', 'borderline')"},
            {"reviews.spurious_kind",
             "SELECT 'review ' || id, spurious_kind FROM reviews WHERE spurious_kind IS NOT NULL AND spurious_kind NOT IN "
             "('over-reliance-on-context', 'lack-of-context')"},
            {"reviews.oov_wnid", "SELECT 'review ' || id, oov_wnid FROM reviews WHERE oov_wnid IS NOT NULL AND length(oov_wnid) != 9"},
            {"adjudications.verdict",
             "SELECT 'adjudication ' || id, verdict FROM adjudications WHERE verdict IS NOT NULL AND verdict NOT IN "
             "('correct', 'wrong', 'unclear', 'problematic')"},
            {"adjudications.category",
             "SELECT 'adjudication ' || id, category FROM adjudications WHERE category IS NOT NULL AND category NOT IN "
             "('fine-grained', 'fine-grained-oov', 'spurious-correlation', 'non-prototypical', 'other')"},
            {"adjudications.severity",
             "SELECT 'adjudication ' || id, severity FROM adjudications WHERE severity IS NOT NULL AND severity NOT IN "
             "('major', 'minor', 'borderline')"},
            {"adjudications.gold", "SELECT 'adjudication ' || id, gold FROM adjudications WHERE gold IS NOT 0 AND gold IS NOT 1"},
        };
        QStringList broken;
        for (const Rule &rule : rules) {
            const QVector<QStringList> rows = db->rows(rule.sql, 3);
            if (!rows.isEmpty())
                broken << QStringLiteral("%1 (%2)").arg(QLatin1String(rule.column), examples(rows));
        }
        if (broken.isEmpty())
            add("values", Level::Ok, QStringLiteral("every class index, verdict, category and severity is one Bagel writes"));
        else
            add("values", Level::Error,
                QStringLiteral("values that break the schema's CHECK constraints: %1").arg(broken.join(QLatin1String("; "))));
    } catch (const Error &e) {
        add("values", Level::Error, e.message());
    }

    try {
        // The class lists are text; each must be 1..1000 class indices, as many scores, the
        // first one the top-1 column.
        QStringList bad;
        qint64 badCount = 0;
        for (const QStringList &row :
             db->rows("SELECT i.file_name, m.name, p.top1, p.classes, p.scores FROM predictions p "
                      "LEFT JOIN items i ON i.id = p.item_id LEFT JOIN models m ON m.id = p.model_id")) {
            const QString problem = predictionProblem(row.value(2), row.value(3), row.value(4));
            if (problem.isEmpty())
                continue;
            if (++badCount <= 5)
                bad << QStringLiteral("%1 by %2: %3").arg(row.value(0), row.value(1), problem);
        }
        for (const QStringList &row : db->rows("SELECT i.file_name, r.classes FROM real_labels r LEFT JOIN items i ON i.id = r.item_id")) {
            const QString problem = classListProblem(row.value(1), 0);
            if (problem.isEmpty())
                continue;
            if (++badCount <= 5)
                bad << QStringLiteral("ReaL labels of %1: %2").arg(row.value(0), problem);
        }
        if (badCount == 0)
            add("class-lists", Level::Ok, QStringLiteral("every prediction and ReaL label list names valid classes"));
        else
            add("class-lists", Level::Error,
                QStringLiteral("%1 malformed class list(s): %2").arg(badCount).arg(bad.join(QLatin1String("; "))));

        const qint64 noUid = db->count("SELECT count(*) FROM reviews WHERE uid IS NULL OR uid = ''");
        const qint64 duplicateUids = db->count("SELECT count(*) FROM (SELECT uid FROM reviews WHERE uid IS NOT NULL "
                                               "GROUP BY uid HAVING count(*) > 1)");
        if (noUid == 0 && duplicateUids == 0)
            add("uids", Level::Ok, QStringLiteral("every review has a uid of its own"));
        else
            add("uids", Level::Error,
                QStringLiteral("%1 review(s) without a uid, %2 uid(s) shared by several reviews; merging would "
                               "duplicate or lose them")
                    .arg(noUid)
                    .arg(duplicateUids));
    } catch (const Error &e) {
        add("class-lists", Level::Error, e.message());
    }

    try {
        const QVector<QStringList> triggers = db->rows("SELECT name FROM sqlite_master WHERE type = 'trigger'");
        QStringList present;
        for (const QStringList &t : triggers)
            present << t.value(0);
        QStringList missing;
        for (const char *name : {"reviews_append_only_update", "reviews_append_only_delete", "review_labels_append_only_update",
                                 "review_labels_append_only_delete", "adjudications_append_only_update",
                                 "adjudications_append_only_delete"}) {
            if (!present.contains(QLatin1String(name)))
                missing << QLatin1String(name);
        }
        if (missing.isEmpty())
            add("append-only", Level::Ok, QStringLiteral("reviews, their label edits and adjudications cannot be changed or deleted"));
        else
            add("append-only", Level::Error,
                QStringLiteral("trigger(s) missing, so the history could be rewritten: %1").arg(missing.join(QLatin1String(", "))));

        const QVector<QStringList> badRetractions = db->rows(
            "SELECT r.id, r.retracts FROM reviews r LEFT JOIN reviews o ON o.id = r.retracts "
            "WHERE r.retracts IS NOT NULL AND (o.id IS NULL OR o.item_id != r.item_id OR o.reviewer_id != r.reviewer_id "
            "OR o.retracts IS NOT NULL OR o.id >= r.id)",
            100);
        if (badRetractions.isEmpty())
            add("undo", Level::Ok, QStringLiteral("every undo names an earlier review of the same item and reviewer"));
        else
            add("undo", Level::Error,
                QStringLiteral("%1%2 undo record(s) name no earlier review of their item and reviewer (undo, review): %3")
                    .arg(badRetractions.size() >= 100 ? QStringLiteral("at least ") : QString())
                    .arg(badRetractions.size())
                    .arg(examples(badRetractions)));

        const qint64 unjudged = db->count(
            "SELECT count(*) FROM reviews r WHERE r.verdict IS NOT NULL AND r.verdict != 'problematic' AND r.model_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.item_id = r.item_id AND p.model_id = r.model_id)");
        if (unjudged == 0)
            add("verdicts", Level::Ok, QStringLiteral("every verdict judges a prediction the project has"));
        else
            add("verdicts", Level::Warning,
                QStringLiteral("%1 verdict(s) judge a model on an item it has no prediction for; reports leave them out").arg(unjudged));

        const QVector<QStringList> badTimes = db->rows(
            "SELECT 'review', id, created_at FROM reviews WHERE created_at NOT GLOB "
            "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*' "
            "UNION ALL SELECT 'adjudication', id, created_at FROM adjudications WHERE created_at NOT GLOB "
            "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*'",
            100);
        if (badTimes.isEmpty())
            add("times", Level::Ok, QStringLiteral("every review and adjudication has a readable time"));
        else
            add("times", Level::Error,
                QStringLiteral("%1%2 record(s) with an unreadable time: %3")
                    .arg(badTimes.size() >= 100 ? QStringLiteral("at least ") : QString())
                    .arg(badTimes.size())
                    .arg(examples(badTimes)));
    } catch (const Error &e) {
        add("consistency", Level::Error, e.message());
    }

    try {
        // The leads: a JSON array of usable names. A list that cannot be read refuses every
        // adjudication until the leads are named again.
        const QVector<QStringList> stored = db->rows("SELECT value FROM meta WHERE key = 'leads'");
        QString problem;
        const QStringList leads = parseLeads(stored.isEmpty() ? QString() : stored.first().value(0), &problem);
        if (!problem.isEmpty())
            add("leads", Level::Error,
                QStringLiteral("%1; nobody may adjudicate until the leads are named again (bagel-cli leads --add)").arg(problem));
        else if (leads.isEmpty())
            add("leads", Level::Ok, QStringLiteral("no leads named: anyone may adjudicate"));
        else
            add("leads", Level::Ok, QStringLiteral("leads: %1").arg(leads.join(QLatin1String(", "))));
    } catch (const Error &e) {
        add("leads", Level::Error, e.message());
    }
    return report;
}

} // namespace bagel
