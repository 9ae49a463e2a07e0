#include "verdictpanel.h"

#include <QAction>
#include <QCheckBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QStyle>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace bagel {

namespace {

/**
 * How a chosen button looks: unmistakable at a glance, also for a colour-blind reviewer (white on
 * dark, framed). Not bold: a bolder label would not fit the button laid out for the plain one.
 */
const char *const kStyle = R"(
QToolButton { padding: 4px 6px; border: 1px solid #b9b9b9; border-radius: 3px; background: #fbfbfb; }
QToolButton:hover { background: #e8f0fb; }
QToolButton:checked, QToolButton[mine="true"] {
    background: #1f5fbf; color: white; border: 2px solid #0b3d91; padding: 3px 5px; }
QToolButton:disabled { color: #a0a0a0; background: #f2f2f2; }
)";

QString keyOf(const QAction *action)
{
    return action->shortcut().toString(QKeySequence::NativeText);
}

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    // The button reads "Correct   1": the key is learnt by looking, not by opening a sheet.
    const QString text = QString(action->text()).remove(QLatin1Char('&'));
    const QString key = keyOf(action);
    action->setIconText(key.isEmpty() ? text : QStringLiteral("%1   %2").arg(text, key));
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    button->setToolTip(key.isEmpty() ? action->toolTip() : QStringLiteral("%1 (%2)").arg(action->toolTip(), key));
    return button;
}

QGroupBox *group(const QString &title, const QStringList &ids, const QHash<QString, QAction *> &actions, int columns,
                 QWidget *parent, QHash<QString, QWidget *> *buttons = nullptr)
{
    auto *box = new QGroupBox(title, parent);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(6, 6, 6, 6);
    int i = 0;
    for (const QString &id : ids) {
        if (QAction *action = actions.value(id)) {
            QToolButton *button = buttonFor(action, box);
            grid->addWidget(button, i / columns, i % columns);
            if (buttons)
                buttons->insert(id.section(QLatin1Char('.'), 1), button);
            ++i;
        }
    }
    return box;
}

void setMine(QWidget *button, bool mine)
{
    if (button->property("mine").toBool() == mine)
        return;
    button->setProperty("mine", mine);
    button->style()->unpolish(button);
    button->style()->polish(button);
}

} // namespace

VerdictPanel::VerdictPanel(const QHash<QString, QAction *> &actions, QWidget *parent)
    : QWidget(parent)
    , m_actions(actions)
    , m_spuriousRow(new QWidget(this))
    , m_trueObject(new QLabel(this))
    , m_note(new QLineEdit(this))
    , m_autoAdvance(new QCheckBox(tr("Go to the next item after a verdict"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("verdictPanel"));
    setStyleSheet(QLatin1String(kStyle));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);

    QStringList verdicts;
    for (const QString &name : verdictNames())
        verdicts << QStringLiteral("verdict.") + name;
    layout->addWidget(group(tr("Verdict on the top-1 prediction"), verdicts, actions, 2, this, &m_verdictButtons));

    QStringList categories;
    for (const QString &name : categoryNames())
        categories << QStringLiteral("category.") + name;
    QGroupBox *categoryBox = group(tr("Category (for a wrong verdict)"), categories, actions, 2, this);
    // A spurious correlation has two kinds; the row shows while that category is chosen.
    m_spuriousRow->setObjectName(QStringLiteral("spuriousKindRow"));
    auto *spuriousLayout = new QHBoxLayout(m_spuriousRow);
    spuriousLayout->setContentsMargins(0, 0, 0, 0);
    for (const QString &name : spuriousKindNames()) {
        if (QAction *action = actions.value(QStringLiteral("spurious.") + name)) {
            action->setCheckable(true);
            QToolButton *button = buttonFor(action, m_spuriousRow);
            // Short on the button, whole in the menu and the tooltip.
            const QString shortText = name == QLatin1String("over-reliance-on-context") ? tr("Over-reliance") : tr("Lack of context");
            action->setIconText(QStringLiteral("%1   %2").arg(shortText, keyOf(action)));
            spuriousLayout->addWidget(button);
            m_spuriousButtons.insert(*parseSpuriousKind(name), button);
        }
    }
    static_cast<QGridLayout *>(categoryBox->layout())->addWidget(m_spuriousRow, 3, 0, 1, 2);
    layout->addWidget(categoryBox);

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

std::optional<SpuriousKind> VerdictPanel::spuriousKind() const
{
    return m_category == Category::SpuriousCorrelation ? m_spuriousKind : std::nullopt;
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

void VerdictPanel::setSpuriousKind(std::optional<SpuriousKind> kind)
{
    // Choosing a kind chooses its category; pressing the chosen kind again clears the kind only.
    m_spuriousKind = m_spuriousKind == kind && m_category == Category::SpuriousCorrelation ? std::nullopt : kind;
    if (kind)
        m_category = Category::SpuriousCorrelation;
    refreshChecks();
}

void VerdictPanel::resetDraft(const Mine &mine)
{
    m_myVerdict = mine.verdict;
    m_category = mine.category;
    m_spuriousKind = mine.spuriousKind;
    m_severity = mine.severity;
    m_note->setText(mine.note);
    setTrueObject(mine.oovWnid, mine.oovWnid);
    for (auto it = m_verdictButtons.cbegin(); it != m_verdictButtons.cend(); ++it)
        setMine(it.value(), mine.verdict && toString(*mine.verdict) == it.key());
    refreshChecks();
}

void VerdictPanel::clear()
{
    resetDraft({});
    m_status->clear();
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
    const bool spurious = m_category == Category::SpuriousCorrelation;
    for (const QString &name : spuriousKindNames()) {
        if (QAction *a = m_actions.value(QStringLiteral("spurious.") + name))
            a->setChecked(spurious && m_spuriousKind && toString(*m_spuriousKind) == name);
    }
    m_spuriousRow->setVisible(spurious && !m_spuriousButtons.isEmpty());
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
