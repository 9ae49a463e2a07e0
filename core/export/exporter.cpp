#include "exporter.h"
#include "outputfile.h"

#include "audit/audit.h"
#include "catalog/classcatalog.h"
#include "error.h"
#include "import/importcontext.h"
#include "io/jsonwriter.h"
#include "progress.h"
#include "project.h"

#include <QFileInfo>
#include <QTextStream>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <utility>

namespace bagel {

namespace {

constexpr std::array<std::pair<ExportFormat, const char *>, 5> kFormats{{
    {ExportFormat::TfdsMultilabel, "tfds-multilabel"},
    {ExportFormat::Real, "real"},
    {ExportFormat::Csv, "csv"},
    {ExportFormat::ImagenetM, "imagenet-m"},
    {ExportFormat::Diff, "diff"},
}};

constexpr qint64 kValidationImages = 50000;

} // namespace

QString toString(ExportFormat format)
{
    for (const auto &[f, name] : kFormats) {
        if (f == format)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<ExportFormat> parseExportFormat(const QString &name)
{
    for (const auto &[f, n] : kFormats) {
        if (name == QLatin1String(n))
            return f;
    }
    return std::nullopt;
}

QStringList exportFormatNames()
{
    QStringList names;
    for (const auto &entry : kFormats)
        names << QString::fromLatin1(entry.second);
    return names;
}

QString ExportFilter::describe() const
{
    QStringList parts;
    if (originalClass >= 0)
        parts << QStringLiteral("class %1").arg(ClassCatalog::imagenet1k().at(originalClass).wnid);
    if (reviewedOnly)
        parts << (model.isEmpty() ? QStringLiteral("reviewed items") : QStringLiteral("items reviewed for %1").arg(model));
    else if (!model.isEmpty())
        parts << QStringLiteral("model %1").arg(model);
    if (!search.isEmpty())
        parts << QStringLiteral("file names containing '%1'").arg(search);
    if (items)
        parts << QStringLiteral("the %1 items of the queue").arg(items->size());
    return parts.join(QLatin1String(", "));
}

QString ExportReport::summary() const
{
    QString text = QStringLiteral("Exported %1 to %2: %3 items with labels, %4 problematic images, %5 ImageNet-M entries")
                       .arg(format, file)
                       .arg(items)
                       .arg(problematic)
                       .arg(imagenetM);
    if (format == QLatin1String("diff"))
        text = QStringLiteral("Exported diff to %1: %2 items changed by the review").arg(file).arg(changed);
    if (!filter.isEmpty())
        text += QStringLiteral(" (only %1)").arg(filter);
    return text;
}

QJsonObject ExportReport::toJson() const
{
    return QJsonObject{{QStringLiteral("format"), format},
                       {QStringLiteral("file"), file},
                       {QStringLiteral("items"), items},
                       {QStringLiteral("problematic"), problematic},
                       {QStringLiteral("imagenet_m"), imagenetM},
                       {QStringLiteral("changed"), changed},
                       {QStringLiteral("filter"), filter}};
}

QString csvCell(const QString &text)
{
    QString cell = text;
    if (!cell.isEmpty() && (cell[0] == QLatin1Char('=') || cell[0] == QLatin1Char('+') || cell[0] == QLatin1Char('-')
                            || cell[0] == QLatin1Char('@') || cell[0] == QLatin1Char('\t') || cell[0] == QLatin1Char('\r')))
        cell.prepend(QLatin1Char('\'')); // shown as text, never run as a formula
    const bool quote = cell.contains(QLatin1Char(',')) || cell.contains(QLatin1Char('"')) || cell.contains(QLatin1Char('\n'))
                       || cell.contains(QLatin1Char('\r')) || cell != cell.trimmed();
    if (!quote)
        return cell;
    cell.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + cell + QLatin1Char('"');
}

namespace {

/** Counts the items written into the export's Progress and checks for Cancel every few hundred. */
class WriteProgress
{
public:
    explicit WriteProgress(Progress *progress)
        : m_progress(progress)
    {
    }
    void tick()
    {
        if (m_progress && (++m_done & 255) == 0) {
            m_progress->setDone(m_done);
            m_progress->check();
        }
    }

private:
    Progress *m_progress;
    qint64 m_done = 0;
};

/** Everything an export needs, read once. */
struct ExportState
{
    const Project &project;
    const ClassCatalog &catalog;
    AuditSnapshot snapshot;
    QHash<ItemId, QVector<LabelJudgement>> labels;   ///< after the review
    QHash<ItemId, ProblematicInfo> problematic;      ///< after the review
    QHash<ItemId, QVector<LabelJudgement>> imported; ///< before it
    QHash<ItemId, ProblematicInfo> importedProblematic;
    QVector<ItemRecord> items; ///< the items the filter accepts, in file-name order

    ExportState(const Project &p, const ExportFilter &filter, Progress *progress)
        : project(p)
        , catalog(p.catalog())
        , snapshot(AuditSnapshot::load(p, progress)) // its own stages: the items, the reviews, the units
    {
        labels = snapshot.finalLabels(&problematic);
        imported = snapshot.importedLabels();
        importedProblematic = snapshot.importedProblematic();
        ModelId model = 0;
        if (!filter.model.isEmpty()) {
            for (const ModelRecord &m : snapshot.models()) {
                if (m.name == filter.model)
                    model = m.id;
            }
            if (!model)
                throw Error(QStringLiteral("no model '%1' in the project").arg(filter.model));
        }
        QSet<ItemId> reviewed;
        if (filter.reviewedOnly) {
            for (int i = 0; i < int(snapshot.units().size()); ++i) {
                const AuditSnapshot::Unit &u = snapshot.units()[std::size_t(i)];
                if ((!model || u.model == model) && snapshot.finalState(i).verdict)
                    reviewed.insert(u.item);
            }
        }
        const QHash<ItemId, AuditSnapshot::ItemFacts> &all = snapshot.items();
        items.reserve(all.size());
        for (const ItemId id : snapshot.itemOrder()) {
            const AuditSnapshot::ItemFacts &item = *all.constFind(id);
            if (filter.originalClass >= 0 && item.originalLabel != filter.originalClass)
                continue;
            if (filter.reviewedOnly && !reviewed.contains(id))
                continue;
            if (!filter.search.isEmpty() && !item.fileName.contains(filter.search, Qt::CaseInsensitive))
                continue;
            if (filter.items && !filter.items->contains(id))
                continue;
            items << ItemRecord{id, item.fileName, QString(), item.originalLabel};
        }
    }

    QStringList wnids(const QVector<LabelJudgement> &list, Judgement j) const
    {
        QStringList out;
        for (const LabelJudgement &label : list) {
            if (label.judgement == j)
                out << catalog.at(label.classIndex).wnid;
        }
        out.sort();
        return out;
    }
};

/** A string, or null when there is none. */
void valueOrNull(JsonWriter &json, const std::optional<QString> &text)
{
    if (text)
        json.value(*text);
    else
        json.null();
}

void writeProblematic(JsonWriter &json, const ProblematicInfo &info)
{
    json.beginObject();
    json.key(QStringLiteral("reason"));
    json.value(info.reason);
    json.key(QStringLiteral("reviewer"));
    json.value(info.reviewer);
    json.key(QStringLiteral("server_username"));
    json.value(info.serverUsername);
    json.key(QStringLiteral("time_marked"));
    json.value(info.timeMarked);
    json.key(QStringLiteral("time_reviewed"));
    json.value(info.timeReviewed);
    json.endObject();
}

/** TFDS `imagenet2012_multilabel` raw JSON, entries sorted by file name, lists by wnid. */
void writeTfds(const ExportState &s, QIODevice &out, ExportReport &report, WriteProgress &progress)
{
    JsonWriter json(out);
    json.beginObject();
    json.key(QStringLiteral("initial_annots"));
    json.beginObject();
    for (const ItemRecord &item : s.items) {
        progress.tick();
        const auto it = s.labels.constFind(item.id);
        if (it == s.labels.constEnd() || it->isEmpty())
            continue;
        json.key(item.fileName);
        json.beginObject();
        for (const Judgement j : {Judgement::Correct, Judgement::Wrong, Judgement::Unclear}) {
            const QStringList wnids = s.wnids(*it, j);
            if (wnids.isEmpty())
                continue;
            json.key(toString(j));
            json.beginArray();
            for (const QString &wnid : wnids)
                json.value(wnid);
            json.endArray();
        }
        json.endObject();
        ++report.items;
    }
    json.endObject();

    json.key(QStringLiteral("problematic_images"));
    json.beginObject();
    for (const ItemRecord &item : s.items) {
        const auto it = s.problematic.constFind(item.id);
        if (it == s.problematic.constEnd())
            continue;
        json.key(item.fileName);
        writeProblematic(json, *it);
        ++report.problematic;
    }
    json.endObject();

    json.key(QStringLiteral("imagenet_m"));
    json.beginArray();
    QSet<ItemId> inM;
    for (const ItemId id : s.project.store().imagenetM())
        inM.insert(id);
    for (const ItemRecord &item : s.items) {
        if (inM.contains(item.id)) {
            json.value(item.fileName);
            ++report.imagenetM;
        }
    }
    json.endArray();
    json.endObject();
}

/**
 * ReaL's `real.json` layout: 50,000 lists, entry i for ILSVRC2012_val_(i+1); each the item's
 * correct classes after the review, by index. An empty list: a problematic image, or one the
 * project (or the filter) has no labels for.
 */
void writeReal(const ExportState &s, QIODevice &out, ExportReport &report, WriteProgress &progress)
{
    std::vector<QVector<int>> rows(static_cast<std::size_t>(kValidationImages));
    for (const ItemRecord &item : s.items) {
        progress.tick();
        const QByteArray name = item.fileName.toLatin1();
        if (!ImportContext::isValidationFile(std::string_view(name.constData(), std::size_t(name.size()))))
            continue;
        const qint64 index = item.fileName.mid(15, 8).toLongLong() - 1;
        if (index < 0 || index >= kValidationImages)
            continue;
        if (s.problematic.contains(item.id)) {
            ++report.problematic;
            continue;
        }
        QVector<int> correct;
        for (const LabelJudgement &j : s.labels.value(item.id)) {
            if (j.judgement == Judgement::Correct)
                correct << j.classIndex;
        }
        std::sort(correct.begin(), correct.end());
        if (!correct.isEmpty())
            ++report.items;
        rows[std::size_t(index)] = correct;
    }
    QByteArray text = "[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i)
            text += ", ";
        text += '[';
        for (qsizetype k = 0; k < rows[i].size(); ++k) {
            if (k)
                text += ", ";
            text += QByteArray::number(rows[i][k]);
        }
        text += ']';
        if (text.size() > (1 << 20)) {
            if (out.write(text) != text.size())
                throw Error(out.errorString());
            text.clear();
        }
    }
    text += "]\n";
    if (out.write(text) != text.size())
        throw Error(out.errorString());
}

/** One row per item: its labels after the review and, per model, the unit's final state. */
void writeCsv(const ExportState &s, const ExportFilter &filter, QIODevice &out, ExportReport &report, WriteProgress &progress)
{
    QVector<ModelRecord> models;
    for (const ModelRecord &m : s.snapshot.models()) {
        if (filter.model.isEmpty() || m.name == filter.model)
            models << m;
    }
    QStringList header{QStringLiteral("file_name"), QStringLiteral("original_label"), QStringLiteral("correct"),
                       QStringLiteral("wrong"),     QStringLiteral("unclear"),        QStringLiteral("problematic")};
    for (const ModelRecord &m : models) {
        for (const char *column : {"top1", "verdict", "category", "severity", "decided_by", "reviewers", "agreement"})
            header << m.name + QLatin1Char('_') + QLatin1String(column);
    }
    QTextStream text(&out);
    text.setEncoding(QStringConverter::Utf8);
    QStringList cells;
    for (const QString &h : header)
        cells << csvCell(h);
    text << cells.join(QLatin1Char(',')) << "\r\n";
    for (const ItemRecord &item : s.items) {
        progress.tick();
        const QVector<LabelJudgement> labels = s.labels.value(item.id);
        const auto problematic = s.problematic.constFind(item.id);
        cells = QStringList{item.fileName,
                            item.originalLabel >= 0 ? s.catalog.at(item.originalLabel).wnid : QString(),
                            s.wnids(labels, Judgement::Correct).join(QLatin1Char(' ')),
                            s.wnids(labels, Judgement::Wrong).join(QLatin1Char(' ')),
                            s.wnids(labels, Judgement::Unclear).join(QLatin1Char(' ')),
                            problematic != s.problematic.constEnd() ? (problematic->reason.isEmpty() ? QStringLiteral("yes") : problematic->reason)
                                                                    : QString()};
        for (const ModelRecord &m : models) {
            const int unit = s.snapshot.unitIndex(item.id, m.id);
            if (unit < 0) {
                for (int k = 0; k < 7; ++k)
                    cells << QString();
                continue;
            }
            const AuditSnapshot::Unit &u = s.snapshot.units()[std::size_t(unit)];
            const FinalState f = s.snapshot.finalState(unit);
            QStringList reviewers;
            for (const auto &[rater, review] : u.latest)
                reviewers << s.snapshot.reviewers()[rater].name;
            QString agreement;
            if (u.latest.size() >= 2) {
                // The share of agreeing reviewer pairs on the verdict.
                qint64 pairs = 0;
                qint64 agreeing = 0;
                for (int a = 0; a < u.latest.size(); ++a) {
                    for (int b = a + 1; b < u.latest.size(); ++b) {
                        ++pairs;
                        agreeing += u.latest[a].second.verdict == u.latest[b].second.verdict;
                    }
                }
                agreement = QString::number(double(agreeing) / double(pairs), 'g', 4);
            }
            cells << (u.top1 >= 0 ? s.catalog.at(u.top1).wnid : QString()) << (f.verdict ? toString(*f.verdict) : QString())
                  << (f.category ? toString(*f.category) : QString()) << (f.severity ? toString(*f.severity) : QString())
                  << (f.verdict ? toString(f.source) : QString()) << reviewers.join(QLatin1String("; ")) << agreement;
        }
        for (QString &cell : cells)
            cell = csvCell(cell);
        text << cells.join(QLatin1Char(',')) << "\r\n";
        ++report.items;
        if (problematic != s.problematic.constEnd())
            ++report.problematic;
    }
    text.flush();
    if (text.status() != QTextStream::Ok)
        throw Error(QStringLiteral("cannot write: %1").arg(OutputFile::reason(QString(), out.errorString())));
}

/**
 * The items whose final verdict is a major mistake: JSON (`imagenet_m`, the file names, and
 * `entries` with the model, category and prediction) or, for any other file name, a plain list
 * with one file name per line.
 */
void writeImagenetM(const ExportState &s, const QString &path, QIODevice &out, ExportReport &report, WriteProgress &progress)
{
    QSet<ItemId> accepted;
    for (const ItemRecord &item : s.items) {
        progress.tick();
        accepted.insert(item.id);
    }
    std::map<QString, QVector<int>> entries; // file name → units
    for (int i = 0; i < int(s.snapshot.units().size()); ++i) {
        const AuditSnapshot::Unit &u = s.snapshot.units()[std::size_t(i)];
        if (!accepted.contains(u.item))
            continue;
        const FinalState f = s.snapshot.finalState(i);
        if (f.verdict == Verdict::Wrong && f.severity == Severity::Major)
            entries[u.fileName] << i;
    }
    report.imagenetM = qint64(entries.size());
    report.items = report.imagenetM;
    if (!path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        QByteArray text;
        for (const auto &[name, units] : entries)
            text += name.toUtf8() + '\n';
        if (out.write(text) != text.size())
            throw Error(out.errorString());
        return;
    }
    JsonWriter json(out);
    json.beginObject();
    json.key(QStringLiteral("imagenet_m"));
    json.beginArray();
    for (const auto &[name, units] : entries)
        json.value(name);
    json.endArray();
    json.key(QStringLiteral("entries"));
    json.beginArray();
    for (const auto &[name, units] : entries) {
        for (const int i : units) {
            const AuditSnapshot::Unit &u = s.snapshot.units()[std::size_t(i)];
            const FinalState f = s.snapshot.finalState(i);
            json.beginObject();
            json.key(QStringLiteral("file_name"));
            json.value(name);
            json.key(QStringLiteral("model"));
            json.value(s.snapshot.modelName(u.model));
            json.key(QStringLiteral("original_label"));
            valueOrNull(json, u.originalLabel >= 0 ? std::optional(s.catalog.at(u.originalLabel).wnid) : std::nullopt);
            json.key(QStringLiteral("prediction"));
            valueOrNull(json, u.top1 >= 0 ? std::optional(s.catalog.at(u.top1).wnid) : std::nullopt);
            json.key(QStringLiteral("category"));
            valueOrNull(json, f.category ? std::optional(toString(*f.category)) : std::nullopt);
            json.key(QStringLiteral("decided_by"));
            json.value(toString(f.source));
            json.endObject();
        }
    }
    json.endArray();
    json.endObject();
}

/** What the review changed against the imported labels, item by item. */
void writeDiff(const ExportState &s, QIODevice &out, ExportReport &report, WriteProgress &progress)
{
    JsonWriter json(out);
    json.beginObject();
    json.key(QStringLiteral("items"));
    json.beginArray();
    for (const ItemRecord &item : s.items) {
        progress.tick();
        QMap<int, std::optional<Judgement>> before;
        QMap<int, std::optional<Judgement>> after;
        for (const LabelJudgement &j : s.imported.value(item.id))
            before.insert(j.classIndex, j.judgement);
        for (const LabelJudgement &j : s.labels.value(item.id))
            after.insert(j.classIndex, j.judgement);
        QList<int> classes = before.keys() + after.keys();
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
        QVector<std::tuple<int, std::optional<Judgement>, std::optional<Judgement>>> changes;
        for (const int c : classes) {
            const std::optional<Judgement> was = before.value(c);
            const std::optional<Judgement> now = after.value(c);
            if (was != now)
                changes.append({c, was, now});
        }
        const bool wasProblematic = s.importedProblematic.contains(item.id);
        const bool isProblematic = s.problematic.contains(item.id);
        if (changes.isEmpty() && wasProblematic == isProblematic)
            continue;
        ++report.changed;
        json.beginObject();
        json.key(QStringLiteral("file_name"));
        json.value(item.fileName);
        json.key(QStringLiteral("changes"));
        json.beginArray();
        for (const auto &[c, was, now] : changes) {
            json.beginObject();
            json.key(QStringLiteral("class"));
            json.value(s.catalog.at(c).wnid);
            json.key(QStringLiteral("name"));
            json.value(s.catalog.at(c).name());
            json.key(QStringLiteral("before"));
            valueOrNull(json, was ? std::optional(toString(*was)) : std::nullopt);
            json.key(QStringLiteral("after"));
            valueOrNull(json, now ? std::optional(toString(*now)) : std::nullopt);
            json.endObject();
        }
        json.endArray();
        if (wasProblematic != isProblematic) {
            json.key(QStringLiteral("problematic"));
            json.beginObject();
            json.key(QStringLiteral("before"));
            json.value(wasProblematic);
            json.key(QStringLiteral("after"));
            json.value(isProblematic);
            if (isProblematic) {
                json.key(QStringLiteral("reason"));
                json.value(s.problematic.value(item.id).reason);
            }
            json.endObject();
        }
        json.endObject();
    }
    json.endArray();
    json.key(QStringLiteral("changed"));
    json.value(report.changed);
    json.endObject();
}

} // namespace

ExportReport exportFile(const Project &project, ExportFormat format, const QString &path, const ExportFilter &filter,
                        Progress *progress)
{
    ExportReport report;
    report.format = toString(format);
    report.file = path;
    report.filter = filter.describe();

    OutputFile output(path, project.path()); // refuses the project itself, its journal, a folder, …
    progressStart(progress, QStringLiteral("Reading %1").arg(QFileInfo(project.path()).fileName()));
    std::optional<ExportState> loaded;
    try {
        progressCheck(progress);
        loaded.emplace(project, filter, progress);
        progressCheck(progress);
    } catch (const Cancelled &) {
        output.cancel();
        throw;
    }
    const ExportState &state = *loaded;
    progressStart(progress, QStringLiteral("Writing %1").arg(QFileInfo(path).fileName()), state.items.size(),
                  Progress::Unit::Items);
    WriteProgress written(progress);
    QIODevice &file = output.device();
    try {
        switch (format) {
        case ExportFormat::TfdsMultilabel:
            writeTfds(state, file, report, written);
            break;
        case ExportFormat::Real:
            writeReal(state, file, report, written);
            break;
        case ExportFormat::Csv:
            writeCsv(state, filter, file, report, written);
            break;
        case ExportFormat::ImagenetM:
            writeImagenetM(state, path, file, report, written);
            break;
        case ExportFormat::Diff:
            writeDiff(state, file, report, written);
            break;
        }
        progressCheck(progress); // the last chance: once renamed into place, the file is written
    } catch (const Cancelled &) {
        output.cancel();
        throw;
    } catch (const Error &e) {
        output.cancel();
        throw Error(QStringLiteral("%1: %2").arg(path, e.message()));
    }
    output.commit();
    return report;
}

} // namespace bagel
