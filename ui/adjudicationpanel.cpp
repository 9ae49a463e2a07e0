#include "adjudicationpanel.h"

#include "review/reviewsession.h"

#include "audit/audit.h"
#include "catalog/classcatalog.h"
#include "error.h"
#include "io/utf8.h"
#include "project.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFrame>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace bagel {

AdjudicationPanel::AdjudicationPanel(QWidget *parent)
    : QDockWidget(tr("Adjudication"), parent)
    , m_answers(new QTableWidget(this))
    , m_final(new QLabel(this))
    , m_leadNotice(new QLabel(this))
    , m_verdict(new QComboBox(this))
    , m_category(new QComboBox(this))
    , m_severity(new QComboBox(this))
    , m_reason(new QLineEdit(this))
    , m_gold(new QCheckBox(tr("Gold unit: score reviewers against this verdict"), this))
    , m_record(new QPushButton(tr("Record adjudication"), this))
    , m_withdraw(new QPushButton(tr("Withdraw"), this))
{
    setObjectName(QStringLiteral("adjudicationDock"));
    m_answers->setObjectName(QStringLiteral("adjudicationAnswers"));
    m_answers->setColumnCount(7);
    m_answers->setHorizontalHeaderLabels({tr("Reviewer"), tr("Verdict"), tr("Category"), tr("Severity"), tr("Correct labels"),
                                          tr("Note"), tr("Time")});
    m_answers->horizontalHeader()->setStretchLastSection(true);
    m_answers->verticalHeader()->hide();
    m_answers->verticalHeader()->setDefaultSectionSize(22);
    m_answers->setMinimumHeight(110);
    m_answers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_answers->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_answers->setWordWrap(true);
    m_final->setObjectName(QStringLiteral("adjudicationFinal"));
    m_final->setWordWrap(true);
    m_final->setTextFormat(Qt::PlainText);

    m_leadNotice->setObjectName(QStringLiteral("adjudicationLeadNotice"));
    m_leadNotice->setWordWrap(true);
    m_leadNotice->setTextFormat(Qt::RichText);
    m_leadNotice->setFrameShape(QFrame::StyledPanel);
    m_leadNotice->setMargin(4);
    m_leadNotice->hide();
    connect(m_leadNotice, &QLabel::linkActivated, this, [this] { Q_EMIT leadsRequested(); });

    m_verdict->addItems(verdictNames());
    m_category->addItem(tr("(from the reviewers)"));
    m_category->addItems(categoryNames());
    m_severity->addItem(tr("(from the reviewers)"));
    m_severity->addItems(severityNames());
    m_reason->setPlaceholderText(tr("Why this is the final answer (required)"));
    m_withdraw->setToolTip(tr("Withdraw the unit's adjudication: the majority of the reviewers decides again"));
    connect(m_verdict, &QComboBox::currentTextChanged, this, [this](const QString &text) {
        const bool wrong = text == toString(Verdict::Wrong);
        m_category->setEnabled(wrong && m_verdict->isEnabled());
        m_severity->setEnabled(wrong && m_verdict->isEnabled());
    });
    connect(m_record, &QPushButton::clicked, this, [this] { record(false); });
    connect(m_withdraw, &QPushButton::clicked, this, [this] { record(true); });
    connect(m_reason, &QLineEdit::returnPressed, this, [this] { record(false); });

    auto *form = new QFormLayout;
    form->addRow(tr("Final verdict:"), m_verdict);
    form->addRow(tr("Category:"), m_category);
    form->addRow(tr("Severity:"), m_severity);
    form->addRow(tr("Reason:"), m_reason);
    form->addRow(QString(), m_gold);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_withdraw);
    buttons->addWidget(m_record);

    // The answers on the left, the lead's decision on the right: the dock stays low.
    auto *body = new QWidget(this);
    auto *layout = new QHBoxLayout(body);
    auto *answers = new QVBoxLayout;
    answers->addWidget(m_answers, 1);
    answers->addWidget(m_final);
    auto *decision = new QWidget(body);
    decision->setMaximumWidth(440);
    auto *decisionLayout = new QVBoxLayout(decision);
    decisionLayout->setContentsMargins(0, 0, 0, 0);
    decisionLayout->addWidget(m_leadNotice);
    decisionLayout->addLayout(form);
    decisionLayout->addLayout(buttons);
    decisionLayout->addStretch();
    layout->addLayout(answers, 1);
    layout->addWidget(decision);
    setWidget(body);
    m_verdict->setCurrentIndex(1);
    showUnit(nullptr, 0, 0);
}

void AdjudicationPanel::showUnit(ReviewSession *session, ItemId item, ModelId model)
{
    m_session = session;
    m_project = session ? session->project() : nullptr;
    m_item = item;
    m_model = model;
    refresh();
}

void AdjudicationPanel::setLead(const QString &name)
{
    m_lead = name;
    refresh();
}

void AdjudicationPanel::refresh()
{
    m_answers->setRowCount(0);
    const bool valid = m_project && m_item;
    // Adjudication is a lead's act: once the project names leads, nobody else gets the controls.
    const QString refusal = valid && !m_lead.isEmpty() ? m_project->adjudicationRefusal(m_lead) : QString();
    const bool readOnly = valid && m_project->store().isReadOnly();
    const bool allowed = valid && refusal.isEmpty() && !readOnly;
    for (QWidget *w : {static_cast<QWidget *>(m_verdict), static_cast<QWidget *>(m_reason), static_cast<QWidget *>(m_gold),
                       static_cast<QWidget *>(m_record), static_cast<QWidget *>(m_withdraw)})
        w->setEnabled(allowed);
    const bool wrong = m_verdict->currentText() == toString(Verdict::Wrong);
    m_category->setEnabled(allowed && wrong);
    m_severity->setEnabled(allowed && wrong);
    if (!valid) {
        m_leadNotice->hide();
        m_final->setText(tr("No unit shown."));
        return;
    }
    const QString leadsLink = tr("<a href=\"leads\">Lead ▸ Leads…</a>");
    if (readOnly) {
        m_leadNotice->setText(tr("<b>Read-only.</b> The project is open read-only: the answers are shown, but an adjudication cannot be saved."));
        m_leadNotice->show();
    } else if (!refusal.isEmpty()) {
        m_leadNotice->setText(tr("<b>Only a lead may adjudicate.</b> %1 is not one of this project's leads (%2). "
                                 "The answers are shown; the decision is theirs. %3")
                                  .arg(m_lead.toHtmlEscaped(), m_project->leads().join(QLatin1String(", ")).toHtmlEscaped(), leadsLink));
        m_leadNotice->show();
    } else if (m_project->leads().isEmpty()) {
        m_leadNotice->setText(tr("No leads are named, so anyone may adjudicate. Name the leads in %1 and only they will.").arg(leadsLink));
        m_leadNotice->show();
    } else {
        m_leadNotice->hide(); // a lead who rated the unit is warned below, once the answers are read
    }
    const AuditSnapshot snapshot = AuditSnapshot::loadItem(*m_project, m_item);
    const int index = snapshot.unitIndex(m_item, m_model);
    if (index < 0) {
        m_final->setText(tr("Nobody has reviewed this unit yet."));
        m_withdraw->setEnabled(false);
        return;
    }
    const AuditSnapshot::Unit &unit = snapshot.units()[std::size_t(index)];
    const ClassCatalog &catalog = m_project->catalog();
    m_answers->setRowCount(int(unit.latest.size()));
    for (int row = 0; row < unit.latest.size(); ++row) {
        const ReviewRecord &r = unit.latest[row].second;
        QStringList labels;
        for (const int c : unit.labelSets[row])
            labels << catalog.at(c).name();
        const QStringList cells{snapshot.reviewers()[unit.latest[row].first].name,
                                toString(*r.verdict),
                                r.category ? toString(*r.category) : QString(),
                                r.severity ? toString(*r.severity) : QString(),
                                labels.join(QLatin1String(", ")),
                                r.note,
                                r.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))};
        for (int column = 0; column < cells.size(); ++column) {
            auto *cell = new QTableWidgetItem(cells[column]);
            cell->setToolTip(cells[column]);
            m_answers->setItem(row, column, cell);
        }
    }
    m_answers->resizeColumnsToContents();
    m_answers->horizontalHeader()->setStretchLastSection(true);
    if (allowed && !m_lead.isEmpty()) {
        for (const auto &[rater, review] : unit.latest) {
            if (nfc(snapshot.reviewers()[rater].name) == nfc(m_lead)) { // one reviewer in every Unicode spelling
                const QString warning = tr("<b>You rated this unit yourself</b> (%1). Your adjudication decides it over "
                                           "the other reviewers and your own verdict alike.")
                                            .arg(answerText(review).toHtmlEscaped());
                m_leadNotice->setText(m_leadNotice->isVisibleTo(this) ? m_leadNotice->text() + QStringLiteral("<br>") + warning : warning);
                m_leadNotice->show();
            }
        }
    }

    const FinalState f = snapshot.finalState(index);
    QString text = f.verdict ? tr("Final: %1").arg(toString(*f.verdict)) : tr("Final: open");
    if (f.category)
        text += QStringLiteral(" / %1").arg(toString(*f.category));
    if (f.severity)
        text += QStringLiteral(" / %1").arg(toString(*f.severity));
    switch (f.source) {
    case FinalState::Source::Adjudicated:
        text += tr(" — adjudicated by %1%2: %3").arg(f.deciders.join(QLatin1String(", ")), f.gold ? tr(" (gold)") : QString(), f.reason);
        break;
    case FinalState::Source::Majority:
        text += tr(" — majority (%1)").arg(f.deciders.join(QLatin1String(", ")));
        break;
    case FinalState::Source::Single:
        text += tr(" — one reviewer (%1)").arg(f.deciders.join(QLatin1String(", ")));
        break;
    case FinalState::Source::Tie:
        text += tr(" — the reviewers are tied; adjudicate to decide");
        break;
    case FinalState::Source::Unreviewed:
        break;
    }
    m_final->setText(text);
    m_withdraw->setEnabled(allowed && f.source == FinalState::Source::Adjudicated);
    if (f.verdict)
        m_verdict->setCurrentText(toString(*f.verdict));
    m_gold->setChecked(f.gold);
}

void AdjudicationPanel::record(bool withdraw)
{
    if (!m_project || !m_item)
        return;
    if (m_lead.isEmpty()) {
        QMessageBox::warning(this, tr("Adjudication"), tr("Set your name first (Edit ▸ Reviewer name…)."));
        return;
    }
    if (const QString refusal = m_project->adjudicationRefusal(m_lead); !refusal.isEmpty()) {
        refresh(); // the leads may have changed meanwhile: show why, grey the controls
        return;
    }
    if (m_reason->text().trimmed().isEmpty()) {
        m_reason->setFocus();
        m_final->setText(tr("Give a reason for the final answer first."));
        return;
    }
    AdjudicationInput in;
    const auto item = m_project->store().item(m_item);
    if (!item)
        return;
    in.fileName = item->fileName;
    for (const ModelRecord &m : m_project->store().models()) {
        if (m.id == m_model)
            in.model = m.name;
    }
    in.lead = m_lead;
    in.reason = m_reason->text().trimmed();
    if (!withdraw) {
        in.verdict = parseVerdict(m_verdict->currentText());
        if (in.verdict == Verdict::Wrong) {
            if (m_category->currentIndex() > 0)
                in.category = parseCategory(m_category->currentText());
            if (m_severity->currentIndex() > 0)
                in.severity = parseSeverity(m_severity->currentText());
        }
        in.gold = m_gold->isChecked();
    }
    try {
        // Through the session: the adjudication becomes a step of the undo stack.
        m_session->adjudicate(in);
    } catch (const Error &e) {
        QMessageBox::critical(this, tr("Adjudication not recorded"), e.message());
        return;
    }
    m_reason->clear();
    refresh();
    Q_EMIT adjudicated(in.fileName);
}

} // namespace bagel
