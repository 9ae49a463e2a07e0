#include "importer.h"

#include "error.h"
#include "importcontext.h"
#include "importers.h"
#include "io/inputfile.h"
#include "project.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <spdlog/spdlog.h>

#include <array>
#include <utility>

namespace bagel {

namespace {

constexpr std::array<std::pair<ImportFormat, const char *>, 7> kFormats{{
    {ImportFormat::TfdsMultilabel, "tfds-multilabel"},
    {ImportFormat::Real, "real"},
    {ImportFormat::PaperMistakes, "paper-mistakes"},
    {ImportFormat::Predictions, "predictions"},
    {ImportFormat::ImageFolder, "imagefolder"},
    {ImportFormat::Labels, "labels"},
    {ImportFormat::Reviews, "reviews"},
}};

} // namespace

QString toString(ImportFormat format)
{
    for (const auto &[f, name] : kFormats) {
        if (f == format)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<ImportFormat> parseImportFormat(const QString &name)
{
    for (const auto &[f, n] : kFormats) {
        if (name == QLatin1String(n))
            return f;
    }
    return std::nullopt;
}

QStringList importFormatNames()
{
    QStringList names;
    for (const auto &entry : kFormats)
        names << QString::fromLatin1(entry.second);
    return names;
}

ImportReport importFile(Project &project, ImportFormat format, const QString &path, const ImportOptions &options)
{
    if (format == ImportFormat::ImageFolder) {
        if (!QFileInfo::exists(path))
            throw Error(QStringLiteral("%1: no such file").arg(path));
    } else {
        // A named pipe, a device or a folder is refused here, before anything opens it.
        requireRegularFile(path);
        if (QFileInfo(path).size() == 0)
            throw Error(QStringLiteral("%1: the file is empty").arg(path));
    }
    QElapsedTimer timer;
    timer.start();

    ImportReport report;
    report.format = toString(format);
    report.file = path;

    Transaction tx(project.store());
    ImportContext context(project, options, report);
    switch (format) {
    case ImportFormat::TfdsMultilabel:
        importTfdsMultilabel(context, path);
        break;
    case ImportFormat::Real:
        importReal(context, path);
        break;
    case ImportFormat::PaperMistakes:
        importPaperMistakes(context, path);
        break;
    case ImportFormat::Predictions:
        importPredictions(context, path);
        break;
    case ImportFormat::ImageFolder:
        importImageFolder(context, path);
        break;
    case ImportFormat::Labels:
        importLabels(context, path);
        break;
    case ImportFormat::Reviews:
        importReviews(context, path);
        break;
    }
    tx.commit();
    spdlog::info("imported {} {} into {} in {} ms", report.format.toStdString(), path.toStdString(),
                 project.path().toStdString(), timer.elapsed());
    return report;
}

} // namespace bagel
