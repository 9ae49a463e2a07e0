#include "sqlitestatement.h"

#include "error.h"

#include <sqlite3.h>

#include <cmath>

namespace bagel {

SqliteStatement::SqliteStatement(sqlite3 *db, const char *sql)
    : m_db(db)
    , m_sql(sql)
{
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK)
        fail();
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::fail() const
{
    throw Error(QStringLiteral("database error: %1 (in: %2)")
                    .arg(QString::fromUtf8(sqlite3_errmsg(m_db)), QString::fromUtf8(m_sql).simplified()));
}

void SqliteStatement::bind(int index, qint64 value)
{
    if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK)
        fail();
}

void SqliteStatement::bind(int index, double value)
{
    const int rc = std::isfinite(value) ? sqlite3_bind_double(m_statement, index, value)
                                        : sqlite3_bind_null(m_statement, index);
    if (rc != SQLITE_OK)
        fail();
}

void SqliteStatement::bind(int index, std::string_view utf8)
{
    if (sqlite3_bind_text(m_statement, index, utf8.data(), int(utf8.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail();
}

void SqliteStatement::bind(int index, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    bind(index, std::string_view(utf8.constData(), std::size_t(utf8.size())));
}

void SqliteStatement::bindNull(int index)
{
    if (sqlite3_bind_null(m_statement, index) != SQLITE_OK)
        fail();
}

bool SqliteStatement::step()
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const QString message = QString::fromUtf8(sqlite3_errmsg(m_db));
    sqlite3_reset(m_statement);
    throw Error(QStringLiteral("database error: %1 (in: %2)").arg(message, QString::fromUtf8(m_sql).simplified()));
}

void SqliteStatement::run()
{
    while (step()) {
    }
    reset();
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
}

int SqliteStatement::changes() const
{
    return sqlite3_changes(m_db);
}

qint64 SqliteStatement::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

double SqliteStatement::real(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

QString SqliteStatement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(data, sqlite3_column_bytes(m_statement, column));
}

std::string_view SqliteStatement::utf8(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return data ? std::string_view(data, std::size_t(sqlite3_column_bytes(m_statement, column))) : std::string_view();
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

} // namespace bagel
