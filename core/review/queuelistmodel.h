#pragma once

#include "reviewqueue.h"

#include <QAbstractTableModel>
#include <QSet>

namespace bagel {

class ClassCatalog;

/**
 * The review queue as a table: the rows of one model's queue that a QueueFilter lets through,
 * in the order of a QueueSort, one column per QueueColumn (file, original label, prediction,
 * score, margin, my verdict, how many others gave one). Sorting by a header goes through
 * sort(); ui/ decides how it looks. A 50,000-row queue filters and sorts in milliseconds:
 * the rows stay put and only the order of their indices changes.
 */
class QueueListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueListModel)

public:
    enum Role { ItemIdRole = Qt::UserRole + 1, FileNameRole, MyVerdictRole, PendingRole, MistakeRole };

    explicit QueueListModel(const ClassCatalog &catalog, QObject *parent = nullptr);

    void setRows(QVector<QueueRow> rows);
    /** Shows the rows \a filter lets through, in \a sort's order. */
    void arrange(const QueueFilter &filter, QueueSort sort);
    const QueueFilter &filter() const { return m_filter; }
    QueueSort sortOrder() const { return m_sort; }

    const QVector<QueueRow> &allRows() const { return m_rows; }
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    /** Keeps the filter and orders by \a column. */
    void sort(int column, Qt::SortOrder order) override;

    /** The queue row shown at \a position, or nullptr. */
    const QueueRow *rowAt(int position) const;
    /** Where \a item is shown, or -1. */
    int positionOf(ItemId item) const;
    /** Where the item named \a fileName is shown, or -1. */
    int positionOf(const QString &fileName) const;
    /** Is an item named \a fileName in the whole queue (shown or filtered out)? */
    bool holds(const QString &fileName) const;
    /**
     * The first position after \a position, going round past the end, whose item has neither
     * my verdict nor one on its way to the disk; -1 when every shown item has one.
     */
    int nextNotReviewed(int position) const;
    /** Replaces the row of its item (after a review) and tells the view. */
    void updateRow(const QueueRow &row);
    /** Marks an item as having a review on its way to the disk. */
    void setPending(ItemId item, bool pending);

    /** Rows of the whole queue (filter aside) the reviewer has given a verdict. */
    int reviewedCount() const;
    /** Rows shown that the reviewer has given a verdict. */
    int shownReviewedCount() const;

private:
    void rowChanged(int row);

    const ClassCatalog &m_catalog;
    QVector<QueueRow> m_rows;            ///< the whole queue, in file-name order
    QVector<int> m_order;                ///< position → row
    QVector<int> m_positionOfRow;        ///< row → position, or -1 when filtered out
    QHash<ItemId, int> m_rowOfItem;
    QSet<ItemId> m_pending;
    QueueFilter m_filter;
    QueueSort m_sort;
};

} // namespace bagel
