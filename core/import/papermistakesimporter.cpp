// The per-model mistake files released with the paper:
// {"ILSVRC2012_val_00000612.JPEG": {"top_prediction": 192, "failure category": "Fine-grained error",
//                                   "failure severity": "Minor"}, ...}
// Each entry becomes the model's top-1 prediction plus a `wrong` review by the named reviewer.

#include "importcontext.h"

#include "importers.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/utf8.h"
#include "io/inputfile.h"
#include "io/jsonreader.h"
#include "project.h"
#include "storage/store.h"
#include "storage/uid.h"

#include <QFile>
#include <QFileInfo>

#include <cmath>
#include <limits>
#include <set>
#include <tuple>

namespace bagel {

namespace {

using ReviewKey = std::tuple<ItemId, QString, QString, QString, QString>;

ReviewKey keyOf(ItemId item, const std::optional<Verdict> &verdict, const std::optional<Category> &category,
                const std::optional<Severity> &severity, const QString &note)
{
    return {item, verdict ? toString(*verdict) : QString(), category ? toString(*category) : QString(),
            severity ? toString(*severity) : QString(), note};
}

/** `vit3b` for `vit3b_mistakes.json`; empty when the name does not follow that pattern. */
QString modelFromFileName(const QString &path)
{
    const QString stem = QFileInfo(path).completeBaseName();
    const QString suffix = QStringLiteral("_mistakes");
    return stem.endsWith(suffix) && stem.size() > suffix.size() ? stem.left(stem.size() - suffix.size()) : QString();
}

} // namespace

void importPaperMistakes(ImportContext &context, const QString &path)
{
    using Token = JsonReader::Token;
    const QString model = context.options.model.isEmpty() ? modelFromFileName(path) : context.options.model;
    if (model.isEmpty())
        throw Error(QStringLiteral("%1: name the model these mistakes belong to (--model)").arg(path));
    Project::checkName(model, "model");
    Project::checkName(context.options.reviewer, "reviewer");

    QFile file;
    openInputFile(file, path);
    JsonReader reader(file, path);
    const FailAt fail = [&reader](const QString &message) { reader.fail(message); };

    // The model and the reviewer are created with the first entry that is imported, so that an
    // import that skips everything (--only-existing) adds nothing.
    ModelId modelId = 0;
    ReviewerId reviewerId = 0;
    std::set<ReviewKey> existing; // reviews this reviewer already has on this model
    const auto prepare = [&] {
        if (modelId)
            return;
        if (context.store.modelId(model, false) == 0)
            context.report.add(QStringLiteral("models"));
        modelId = context.store.modelId(model, true);
        if (context.store.reviewerId(context.options.reviewer, false) == 0)
            context.report.add(QStringLiteral("reviewers"));
        reviewerId = context.store.reviewerId(context.options.reviewer, true);
        context.store.forEachReview([&](const ReviewRecord &r) {
            if (r.reviewer == reviewerId && r.model == modelId)
                existing.insert(keyOf(r.item, r.verdict, r.category, r.severity, r.note));
        });
    };

    const QDateTime importTime = QDateTime::currentDateTimeUtc();
    QSet<QString> seen;
    reader.expect(Token::BeginObject, "an object of file names");
    ReadProgress read(context.options.progress, file);
    for (Token t = reader.next(); t != Token::EndObject; t = reader.next()) {
        read.tick();
        const QString fileName = nfc(reader.qtext());
        if (seen.contains(fileName))
            reader.fail(QStringLiteral("%1 appears twice").arg(fileName));
        seen.insert(fileName);
        const ItemId item = context.item(fileName, fail);
        if (!item) {
            reader.skipValue();
            continue;
        }

        int top1 = -1;
        QString categoryText;
        QString severityText;
        std::optional<Category> category;
        std::optional<Severity> severity;
        reader.expect(Token::BeginObject, "an object with top_prediction, failure category and failure severity");
        JsonKeySet fields;
        for (Token f = reader.next(); f != Token::EndObject; f = reader.next()) {
            fields.check(reader);
            const std::string_view field = reader.text();
            if (field == "top_prediction") {
                if (reader.next() != Token::Number)
                    reader.fail(QStringLiteral("expected a class index"));
                const qint64 index = reader.intValue();
                if (index < 0 || index >= context.catalog.size())
                    reader.fail(QStringLiteral("class index %1 is out of range 0..%2").arg(index).arg(context.catalog.size() - 1));
                top1 = int(index);
            } else if (field == "failure category" || field == "failure severity") {
                const bool isCategory = field == "failure category";
                const Token v = reader.next();
                if (v == Token::Null)
                    continue;
                if (v != Token::String)
                    reader.fail(QStringLiteral("expected a string"));
                const QString text = reader.qtext().simplified();
                if (text.isEmpty())
                    continue;
                if (isCategory) {
                    categoryText = text;
                    category = parsePaperCategory(text);
                } else {
                    severityText = text;
                    severity = parseSeverity(text);
                    if (!severity)
                        reader.fail(QStringLiteral("unknown severity '%1' (expected Major, Minor or Borderline)").arg(text));
                }
            } else {
                context.report.skip(QStringLiteral("unknown entry fields"), field);
                reader.skipValue();
            }
        }
        if (top1 < 0)
            reader.fail(QStringLiteral("%1 has no top_prediction").arg(fileName));
        prepare();

        // The model's top-1; a full top-k imported earlier is kept when it agrees.
        const QVector<ModelPrediction> predictions = context.store.predictions(item);
        const auto current = std::find_if(predictions.begin(), predictions.end(),
                                          [&](const ModelPrediction &p) { return p.model == modelId; });
        if (current == predictions.end()) {
            context.store.setPrediction(item, modelId, {ClassScore{top1, std::numeric_limits<double>::quiet_NaN()}});
            context.report.add(QStringLiteral("predictions"));
        } else if (current->topk.first().classIndex != top1) {
            const ImageNetClass &had = context.catalog.at(current->topk.first().classIndex);
            reader.fail(QStringLiteral("top_prediction %1 (%2) disagrees with the top-1 of %3 already in the project, %4 (%5)")
                            .arg(top1)
                            .arg(context.catalog.at(top1).name(), model)
                            .arg(had.index)
                            .arg(had.name()));
        } else {
            context.report.same(QStringLiteral("predictions"));
        }

        // Keep the released wording where the category mapping loses it.
        const QString note = category == Category::Other ? categoryText : QString();
        const ReviewKey key = keyOf(item, Verdict::Wrong, category, severity, note);
        if (existing.count(key)) {
            context.report.same(QStringLiteral("reviews"));
            continue;
        }
        existing.insert(key);
        ReviewRecord review;
        review.item = item;
        review.model = modelId;
        review.reviewer = reviewerId;
        review.time = importTime;
        review.verdict = Verdict::Wrong;
        review.category = category;
        review.severity = severity;
        review.note = note;
        review.source = QStringLiteral("paper-mistakes");
        // The same entry imported into two project files is one review when they are merged.
        review.uid = derivedUid("bagel-paper-mistakes",
                                {fileName, model, context.options.reviewer, category ? toString(*category) : QString(),
                                 severity ? toString(*severity) : QString(), note});
        context.store.appendReview(review);
        context.report.add(QStringLiteral("reviews"));
    }
    reader.expect(Token::EndOfInput, "the end of the file");
    read.update();
}

} // namespace bagel
