#include "assignmentpanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace bagel {

namespace {

enum Column { Reviewer, Done, Assigned, Left, Bar, ColumnCount };

QTableWidgetItem *numberItem(int value)
{
    auto *item = new QTableWidgetItem(QString::number(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

AssignmentPanel::AssignmentPanel(QWidget *parent)
    : QDockWidget(tr("Assignments"), parent)
    , m_summary(new QLabel(this))
    , m_table(new QTableWidget(this))
{
    setObjectName(QStringLiteral("assignmentDock"));
    m_summary->setObjectName(QStringLiteral("assignmentSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_table->setObjectName(QStringLiteral("assignmentProgress"));
    m_table->setColumnCount(ColumnCount);
    m_table->setHorizontalHeaderLabels({tr("Reviewer"), tr("Done"), tr("Assigned"), tr("Left"), tr("Progress")});
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // As tall and wide as its rows: a team is a handful of reviewers, and the image keeps the room.
    m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_table->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Maximum);

    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
    layout->addStretch(1);
    setWidget(body);
    clear();
}

void AssignmentPanel::clear()
{
    m_table->setRowCount(0);
    m_summary->setText(tr("No project is open."));
}

void AssignmentPanel::showProblem(const QString &message)
{
    m_table->setRowCount(0);
    m_summary->setText(tr("The assignments cannot be read: %1").arg(message));
}

void AssignmentPanel::showProgress(const QString &model, const QVector<AssignmentProgress> &progress)
{
    m_table->setRowCount(int(progress.size()));
    int assigned = 0;
    int done = 0;
    for (int row = 0; row < progress.size(); ++row) {
        const AssignmentProgress &p = progress[row];
        assigned += p.assigned;
        done += p.done;
        m_table->setItem(row, Reviewer, new QTableWidgetItem(p.name));
        m_table->setItem(row, Done, numberItem(p.done));
        m_table->setItem(row, Assigned, numberItem(p.assigned));
        m_table->setItem(row, Left, numberItem(p.assigned - p.done));
        auto *bar = qobject_cast<QProgressBar *>(m_table->cellWidget(row, Bar));
        if (!bar) {
            bar = new QProgressBar(m_table);
            m_table->setCellWidget(row, Bar, bar);
        }
        bar->setRange(0, std::max(p.assigned, 1));
        bar->setValue(p.done);
        bar->setFormat(QStringLiteral("%p%"));
    }
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(Bar, std::max(m_table->columnWidth(Bar), 16 * fontMetrics().horizontalAdvance(QLatin1Char('0'))));
    if (progress.isEmpty()) {
        m_summary->setText(tr("No unit of %1 is assigned. A lead assigns them with bagel-cli assign PROJECT --reviewers A,B "
                              "--per-unit K --model %1.")
                               .arg(model));
    } else {
        m_summary->setText(tr("%1: %2 of %3 assigned reviews done, %4 reviewers.")
                               .arg(model)
                               .arg(done)
                               .arg(assigned)
                               .arg(progress.size()));
    }
}

} // namespace bagel
