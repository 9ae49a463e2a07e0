#include "harness.h"

#include "error.h"
#include "image/imagedecoder.h"
#include "import/importer.h"
#include "project.h"
#include "storage/sqlitestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <memory>
#include <optional>

namespace bagel::fuzz {

namespace {

struct Target
{
    const char *name;
    const char *fileName; ///< the input's file name: its suffix picks the predictions layout
    std::optional<ImportFormat> format; ///< none: image decoding
};

const Target kTargets[] = {
    {"tfds", "input.json", ImportFormat::TfdsMultilabel},
    {"real", "input.json", ImportFormat::Real},
    {"paper", "input.json", ImportFormat::PaperMistakes},
    {"predictions-csv", "input.csv", ImportFormat::Predictions},
    {"predictions-jsonl", "input.jsonl", ImportFormat::Predictions},
    {"predictions-npy", "input.npy", ImportFormat::Predictions},
    {"reviews", "input.csv", ImportFormat::Reviews},
    {"labels", "input.tsv", ImportFormat::Labels},
    {"image", "input.img", std::nullopt},
};

/**
 * A scratch folder with a template project (a model, two items), made once per process. Each
 * input is imported into a fresh copy of it, so that an input's outcome never depends on the
 * inputs before it and a finding reproduces alone.
 */
struct Scratch
{
    QTemporaryDir dir;
    QString templatePath;

    Scratch()
    {
        templatePath = dir.filePath(QStringLiteral("template.bagel"));
        auto project = Project::create(templatePath);
        const QString labels = dir.filePath(QStringLiteral("labels.tsv"));
        QFile file(labels);
        if (file.open(QIODevice::WriteOnly)) {
            file.write("file_name\tindex\nILSVRC2012_val_00000001.JPEG\t65\nILSVRC2012_val_00000002.JPEG\t970\n");
            file.close();
            importFile(*project, ImportFormat::Labels, labels);
        }
        const QString predictions = dir.filePath(QStringLiteral("p.csv"));
        QFile p(predictions);
        if (p.open(QIODevice::WriteOnly)) {
            p.write("file_name,model,rank,class,score\nILSVRC2012_val_00000001.JPEG,m,1,65,0.9\nILSVRC2012_val_00000002.JPEG,m,1,795,0.5\n");
            p.close();
            importFile(*project, ImportFormat::Predictions, predictions);
        }
        // Closing checkpoints the journal into the file, so that copying the file copies it all.
    }

    /** A fresh copy of the template, opened. */
    std::unique_ptr<Project> fresh() const
    {
        const QString path = dir.filePath(QStringLiteral("fuzz.bagel"));
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(path + QLatin1String(suffix));
        if (!QFile::copy(templatePath, path))
            qFatal("cannot copy the template project");
        auto project = Project::open(path);
        // Speed over durability: a scratch project is thrown away.
        sqlite3_exec(dynamic_cast<SqliteStore &>(project->store()).nativeHandle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);
        return project;
    }
};

Scratch &scratch()
{
    static Scratch s;
    return s;
}

} // namespace

QStringList targets()
{
    QStringList out;
    for (const Target &t : kTargets)
        out << QLatin1String(t.name);
    return out;
}

bool run(const QString &name, const std::uint8_t *data, std::size_t size)
{
    const Target *target = nullptr;
    for (const Target &t : kTargets) {
        if (name == QLatin1String(t.name))
            target = &t;
    }
    if (!target)
        return false;
    Scratch &s = scratch();
    const QString path = s.dir.filePath(QLatin1String(target->fileName));
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        file.write(reinterpret_cast<const char *>(data), qint64(size));
    }
    if (!target->format) {
        const DecodedImage image = decodeImage(path, QSize(512, 512));
        // Either a picture or a reason, never both and never neither.
        if (image.isNull() == image.error.isEmpty())
            qFatal("decodeImage gave %s and the reason '%s'", image.isNull() ? "no picture" : "a picture", qPrintable(image.error));
        return true;
    }
    ImportOptions options;
    options.model = QStringLiteral("m");
    const std::unique_ptr<Project> project = s.fresh();
    try {
        importFile(*project, *target->format, path, options);
    } catch (const Error &e) {
        // The expected outcome for most inputs: a clear message that names the file.
        if (!e.message().contains(path) && !e.message().contains(QLatin1String(target->fileName)))
            qFatal("an import error that does not name the file: %s", qPrintable(e.message()));
    }
    return true;
}

} // namespace bagel::fuzz
