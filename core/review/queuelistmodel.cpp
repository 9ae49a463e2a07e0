#include "queuelistmodel.h"

#include "catalog/classcatalog.h"

namespace bagel {

QueueListModel::QueueListModel(const ClassCatalog &catalog, QObject *parent)
    : QAbstractListModel(parent)
    , m_catalog(catalog)
{
}

void QueueListModel::setRows(QVector<QueueRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_rowOfItem.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOfItem.insert(m_rows[i].item, i);
    m_order.clear();
    m_pending.clear();
    endResetModel();
}

void QueueListModel::arrange(const QueueFilter &filter, QueueOrder order)
{
    beginResetModel();
    m_order = arrangeQueue(m_rows, filter, order);
    endResetModel();
}

int QueueListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}

const QueueRow *QueueListModel::rowAt(int position) const
{
    if (position < 0 || position >= m_order.size())
        return nullptr;
    return &m_rows[m_order[position]];
}

int QueueListModel::positionOf(ItemId item) const
{
    const int row = m_rowOfItem.value(item, -1);
    return row < 0 ? -1 : int(m_order.indexOf(row));
}

QVariant QueueListModel::data(const QModelIndex &index, int role) const
{
    const QueueRow *row = rowAt(index.row());
    if (!row || index.column() != 0)
        return {};
    switch (role) {
    case Qt::DisplayRole: {
        const QString original = m_catalog.contains(row->originalLabel) ? m_catalog.at(row->originalLabel).name() : QStringLiteral("?");
        const QString top1 = m_catalog.contains(row->top1) ? m_catalog.at(row->top1).name() : QStringLiteral("?");
        QString text = QStringLiteral("%1\n%2 → %3").arg(row->fileName, original, top1);
        if (m_pending.contains(row->item))
            text += QStringLiteral("  · saving…");
        else if (row->myVerdict)
            text += QStringLiteral("  · %1").arg(toString(*row->myVerdict));
        return text;
    }
    case Qt::ToolTipRole:
        return row->mistake ? tr("The model's top-1 is not among the correct or unclear labels")
                            : tr("The model's top-1 is among the labels");
    case ItemIdRole:
        return row->item;
    case FileNameRole:
        return row->fileName;
    case MyVerdictRole:
        return row->myVerdict ? toString(*row->myVerdict) : QString();
    case PendingRole:
        return m_pending.contains(row->item);
    case MistakeRole:
        return row->mistake;
    default:
        return {};
    }
}

void QueueListModel::updateRow(const QueueRow &row)
{
    const int index = m_rowOfItem.value(row.item, -1);
    if (index < 0)
        return;
    m_rows[index] = row;
    const int position = int(m_order.indexOf(index));
    if (position >= 0)
        Q_EMIT dataChanged(this->index(position), this->index(position));
}

void QueueListModel::setPending(ItemId item, bool pending)
{
    if (pending)
        m_pending.insert(item);
    else
        m_pending.remove(item);
    const int position = positionOf(item);
    if (position >= 0)
        Q_EMIT dataChanged(index(position), index(position));
}

int QueueListModel::reviewedCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const QueueRow &r) { return r.myVerdict.has_value(); }));
}

} // namespace bagel
