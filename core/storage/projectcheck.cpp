#include "projectcheck.h"

#include "error.h"
#include "sqliteschema.h"
#include "sqlitestore.h"

#include <QFileInfo>
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
    if (version != sqliteschema::kCurrentVersion)
        return report; // the rules below are those of the current schema

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
    return report;
}

} // namespace bagel
