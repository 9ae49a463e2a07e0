#include "importdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace bagel {

ImportDialog::ImportDialog(const QString &folder, QWidget *parent)
    : QDialog(parent)
    , m_format(new QComboBox(this))
    , m_path(new QLineEdit(this))
    , m_model(new QLineEdit(this))
    , m_onlyExisting(new QCheckBox(tr("Skip entries for items the project does not have"), this))
    , m_note(new QLabel(this))
    , m_folder(folder)
{
    setWindowTitle(tr("Import"));
    m_format->setObjectName(QStringLiteral("importFormat"));
    m_path->setObjectName(QStringLiteral("importPath"));
    m_model->setObjectName(QStringLiteral("importModel"));
    m_note->setObjectName(QStringLiteral("importGuess"));
    for (const QString &name : importFormatNames()) {
        const ImportFormat format = *parseImportFormat(name);
        m_format->addItem(importFormatTitle(format), int(format));
    }
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);
    // Two lines at most at the dialog's width; reserved, so that a longer note is never clipped.
    m_note->setMinimumHeight(2 * m_note->fontMetrics().lineSpacing() + 2);
    m_model->setPlaceholderText(tr("the model these predictions or mistakes belong to"));

    auto *browse = new QPushButton(tr("Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("File:"), pathRow);
    form->addRow(QString(), m_note);
    form->addRow(tr("Model:"), m_model);
    form->addRow(QString(), m_onlyExisting);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Import"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(browse, &QPushButton::clicked, this, &ImportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ImportDialog::update);
    connect(m_path, &QLineEdit::editingFinished, this, [this] { setPath(path()); });
    connect(m_path, &QLineEdit::textChanged, this, &ImportDialog::update);
    connect(buttons, &QDialogButtonBox::accepted, this, &ImportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    update();
    resize(620, sizeHint().height());
}

void ImportDialog::setPath(const QString &path)
{
    if (path != m_path->text())
        m_path->setText(path);
    if (path == m_guessedPath)
        return;
    m_guessedPath = path;
    m_guess = path.isEmpty() ? std::nullopt : guessImportFormat(path);
    if (m_guess)
        setFormat(*m_guess);
    update();
}

void ImportDialog::setFormat(ImportFormat format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

ImportFormat ImportDialog::format() const
{
    return ImportFormat(m_format->currentData().toInt());
}

QString ImportDialog::path() const
{
    return m_path->text().trimmed();
}

ImportOptions ImportDialog::options() const
{
    ImportOptions options;
    options.model = m_model->isEnabled() ? m_model->text().trimmed() : QString();
    options.onlyExisting = m_onlyExisting->isChecked();
    return options;
}

void ImportDialog::update()
{
    const ImportFormat chosen = format();
    m_model->setEnabled(chosen == ImportFormat::Predictions || chosen == ImportFormat::PaperMistakes);
    m_onlyExisting->setEnabled(chosen != ImportFormat::ImageFolder && chosen != ImportFormat::Labels);
    m_ok->setEnabled(!path().isEmpty());
    QString note;
    if (!path().isEmpty() && path() == m_guessedPath) {
        if (!m_guess)
            note = tr("Bagel cannot tell this file's format from its content: check the format above.");
        else if (*m_guess == chosen)
            note = tr("From its content, this is: %1.").arg(importFormatTitle(*m_guess));
        else
            note = tr("From its content, this looks like %1, not the format chosen above.").arg(importFormatTitle(*m_guess));
    }
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void ImportDialog::browse()
{
    const ImportFormat chosen = format();
    QString chosenPath;
    if (chosen == ImportFormat::ImageFolder) {
        chosenPath = QFileDialog::getExistingDirectory(this, tr("Import an ImageFolder tree"), m_folder);
    } else {
        const QString filter = QStringLiteral("%1 (%2);;%3").arg(importFormatTitle(chosen).replace(QLatin1Char('('), QLatin1Char('[')).replace(QLatin1Char(')'), QLatin1Char(']')),
                                                                 importFormatPatterns(chosen).join(QLatin1Char(' ')), tr("All files (*)"));
        chosenPath = QFileDialog::getOpenFileName(this, tr("Import %1").arg(toString(chosen)),
                                                  path().isEmpty() ? m_folder : QFileInfo(path()).absolutePath(), filter);
    }
    if (!chosenPath.isEmpty())
        setPath(chosenPath);
}

void ImportDialog::accept()
{
    if (path().isEmpty())
        return;
    setPath(path()); // a path typed in and not yet looked at
    const ImportFormat chosen = format();
    if (chosen == ImportFormat::Predictions && path().endsWith(QLatin1String(".npy"), Qt::CaseInsensitive)
        && m_model->text().trimmed().isEmpty()) {
        QMessageBox::information(this, tr("Import"), tr("An .npy array holds scores only: name the model they belong to."));
        m_model->setFocus();
        return;
    }
    QDialog::accept();
}

} // namespace bagel
