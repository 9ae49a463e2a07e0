#pragma once

#include "latestresult.h"
#include "reportcharts.h"

#include <QWidget>

#include <functional>
#include <memory>

class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;
class QTableWidget;

namespace bagel {

class Progress;
class Project;
class TaskProgress;

/**
 * What the review changed, per model: the accuracies before and after, the paper's Table 2 as
 * a table and a chart, the most-confused class pairs as a table and a long-tail chart, and the
 * agreement between reviewers. Each chart saves as PNG or SVG; the whole report saves as one
 * HTML file with the charts in it. The project is read on a worker thread, through a read-only
 * connection of the worker's own, as the audit window does; while it computes, the window
 * shows the rows done, the rate and the time left, and a Cancel button.
 */
class ReportWindow final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportWindow)

public:
    explicit ReportWindow(QWidget *parent = nullptr);
    ~ReportWindow() override;

    void setProject(Project *project);
    /** Reads the project again and recomputes the report. */
    void refresh();
    /** Waits for the computation or the HTML file in flight (tests). */
    void waitForResults();
    /** The report shown, once computed. */
    std::shared_ptr<const Report> report() const { return m_report; }
    /** The report of the model chosen, or null. */
    const ModelReport *currentModel() const;

    QComboBox *modelBox() const { return m_model; }
    QTableWidget *figuresTable() const { return m_figures; }
    QTableWidget *table2Table() const { return m_table2; }
    /** Every confused pair of the model chosen; double-clicking one asks to review its items. */
    QTableView *pairsTable() const { return m_pairs; }
    QChartView *table2View() const { return m_table2View; }
    QChartView *pairsView() const { return m_pairsView; }
    QTableWidget *agreementTable() const { return m_agreement; }
    QLabel *statusLabel() const { return m_status; }
    /** The computation's progress: bar, rows done, rate, time left and Cancel. */
    TaskProgress *progressStrip() const { return m_progress; }
    /** Shown after a computation was cancelled: computes the report again. */
    QPushButton *computeAgainButton() const { return m_again; }
    /** Whether the report or the HTML file is being computed (a busy bar shows it). */
    bool isBusy() const;
    /** Stops the computation in flight (the Cancel button); the figures shown stay as they were. */
    void cancel();

    /**
     * Tests: called on the worker with the computation's Progress before it starts, e.g. to set
     * a check hook that holds the work at a chosen point.
     */
    void setProgressHookForTests(std::function<void(Progress &)> hook) { m_progressHook = std::move(hook); }

    /** Saves the chart \a kind of the model chosen to \a path (PNG or SVG by extension). Throws Error. */
    void saveChart(charts::Kind kind, const QString &path);
    /**
     * Writes the HTML report, every model's charts in it, to \a path on a worker thread; the
     * status line says when it is done or why it failed.
     */
    void saveHtml(const QString &path);

Q_SIGNALS:
    /** The project is about to be read: whoever has writes pending should commit them now. */
    void aboutToRead();
    /** Show the items of \a model whose original label is \a label and whose top-1 is \a prediction. */
    void openPairRequested(const QString &model, int label, int prediction);

private:
    struct Results;
    void showReport();
    void showModel();
    void askToSaveChart(charts::Kind kind);
    void askToSaveHtml();
    void showPairTip(const QPointF &point, bool state);
    void showCancelled();
    void fitTable2();

    Project *m_project = nullptr;
    std::shared_ptr<const Report> m_report;
    LatestResult<std::shared_ptr<const Results>> *m_computing; ///< the report; a refresh overtakes the one in flight
    LatestResult<QString> *m_writing;                          ///< the HTML file: one at a time, the error or nothing

    QComboBox *m_model;
    QLabel *m_status;
    TaskProgress *m_progress;      ///< the report's computation
    TaskProgress *m_writeProgress; ///< the HTML file's
    QPushButton *m_again;          ///< after Cancel: compute again
    std::function<void(Progress &)> m_progressHook;
    QPushButton *m_refresh;
    QPushButton *m_saveHtml;
    QTableWidget *m_figures;
    QTabWidget *m_tabs;
    QTableWidget *m_table2;
    QChartView *m_table2View;
    QLabel *m_table2Note; ///< the apparent mistakes nobody reviewed, which Table 2 leaves out
    QTableView *m_pairs;
    QLabel *m_pairsNote; ///< how many mistakes the pairs count
    QChartView *m_pairsView;
    QTableWidget *m_agreement;
};

} // namespace bagel
