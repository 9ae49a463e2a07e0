#pragma once

#include "import/importer.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace bagel {

/**
 * File ▸ Import…: what to import and from where. The file dialog offers the files of the
 * chosen format; a file picked (or dropped on the window) has its format guessed from its
 * content (guessImportFormat()) and preselected, and the dialog says so, so that the user
 * confirms the format before anything is imported.
 */
class ImportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportDialog)

public:
    /** \a folder: where Browse starts. */
    explicit ImportDialog(const QString &folder, QWidget *parent = nullptr);

    /** Sets the file (or folder) and, when its content tells, the format. */
    void setPath(const QString &path);
    void setFormat(ImportFormat format);

    ImportFormat format() const;
    QString path() const;
    /** The format guessed from the file's content, if any. */
    std::optional<ImportFormat> guessed() const { return m_guess; }
    /** The options the dialog sets (model name, only existing items). */
    ImportOptions options() const;

    /** The line saying what the file looks like (for tests). */
    QLabel *guessLabel() const { return m_note; }

    void accept() override;

private:
    void browse();
    void update();

    QComboBox *m_format;
    QLineEdit *m_path;
    QLineEdit *m_model;
    QCheckBox *m_onlyExisting;
    QLabel *m_note;
    QPushButton *m_ok = nullptr;
    QString m_folder;
    std::optional<ImportFormat> m_guess;
    QString m_guessedPath;
};

} // namespace bagel
