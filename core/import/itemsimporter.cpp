// Items: an ImageFolder tree (`root/<wnid>/<file>`) or a labels table (`file_name` + wnid/index).

#include "importcontext.h"
#include "importers.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/inputfile.h"
#include "io/utf8.h"
#include "project.h"
#include "storage/store.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

namespace bagel {

namespace {

bool isImageFile(const QString &fileName)
{
    static const QSet<QString> suffixes{
        QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("png"), QStringLiteral("webp"),
        QStringLiteral("bmp"), QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("jpe"),
    };
    return suffixes.contains(QFileInfo(fileName).suffix().toLower());
}

} // namespace

void importImageFolder(ImportContext &context, const QString &path)
{
    const QFileInfo rootInfo(path);
    if (!rootInfo.isDir())
        throw Error(QStringLiteral("%1: not a folder (an ImageFolder tree is root/<wnid>/<image>)").arg(path));
    const QString root = QDir::cleanPath(rootInfo.absoluteFilePath());

    // Image paths are stored relative to the images root, which the first folder import sets.
    QString imagesRoot = context.project.imagesRoot();
    if (imagesRoot.isEmpty()) {
        context.project.setImagesRoot(root);
        imagesRoot = context.project.imagesRoot();
        context.report.update(QStringLiteral("images root"));
    }
    const QDir rootDir(imagesRoot);
    const QString prefix = rootDir.relativeFilePath(root);
    if (prefix.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(prefix)) {
        throw Error(QStringLiteral("%1: outside the project's images root %2; change the images root first "
                                   "(bagel-cli images-root PROJECT DIR)")
                        .arg(path, imagesRoot));
    }

    // An image must stay inside the images root: a symbolic link that leads out of it (or a
    // class folder that is such a link), and anything that is not a regular file (a pipe, a
    // device, a dangling link), is skipped and counted, never read.
    const QString canonicalRoot = QFileInfo(imagesRoot).canonicalFilePath();
    QHash<QString, QString> canonicalDirs; // folder → its canonical path
    const auto canonicalOf = [&](const QFileInfo &info) -> QString {
        if (info.isSymLink())
            return info.canonicalFilePath();
        auto dir = canonicalDirs.find(info.path());
        if (dir == canonicalDirs.end())
            dir = canonicalDirs.insert(info.path(), QFileInfo(info.path()).canonicalFilePath());
        return dir->isEmpty() ? QString() : *dir + QLatin1Char('/') + info.fileName();
    };

    QDir top(root);
    const QStringList classDirs = top.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QHash<QString, QString> seen; // file name (NFC) → relative path
    for (const QString &dirName : classDirs) {
        const int cls = context.catalog.indexOfWnid(dirName);
        if (cls < 0)
            throw Error(QStringLiteral("%1/%2: the folder name is not the wnid of one of the %3 classes")
                            .arg(path, dirName)
                            .arg(context.catalog.size()));
        QStringList files;
        // QDir::System lists pipes, devices and dangling links too, so that they are counted.
        QDirIterator it(top.filePath(dirName), QDir::Files | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        files.sort();
        for (const QString &filePath : std::as_const(files)) {
            progressAdvance(context.options.progress);
            progressCheck(context.options.progress);
            const QString relative = rootDir.relativeFilePath(filePath);
            const QFileInfo info(filePath);
            const QString fileName = nfc(info.fileName());
            if (!isImageFile(fileName)) {
                context.report.skip(QStringLiteral("files that are not images"), relative);
                continue;
            }
            const QString real = canonicalOf(info);
            if (real.isEmpty()) {
                context.report.skip(QStringLiteral("dangling symbolic links"), relative);
                continue;
            }
            if (!isWithin(canonicalRoot, real)) {
                context.report.skip(QStringLiteral("symbolic links that lead out of the images root"), relative);
                continue;
            }
            if (!notRegularFileReason(real).isEmpty()) {
                context.report.skip(QStringLiteral("entries that are not regular files (pipes, devices)"), relative);
                continue;
            }
            const auto fail = [&](const QString &message) {
                throw Error(QStringLiteral("%1: %2").arg(filePath, message));
            };
            const auto previous = seen.constFind(fileName);
            if (previous != seen.constEnd())
                fail(QStringLiteral("the file name %1 is also used by %2; item file names must be unique")
                         .arg(fileName, *previous));
            seen.insert(fileName, relative);
            context.item(fileName, fail, cls, relative);
        }
    }
    const QStringList loose = top.entryList(QDir::Files, QDir::Name);
    for (const QString &name : loose) {
        context.report.skip(QStringLiteral("files outside a class folder"), name);
    }
}

void importLabels(ImportContext &context, const QString &path)
{
    readLabelsTable(path, context.catalog, [&](const LabelRow &row) {
        const auto fail = [&](const QString &message) {
            throw Error(QStringLiteral("%1:%2: %3").arg(path).arg(row.line).arg(message));
        };
        context.item(row.fileName, fail, row.classIndex);
    }, context.options.progress);
}

} // namespace bagel
