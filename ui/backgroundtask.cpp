#include "backgroundtask.h"

#include "error.h"
#include "progress.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include <cmath>
#include <atomic>
#include <exception>

namespace bagel {

namespace {

/** The dialog of a running task: stage, bar, amounts, rate, time left, Cancel. */
class ProgressDialog final : public QDialog
{
public:
    ProgressDialog(Progress &progress, const QString &title, QWidget *parent)
        : QDialog(parent)
        , m_progress(progress)
        , m_stage(new QLabel(this))
        , m_bar(new QProgressBar(this))
        , m_detail(new QLabel(this))
        , m_cancel(new QPushButton(tr("Cancel"), this))
    {
        setObjectName(QStringLiteral("taskProgress"));
        setWindowTitle(title);
        setWindowModality(Qt::ApplicationModal);
        m_stage->setObjectName(QStringLiteral("taskStage"));
        m_detail->setObjectName(QStringLiteral("taskDetail"));
        m_cancel->setObjectName(QStringLiteral("taskCancel"));
        m_stage->setTextFormat(Qt::PlainText);
        m_detail->setTextFormat(Qt::PlainText);
        m_stage->setMinimumWidth(420);
        m_bar->setTextVisible(true);
        auto *buttons = new QHBoxLayout;
        buttons->addStretch(1);
        buttons->addWidget(m_cancel);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_stage);
        layout->addWidget(m_bar);
        layout->addWidget(m_detail);
        layout->addLayout(buttons);
        connect(m_cancel, &QPushButton::clicked, this, &ProgressDialog::requestCancel);
        update();
    }

    /** Shows the progress now. */
    void update()
    {
        const Progress::Snapshot s = m_progress.snapshot();
        m_stage->setText(s.stage.isEmpty() ? windowTitle() : s.stage);
        if (const auto fraction = s.fraction()) {
            m_bar->setRange(0, 1000);
            m_bar->setValue(int(std::lround(*fraction * 1000.0)));
        } else {
            m_bar->setRange(0, 0); // busy: the total is unknown
        }
        QStringList parts;
        if (s.cancelled) {
            parts << tr("Cancelling: nothing will be changed…");
        } else if (s.total > 0 && s.done >= s.total) {
            parts << tr("Finishing…");
        } else {
            if (s.done > 0 || s.total > 0)
                parts << (s.total > 0 ? tr("%1 of %2").arg(formatAmount(s.done, s.unit), formatAmount(s.total, s.unit))
                                      : formatAmount(s.done, s.unit));
            if (const double rate = s.rate(); rate > 0.0)
                parts << tr("%1/s").arg(formatAmount(qint64(std::llround(rate)), s.unit));
            if (const auto left = s.secondsLeft())
                parts << tr("%1 left").arg(formatSeconds(*left));
        }
        m_detail->setText(parts.isEmpty() ? QStringLiteral(" ") : parts.join(QStringLiteral(" · ")));
    }

    void reject() override { requestCancel(); } // Escape and the close button cancel; the task closes the dialog

private:
    void requestCancel()
    {
        m_progress.cancel();
        m_cancel->setEnabled(false);
        update();
    }

    Progress &m_progress;
    QLabel *m_stage;
    QProgressBar *m_bar;
    QLabel *m_detail;
    QPushButton *m_cancel;
};

bool g_running = false;
QPointer<QDialog> g_dialog;

} // namespace

bool backgroundTaskRunning()
{
    return g_running;
}

QDialog *runningTaskDialog()
{
    return g_dialog.data();
}

TaskResult runInBackground(QWidget *parent, const TaskOptions &options, const std::function<void(Progress &)> &work)
{
    TaskResult result;
    if (g_running) {
        result.status = TaskResult::Status::Failed;
        result.error = QStringLiteral("another long task is still running; wait for it to finish");
        return result;
    }
    g_running = true;
    QElapsedTimer clock;
    clock.start();

    Progress progress;
    QEventLoop loop;
    std::atomic<bool> finished{false};
    QThread *thread = QThread::create([&] {
        try {
            work(progress);
        } catch (const Cancelled &) {
            result.status = TaskResult::Status::Cancelled;
        } catch (const Error &e) {
            result.status = TaskResult::Status::Failed;
            result.error = e.message();
        } catch (const std::exception &e) {
            result.status = TaskResult::Status::Failed;
            result.error = QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what()));
        }
        finished = true; // before the loop hears of it, so that it sees the flag when it wakes
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("bagel-task"));
    thread->start();

    // First a short wait without user input (most work ends here and shows nothing) …
    QTimer showTimer;
    showTimer.setSingleShot(true);
    QObject::connect(&showTimer, &QTimer::timeout, &loop, &QEventLoop::quit);
    showTimer.start(std::max(0, options.showAfterMs));
    if (!finished.load())
        loop.exec(QEventLoop::ExcludeUserInputEvents);

    // … then the dialog, which takes input: Cancel.
    if (!finished.load()) {
        ProgressDialog dialog(progress, options.title, parent);
        g_dialog = &dialog;
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &dialog, &ProgressDialog::update);
        poll.start(100);
        dialog.show();
        while (!finished.load())
            loop.exec();
        poll.stop();
        g_dialog = nullptr;
        dialog.hide();
    }
    thread->wait();
    delete thread;
    result.seconds = double(clock.nsecsElapsed()) / 1e9;
    g_running = false;
    spdlog::info("{}: {} in {:.2f} s", options.title.toStdString(),
                 result.done() ? "done" : result.cancelled() ? "cancelled" : "failed", result.seconds);
    return result;
}

} // namespace bagel
