#include "gotoitemdialog.h"

#include <QCompleter>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>
#include <QVBoxLayout>

namespace bagel {

GoToItemDialog::GoToItemDialog(const QStringList &fileNames, std::function<QString(const QString &)> go, QWidget *parent)
    : QDialog(parent)
    , m_go(std::move(go))
    , m_field(new QLineEdit(this))
    , m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("goToItemDialog"));
    setWindowTitle(tr("Go to item"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("File name, or a part of it that only one item's name holds:"), this));
    m_field->setObjectName(QStringLiteral("goToItemField"));
    m_field->setClearButtonEnabled(true);
    m_field->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 40);
    auto *completer = new QCompleter(new QStringListModel(fileNames, this), this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    completer->setMaxVisibleItems(12);
    m_field->setCompleter(completer);
    layout->addWidget(m_field);
    m_message->setObjectName(QStringLiteral("goToItemMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_message->hide();
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &GoToItemDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &GoToItemDialog::reject);
    layout->addWidget(buttons);
    connect(m_field, &QLineEdit::textChanged, m_message, &QLabel::hide);
}

void GoToItemDialog::accept()
{
    const QString problem = m_go(m_field->text());
    if (problem.isEmpty()) {
        QDialog::accept();
        return;
    }
    m_message->setText(problem);
    m_message->show();
    adjustSize(); // the message wraps over lines: the dialog grows to show all of them
    m_field->selectAll();
}

} // namespace bagel
