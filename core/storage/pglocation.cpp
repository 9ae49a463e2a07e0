#include "pglocation.h"

#include "error.h"

#include <QHash>
#include <QMutex>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace bagel {

namespace {

QMutex s_passwordsLock;
QHash<QString, QString> &passwords()
{
    static QHash<QString, QString> remembered;
    return remembered;
}

/** The connection strings of URIs that held a password, by their display form (process memory only). */
QHash<QString, QString> &withPasswords()
{
    static QHash<QString, QString> remembered;
    return remembered;
}

} // namespace

void ServerLocation::rememberPassword(const QString &display, const QString &password)
{
    const QMutexLocker lock(&s_passwordsLock);
    withPasswords().remove(display); // the password asked for now counts
    passwords().insert(display, password);
}

bool ServerLocation::isServer(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)
        || location.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

void checkServerProjectName(const QString &name)
{
    // One schema per project and two roles named after it (`bagel_NAME_lead`, `…_reviewer`):
    // a name that needs no quoting, and short enough for PostgreSQL's 63-byte identifiers.
    static const QRegularExpression valid(QStringLiteral("^[a-z][a-z0-9_]{0,39}$"));
    if (name.isEmpty())
        throw Error(QStringLiteral("the server URI names no project: add ?project=NAME"));
    if (!valid.match(name).hasMatch()) {
        throw Error(QStringLiteral("'%1' cannot name a project on a server: use a lower-case letter, then up to 39 "
                                   "lower-case letters, digits or '_'")
                        .arg(name.left(80)));
    }
    if (name.startsWith(QLatin1String("pg_")) || name == QLatin1String("public") || name == QLatin1String("information_schema"))
        throw Error(QStringLiteral("'%1' is a name PostgreSQL keeps for itself; choose another project name").arg(name));
}

ServerLocation ServerLocation::parse(const QString &uri)
{
    if (!isServer(uri))
        throw Error(QStringLiteral("%1: not a PostgreSQL URI (postgresql://…)").arg(uri.left(200)));
    // The query string is split by hand: QUrl would normalise what libpq should see verbatim.
    const qsizetype question = uri.indexOf(QLatin1Char('?'));
    const QString base = question < 0 ? uri : uri.left(question);
    QStringList kept;
    QString project;
    int projects = 0;
    if (question >= 0) {
        for (const QString &pair : uri.mid(question + 1).split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(QLatin1Char('='));
            const QString key = QUrl::fromPercentEncoding((eq < 0 ? pair : pair.left(eq)).toUtf8());
            if (key == QLatin1String("project")) {
                project = QUrl::fromPercentEncoding(pair.mid(eq + 1).toUtf8());
                ++projects;
            } else {
                kept << pair;
            }
        }
    }
    if (projects > 1)
        throw Error(QStringLiteral("the server URI names the project more than once"));
    checkServerProjectName(project);

    ServerLocation out;
    out.project = project;
    out.conninfo = kept.isEmpty() ? base : base + QLatin1Char('?') + kept.join(QLatin1Char('&'));
    // A password in the URI (user:secret@host) never reaches a message or the settings.
    // The user information is everything before the last '@' of the authority (a password may
    // hold '/' or '@' that the user did not percent-encode); a password is what follows its ':'.
    QString shown = base;
    const qsizetype schemeEnd = base.indexOf(QLatin1String("://")) + 3;
    const qsizetype at = base.lastIndexOf(QLatin1Char('@'));
    if (at >= schemeEnd) {
        const qsizetype colon = base.indexOf(QLatin1Char(':'), schemeEnd);
        if (colon >= 0 && colon < at)
            shown = base.left(colon) + base.mid(at);
    }
    QStringList shownQuery;
    for (const QString &pair : kept) {
        // Keys as libpq reads them: percent-decoded (`%70assword=` is `password=`).
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        const QString key = QUrl::fromPercentEncoding((eq < 0 ? pair : pair.left(eq)).toUtf8()).trimmed().toLower();
        if (key != QLatin1String("password"))
            shownQuery << pair;
    }
    shownQuery << QStringLiteral("project=") + project;
    out.display = shown + QLatin1Char('?') + shownQuery.join(QLatin1Char('&'));
    const bool hasPassword = shown != base || shownQuery.size() != kept.size() + 1;
    const QMutexLocker lock(&s_passwordsLock);
    if (hasPassword) {
        // The project goes by its display form from now on (the window's writer and readers
        // open it again by it): they connect as this one did.
        withPasswords().insert(out.display, out.conninfo);
    } else if (const auto it = withPasswords().constFind(out.display); it != withPasswords().constEnd()) {
        out.conninfo = *it;
    } else if (const auto given = passwords().constFind(out.display); given != passwords().constEnd()) {
        // None in the URI: one given earlier in this process (asked for by the window).
        out.conninfo += (kept.isEmpty() ? QLatin1Char('?') : QLatin1Char('&')) + QStringLiteral("password=")
            + QString::fromLatin1(QUrl::toPercentEncoding(*given));
    }
    return out;
}

QString ServerLocation::withProject(const QString &uri, const QString &project)
{
    const qsizetype question = uri.indexOf(QLatin1Char('?'));
    QStringList kept;
    if (question >= 0) {
        for (const QString &pair : uri.mid(question + 1).split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
            if (!pair.startsWith(QLatin1String("project=")))
                kept << pair;
        }
    }
    kept << QStringLiteral("project=") + project;
    return (question < 0 ? uri : uri.left(question)) + QLatin1Char('?') + kept.join(QLatin1Char('&'));
}

} // namespace bagel
