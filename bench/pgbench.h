#pragma once

#include <QString>
#include <QVector>

namespace bagel::bench {

struct ServerFigure
{
    QString name;
    double value;
    double target;
};

/**
 * The pg_* figures, against the PostgreSQL server the PG* variables name (libpq's defaults:
 * `tests/pg/with-server.sh build/release/bin/bagel-bench --filter pg_` starts a throw-away one).
 * Empty, with \a why, when no server can be reached. The projects it makes are dropped again.
 */
QVector<ServerFigure> serverFigures(const QString &work, QString *why);

} // namespace bagel::bench
