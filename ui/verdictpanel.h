#pragma once

#include "vocabulary.h"

#include <QHash>
#include <QWidget>

#include <optional>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;

namespace bagel {

/**
 * The reviewer's controls: verdict buttons, the category, severity and note that go with the
 * next `wrong` verdict (the draft), the auto-advance switch and the save status. The buttons
 * show the window's actions, so keys and clicks do the same thing.
 */
class VerdictPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VerdictPanel)

public:
    /** \a actions by id: verdict.*, category.*, severity.*. */
    VerdictPanel(const QHash<QString, QAction *> &actions, QWidget *parent = nullptr);

    std::optional<Category> category() const { return m_category; }
    std::optional<Severity> severity() const { return m_severity; }
    QString note() const;

    void setCategory(std::optional<Category> category);
    void setSeverity(std::optional<Severity> severity);
    /** Starts the draft afresh, from the reviewer's last review of the item if any. */
    void resetDraft(std::optional<Category> category, std::optional<Severity> severity, const QString &note,
                    const QString &oovWnid = {});
    /** The true object of a fine-grained-oov mistake (a WordNet synset), for the next verdict. */
    void setTrueObject(const QString &wnid, const QString &name);
    QString trueObject() const { return m_oovWnid; }

    bool autoAdvance() const;
    void setAutoAdvance(bool on);

    enum class Status { Idle, Saving, Saved, Failed };
    void setStatus(Status status, const QString &text);
    QString statusText() const;

    QLineEdit *noteEdit() const { return m_note; }

Q_SIGNALS:
    void autoAdvanceToggled(bool on);

private:
    void refreshChecks();

    QHash<QString, QAction *> m_actions;
    std::optional<Category> m_category;
    std::optional<Severity> m_severity;
    QString m_oovWnid;
    QLabel *m_trueObject;
    QLineEdit *m_note;
    QCheckBox *m_autoAdvance;
    QLabel *m_status;
};

} // namespace bagel
