#include "pgsupport.h"

#include "error.h"
#include "storage/pgconnection.h"

#include <QCoreApplication>
#include <QUrl>

#include <atomic>

namespace bagel::test {

namespace {

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

QString serverBase()
{
    const QString host = env("PGHOST").isEmpty() ? QStringLiteral("localhost") : env("PGHOST");
    const QString port = env("PGPORT").isEmpty() ? QStringLiteral("5432") : env("PGPORT");
    const QString database = env("PGDATABASE").isEmpty() ? QStringLiteral("postgres") : env("PGDATABASE");
    QString user = env("PGUSER");
    if (!user.isEmpty())
        user = QString::fromUtf8(QUrl::toPercentEncoding(user)) + QLatin1Char('@');
    // A host that is a folder is a Unix socket: libpq takes it as a parameter.
    if (host.startsWith(QLatin1Char('/')))
        return QStringLiteral("postgresql://%1/%2?host=%3&port=%4").arg(user, database, QString::fromUtf8(QUrl::toPercentEncoding(host)), port);
    return QStringLiteral("postgresql://%1%2:%3/%4").arg(user, host, port, database);
}

} // namespace

bool serverAvailable(QString *why)
{
    if (!env("BAGEL_PG_UNAVAILABLE").isEmpty()) {
        *why = env("BAGEL_PG_UNAVAILABLE");
        return false;
    }
    if (env("PGHOST").isEmpty() && env("PGSERVICE").isEmpty() && env("PGPORT").isEmpty()) {
        *why = QStringLiteral("no server named by PGHOST/PGPORT; run the tests through ctest (tests/pg/with-server.sh)");
        return false;
    }
    return true;
}

bool serverRequired()
{
    return env("BAGEL_REQUIRE_POSTGRES") == QLatin1String("1");
}

QString serverProjectUri(const QString &prefix)
{
    static std::atomic<int> counter{0};
    const QString base = serverBase();
    const QString name = QStringLiteral("%1_%2_%3").arg(prefix).arg(QCoreApplication::applicationPid()).arg(++counter);
    return base + (base.contains(QLatin1Char('?')) ? QLatin1Char('&') : QLatin1Char('?')) + QStringLiteral("project=") + name;
}

QString serverUriAs(const QString &uri, const QString &role, const QString &password)
{
    // postgresql://[user@]host… → postgresql://role:password@host…
    const qsizetype start = uri.indexOf(QLatin1String("://")) + 3;
    qsizetype hostStart = start;
    const qsizetype at = uri.indexOf(QLatin1Char('@'), start);
    const qsizetype slash = uri.indexOf(QLatin1Char('/'), start);
    if (at >= 0 && (slash < 0 || at < slash))
        hostStart = at + 1;
    return uri.left(start) + QString::fromUtf8(QUrl::toPercentEncoding(role)) + QLatin1Char(':')
        + QString::fromUtf8(QUrl::toPercentEncoding(password)) + QLatin1Char('@') + uri.mid(hostStart);
}

void adminSql(const QString &sql)
{
    const QString base = serverBase();
    PgConnection db(base, base);
    db.run(sql.toStdString(), "run the test's SQL");
}

} // namespace bagel::test
