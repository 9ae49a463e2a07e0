#pragma once

#include "project.h"
#include "review/reviewwriter.h"

#include <QUndoCommand>

namespace bagel {

class MainWindow;

/**
 * One recorded review as an undoable step. Redo records it (or, after an undo, records it
 * again); undo appends a retraction. The review history itself is never rewritten.
 */
class ReviewCommand final : public QUndoCommand
{
public:
    ReviewCommand(MainWindow &window, ReviewInput input, ItemId item);

    void redo() override;
    void undo() override;

    const ReviewInput &input() const { return m_input; }

private:
    MainWindow &m_window;
    ReviewInput m_input;
    ItemId m_item;
    ReviewWriter::Handle m_handle;
    bool m_recorded = false;
};

} // namespace bagel
