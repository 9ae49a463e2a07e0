#include "importreport.h"

namespace bagel {

namespace {

QString describe(const QMap<QString, qint64> &counts)
{
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > 0)
            parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
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
    if (skippedExamples.size() < 5)
        skippedExamples << example;
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
        lines << QStringLiteral("  skipped %1 %2").arg(it.value()).arg(it.key());
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
