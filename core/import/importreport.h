#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <string_view>

namespace bagel {

/** What an import did: counts by kind of record, what it skipped and why. */
struct ImportReport
{
    QString format;
    QString file;
    QMap<QString, qint64> added;     ///< e.g. "items" → 50000
    QMap<QString, qint64> updated;   ///< existing records changed
    QMap<QString, qint64> unchanged; ///< records already present as imported
    QMap<QString, qint64> skipped;   ///< reason → count
    QStringList skippedExamples;     ///< the first few skipped entries, for the user to check

    void add(const QString &what, qint64 n = 1) { added[what] += n; }
    void update(const QString &what, qint64 n = 1) { updated[what] += n; }
    void same(const QString &what, qint64 n = 1) { unchanged[what] += n; }
    /** Counts one skipped entry, keeping the first few names as examples. */
    void skip(const QString &reason, const QString &example);
    /** The same, converting \a example (UTF-8) only when it is kept: imports skip millions. */
    void skip(const QString &reason, std::string_view example);
    /** Adds the skips counted by \a other (a parsing thread's own report). */
    void mergeSkips(const ImportReport &other);

    /** One paragraph for a terminal: "Imported …: 378 reviews, 1 model added; skipped …". */
    QString summary() const;
    QJsonObject toJson() const;
};

} // namespace bagel
