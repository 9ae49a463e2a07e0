#pragma once

#include "storage/records.h"

#include <QDockWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace bagel {

class Project;
class ReviewSession;

/**
 * The lead's view of one unit (the item shown and the model chosen): every reviewer's verdict,
 * category, severity, label set and note side by side, the unit's final state, and the controls
 * to record an adjudication (a final verdict with a reason, optionally as a gold unit).
 */
class AdjudicationPanel final : public QDockWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdjudicationPanel)

public:
    explicit AdjudicationPanel(QWidget *parent = nullptr);

    /**
     * Shows the unit of \a session's project; \a session may be null or closed (nothing to show).
     * Adjudications are recorded through the session, as steps its undo stack can take back.
     */
    void showUnit(ReviewSession *session, ItemId item, ModelId model);
    /** The lead's name adjudications are recorded under. */
    void setLead(const QString &name);

    QTableWidget *answersTable() const { return m_answers; }
    QLabel *finalLabel() const { return m_final; }
    /**
     * Who may adjudicate: a suggestion to name leads while the project has none, why the
     * controls are off for someone who is not a lead, or a warning to a lead who rated the
     * unit themselves. Hidden when there is nothing to say.
     */
    QLabel *leadNotice() const { return m_leadNotice; }
    QPushButton *recordButton() const { return m_record; }

Q_SIGNALS:
    /** The user asked to see or change the project's leads. */
    void leadsRequested();

    /** An adjudication was recorded (or withdrawn) for the item. */
    void adjudicated(const QString &fileName);

private:
    void record(bool withdraw);
    void refresh();

    ReviewSession *m_session = nullptr;
    Project *m_project = nullptr; ///< the session's, while shown
    ItemId m_item = 0;
    ModelId m_model = 0;
    QString m_lead;
    QTableWidget *m_answers;
    QLabel *m_final;
    QLabel *m_leadNotice;
    QComboBox *m_verdict;
    QComboBox *m_category;
    QComboBox *m_severity;
    QLineEdit *m_reason;
    QCheckBox *m_gold;
    QPushButton *m_record;
    QPushButton *m_withdraw;
};

} // namespace bagel
