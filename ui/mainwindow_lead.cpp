// MainWindow, the lead's and the maintainer's part: other reviewers' work (merging project
// files, their commits showing up), the audit window, adjudication, reports and exports.

#include "mainwindow.h"

#include "adjudicationpanel.h"
#include "dialogs.h"
#include "leadsdialog.h"
#include "audit/merge.h"
#include "auditwindow.h"
#include "catalog/classcatalog.h"
#include "error.h"
#include "progress.h"
#include "project.h"
#include "reportwindow.h"
#include "queuepanel.h"
#include "review/queuelistmodel.h"
#include "settings.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

namespace bagel {

ExportReport MainWindow::exportTo(ExportFormat format, const QString &path, bool queueOnly)
{
    if (!project())
        throw Error(QStringLiteral("no project is open"));
    flushWrites(); // the verdicts just given are part of it
    ExportFilter filter;
    if (queueOnly) {
        QSet<qint64> items;
        for (int i = 0; i < m_queue->rowCount(); ++i)
            items.insert(m_queue->rowAt(i)->item);
        filter.items = items;
    }
    const QString projectPath = project()->path();
    ExportReport report;
    const TaskResult result = runInBackground(this, {tr("Exporting %1").arg(QFileInfo(path).fileName())}, [&](Progress &progress) {
        // A connection of the worker's own, read-only: the export changes nothing.
        const auto project = Project::open(projectPath, true);
        report = exportFile(*project, format, path, filter, &progress);
    });
    if (result.cancelled())
        throw Cancelled();
    if (!result.done())
        throw Error(result.error);
    return report;
}

void MainWindow::checkForOtherWriters()
{
    if (!project())
        return;
    if (project()->isOnServer()) {
        // The server went away (restarted, the network dropped): verdicts not committed wait
        // as unsaved; once the connection is made again they are sent again by themselves.
        const bool up = project()->store().isConnected();
        if (!up && !m_serverDown) {
            m_serverDown = true;
            statusBar()->showMessage(tr("The server cannot be reached: verdicts stay unsaved and are sent again when it is back."));
        } else if (up && m_serverDown) {
            m_serverDown = false;
            statusBar()->showMessage(tr("Connected to the server again."), 6000);
            if (m_review->failedCount() > 0)
                m_review->retryFailed();
        }
        if (!up)
            return;
        // The lead handed out the units again: the queue's "Assigned to me" is read again.
        const qint64 assignments = project()->store().assignmentsVersion();
        if (assignments != m_assignmentsVersion) {
            m_assignmentsVersion = assignments;
            if (!isReloading())
                reloadInBackground();
        }
    }
    qint64 version = 0;
    try {
        version = project()->store().dataVersion();
    } catch (const Error &) {
        return; // the file is busy or gone; the next turn tries again
    }
    if (version == m_dataVersion)
        return;
    m_dataVersion = version;
    refreshItem(currentFileName());
    if (m_adjudication->isVisible())
        updateAdjudication();
    refreshAssignmentProgress();
}

void MainWindow::mergeReviews()
{
    if (!project())
        return;
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Import reviews from other project files"),
                                                            projectFolder(project()->path()),
                                                            tr("Bagel projects (*.bagel);;All files (*)"));
    if (paths.isEmpty())
        return;
    flushWrites();
    // On a worker with a connection of its own; each file is merged in a transaction of its
    // own, so Cancel keeps the files merged before it and drops the one being merged.
    const QString projectPath = project()->path();
    QStringList summaries;
    bool failed = false;
    const TaskResult result = runInBackground(this, {tr("Importing reviews")}, [&](Progress &progress) {
        auto project = Project::open(projectPath);
        for (const QString &path : paths) {
            try {
                summaries << mergeProject(*project, path, &progress).summary();
            } catch (const Cancelled &) {
                throw;
            } catch (const Error &e) {
                failed = true;
                summaries << tr("%1: not merged: %2").arg(QFileInfo(path).fileName(), e.message());
            }
        }
    });
    if (result.cancelled())
        summaries << tr("Cancelled: the files listed above are merged, the others are not.");
    else if (!result.done())
        summaries << result.error;
    if (summaries.isEmpty()) {
        statusBar()->showMessage(tr("Import of reviews cancelled; nothing was merged."), 8000);
    } else {
        showTaskSummary(tr("Import reviews"), summaries.join(QLatin1String("\n\n")), failed || !result.done());
    }
    reloadInBackground(); // others' verdicts change the queue's columns and what "not reviewed" means
    refreshItem(currentFileName());
    if (m_audit && m_audit->isVisible())
        m_audit->refresh();
    if (m_reports && m_reports->isVisible())
        m_reports->refresh();
}

void MainWindow::showAudit()
{
    if (!project())
        return;
    if (!m_audit) {
        m_audit = new AuditWindow(this);
        connect(m_audit, &AuditWindow::openUnitRequested, this, &MainWindow::showUnit);
        connect(m_audit, &AuditWindow::aboutToRead, this, &MainWindow::flushWrites); // my pending verdicts count too
    }
    flushWrites();
    m_audit->setProject(project());
    m_audit->show();
    m_audit->raise();
    m_audit->activateWindow();
}

void MainWindow::showReports()
{
    if (!project())
        return;
    if (!m_reports) {
        m_reports = new ReportWindow(this);
        connect(m_reports, &ReportWindow::openPairRequested, this, &MainWindow::showPair);
        connect(m_reports, &ReportWindow::aboutToRead, this, &MainWindow::flushWrites); // my pending verdicts count too
    }
    m_reports->setProject(project());
    m_reports->show();
    m_reports->raise();
    m_reports->activateWindow();
}

void MainWindow::showPair(const QString &model, int label, int prediction)
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    if (!project() || label < 0 || label >= catalog.size() || prediction < 0 || prediction >= catalog.size())
        return;
    if (!model.isEmpty() && m_modelBox->currentText() != model) {
        const int index = m_modelBox->findText(model);
        if (index >= 0)
            m_modelBox->setCurrentIndex(index); // reloads the queue for that model
    }
    // Every item of the pair: the review may have found some of them not to be mistakes.
    QueueFilter pair;
    pair.mistakesOnly = false;
    pair.originalClasses = QSet<int>{label};
    pair.predictedClasses = QSet<int>{prediction};
    setFilter(pair);
    goTo(0);
    statusBar()->showMessage(tr("The queue shows the %n item(s) labelled %1 that %2 predicts as %3", nullptr, m_queue->rowCount())
                                 .arg(catalog.at(label).name(), model, catalog.at(prediction).name()),
                             8000);
    raise();
    activateWindow();
}

void MainWindow::updateAdjudication()
{
    const QueueRow *row = m_queue ? m_queue->rowAt(m_position) : nullptr;
    m_adjudication->setLead(m_review->reviewer().isEmpty() ? m_settings.reviewer() : m_review->reviewer());
    m_adjudication->showUnit(m_review, row ? row->item : 0, currentModel());
}

bool MainWindow::showUnit(const QString &fileName, const QString &model)
{
    if (!project())
        return false;
    // The reviewer's own queue (model, filters, item) is set aside only when it must be, and
    // visibly, with a button that brings it back.
    if (!model.isEmpty() && m_modelBox->currentText() != model) {
        const int index = m_modelBox->findText(model);
        if (index < 0) {
            statusBar()->showMessage(tr("The project has no model %1").arg(model), 5000);
            return false;
        }
        if (!m_setAside)
            m_setAside = SetAside{project()->path(), m_queuePanel->fields(), currentFileName()};
        {
            const QSignalBlocker block(m_modelBox);
            m_modelBox->setCurrentIndex(index);
        }
        loadQueue(fileName);
    }
    const QString why = tr("Showing %1 (%2) from the audit: your queue's model and filters are set aside.").arg(fileName, model);
    if (!reveal(fileName, why)) {
        statusBar()->showMessage(tr("%1 is not in the queue of %2").arg(fileName, model), 5000);
        return false;
    }
    m_adjudication->show();
    m_adjudication->raise();
    updateAdjudication();
    raise();
    activateWindow();
    return true;
}

void MainWindow::showLeads()
{
    if (!project())
        return;
    flushWrites(); // the writer's connection holds no lock while the leads are written
    // While nobody is named, the reviewer's own name is the likely first lead.
    const QString me = m_review->reviewer().isEmpty() ? m_settings.reviewer() : m_review->reviewer();
    LeadsDialog dialog(*project(), project()->leads().isEmpty() ? me : QString(), this);
    connect(&dialog, &LeadsDialog::leadsChanged, this, [this] {
        if (m_adjudication->isVisible())
            updateAdjudication();
    });
    dialog.exec();
}

} // namespace bagel
