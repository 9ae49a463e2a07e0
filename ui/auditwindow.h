#pragma once

#include "audit/audit.h"
#include "latestresult.h"

#include <QWidget>

#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace bagel {

class Progress;
class Project;
class TaskProgress;

/**
 * The lead's audit: agreement statistics with their 95% intervals, a reviewer × reviewer heatmap
 * of Cohen's κ, reviewer statistics, breakdowns, the confusion matrix of two reviewers and the
 * disagreement queue, from which a unit opens in the review window for adjudication. The
 * project is read and the statistics computed on a worker thread, through a read-only
 * connection of the worker's own; meanwhile the window shows the rows read and the resamples
 * drawn, the rate and the time left, and a Cancel button.
 */
class AuditWindow final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditWindow)

public:
    explicit AuditWindow(QWidget *parent = nullptr);
    ~AuditWindow() override;

    /** Reads the project again and recomputes everything. */
    void setProject(Project *project);
    void refresh();
    /** Waits for the computation in flight (tests). */
    void waitForResults();
    /** Whether the project is being read or the statistics computed (the progress strip shows it). */
    bool isBusy() const { return m_computing->isBusy(); }
    /** Stops the reading or computing in flight (the Cancel button); what is shown stays as it was. */
    void cancel();
    /** The reading's and computation's progress: bar, done of total, rate, time left and Cancel. */
    TaskProgress *progressStrip() const { return m_progress; }
    /** Shown after a cancelled reading or computation: starts it again. */
    QPushButton *computeAgainButton() const { return m_again; }
    QLabel *statusLabel() const { return m_status; }
    /**
     * Tests: called on the worker with the computation's Progress before it starts, e.g. to set
     * a check hook that holds the work at a chosen point.
     */
    void setProgressHookForTests(std::function<void(Progress &)> hook) { m_progressHook = std::move(hook); }
    /** What the window shows, once read. */
    std::shared_ptr<const AuditSnapshot> snapshot() const;

    QTableWidget *summaryTable() const { return m_summary; }
    QTableWidget *heatmap() const { return m_heatmap; }
    QTableWidget *disagreementTable() const { return m_queue; }
    QTableWidget *breakdownTable() const { return m_breakdown; }
    QTableWidget *reviewerTable() const { return m_reviewerStats; }
    QComboBox *fieldBox() const { return m_field; }

    /**
     * The selected cells of the table in use (all of it when nothing is selected) as
     * tab-separated text with its headers, as Ctrl+C puts it on the clipboard.
     */
    QString selectionText() const;
    void copySelection();

    /** Opens the disagreement queue's row \a row in the review window. */
    void openRow(int row);

Q_SIGNALS:
    void openUnitRequested(const QString &fileName, const QString &model);
    /** The project is about to be read: whoever has writes pending should commit them now. */
    void aboutToRead();

private:
    struct Results;
    void compute();
    /** Reads the project at \a projectPath (when \a snapshot is null) and computes, on a worker thread. */
    void start(const QString &projectPath, std::shared_ptr<const AuditSnapshot> snapshot);
    void adoptSnapshot(std::shared_ptr<const AuditSnapshot> snapshot);
    void showResults();
    void showCancelled();
    void showConfusion();
    AuditOptions options() const;

    Project *m_project = nullptr;
    std::shared_ptr<const AuditSnapshot> m_snapshot;
    std::shared_ptr<const Results> m_results;
    LatestResult<std::shared_ptr<const Results>> *m_computing; ///< a newer computation overtakes the one in flight

    QComboBox *m_field;
    QComboBox *m_model;
    QCheckBox *m_fold;
    QComboBox *m_by;
    QComboBox *m_confusionA;
    QComboBox *m_confusionB;
    QLabel *m_status;
    QLabel *m_leads; ///< who may adjudicate, or that anyone may while no lead is named
    TaskProgress *m_progress;
    QPushButton *m_again; ///< after Cancel: read or compute again
    bool m_cancelledRead = false; ///< the cancelled task was reading the project, not only computing
    std::function<void(Progress &)> m_progressHook;
    QTabWidget *m_tabs;
    QTableWidget *m_summary;
    QTableWidget *m_heatmap;
    QTableWidget *m_reviewerStats;
    QTableWidget *m_breakdown;
    QTableWidget *m_confusion;
    QTableWidget *m_queue;
};

} // namespace bagel
