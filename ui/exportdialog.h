#pragma once

#include "export/exporter.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace bagel {

/** File ▸ Export…: a format, a file, and whether to export only the items of the queue. */
class ExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportDialog)

public:
    /** \a queueItems: how many items the window's queue holds now (0: the option is off). */
    ExportDialog(const QString &folder, int queueItems, QWidget *parent = nullptr);

    ExportFormat format() const;
    QString path() const;
    bool queueOnly() const;

private:
    void browse();
    void formatChanged();

    QComboBox *m_format;
    QLineEdit *m_path;
    QCheckBox *m_queueOnly;
    QString m_folder;
};

} // namespace bagel
