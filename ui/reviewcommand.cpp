#include "reviewcommand.h"

#include "mainwindow.h"

namespace bagel {

ReviewCommand::ReviewCommand(MainWindow &window, ReviewInput input, ItemId item)
    : m_window(window)
    , m_input(std::move(input))
    , m_item(item)
    , m_handle(std::make_shared<ReviewId>(0))
{
    setText(QObject::tr("%1 on %2").arg(m_input.verdict ? toString(*m_input.verdict) : QObject::tr("label edit"), m_input.fileName));
}

void ReviewCommand::redo()
{
    if (!m_recorded) {
        m_window.submitRecord(m_input, m_handle, m_item);
        m_recorded = true;
    } else {
        m_window.submitRepeat(m_input.fileName, m_handle);
    }
}

void ReviewCommand::undo()
{
    m_window.submitRetract(m_input.fileName, m_handle);
}

} // namespace bagel
