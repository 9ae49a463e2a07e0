#include "verdictpanel.h"

#include <QAction>
#include <QCheckBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace bagel {

namespace {

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    button->setToolTip(QStringLiteral("%1 (%2)").arg(action->toolTip(), action->shortcut().toString(QKeySequence::NativeText)));
    return button;
}

QGroupBox *group(const QString &title, const QStringList &ids, const QHash<QString, QAction *> &actions, int columns,
                 QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(6, 6, 6, 6);
    int i = 0;
    for (const QString &id : ids) {
        if (QAction *action = actions.value(id)) {
            grid->addWidget(buttonFor(action, box), i / columns, i % columns);
            ++i;
        }
    }
    return box;
}

} // namespace

VerdictPanel::VerdictPanel(const QHash<QString, QAction *> &actions, QWidget *parent)
    : QWidget(parent)
    , m_actions(actions)
    , m_trueObject(new QLabel(this))
    , m_note(new QLineEdit(this))
    , m_autoAdvance(new QCheckBox(tr("Go to the next item after a verdict"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("verdictPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);

    QStringList verdicts;
    for (const QString &name : verdictNames())
        verdicts << QStringLiteral("verdict.") + name;
    layout->addWidget(group(tr("Verdict on the top-1 prediction"), verdicts, actions, 2, this));

    QStringList categories;
    for (const QString &name : categoryNames())
        categories << QStringLiteral("category.") + name;
    layout->addWidget(group(tr("Category (for a wrong verdict)"), categories, actions, 2, this));

    QStringList severities;
    for (const QString &name : severityNames())
        severities << QStringLiteral("severity.") + name;
    layout->addWidget(group(tr("Severity (for a wrong verdict)"), severities, actions, 3, this));

    m_trueObject->setObjectName(QStringLiteral("trueObjectLabel"));
    m_trueObject->setWordWrap(true);
    m_trueObject->hide();
    layout->addWidget(m_trueObject);
    m_note->setObjectName(QStringLiteral("noteEdit"));
    m_note->setPlaceholderText(tr("Note (goes with the next verdict)"));
    m_note->setClearButtonEnabled(true);
    layout->addWidget(m_note);

    m_autoAdvance->setObjectName(QStringLiteral("autoAdvance"));
    m_autoAdvance->setChecked(true);
    connect(m_autoAdvance, &QCheckBox::toggled, this, &VerdictPanel::autoAdvanceToggled);
    layout->addWidget(m_autoAdvance);

    m_status->setObjectName(QStringLiteral("saveStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    layout->addStretch(1);

    for (const QString &id : categories + severities) {
        if (QAction *action = actions.value(id))
            action->setCheckable(true);
    }
    refreshChecks();
}

QString VerdictPanel::note() const
{
    return m_note->text().trimmed();
}

void VerdictPanel::setCategory(std::optional<Category> category)
{
    m_category = m_category == category ? std::nullopt : category; // pressing it again clears it
    refreshChecks();
}

void VerdictPanel::setSeverity(std::optional<Severity> severity)
{
    m_severity = m_severity == severity ? std::nullopt : severity;
    refreshChecks();
}

void VerdictPanel::resetDraft(std::optional<Category> category, std::optional<Severity> severity, const QString &note,
                              const QString &oovWnid)
{
    m_category = category;
    m_severity = severity;
    m_note->setText(note);
    setTrueObject(oovWnid, oovWnid);
    refreshChecks();
}

void VerdictPanel::setTrueObject(const QString &wnid, const QString &name)
{
    m_oovWnid = wnid;
    m_trueObject->setVisible(!wnid.isEmpty());
    m_trueObject->setText(tr("True object: <b>%1</b> (%2)").arg(name.toHtmlEscaped(), wnid));
    if (!wnid.isEmpty()) {
        m_category = Category::FineGrainedOov;
        refreshChecks();
    }
}

void VerdictPanel::refreshChecks()
{
    for (const QString &name : categoryNames()) {
        if (QAction *a = m_actions.value(QStringLiteral("category.") + name))
            a->setChecked(m_category && toString(*m_category) == name);
    }
    for (const QString &name : severityNames()) {
        if (QAction *a = m_actions.value(QStringLiteral("severity.") + name))
            a->setChecked(m_severity && toString(*m_severity) == name);
    }
}

bool VerdictPanel::autoAdvance() const
{
    return m_autoAdvance->isChecked();
}

void VerdictPanel::setAutoAdvance(bool on)
{
    m_autoAdvance->setChecked(on);
}

void VerdictPanel::setStatus(Status status, const QString &text)
{
    const char *colour = status == Status::Failed ? "#c0392b" : status == Status::Saved ? "#2e7d32" : "#555";
    m_status->setText(QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(colour), text.toHtmlEscaped()));
}

QString VerdictPanel::statusText() const
{
    return m_status->text();
}

} // namespace bagel
