#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace bagel {

class Project;

/** The formats `bagel-cli export` and File ▸ Export write. */
enum class ExportFormat { TfdsMultilabel };

QString toString(ExportFormat format);
std::optional<ExportFormat> parseExportFormat(const QString &name);
QStringList exportFormatNames();

/** What an export wrote. */
struct ExportReport
{
    QString format;
    QString file;
    qint64 items = 0;       ///< items with at least one label written
    qint64 problematic = 0; ///< problematic images written
    qint64 imagenetM = 0;   ///< ImageNet-M entries written

    QString summary() const;
    QJsonObject toJson() const;
};

/**
 * Writes the project's current state to \a path. The file is written under a temporary name
 * and renamed when complete, so a failed export never leaves half a file. Throws Error.
 */
ExportReport exportFile(const Project &project, ExportFormat format, const QString &path);

} // namespace bagel
