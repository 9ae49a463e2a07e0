#pragma once

#include "error.h"

#include <QString>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace bagel {

/** An error the server reported, with its SQLSTATE (`42501`: no rights; `08…`: the connection). */
class PgError : public Error
{
public:
    PgError(const QString &message, QString sqlState, bool connectionLost)
        : Error(message)
        , m_sqlState(std::move(sqlState))
        , m_connectionLost(connectionLost)
    {
    }
    const QString &sqlState() const { return m_sqlState; }
    /** The connection broke (server restarted, network gone): the statement may not have run. */
    bool connectionLost() const { return m_connectionLost; }

private:
    QString m_sqlState;
    bool m_connectionLost;
};

/** A statement's parameters, all sent as text: every value a bound parameter, never SQL. */
class PgParams
{
public:
    PgParams &add(const QString &text);
    PgParams &add(std::string_view utf8);
    PgParams &add(const char *utf8) { return add(std::string_view(utf8)); }
    PgParams &add(qint64 value);
    PgParams &add(int value) { return add(qint64(value)); }
    PgParams &add(double value); ///< NaN and infinities go as NULL
    PgParams &add(bool value);
    PgParams &addNull();
    /** A null for 0 (an id that names nothing), else the number. */
    PgParams &addId(qint64 id) { return id ? add(id) : addNull(); }
    /** A null for an empty text. */
    PgParams &addText(const QString &text) { return text.isEmpty() ? addNull() : add(text); }

    int size() const { return int(m_values.size()); }
    std::vector<const char *> pointers() const;

private:
    std::vector<std::string> m_values;
    std::vector<bool> m_null;
};

/** A statement's result rows, read as text. */
class PgResult
{
public:
    explicit PgResult(pg_result *result = nullptr);
    ~PgResult();
    PgResult(PgResult &&other) noexcept;
    PgResult &operator=(PgResult &&other) noexcept;
    PgResult(const PgResult &) = delete;
    PgResult &operator=(const PgResult &) = delete;

    int rows() const;
    bool isNull(int row, int column) const;
    std::string_view utf8(int row, int column) const;
    QString text(int row, int column) const;
    qint64 int64(int row, int column) const; ///< 0 for NULL
    double real(int row, int column) const;  ///< NaN for NULL
    bool boolean(int row, int column) const;
    /** Rows the statement changed (INSERT, UPDATE, DELETE). */
    qint64 affected() const;

private:
    pg_result *m_result;
};

/**
 * One libpq connection. Statements run with PQexecParams (text parameters); errors throw
 * PgError naming the server (without its password) and what was being done. Not thread-safe:
 * a connection belongs to the thread that uses it, like an SQLite one.
 */
class PgConnection
{
public:
    /** Connects; throws Error with one clear line (refused, wrong password, no such database). */
    PgConnection(const QString &conninfo, const QString &display);
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    const QString &display() const { return m_display; }

    PgResult exec(std::string_view sql, const PgParams &params = {}, const char *what = nullptr) const;
    /** Runs statements without parameters (several may be separated by `;`). */
    void run(std::string_view sql, const char *what = nullptr) const;
    /** Sends \a data (COPY text format) through `COPY … FROM STDIN`. */
    void copyIn(std::string_view copySql, const std::string &data, const char *what) const;

    /** Whether the connection is known to be broken. */
    bool isBroken() const;
    /** Connects again after the server went away; returns false (and stays broken) when it cannot yet. */
    bool reconnect();

    /** The socket to watch for notifications (LISTEN), or -1. */
    int socket() const;
    /** Reads what arrived on the socket and returns the channels notified since the last call. */
    std::vector<std::pair<QString, QString>> takeNotifications();

    /** Quotes \a name as an SQL identifier. */
    std::string identifier(const QString &name) const;

    pg_conn *handle() const { return m_conn; }

private:
    [[noreturn]] void fail(pg_result *result, const char *what, std::string_view sql) const;

    QString m_conninfo;
    QString m_display;
    pg_conn *m_conn = nullptr;
};

/** Escapes \a text for COPY's text format (backslash, tab, newline, carriage return). */
void appendCopyText(std::string &out, std::string_view text);

} // namespace bagel
