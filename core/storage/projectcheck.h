#pragma once

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace bagel {

/** One check of a project file and what it found. */
struct CheckFinding
{
    enum class Level { Ok, Warning, Error };
    QString check;   ///< what was checked: `file`, `integrity`, `foreign-keys`, `schema`, …
    Level level = Level::Ok;
    QString message; ///< what is wrong, with examples; what was checked when all is well
};

struct CheckReport
{
    QString path;
    QVector<CheckFinding> findings;

    int count(CheckFinding::Level level) const;
    bool ok() const { return count(CheckFinding::Level::Error) == 0; }
    QJsonObject toJson() const;
};

/**
 * Checks the project file at \a path without changing it (it is opened read-only, never
 * upgraded): the file's header; SQLite's own integrity check (pages, indexes, NOT NULL, CHECK
 * and UNIQUE constraints); the foreign keys; the schema version; the append-only triggers; and
 * Bagel's own rules the schema cannot state (a verdict judges a prediction the project has, a
 * retraction undoes a review of the same item and reviewer, times are readable). Never throws:
 * a file that cannot be read at all is a finding too.
 */
CheckReport checkProject(const QString &path);

/**
 * The same for a project on a server (a lead's check: a reviewer does not see every review):
 * the schema and its version, every table, the row-level security and append-only triggers
 * still in place, triggers Bagel did not make, the project's roles, and Bagel's own rules.
 */
CheckReport checkServerProject(const QString &uri);

} // namespace bagel
