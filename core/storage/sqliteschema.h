#pragma once

#include <QStringList>
#include <QVector>

class QSqlDatabase;

namespace bagel::sqliteschema {

/** The schema version this build writes; older project files are migrated up to it. */
constexpr int kCurrentVersion = 6;

/** `PRAGMA application_id` of a Bagel project: "BAGL". */
constexpr int kApplicationId = 0x4241474C;

/**
 * Brings the schema from version \a from to \a to by running each cumulative step in order.
 * The caller owns the transaction. Throws Error naming the failing step.
 */
void migrate(QSqlDatabase &db, int from, int to);

/** One object of a project's schema, as `sqlite_schema` lists it. */
struct SchemaObject
{
    QString type; ///< table, index, trigger, view
    QString name;
    QString table;
    QString sql; ///< whitespace collapsed; empty for SQLite's own automatic indexes
};

/** The objects of a project file of the current version, as Bagel makes them (sorted by type and name). */
const QVector<SchemaObject> &expectedSchema();

/** \a sql with every run of white space made one space, for comparing schema texts. */
QString normalizedSql(const QString &sql);

/** The uid a review written before schema version 5 gets, from its fields in order. */
QString legacyUid(const QStringList &parts);

} // namespace bagel::sqliteschema
