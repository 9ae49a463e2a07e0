#pragma once

#include <QDialog>

#include <functional>

class QLabel;
class QLineEdit;

namespace bagel {

/**
 * Go ▸ Go to item…: a file name field that completes from the queue's file names (any part
 * of the name, in any case). OK asks the window to go there; when it cannot (no such item,
 * several match), the dialog stays open and says why under the field.
 */
class GoToItemDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GoToItemDialog)

public:
    /** \a go goes to the item named by its argument and returns what went wrong, or "". */
    GoToItemDialog(const QStringList &fileNames, std::function<QString(const QString &)> go, QWidget *parent = nullptr);

    QLineEdit *field() const { return m_field; }
    QLabel *message() const { return m_message; }

    void accept() override;

private:
    std::function<QString(const QString &)> m_go;
    QLineEdit *m_field;
    QLabel *m_message;
};

} // namespace bagel
