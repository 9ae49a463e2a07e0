#include "classhitmodel.h"

namespace bagel {

ClassHitModel::ClassHitModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void ClassHitModel::setHits(QVector<ClassHit> hits)
{
    beginResetModel();
    m_hits = std::move(hits);
    endResetModel();
}

const ClassHit *ClassHitModel::hit(int row) const
{
    return row >= 0 && row < m_hits.size() ? &m_hits[row] : nullptr;
}

int ClassHitModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

QVariant ClassHitModel::data(const QModelIndex &index, int role) const
{
    const ClassHit *h = hit(index.row());
    if (!h)
        return {};
    switch (role) {
    case Qt::DisplayRole: {
        QString text = h->names.value(0);
        if (h->names.size() > 1)
            text += QStringLiteral(" (%1)").arg(h->names.mid(1, 2).join(QLatin1String(", ")));
        text += QStringLiteral(" — %1").arg(h->wnid());
        if (h->classIndex >= 0)
            text += QStringLiteral(" · %1").arg(h->classIndex);
        else
            text += tr(" · not an ImageNet class");
        return text;
    }
    case Qt::ToolTipRole:
        return h->gloss;
    case WnidRole:
        return h->wnid();
    case ClassIndexRole:
        return h->classIndex;
    case GlossRole:
        return h->gloss;
    default:
        return {};
    }
}

} // namespace bagel
