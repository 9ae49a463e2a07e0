#include "leadsdialog.h"

#include "error.h"
#include "io/utf8.h"
#include "project.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace bagel {

LeadsDialog::LeadsDialog(Project &project, const QString &suggested, QWidget *parent)
    : QDialog(parent)
    , m_project(project)
    , m_list(new QListWidget(this))
    , m_name(new QLineEdit(this))
    , m_add(new QPushButton(tr("Add"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("leadsDialog"));
    setWindowTitle(tr("Leads"));
    m_list->setObjectName(QStringLiteral("leadsList"));
    m_name->setObjectName(QStringLiteral("leadName"));
    m_name->setPlaceholderText(tr("Name, as the lead signs their reviews"));
    m_name->setText(suggested);
    m_status->setObjectName(QStringLiteral("leadsStatus"));
    m_status->setWordWrap(true);

    auto *explanation = new QLabel(tr("Adjudication — the final verdict on a unit the reviewers disagree on — is a "
                                      "lead's act. While no lead is named anyone may adjudicate; once one is, only "
                                      "the leads may, and an adjudication by anyone else is refused."),
                                   this);
    explanation->setWordWrap(true);

    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_name, 1);
    addRow->addWidget(m_add);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_remove, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_add, &QPushButton::clicked, this, &LeadsDialog::add);
    connect(m_name, &QLineEdit::returnPressed, this, &LeadsDialog::add);
    connect(m_remove, &QPushButton::clicked, this, &LeadsDialog::remove);
    connect(m_list, &QListWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_project.store().isReadOnly() && m_list->currentItem()); });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addWidget(m_list, 1);
    layout->addLayout(addRow);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(420, 340);
    reload();
}

void LeadsDialog::reload()
{
    m_list->clear();
    const QStringList leads = m_project.leads();
    m_list->addItems(leads);
    const bool readOnly = m_project.store().isReadOnly();
    m_add->setEnabled(!readOnly);
    m_name->setEnabled(!readOnly);
    m_remove->setEnabled(false);
    if (readOnly)
        m_status->setText(tr("The project is open read-only: the leads cannot be changed here."));
    else if (leads.isEmpty())
        m_status->setText(tr("No leads are named: anyone may adjudicate."));
    else
        m_status->setText(tr("Only these may adjudicate."));
}

void LeadsDialog::add()
{
    const QString name = nfc(m_name->text().trimmed());
    if (name.isEmpty())
        return;
    try {
        if (!m_project.addLead(name)) {
            m_status->setText(tr("%1 already is a lead.").arg(name));
            return;
        }
    } catch (const Error &e) {
        m_status->setText(tr("Not added: %1").arg(e.message()));
        return;
    }
    m_name->clear();
    reload();
    Q_EMIT leadsChanged();
}

void LeadsDialog::remove()
{
    const QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    try {
        m_project.removeLead(item->text());
    } catch (const Error &e) {
        m_status->setText(tr("Not removed: %1").arg(e.message()));
        return;
    }
    reload();
    Q_EMIT leadsChanged();
}

} // namespace bagel
