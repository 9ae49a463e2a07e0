// Model predictions in three layouts, reduced to each (item, model)'s top-k:
//  - long-form CSV: file_name,model,rank,class,score (rank 1 = best; class as wnid or index)
//  - JSON Lines: {"file_name", "model", "predictions": [{"class", "score"}, ...]} per line,
//    or the long form {"file_name", "model", "rank", "class", "score"}
//  - NumPy .npy: an N×1000 float32/float64 array of logits or probabilities.

#include "importcontext.h"
#include "importers.h"
#include "predictionpipeline.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/utf8.h"
#include "io/inputfile.h"
#include "io/delimitedreader.h"
#include "io/jsonreader.h"
#include "io/npyreader.h"
#include "project.h"
#include "storage/store.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>

namespace bagel {

namespace {

constexpr int kMaxRank = 1000; // ranks beyond it are clamped so the collector reports them

QString fromView(std::string_view v)
{
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

int parseClass(const ClassCatalog &catalog, std::string_view text)
{
    const int byWnid = catalog.indexOfWnid(text);
    if (byWnid >= 0)
        return byWnid;
    int index = -1;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (ec == std::errc() && ptr == text.data() + text.size() && catalog.contains(index))
        return index;
    return -1;
}

double parseScore(std::string_view text, bool *ok)
{
    *ok = true;
    if (text.empty())
        return std::numeric_limits<double>::quiet_NaN();
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    *ok = ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(value);
    return value;
}

void importCsv(const ImportContext &ctx, const QString &path, PredictionCollector &collector)
{
    QFile file;
    openInputFile(file, path);
    DelimitedReader reader(file, path, ',');
    if (!reader.next())
        throw Error(QStringLiteral("%1: the file is empty").arg(path));

    QStringList header;
    for (int i = 0; i < reader.fieldCount(); ++i)
        header << reader.qfield(i).trimmed().toLower();
    reader.requireUniqueColumns(header);
    const int fileCol = header.indexOf(QLatin1String("file_name"));
    const int modelCol = header.indexOf(QLatin1String("model"));
    const int rankCol = header.indexOf(QLatin1String("rank"));
    const int classCol = header.indexOf(QLatin1String("class"));
    const int scoreCol = header.indexOf(QLatin1String("score"));
    if (fileCol < 0 || rankCol < 0 || classCol < 0)
        reader.fail(-1, QStringLiteral("the header must name the columns file_name, rank and class (and model and score "
                                       "where the file has them); found: %1")
                            .arg(header.join(QLatin1Char(','))));
    if (modelCol < 0 && ctx.options.model.isEmpty())
        reader.fail(-1, QStringLiteral("the file has no model column: name the model with --model"));

    const int columns = int(header.size());
    const QByteArray onlyModel = ctx.options.model.toUtf8();
    QString fileName;
    QString model = ctx.options.model;
    std::string lastFile;
    std::string lastModel;
    const FailAt fail = [&reader](const QString &message) { reader.fail(-1, message); };
    ReadProgress read(ctx.options.progress, file);
    while (reader.next() && !collector.stopped()) {
        read.tick();
        if (reader.fieldCount() != columns)
            reader.fail(-1, QStringLiteral("expected %1 columns, found %2").arg(columns).arg(reader.fieldCount()));
        if (modelCol >= 0) {
            const std::string_view m = reader.field(modelCol);
            if (!onlyModel.isEmpty() && m != std::string_view(onlyModel.constData(), std::size_t(onlyModel.size()))) {
                collector.skip(QStringLiteral("rows of other models"), QStringLiteral("line %1").arg(reader.line()));
                continue;
            }
            if (m != lastModel) {
                lastModel.assign(m);
                model = fromView(m);
            }
        }
        const std::string_view f = reader.field(fileCol);
        if (f != lastFile) {
            lastFile.assign(f);
            fileName = nfc(fromView(f));
        }
        int rank = 0;
        const std::string_view r = reader.field(rankCol);
        const auto [ptr, ec] = std::from_chars(r.data(), r.data() + r.size(), rank);
        if (ec != std::errc() || ptr != r.data() + r.size())
            reader.fail(rankCol, QStringLiteral("'%1' is not a rank (1 = best)").arg(reader.qfield(rankCol)));
        const int cls = parseClass(ctx.catalog, reader.field(classCol));
        if (cls < 0)
            reader.fail(classCol, QStringLiteral("'%1' is not a wnid or class index of the %2 classes")
                                      .arg(reader.qfield(classCol))
                                      .arg(ctx.catalog.size()));
        bool ok = true;
        const double score = scoreCol >= 0 ? parseScore(reader.field(scoreCol), &ok)
                                           : std::numeric_limits<double>::quiet_NaN();
        if (!ok)
            reader.fail(scoreCol, QStringLiteral("'%1' is not a finite number").arg(reader.qfield(scoreCol)));
        collector.add(fileName, model, rank, cls, score, reader.line(), fail);
    }
    read.update();
}

/** Reads a class given as a wnid string or an index number. */
int readJsonClass(const ImportContext &ctx, JsonReader &reader)
{
    const JsonReader::Token t = reader.next();
    int cls = -1;
    if (t == JsonReader::Token::String)
        cls = ctx.catalog.indexOfWnid(reader.text());
    else if (t == JsonReader::Token::Number) {
        const qint64 i = reader.intValue();
        cls = i >= 0 && i < ctx.catalog.size() ? int(i) : -1;
    } else {
        reader.fail(QStringLiteral("expected a class (wnid or index)"));
    }
    if (cls < 0)
        reader.fail(QStringLiteral("not a wnid or class index of the %1 classes").arg(ctx.catalog.size()));
    return cls;
}

double readJsonScore(JsonReader &reader)
{
    const JsonReader::Token t = reader.next();
    if (t == JsonReader::Token::Null)
        return std::numeric_limits<double>::quiet_NaN();
    if (t != JsonReader::Token::Number)
        reader.fail(QStringLiteral("expected a score"));
    const double v = reader.doubleValue();
    if (!std::isfinite(v))
        reader.fail(QStringLiteral("the score is not finite"));
    return v;
}

QString readJsonString(JsonReader &reader)
{
    if (reader.next() != JsonReader::Token::String)
        reader.fail(QStringLiteral("expected a string"));
    return reader.qtext();
}

void importJsonLines(const ImportContext &ctx, const QString &path, PredictionCollector &collector)
{
    using Token = JsonReader::Token;
    QFile file;
    openInputFile(file, path);
    LineReader lines(file, path);
    QByteArray line;
    qint64 lineNumber = 0;
    bool anyLine = false;
    ReadProgress read(ctx.options.progress, file);
    while (!collector.stopped() && lines.next(line)) {
        read.tick();
        lineNumber = lines.lineNumber();
        if (line.trimmed().isEmpty())
            continue;
        anyLine = true;
        JsonReader reader(line, path, lineNumber);
        // Problems found once the line is read concern the line as a whole.
        const FailAt fail = [&](const QString &message) {
            throw Error(QStringLiteral("%1:%2: %3").arg(path).arg(lineNumber).arg(message));
        };
        QString fileName;
        QString model = ctx.options.model;
        int rank = 0;
        int cls = -1;
        double score = std::numeric_limits<double>::quiet_NaN();
        QVector<ClassScore> list;
        bool hasList = false;
        bool otherModel = false;
        reader.expect(Token::BeginObject, "one JSON object per line");
        JsonKeySet keys;
        for (Token t = reader.next(); t != Token::EndObject; t = reader.next()) {
            keys.check(reader);
            const std::string_view key = reader.text();
            if (otherModel) {
                // A line of another model is skipped, but read to its end: it must be JSON.
                reader.skipValue();
            } else if (key == "file_name") {
                fileName = nfc(readJsonString(reader));
            } else if (key == "model") {
                const QString m = readJsonString(reader);
                if (!ctx.options.model.isEmpty() && m != ctx.options.model) {
                    model.clear();
                    otherModel = true;
                    continue;
                }
                model = m;
            } else if (key == "rank") {
                if (reader.next() != Token::Number)
                    reader.fail(QStringLiteral("expected a rank"));
                rank = int(std::clamp<qint64>(reader.intValue(), -1, kMaxRank + 1));
            } else if (key == "class") {
                cls = readJsonClass(ctx, reader);
            } else if (key == "score") {
                score = readJsonScore(reader);
            } else if (key == "predictions") {
                hasList = true;
                reader.expect(Token::BeginArray, "a list of predictions, best first");
                for (Token p = reader.next(); p != Token::EndArray; p = reader.next()) {
                    ClassScore entry{-1, std::numeric_limits<double>::quiet_NaN()};
                    if (p == Token::BeginObject) {
                        JsonKeySet fields;
                        for (Token k = reader.next(); k != Token::EndObject; k = reader.next()) {
                            fields.check(reader);
                            if (reader.text() == "class")
                                entry.classIndex = readJsonClass(ctx, reader);
                            else if (reader.text() == "score")
                                entry.score = readJsonScore(reader);
                            else
                                reader.skipValue();
                        }
                    } else if (p == Token::BeginArray) {
                        entry.classIndex = readJsonClass(ctx, reader);
                        entry.score = readJsonScore(reader);
                        reader.expect(Token::EndArray, "the end of a [class, score] pair");
                    } else {
                        reader.fail(QStringLiteral("expected {\"class\", \"score\"} or [class, score]"));
                    }
                    if (entry.classIndex < 0)
                        reader.fail(QStringLiteral("the prediction has no class"));
                    list << entry;
                }
            } else {
                reader.skipValue();
            }
        }
        if (model.isEmpty()) {
            if (otherModel) {
                reader.expect(Token::EndOfInput, "the end of the line");
                collector.skip(QStringLiteral("lines of other models"), QStringLiteral("line %1").arg(lineNumber));
                continue;
            }
            reader.fail(QStringLiteral("no model: give \"model\" on each line or --model"));
        }
        if (fileName.isEmpty())
            reader.fail(QStringLiteral("no file_name"));
        if (hasList) {
            if (list.isEmpty())
                reader.fail(QStringLiteral("the predictions list is empty"));
            for (int i = 0; i < list.size(); ++i)
                collector.add(fileName, model, i + 1, list[i].classIndex, list[i].score, lineNumber, fail);
        } else {
            if (cls < 0)
                reader.fail(QStringLiteral("expected \"predictions\", or \"rank\" with \"class\""));
            collector.add(fileName, model, rank, cls, score, lineNumber, fail);
        }
        reader.expect(Token::EndOfInput, "the end of the line");
    }
    if (!anyLine && !collector.stopped())
        throw Error(QStringLiteral("%1: the file is empty").arg(path));
    read.update();
}

QStringList readFileList(const QString &path)
{
    QFile file;
    openInputFile(file, path);
    LineReader lines(file, path);
    QStringList names;
    QByteArray bytes;
    while (lines.next(bytes)) {
        const qint64 line = lines.lineNumber();
        QString text = QString::fromUtf8(bytes).trimmed();
        if (line == 1 && text.startsWith(QChar(0xFEFF))) // a byte order mark
            text = text.mid(1).trimmed();
        if (text.isEmpty())
            continue;
        // A labels table works too: its first column is the file name.
        const qsizetype cut = text.indexOf(QRegularExpression(QStringLiteral("[\t,]")));
        if (cut >= 0)
            text.truncate(cut);
        if (line == 1 && (text == QLatin1String("file_name") || text == QLatin1String("filename")))
            continue;
        names << nfc(text);
    }
    if (names.isEmpty())
        throw Error(QStringLiteral("%1: the file is empty (no file names)").arg(path));
    return names;
}

void importNpy(const ImportContext &ctx, const QString &path, PredictionCollector &collector)
{
    if (ctx.options.model.isEmpty())
        throw Error(QStringLiteral("%1: name the model these scores belong to (--model)").arg(path));
    const NpyReader npy(path);
    if (npy.columns() != ctx.catalog.size()) {
        throw Error(QStringLiteral("%1: has %2 columns; expected one per class (%3)")
                        .arg(path)
                        .arg(npy.columns())
                        .arg(ctx.catalog.size()));
    }
    QStringList names;
    if (!ctx.options.filesList.isEmpty()) {
        names = readFileList(ctx.options.filesList);
        if (names.size() != npy.rows()) {
            throw Error(QStringLiteral("%1: has %2 rows but %3 lists %4 file names")
                            .arg(path)
                            .arg(npy.rows())
                            .arg(ctx.options.filesList)
                            .arg(names.size()));
        }
    }
    if (ctx.options.topK < 1 || ctx.options.topK > kMaxRank)
        throw Error(QStringLiteral("--top-k %1 is out of range 1..%2").arg(ctx.options.topK).arg(kMaxRank));
    const int k = std::min(ctx.options.topK, int(npy.columns()));

    std::vector<double> row;
    ScoreKind kind = ctx.options.scores;
    if (kind == ScoreKind::Auto) {
        // Probabilities when the first rows all lie in [0, 1] and sum to 1; logits otherwise.
        kind = ScoreKind::Probabilities;
        for (qint64 r = 0; r < std::min<qint64>(npy.rows(), 100) && kind == ScoreKind::Probabilities; ++r) {
            npy.readRow(r, row);
            double sum = 0;
            for (const double v : row) {
                if (!(v >= 0.0 && v <= 1.0)) {
                    kind = ScoreKind::Logits;
                    break;
                }
                sum += v;
            }
            if (std::abs(sum - 1.0) > 1e-3)
                kind = ScoreKind::Logits;
        }
    }

    std::vector<int> order(std::size_t(npy.columns()));
    Progress *progress = ctx.options.progress;
    progressStart(progress, QStringLiteral("Reading %1").arg(QFileInfo(path).fileName()), npy.rows(), Progress::Unit::Rows);
    for (qint64 r = 0; r < npy.rows() && !collector.stopped(); ++r) {
        if (progress && r % 256 == 0) {
            progress->setDone(r);
            progress->check();
        }
        npy.readRow(r, row);
        const FailAt fail = [&](const QString &message) {
            throw Error(QStringLiteral("%1: row %2 (0-based): %3").arg(path).arg(r).arg(message));
        };
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (!std::isfinite(row[c]))
                fail(QStringLiteral("column %1 is not a finite number").arg(c));
        }
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int a, int b) {
            return row[std::size_t(a)] > row[std::size_t(b)] || (row[std::size_t(a)] == row[std::size_t(b)] && a < b);
        });
        double normaliser = 1.0;
        const double maximum = row[std::size_t(order[0])];
        if (kind == ScoreKind::Logits) {
            normaliser = 0.0;
            for (const double v : row)
                normaliser += std::exp(v - maximum);
        }
        const QString fileName = names.isEmpty() ? ImportContext::validationFileName(r) : names[r];
        for (int i = 0; i < k; ++i) {
            const int c = order[std::size_t(i)];
            const double v = row[std::size_t(c)];
            const double score = kind == ScoreKind::Logits ? std::exp(v - maximum) / normaliser : v;
            collector.add(fileName, ctx.options.model, i + 1, c, score, r, fail);
        }
    }
    progressSetDone(progress, npy.rows());
}

} // namespace

void importPredictions(ImportContext &context, const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    std::function<void(const ImportContext &, const QString &, PredictionCollector &)> produce;
    if (suffix == QLatin1String("csv"))
        produce = importCsv;
    else if (suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson") || suffix == QLatin1String("json"))
        produce = importJsonLines;
    else if (suffix == QLatin1String("npy"))
        produce = importNpy;
    else
        throw Error(QStringLiteral("%1: unknown predictions file type '.%2' (use .csv, .jsonl or .npy)").arg(path, suffix));
    runPredictionPipeline(context, path, suffix == QLatin1String("npy") ? "row (0-based)" : "line",
                          [&](PredictionCollector &collector) { produce(context, path, collector); });
}

} // namespace bagel
