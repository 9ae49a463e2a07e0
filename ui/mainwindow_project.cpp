// MainWindow, its projects: opening and closing them, what an empty one offers, where its
// images are, and importing into them (in the background).

#include "mainwindow.h"

#include "storage/pgconnection.h"
#include "storage/pglocation.h"

#include "catalog/classcatalog.h"
#include "demo.h"
#include "error.h"
#include "adjudicationpanel.h"
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
#include "storage/pgconnection.h"
#include "storage/pglocation.h"
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


namespace bagel {

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &path : m_settings.recentProjects()) {
        QAction *open = m_recentMenu->addAction(shortName(path));
        open->setToolTip(path);
        open->setStatusTip(path);
        connect(open, &QAction::triggered, this, [this, path] { openProject(path); });
    }
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

bool MainWindow::openProject(const QString &path)
{
    if (backgroundTaskRunning()) {
        statusBar()->showMessage(tr("An import, export or merge is running: cancel it or wait for it before opening another project."), 6000);
        return false;
    }
    std::unique_ptr<Project> opened;
    try {
        opened = openAskingPassword(path);
        if (!opened)
            return false; // the password was not given
    } catch (const Error &e) {
        QMessageBox::critical(this, tr("Cannot open the project"), e.message());
        m_settings.removeRecentProject(path);
        rebuildRecentMenu();
        return false;
    }
    // Only now that the new one opened: what to do with reviews the old one could not save.
    if (!settleFailedWrites())
        return false;
    closeProject();
    m_review->open(std::move(opened));
    m_blind = project()->blindMode();
    {
        const QSignalBlocker block(action(QStringLiteral("edit.blind")));
        action(QStringLiteral("edit.blind"))->setChecked(m_blind);
    }
    m_settings.addRecentProject(project()->path());
    rebuildRecentMenu();
    const QString readOnly = project()->store().isReadOnly() ? Project::whyReadOnly(project()->path()) : QString();
    setWindowTitle(QStringLiteral("%1%2 — Bagel").arg(shortName(project()->path()), project()->store().isReadOnly() ? tr(" [read-only]") : QString()));
    m_readOnlyBanner->setText(tr("<b>Read-only.</b> %1, so Bagel opened it read-only: you can look, search, filter, "
                                 "report and export, but verdicts and label edits cannot be saved. To review, copy the file "
                                 "to a folder you can write in, or ask for write access.")
                                  .arg(readOnly.isEmpty() ? tr("The project cannot be written") : readOnly.left(1).toUpper() + readOnly.mid(1).toHtmlEscaped()));
    m_readOnlyBanner->setVisible(project()->store().isReadOnly());
    // Nothing can be saved: the verdict, category and severity commands are greyed out.
    for (QAction *a : std::as_const(m_actions)) {
        const QString id = a->objectName();
        if (id.startsWith(QLatin1String("verdict.")) || id.startsWith(QLatin1String("category."))
            || id.startsWith(QLatin1String("severity.")) || id.startsWith(QLatin1String("spurious.")))
            a->setEnabled(!project()->store().isReadOnly());
    }
    m_classPanel->setProject(project());
    m_dataVersion = project()->store().dataVersion();
    m_assignmentsVersion = project()->store().assignmentsVersion();
    m_watchTimer->setInterval(project()->isOnServer() ? kServerWatchIntervalMs : kWatchIntervalMs);
    if (project()->isOnServer()) {
        m_review->setReviewer(project()->store().sessionUser());
        m_reviewerIsRole = true;
        statusBar()->showMessage(tr("Reviewing as %1 (the server's role)").arg(project()->store().sessionUser()), 6000);
    }
    if (m_audit && m_audit->isVisible())
        m_audit->setProject(project());
    if (m_reports && m_reports->isVisible())
        m_reports->setProject(project());

    const QSignalBlocker block(m_modelBox);
    m_modelBox->clear();
    for (const ModelRecord &m : project()->store().models())
        m_modelBox->addItem(m.name, m.id);
    loadQueue();
    updateGettingStarted();
    checkImagesFound();
    return true;
}

QString MainWindow::shortName(const QString &path)
{
    return projectDisplayName(path);
}

std::unique_ptr<Project> MainWindow::openAskingPassword(const QString &path)
{
    for (int attempt = 0;; ++attempt) {
        try {
            return Project::openWritableIfPossible(path);
        } catch (const PgError &e) {
            const bool wantsPassword = e.sqlState() == QLatin1String("bagel-needs-password")
                                       || (e.message().contains(QLatin1String("password authentication failed")) && attempt > 0);
            if (!wantsPassword || attempt >= 3)
                throw;
            bool ok = false;
            const QString display = ServerLocation::parse(path).display;
            const QString password = QInputDialog::getText(
                this, tr("Password"),
                attempt == 0 ? tr("The server asks for a password for %1.\nBagel keeps it in memory until it quits and never stores it.")
                                   .arg(display)
                             : tr("The server did not accept the password for %1. Try again:").arg(display),
                QLineEdit::Password, QString(), &ok);
            if (!ok)
                return nullptr;
            ServerLocation::rememberPassword(display, password);
        }
    }
}

void MainWindow::chooseServerProject()
{
    bool ok = false;
    const QString uri = QInputDialog::getText(
        this, tr("Open server project"),
        tr("The project's PostgreSQL URI, e.g. postgresql://you@server/team?project=imagenet\n"
           "(libpq's parameters, ~/.pgpass and PGPASSWORD work as everywhere; a password is asked when needed)."),
        QLineEdit::Normal, m_settings.lastServerUri(), &ok).trimmed();
    if (!ok || uri.isEmpty())
        return;
    if (!ServerLocation::isServer(uri)) {
        QMessageBox::warning(this, tr("Open server project"), tr("%1 is not a postgresql:// URI.").arg(uri));
        return;
    }
    try {
        m_settings.setLastServerUri(ServerLocation::parse(uri).display); // never with a password
    } catch (const Error &e) {
        QMessageBox::warning(this, tr("Open server project"), e.message());
        return;
    }
    openProject(uri);
}

void MainWindow::openStartupProject(const QString &demoDirectory)
{
    const QStringList recent = m_settings.recentProjects();
    if (!demoDirectory.isEmpty() && !recent.isEmpty() && QFileInfo::exists(recent.first())) {
        if (openProject(recent.first()))
            return;
    }
    const QString directory = demoDirectory.isEmpty()
                                  ? QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/demo")
                                  : demoDirectory;
    try {
        const QString path = createDemoProject(directory)->path();
        openProject(path);
    } catch (const Error &e) {
        QMessageBox::critical(this, tr("Cannot create the demo project"), e.message());
    }
}

void MainWindow::closeProject()
{
    if (!project())
        return;
    if (const QueueRow *row = m_queue->rowAt(m_position))
        m_settings.setLastItem(project()->path(), row->fileName);
    flushWrites();
    // The writer finishes and the project goes last: the lead's views below still hold it.
    m_reload->discard(); // a reload in flight is for this project
    m_queue->setRows({});
    m_classPanel->setProject(nullptr);
    // The lead's views hold the project too: let go of it before it goes.
    if (m_adjudication)
        m_adjudication->showUnit(nullptr, 0, 0);
    if (m_audit)
        m_audit->setProject(nullptr);
    if (m_reports)
        m_reports->setProject(nullptr);
    m_review->close();
    updateRetry();
    m_readOnlyBanner->hide();
    m_missingBanner->hide();
    // Nothing of the last project stays on screen.
    m_facts->clear();
    m_verdicts->clear();
    m_info->clear();
    m_view->setPlaceholder(tr("No project open.\nFile ▸ Open… a .bagel project, or File ▸ Open the demo project."));
    setWindowTitle(QStringLiteral("Bagel"));
    m_position = -1;
    m_shownPath.clear();
}

void MainWindow::flushWrites()
{
    if (m_review->writer()) {
        m_review->flush(); // delivers the writer's answers to the session, which tells the window
        QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
    }
}

void MainWindow::newProject()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("New project"), QString(), tr("Bagel projects (*.bagel)"));
    if (path.isEmpty())
        return;
    try {
        Project::create(path.endsWith(QLatin1String(".bagel")) ? path : path + QStringLiteral(".bagel"));
    } catch (const Error &e) {
        QMessageBox::critical(this, tr("Cannot create the project"), e.message());
        return;
    }
    openProject(path.endsWith(QLatin1String(".bagel")) ? path : path + QStringLiteral(".bagel"));
}

void MainWindow::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                      tr("Bagel projects (*.bagel);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::importFile()
{
    runImportDialog(QString());
}

void MainWindow::runImportDialog(const QString &path)
{
    if (!project())
        return;
    ImportDialog dialog(projectFolder(project()->path()), this);
    if (!path.isEmpty())
        dialog.setPath(path);
    if (dialog.exec() != QDialog::Accepted)
        return;
    importInBackground(dialog.format(), dialog.path(), dialog.options());
}

TaskResult MainWindow::importInBackground(ImportFormat format, const QString &path, const ImportOptions &options)
{
    TaskResult result;
    if (!project()) {
        result.status = TaskResult::Status::Failed;
        result.error = tr("no project is open");
        return result;
    }
    const QString projectPath = project()->path();
    flushWrites(); // the import's transaction waits for nothing of ours
    ImportReport report;
    result = runInBackground(this, {tr("Importing %1").arg(QFileInfo(path).fileName())}, [&](Progress &progress) {
        // A connection of the worker's own: SQLite connections belong to one thread.
        auto project = Project::open(projectPath);
        ImportOptions withProgress = options;
        withProgress.progress = &progress;
        report = bagel::importFile(*project, format, path, withProgress);
    });
    if (result.cancelled()) {
        statusBar()->showMessage(tr("Import cancelled; nothing was imported."), 8000);
        return result;
    }
    if (!result.done()) {
        showTaskSummary(tr("Import failed; nothing was imported"), result.error, true);
        return result;
    }
    reloadInBackground(); // the models, the queue and the class panel's items, read again
    if (m_audit && m_audit->isVisible())
        m_audit->refresh();
    if (m_reports && m_reports->isVisible())
        m_reports->refresh();
    statusBar()->showMessage(tr("Imported %1 in %2").arg(QFileInfo(path).fileName(), formatSeconds(result.seconds)), 8000);
    showTaskSummary(tr("Import"), report.summary(), false);
    return result;
}

void MainWindow::reloadInBackground()
{
    if (!project())
        return;
    Reload request;
    request.project = project()->path();
    request.model = currentModel();
    const QString reviewer = m_review->reviewer();
    m_writtenDuringReload.clear();
    m_queuePanel->setProgress(m_queue->shownReviewedCount(), m_queue->rowCount(), tr("Reading the queue again…"));
    m_reload->run(
        [request, reviewer]() mutable {
            Reload r = std::move(request);
            try {
                // A connection of the worker's own; it sees everything committed before it opened.
                const auto project = Project::open(r.project, true);
                r.models = project->store().models();
                const bool known = std::any_of(r.models.begin(), r.models.end(), [&](const ModelRecord &m) { return m.id == r.model; });
                if (!known)
                    r.model = r.models.isEmpty() ? 0 : r.models.first().id;
                const ReviewerId me = reviewer.isEmpty() ? 0 : project->store().reviewerId(reviewer, false);
                r.rows = bagel::loadQueue(*project, r.model, me);
                r.itemsByClass = ClassSearchPanel::itemsByClass(*project);
            } catch (const Error &e) {
                r.error = e.message();
            }
            return r;
        },
        [this](Reload r) { applyReload(std::move(r)); });
}

void MainWindow::applyReload(Reload reload)
{
    if (!project() || project()->path() != reload.project)
        return; // another project meanwhile
    m_dataVersion = project()->store().dataVersion();
    if (!reload.error.isEmpty()) {
        // The worker could not read it: read it here, as opening does.
        statusBar()->showMessage(tr("Reading the queue again on this thread: %1").arg(reload.error), 6000);
        m_classPanel->setItemsByClass(ClassSearchPanel::itemsByClass(*project()));
        loadQueue();
    } else {
        {
            const QSignalBlocker block(m_modelBox);
            m_modelBox->clear();
            for (const ModelRecord &m : std::as_const(reload.models))
                m_modelBox->addItem(m.name, m.id);
            m_modelBox->setCurrentIndex(std::max(0, m_modelBox->findData(reload.model)));
        }
        m_review->setModel(reload.model);
        const QString keep = currentFileName();
        m_queue->setRows(std::move(reload.rows));
        applyAssignments(); // a lead may have handed out units meanwhile
        m_queue->arrange(m_queuePanel->filter(), m_queuePanel->sort());
        // What was saved or sent while the worker read is shown as it is now.
        for (const ItemId item : m_review->unsavedItems())
            m_queue->setPending(item, true);
        for (const QString &fileName : std::exchange(m_writtenDuringReload, {}))
            refreshItem(fileName);
        m_classPanel->setItemsByClass(std::move(reload.itemsByClass));
        m_position = -1;
        const int found = m_queue->positionOf(keep.isEmpty() ? m_settings.lastItem(project()->path()) : keep);
        goTo(found >= 0 ? found : 0);
    }
    updateGettingStarted();
    checkImagesFound();
}

void MainWindow::showTaskSummary(const QString &title, const QString &text, bool failed)
{
    // One at a time: the previous summary goes.
    if (QWidget *previous = taskSummary())
        previous->close();
    auto *box = new QMessageBox(failed ? QMessageBox::Critical : QMessageBox::Information, title, text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("taskSummary"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Shown beside the window without taking the keyboard: the reviewer's next keys go on to
    // the review.
    box->setAttribute(Qt::WA_ShowWithoutActivating);
    box->show();
    activateWindow();
    m_view->setFocus();
}

QWidget *MainWindow::taskSummary() const
{
    for (QMessageBox *box : findChildren<QMessageBox *>(QStringLiteral("taskSummary"), Qt::FindDirectChildrenOnly)) {
        if (box->isVisible())
            return box;
    }
    return nullptr;
}

void MainWindow::openDroppedPath(const QString &path)
{
    const QFileInfo info(path);
    if (info.isFile() && info.suffix().compare(QLatin1String("bagel"), Qt::CaseInsensitive) == 0) {
        openProject(path);
        return;
    }
    if (!project()) {
        QMessageBox::information(this, tr("Import"), tr("Open or create a project first; then drop %1 on the window to import it.")
                                                         .arg(info.fileName()));
        return;
    }
    runImportDialog(path); // the format guessed from the content, confirmed in the dialog
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    const QString path = urls.first().toLocalFile();
    // After the drop has returned to the system: the dialogs that follow are modal.
    QTimer::singleShot(0, this, [this, path] { openDroppedPath(path); });
}

QWidget *MainWindow::createGettingStarted()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("gettingStarted"));
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(40, 40, 40, 40);
    layout->addStretch(1);
    m_gettingStartedText = new QLabel(page);
    m_gettingStartedText->setObjectName(QStringLiteral("gettingStartedText"));
    m_gettingStartedText->setWordWrap(true);
    m_gettingStartedText->setTextFormat(Qt::RichText);
    layout->addWidget(m_gettingStartedText);
    const auto button = [&](const QString &id) {
        auto *b = new QPushButton(QString(action(id)->text()).remove(QLatin1Char('&')), page);
        b->setObjectName(QStringLiteral("start.") + id);
        connect(b, &QPushButton::clicked, action(id), &QAction::trigger);
        layout->addWidget(b, 0, Qt::AlignLeft);
        return b;
    };
    button(QStringLiteral("file.import"));
    button(QStringLiteral("file.imagesFolder"));
    button(QStringLiteral("file.merge"));
    button(QStringLiteral("file.demo"));
    layout->addStretch(2);
    return page;
}

void MainWindow::updateGettingStarted()
{
    // A project with nothing to review says what to import, with the commands right there.
    QString text;
    // Only a project without models needs its items counted (not every table, as counts() does).
    if (project() && project()->store().models().isEmpty()) {
        const qint64 items = project()->store().itemCount();
        if (items == 0) {
            text = tr("<h2>This project is empty</h2>"
                      "<p>Bring in what you want to review with <b>File ▸ Import…</b>:</p><ul>"
                      "<li><b>image-folder</b>: the images, one folder per class (wnid) or a flat folder with a "
                      "<b>labels</b> file of original labels;</li>"
                      "<li><b>predictions</b>: each model's top-k (CSV, JSON Lines or .npy); items are added as they are named;</li>"
                      "<li><b>tfds-multilabel</b> or <b>real</b>: multi-labels to judge the predictions against;</li>"
                      "<li><b>reviews</b> or another project's reviews (<b>Import reviews from project…</b>).</li></ul>"
                      "<p>Then point Bagel at the images with <b>Set the images folder…</b> if they are not beside the project.</p>");
        } else {
            text = tr("<h2>No predictions yet</h2>"
                      "<p>The project has %n item(s) but no model's predictions, so there are no mistakes to review. "
                      "Import a model's top-k with <b>File ▸ Import…</b>, format <b>predictions</b>.</p>",
                      nullptr, int(items));
        }
    }
    m_gettingStartedText->setText(text);
    m_viewStack->setCurrentIndex(text.isEmpty() ? 0 : 1);
}

void MainWindow::chooseImagesFolder()
{
    if (!project())
        return;
    if (project()->store().isReadOnly()) {
        QMessageBox::information(this, tr("Images folder"), tr("The project is open read-only: its images folder cannot be changed."));
        return;
    }
    const QString start = project()->imagesRoot().isEmpty() ? projectFolder(project()->path()) : project()->imagesRoot();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("The folder that holds the project's images"), start);
    if (folder.isEmpty())
        return;
    try {
        Transaction tx(project()->store());
        project()->setImagesRoot(folder);
        tx.commit();
    } catch (const Error &e) {
        QMessageBox::critical(this, tr("Images folder not changed"), e.message());
        return;
    }
    statusBar()->showMessage(tr("Images are now read from %1").arg(folder), 6000);
    m_loader.clear();
    checkImagesFound();
    showCurrent();
}

void MainWindow::checkImagesFound()
{
    // Looks at up to 40 items spread over the queue: when none of them is on disk, the images
    // folder is wrong (or unset), and the banner offers to locate it.
    m_missingBanner->hide();
    if (!project())
        return;
    const QVector<QueueRow> &rows = m_queue->allRows();
    if (rows.isEmpty())
        return;
    const int samples = int(std::min<qsizetype>(40, rows.size()));
    for (int i = 0; i < samples; ++i) {
        const QueueRow &row = rows[qsizetype(i) * rows.size() / samples];
        if (QFileInfo(imagePathOf(row)).isFile())
            return;
    }
    const QString root = project()->imagesRoot().isEmpty() ? projectFolder(project()->path()) : project()->imagesRoot();
    m_missingText->setText(tr("<b>No images found.</b> None of the %1 items looked at is under %2. "
                              "Locate the folder that holds the images (it is kept in the project).")
                               .arg(samples)
                               .arg(root.toHtmlEscaped()));
    m_missingBanner->show();
}

} // namespace bagel
