#pragma once

#include <QString>

#include <string>

namespace bagel {

class PgConnection;

/**
 * The schema of a project on a PostgreSQL server: one schema per project holding the tables
 * of the SQLite file under the same names, two group roles (`bagel_NAME_reviewer`,
 * `bagel_NAME_lead`), the privileges and row-level security policies that make the server
 * enforce who may read and write what, and the append-only triggers.
 */
namespace pgschema {

/** The server schema's version, kept in its `meta` table (`schema_version`). */
constexpr int kCurrentVersion = 1;

/** The group role of the project's reviewers and of its leads (the leads' role is a member of the reviewers'). */
QString reviewerRole(const QString &project);
QString leadRole(const QString &project);
/** The channel a project's changes are announced on (LISTEN/NOTIFY). */
QString channel(const QString &project);

/**
 * Creates the project's schema, roles, tables and policies, in the open transaction. The
 * connected role becomes the owner and a lead. Throws Error (the caller rolls back).
 */
void create(PgConnection &db, const QString &project);

/** Brings the schema from \a from to kCurrentVersion, in the open transaction. */
void migrate(PgConnection &db, const QString &project, int from);

} // namespace pgschema
} // namespace bagel
