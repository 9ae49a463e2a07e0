#include "demo.h"

#include "error.h"
#include "import/importer.h"
#include "project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <spdlog/spdlog.h>

namespace bagel {

namespace {

const QString kResources = QStringLiteral(":/bagel/demo");

void unpack(const QString &from, const QString &to)
{
    QDir().mkpath(QFileInfo(to).absolutePath());
    if (QFileInfo::exists(to))
        return;
    if (!QFile::copy(from, to))
        throw Error(QStringLiteral("cannot write the demo file %1").arg(to));
    QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
}

} // namespace

QString demoProjectPath(const QString &directory)
{
    return QDir(directory).filePath(QStringLiteral("demo.bagel"));
}

std::unique_ptr<Project> createDemoProject(const QString &directory)
{
    const QString path = demoProjectPath(directory);
    if (QFileInfo::exists(path))
        return Project::open(path);

    const QDir images(kResources + QStringLiteral("/images"));
    const QStringList names = images.entryList(QDir::Files, QDir::Name);
    if (names.isEmpty())
        throw Error(QStringLiteral("the demo project's files are missing from this build"));
    for (const QString &name : names)
        unpack(images.filePath(name), QDir(directory).filePath(QStringLiteral("images/") + name));
    for (const char *file : {"labels.tsv", "multilabel.json", "predictions.csv", "CREDITS", "README.md", "LICENSE-Apache-2.0"})
        unpack(kResources + QLatin1Char('/') + QLatin1String(file), QDir(directory).filePath(QLatin1String(file)));

    // Build under a temporary name, so that a failure never leaves a half-made demo behind.
    const QString partial = path + QStringLiteral(".partial");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(partial + suffix);
    {
        auto project = Project::create(partial, QDir(directory).filePath(QStringLiteral("images")));
        const QDir dir(directory);
        importFile(*project, ImportFormat::Labels, dir.filePath(QStringLiteral("labels.tsv")));
        ImportOptions anyName;
        anyName.validationOnly = false;
        importFile(*project, ImportFormat::TfdsMultilabel, dir.filePath(QStringLiteral("multilabel.json")), anyName);
        importFile(*project, ImportFormat::Predictions, dir.filePath(QStringLiteral("predictions.csv")));
    }
    if (!QFile::rename(partial, path))
        throw Error(QStringLiteral("cannot create %1").arg(path));
    spdlog::info("created the demo project in {}", directory.toStdString());
    return Project::open(path);
}

} // namespace bagel
