#include "progress.h"

#include <QLocale>
#include <QMutexLocker>

#include <algorithm>
#include <cmath>

namespace bagel {

Cancelled::Cancelled()
    : Error(QStringLiteral("cancelled; nothing was changed"))
{
}

void Progress::start(const QString &stage, qint64 total, Unit unit)
{
    QMutexLocker lock(&m_mutex);
    m_stage = stage;
    m_unit = unit;
    m_started = std::chrono::steady_clock::now();
    m_done.store(0, std::memory_order_relaxed);
    m_total.store(total, std::memory_order_relaxed);
}

Progress::Snapshot Progress::snapshot() const
{
    Snapshot s;
    {
        QMutexLocker lock(&m_mutex);
        s.stage = m_stage;
        s.unit = m_unit;
        s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    }
    s.done = m_done.load(std::memory_order_relaxed);
    s.total = m_total.load(std::memory_order_relaxed);
    s.cancelled = isCancelled();
    return s;
}

double Progress::Snapshot::rate() const
{
    if (seconds < 0.25 || done <= 0)
        return 0.0;
    return double(done) / seconds;
}

std::optional<double> Progress::Snapshot::secondsLeft() const
{
    const double r = rate();
    if (total <= 0 || r <= 0.0 || done > total)
        return std::nullopt;
    return double(total - done) / r;
}

std::optional<double> Progress::Snapshot::fraction() const
{
    if (total <= 0)
        return std::nullopt;
    return std::clamp(double(done) / double(total), 0.0, 1.0);
}

QString Progress::Snapshot::describe() const
{
    return stage + figures();
}

QString Progress::Snapshot::figures() const
{
    QString line;
    if (done > 0 || total > 0) {
        line += QStringLiteral(": ") + formatAmount(done, unit);
        if (total > 0)
            line += QStringLiteral(" of ") + formatAmount(total, unit);
    }
    if (const double r = rate(); r > 0.0)
        line += QStringLiteral(" · ") + formatAmount(qint64(std::llround(r)), unit) + QStringLiteral("/s");
    if (const auto left = secondsLeft())
        line += QStringLiteral(" · ") + formatSeconds(*left) + QStringLiteral(" left");
    return line;
}

QString formatAmount(qint64 amount, Progress::Unit unit)
{
    const QLocale c = QLocale::c();
    switch (unit) {
    case Progress::Unit::Bytes: {
        if (amount < 1000)
            return QStringLiteral("%1 B").arg(amount);
        if (amount < 1000 * 1000)
            return QStringLiteral("%1 kB").arg(double(amount) / 1e3, 0, 'f', 0);
        if (amount < qint64(10) * 1000 * 1000)
            return QStringLiteral("%1 MB").arg(double(amount) / 1e6, 0, 'f', 1);
        if (amount < qint64(1000) * 1000 * 1000)
            return QStringLiteral("%1 MB").arg(double(amount) / 1e6, 0, 'f', 0);
        return QStringLiteral("%1 GB").arg(double(amount) / 1e9, 0, 'f', 2);
    }
    case Progress::Unit::Rows:
        return QStringLiteral("%1 rows").arg(QLocale(QLocale::English).toString(amount));
    case Progress::Unit::Items:
        return QStringLiteral("%1 items").arg(QLocale(QLocale::English).toString(amount));
    case Progress::Unit::Steps:
        break;
    }
    return c.toString(amount);
}

QString formatSeconds(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("?");
    if (seconds < 10)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    const qint64 whole = qint64(std::llround(seconds));
    if (whole < 60)
        return QStringLiteral("%1 s").arg(whole);
    if (whole < 3600)
        return QStringLiteral("%1 min %2 s").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(whole / 3600).arg((whole % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace bagel
