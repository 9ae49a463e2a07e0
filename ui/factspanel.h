#pragma once

#include "storage/records.h"

#include <QWidget>

class QLabel;

namespace bagel {

class Project;

/**
 * What is known about the item under review: its original label (the gloss on hover), its
 * current multi-labels as correct / wrong / unclear chips, each model's top-5 with scores
 * (top-1 highlighted, each class marked by whether it is in the label set), and the reviews.
 * In blind mode other reviewers' verdicts stay hidden until the reviewer has recorded one.
 */
class FactsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FactsPanel)

public:
    explicit FactsPanel(QWidget *parent = nullptr);

    void showItem(const Project &project, ItemId item, ModelId currentModel, ReviewerId me, bool blind);
    void clear();

    /** The text shown, for tests. */
    QString text() const;

private:
    QLabel *m_title;
    QLabel *m_original;
    QLabel *m_labels;
    QLabel *m_predictions;
    QLabel *m_reviews;
};

} // namespace bagel
