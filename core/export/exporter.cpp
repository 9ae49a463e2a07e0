#include "exporter.h"

#include "audit/audit.h"
#include "catalog/classcatalog.h"
#include "error.h"
#include "io/jsonwriter.h"
#include "project.h"

#include <QSaveFile>

#include <algorithm>

namespace bagel {

QString toString(ExportFormat format)
{
    switch (format) {
    case ExportFormat::TfdsMultilabel:
        return QStringLiteral("tfds-multilabel");
    }
    return {};
}

std::optional<ExportFormat> parseExportFormat(const QString &name)
{
    if (name == QLatin1String("tfds-multilabel"))
        return ExportFormat::TfdsMultilabel;
    return std::nullopt;
}

QStringList exportFormatNames()
{
    return {QStringLiteral("tfds-multilabel")};
}

QString ExportReport::summary() const
{
    return QStringLiteral("Exported %1 to %2: %3 items with labels, %4 problematic images, %5 ImageNet-M entries")
        .arg(format, file)
        .arg(items)
        .arg(problematic)
        .arg(imagenetM);
}

QJsonObject ExportReport::toJson() const
{
    return QJsonObject{{QStringLiteral("format"), format},
                       {QStringLiteral("file"), file},
                       {QStringLiteral("items"), items},
                       {QStringLiteral("problematic"), problematic},
                       {QStringLiteral("imagenet_m"), imagenetM}};
}

namespace {

/** TFDS `imagenet2012_multilabel` raw JSON, entries sorted by file name, lists by wnid. */
void writeTfds(const Project &project, QIODevice &out, ExportReport &report)
{
    const Store &store = project.store();
    const ClassCatalog &catalog = project.catalog();
    // The state after the review: adjudications, else the majority rule, then label edits.
    QHash<ItemId, ProblematicInfo> problematic;
    const QHash<ItemId, QVector<LabelJudgement>> labels = AuditSnapshot::load(project).finalLabels(&problematic);
    QHash<ItemId, QString> names;

    JsonWriter json(out);
    json.beginObject();
    json.key(QStringLiteral("initial_annots"));
    json.beginObject();
    store.forEachItem([&](const ItemRecord &item) {
        names.insert(item.id, item.fileName);
        const auto it = labels.constFind(item.id);
        if (it == labels.constEnd() || it->isEmpty())
            return;
        json.key(item.fileName);
        json.beginObject();
        for (const Judgement j : {Judgement::Correct, Judgement::Wrong, Judgement::Unclear}) {
            QStringList wnids;
            for (const LabelJudgement &label : *it) {
                if (label.judgement == j)
                    wnids << catalog.at(label.classIndex).wnid;
            }
            if (wnids.isEmpty())
                continue;
            wnids.sort();
            json.key(toString(j));
            json.beginArray();
            for (const QString &wnid : std::as_const(wnids))
                json.value(wnid);
            json.endArray();
        }
        json.endObject();
        ++report.items;
    });
    json.endObject();

    json.key(QStringLiteral("problematic_images"));
    json.beginObject();
    QList<ItemId> flagged = problematic.keys();
    std::sort(flagged.begin(), flagged.end(), [&](ItemId a, ItemId b) { return names.value(a) < names.value(b); });
    for (const ItemId id : std::as_const(flagged)) {
        const ProblematicInfo &info = problematic[id];
        json.key(names.value(id));
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
        ++report.problematic;
    }
    json.endObject();

    json.key(QStringLiteral("imagenet_m"));
    json.beginArray();
    for (const ItemId id : store.imagenetM()) {
        json.value(names.value(id));
        ++report.imagenetM;
    }
    json.endArray();
    json.endObject();
}

} // namespace

ExportReport exportFile(const Project &project, ExportFormat format, const QString &path)
{
    ExportReport report;
    report.format = toString(format);
    report.file = path;

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
    try {
        switch (format) {
        case ExportFormat::TfdsMultilabel:
            writeTfds(project, file, report);
            break;
        }
    } catch (const Error &e) {
        file.cancelWriting();
        throw Error(QStringLiteral("%1: %2").arg(path, e.message()));
    }
    if (!file.commit())
        throw Error(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
    return report;
}

} // namespace bagel
