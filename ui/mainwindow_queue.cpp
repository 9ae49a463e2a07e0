// MainWindow: the queue — reading it, filtering and sorting it, moving through it, showing one
// item the filters hide without losing the reviewer's own queue, and the units assigned.

#include "mainwindow.h"

#include "assignmentpanel.h"
#include "error.h"
#include "factspanel.h"
#include "gotoitemdialog.h"
#include "imageview.h"
#include "project.h"
#include "queuepanel.h"
#include "review/queuelistmodel.h"
#include "settings.h"

#include <QComboBox>
#include <QLabel>
#include <QStatusBar>

#include <algorithm>
#include <utility>

namespace bagel {

void MainWindow::loadQueue(const QString &keep)
{
    if (!project())
        return;
    if (const QString role = project()->store().sessionUser(); !role.isEmpty()) {
        m_review->setReviewer(role); // on a server the reviewer is the database role
        m_reviewerIsRole = true;
    } else if (m_review->reviewer().isEmpty() || std::exchange(m_reviewerIsRole, false)) {
        m_review->setReviewer(m_settings.reviewer()); // a file again: the name the reviewer gave
    }
    if (m_setAside && m_setAside->project != project()->path()) {
        m_setAside.reset(); // set aside in another project: nothing to go back to
        m_queuePanel->hideSetAside();
    }
    const QString name = !keep.isEmpty()                ? keep
                         : currentFileName().isEmpty() ? m_settings.lastItem(project()->path())
                                                       : currentFileName();
    m_review->setModel(currentModel());
    m_queue->setRows(bagel::loadQueue(*project(), currentModel(), me()));
    applyAssignments();
    m_queue->arrange(m_queuePanel->filter(), m_queuePanel->sort());
    m_position = -1;
    const int found = m_queue->positionOf(name);
    goTo(found >= 0 ? found : 0);
    refreshAssignmentProgress();
}

void MainWindow::applyAssignments()
{
    int assigned = 0;
    for (const QueueRow &row : m_queue->allRows())
        assigned += row.assignedToMe ? 1 : 0;
    m_queuePanel->setAssignedCount(assigned);
    const QString reviewer = m_review->reviewer();
    // The defaults are set when the project, the model, the reviewer or whether they have units
    // assigned changes; otherwise the reviewer's own choice stands.
    const QString seen = QStringLiteral("%1\n%2\n%3\n%4").arg(project()->path()).arg(currentModel()).arg(reviewer).arg(assigned > 0);
    if (seen == m_assignmentsSeen)
        return;
    m_assignmentsSeen = seen;
    QueuePanel::Fields fields = m_queuePanel->fields();
    if (assigned > 0) {
        // A unit assigned stays the reviewer's when another's label edit makes it no mistake.
        fields.assignedToMe = true;
        m_mistakesOnlyAside = m_mistakesOnlyAside || fields.mistakesOnly;
        fields.mistakesOnly = false;
        m_queuePanel->setFields(fields);
    } else if (std::exchange(m_mistakesOnlyAside, false)) {
        fields.mistakesOnly = true; // no assignments here: the default queue again
        m_queuePanel->setFields(fields);
    }
    if (!reviewer.isEmpty() && project()->isLead(reviewer) && !m_assignments->isVisible()) {
        const ModelId model = currentModel();
        try {
            const QVector<AssignmentRecord> all = project()->store().assignments();
            if (std::any_of(all.begin(), all.end(), [model](const AssignmentRecord &a) { return a.model == model; }))
                m_assignments->show(); // reads the progress as it shows
        } catch (const Error &) {
            // Not shown; the Lead menu opens it, and says what cannot be read.
        }
    }
}

void MainWindow::refreshAssignmentProgress()
{
    if (!m_assignments || !m_assignments->isVisible())
        return;
    if (!project()) {
        m_progressRead->discard();
        m_assignments->clear();
        return;
    }
    ProgressRead request;
    request.project = project()->path();
    request.model = currentModel();
    m_progressRead->run(
        [request]() mutable {
            ProgressRead r = std::move(request);
            try {
                // A connection of the worker's own; it sees everything committed before it opened.
                const auto project = Project::open(r.project, true);
                r.progress = assignmentProgress(*project, r.model);
            } catch (const Error &e) {
                r.error = e.message();
            }
            return r;
        },
        [this](ProgressRead r) {
            if (!project() || project()->path() != r.project || currentModel() != r.model)
                return; // another project or model meanwhile: its own read is on its way
            if (r.error.isEmpty())
                m_assignments->showProgress(m_modelBox->currentText(), r.progress);
            else
                m_assignments->showProblem(r.error);
        });
}

void MainWindow::setFilter(const QueueFilter &filter)
{
    m_queuePanel->setFilter(filter);
    applyFilter();
}

void MainWindow::applyFilter(const QString &keep)
{
    if (!project())
        return;
    const QueueRow *row = m_queue->rowAt(m_position);
    const ItemId shown = row ? row->item : 0;
    m_queue->arrange(m_queuePanel->filter(), m_queuePanel->sort());
    const int stays = keep.isEmpty() && shown ? m_queue->positionOf(shown) : -1;
    const int position = stays >= 0 ? stays : std::max(keep.isEmpty() ? -1 : m_queue->positionOf(keep), 0);
    // The list answers first, painted before the item it lands on is read.
    m_queuePanel->showPosition(position);
    m_queuePanel->repaintTable();
    if (stays >= 0) {
        // The item shown stays: only its place in the table changes, nothing is read again.
        m_position = stays;
        updateProgress();
        return;
    }
    m_position = -1;
    goTo(position);
}

void MainWindow::goTo(int position)
{
    if (!project())
        return;
    if (m_queue->rowCount() == 0) {
        m_position = -1;
        m_shownPath.clear();
        m_facts->clear();
        m_view->setPlaceholder(tr("The queue is empty: no item matches the filters."));
        m_info->clear();
        m_queuePanel->showPosition(-1);
        updateProgress();
        return;
    }
    position = std::clamp(position, 0, m_queue->rowCount() - 1);
    if (position != m_position)
        m_direction = position >= m_position ? 1 : -1;
    m_position = position;
    showCurrent();
}

void MainWindow::step(int delta)
{
    if (m_position < 0)
        return;
    const int target = m_position + delta;
    if (target < 0 || target >= m_queue->rowCount()) {
        statusBar()->showMessage(delta > 0 ? tr("This is the last item of the queue") : tr("This is the first item of the queue"), 3000);
        return;
    }
    m_direction = delta > 0 ? 1 : -1;
    goTo(target);
}

void MainWindow::goToNextNotReviewed()
{
    if (!project())
        return;
    const int next = m_queue->nextNotReviewed(m_position);
    if (next < 0) {
        statusBar()->showMessage(tr("Every item of the queue has your verdict"), 4000);
        return;
    }
    if (next <= m_position)
        statusBar()->showMessage(tr("Went round to the start of the queue"), 3000);
    goTo(next);
}

void MainWindow::chooseItem()
{
    if (!project())
        return;
    QStringList names;
    names.reserve(m_queue->allRows().size());
    for (const QueueRow &row : m_queue->allRows())
        names << row.fileName;
    GoToItemDialog dialog(names, [this](const QString &text) { return goToItem(text); }, this);
    dialog.exec();
}

QString MainWindow::goToItem(const QString &text)
{
    const QString wanted = text.trimmed();
    if (!project())
        return tr("No project is open.");
    if (wanted.isEmpty())
        return tr("Type a file name.");
    // The name itself; else the one name that holds it (or that starts with it, of several).
    QString found;
    QStringList holding;
    QStringList starting;
    for (const QueueRow &row : m_queue->allRows()) {
        if (row.fileName == wanted) {
            found = row.fileName;
            break;
        }
        if (row.fileName.contains(wanted, Qt::CaseInsensitive)) {
            holding << row.fileName;
            if (row.fileName.startsWith(wanted, Qt::CaseInsensitive))
                starting << row.fileName;
        }
    }
    if (found.isEmpty() && holding.size() == 1)
        found = holding.first();
    else if (found.isEmpty() && starting.size() == 1)
        found = starting.first();
    if (found.isEmpty() && holding.size() > 1) {
        return tr("%1 items have “%2” in their names (%3, …): type more of the name.")
            .arg(holding.size())
            .arg(wanted, holding.mid(0, 2).join(QLatin1String(", ")));
    }
    if (found.isEmpty()) {
        if (project()->store().itemByFileName(wanted))
            return tr("%1 is in the project, but %2 has no prediction for it: it is in no queue of that model.")
                .arg(wanted, m_modelBox->currentText());
        return tr("No item of the queue of %1 is named “%2” or has it in its name.").arg(m_modelBox->currentText(), wanted);
    }
    reveal(found, tr("The filters are set aside to show %1, which they hide.").arg(found));
    return {};
}

bool MainWindow::reveal(const QString &fileName, const QString &why)
{
    int position = m_queue->positionOf(fileName);
    if (position < 0) {
        if (!m_queue->holds(fileName))
            return false;
        if (!m_setAside)
            m_setAside = SetAside{project()->path(), m_queuePanel->fields(), currentFileName()};
        QueueFilter everything;
        everything.mistakesOnly = false;
        m_queuePanel->setFilter(everything);
        applyFilter(fileName);
        position = m_queue->positionOf(fileName);
    }
    if (m_setAside)
        m_queuePanel->showSetAside(why);
    goTo(position);
    return true;
}

void MainWindow::restoreQueue()
{
    m_queuePanel->hideSetAside();
    if (!m_setAside || !project())
        return;
    const SetAside saved = *std::exchange(m_setAside, std::nullopt);
    const bool otherModel = saved.fields.model != m_modelBox->currentIndex();
    m_queuePanel->setFields(saved.fields);
    if (otherModel)
        loadQueue(saved.fileName);
    else
        applyFilter(saved.fileName);
    statusBar()->showMessage(tr("Back to your queue"), 3000);
}

} // namespace bagel
