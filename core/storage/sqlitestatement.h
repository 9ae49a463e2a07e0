#pragma once

#include <QString>

#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace bagel {

/**
 * A prepared statement on the sqlite3 handle under a QSQLITE connection (QSqlDriver::handle()).
 * SqliteStore uses it for the statements an import runs a hundred thousand times: binding
 * through QSqlQuery costs several microseconds per value, this costs tens of nanoseconds.
 * Methods throw Error with SQLite's message.
 */
class SqliteStatement
{
public:
    SqliteStatement(sqlite3 *db, const char *sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    // Parameters are numbered from 1, as in SQLite.
    void bind(int index, qint64 value);
    void bind(int index, double value); ///< a non-finite value binds NULL
    void bind(int index, std::string_view utf8);
    void bind(int index, const QString &text);
    void bindNull(int index);

    /** Runs to the next row: true when there is one, false when done. */
    bool step();
    /** Runs a statement that returns no rows, then resets it. */
    void run();
    void reset();

    int changes() const;
    qint64 lastInsertId() const;

    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    /** The column's UTF-8 bytes, valid until the next step() or reset(). */
    std::string_view utf8(int column) const;
    bool isNull(int column) const;

private:
    [[noreturn]] void fail() const;

    sqlite3 *m_db;
    sqlite3_stmt *m_statement = nullptr;
    const char *m_sql;
};

} // namespace bagel
