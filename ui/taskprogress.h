#pragma once

#include "progress.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace bagel {

class LatestResultBase;

/**
 * A window's strip for the work a LatestResult runs: a bar, what is done of how much, the
 * rate and the time left, and a Cancel button. It shows itself while the task runs and hides
 * when it ends; for a task run without a Progress it is a busy bar without Cancel.
 */
class TaskProgress final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskProgress)

public:
    explicit TaskProgress(QWidget *parent = nullptr);

    /** Follows \a task (one at a time): shows its progress, and Cancel calls its cancel(). */
    void watch(LatestResultBase *task);

    QProgressBar *bar() const { return m_bar; }
    /** "12,345 rows of 50,000 · 80,000 rows/s · 1 s left". */
    QLabel *detailLabel() const { return m_detail; }
    QPushButton *cancelButton() const { return m_cancel; }

    /** The detail line of \a snapshot: done of total, rate, time left; "Cancelling…" once cancelled. */
    static QString detail(const Progress::Snapshot &snapshot);

private:
    void showBusy(bool busy);
    void showProgress(const Progress::Snapshot &snapshot);

    LatestResultBase *m_task = nullptr;
    QProgressBar *m_bar;
    QLabel *m_detail;
    QPushButton *m_cancel;
};

} // namespace bagel
