#include "exportdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace bagel {

namespace {

QString suffixOf(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Csv:
        return QStringLiteral("csv");
    case ExportFormat::ImagenetM:
        return QStringLiteral("txt");
    case ExportFormat::TfdsMultilabel:
    case ExportFormat::Real:
    case ExportFormat::Diff:
        break;
    }
    return QStringLiteral("json");
}

} // namespace

ExportDialog::ExportDialog(const QString &folder, int queueItems, QWidget *parent)
    : QDialog(parent)
    , m_format(new QComboBox(this))
    , m_path(new QLineEdit(this))
    , m_queueOnly(new QCheckBox(tr("Only the %n item(s) of the queue as filtered now", nullptr, queueItems), this))
    , m_folder(folder)
{
    setWindowTitle(tr("Export"));
    const QList<QPair<ExportFormat, QString>> formats = {
        {ExportFormat::TfdsMultilabel, tr("TFDS imagenet2012_multilabel (JSON)")},
        {ExportFormat::Real, tr("ReaL label lists (real.json)")},
        {ExportFormat::Csv, tr("CSV: one row per item, with each model's final verdict")},
        {ExportFormat::ImagenetM, tr("ImageNet-M: the major mistakes (a list, or JSON)")},
        {ExportFormat::Diff, tr("Diff: what the review changed (JSON)")},
    };
    for (const auto &[format, text] : formats)
        m_format->addItem(text, int(format));
    m_queueOnly->setEnabled(queueItems > 0);
    auto *browse = new QPushButton(tr("Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("File:"), pathRow);
    form->addRow(QString(), m_queueOnly);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!m_path->text().trimmed().isEmpty())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    formatChanged();
    resize(560, sizeHint().height());
}

ExportFormat ExportDialog::format() const
{
    return ExportFormat(m_format->currentData().toInt());
}

QString ExportDialog::path() const
{
    return m_path->text().trimmed();
}

bool ExportDialog::queueOnly() const
{
    return m_queueOnly->isEnabled() && m_queueOnly->isChecked();
}

void ExportDialog::formatChanged()
{
    // Suggest a file in the project's folder, named after the format.
    const QString name = QStringLiteral("%1.%2").arg(toString(format()), suffixOf(format()));
    m_path->setText(QDir(m_folder).filePath(name));
}

void ExportDialog::browse()
{
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Export to"), path());
    if (!chosen.isEmpty())
        m_path->setText(chosen);
}

} // namespace bagel
