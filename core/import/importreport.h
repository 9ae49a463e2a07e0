#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

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

    /** One paragraph for a terminal: "Imported …: 378 reviews, 1 model added; skipped …". */
    QString summary() const;
    QJsonObject toJson() const;
};

} // namespace bagel
