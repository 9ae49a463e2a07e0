#pragma once

#include "vocabulary.h"

#include <QHash>
#include <QWidget>

#include <optional>

class QAbstractButton;
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
    /** The refinement of a spurious-correlation category; none for any other category. */
    std::optional<SpuriousKind> spuriousKind() const;
    QString note() const;

    void setCategory(std::optional<Category> category);
    void setSeverity(std::optional<Severity> severity);
    void setSpuriousKind(std::optional<SpuriousKind> kind);
    /** The reviewer's latest review of the item: its verdict, category and severity show selected. */
    struct Mine
    {
        std::optional<Verdict> verdict;
        std::optional<Category> category;
        std::optional<SpuriousKind> spuriousKind;
        std::optional<Severity> severity;
        QString note;
        QString oovWnid;
    };
    /** Starts the draft afresh from \a mine (the reviewer's last review of the item, if any) and marks it. */
    void resetDraft(const Mine &mine);
    /** The verdict marked as the reviewer's own, if any. */
    std::optional<Verdict> myVerdict() const { return m_myVerdict; }
    /** Forgets everything about the item (no project, or another project). */
    void clear();
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
    QHash<QString, QWidget *> m_verdictButtons; ///< by verdict name
    QWidget *m_spuriousRow;
    QHash<SpuriousKind, QAbstractButton *> m_spuriousButtons;
    std::optional<Verdict> m_myVerdict;
    std::optional<Category> m_category;
    std::optional<SpuriousKind> m_spuriousKind;
    std::optional<Severity> m_severity;
    QString m_oovWnid;
    QLabel *m_trueObject;
    QLineEdit *m_note;
    QCheckBox *m_autoAdvance;
    QLabel *m_status;
};

} // namespace bagel
