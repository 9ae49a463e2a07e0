#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace bagel {

class Project;

/**
 * Project ▸ Leads…: the project's leads, to name and remove. Adjudication is a lead's act:
 * while the list is empty anyone may adjudicate; once it names someone, only they may. Every
 * change is written at once (the dialog has only Close); on a read-only project the list is
 * shown and cannot be changed.
 */
class LeadsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LeadsDialog)

public:
    /** \a suggested prefills the name field (the reviewer's own name while no lead is named). */
    LeadsDialog(Project &project, const QString &suggested, QWidget *parent = nullptr);

    QListWidget *list() const { return m_list; }
    QLineEdit *nameField() const { return m_name; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    /** The list of leads was changed. */
    void leadsChanged();

private:
    void add();
    void remove();
    void reload();

    Project &m_project;
    QListWidget *m_list;
    QLineEdit *m_name;
    QPushButton *m_add;
    QPushButton *m_remove;
    QLabel *m_status;
};

} // namespace bagel
