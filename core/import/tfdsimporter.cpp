// TFDS `imagenet2012_multilabel` raw JSON:
// {"initial_annots": {FILE: {"correct": [wnid], "wrong": [wnid], "unclear": [wnid]}},
//  "problematic_images": {FILE: {"reason", "reviewer", "server_username", "time_marked", "time_reviewed"}},
//  "imagenet_m": [FILE, ...]}

#include "importcontext.h"
#include "importers.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/jsonreader.h"
#include "storage/store.h"

#include <QFile>

#include <algorithm>

namespace bagel {

namespace {

using Token = JsonReader::Token;

class TfdsImport
{
public:
    TfdsImport(ImportContext &context, JsonReader &reader)
        : m_ctx(context)
        , m_reader(reader)
        , m_fail([&reader](const QString &message) { reader.fail(message); })
        , m_judgements(context.store.allJudgements())
        , m_problematic(context.store.allProblematic())
    {
        for (const ItemId id : context.store.imagenetM())
            m_imagenetM.insert(id);
    }

    void run()
    {
        m_reader.expect(Token::BeginObject, "a JSON object with initial_annots, problematic_images and imagenet_m");
        for (Token t = m_reader.next(); t != Token::EndObject; t = m_reader.next()) {
            const std::string_view key = m_reader.text();
            if (key == "initial_annots")
                readAnnotations();
            else if (key == "problematic_images")
                readProblematic();
            else if (key == "imagenet_m")
                readImagenetM();
            else {
                m_ctx.skip(QStringLiteral("unknown top-level keys"), key);
                m_reader.skipValue();
            }
        }
        m_reader.expect(Token::EndOfInput, "the end of the file");
    }

private:
    /** The item of a FILE key, or 0 when it is to be skipped (its value is then skipped too). */
    ItemId itemForKey(QSet<QString> &seen, const char *section)
    {
        const std::string_view name = m_reader.text();
        if (!ImportContext::isValidationFile(name)) {
            m_ctx.skip(QStringLiteral("entries that are not ILSVRC2012_val_* images"), name);
            m_reader.skipValue();
            return 0;
        }
        const QString fileName = m_reader.qtext();
        if (seen.contains(fileName))
            m_reader.fail(QStringLiteral("%1 appears twice in %2").arg(fileName, QLatin1String(section)));
        seen.insert(fileName);
        const ItemId id = m_ctx.item(fileName, m_fail);
        if (!id)
            m_reader.skipValue();
        return id;
    }

    void readAnnotations()
    {
        m_reader.expect(Token::BeginObject, "an object of file names");
        QSet<QString> seen;
        for (Token t = m_reader.next(); t != Token::EndObject; t = m_reader.next()) {
            const ItemId id = itemForKey(seen, "initial_annots");
            if (!id)
                continue;
            QVector<LabelJudgement> labels;
            m_reader.expect(Token::BeginObject, "an object with correct, wrong and unclear lists");
            for (Token f = m_reader.next(); f != Token::EndObject; f = m_reader.next()) {
                const std::string_view field = m_reader.text();
                std::optional<Judgement> judgement;
                if (field == "correct")
                    judgement = Judgement::Correct;
                else if (field == "wrong")
                    judgement = Judgement::Wrong;
                else if (field == "unclear")
                    judgement = Judgement::Unclear;
                if (!judgement) {
                    m_ctx.skip(QStringLiteral("unknown annotation fields"), field);
                    m_reader.skipValue();
                    continue;
                }
                readClassList(*judgement, labels);
            }
            std::sort(labels.begin(), labels.end(),
                      [](const LabelJudgement &a, const LabelJudgement &b) { return a.classIndex < b.classIndex; });
            const auto existing = m_judgements.constFind(id);
            if (existing != m_judgements.constEnd() && *existing == labels) {
                m_ctx.report.same(QStringLiteral("multi-label sets"));
                continue;
            }
            if (existing == m_judgements.constEnd() && labels.isEmpty())
                continue;
            m_ctx.store.replaceJudgements(id, labels);
            if (existing != m_judgements.constEnd())
                m_ctx.report.update(QStringLiteral("multi-label sets"));
            else
                m_ctx.report.add(QStringLiteral("multi-label sets"));
            m_ctx.report.add(QStringLiteral("judgements"), labels.size());
        }
    }

    void readClassList(Judgement judgement, QVector<LabelJudgement> &labels)
    {
        m_reader.expect(Token::BeginArray, "a list of wnids");
        for (Token t = m_reader.next(); t != Token::EndArray; t = m_reader.next()) {
            if (t != Token::String)
                m_reader.fail(QStringLiteral("expected a wnid string, found %1").arg(QLatin1String(JsonReader::tokenName(t))));
            const int cls = m_ctx.catalog.indexOfWnid(m_reader.text());
            if (cls < 0) {
                m_reader.fail(QStringLiteral("unknown wnid '%1' (not one of the %2 classes)")
                                  .arg(m_reader.qtext())
                                  .arg(m_ctx.catalog.size()));
            }
            const auto it = std::find_if(labels.begin(), labels.end(),
                                         [cls](const LabelJudgement &j) { return j.classIndex == cls; });
            if (it == labels.end()) {
                labels << LabelJudgement{cls, judgement};
            } else if (it->judgement != judgement) {
                m_reader.fail(QStringLiteral("%1 is listed as both %2 and %3")
                                  .arg(m_reader.qtext(), toString(it->judgement), toString(judgement)));
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
        for (Token t = m_reader.next(); t != Token::EndObject; t = m_reader.next()) {
            const ItemId id = itemForKey(seen, "problematic_images");
            if (!id)
                continue;
            ProblematicInfo info;
            m_reader.expect(Token::BeginObject, "an object describing why the image is problematic");
            for (Token f = m_reader.next(); f != Token::EndObject; f = m_reader.next()) {
                const std::string_view field = m_reader.text();
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
                    m_ctx.skip(QStringLiteral("unknown problematic-image fields"), field);
                    m_reader.skipValue();
                }
            }
            const auto existing = m_problematic.constFind(id);
            if (existing != m_problematic.constEnd() && *existing == info) {
                m_ctx.report.same(QStringLiteral("problematic flags"));
                continue;
            }
            m_ctx.store.setProblematic(id, info);
            if (existing != m_problematic.constEnd())
                m_ctx.report.update(QStringLiteral("problematic flags"));
            else
                m_ctx.report.add(QStringLiteral("problematic flags"));
        }
    }

    void readImagenetM()
    {
        m_reader.expect(Token::BeginArray, "a list of file names");
        QSet<ItemId> seen;
        for (Token t = m_reader.next(); t != Token::EndArray; t = m_reader.next()) {
            if (t != Token::String)
                m_reader.fail(QStringLiteral("expected a file name, found %1").arg(QLatin1String(JsonReader::tokenName(t))));
            const ItemId id = m_ctx.item(m_reader.qtext(), m_fail);
            if (!id)
                continue;
            if (seen.contains(id))
                m_reader.fail(QStringLiteral("%1 appears twice in imagenet_m").arg(m_reader.qtext()));
            seen.insert(id);
            if (m_imagenetM.contains(id)) {
                m_ctx.report.same(QStringLiteral("ImageNet-M entries"));
                continue;
            }
            m_ctx.store.addToImagenetM(id);
            m_imagenetM.insert(id);
            m_ctx.report.add(QStringLiteral("ImageNet-M entries"));
        }
    }

    ImportContext &m_ctx;
    JsonReader &m_reader;
    FailAt m_fail;
    QHash<ItemId, QVector<LabelJudgement>> m_judgements;
    QHash<ItemId, ProblematicInfo> m_problematic;
    QSet<ItemId> m_imagenetM;
};

} // namespace

void importTfdsMultilabel(ImportContext &context, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
    JsonReader reader(file, path);
    TfdsImport(context, reader).run();
}

} // namespace bagel
