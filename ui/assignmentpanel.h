#pragma once

#include "review/assignment.h"

#include <QDockWidget>

class QLabel;
class QTableWidget;

namespace bagel {

/**
 * The lead's view of the assignments of one model: per reviewer, the units assigned and how
 * many of them have the reviewer's verdict, with the totals. It shows what it is given; the
 * window reads the progress (MainWindow::refreshAssignmentProgress()).
 */
class AssignmentPanel final : public QDockWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AssignmentPanel)

public:
    explicit AssignmentPanel(QWidget *parent = nullptr);

    /** Shows \a progress (per reviewer, in name order) of the assignments of \a model. */
    void showProgress(const QString &model, const QVector<AssignmentProgress> &progress);
    /** Shows that the progress could not be read, keeping nothing of what was shown. */
    void showProblem(const QString &message);
    void clear();

    QLabel *summaryLabel() const { return m_summary; }
    QTableWidget *progressTable() const { return m_table; }

private:
    QLabel *m_summary;
    QTableWidget *m_table;
};

} // namespace bagel
