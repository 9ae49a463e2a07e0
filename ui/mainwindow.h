#pragma once

#include "backgroundtask.h"
#include "export/exporter.h"
#include "image/imageloader.h"
#include "latestresult.h"
#include "review/assignment.h"
#include "import/importer.h"
#include "queuepanel.h"
#include "review/reviewqueue.h"
#include "review/reviewsession.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QMainWindow>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QDragEnterEvent;
class QDropEvent;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTimer;

namespace bagel {

class AdjudicationPanel;
class AssignmentPanel;
class AuditWindow;
class ClassSearchPanel;
class FactsPanel;
class ImageView;
class Project;
class QueueListModel;
class ReportWindow;
class Settings;
class VerdictPanel;

/**
 * The review window: the queue of a model's apparent mistakes on the left, the image in the
 * middle, the item's facts and the verdict panel on the right. Every command is a QAction
 * with a stable id (its objectName) and a shortcut the user can change in the settings file.
 * Reviews are written by a ReviewWriter thread and shown as saved only once committed; each
 * is an undoable command on one stack across items.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /** How often the window looks for reviews other programs wrote to the project. */
    static constexpr int kWatchIntervalMs = 2000;
    /** The same for a project on a server: it announces every commit (LISTEN/NOTIFY), and reading that costs nothing. */
    static constexpr int kServerWatchIntervalMs = 250;

    explicit MainWindow(Settings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Opens \a path, replacing the current project; shows an error and returns false on failure. */
    bool openProject(const QString &path);
    /** Opens the last project, or on first start creates and opens the demo project. */
    void openStartupProject(const QString &demoDirectory);
    /**
     * Imports \a path as \a format on a worker thread, with a progress dialog whose Cancel
     * rolls the import back; once it is committed the queue and the models are read again.
     * The summary (or the error) is shown without blocking the window. Returns how it ended.
     */
    TaskResult importInBackground(ImportFormat format, const QString &path, const ImportOptions &options);
    /** What the window does with a file dropped on it: a project is opened, a data file offered for import. */
    void openDroppedPath(const QString &path);
    /** The message box that reported the last import, export or merge, while it is open. */
    QWidget *taskSummary() const;

    Project *project() const { return m_review->project(); }
    /** The reviewer's work on the open project: the writer, undo, what is saving or failed. */
    ReviewSession *reviewSession() const { return m_review; }
    QAction *action(const QString &id) const { return m_actions.value(id); }
    QList<QAction *> actions() const { return m_actions.values(); }
    QueueListModel *queueModel() const { return m_queue; }
    QueuePanel *queuePanel() const { return m_queuePanel; }
    ImageView *imageView() const { return m_view; }
    FactsPanel *factsPanel() const { return m_facts; }
    VerdictPanel *verdictPanel() const { return m_verdicts; }
    ClassSearchPanel *classSearchPanel() const { return m_classPanel; }
    AdjudicationPanel *adjudicationPanel() const { return m_adjudication; }
    /** The lead's view of the assignments of the model chosen: assigned and done per reviewer. */
    AssignmentPanel *assignmentPanel() const { return m_assignments; }
    /**
     * Reads the assignments of the model chosen and every reviewer's progress on them again,
     * into the assignment panel while it is shown: on a worker, with a connection of its own (a
     * pass over every review, 150–200 ms for 250,000); nothing is read while it is hidden. Called
     * when the project changes under the window.
     */
    void refreshAssignmentProgress();
    /** Waits until what refreshAssignmentProgress() reads is shown (tests). */
    void waitForAssignmentProgress() { m_progressRead->waitForFinished(); }
    /** Shown above the window while the project is open read-only, saying why. */
    QLabel *readOnlyBanner() const { return m_readOnlyBanner; }
    /** The audit window, once opened. */
    AuditWindow *auditWindow() const { return m_audit; }
    /**
     * Exports the project in \a format to \a path: every item, or with \a queueOnly the items
     * of the queue as filtered now. Throws Error.
     */
    ExportReport exportTo(ExportFormat format, const QString &path, bool queueOnly);
    /** Opens the audit window on the project. */
    void showAudit();
    /** Opens the Reports window on the project. */
    void showReports();
    /** Lead ▸ Leads…: names and removes the project's leads, who alone may adjudicate once any is named. */
    void showLeads();
    /** The Reports window, once opened. */
    ReportWindow *reportWindow() const { return m_reports; }
    /**
     * Shows the queue of \a model limited to the items whose original label is \a label and
     * whose top-1 is \a prediction (a confused pair of the report), from its first item.
     */
    void showPair(const QString &model, int label, int prediction);
    /**
     * Shows \a fileName in the queue of \a model (clearing the filters) with the adjudication
     * panel open; false when the item is not in that queue.
     */
    bool showUnit(const QString &fileName, const QString &model);
    /**
     * Goes to the item named \a text (its file name, or a part of it only one item's name
     * holds) in the queue; when the filters hide it, they are set aside, visibly. Returns
     * what went wrong (no such item, several match), or an empty string once it is shown.
     */
    QString goToItem(const QString &text);
    /** Puts back the model, filters and item that showing one item set aside. */
    void restoreQueue();
    QUndoStack *undoStack() { return m_review->undoStack(); }
    ImageLoader *imageLoader() { return &m_loader; }
    /** The thread that saves reviews, while a project is open. */
    ReviewWriter *reviewWriter() const { return m_review->writer(); }

    /** The item shown, or empty. */
    QString currentFileName() const;
    int currentPosition() const { return m_position; }
    void setFilter(const QueueFilter &filter);
    void setReviewer(const QString &name);
    /** Asks for the reviewer's name unless the settings know it (first start); false if none given. */
    bool ensureReviewer();
    /** Waits until every review sent to the writer is committed. */
    void flushWrites();
    /** Whether the queue and the class panel's items are being read again on a worker (after an import or a merge). */
    bool isReloading() const { return m_reload->isBusy(); }
    /** Waits until what reloadInBackground() reads is shown (tests, benchmarks). */
    void waitForReload() { m_reload->waitForFinished(); }
    /** Turns decoding the next items ahead of time on or off (benchmarks of the cold path). */
    void setPrefetchEnabled(bool on) { m_prefetch = on; }

    /** Reviews the writer could not save (a full disk, a lost file), kept to be sent again. */
    int failedWrites() const { return m_review->failedCount(); }
    /** Sends every failed request again, in the order they were first made. */
    void retryFailedWrites();

Q_SIGNALS:
    /** The item at the queue position is shown (its image may still be loading). */
    void itemShown(const QString &fileName);
    /** The image of the current item was drawn (not a placeholder). */
    void imageShown(const QString &fileName);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    // mainwindow.cpp: the window, its actions and menus, settings; mainwindow_project.cpp: opening,
    // closing and importing into projects, the getting-started page, the images folder
    void createActions();
    /** Shrinks and moves the window back onto its screen after a dock asked for more room. */
    void keepOnScreen();
    /** The page shown instead of the image while the project has nothing to review. */
    QWidget *createGettingStarted();
    /** Shows the getting-started page for an empty project, the image otherwise. */
    void updateGettingStarted();
    /** File ▸ Set the images folder…: where the project's relative image paths start. */
    void chooseImagesFolder();
    /** Shows the banner that offers to locate the images when none of the project's is found. */
    void checkImagesFound();
    void createMenus();
    QueuePanel *createQueuePanel();
    void rebuildRecentMenu();
    void newProject();
    void chooseProject();
    /** File ▸ Open server project…: asks for a postgresql:// URI. */
    void chooseServerProject();
    /** Opens \a path; for a server that asks for a password, asks for it (kept in memory only) and tries again. */
    std::unique_ptr<Project> openAskingPassword(const QString &path);
    /** What the window calls a project: a file's name, or a server project's name and database. */
    static QString shortName(const QString &path);
    void importFile();
    /** The import dialog on \a path (empty: none yet); imports what it is confirmed with. */
    void runImportDialog(const QString &path);
    /** Shows the outcome of long work in a message box that does not block the window. */
    void showTaskSummary(const QString &title, const QString &text, bool failed);

    // mainwindow_lead.cpp: other reviewers' work, the audit, adjudication
    void mergeReviews();
    /** Shows what other programs committed to the project since the last look. */
    void checkForOtherWriters();
    void updateAdjudication();
    void changeReviewer();
    /** Makes \a name the reviewer once it is a valid name; says why not otherwise. */
    void adoptReviewer(const QString &name);
    void toggleBlindMode(bool on);
    void showShortcuts();
    void closeProject();
    void restoreState();

    /** What reloadInBackground() reads on its worker. */
    struct Reload
    {
        QString project;                ///< the path it was read from
        QVector<ModelRecord> models;
        ModelId model = 0;              ///< the model whose queue \a rows is
        QVector<QueueRow> rows;
        QHash<int, QVector<ItemRecord>> itemsByClass;
        QString error;
    };
    /**
     * After an import or a merge: the models, the queue and the class panel's items are read
     * again on a worker with a connection of its own, while the window goes on showing (and
     * saving) what it has; then shown at once, staying on the item shown.
     */
    void reloadInBackground();
    void applyReload(Reload reload);

    // mainwindow_queue.cpp: the queue, its filters and moving through it
    /** Reads the queue of the model chosen; stays on the item shown (or \a keep, or the last one). */
    void loadQueue(const QString &keep = {});
    /** Filters and sorts the queue as the panel says; stays on the item shown (or \a keep). */
    void applyFilter(const QString &keep = {});
    /**
     * After the queue is read: the "Assigned to me" box shows how many units are assigned to the
     * reviewer; when a project, model and reviewer first come together with assignments (or the
     * reviewer's first units arrive), it is turned on (and "Model mistakes only" off: the
     * assignment is the queue), and a lead sees the assignment panel.
     */
    void applyAssignments();
    void goTo(int position);
    void step(int delta);
    /** On to the next item of the queue without my verdict, going round past the end. */
    void goToNextNotReviewed();
    /** Asks for a file name and goes there (Go ▸ Go to item…). */
    void chooseItem();
    /**
     * Shows \a fileName of the current model's queue; when the filters hide it, they are set
     * aside first (and the reviewer told \a why, with a way back). False: not in the queue.
     */
    bool reveal(const QString &fileName, const QString &why);

    // mainwindow_review.cpp: the image, verdicts and undo
    /** Before the project goes: commits what is pending and asks what to do with reviews that failed; false: cancelled. */
    bool settleFailedWrites();
    void showCurrent();
    void showDetails();
    void showImage(const QString &path, const DecodedImage &image);
    /** The verdict panel shows my verdict, category and severity on \a item, as saved. */
    void showMine(ItemId item);
    void onImageReady(const QString &path, QSize target, const DecodedImage &image);
    /** showDetails() for the item shown under \a ticket, once, unless another item came since. */
    void showDetailsFor(quint64 ticket);
    void prefetchAhead();
    void recordVerdict(Verdict verdict);
    void recordLabelEdit(int classIndex, LabelEdit edit);
    void showComparison();
    /** Connects the review session's signals: what is saving, saved and failed, shown in the panels. */
    void connectReviewSession();
    void onSending(ItemId item, const QString &fileName, ReviewSession::Request request, const QString &what);
    void onWritten(ItemId item, const QString &fileName);
    void onWriteFailed(ItemId item, const QString &fileName, const QString &message);
    void updateRetry();
    void refreshItem(const QString &fileName);
    void updateProgress();
    ModelId currentModel() const;
    ReviewerId me() const;
    QString imagePathOf(const QueueRow &row) const;

    Settings &m_settings;
    ReviewSession *m_review; ///< the project, the writer, undo; a child of the window
    LatestResult<Reload> *m_reload;
    /** What refreshAssignmentProgress() reads on its worker. */
    struct ProgressRead
    {
        QString project;
        ModelId model = 0;
        QVector<AssignmentProgress> progress;
        QString error;
    };
    LatestResult<ProgressRead> *m_progressRead;
    QStringList m_writtenDuringReload; ///< items saved while the reload read: shown again after it
    QSet<ItemId> m_undoneOrRedone; ///< items an undo or redo is saving for: the verdict panel follows once saved
    ImageLoader m_loader;
    QHash<QString, QAction *> m_actions;
    QPushButton *m_retryButton = nullptr;
    QLabel *m_readOnlyBanner = nullptr;
    QWidget *m_missingBanner = nullptr;
    QLabel *m_missingText = nullptr;
    QStackedWidget *m_viewStack = nullptr;
    QLabel *m_gettingStartedText = nullptr;
    bool m_blind = true;
    int m_position = -1;
    bool m_prefetch = true;
    int m_direction = 1;
    /** How long the facts of an item whose image is still decoding wait for the image at most. */
    static constexpr int kColdDetailsDelayMs = 40;
    quint64 m_detailsTicket = 0;  ///< counts the items shown
    quint64 m_detailsShown = 0;   ///< the ticket whose facts are shown
    bool m_detailsAfterImage = false; ///< the facts wait for the image being decoded
    QString m_shownPath;

    QueueListModel *m_queue = nullptr;
    QSplitter *m_splitter = nullptr;
    ImageView *m_view = nullptr;
    FactsPanel *m_facts = nullptr;
    VerdictPanel *m_verdicts = nullptr;
    ClassSearchPanel *m_classPanel = nullptr;
    AdjudicationPanel *m_adjudication = nullptr;
    AssignmentPanel *m_assignments = nullptr;
    QString m_assignmentsSeen; ///< the project, model and reviewer applyAssignments() last set the defaults for
    bool m_mistakesOnlyAside = false; ///< applyAssignments() turned "Model mistakes only" off, to be turned on again without assignments
    AuditWindow *m_audit = nullptr;
    ReportWindow *m_reports = nullptr;
    QTimer *m_watchTimer = nullptr;
    qint64 m_dataVersion = 0;
    qint64 m_assignmentsVersion = 0; ///< the server's, when the queue was last read
    bool m_serverDown = false;
    bool m_reviewerIsRole = false; ///< the reviewer is a server project's role, not the name in the settings ///< the server project's connection was lost and not yet made again
    QueuePanel *m_queuePanel = nullptr;
    QComboBox *m_modelBox = nullptr; ///< the queue panel's choice of model
    /** What the reviewer had set when showing one item set the filters aside. */
    struct SetAside
    {
        QString project;
        QueuePanel::Fields fields;
        QString fileName; ///< the item the reviewer was at
    };
    std::optional<SetAside> m_setAside;
    QLabel *m_info = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace bagel
