#pragma once

#include "reviewqueue.h"

#include <QAbstractListModel>
#include <QSet>

namespace bagel {

class ClassCatalog;

/**
 * The review queue as a list model: the rows of one model's queue, in the order and selection
 * of a QueueFilter and QueueOrder. Each row reads "file name — original label → top-1", with
 * the reviewer's verdict; ui/ decides how that looks.
 */
class QueueListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueListModel)

public:
    enum Role { ItemIdRole = Qt::UserRole + 1, FileNameRole, MyVerdictRole, PendingRole, MistakeRole };

    explicit QueueListModel(const ClassCatalog &catalog, QObject *parent = nullptr);

    void setRows(QVector<QueueRow> rows);
    void arrange(const QueueFilter &filter, QueueOrder order);

    const QVector<QueueRow> &allRows() const { return m_rows; }
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    /** The queue row shown at \a position, or nullptr. */
    const QueueRow *rowAt(int position) const;
    /** Where \a item is shown, or -1. */
    int positionOf(ItemId item) const;
    /** Replaces the row of its item (after a review) and tells the view. */
    void updateRow(const QueueRow &row);
    /** Marks an item as having a review on its way to the disk. */
    void setPending(ItemId item, bool pending);

    /** Rows of the whole queue (filter aside) the reviewer has given a verdict. */
    int reviewedCount() const;

private:
    const ClassCatalog &m_catalog;
    QVector<QueueRow> m_rows;
    QVector<int> m_order;
    QHash<ItemId, int> m_rowOfItem;
    QSet<ItemId> m_pending;
};

} // namespace bagel
