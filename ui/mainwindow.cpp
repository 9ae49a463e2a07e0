// MainWindow: the window, its actions and menus, opening projects, settings.
// The review itself (queue, images, verdicts, undo) is in mainwindow_review.cpp.

#include "mainwindow.h"

#include "catalog/classcatalog.h"
#include "demo.h"
#include "error.h"
#include "adjudicationpanel.h"
#include "assignmentpanel.h"
#include "auditwindow.h"
#include "reportwindow.h"
#include "classsearchpanel.h"
#include "exportdialog.h"
#include "backgroundtask.h"
#include "dialogs.h"
#include "factspanel.h"
#include "import/importer.h"
#include "importdialog.h"
#include "imageview.h"
#include "progress.h"
#include "project.h"
#include "queuepanel.h"
#include "review/queuelistmodel.h"
#include "settings.h"
#include "verdictpanel.h"

#include <QAction>
#include <QTimer>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeySequenceEdit>
#include <QPushButton>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QHBoxLayout>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

namespace bagel {

namespace {

/** The table of actions: stable id, text, default shortcuts. Ids are what settings store. */
struct ActionSpec
{
    const char *id;
    const char *text;
    QList<QKeySequence> keys;
};

QList<ActionSpec> actionTable()
{
    using K = QKeySequence;
    return {
        {"file.new", QT_TRANSLATE_NOOP("MainWindow", "&New project…"), {K(K::New)}},
        {"file.open", QT_TRANSLATE_NOOP("MainWindow", "&Open project…"), {K(K::Open)}},
        {"file.openServer", QT_TRANSLATE_NOOP("MainWindow", "Open &server project…"), {}},
        {"file.demo", QT_TRANSLATE_NOOP("MainWindow", "Open the &demo project"), {}},
        {"file.import", QT_TRANSLATE_NOOP("MainWindow", "&Import…"), {K(Qt::CTRL | Qt::Key_I)}},
        {"file.merge", QT_TRANSLATE_NOOP("MainWindow", "Import reviews from &project…"), {}},
        {"file.export", QT_TRANSLATE_NOOP("MainWindow", "&Export…"), {K(Qt::CTRL | Qt::SHIFT | Qt::Key_E)}},
        {"file.imagesFolder", QT_TRANSLATE_NOOP("MainWindow", "Set the &images folder…"), {}},
        {"file.quit", QT_TRANSLATE_NOOP("MainWindow", "&Quit"), {K(K::Quit)}},
        {"edit.undo", QT_TRANSLATE_NOOP("MainWindow", "&Undo"), {K(Qt::CTRL | Qt::Key_Z)}},
        {"edit.redo", QT_TRANSLATE_NOOP("MainWindow", "&Redo"), {K(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), K(Qt::CTRL | Qt::Key_Y)}},
        {"edit.reviewer", QT_TRANSLATE_NOOP("MainWindow", "Change &reviewer…"), {}},
        {"edit.blind", QT_TRANSLATE_NOOP("MainWindow", "&Blind mode (hide others' verdicts until mine is recorded)"), {}},
        {"edit.note", QT_TRANSLATE_NOOP("MainWindow", "Edit the &note"), {K(Qt::Key_E)}},
        {"edit.retry", QT_TRANSLATE_NOOP("MainWindow", "Re&try saving the reviews that failed"), {K(Qt::CTRL | Qt::Key_R)}},
        {"queue.search", QT_TRANSLATE_NOOP("MainWindow", "&Search the queue"), {K(K::Find)}},
        {"classes.search", QT_TRANSLATE_NOOP("MainWindow", "Search the &classes"), {K(Qt::Key_Slash)}},
        {"view.compare", QT_TRANSLATE_NOOP("MainWindow", "&Compare with examples of the label and the prediction"), {K(Qt::Key_C)}},
        {"go.next", QT_TRANSLATE_NOOP("MainWindow", "&Next item"), {K(Qt::Key_Right), K(Qt::Key_J)}},
        {"go.previous", QT_TRANSLATE_NOOP("MainWindow", "&Previous item"), {K(Qt::Key_Left), K(Qt::Key_K)}},
        {"go.nextNotReviewed", QT_TRANSLATE_NOOP("MainWindow", "Next item I have &not reviewed"), {K(Qt::Key_U)}},
        {"go.first", QT_TRANSLATE_NOOP("MainWindow", "&First item"), {K(Qt::Key_Home)}},
        {"go.last", QT_TRANSLATE_NOOP("MainWindow", "&Last item"), {K(Qt::Key_End)}},
        {"go.pageDown", QT_TRANSLATE_NOOP("MainWindow", "One page &down the queue"), {K(Qt::Key_PageDown)}},
        {"go.pageUp", QT_TRANSLATE_NOOP("MainWindow", "One page &up the queue"), {K(Qt::Key_PageUp)}},
        {"go.item", QT_TRANSLATE_NOOP("MainWindow", "&Go to item…"), {K(Qt::CTRL | Qt::Key_G)}},
        {"verdict.correct", QT_TRANSLATE_NOOP("MainWindow", "Correct"), {K(Qt::Key_1)}},
        {"verdict.wrong", QT_TRANSLATE_NOOP("MainWindow", "Wrong"), {K(Qt::Key_2)}},
        {"verdict.unclear", QT_TRANSLATE_NOOP("MainWindow", "Unclear"), {K(Qt::Key_3)}},
        {"verdict.problematic", QT_TRANSLATE_NOOP("MainWindow", "Problematic"), {K(Qt::Key_4)}},
        {"category.fine-grained", QT_TRANSLATE_NOOP("MainWindow", "Fine-grained"), {K(Qt::Key_F)}},
        {"category.fine-grained-oov", QT_TRANSLATE_NOOP("MainWindow", "Fine-grained OOV"), {K(Qt::Key_O)}},
        {"category.spurious-correlation", QT_TRANSLATE_NOOP("MainWindow", "Spurious correlation"), {K(Qt::Key_S)}},
        {"category.non-prototypical", QT_TRANSLATE_NOOP("MainWindow", "Non-prototypical"), {K(Qt::Key_P)}},
        {"category.other", QT_TRANSLATE_NOOP("MainWindow", "Other"), {K(Qt::Key_X)}},
        {"spurious.over-reliance-on-context", QT_TRANSLATE_NOOP("MainWindow", "Over-reliance on context"), {K(Qt::SHIFT | Qt::Key_S)}},
        {"spurious.lack-of-context", QT_TRANSLATE_NOOP("MainWindow", "Lack of context"), {K(Qt::SHIFT | Qt::Key_L)}},
        {"severity.major", QT_TRANSLATE_NOOP("MainWindow", "Major"), {K(Qt::Key_M)}},
        {"severity.minor", QT_TRANSLATE_NOOP("MainWindow", "Minor"), {K(Qt::Key_N)}},
        {"severity.borderline", QT_TRANSLATE_NOOP("MainWindow", "Borderline"), {K(Qt::Key_B)}},
        {"view.fit", QT_TRANSLATE_NOOP("MainWindow", "&Fit to window"), {K(Qt::CTRL | Qt::Key_0)}},
        {"view.actual", QT_TRANSLATE_NOOP("MainWindow", "&Actual size (1:1)"), {K(Qt::CTRL | Qt::Key_1)}},
        {"view.zoomIn", QT_TRANSLATE_NOOP("MainWindow", "Zoom &in"), {K(K::ZoomIn), K(Qt::Key_Plus), K(Qt::Key_Equal)}},
        {"view.zoomOut", QT_TRANSLATE_NOOP("MainWindow", "Zoom &out"), {K(K::ZoomOut), K(Qt::Key_Minus)}},
        {"view.keepZoom", QT_TRANSLATE_NOOP("MainWindow", "&Keep the zoom from item to item"), {}},
        {"audit.open", QT_TRANSLATE_NOOP("MainWindow", "&Audit: agreement and disagreements…"), {K(Qt::CTRL | Qt::SHIFT | Qt::Key_A)}},
        {"audit.adjudicate", QT_TRANSLATE_NOOP("MainWindow", "A&djudication panel"), {K(Qt::CTRL | Qt::SHIFT | Qt::Key_J)}},
        {"audit.leads", QT_TRANSLATE_NOOP("MainWindow", "&Leads: who may adjudicate…"), {}},
        {"audit.assignments", QT_TRANSLATE_NOOP("MainWindow", "A&ssignments: assigned and done per reviewer"), {}},
        {"report.open", QT_TRANSLATE_NOOP("MainWindow", "&Reports: accuracy, Table 2, confused pairs…"), {K(Qt::CTRL | Qt::SHIFT | Qt::Key_R)}},
        {"help.shortcuts", QT_TRANSLATE_NOOP("MainWindow", "&Keyboard shortcuts"), {K(Qt::Key_F1), K(Qt::Key_Question)}},
        {"help.vocabulary", QT_TRANSLATE_NOOP("MainWindow", "&Verdicts and categories explained"), {}},
        {"help.about", QT_TRANSLATE_NOOP("MainWindow", "&About Bagel"), {}},
    };
}

} // namespace

MainWindow::MainWindow(Settings &settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_review(new ReviewSession(this))
    , m_reload(new LatestResult<Reload>(this))
    , m_progressRead(new LatestResult<ProgressRead>(this))
    , m_queue(new QueueListModel(ClassCatalog::imagenet1k(), this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true); // a project dropped on the window opens; a data file is offered for import
    setWindowTitle(QStringLiteral("Bagel"));
    createActions();

    m_view = new ImageView(this);
    m_view->setKeepZoom(m_settings.keepZoom());
    connect(m_view, &ImageView::painted, this, [this] {
        if (m_view->hasImage() && !m_shownPath.isEmpty())
            Q_EMIT imageShown(currentFileName());
    });
    m_facts = new FactsPanel(this);
    m_verdicts = new VerdictPanel(m_actions, this);
    m_verdicts->setAutoAdvance(m_settings.autoAdvance());
    connect(m_verdicts, &VerdictPanel::autoAdvanceToggled, this, [this](bool on) { m_settings.setAutoAdvance(on); });

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    // The facts scroll (six models' top-5 do not fit); the verdict controls stay in view below.
    auto *factsScroll = new QScrollArea(side);
    factsScroll->setObjectName(QStringLiteral("factsScroll"));
    factsScroll->setWidget(m_facts);
    factsScroll->setWidgetResizable(true);
    factsScroll->setFrameShape(QFrame::NoFrame);
    factsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    factsScroll->setMinimumHeight(120);
    sideLayout->addWidget(factsScroll, 1);
    sideLayout->addWidget(m_verdicts);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(createQueuePanel());
    // The image, or, while the project has nothing to review yet, what to import.
    m_viewStack = new QStackedWidget(this);
    m_viewStack->addWidget(m_view);
    m_viewStack->addWidget(createGettingStarted());
    m_splitter->addWidget(m_viewStack);
    m_splitter->addWidget(side);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({400, 600, 340}); // the queue is a table of seven columns
    // Above everything, when the project cannot be written: say so before anyone starts reviewing.
    m_readOnlyBanner = new QLabel(this);
    m_readOnlyBanner->setObjectName(QStringLiteral("readOnlyBanner"));
    m_readOnlyBanner->setWordWrap(true);
    m_readOnlyBanner->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; border-bottom: 1px solid #e0c36b; padding: 6px 10px; }"));
    m_readOnlyBanner->hide();
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_readOnlyBanner);
    // Every image missing: the images were moved, or the project came without them.
    m_missingBanner = new QWidget(this);
    m_missingBanner->setObjectName(QStringLiteral("missingImagesBanner"));
    m_missingBanner->setStyleSheet(QStringLiteral("#missingImagesBanner { background: #fde2e1; border-bottom: 1px solid #e6a19c; }"
                                                  " QLabel { color: #6b1a14; }"));
    auto *missingLayout = new QHBoxLayout(m_missingBanner);
    missingLayout->setContentsMargins(10, 4, 10, 4);
    m_missingText = new QLabel(m_missingBanner);
    m_missingText->setWordWrap(true);
    missingLayout->addWidget(m_missingText, 1);
    auto *locate = new QPushButton(tr("Locate the images folder…"), m_missingBanner);
    locate->setObjectName(QStringLiteral("locateImages"));
    connect(locate, &QPushButton::clicked, this, &MainWindow::chooseImagesFolder);
    missingLayout->addWidget(locate);
    m_missingBanner->hide();
    centralLayout->addWidget(m_missingBanner);
    centralLayout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_classPanel = new ClassSearchPanel(this);
    addDockWidget(Qt::RightDockWidgetArea, m_classPanel);
    m_classPanel->hide();
    connect(m_classPanel, &ClassSearchPanel::labelRequested, this, &MainWindow::recordLabelEdit);
    connect(m_classPanel, &ClassSearchPanel::trueObjectChosen, this, [this](const QString &wnid, const QString &name) {
        m_verdicts->setTrueObject(wnid, name);
        statusBar()->showMessage(tr("%1 will be recorded as the true object with your next 'wrong' verdict").arg(name), 5000);
    });
    connect(m_classPanel, &ClassSearchPanel::dismissed, this, [this] { m_view->setFocus(); });
    // The queue's class filters search as the class panel does, WordNet groups included once read.
    connect(m_classPanel, &ClassSearchPanel::classIndexChanged, this, [this] { m_queuePanel->setClassSearch(m_classPanel->classIndex()); });
    connect(m_classPanel, &QDockWidget::visibilityChanged, this, &MainWindow::keepOnScreen);

    m_adjudication = new AdjudicationPanel(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_adjudication);
    m_adjudication->hide();
    connect(m_adjudication, &AdjudicationPanel::leadsRequested, this, &MainWindow::showLeads);
    connectReviewSession();
    connect(m_adjudication, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        const QSignalBlocker block(action(QStringLiteral("audit.adjudicate")));
        action(QStringLiteral("audit.adjudicate"))->setChecked(visible);
        if (visible)
            updateAdjudication();
        keepOnScreen();
    });
    connect(this, &MainWindow::itemShown, this, [this] {
        if (m_adjudication->isVisible())
            updateAdjudication();
    });

    m_assignments = new AssignmentPanel(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_assignments);
    m_assignments->hide();
    connect(m_assignments, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        const QSignalBlocker block(action(QStringLiteral("audit.assignments")));
        action(QStringLiteral("audit.assignments"))->setChecked(visible);
        if (visible)
            refreshAssignmentProgress();
        keepOnScreen();
    });

    // Other reviewers may write to the same file (another Bagel, bagel-cli): look for their
    // commits now and then and show them on the item at hand.
    m_watchTimer = new QTimer(this);
    m_watchTimer->setInterval(kWatchIntervalMs);
    connect(m_watchTimer, &QTimer::timeout, this, &MainWindow::checkForOtherWriters);
    m_watchTimer->start();

    m_info = new QLabel(this);
    m_info->setObjectName(QStringLiteral("infoLine"));
    // At the right, at its own width: the stretch goes to the messages the window shows.
    statusBar()->addPermanentWidget(m_info);
    m_retryButton = new QPushButton(this);
    m_retryButton->setObjectName(QStringLiteral("retrySaving"));
    m_retryButton->setStyleSheet(QStringLiteral("color: #c0392b; font-weight: bold"));
    m_retryButton->hide();
    connect(m_retryButton, &QPushButton::clicked, this, &MainWindow::retryFailedWrites);
    statusBar()->addPermanentWidget(m_retryButton);

    createMenus();
    connect(&m_loader, &ImageLoader::ready, this, &MainWindow::onImageReady);
    connect(m_view, &ImageView::zoomChanged, this, [this](double zoom) {
        // Zoomed in beyond the fitted size, the view needs the full-size decode.
        if (!m_view->isFitted() && m_view->hasImage() && m_view->imageSize().width() < m_view->fullSize().width()) {
            if (const DecodedImage *full = m_loader.request(m_shownPath, QSize()))
                showImage(m_shownPath, *full);
        }
        if (!m_shownPath.isEmpty() && m_view->hasImage()) {
            m_info->setText(tr("%1 — %2 × %3 px — %4 %")
                                .arg(currentFileName())
                                .arg(m_view->fullSize().width())
                                .arg(m_view->fullSize().height())
                                .arg(qRound(zoom * 100)));
        }
    });
    restoreState();
    resize(1300, 820);
    if (!m_settings.windowGeometry().isEmpty())
        restoreGeometry(m_settings.windowGeometry());
    if (!m_settings.windowState().isEmpty())
        QMainWindow::restoreState(m_settings.windowState());
    keepOnScreen();
    m_view->setPlaceholder(tr("No project open.\nFile ▸ Open… a .bagel project, or File ▸ Open the demo project."));
}

void MainWindow::keepOnScreen()
{
    // Showing or closing a dock may ask for more room than the screen has: the window shrinks
    // back onto the screen instead, and the panels scroll or elide.
    QTimer::singleShot(0, this, [this] {
        const QScreen *screen = this->screen();
        if (!screen || isMaximized() || isFullScreen())
            return;
        const QRect available = screen->availableGeometry();
        QRect frame = frameGeometry();
        const QSize extra = frame.size() - size(); // the window manager's decoration
        const QSize fits(std::min(width(), available.width() - extra.width()), std::min(height(), available.height() - extra.height()));
        if (fits != size())
            resize(fits);
        frame = frameGeometry();
        QPoint at = frame.topLeft();
        at.setX(std::clamp(at.x(), available.left(), std::max(available.left(), available.right() - frame.width() + 1)));
        at.setY(std::clamp(at.y(), available.top(), std::max(available.top(), available.bottom() - frame.height() + 1)));
        if (at != frame.topLeft())
            move(at);
    });
}

MainWindow::~MainWindow()
{
    // Destroying the widgets hides the docks, whose visibility signals must not reach a window
    // that is half gone.
    disconnect(m_adjudication, nullptr, this, nullptr);
    disconnect(m_assignments, nullptr, this, nullptr);
    disconnect(m_classPanel, nullptr, this, nullptr);
    closeProject();
}

void MainWindow::createActions()
{
    const QMap<QString, QKeySequence> overrides = m_settings.shortcuts();
    for (const ActionSpec &spec : actionTable()) {
        const QString id = QLatin1String(spec.id);
        auto *action = new QAction(tr(spec.text), this);
        action->setObjectName(id);
        action->setShortcuts(overrides.contains(id) ? QList<QKeySequence>{overrides.value(id)} : spec.keys);
        action->setShortcutContext(Qt::WindowShortcut);
        action->setToolTip(QString(tr(spec.text)).remove(QLatin1Char('&')));
        addAction(action); // so that shortcuts work whatever has the focus
        m_actions.insert(id, action);
    }

    connect(action(QStringLiteral("file.new")), &QAction::triggered, this, &MainWindow::newProject);
    connect(action(QStringLiteral("file.open")), &QAction::triggered, this, &MainWindow::chooseProject);
    connect(action(QStringLiteral("file.openServer")), &QAction::triggered, this, &MainWindow::chooseServerProject);
    connect(action(QStringLiteral("file.demo")), &QAction::triggered, this, [this] {
        openStartupProject(QString());
    });
    connect(action(QStringLiteral("file.import")), &QAction::triggered, this, &MainWindow::importFile);
    connect(action(QStringLiteral("file.merge")), &QAction::triggered, this, &MainWindow::mergeReviews);
    connect(action(QStringLiteral("file.imagesFolder")), &QAction::triggered, this, &MainWindow::chooseImagesFolder);
    connect(action(QStringLiteral("file.export")), &QAction::triggered, this, [this] {
        if (!project())
            return;
        ExportDialog dialog(projectFolder(project()->path()), m_queue->rowCount(), this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        try {
            const ExportReport report = exportTo(dialog.format(), dialog.path(), dialog.queueOnly());
            statusBar()->showMessage(report.summary(), 8000);
            showTaskSummary(tr("Export"), report.summary(), false);
        } catch (const Cancelled &) {
            statusBar()->showMessage(tr("Export cancelled; nothing was written."), 8000);
        } catch (const Error &e) {
            showTaskSummary(tr("Export failed; nothing was written"), e.message(), true);
        }
    });
    connect(action(QStringLiteral("audit.open")), &QAction::triggered, this, &MainWindow::showAudit);
    connect(action(QStringLiteral("audit.leads")), &QAction::triggered, this, &MainWindow::showLeads);
    connect(action(QStringLiteral("edit.retry")), &QAction::triggered, this, &MainWindow::retryFailedWrites);
    action(QStringLiteral("edit.retry"))->setEnabled(false);
    connect(action(QStringLiteral("report.open")), &QAction::triggered, this, &MainWindow::showReports);
    action(QStringLiteral("audit.assignments"))->setCheckable(true);
    connect(action(QStringLiteral("audit.assignments")), &QAction::toggled, this, [this](bool on) { m_assignments->setVisible(on); });
    action(QStringLiteral("audit.adjudicate"))->setCheckable(true);
    connect(action(QStringLiteral("audit.adjudicate")), &QAction::toggled, this, [this](bool on) {
        m_adjudication->setVisible(on);
        if (on)
            updateAdjudication();
    });
    connect(action(QStringLiteral("file.quit")), &QAction::triggered, this, &QWidget::close);
    connect(action(QStringLiteral("edit.undo")), &QAction::triggered, m_review->undoStack(), &QUndoStack::undo);
    connect(action(QStringLiteral("edit.redo")), &QAction::triggered, m_review->undoStack(), &QUndoStack::redo);
    connect(m_review->undoStack(), &QUndoStack::canUndoChanged, action(QStringLiteral("edit.undo")), &QAction::setEnabled);
    connect(m_review->undoStack(), &QUndoStack::canRedoChanged, action(QStringLiteral("edit.redo")), &QAction::setEnabled);
    action(QStringLiteral("edit.undo"))->setEnabled(false);
    action(QStringLiteral("edit.redo"))->setEnabled(false);
    connect(action(QStringLiteral("edit.reviewer")), &QAction::triggered, this, &MainWindow::changeReviewer);
    action(QStringLiteral("edit.blind"))->setCheckable(true);
    connect(action(QStringLiteral("edit.blind")), &QAction::toggled, this, &MainWindow::toggleBlindMode);
    connect(action(QStringLiteral("edit.note")), &QAction::triggered, this, [this] { m_verdicts->noteEdit()->setFocus(); });
    connect(action(QStringLiteral("queue.search")), &QAction::triggered, this, [this] {
        m_queuePanel->searchBox()->setFocus();
        m_queuePanel->searchBox()->selectAll();
    });
    connect(action(QStringLiteral("classes.search")), &QAction::triggered, this, [this] { m_classPanel->activate(); });
    connect(action(QStringLiteral("view.compare")), &QAction::triggered, this, &MainWindow::showComparison);
    connect(action(QStringLiteral("go.next")), &QAction::triggered, this, [this] { step(1); });
    connect(action(QStringLiteral("go.previous")), &QAction::triggered, this, [this] { step(-1); });
    connect(action(QStringLiteral("go.nextNotReviewed")), &QAction::triggered, this, &MainWindow::goToNextNotReviewed);
    connect(action(QStringLiteral("go.first")), &QAction::triggered, this, [this] { goTo(0); });
    connect(action(QStringLiteral("go.last")), &QAction::triggered, this, [this] { goTo(m_queue->rowCount() - 1); });
    connect(action(QStringLiteral("go.pageDown")), &QAction::triggered, this, [this] { goTo(m_position + m_queuePanel->rowsPerPage()); });
    connect(action(QStringLiteral("go.pageUp")), &QAction::triggered, this, [this] { goTo(std::max(0, m_position - m_queuePanel->rowsPerPage())); });
    connect(action(QStringLiteral("go.item")), &QAction::triggered, this, &MainWindow::chooseItem);
    for (const QString &name : verdictNames()) {
        const Verdict verdict = *parseVerdict(name);
        connect(action(QStringLiteral("verdict.") + name), &QAction::triggered, this, [this, verdict] { recordVerdict(verdict); });
    }
    for (const QString &name : categoryNames()) {
        const Category category = *parseCategory(name);
        connect(action(QStringLiteral("category.") + name), &QAction::triggered, this,
                [this, category] { m_verdicts->setCategory(category); });
    }
    for (const QString &name : spuriousKindNames()) {
        const SpuriousKind kind = *parseSpuriousKind(name);
        connect(action(QStringLiteral("spurious.") + name), &QAction::triggered, this,
                [this, kind] { m_verdicts->setSpuriousKind(kind); });
    }
    for (const QString &name : severityNames()) {
        const Severity severity = *parseSeverity(name);
        connect(action(QStringLiteral("severity.") + name), &QAction::triggered, this,
                [this, severity] { m_verdicts->setSeverity(severity); });
    }
    connect(action(QStringLiteral("view.fit")), &QAction::triggered, this, [this] { m_view->fit(); });
    connect(action(QStringLiteral("view.actual")), &QAction::triggered, this, [this] { m_view->actualSize(); });
    connect(action(QStringLiteral("view.zoomIn")), &QAction::triggered, this, [this] { m_view->zoomBy(1); });
    connect(action(QStringLiteral("view.zoomOut")), &QAction::triggered, this, [this] { m_view->zoomBy(-1); });
    action(QStringLiteral("view.keepZoom"))->setCheckable(true);
    action(QStringLiteral("view.keepZoom"))->setChecked(m_settings.keepZoom());
    connect(action(QStringLiteral("view.keepZoom")), &QAction::toggled, this, [this](bool on) {
        m_settings.setKeepZoom(on);
        m_view->setKeepZoom(on);
    });
    connect(action(QStringLiteral("help.shortcuts")), &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(action(QStringLiteral("help.vocabulary")), &QAction::triggered, this, [this] {
        showTextDialog(this, QStringLiteral("vocabularyHelp"), tr("Verdicts and categories"), vocabularyHelpText());
    });
    connect(action(QStringLiteral("help.about")), &QAction::triggered, this, [this] { showAbout(this); });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(QStringLiteral("file.new")));
    file->addAction(action(QStringLiteral("file.open")));
    file->addAction(action(QStringLiteral("file.openServer")));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName(QStringLiteral("file.recent"));
    file->addAction(action(QStringLiteral("file.demo")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("file.import")));
    file->addAction(action(QStringLiteral("file.merge")));
    file->addAction(action(QStringLiteral("file.export")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("file.imagesFolder")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("file.quit")));
    rebuildRecentMenu();

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(action(QStringLiteral("edit.undo")));
    edit->addAction(action(QStringLiteral("edit.redo")));
    edit->addSeparator();
    edit->addAction(action(QStringLiteral("edit.note")));
    edit->addAction(action(QStringLiteral("edit.retry")));
    edit->addAction(action(QStringLiteral("edit.reviewer")));
    edit->addAction(action(QStringLiteral("edit.blind")));

    QMenu *review = menuBar()->addMenu(tr("&Review"));
    for (const QString &prefix : {QStringLiteral("verdict."), QStringLiteral("category."), QStringLiteral("spurious."),
                                  QStringLiteral("severity.")}) {
        const QStringList names = prefix == QLatin1String("verdict.")    ? verdictNames()
                                  : prefix == QLatin1String("category.") ? categoryNames()
                                  : prefix == QLatin1String("spurious.") ? spuriousKindNames()
                                                                         : severityNames();
        for (const QString &name : names)
            review->addAction(action(prefix + name));
        review->addSeparator();
    }

    QMenu *go = menuBar()->addMenu(tr("&Go"));
    for (const char *id : {"go.next", "go.previous", "go.nextNotReviewed", "go.first", "go.last", "go.pageDown", "go.pageUp"})
        go->addAction(action(QLatin1String(id)));
    go->addSeparator();
    go->addAction(action(QStringLiteral("go.item")));
    go->addAction(action(QStringLiteral("queue.search")));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(action(QStringLiteral("classes.search")));
    view->addAction(action(QStringLiteral("view.compare")));
    view->addSeparator();
    for (const char *id : {"view.fit", "view.actual", "view.zoomIn", "view.zoomOut", "view.keepZoom"})
        view->addAction(action(QLatin1String(id)));

    QMenu *lead = menuBar()->addMenu(tr("&Lead"));
    lead->addAction(action(QStringLiteral("audit.open")));
    lead->addAction(action(QStringLiteral("audit.adjudicate")));
    lead->addAction(action(QStringLiteral("audit.assignments")));
    lead->addAction(action(QStringLiteral("audit.leads")));
    lead->addSeparator();
    lead->addAction(action(QStringLiteral("report.open")));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action(QStringLiteral("help.shortcuts")));
    help->addAction(action(QStringLiteral("help.vocabulary")));
    help->addSeparator();
    help->addAction(action(QStringLiteral("help.about")));
}

QueuePanel *MainWindow::createQueuePanel()
{
    m_queuePanel = new QueuePanel(m_queue, this);
    m_modelBox = m_queuePanel->modelBox();
    m_queuePanel->setSort(m_settings.queueSort());
    connect(m_queuePanel, &QueuePanel::positionClicked, this, [this](int position) {
        // A click in the queue means "review this one": the keys go back to the review (a
        // verdict key must never be typed into the search box the reviewer used before).
        m_view->setFocus(Qt::MouseFocusReason);
        goTo(position);
    });
    connect(m_queuePanel, &QueuePanel::modelChanged, this, [this] {
        m_setAside.reset(); // the reviewer chose: nothing to go back to
        m_queuePanel->hideSetAside();
        loadQueue();
    });
    connect(m_queuePanel, &QueuePanel::filterChanged, this, [this] {
        m_setAside.reset();
        m_queuePanel->hideSetAside();
        applyFilter();
    });
    connect(m_queuePanel, &QueuePanel::sortChanged, this, [this] {
        m_settings.setQueueSort(m_queuePanel->sort());
        applyFilter();
    });
    connect(m_queuePanel, &QueuePanel::restoreRequested, this, &MainWindow::restoreQueue);
    return m_queuePanel;
}

bool MainWindow::ensureReviewer()
{
    if (project() && !project()->store().sessionUser().isEmpty()) {
        m_review->setReviewer(project()->store().sessionUser()); // on a server: the database role
        m_reviewerIsRole = true;
        return true;
    }
    if (!m_review->reviewer().isEmpty())
        return true;
    m_review->setReviewer(m_settings.reviewer());
    if (!m_review->reviewer().isEmpty())
        return true;
    const QString name = askReviewerName(this, QString(), true);
    if (!name.isEmpty())
        adoptReviewer(name);
    return !m_review->reviewer().isEmpty();
}

void MainWindow::changeReviewer()
{
    if (project() && !project()->store().sessionUser().isEmpty()) {
        QMessageBox::information(this, tr("Reviewer"),
                                 tr("On the server you review as %1, the database role you connected as. To review as "
                                    "someone else, open the project with their role in the URI (postgresql://ROLE@host/…).")
                                     .arg(project()->store().sessionUser()));
        return;
    }
    const QString name = askReviewerName(this, m_review->reviewer(), m_review->reviewer().isEmpty());
    if (!name.isEmpty())
        adoptReviewer(name);
}

void MainWindow::adoptReviewer(const QString &name)
{
    try {
        Project::checkName(name, "reviewer");
    } catch (const Error &e) {
        QMessageBox::warning(this, tr("Reviewer"), e.message());
        return;
    }
    setReviewer(name);
}

void MainWindow::setReviewer(const QString &name)
{
    m_review->setReviewer(name);
    m_settings.setReviewer(name);
    statusBar()->showMessage(tr("Reviewing as %1").arg(name), 4000);
    if (project())
        loadQueue();
}

void MainWindow::toggleBlindMode(bool on)
{
    m_blind = on;
    if (project() && !project()->store().isReadOnly()) {
        flushWrites();
        project()->setBlindMode(on);
    }
    showCurrent();
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("shortcutSheet"));
    dialog.setWindowTitle(tr("Keyboard shortcuts"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *table = new QTableWidget(0, 4, &dialog);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Keys"), tr("Also"), tr("Id (for bagel.ini [shortcuts])")});
    for (const ActionSpec &spec : actionTable()) {
        QAction *a = action(QLatin1String(spec.id));
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(a->toolTip()));
        // Click a shortcut to record a new one; it is kept in the settings under the action's id.
        auto *edit = new QKeySequenceEdit(a->shortcut(), table);
        edit->setObjectName(QStringLiteral("shortcut.") + a->objectName());
        QStringList also;
        for (const QKeySequence &key : a->shortcuts().mid(1))
            also << key.toString(QKeySequence::NativeText);
        connect(edit, &QKeySequenceEdit::editingFinished, this, [this, a, edit] {
            a->setShortcut(edit->keySequence());
            m_settings.setShortcut(a->objectName(), edit->keySequence());
        });
        table->setCellWidget(row, 1, edit);
        table->setItem(row, 2, new QTableWidgetItem(also.join(QStringLiteral(", "))));
        table->setItem(row, 3, new QTableWidgetItem(a->objectName()));
    }
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(table);
    auto *hint = new QLabel(tr("Click a shortcut and press the new keys to change it. Changes are kept in %1, "
                               "section [shortcuts].").arg(m_settings.path()),
                            &dialog);
    hint->setWordWrap(true); // a long settings path must not widen the sheet past the screen
    layout->addWidget(hint);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    table->verticalHeader()->hide();
    dialog.resize(fitOnScreen(this, QSize(960, 700)));
    dialog.exec();
}

void MainWindow::restoreState()
{
    if (!m_settings.splitterState().isEmpty())
        m_splitter->restoreState(m_settings.splitterState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // An import, export or merge runs on its project: it finishes or is cancelled first.
    if (backgroundTaskRunning()) {
        event->ignore();
        statusBar()->showMessage(tr("An import, export or merge is running: cancel it or wait for it before closing."), 6000);
        return;
    }
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.setWindowState(saveState());
    m_settings.setSplitterState(m_splitter->saveState());
    if (!settleFailedWrites()) {
        event->ignore();
        return;
    }
    closeProject();
    m_settings.sync();
    event->accept();
}

} // namespace bagel
