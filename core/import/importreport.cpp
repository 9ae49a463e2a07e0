#include "importreport.h"

namespace bagel {

namespace {

constexpr qsizetype kExamples = 5;

/** "1 item", "2 items": the report's counts are keyed by plural nouns. */
QString counted(qint64 n, const QString &plural)
{
    if (n != 1)
        return QStringLiteral("%1 %2").arg(n).arg(plural);
    QString singular = plural;
    if (singular.endsWith(QLatin1String("entries")))
        singular.replace(singular.size() - 7, 7, QStringLiteral("entry"));
    else if (singular.endsWith(QLatin1Char('s')) && !singular.endsWith(QLatin1String("ss")))
        singular.chop(1);
    return QStringLiteral("1 %1").arg(singular);
}

QString describe(const QMap<QString, qint64> &counts)
{
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > 0)
            parts << counted(it.value(), it.key());
    }
    return parts.join(QLatin1String(", "));
}

QJsonObject toObject(const QMap<QString, qint64> &counts)
{
    QJsonObject o;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

} // namespace

void ImportReport::skip(const QString &reason, const QString &example)
{
    skipped[reason] += 1;
    if (skippedExamples.size() < kExamples)
        skippedExamples << example;
}

void ImportReport::skip(const QString &reason, std::string_view example)
{
    skipped[reason] += 1;
    if (skippedExamples.size() < kExamples)
        skippedExamples << QString::fromUtf8(example.data(), qsizetype(example.size()));
}

void ImportReport::mergeSkips(const ImportReport &other)
{
    for (auto it = other.skipped.cbegin(); it != other.skipped.cend(); ++it)
        skipped[it.key()] += it.value();
    for (const QString &example : other.skippedExamples) {
        if (skippedExamples.size() < kExamples)
            skippedExamples << example;
    }
}

QString ImportReport::summary() const
{
    QStringList lines;
    lines << QStringLiteral("Imported %1 from %2").arg(format, file);
    const QString a = describe(added);
    const QString u = describe(updated);
    const QString s = describe(unchanged);
    lines << QStringLiteral("  added: %1").arg(a.isEmpty() ? QStringLiteral("nothing") : a);
    if (!u.isEmpty())
        lines << QStringLiteral("  updated: %1").arg(u);
    if (!s.isEmpty())
        lines << QStringLiteral("  already present: %1").arg(s);
    for (auto it = skipped.cbegin(); it != skipped.cend(); ++it)
        lines << QStringLiteral("  skipped (%1): %2").arg(it.value()).arg(it.key());
    if (!skippedExamples.isEmpty())
        lines << QStringLiteral("  first skipped: %1").arg(skippedExamples.join(QLatin1String(", ")));
    return lines.join(QLatin1Char('\n'));
}

QJsonObject ImportReport::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("format"), format);
    o.insert(QStringLiteral("file"), file);
    o.insert(QStringLiteral("added"), toObject(added));
    o.insert(QStringLiteral("updated"), toObject(updated));
    o.insert(QStringLiteral("unchanged"), toObject(unchanged));
    o.insert(QStringLiteral("skipped"), toObject(skipped));
    return o;
}

} // namespace bagel
