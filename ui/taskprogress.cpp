#include "taskprogress.h"

#include "latestresult.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

#include <cmath>

namespace bagel {

TaskProgress::TaskProgress(QWidget *parent)
    : QWidget(parent)
    , m_bar(new QProgressBar(this))
    , m_detail(new QLabel(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    m_bar->setObjectName(QStringLiteral("taskProgressBar"));
    m_detail->setObjectName(QStringLiteral("taskProgressDetail"));
    m_cancel->setObjectName(QStringLiteral("taskProgressCancel"));
    m_bar->setTextVisible(false);
    m_bar->setMaximumWidth(m_bar->fontMetrics().horizontalAdvance(QLatin1Char('m')) * 10);
    m_detail->setTextFormat(Qt::PlainText);
    m_cancel->setToolTip(tr("Stop the computation; nothing shown changes"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_detail);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_task)
            m_task->cancel();
    });
    hide();
}

void TaskProgress::watch(LatestResultBase *task)
{
    if (m_task)
        disconnect(m_task, nullptr, this, nullptr);
    m_task = task;
    if (!m_task) {
        hide();
        return;
    }
    connect(m_task, &LatestResultBase::busyChanged, this, &TaskProgress::showBusy);
    connect(m_task, &LatestResultBase::progressed, this, &TaskProgress::showProgress);
    connect(m_task, &QObject::destroyed, this, [this] {
        m_task = nullptr;
        hide();
    });
    showBusy(m_task->isBusy());
}

void TaskProgress::showBusy(bool busy)
{
    setVisible(busy);
    if (!busy)
        return;
    const std::optional<Progress::Snapshot> s = m_task ? m_task->progress() : std::nullopt;
    m_cancel->setVisible(s.has_value());
    if (s) {
        showProgress(*s);
    } else {
        m_bar->setRange(0, 0);
        m_detail->clear();
    }
}

void TaskProgress::showProgress(const Progress::Snapshot &s)
{
    if (const auto fraction = s.fraction()) {
        m_bar->setRange(0, 1000);
        m_bar->setValue(int(std::lround(*fraction * 1000.0)));
    } else {
        m_bar->setRange(0, 0); // busy: the total is unknown
    }
    m_detail->setText(detail(s));
    m_cancel->setEnabled(!s.cancelled);
}

QString TaskProgress::detail(const Progress::Snapshot &s)
{
    if (s.cancelled)
        return tr("Cancelling…");
    QStringList parts;
    if (s.done > 0 || s.total > 0) {
        // "4.2 MB of 13 MB", but "5 of 417 rows": a count is named once.
        const bool count = s.unit == Progress::Unit::Rows || s.unit == Progress::Unit::Items;
        const QString done = count ? QLocale(QLocale::English).toString(s.done) : formatAmount(s.done, s.unit);
        parts << (s.total > 0 ? tr("%1 of %2").arg(done, formatAmount(s.total, s.unit)) : formatAmount(s.done, s.unit));
    }
    if (const double rate = s.rate(); rate > 0.0)
        parts << tr("%1/s").arg(formatAmount(qint64(std::llround(rate)), s.unit));
    if (const auto left = s.secondsLeft())
        parts << tr("%1 left").arg(formatSeconds(*left));
    return parts.join(QStringLiteral(" · "));
}

} // namespace bagel
