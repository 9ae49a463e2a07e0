#pragma once

#include <QStringList>

class QSqlDatabase;

namespace bagel::sqliteschema {

/** The schema version this build writes; older project files are migrated up to it. */
constexpr int kCurrentVersion = 5;

/** `PRAGMA application_id` of a Bagel project: "BAGL". */
constexpr int kApplicationId = 0x4241474C;

/**
 * Brings the schema from version \a from to \a to by running each cumulative step in order.
 * The caller owns the transaction. Throws Error naming the failing step.
 */
void migrate(QSqlDatabase &db, int from, int to);

/** The uid a review written before schema version 5 gets, from its fields in order. */
QString legacyUid(const QStringList &parts);

} // namespace bagel::sqliteschema
