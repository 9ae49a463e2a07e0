#include "importer.h"

#include "error.h"
#include "importcontext.h"
#include "importers.h"
#include "io/inputfile.h"
#include "io/jsonreader.h"
#include "progress.h"
#include "project.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

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

QString importFormatTitle(ImportFormat format)
{
    switch (format) {
    case ImportFormat::TfdsMultilabel:
        return QStringLiteral("TFDS multi-label JSON (imagenet2012_multilabel)");
    case ImportFormat::Real:
        return QStringLiteral("ReaL label lists (real.json)");
    case ImportFormat::PaperMistakes:
        return QStringLiteral("The paper's reviewed mistakes (JSON)");
    case ImportFormat::Predictions:
        return QStringLiteral("Model predictions (CSV, JSON Lines or .npy)");
    case ImportFormat::ImageFolder:
        return QStringLiteral("An ImageFolder tree (root/<wnid>/<image>)");
    case ImportFormat::Labels:
        return QStringLiteral("Original labels (TSV or CSV: file_name, wnid or index)");
    case ImportFormat::Reviews:
        return QStringLiteral("Reviews (CSV)");
    }
    return toString(format);
}

QStringList importFormatPatterns(ImportFormat format)
{
    switch (format) {
    case ImportFormat::TfdsMultilabel:
    case ImportFormat::Real:
    case ImportFormat::PaperMistakes:
        return {QStringLiteral("*.json")};
    case ImportFormat::Predictions:
        return {QStringLiteral("*.csv"), QStringLiteral("*.jsonl"), QStringLiteral("*.ndjson"), QStringLiteral("*.json"),
                QStringLiteral("*.npy")};
    case ImportFormat::ImageFolder:
        return {};
    case ImportFormat::Labels:
        return {QStringLiteral("*.tsv"), QStringLiteral("*.csv"), QStringLiteral("*.txt")};
    case ImportFormat::Reviews:
        return {QStringLiteral("*.csv")};
    }
    return {};
}

namespace {

/** The first keys of a JSON document that starts with an object: the top-level one and, when
 *  its value is an object, that object's first key. Empty where the head ends or is not JSON. */
std::pair<QString, QString> firstJsonKeys(const QByteArray &head)
{
    using Token = JsonReader::Token;
    std::pair<QString, QString> keys;
    try {
        JsonReader reader(head, QStringLiteral("head"));
        if (reader.next() != Token::BeginObject || reader.next() != Token::Key)
            return keys;
        keys.first = reader.qtext();
        if (reader.next() == Token::BeginObject && reader.next() == Token::Key)
            keys.second = reader.qtext();
    } catch (const Error &) {
        // the head ends inside a value, or it is not JSON: what was read so far stands
    }
    return keys;
}

/** The fields of a CSV/TSV line, lower case, trimmed, without quotes. */
QStringList headerFields(QByteArray line)
{
    if (line.startsWith("\xEF\xBB\xBF"))
        line.remove(0, 3);
    const char delimiter = line.count('\t') > line.count(',') ? '\t' : ',';
    QStringList fields;
    for (const QByteArray &field : line.split(delimiter)) {
        QString f = QString::fromUtf8(field).trimmed().toLower();
        if (f.size() >= 2 && f.startsWith(QLatin1Char('"')) && f.endsWith(QLatin1Char('"')))
            f = f.mid(1, f.size() - 2);
        fields << f;
    }
    return fields;
}

bool looksLikeClass(const QString &text)
{
    static const QRegularExpression wnid(QStringLiteral("^n\\d{8}$"));
    bool isNumber = false;
    const int index = text.toInt(&isNumber);
    return wnid.match(text).hasMatch() || (isNumber && index >= 0 && index < 1000);
}

} // namespace

std::optional<ImportFormat> guessImportFormat(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir())
        return ImportFormat::ImageFolder;
    QByteArray head;
    try {
        QFile file;
        openInputFile(file, path); // refuses pipes, devices and a project open here
        head = file.read(64 * 1024);
    } catch (const Error &) {
        return std::nullopt;
    }
    if (head.startsWith("\x93NUMPY"))
        return ImportFormat::Predictions;
    if (head.startsWith("\xEF\xBB\xBF"))
        head.remove(0, 3);
    const QByteArray text = head.trimmed();
    if (text.isEmpty())
        return std::nullopt;

    if (text.startsWith('[')) {
        // ReaL: a list of lists of class indices.
        const QByteArray rest = text.mid(1).trimmed();
        if (rest.startsWith('[') || rest.startsWith(']'))
            return ImportFormat::Real;
        return std::nullopt;
    }
    if (text.startsWith('{')) {
        const QByteArray firstLine = text.left(text.indexOf('\n') < 0 ? text.size() : text.indexOf('\n'));
        const auto [key, inner] = firstJsonKeys(firstLine.trimmed().endsWith('}') ? firstLine : text);
        if (key == QLatin1String("initial_annots") || key == QLatin1String("problematic_images")
            || key == QLatin1String("imagenet_m"))
            return ImportFormat::TfdsMultilabel;
        static const QStringList predictionKeys{QStringLiteral("file_name"), QStringLiteral("model"),
                                                QStringLiteral("predictions"), QStringLiteral("rank"),
                                                QStringLiteral("class"), QStringLiteral("score")};
        if (predictionKeys.contains(key))
            return ImportFormat::Predictions; // JSON Lines, one object per line
        static const QStringList mistakeKeys{QStringLiteral("top_prediction"), QStringLiteral("failure category"),
                                             QStringLiteral("failure severity")};
        if (!key.isEmpty() && mistakeKeys.contains(inner))
            return ImportFormat::PaperMistakes;
        return std::nullopt;
    }

    // Delimited text: the header (or the first row) says which.
    const qsizetype end = text.indexOf('\n');
    const QStringList fields = headerFields(end < 0 ? text : text.left(end).trimmed());
    const auto has = [&fields](const char *name) { return fields.contains(QLatin1String(name)); };
    if (has("verdict") && has("reviewer"))
        return ImportFormat::Reviews;
    if ((has("file_name") || has("filename")) && has("rank") && has("class"))
        return ImportFormat::Predictions;
    if ((has("file_name") || has("filename")) && (has("wnid") || has("index") || has("label")))
        return ImportFormat::Labels;
    if (fields.size() == 2 && !fields[0].isEmpty() && looksLikeClass(fields[1]))
        return ImportFormat::Labels; // no header: file name, class
    return std::nullopt;
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
    Progress *progress = options.progress;
    if (format == ImportFormat::ImageFolder)
        progressStart(progress, QStringLiteral("Reading %1").arg(QFileInfo(path).fileName()), 0, Progress::Unit::Items);
    else
        progressStart(progress, QStringLiteral("Reading %1").arg(QFileInfo(path).fileName()), QFileInfo(path).size(),
                      Progress::Unit::Bytes);
    progressCheck(progress);

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
    // The last chance to cancel: once the commit starts, the import is in.
    progressCheck(progress);
    tx.commit();
    spdlog::info("imported {} {} into {} in {} ms", report.format.toStdString(), path.toStdString(),
                 project.path().toStdString(), timer.elapsed());
    return report;
}

} // namespace bagel
