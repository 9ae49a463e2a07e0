#pragma once

#include "review/classquery.h"
#include "review/reviewqueue.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace bagel {

class ClassSearch;
class QueueListModel;

/**
 * The queue side of the review window: which model, the filters, the queue as a sortable
 * table, and how far the reviewer has got. The class filters follow each keystroke through
 * the class panel's search (`dog` is every breed) and say so when a name matches nothing.
 * The panel only reports what the reviewer asks for (filterChanged, sortChanged, …); the
 * window decides what to show.
 */
class QueuePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueuePanel)

public:
    /** Everything the reviewer set in the panel, to be put back later. */
    struct Fields
    {
        int model = -1;
        bool mistakesOnly = true;
        bool notReviewedByMe = false;
        bool assignedToMe = false;
        int verdict = 0;  ///< 0: any, else 1 + the verdict's place in verdictNames()
        int category = 0; ///< 0: any, else 1 + the category's place in categoryNames()
        QString original;
        QString predicted;
        QString search;
    };

    explicit QueuePanel(QueueListModel *model, QWidget *parent = nullptr);
    ~QueuePanel() override;

    QComboBox *modelBox() const { return m_modelBox; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchBox() const { return m_search; }
    QLineEdit *originalFilter() const { return m_originalFilter; }
    QLineEdit *predictedFilter() const { return m_predictedFilter; }
    /** The line under a class filter: what it matched, or (in red) that it matched nothing. */
    QLabel *originalHint() const { return m_originalHint; }
    QLabel *predictedHint() const { return m_predictedHint; }
    QCheckBox *mistakesOnlyBox() const { return m_mistakesOnly; }
    /** "Assigned to me": shown only while the reviewer has units assigned in the model chosen. */
    QCheckBox *assignedToMeBox() const { return m_assignedToMe; }
    /**
     * Whether the reviewer has \a count units assigned in the model chosen: the "Assigned to me"
     * box is shown with the count, or hidden (and off) when there are none. Does not signal.
     */
    void setAssignedCount(int count);
    /** Shown while the filters are set aside to show one item; its button puts them back. */
    QWidget *setAsideNotice() const { return m_setAside; }

    /** The filter the fields describe, the class names resolved. */
    QueueFilter filter() const;
    /** Fills the fields from \a filter (classes as their wnids) without signalling. */
    void setFilter(const QueueFilter &filter);
    Fields fields() const;
    /** Puts \a fields back without signalling. */
    void setFields(const Fields &fields);
    QueueSort sort() const;
    /** Shows \a sort on the header without signalling. */
    void setSort(QueueSort sort);

    /** The search the class filters go through; the class panel's, once WordNet is read. */
    void setClassSearch(std::shared_ptr<const ClassSearch> search);

    /** Selects the row at \a position and scrolls it into view. */
    void showPosition(int position);
    /** Lays the table out and paints it now, not at the next frame (the answer to a keystroke). */
    void repaintTable();
    /** How many rows one page of the table shows. */
    int rowsPerPage() const;
    void setProgress(int reviewed, int total, const QString &text);
    void showSetAside(const QString &message);
    void hideSetAside();

Q_SIGNALS:
    /** The reviewer changed a filter. */
    void filterChanged();
    /** The reviewer clicked a column header. */
    void sortChanged();
    /** The reviewer chose another model. */
    void modelChanged();
    void positionClicked(int position);
    /** The reviewer asked for the filters set aside back. */
    void restoreRequested();

private:
    /** Resolves the class fields again and shows what they match. */
    void resolveClasses();

    QueueListModel *m_model;
    std::shared_ptr<const ClassSearch> m_classes;
    ClassQuery m_original;
    ClassQuery m_predicted;

    QWidget *m_setAside;
    QLabel *m_setAsideText;
    QComboBox *m_modelBox;
    QCheckBox *m_mistakesOnly;
    QCheckBox *m_notReviewed;
    QCheckBox *m_assignedToMe;
    QComboBox *m_verdictFilter;
    QComboBox *m_categoryFilter;
    QLineEdit *m_originalFilter;
    QLabel *m_originalHint;
    QLineEdit *m_predictedFilter;
    QLabel *m_predictedHint;
    QLineEdit *m_search;
    QTableView *m_table;
    QProgressBar *m_progress;
    QLabel *m_progressText;
};

} // namespace bagel
