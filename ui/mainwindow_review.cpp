// MainWindow: the review itself — the queue, the image, verdicts and undo.

#include "dialogs.h"
#include "mainwindow.h"

#include "adjudicationpanel.h"
#include "auditwindow.h"
#include "catalog/classcatalog.h"
#include "classsearchpanel.h"
#include "image/thumbnailcache.h"
#include "error.h"
#include "factspanel.h"
#include "imageview.h"
#include "project.h"
#include "queuepanel.h"
#include "reportwindow.h"
#include "review/queuelistmodel.h"
#include "settings.h"
#include "verdictpanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>

namespace bagel {

namespace {
constexpr int kPrefetchAhead = 3;
} // namespace

ModelId MainWindow::currentModel() const
{
    return m_modelBox->currentData().toLongLong();
}

ReviewerId MainWindow::me() const
{
    return m_review->reviewerId();
}

QString MainWindow::currentFileName() const
{
    const QueueRow *row = m_queue->rowAt(m_position);
    return row ? row->fileName : QString();
}

QString MainWindow::imagePathOf(const QueueRow &row) const
{
    return project()->absoluteImagePath(ItemRecord{row.item, row.fileName, row.imagePath, row.originalLabel});
}

void MainWindow::showCurrent()
{
    const QueueRow *row = m_queue->rowAt(m_position);
    if (!row || !project())
        return;
    const QString path = imagePathOf(*row);
    m_shownPath = path;
    // The image first, painted at once; the facts and the rest follow in the next turn of the
    // event loop, so that a keypress is answered by the picture within a frame. An image that is
    // not decoded yet (a jump, or the cache is cold) goes first too: the facts wait until it is
    // painted, or kColdDetailsDelayMs at most, so that they do not hold up the decode's arrival.
    const quint64 ticket = ++m_detailsTicket;
    if (const DecodedImage *image = m_loader.request(path, m_view->neededSize())) {
        showImage(path, *image);
        m_view->repaint();
        QTimer::singleShot(0, this, [this, ticket] { showDetailsFor(ticket); });
    } else {
        m_view->setPlaceholder(tr("Loading %1…").arg(row->fileName));
        m_detailsAfterImage = true;
        QTimer::singleShot(kColdDetailsDelayMs, this, [this, ticket] { showDetailsFor(ticket); });
    }
    prefetchAhead();
    Q_EMIT itemShown(row->fileName);
}

void MainWindow::showDetails()
{
    const QueueRow *row = m_queue->rowAt(m_position);
    if (!row || !project())
        return;
    m_queuePanel->showPosition(m_position);
    m_facts->showItem(*project(), row->item, currentModel(), me(), m_blind);
    showMine(row->item);
    // The class panel suggests the item's label and the model's top-5 until something is typed.
    QVector<int> suggestions{row->originalLabel};
    for (const ModelPrediction &p : project()->store().predictions(row->item)) {
        if (p.model == currentModel()) {
            for (const ClassScore &s : p.topk)
                suggestions << s.classIndex;
        }
    }
    m_classPanel->setSuggestions(suggestions, imagePathOf(*row));
    m_settings.setLastItem(project()->path(), row->fileName);
    updateProgress();
}

void MainWindow::showMine(ItemId item)
{
    VerdictPanel::Mine mine;
    for (const ReviewRecord &r : project()->latestReviews(item)) {
        if (r.reviewer == me() && r.model == currentModel())
            mine = {r.verdict, r.category, r.spuriousKind, r.severity, r.note, r.oovWnid};
    }
    m_verdicts->resetDraft(mine);
}

void MainWindow::showImage(const QString &path, const DecodedImage &image)
{
    if (path != m_shownPath)
        return;
    if (!image.isNull() && m_view->hasImage() && m_view->fullSize() == image.fullSize
        && m_view->imageSize().width() > image.image.width())
        return; // a full-size decode is already shown: never trade it for a smaller one
    if (image.isNull()) {
        m_view->setPlaceholder(image.error);
        m_info->setText(tr("%1 — %2").arg(currentFileName(), image.error));
        return;
    }
    m_view->setImage(image.image, image.fullSize);
    m_info->setText(tr("%1 — %2 × %3 px — %4 %")
                        .arg(currentFileName())
                        .arg(image.fullSize.width())
                        .arg(image.fullSize.height())
                        .arg(qRound(m_view->zoom() * 100)));
}

void MainWindow::onImageReady(const QString &path, QSize, const DecodedImage &image)
{
    if (path != m_shownPath)
        return;
    showImage(path, image);
    if (m_detailsAfterImage) {
        // The picture the reviewer waits for, now; then the facts.
        m_view->repaint();
        QTimer::singleShot(0, this, [this, ticket = m_detailsTicket] { showDetailsFor(ticket); });
    }
}

void MainWindow::showDetailsFor(quint64 ticket)
{
    // Once per item shown: a newer item has its own ticket.
    if (ticket != m_detailsTicket || m_detailsShown == ticket)
        return;
    m_detailsShown = ticket;
    m_detailsAfterImage = false;
    showDetails();
}

void MainWindow::prefetchAhead()
{
    if (!m_prefetch)
        return;
    QStringList paths;
    for (int i = 1; i <= kPrefetchAhead; ++i) {
        if (const QueueRow *row = m_queue->rowAt(m_position + i * m_direction))
            paths << imagePathOf(*row);
    }
    m_loader.prefetch(paths, m_view->neededSize());
}

void MainWindow::recordVerdict(Verdict verdict)
{
    const QueueRow *row = m_queue->rowAt(m_position);
    if (!row || !project())
        return;
    if (m_review->isReadOnly()) {
        statusBar()->showMessage(tr("Not saved: the project is open read-only (see the banner above)."), 6000);
        return;
    }
    if (!ensureReviewer())
        return;
    ReviewSession::Draft draft;
    draft.verdict = verdict;
    draft.category = m_verdicts->category();
    draft.severity = m_verdicts->severity();
    draft.spuriousKind = m_verdicts->spuriousKind();
    draft.oovWnid = m_verdicts->trueObject();
    draft.note = m_verdicts->note();
    const ItemId item = row->item;
    const QString fileName = row->fileName;
    // The next image first (painted before this handler returns), then the write, which is
    // shown as saving until the writer thread has committed it.
    if (m_verdicts->autoAdvance())
        step(1);
    if (const QString refused = m_review->recordVerdict(item, fileName, draft); !refused.isEmpty())
        statusBar()->showMessage(refused, 6000);
}

void MainWindow::recordLabelEdit(int classIndex, LabelEdit edit)
{
    const QueueRow *row = m_queue->rowAt(m_position);
    if (!row || !project() || m_review->isReadOnly() || !ensureReviewer())
        return;
    if (const QString refused = m_review->recordLabelEdit(row->item, row->fileName, classIndex, edit); !refused.isEmpty())
        statusBar()->showMessage(refused, 6000);
}

void MainWindow::showComparison()
{
    const QueueRow *row = m_queue->rowAt(m_position);
    if (!row || !project())
        return;
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("compareDialog"));
    dialog.setWindowTitle(tr("Compare %1").arg(row->fileName));
    auto *grid = new QGridLayout(&dialog);
    // Column 0 holds the image; the label's and the prediction's examples take two columns each.
    const auto column = [&](int at, const QString &title, const QPixmap &main, int classIndex) {
        const int first = at == 0 ? 0 : 2 * at - 1;
        auto *heading = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), &dialog);
        heading->setWordWrap(true);
        grid->addWidget(heading, 0, first, 1, at == 0 ? 1 : 2);
        if (!main.isNull()) {
            auto *image = new QLabel(&dialog);
            image->setPixmap(main);
            grid->addWidget(image, 1, 0, 3, 1, Qt::AlignTop);
            return;
        }
        const QStringList examples = m_classPanel->examplesOf(classIndex, imagePathOf(*row));
        for (int i = 0; i < 6 && i < examples.size(); ++i) {
            auto *thumb = new QLabel(&dialog);
            thumb->setPixmap(QPixmap::fromImage(m_classPanel->thumbnails().thumbnail(examples[i])));
            thumb->setToolTip(examples[i]);
            grid->addWidget(thumb, 1 + i / 2, first + i % 2, Qt::AlignTop);
        }
        if (examples.isEmpty())
            grid->addWidget(new QLabel(tr("No example images: set an examples folder in the class panel."), &dialog), 1, first, 1, 2);
    };
    QPixmap current = QPixmap::fromImage(m_view->image()).scaled(480, 480, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    column(0, tr("This image: %1").arg(row->fileName), current, -1);
    const auto name = [&](int c) { return catalog.contains(c) ? catalog.at(c).name() : tr("unknown"); };
    column(1, tr("Original label: %1").arg(name(row->originalLabel)), {}, row->originalLabel);
    column(2, tr("Prediction: %1").arg(name(row->top1)), {}, row->top1);
    dialog.resize(1200, 640);
    dialog.exec();
}

void MainWindow::connectReviewSession()
{
    connect(m_review, &ReviewSession::sending, this, &MainWindow::onSending);
    connect(m_review, &ReviewSession::written, this, &MainWindow::onWritten);
    connect(m_review, &ReviewSession::writeFailed, this, &MainWindow::onWriteFailed);
    connect(m_review, &ReviewSession::failedCountChanged, this, &MainWindow::updateRetry);
    // Recorded from the adjudication panel, or undone and redone from the stack.
    connect(m_review, &ReviewSession::adjudicated, this, [this](const QString &fileName) {
        statusBar()->showMessage(tr("Adjudication of %1 recorded").arg(fileName), 4000);
        // The keys go back to the review (Ctrl+Z then takes the adjudication back, not the reason's text).
        if (m_adjudication->isAncestorOf(QApplication::focusWidget()))
            m_view->setFocus();
        refreshItem(fileName);
        if (m_adjudication->isVisible())
            updateAdjudication();
        if (m_audit && m_audit->isVisible())
            m_audit->refresh();
        if (m_reports && m_reports->isVisible())
            m_reports->refresh();
    });
    connect(m_review, &ReviewSession::adjudicationFailed, this, [this](const QString &fileName, const QString &message) {
        statusBar()->showMessage(tr("The adjudication of %1 was not changed: %2").arg(fileName, message), 8000);
        if (m_adjudication->isVisible())
            updateAdjudication();
    });
}

void MainWindow::onSending(ItemId item, const QString &fileName, ReviewSession::Request request, const QString &what)
{
    m_queue->setPending(item, true);
    m_verdicts->setStatus(VerdictPanel::Status::Saving, what);
    if (request == ReviewSession::Request::Retract || request == ReviewSession::Request::Repeat)
        m_undoneOrRedone.insert(item); // the verdict panel shows my verdict as it is once saved
    if (request == ReviewSession::Request::Retract) {
        // Undo takes the reviewer back to the item.
        if (const int position = m_queue->positionOf(item); position >= 0)
            goTo(position);
    } else if (request == ReviewSession::Request::Retry) {
        refreshItem(fileName);
    }
}

void MainWindow::onWritten(ItemId item, const QString &fileName)
{
    if (m_reload->isBusy())
        m_writtenDuringReload << fileName;
    refreshItem(fileName);
    if (m_undoneOrRedone.remove(item) && !m_review->isUnsaved(item) && fileName == currentFileName())
        showMine(item);
    m_verdicts->setStatus(VerdictPanel::Status::Saved, tr("Saved: %1").arg(fileName));
}

void MainWindow::onWriteFailed(ItemId, const QString &fileName, const QString &message)
{
    // The server went away under the writer: sent again by themselves once it is back.
    if (project() && project()->isOnServer()
        && (message.contains(QLatin1String("connection to the server was lost")) || message.contains(QLatin1String("cannot be reached"))))
        m_serverDown = true;
    refreshItem(fileName);
    m_verdicts->setStatus(VerdictPanel::Status::Failed,
                          tr("NOT saved (%1): %2. Nothing saved before is affected; Ctrl+R tries again.").arg(fileName, message));
    statusBar()->showMessage(tr("A review could not be saved: %1").arg(message));
}

void MainWindow::retryFailedWrites()
{
    m_review->retryFailed();
}

bool MainWindow::settleFailedWrites()
{
    flushWrites();
    while (m_review->failedCount() > 0) {
        QMessageBox box(QMessageBox::Warning, tr("Reviews not saved"),
                        tr("%n review(s) could not be saved to %1. Closing now loses them.", nullptr, m_review->failedCount())
                            .arg(project() ? projectDisplayName(project()->path()) : QString()),
                        QMessageBox::NoButton, this);
        QPushButton *retry = box.addButton(tr("Try again"), QMessageBox::AcceptRole);
        QPushButton *discard = box.addButton(tr("Close without them"), QMessageBox::DestructiveRole);
        box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(retry);
        box.exec();
        if (box.clickedButton() == retry) {
            retryFailedWrites();
            flushWrites();
        } else if (box.clickedButton() == discard) {
            m_review->discardFailed();
        } else {
            return false;
        }
    }
    return true;
}

void MainWindow::updateRetry()
{
    const int failed = m_review->failedCount();
    m_retryButton->setText(tr("Retry saving %n review(s)", nullptr, failed));
    m_retryButton->setVisible(failed > 0);
    action(QStringLiteral("edit.retry"))->setEnabled(failed > 0);
}

void MainWindow::refreshItem(const QString &fileName)
{
    if (!project() || fileName.isEmpty())
        return;
    const auto item = project()->store().itemByFileName(fileName);
    if (!item)
        return;
    for (const QueueRow &row : m_queue->allRows()) {
        if (row.item == item->id) {
            QueueRow updated = row;
            refreshRow(*project(), currentModel(), me(), updated);
            m_queue->updateRow(updated);
            break;
        }
    }
    m_queue->setPending(item->id, m_review->isUnsaved(item->id));
    if (fileName == currentFileName())
        m_facts->showItem(*project(), item->id, currentModel(), me(), m_blind);
    updateProgress();
}

void MainWindow::updateProgress()
{
    const int reviewed = m_queue->shownReviewedCount();
    const int total = m_queue->rowCount();
    QString text = tr("Item %1 of %2").arg(m_position + 1).arg(total);
    const double hours = double(m_review->elapsedMs()) / 3.6e6;
    if (m_review->recordedCount() >= 3 && hours > 0) {
        const double rate = m_review->recordedCount() / hours;
        const double left = (total - reviewed) / rate;
        text += tr(" · %1 per hour · about %2 left").arg(qRound(rate)).arg(left < 1.0 ? tr("%1 min").arg(qRound(left * 60)) : tr("%1 h").arg(left, 0, 'f', 1));
    }
    if (!m_review->reviewer().isEmpty())
        text += tr(" · reviewer %1").arg(m_review->reviewer());
    m_queuePanel->setProgress(reviewed, total, text);
}

} // namespace bagel
