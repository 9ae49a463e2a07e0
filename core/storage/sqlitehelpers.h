#pragma once

// Small conversions shared by the SqliteStore implementation files.

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

/** A stored score: a number, or `nan` for an unknown one. */
inline double parseScore(QStringView text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    return ok ? v : std::numeric_limits<double>::quiet_NaN();
}

} // namespace bagel::sqlitehelpers
