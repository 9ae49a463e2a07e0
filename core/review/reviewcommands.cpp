#include "reviewcommands.h"

#include "error.h"
#include "storage/store.h"
#include "review/reviewsession.h"

#include <QObject>

namespace bagel {

ReviewCommand::ReviewCommand(ReviewSession &session, ItemId item, ReviewInput input)
    : m_session(session)
    , m_item(item)
    , m_input(std::move(input))
    , m_handle(std::make_shared<ReviewId>(0))
{
    setText(QObject::tr("%1 on %2").arg(m_input.verdict ? toString(*m_input.verdict) : QObject::tr("label edit"), m_input.fileName));
}

void ReviewCommand::redo()
{
    if (!m_recorded) {
        m_session.submitRecord(m_item, m_input, m_handle);
        m_recorded = true;
    } else {
        m_session.submitRepeat(m_item, m_input.fileName, m_handle);
    }
}

void ReviewCommand::undo()
{
    m_session.submitRetract(m_item, m_input.fileName, m_handle);
}

AdjudicationCommand::AdjudicationCommand(ReviewSession &session, AdjudicationInput input, std::optional<AdjudicationRecord> previous,
                                         ItemId item, ModelId model)
    : m_session(session)
    , m_input(std::move(input))
    , m_previous(std::move(previous))
    , m_item(item)
    , m_model(model)
{
    setText(QObject::tr("adjudication %1 on %2").arg(m_input.verdict ? toString(*m_input.verdict) : QObject::tr("withdrawn"), m_input.fileName));
}

AdjudicationInput AdjudicationCommand::restoring() const
{
    AdjudicationInput back;
    back.fileName = m_input.fileName;
    back.model = m_input.model;
    back.lead = m_session.reviewer(); // whoever undoes it now: the project checks they may
    // Back to the final word the unit had before, when it had one; else this one is withdrawn.
    if (m_previous && m_previous->verdict) {
        back.verdict = m_previous->verdict;
        back.category = m_previous->category;
        back.severity = m_previous->severity;
        back.gold = m_previous->gold;
    }
    if (!m_input.verdict)
        back.reason = QObject::tr("undo of the withdrawal: %1").arg(m_previous ? m_previous->reason : m_input.reason);
    else if (back.verdict)
        back.reason = QObject::tr("undo, back to the earlier adjudication: %1").arg(m_previous->reason);
    else
        back.reason = QObject::tr("undo of the adjudication: %1").arg(m_input.reason);
    return back;
}

void AdjudicationCommand::redo()
{
    if (std::exchange(m_first, false))
        return; // recorded before it was pushed
    AdjudicationInput again = m_input;
    again.time = {};
    again.lead = m_session.reviewer();
    apply(again);
}

void AdjudicationCommand::undo()
{
    apply(restoring());
}

void AdjudicationCommand::apply(AdjudicationInput input)
{
    Project *project = m_session.project();
    if (!project) {
        setObsolete(true);
        return;
    }
    try {
        // The unit's final word must still be the one this command left: another lead (another
        // window, bagel-cli) may have adjudicated it since, and undo must not silently undo them.
        const AdjudicationRecord *latest = nullptr;
        const QVector<AdjudicationRecord> all = project->store().adjudications(m_item);
        for (const AdjudicationRecord &a : all) {
            if (a.model == m_model && (!latest || a.time > latest->time || (a.time == latest->time && a.id > latest->id)))
                latest = &a;
        }
        const qint64 ours = m_session.m_lastAdjudication.value({m_item, m_model}, -1);
        if (!latest || latest->id != ours) {
            throw Error(QObject::tr("the unit was adjudicated again since (%1), and that word stays")
                            .arg(latest ? latest->time.toLocalTime().toString(Qt::ISODate) : QObject::tr("withdrawn")));
        }
        m_session.m_lastAdjudication.insert({m_item, m_model}, project->adjudicate(input));
        Q_EMIT m_session.adjudicated(input.fileName);
    } catch (const Error &e) {
        // Nothing was written: the step leaves the stack, so that Undo and Redo stay in step
        // with the file.
        setObsolete(true);
        Q_EMIT m_session.adjudicationFailed(input.fileName, e.message());
    }
}

} // namespace bagel
