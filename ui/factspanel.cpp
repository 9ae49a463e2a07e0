#include "factspanel.h"

#include "catalog/classcatalog.h"
#include "project.h"

#include <QLabel>
#include <QVBoxLayout>

#include <cmath>

namespace bagel {

namespace {

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

QString chip(const QString &text, const char *background, const QString &tooltip)
{
    return QStringLiteral("<span style=\"background-color:%1;color:#000;\" title=\"%3\">&nbsp;%2&nbsp;</span> ")
        .arg(QLatin1String(background), escaped(text), escaped(tooltip));
}

const char *colourOf(Judgement j)
{
    switch (j) {
    case Judgement::Correct: return "#a6e3a1";
    case Judgement::Wrong: return "#f5a3a3";
    case Judgement::Unclear: return "#f9e2af";
    }
    return "#ddd";
}

QString reviewText(const ReviewRecord &r)
{
    QString text = r.verdict ? toString(*r.verdict) : QStringLiteral("labels edited");
    if (r.category)
        text += QStringLiteral(", ") + toString(*r.category);
    if (r.spuriousKind)
        text += QStringLiteral(" (") + toString(*r.spuriousKind) + QLatin1Char(')');
    if (r.severity)
        text += QStringLiteral(", ") + toString(*r.severity);
    if (!r.note.isEmpty())
        text += QStringLiteral(" — “") + r.note + QStringLiteral("”");
    return text;
}

} // namespace

FactsPanel::FactsPanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_original(new QLabel(this))
    , m_labels(new QLabel(this))
    , m_predictions(new QLabel(this))
    , m_reviews(new QLabel(this))
{
    setObjectName(QStringLiteral("factsPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    for (QLabel *label : {m_title, m_original, m_labels, m_predictions, m_reviews}) {
        label->setTextFormat(Qt::RichText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(label);
    }
    m_title->setObjectName(QStringLiteral("factsTitle"));
    m_original->setObjectName(QStringLiteral("factsOriginal"));
    m_labels->setObjectName(QStringLiteral("factsLabels"));
    m_predictions->setObjectName(QStringLiteral("factsPredictions"));
    m_reviews->setObjectName(QStringLiteral("factsReviews"));
    layout->addStretch(1);
}

void FactsPanel::clear()
{
    for (QLabel *label : {m_title, m_original, m_labels, m_predictions, m_reviews})
        label->clear();
}

QString FactsPanel::text() const
{
    QStringList parts;
    for (QLabel *label : {m_title, m_original, m_labels, m_predictions, m_reviews})
        parts << label->text();
    return parts.join(QLatin1Char('\n'));
}

void FactsPanel::showItem(const Project &project, ItemId itemId, ModelId currentModel, ReviewerId me, bool blind)
{
    const Store &store = project.store();
    const ClassCatalog &catalog = project.catalog();
    const std::optional<ItemRecord> item = store.item(itemId);
    if (!item) {
        clear();
        return;
    }
    m_title->setText(QStringLiteral("<b>%1</b>").arg(escaped(item->fileName)));

    if (catalog.contains(item->originalLabel)) {
        const ImageNetClass &c = catalog.at(item->originalLabel);
        m_original->setText(tr("Original label: <b>%1</b> <span style=\"color:gray\">%2 · %3</span>")
                                .arg(escaped(c.name()), c.wnid)
                                .arg(c.index));
        m_original->setToolTip(c.names.join(QLatin1String(", ")) + QStringLiteral("\n") + c.gloss);
    } else {
        m_original->setText(tr("Original label: <i>unknown</i>"));
        m_original->setToolTip({});
    }

    const QVector<LabelJudgement> labels = project.currentLabels(itemId);
    QString chips;
    for (const Judgement j : {Judgement::Correct, Judgement::Wrong, Judgement::Unclear}) {
        for (const LabelJudgement &l : labels) {
            if (l.judgement == j && catalog.contains(l.classIndex)) {
                const ImageNetClass &c = catalog.at(l.classIndex);
                chips += chip(c.name(), colourOf(j), toString(j) + QStringLiteral(": ") + c.wnid + QStringLiteral(" — ") + c.gloss);
            }
        }
    }
    m_labels->setText(tr("Labels: %1").arg(chips.isEmpty() ? tr("<i>none yet</i>") : chips));

    QString predictions;
    QHash<ModelId, QString> modelNames;
    for (const ModelRecord &m : store.models())
        modelNames.insert(m.id, m.name);
    for (const ModelPrediction &p : store.predictions(itemId)) {
        const bool current = p.model == currentModel;
        predictions += QStringLiteral("<p style=\"margin:6px 0 2px 0\"><b>%1</b>%2</p><table cellspacing=\"0\" cellpadding=\"1\">")
                           .arg(escaped(modelNames.value(p.model)), current ? tr(" (under review)") : QString());
        for (int rank = 0; rank < p.topk.size() && rank < 5; ++rank) {
            const ClassScore &s = p.topk[rank];
            if (!catalog.contains(s.classIndex))
                continue;
            QString mark = QStringLiteral("&nbsp;");
            for (const LabelJudgement &l : labels) {
                if (l.classIndex == s.classIndex)
                    mark = chip(l.judgement == Judgement::Correct ? QStringLiteral("✓")
                                : l.judgement == Judgement::Wrong ? QStringLiteral("✗")
                                                                  : QStringLiteral("?"),
                                colourOf(l.judgement), toString(l.judgement));
            }
            const QString score = std::isfinite(s.score) ? QStringLiteral("%1 %").arg(s.score * 100.0, 0, 'f', 1) : QStringLiteral("—");
            const QString name = escaped(catalog.at(s.classIndex).name());
            predictions += QStringLiteral("<tr><td>%1.&nbsp;</td><td>%2</td><td align=\"right\">&nbsp;%3&nbsp;</td><td>%4</td></tr>")
                               .arg(rank + 1)
                               .arg(rank == 0 ? QStringLiteral("<b>%1</b>").arg(name) : name, score, mark);
        }
        predictions += QStringLiteral("</table>");
    }
    m_predictions->setText(predictions);

    // Reviews: mine always; others' only once I have recorded a verdict, when blind mode is on.
    const QVector<ReviewRecord> latest = project.latestReviews(itemId);
    QHash<ReviewerId, QString> reviewerNames;
    for (const ReviewerRecord &r : store.reviewers())
        reviewerNames.insert(r.id, r.name);
    bool mine = false;
    for (const ReviewRecord &r : latest)
        mine = mine || (r.reviewer == me && (r.model == currentModel || r.model == 0));
    QStringList lines;
    int hidden = 0;
    for (const ReviewRecord &r : latest) {
        if (r.model != currentModel && r.model != 0)
            continue;
        if (r.reviewer == me) {
            lines.prepend(tr("<b>You:</b> %1").arg(escaped(reviewText(r))));
        } else if (blind && !mine) {
            ++hidden;
        } else {
            lines << QStringLiteral("%1: %2").arg(escaped(reviewerNames.value(r.reviewer)), escaped(reviewText(r)));
        }
    }
    if (hidden)
        lines << tr("<i>%n other review(s) hidden until you record yours (blind mode)</i>", nullptr, hidden);
    m_reviews->setText(lines.isEmpty() ? tr("<i>No reviews yet</i>") : lines.join(QStringLiteral("<br>")));
}

} // namespace bagel
