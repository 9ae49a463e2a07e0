#pragma once

#include <QString>

#include <functional>

class QDialog;
class QWidget;

namespace bagel {

class Progress;

/** How work run by runInBackground() ended. */
struct TaskResult
{
    enum class Status { Done, Failed, Cancelled };
    Status status = Status::Done;
    QString error; ///< Failed: why, one message
    double seconds = 0.0;

    bool done() const { return status == Status::Done; }
    bool cancelled() const { return status == Status::Cancelled; }
};

struct TaskOptions
{
    QString title;         ///< what is being done: "Importing predictions.csv"
    int showAfterMs = 300; ///< work that ends sooner shows no dialog at all
};

/**
 * Runs \a work on a worker thread and returns when it has ended, while this (the GUI) thread
 * keeps running its events: the windows repaint and re-lay out, timers fire. Until the
 * progress dialog appears (after TaskOptions::showAfterMs) user input waits; then the
 * application-modal dialog shows the stage, how much is done of how much, the rate and the
 * time left, and its Cancel button (or Escape) calls Progress::cancel(), which the work obeys
 * at its next check by throwing Cancelled, rolling back what it started.
 *
 * \a work runs on another thread: it must not touch widgets, and opens its own Project (SQLite
 * connections belong to one thread). It reports to the Progress it is given. An Error it throws
 * becomes TaskResult::Failed with the message; Cancelled becomes TaskResult::Cancelled. Work
 * that ends after Cancel was pressed but without throwing is Done: it finished first.
 * One task runs at a time; a second call while one runs fails at once.
 */
TaskResult runInBackground(QWidget *parent, const TaskOptions &options, const std::function<void(Progress &)> &work);

/** Whether a task started by runInBackground() is running (the window must not close or switch projects). */
bool backgroundTaskRunning();

/** The progress dialog of the task running now, or null (none runs, or it is not shown yet). */
QDialog *runningTaskDialog();

} // namespace bagel
