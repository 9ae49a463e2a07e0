#pragma once

#include "classsearch.h"

#include <QAbstractListModel>

namespace bagel {

/** Search results as a list model: "name — wnid · index", the definition as tooltip. */
class ClassHitModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassHitModel)

public:
    enum Role { WnidRole = Qt::UserRole + 1, ClassIndexRole, GlossRole };

    explicit ClassHitModel(QObject *parent = nullptr);

    void setHits(QVector<ClassHit> hits);
    const ClassHit *hit(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    QVector<ClassHit> m_hits;
};

} // namespace bagel
