#pragma once

#include "project.h"
#include "review/reviewwriter.h"

#include <QUndoCommand>

#include <optional>

namespace bagel {

class ReviewSession;

/**
 * One recorded review as an undoable step of a ReviewSession. Redo records it (or, after an
 * undo, records it again); undo appends a retraction. The review history itself is never
 * rewritten.
 */
class ReviewCommand final : public QUndoCommand
{
public:
    ReviewCommand(ReviewSession &session, ItemId item, ReviewInput input);

    void redo() override;
    void undo() override;

    const ReviewInput &input() const { return m_input; }

private:
    ReviewSession &m_session;
    ItemId m_item;
    ReviewInput m_input;
    ReviewWriter::Handle m_handle;
    bool m_recorded = false;
};

/**
 * A lead's adjudication, already recorded when the command is pushed, as an undoable step.
 * Adjudications are appended, never rewritten either: undo appends one that restores the
 * unit's earlier final word (\a previous, the latest adjudication of the unit before this one)
 * or, when there was none, withdraws this one; redo appends it again. Both are recorded under
 * the session's reviewer now, so the project checks that they may adjudicate, and both are
 * refused when someone else has adjudicated the unit since: undo never overrides a later word.
 * A refused step is reported by ReviewSession::adjudicationFailed() and leaves the stack.
 */
class AdjudicationCommand final : public QUndoCommand
{
public:
    /** \a input is already appended, as the adjudication of \a item for \a model. */
    AdjudicationCommand(ReviewSession &session, AdjudicationInput input, std::optional<AdjudicationRecord> previous,
                        ItemId item, ModelId model);

    void redo() override;
    void undo() override;

    /** What undo appends: the earlier adjudication again, or the withdrawal of this one. */
    AdjudicationInput restoring() const;

private:
    void apply(AdjudicationInput input);

    ReviewSession &m_session;
    AdjudicationInput m_input;
    std::optional<AdjudicationRecord> m_previous;
    ItemId m_item;
    ModelId m_model;
    bool m_first = true;
};

} // namespace bagel
