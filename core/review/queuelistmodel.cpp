#include "queuelistmodel.h"

#include "catalog/classcatalog.h"

#include <cmath>

namespace bagel {

namespace {

QString number(double value)
{
    return std::isnan(value) ? QStringLiteral("–") : QString::number(value, 'f', 3);
}

} // namespace

QueueListModel::QueueListModel(const ClassCatalog &catalog, QObject *parent)
    : QAbstractTableModel(parent)
    , m_catalog(catalog)
{
}

void QueueListModel::setRows(QVector<QueueRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_rowOfItem.clear();
    m_rowOfItem.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOfItem.insert(m_rows[i].item, i);
    m_order.clear();
    m_positionOfRow.fill(-1, m_rows.size());
    m_pending.clear();
    endResetModel();
}

void QueueListModel::arrange(const QueueFilter &filter, QueueSort sort)
{
    // Typing on in the search only narrows: the rows shown, already in order, are filtered again.
    QueueFilter before = m_filter;
    before.search = filter.search;
    const bool narrower = sort == m_sort && before == filter && !m_order.isEmpty()
                          && filter.search.contains(m_filter.search, Qt::CaseInsensitive);
    beginResetModel();
    if (narrower) {
        QVector<int> kept;
        kept.reserve(m_order.size());
        for (int row : std::as_const(m_order)) {
            if (filter.accepts(m_rows[row]))
                kept << row;
        }
        m_order = std::move(kept);
    } else {
        m_order = arrangeQueue(m_rows, filter, sort, m_catalog);
    }
    m_filter = filter;
    m_sort = sort;
    m_positionOfRow.fill(-1, m_rows.size());
    for (int position = 0; position < m_order.size(); ++position)
        m_positionOfRow[m_order[position]] = position;
    endResetModel();
}

void QueueListModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= kQueueColumnCount)
        return;
    arrange(m_filter, QueueSort{QueueColumn(column), order == Qt::DescendingOrder});
}

int QueueListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}

int QueueListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kQueueColumnCount;
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
    return row < 0 ? -1 : m_positionOfRow[row];
}

int QueueListModel::positionOf(const QString &fileName) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].fileName == fileName)
            return m_positionOfRow[row];
    }
    return -1;
}

bool QueueListModel::holds(const QString &fileName) const
{
    return std::any_of(m_rows.begin(), m_rows.end(), [&](const QueueRow &r) { return r.fileName == fileName; });
}

int QueueListModel::nextNotReviewed(int position) const
{
    const int count = int(m_order.size());
    for (int step = 1; step <= count; ++step) {
        const int at = ((position < 0 ? -1 : position) + step) % count;
        const QueueRow &row = m_rows[m_order[at]];
        if (!row.myVerdict && !m_pending.contains(row.item))
            return at;
    }
    return -1;
}

QVariant QueueListModel::data(const QModelIndex &index, int role) const
{
    const QueueRow *row = rowAt(index.row());
    if (!row || index.column() < 0 || index.column() >= kQueueColumnCount)
        return {};
    const auto className = [this](int c) { return m_catalog.contains(c) ? m_catalog.at(c).name() : QStringLiteral("?"); };
    const auto column = QueueColumn(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case QueueColumn::File:
            return row->fileName;
        case QueueColumn::Original:
            return className(row->originalLabel);
        case QueueColumn::Prediction:
            return className(row->top1);
        case QueueColumn::Score:
            return number(row->score);
        case QueueColumn::Margin:
            return number(row->margin);
        case QueueColumn::MyVerdict:
            if (m_pending.contains(row->item))
                return tr("saving…");
            return row->myVerdict ? toString(*row->myVerdict) : QString();
        case QueueColumn::Others:
            return row->otherReviewers;
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case QueueColumn::Original:
        case QueueColumn::Prediction: {
            const int c = column == QueueColumn::Original ? row->originalLabel : row->top1;
            if (!m_catalog.contains(c))
                return {};
            const ImageNetClass &info = m_catalog.at(c);
            return QStringLiteral("%1 (%2, class %3)").arg(info.names.join(QLatin1String(", ")), info.wnid).arg(c);
        }
        case QueueColumn::MyVerdict:
            if (row->myVerdict && row->myCategory)
                return QStringLiteral("%1: %2%3").arg(toString(*row->myVerdict), toString(*row->myCategory),
                                                      row->mySeverity ? QStringLiteral(", ") + toString(*row->mySeverity) : QString());
            return {};
        default:
            return row->mistake ? tr("The model's top-1 is not among the correct or unclear labels")
                                : tr("The model's top-1 is among the labels");
        }
    case Qt::TextAlignmentRole:
        if (column == QueueColumn::Score || column == QueueColumn::Margin || column == QueueColumn::Others)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
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

QVariant QueueListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= kQueueColumnCount)
        return {};
    switch (QueueColumn(section)) {
    case QueueColumn::File:
        return role == Qt::DisplayRole ? tr("File") : role == Qt::ToolTipRole ? tr("The image's file name") : QVariant();
    case QueueColumn::Original:
        return role == Qt::DisplayRole ? tr("Label") : role == Qt::ToolTipRole ? tr("The original ImageNet label") : QVariant();
    case QueueColumn::Prediction:
        return role == Qt::DisplayRole ? tr("Prediction") : role == Qt::ToolTipRole ? tr("The model's top-1 class") : QVariant();
    case QueueColumn::Score:
        return role == Qt::DisplayRole ? tr("Score") : role == Qt::ToolTipRole ? tr("The top-1 score; – when the predictions gave none") : QVariant();
    case QueueColumn::Margin:
        return role == Qt::DisplayRole ? tr("Margin") : role == Qt::ToolTipRole ? tr("Top-1 score minus top-2 score") : QVariant();
    case QueueColumn::MyVerdict:
        return role == Qt::DisplayRole ? tr("Mine") : role == Qt::ToolTipRole ? tr("My verdict on the model's top-1") : QVariant();
    case QueueColumn::Others:
        return role == Qt::DisplayRole ? tr("Others") : role == Qt::ToolTipRole ? tr("How many other reviewers gave a verdict") : QVariant();
    }
    return {};
}

void QueueListModel::rowChanged(int row)
{
    const int position = row >= 0 && row < m_positionOfRow.size() ? m_positionOfRow[row] : -1;
    if (position >= 0)
        Q_EMIT dataChanged(index(position, 0), index(position, kQueueColumnCount - 1));
}

void QueueListModel::updateRow(const QueueRow &row)
{
    const int index = m_rowOfItem.value(row.item, -1);
    if (index < 0)
        return;
    m_rows[index] = row;
    rowChanged(index);
}

void QueueListModel::setPending(ItemId item, bool pending)
{
    if (pending)
        m_pending.insert(item);
    else
        m_pending.remove(item);
    rowChanged(m_rowOfItem.value(item, -1));
}

int QueueListModel::reviewedCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const QueueRow &r) { return r.myVerdict.has_value(); }));
}

int QueueListModel::shownReviewedCount() const
{
    return int(std::count_if(m_order.begin(), m_order.end(), [this](int row) { return m_rows[row].myVerdict.has_value(); }));
}

} // namespace bagel
