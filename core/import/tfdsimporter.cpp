// TFDS `imagenet2012_multilabel` raw JSON:
// {"initial_annots": {FILE: {"correct": [wnid], "wrong": [wnid], "unclear": [wnid]}},
//  "problematic_images": {FILE: {"reason", "reviewer", "server_username", "time_marked", "time_reviewed"}},
//  "imagenet_m": [FILE, ...]}
// The released file is about 200 MB with over a million entries, most of them not validation
// images: one thread streams and checks the JSON, the other writes the validation entries.

#include "importcontext.h"
#include "importers.h"
#include "pipeline.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/utf8.h"
#include "io/inputfile.h"
#include "io/jsonreader.h"
#include "storage/store.h"

#include <QFile>

#include <algorithm>

namespace bagel {

namespace {

using Token = JsonReader::Token;

/** One validation entry of the file, parsed and checked, waiting to be written. */
/** Longest list of wnids accepted in one annotation field: ten times the number of classes. */
constexpr int kMaxListEntries = 10000;

struct TfdsRecord
{
    enum class Kind { Annotation, Problematic, ImagenetM };
    Kind kind = Kind::Annotation;
    QString fileName;
    QVector<LabelJudgement> labels; ///< Annotation: sorted by class
    ProblematicInfo problematic;    ///< Problematic
    QString where;                  ///< `file:line:column: at PATH` for errors found while writing
};

/** The parsing side: validates the whole file, passes validation entries on. */
class TfdsParser
{
public:
    TfdsParser(const ClassCatalog &catalog, JsonReader &reader, BatchSender<TfdsRecord> &sender, bool validationOnly,
               ReadProgress &read)
        : m_catalog(catalog)
        , m_reader(reader)
        , m_sender(sender)
        , m_validationOnly(validationOnly)
        , m_read(read)
    {
    }

    void run()
    {
        m_reader.expect(Token::BeginObject, "a JSON object with initial_annots, problematic_images and imagenet_m");
        JsonKeySet sections;
        for (Token t = m_reader.next(); t != Token::EndObject && !m_sender.stopped(); t = m_reader.next()) {
            sections.check(m_reader);
            const std::string_view key = m_reader.text();
            if (key == "initial_annots")
                readAnnotations();
            else if (key == "problematic_images")
                readProblematic();
            else if (key == "imagenet_m")
                readImagenetM();
            else {
                skip(QStringLiteral("unknown top-level keys"), key);
                m_reader.skipValue();
            }
        }
        if (!m_sender.stopped())
            m_reader.expect(Token::EndOfInput, "the end of the file");
    }

    /** What the parser skipped; merged into the import's report at the end. */
    ImportReport skips;

private:
    void skip(const QString &reason, std::string_view name)
    {
        skips.skip(reason, name);
    }

    QString where() const
    {
        return QStringLiteral("%1:%2:%3: at %4").arg(m_reader.sourceName()).arg(m_reader.line()).arg(m_reader.column()).arg(m_reader.path());
    }

    /** A record for the FILE key just read, or nullopt (value skipped) for other images. */
    std::optional<TfdsRecord> recordForKey(QSet<QString> &seen, TfdsRecord::Kind kind, const char *section)
    {
        m_read.tick();
        const std::string_view name = m_reader.text();
        if (m_validationOnly && !ImportContext::isValidationFile(name)) {
            skip(QStringLiteral("entries that are not ILSVRC2012_val_* images"), name);
            m_reader.skipValue();
            return std::nullopt;
        }
        TfdsRecord record;
        record.kind = kind;
        record.fileName = nfc(m_reader.qtext());
        if (seen.contains(record.fileName))
            m_reader.fail(QStringLiteral("%1 appears twice in %2").arg(record.fileName, QLatin1String(section)));
        seen.insert(record.fileName);
        record.where = where();
        return record;
    }

    void readAnnotations()
    {
        m_reader.expect(Token::BeginObject, "an object of file names");
        QSet<QString> seen;
        for (Token t = m_reader.next(); t != Token::EndObject && !m_sender.stopped(); t = m_reader.next()) {
            std::optional<TfdsRecord> record = recordForKey(seen, TfdsRecord::Kind::Annotation, "initial_annots");
            if (!record)
                continue;
            m_reader.expect(Token::BeginObject, "an object with correct, wrong and unclear lists");
            JsonKeySet fields;
            for (Token f = m_reader.next(); f != Token::EndObject; f = m_reader.next()) {
                fields.check(m_reader);
                const std::string_view field = m_reader.text();
                std::optional<Judgement> judgement;
                if (field == "correct")
                    judgement = Judgement::Correct;
                else if (field == "wrong")
                    judgement = Judgement::Wrong;
                else if (field == "unclear")
                    judgement = Judgement::Unclear;
                if (!judgement) {
                    skip(QStringLiteral("unknown annotation fields"), field);
                    m_reader.skipValue();
                    continue;
                }
                readClassList(*judgement, record->labels);
            }
            std::sort(record->labels.begin(), record->labels.end(),
                      [](const LabelJudgement &a, const LabelJudgement &b) { return a.classIndex < b.classIndex; });
            m_sender.send(std::move(*record));
        }
    }

    void readClassList(Judgement judgement, QVector<LabelJudgement> &labels)
    {
        m_reader.expect(Token::BeginArray, "a list of wnids");
        int entries = 0;
        for (Token t = m_reader.next(); t != Token::EndArray; t = m_reader.next()) {
            if (t != Token::String)
                m_reader.fail(QStringLiteral("expected a wnid string, found %1").arg(QLatin1String(JsonReader::tokenName(t))));
            const int cls = m_catalog.indexOfWnid(m_reader.text());
            if (cls < 0) {
                m_reader.fail(QStringLiteral("unknown wnid '%1' (not one of the %2 classes)")
                                  .arg(m_reader.qtext())
                                  .arg(m_catalog.size()));
            }
            const auto it = std::find_if(labels.begin(), labels.end(),
                                         [cls](const LabelJudgement &j) { return j.classIndex == cls; });
            if (it == labels.end()) {
                labels << LabelJudgement{cls, judgement};
            } else if (it->judgement != judgement) {
                m_reader.fail(QStringLiteral("%1 is listed as both %2 and %3")
                                  .arg(m_reader.qtext(), toString(it->judgement), toString(judgement)));
            }
            // A class repeated in the same list counts once; but there are only 1000 classes, so
            // a list this long is a broken file, refused before it costs time.
            if (++entries > kMaxListEntries) {
                m_reader.fail(QStringLiteral("a list of more than %1 wnids (there are %2 classes)").arg(kMaxListEntries).arg(m_catalog.size()));
            }
        }
    }

    QString readOptionalString()
    {
        const Token t = m_reader.next();
        if (t == Token::Null)
            return {};
        if (t != Token::String)
            m_reader.fail(QStringLiteral("expected a string, found %1").arg(QLatin1String(JsonReader::tokenName(t))));
        return m_reader.qtext();
    }

    void readProblematic()
    {
        m_reader.expect(Token::BeginObject, "an object of file names");
        QSet<QString> seen;
        for (Token t = m_reader.next(); t != Token::EndObject && !m_sender.stopped(); t = m_reader.next()) {
            std::optional<TfdsRecord> record = recordForKey(seen, TfdsRecord::Kind::Problematic, "problematic_images");
            if (!record)
                continue;
            ProblematicInfo &info = record->problematic;
            m_reader.expect(Token::BeginObject, "an object describing why the image is problematic");
            JsonKeySet fields;
            bool hasUsername = false;
            for (Token f = m_reader.next(); f != Token::EndObject; f = m_reader.next()) {
                fields.check(m_reader);
                const std::string_view field = m_reader.text();
                if (field == "server_username" || field == "server_user_name") {
                    if (hasUsername)
                        m_reader.fail(QStringLiteral("server_username is given twice"));
                    hasUsername = true;
                }
                if (field == "reason")
                    info.reason = readOptionalString();
                else if (field == "reviewer")
                    info.reviewer = readOptionalString();
                else if (field == "server_username" || field == "server_user_name")
                    info.serverUsername = readOptionalString();
                else if (field == "time_marked")
                    info.timeMarked = readOptionalString();
                else if (field == "time_reviewed")
                    info.timeReviewed = readOptionalString();
                else {
                    skip(QStringLiteral("unknown problematic-image fields"), field);
                    m_reader.skipValue();
                }
            }
            m_sender.send(std::move(*record));
        }
    }

    void readImagenetM()
    {
        m_reader.expect(Token::BeginArray, "a list of file names");
        QSet<QString> seen;
        for (Token t = m_reader.next(); t != Token::EndArray; t = m_reader.next()) {
            m_read.tick();
            if (t != Token::String)
                m_reader.fail(QStringLiteral("expected a file name, found %1").arg(QLatin1String(JsonReader::tokenName(t))));
            if (m_validationOnly && !ImportContext::isValidationFile(m_reader.text())) {
                skip(QStringLiteral("entries that are not ILSVRC2012_val_* images"), m_reader.text());
                continue;
            }
            TfdsRecord record;
            record.kind = TfdsRecord::Kind::ImagenetM;
            record.fileName = nfc(m_reader.qtext());
            if (seen.contains(record.fileName))
                m_reader.fail(QStringLiteral("%1 appears twice in imagenet_m").arg(record.fileName));
            seen.insert(record.fileName);
            record.where = where();
            m_sender.send(std::move(record));
        }
    }

    const ClassCatalog &m_catalog;
    JsonReader &m_reader;
    BatchSender<TfdsRecord> &m_sender;
    bool m_validationOnly;
    ReadProgress &m_read;
};

/** The writing side: compares each entry with the project and writes what changed. */
class TfdsWriter
{
public:
    explicit TfdsWriter(ImportContext &context)
        : m_ctx(context)
        , m_judgements(context.store.allJudgements())
        , m_problematic(context.store.allProblematic())
    {
        for (const ItemId id : context.store.imagenetM())
            m_imagenetM.insert(id);
    }

    void write(TfdsRecord &record)
    {
        const FailAt fail = [&record](const QString &message) { throw Error(record.where + QStringLiteral(": ") + message); };
        const ItemId id = m_ctx.item(record.fileName, fail);
        if (!id)
            return;
        switch (record.kind) {
        case TfdsRecord::Kind::Annotation:
            writeAnnotation(id, record.labels);
            break;
        case TfdsRecord::Kind::Problematic:
            writeProblematic(id, record.problematic);
            break;
        case TfdsRecord::Kind::ImagenetM:
            if (m_imagenetM.contains(id)) {
                m_ctx.report.same(QStringLiteral("ImageNet-M entries"));
            } else {
                m_ctx.store.addToImagenetM(id);
                m_imagenetM.insert(id);
                m_ctx.report.add(QStringLiteral("ImageNet-M entries"));
            }
            break;
        }
    }

private:
    void writeAnnotation(ItemId id, const QVector<LabelJudgement> &labels)
    {
        const auto existing = m_judgements.constFind(id);
        if (existing != m_judgements.constEnd() && *existing == labels) {
            m_ctx.report.same(QStringLiteral("multi-label sets"));
            return;
        }
        if (existing == m_judgements.constEnd() && labels.isEmpty())
            return;
        if (existing != m_judgements.constEnd()) {
            m_ctx.store.replaceJudgements(id, labels);
            m_ctx.report.update(QStringLiteral("multi-label sets"));
        } else {
            m_ctx.store.addJudgements(id, labels);
            m_ctx.report.add(QStringLiteral("multi-label sets"));
        }
        m_judgements.insert(id, labels);
        m_ctx.report.add(QStringLiteral("judgements"), labels.size());
    }

    void writeProblematic(ItemId id, const ProblematicInfo &info)
    {
        const auto existing = m_problematic.constFind(id);
        if (existing != m_problematic.constEnd() && *existing == info) {
            m_ctx.report.same(QStringLiteral("problematic flags"));
            return;
        }
        m_ctx.store.setProblematic(id, info);
        if (existing != m_problematic.constEnd())
            m_ctx.report.update(QStringLiteral("problematic flags"));
        else
            m_ctx.report.add(QStringLiteral("problematic flags"));
        m_problematic.insert(id, info);
    }

    ImportContext &m_ctx;
    QHash<ItemId, QVector<LabelJudgement>> m_judgements;
    QHash<ItemId, ProblematicInfo> m_problematic;
    QSet<ItemId> m_imagenetM;
};

} // namespace

void importTfdsMultilabel(ImportContext &context, const QString &path)
{
    QFile file;
    openInputFile(file, path);
    JsonReader reader(file, path);
    TfdsWriter writer(context);
    ImportReport skips;
    runPipeline<TfdsRecord>(
        [&](BatchSender<TfdsRecord> &sender) {
            ReadProgress read(context.options.progress, file);
            TfdsParser parser(context.catalog, reader, sender, context.options.validationOnly, read);
            parser.run();
            read.update();
            skips = parser.skips;
        },
        [&](TfdsRecord &record) { writer.write(record); }, context.options.progress);
    context.report.mergeSkips(skips);
}

} // namespace bagel
