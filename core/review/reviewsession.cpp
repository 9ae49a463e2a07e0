#include "reviewsession.h"

#include "storage/uid.h"

#include "error.h"
#include "review/reviewcommands.h"
#include "storage/store.h"
#include "storage/uid.h"

#include <QCoreApplication>
#include <QDateTime>

#include <spdlog/spdlog.h>

namespace bagel {

ReviewSession::ReviewSession(QObject *parent)
    : QObject(parent)
{
}

ReviewSession::~ReviewSession()
{
    close();
}

void ReviewSession::open(std::unique_ptr<Project> project)
{
    close();
    if (!project)
        return;
    m_project = std::move(project);
    m_writer = std::make_unique<ReviewWriter>(m_project->path());
    connect(m_writer.get(), &ReviewWriter::done, this, &ReviewSession::onDone);
    connect(m_writer.get(), &ReviewWriter::failed, this, &ReviewSession::onFailed);
    m_reviewerId = 0;
    m_model = 0;
    m_modelName.clear();
    m_recorded = 0;
    m_clock.start();
}

void ReviewSession::close()
{
    if (!m_project)
        return;
    flush();
    if (!m_failed.isEmpty()) {
        spdlog::warn("closing {} with {} review(s) that could not be saved", m_project->path().toStdString(), m_failed.size());
        m_failed.clear();
        Q_EMIT failedCountChanged(0);
    }
    m_undo.clear();
    m_lastAdjudication.clear();
    m_writer.reset();
    m_pending.clear();
    m_project.reset();
    m_reviewerId = 0;
    m_model = 0;
    m_modelName.clear();
    m_clock.invalidate();
}

bool ReviewSession::isReadOnly() const
{
    return m_project && m_project->store().isReadOnly();
}

void ReviewSession::setReviewer(const QString &name)
{
    if (name != m_reviewer)
        m_reviewerId = 0;
    m_reviewer = name;
}

ReviewerId ReviewSession::reviewerId() const
{
    // Looked up until the project knows the reviewer (their first saved review creates them);
    // reviewers are never removed, so a known id stays valid.
    if (!m_reviewerId && m_project && !m_reviewer.isEmpty())
        m_reviewerId = m_project->store().reviewerId(m_reviewer, false);
    return m_reviewerId;
}

void ReviewSession::setModel(ModelId id)
{
    // Looked up once here, not on every verdict: models are never renamed.
    m_model = id;
    m_modelName.clear();
    if (m_project) {
        for (const ModelRecord &m : m_project->store().models()) {
            if (m.id == id)
                m_modelName = m.name;
        }
    }
}

ReviewInput ReviewSession::newInput(const QString &fileName) const
{
    ReviewInput input;
    input.fileName = fileName;
    input.reviewer = m_reviewer;
    input.model = m_modelName;
    input.source = QStringLiteral("bagel");
    return input;
}

QString ReviewSession::refusal() const
{
    if (!m_project)
        return tr("No project is open.");
    if (isReadOnly())
        return tr("Not saved: the project is open read-only.");
    if (m_reviewer.isEmpty())
        return tr("Not saved: set the reviewer's name first.");
    return {};
}

QString ReviewSession::recordVerdict(ItemId item, const QString &fileName, const Draft &draft)
{
    if (QString why = refusal(); !why.isEmpty())
        return why;
    ReviewInput input = newInput(fileName);
    input.verdict = draft.verdict;
    if (draft.verdict == Verdict::Wrong) {
        input.category = draft.category;
        input.severity = draft.severity;
        input.spuriousKind = draft.spuriousKind;
        if (draft.category == Category::FineGrainedOov)
            input.oovWnid = draft.oovWnid;
    }
    input.note = draft.note;
    m_undo.push(new ReviewCommand(*this, item, std::move(input)));
    ++m_recorded;
    return {};
}

QString ReviewSession::recordLabelEdit(ItemId item, const QString &fileName, int classIndex, LabelEdit edit)
{
    if (QString why = refusal(); !why.isEmpty())
        return why;
    ReviewInput input = newInput(fileName);
    input.labelChanges = {LabelChange{classIndex, edit}};
    m_undo.push(new ReviewCommand(*this, item, std::move(input)));
    return {};
}

void ReviewSession::adjudicate(AdjudicationInput input)
{
    if (!m_project)
        throw Error(tr("No project is open."));
    if (input.lead.isEmpty())
        input.lead = m_reviewer;
    if (input.model.isEmpty())
        input.model = m_modelName;
    const qint64 id = m_project->adjudicate(input);
    // The unit's final word before this one, for undo: the latest other adjudication of the unit.
    std::optional<AdjudicationRecord> previous;
    ItemId item = 0;
    ModelId model = 0;
    if (const auto found = m_project->store().itemByFileName(input.fileName)) {
        item = found->id;
        const QVector<AdjudicationRecord> all = m_project->store().adjudications(item);
        const auto mine = std::find_if(all.begin(), all.end(), [id](const AdjudicationRecord &a) { return a.id == id; });
        if (mine != all.end())
            model = mine->model;
        for (const AdjudicationRecord &a : all) {
            if (mine == all.end() || a.id == id || a.model != model)
                continue;
            if (!previous || a.time > previous->time || (a.time == previous->time && a.id > previous->id))
                previous = a;
        }
    }
    m_lastAdjudication.insert({item, model}, id);
    m_undo.push(new AdjudicationCommand(*this, input, previous, item, model));
    Q_EMIT adjudicated(input.fileName);
}

bool ReviewSession::isUnsaved(ItemId item) const
{
    for (const Pending &write : m_pending) {
        if (write.item == item)
            return true;
    }
    return std::any_of(m_failed.begin(), m_failed.end(), [item](const Pending &write) { return write.item == item; });
}

QVector<ItemId> ReviewSession::unsavedItems() const
{
    QVector<ItemId> items;
    for (const Pending &write : m_pending)
        items << write.item;
    for (const Pending &write : m_failed)
        items << write.item;
    return items;
}

void ReviewSession::send(Pending write, Request request, const QString &what)
{
    const ItemId item = write.item;
    const QString fileName = write.fileName;
    const quint64 ticket = write.send();
    m_pending.insert(ticket, std::move(write));
    Q_EMIT sending(item, fileName, request, what);
}

void ReviewSession::submitRecord(ItemId item, const ReviewInput &given, const ReviewWriter::Handle &handle)
{
    // Stamped now, when the reviewer gave it: a verdict saved only on a retry must not pass
    // for newer than the ones given after it.
    ReviewInput input = given;
    if (!input.time.isValid())
        input.time = QDateTime::currentDateTimeUtc();
    // Its uid too: a retry after a commit that was not confirmed finds it instead of adding it again.
    if (input.uid.isEmpty())
        input.uid = newUid();
    ReviewWriter *writer = m_writer.get();
    send({item, input.fileName, [writer, input, handle] { return writer->record(input, handle); }}, Request::Record,
         tr("Saving %1 on %2…").arg(input.verdict ? toString(*input.verdict) : tr("a label edit"), input.fileName));
}

void ReviewSession::submitRetract(ItemId item, const QString &fileName, const ReviewWriter::Handle &handle)
{
    ReviewWriter *writer = m_writer.get();
    send({item, fileName, [writer, handle] { return writer->retract(handle); }}, Request::Retract,
         tr("Undoing the review of %1…").arg(fileName));
}

void ReviewSession::submitRepeat(ItemId item, const QString &fileName, const ReviewWriter::Handle &handle)
{
    ReviewWriter *writer = m_writer.get();
    send({item, fileName, [writer, handle] { return writer->repeat(handle); }}, Request::Repeat,
         tr("Redoing the review of %1…").arg(fileName));
}

void ReviewSession::onDone(quint64 ticket, ReviewId id)
{
    const auto write = m_pending.constFind(ticket);
    if (write == m_pending.constEnd())
        return;
    const ItemId item = write->item;
    const QString fileName = write->fileName;
    m_pending.erase(write);
    Q_EMIT written(item, fileName, id);
}

void ReviewSession::onFailed(quint64 ticket, const QString &message)
{
    const auto write = m_pending.constFind(ticket);
    if (write == m_pending.constEnd())
        return;
    // Kept, in order, to be sent again: the verdict is not lost because the disk was full.
    // Tickets grow, so a request that failed after an earlier one goes after it.
    const ItemId item = write->item;
    const QString fileName = write->fileName;
    m_failed << *write;
    m_pending.erase(write);
    Q_EMIT writeFailed(item, fileName, message);
    Q_EMIT failedCountChanged(int(m_failed.size()));
}

void ReviewSession::retryFailed()
{
    if (!m_writer || m_failed.isEmpty())
        return;
    const QVector<Pending> failed = std::exchange(m_failed, {});
    for (const Pending &write : failed)
        send(write, Request::Retry, tr("Saving %n review(s) again…", nullptr, int(failed.size())));
    Q_EMIT failedCountChanged(0);
}

void ReviewSession::discardFailed()
{
    if (m_failed.isEmpty())
        return;
    spdlog::warn("{} review(s) that could not be saved were given up", m_failed.size());
    m_failed.clear();
    Q_EMIT failedCountChanged(0);
}

void ReviewSession::flush()
{
    if (!m_writer)
        return;
    m_writer->flush();
    // The writer's done() and failed() are queued to this thread: deliver them now.
    QCoreApplication::sendPostedEvents(this);
}

} // namespace bagel
