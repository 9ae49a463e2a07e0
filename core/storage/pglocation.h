#pragma once

#include <QString>

namespace bagel {

/**
 * Where a project on a PostgreSQL server lives: `postgresql://[user@]host[:port]/dbname?project=NAME[&…]`
 * (or `postgres://…`). The `project` parameter names the schema that holds the project; the
 * rest of the URI goes to libpq as it is, so `sslmode`, `~/.pgpass`, `PGPASSWORD` and
 * `PGSERVICE` work as they do everywhere else.
 */
struct ServerLocation
{
    QString conninfo; ///< the URI without `project`, for PQconnectdb()
    QString project;  ///< the schema's name
    QString display;  ///< the URI without a password, for messages and the recent-projects list

    /** Whether \a location names a server project rather than a file (it starts with a PostgreSQL URI scheme). */
    static bool isServer(const QString &location);
    /** Parses a server URI. Throws Error naming what is wrong (no `project`, an unusable name). */
    static ServerLocation parse(const QString &uri);
    /**
     * Keeps \a password, in this process's memory only, for the server URIs whose display()
     * is \a display: the window asks for a password once, and the connections it opens later
     * (its writer, its background readers) use it. Never written anywhere.
     */
    static void rememberPassword(const QString &display, const QString &password);

    /** The same URI with \a project as its project (for `push`, which names a new one). */
    static QString withProject(const QString &uri, const QString &project);
};

/** Throws Error unless \a name can name a project on a server: a lower-case letter, then up to 39 lower-case letters, digits or `_`. */
void checkServerProjectName(const QString &name);

} // namespace bagel
