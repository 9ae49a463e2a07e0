#pragma once

// Small conversions shared by the SqliteStore implementation files.

#include "error.h"

#include <QString>
#include <QVector>

#include <cmath>
#include <limits>

namespace bagel::sqlitehelpers {

/** Qt Sql binds a null QString as SQL NULL; NOT NULL text columns want '' instead. */
inline QString nonNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

inline QString joinInts(const QVector<int> &values)
{
    QString out;
    for (int i = 0; i < values.size(); ++i) {
        if (i)
            out += QLatin1Char(' ');
        out += QString::number(values[i]);
    }
    return out;
}

inline QVector<int> splitInts(const QString &text)
{
    QVector<int> out;
    for (const QStringView part : QStringView(text).split(QLatin1Char(' '), Qt::SkipEmptyParts))
        out << part.toInt();
    return out;
}

/**
 * A class index read back from the project file at \a path. Bagel writes only 0..999 (CHECK
 * constraints say so too), but a file changed behind its back may hold anything: that is an
 * error naming the column, never an index out of range. Throws Error.
 */
inline int storedClass(qint64 value, const QString &path, const char *column)
{
    if (value < 0 || value >= 1000) {
        throw Error(QStringLiteral("%1: damaged project: %2 holds %3, which is not a class index (0-999); "
                                   "`bagel-cli check` lists what else is wrong")
                        .arg(path, QLatin1String(column))
                        .arg(value));
    }
    return int(value);
}

/** Space-separated stored class indices, each checked as storedClass() does. Throws Error. */
inline QVector<int> storedClasses(QStringView text, const QString &path, const char *column)
{
    QVector<int> out;
    for (const QStringView part : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 value = part.toLongLong(&ok);
        if (!ok) {
            throw Error(QStringLiteral("%1: damaged project: %2 holds '%3', which is not a class index; "
                                       "`bagel-cli check` lists what else is wrong")
                            .arg(path, QLatin1String(column), part.left(20).toString()));
        }
        out << storedClass(value, path, column);
    }
    return out;
}

/** A stored score: a number, or `nan` for an unknown one. */
inline double parseScore(QStringView text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    return ok ? v : std::numeric_limits<double>::quiet_NaN();
}

} // namespace bagel::sqlitehelpers
