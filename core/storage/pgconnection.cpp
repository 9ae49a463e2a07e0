#include "pgconnection.h"

#include <QStringList>

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

namespace bagel {

namespace {

/** libpq's message as one line: "FATAL:  " and the hints on further lines folded in. */
QString oneLine(const char *message)
{
    QString text = QString::fromUtf8(message).trimmed();
    text.replace(QLatin1String("FATAL:  "), QString());
    text.replace(QLatin1String("ERROR:  "), QString());
    QStringList lines;
    for (const QString &line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        lines << line.trimmed();
    return lines.join(QLatin1String("; "));
}

} // namespace

// ---------------------------------------------------------------------------------------------

namespace {

/** PostgreSQL's text cannot hold NUL: refuse it rather than store the text cut short. */
void refuseNul(std::string_view utf8)
{
    if (utf8.find('\0') != std::string_view::npos) {
        QString shown = QString::fromUtf8(utf8.data(), qsizetype(std::min<std::size_t>(utf8.size(), 60)));
        shown.replace(QChar(0), QLatin1String("\\0"));
        throw Error(QStringLiteral("the text '%1' holds a NUL character, which a PostgreSQL server cannot store; nothing was written")
                        .arg(shown));
    }
}

} // namespace

PgParams &PgParams::add(const QString &text)
{
    m_values.push_back(text.toStdString());
    refuseNul(m_values.back());
    m_null.push_back(false);
    return *this;
}

PgParams &PgParams::add(std::string_view utf8)
{
    refuseNul(utf8);
    m_values.emplace_back(utf8);
    m_null.push_back(false);
    return *this;
}

PgParams &PgParams::add(qint64 value)
{
    m_values.push_back(std::to_string(value));
    m_null.push_back(false);
    return *this;
}

PgParams &PgParams::add(double value)
{
    if (!std::isfinite(value))
        return addNull();
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    m_values.emplace_back(buffer, ec == std::errc() ? end : buffer);
    m_null.push_back(false);
    return *this;
}

PgParams &PgParams::add(bool value)
{
    m_values.emplace_back(value ? "true" : "false");
    m_null.push_back(false);
    return *this;
}

PgParams &PgParams::addNull()
{
    m_values.emplace_back();
    m_null.push_back(true);
    return *this;
}

std::vector<const char *> PgParams::pointers() const
{
    std::vector<const char *> out;
    out.reserve(m_values.size());
    for (std::size_t i = 0; i < m_values.size(); ++i)
        out.push_back(m_null[i] ? nullptr : m_values[i].c_str());
    return out;
}

// ---------------------------------------------------------------------------------------------

PgResult::PgResult(pg_result *result)
    : m_result(result)
{
}

PgResult::~PgResult()
{
    if (m_result)
        PQclear(m_result);
}

PgResult::PgResult(PgResult &&other) noexcept
    : m_result(std::exchange(other.m_result, nullptr))
{
}

PgResult &PgResult::operator=(PgResult &&other) noexcept
{
    if (this != &other) {
        if (m_result)
            PQclear(m_result);
        m_result = std::exchange(other.m_result, nullptr);
    }
    return *this;
}

int PgResult::rows() const
{
    return m_result ? PQntuples(m_result) : 0;
}

bool PgResult::isNull(int row, int column) const
{
    return PQgetisnull(m_result, row, column) != 0;
}

std::string_view PgResult::utf8(int row, int column) const
{
    return {PQgetvalue(m_result, row, column), std::size_t(PQgetlength(m_result, row, column))};
}

QString PgResult::text(int row, int column) const
{
    const std::string_view v = utf8(row, column);
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

qint64 PgResult::int64(int row, int column) const
{
    const std::string_view v = utf8(row, column);
    qint64 out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
}

double PgResult::real(int row, int column) const
{
    if (isNull(row, column))
        return std::nan("");
    return std::strtod(PQgetvalue(m_result, row, column), nullptr);
}

bool PgResult::boolean(int row, int column) const
{
    const std::string_view v = utf8(row, column);
    return !v.empty() && v[0] == 't';
}

qint64 PgResult::affected() const
{
    const char *n = m_result ? PQcmdTuples(m_result) : "";
    return n && *n ? std::atoll(n) : 0;
}

// ---------------------------------------------------------------------------------------------

PgConnection::PgConnection(const QString &conninfo, const QString &display)
    : m_conninfo(conninfo)
    , m_display(display)
{
    const QByteArray info = conninfo.toUtf8();
    m_conn = PQconnectdb(info.constData());
    if (!m_conn)
        throw Error(QStringLiteral("%1: cannot connect: out of memory").arg(display));
    if (PQstatus(m_conn) != CONNECTION_OK) {
        const bool needsPassword = PQconnectionNeedsPassword(m_conn) != 0;
        const QString reason = oneLine(PQerrorMessage(m_conn));
        PQfinish(m_conn);
        m_conn = nullptr;
        if (needsPassword)
            throw PgError(QStringLiteral("%1: the server asks for a password: %2").arg(display, reason),
                          QStringLiteral("bagel-needs-password"), false);
        throw PgError(QStringLiteral("%1: cannot connect: %2").arg(display, reason), QStringLiteral("08001"), true);
    }
    // The server's notices ("drop cascades to …") go to the log, never to the terminal.
    PQsetNoticeProcessor(
        m_conn, [](void *, const char *message) { spdlog::debug("server: {}", QString::fromUtf8(message).trimmed().toStdString()); },
        nullptr);
    // Every text Bagel sends or reads is UTF-8; times are read as numbers, never as text.
    PQsetClientEncoding(m_conn, "UTF8");
    run("SET TIME ZONE 'UTC'");
}

PgConnection::~PgConnection()
{
    if (m_conn)
        PQfinish(m_conn);
}

bool PgConnection::isBroken() const
{
    return !m_conn || PQstatus(m_conn) != CONNECTION_OK;
}

bool PgConnection::reconnect()
{
    if (!m_conn)
        return false;
    PQreset(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK)
        return false;
    PQsetClientEncoding(m_conn, "UTF8");
    try {
        run("SET TIME ZONE 'UTC'");
    } catch (const Error &) {
        return false;
    }
    spdlog::info("{}: connected again", m_display.toStdString());
    return true;
}

void PgConnection::fail(pg_result *result, const char *what, std::string_view sql) const
{
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const QString sqlState = state ? QString::fromLatin1(state) : QString();
    QString message = oneLine(result ? PQresultErrorMessage(result) : PQerrorMessage(m_conn));
    if (message.isEmpty())
        message = oneLine(PQerrorMessage(m_conn));
    if (result)
        PQclear(result);
    const bool lost = PQstatus(m_conn) != CONNECTION_OK || sqlState.startsWith(QLatin1String("08"))
        || sqlState == QLatin1String("57P01") || sqlState == QLatin1String("57P02") || sqlState == QLatin1String("57P03");
    const QString doing = what ? QString::fromUtf8(what) : QString::fromUtf8(sql.data(), qsizetype(std::min<std::size_t>(sql.size(), 60)));
    if (lost) {
        throw PgError(QStringLiteral("%1: the connection to the server was lost (%2): %3").arg(m_display, doing, message),
                      sqlState, true);
    }
    if (sqlState == QLatin1String("42501"))
        throw PgError(QStringLiteral("%1: no rights to %2: %3").arg(m_display, doing, message), sqlState, false);
    throw PgError(QStringLiteral("%1: database error (%2): %3").arg(m_display, doing, message), sqlState, false);
}

PgResult PgConnection::exec(std::string_view sql, const PgParams &params, const char *what) const
{
    if (!m_conn)
        throw PgError(QStringLiteral("%1: not connected").arg(m_display), QStringLiteral("08003"), true);
    const std::string text(sql);
    const std::vector<const char *> values = params.pointers();
    pg_result *result = PQexecParams(m_conn, text.c_str(), params.size(), nullptr, values.data(), nullptr, nullptr, 0);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        fail(result, what, sql);
    return PgResult(result);
}

void PgConnection::run(std::string_view sql, const char *what) const
{
    if (!m_conn)
        throw PgError(QStringLiteral("%1: not connected").arg(m_display), QStringLiteral("08003"), true);
    const std::string text(sql);
    // PQexec runs several statements; only the last result is kept, the others are checked.
    if (!PQsendQuery(m_conn, text.c_str()))
        fail(nullptr, what, sql);
    pg_result *failed = nullptr;
    while (pg_result *result = PQgetResult(m_conn)) {
        const ExecStatusType status = PQresultStatus(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !failed)
            failed = result;
        else
            PQclear(result);
    }
    if (failed || PQstatus(m_conn) != CONNECTION_OK)
        fail(failed, what, sql);
}

void PgConnection::copyIn(std::string_view copySql, const std::string &data, const char *what) const
{
    const std::string text(copySql);
    pg_result *start = PQexec(m_conn, text.c_str());
    if (!start || PQresultStatus(start) != PGRES_COPY_IN)
        fail(start, what, copySql);
    PQclear(start);
    constexpr std::size_t kChunk = 1 << 20;
    for (std::size_t at = 0; at < data.size(); at += kChunk) {
        const int n = int(std::min(kChunk, data.size() - at));
        if (PQputCopyData(m_conn, data.data() + at, n) != 1)
            fail(nullptr, what, copySql);
    }
    if (PQputCopyEnd(m_conn, nullptr) != 1)
        fail(nullptr, what, copySql);
    pg_result *failed = nullptr;
    while (pg_result *result = PQgetResult(m_conn)) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK && !failed)
            failed = result;
        else
            PQclear(result);
    }
    if (failed)
        fail(failed, what, copySql);
}

int PgConnection::socket() const
{
    return m_conn ? PQsocket(m_conn) : -1;
}

std::vector<std::pair<QString, QString>> PgConnection::takeNotifications()
{
    std::vector<std::pair<QString, QString>> out;
    if (!m_conn)
        return out;
    PQconsumeInput(m_conn);
    while (PGnotify *n = PQnotifies(m_conn)) {
        out.emplace_back(QString::fromUtf8(n->relname), QString::fromUtf8(n->extra));
        PQfreemem(n);
    }
    return out;
}

std::string PgConnection::identifier(const QString &name) const
{
    const QByteArray utf8 = name.toUtf8();
    char *quoted = PQescapeIdentifier(m_conn, utf8.constData(), std::size_t(utf8.size()));
    if (!quoted)
        throw Error(QStringLiteral("%1: cannot quote the name '%2'").arg(m_display, name));
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

void appendCopyText(std::string &out, std::string_view text)
{
    for (const char c : text) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
}

} // namespace bagel
