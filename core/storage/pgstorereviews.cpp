// PgStore: models and their predictions, reviewers, the append-only review history, the
// leads' adjudications and the assignments.

#include "pgstore.h"

#include "error.h"
#include "io/utf8.h"
#include "pgconnection.h"
#include "progress.h"
#include "sqlitehelpers.h"
#include "sqlitestore.h"
#include "uid.h"

#include <QtNumeric>

#include <charconv>
#include <cmath>
#include <string>

namespace bagel {

using namespace sqlitehelpers;

namespace {

template<typename E>
void addOptional(PgParams &p, const std::optional<E> &value)
{
    if (value)
        p.add(toString(*value));
    else
        p.addNull();
}

/** The stored time of a review or adjudication, read as milliseconds since the epoch. */
constexpr const char *kMillis = "(extract(epoch FROM created_at) * 1000)::bigint";

QString timeText(const QDateTime &time)
{
    return toStorageTime(time.isValid() ? time : QDateTime::currentDateTimeUtc());
}

template<typename Enum>
std::optional<Enum> enumColumn(const PgResult &r, int row, int column, std::optional<Enum> (*parse)(const QString &))
{
    if (r.isNull(row, column))
        return std::nullopt;
    return parse(r.text(row, column));
}

} // namespace

ModelId PgStore::modelId(const QString &name, bool create)
{
    if (const auto it = m_modelIds.constFind(name); it != m_modelIds.constEnd())
        return *it;
    ensureConnected();
    const PgResult found = q("SELECT id FROM models WHERE name = $1", PgParams().add(name), "look up a model");
    if (found.rows())
        return m_modelIds[name] = found.int64(0, 0);
    if (!create)
        return 0;
    // Another program may add the same model meanwhile: the name is unique, so read it back.
    q("INSERT INTO models (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", PgParams().add(name), "add a model");
    return m_modelIds[name] = q("SELECT id FROM models WHERE name = $1", PgParams().add(name), "look up a model").int64(0, 0);
}

QVector<ModelRecord> PgStore::models() const
{
    ensureConnected();
    const PgResult r = q("SELECT id, name FROM models ORDER BY id", {}, "list models");
    QVector<ModelRecord> out;
    for (int i = 0; i < r.rows(); ++i)
        out << ModelRecord{r.int64(i, 0), r.text(i, 1)};
    return out;
}

bool PgStore::setPrediction(ItemId item, ModelId model, const QVector<ClassScore> &topk)
{
    if (topk.isEmpty())
        throw Error(QStringLiteral("a prediction needs at least one class"));
    std::string classes;
    std::string scores;
    char buffer[32];
    for (int i = 0; i < topk.size(); ++i) {
        if (i) {
            classes += ' ';
            scores += ' ';
        }
        classes += std::to_string(topk[i].classIndex);
        if (std::isfinite(topk[i].score)) {
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, topk[i].score);
            scores.append(buffer, ec == std::errc() ? end : buffer);
        } else {
            scores += "nan";
        }
    }
    if (m_inTransaction && ++m_bulk.direct[2] > kDirectRows) {
        // Compared with what is stored (read once per model and transaction): an unchanged
        // prediction is left alone, so that re-importing a file reports it as such.
        auto &stored = storedPredictions(model);
        const auto it = stored.constFind(item);
        if (it != stored.constEnd() && it->first == classes && it->second == scores)
            return false;
        if (m_bulk.predictionKeys.contains({item, model}))
            flushBulk(); // one row per key and COPY
        stored.insert(item, {classes, scores});
        m_bulk.predictionKeys.insert({item, model});
        std::string &out = m_bulk.predictions;
        out += std::to_string(item) + '\t' + std::to_string(model) + '\t' + std::to_string(topk[0].classIndex) + '\t';
        const auto number = [&out, &buffer](double v) {
            if (!std::isfinite(v)) {
                out += "\\N";
                return;
            }
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
            out.append(buffer, ec == std::errc() ? end : buffer);
        };
        number(topk[0].score);
        out += '\t';
        number(topk.size() > 1 ? topk[0].score - topk[1].score : std::nan(""));
        out += '\t' + classes + '\t' + scores + '\n';
        return true;
    }
    PgParams p;
    p.add(item).add(model).add(topk[0].classIndex).add(topk[0].score);
    p.add(topk.size() > 1 ? topk[0].score - topk[1].score : std::nan(""));
    p.add(std::string_view(classes)).add(std::string_view(scores));
    const PgResult r = q(
        "INSERT INTO predictions (item_id, model_id, top1, top1_score, margin, classes, scores) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (item_id, model_id) DO UPDATE SET "
        "top1 = excluded.top1, top1_score = excluded.top1_score, margin = excluded.margin, "
        "classes = excluded.classes, scores = excluded.scores "
        "WHERE predictions.classes <> excluded.classes OR predictions.scores <> excluded.scores",
        p, "set a prediction");
    return r.affected() > 0;
}

QHash<ItemId, QPair<std::string, std::string>> &PgStore::storedPredictions(ModelId model)
{
    auto it = m_predictionCache.find(model);
    if (it == m_predictionCache.end()) {
        const PgResult r = q("SELECT item_id, classes, scores FROM predictions WHERE model_id = $1", PgParams().add(model), "read predictions");
        QHash<ItemId, QPair<std::string, std::string>> stored;
        stored.reserve(r.rows());
        for (int i = 0; i < r.rows(); ++i)
            stored.insert(r.int64(i, 0), {std::string(r.utf8(i, 1)), std::string(r.utf8(i, 2))});
        it = m_predictionCache.insert(model, std::move(stored));
    }
    return *it;
}

QVector<ModelPrediction> PgStore::predictions(ItemId item) const
{
    ensureConnected();
    const PgResult r = q("SELECT model_id, classes, scores FROM predictions WHERE item_id = $1 ORDER BY model_id",
                                  PgParams().add(item), "read predictions");
    QVector<ModelPrediction> out;
    for (int i = 0; i < r.rows(); ++i) {
        ModelPrediction p;
        p.model = r.int64(i, 0);
        const QVector<int> classList = storedClasses(r.text(i, 1), location(), "predictions.classes");
        const QString scores = r.text(i, 2);
        const auto scoreParts = QStringView(scores).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (qsizetype c = 0; c < classList.size(); ++c)
            p.topk << ClassScore{classList[c], parseScore(c < scoreParts.size() ? scoreParts[c] : QStringView())};
        out << p;
    }
    return out;
}

qint64 PgStore::predictionCount(ModelId model) const
{
    ensureConnected();
    return q("SELECT COUNT(*) FROM predictions WHERE model_id = $1", PgParams().add(model), "count predictions").int64(0, 0);
}

QVector<PredictionSummary> PgStore::predictionSummaries(ModelId model) const
{
    ensureConnected();
    const PgResult r = q("SELECT item_id, top1, top1_score, margin FROM predictions WHERE model_id = $1", PgParams().add(model),
                                  "read predictions");
    QVector<PredictionSummary> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        out << PredictionSummary{r.int64(i, 0), storedClass(r.int64(i, 1), location(), "predictions.top1"), r.real(i, 2), r.real(i, 3)};
    return out;
}

QHash<ModelId, QHash<ItemId, int>> PgStore::allTop1() const
{
    ensureConnected();
    const PgResult r = q("SELECT model_id, item_id, top1 FROM predictions ORDER BY model_id", {}, "read predictions");
    QHash<ModelId, QHash<ItemId, int>> out;
    for (const ModelRecord &m : models())
        out[m.id];
    ModelId current = -1;
    QHash<ItemId, int> *tops = nullptr;
    for (int i = 0; i < r.rows(); ++i) {
        const ModelId model = r.int64(i, 0);
        if (model != current) {
            current = model;
            tops = &out[model];
        }
        tops->insert(r.int64(i, 1), storedClass(r.int64(i, 2), location(), "predictions.top1"));
    }
    return out;
}

ReviewerId PgStore::reviewerId(const QString &name, bool create)
{
    const QString composed = nfc(name);
    if (const auto it = m_reviewerIds.constFind(composed); it != m_reviewerIds.constEnd())
        return *it;
    ensureConnected();
    const PgResult found = q("SELECT id FROM reviewers WHERE name = $1", PgParams().add(composed), "look up a reviewer");
    if (found.rows())
        return m_reviewerIds[composed] = found.int64(0, 0);
    if (!create)
        return 0;
    q("INSERT INTO reviewers (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", PgParams().add(composed), "add a reviewer");
    return m_reviewerIds[composed] = q("SELECT id FROM reviewers WHERE name = $1", PgParams().add(composed), "look up a reviewer").int64(0, 0);
}

QVector<ReviewerRecord> PgStore::reviewers() const
{
    ensureConnected();
    const PgResult r = q("SELECT id, name FROM reviewers ORDER BY id", {}, "list reviewers");
    QVector<ReviewerRecord> out;
    for (int i = 0; i < r.rows(); ++i)
        out << ReviewerRecord{r.int64(i, 0), r.text(i, 1)};
    return out;
}

ReviewId PgStore::appendReview(const ReviewRecord &review)
{
    if (m_inTransaction && ++m_bulk.direct[3] > kDirectRows) {
        const ReviewId id = reserveId("reviews", m_reviewIds);
        std::string &out = m_bulk.reviews;
        const auto text = [&out](const QString &value) {
            const QByteArray utf8 = value.toUtf8();
            PgParams().add(std::string_view(utf8.constData(), std::size_t(utf8.size()))); // refuses NUL
            appendCopyText(out, std::string_view(utf8.constData(), std::size_t(utf8.size())));
        };
        const auto null = [&out] { out += "\\N"; };
        const auto id64 = [&out, &null](qint64 v) {
            if (v)
                out += std::to_string(v);
            else
                null();
        };
        const auto word = [&out, &null](const auto &value) {
            if (value)
                out += toString(*value).toStdString();
            else
                null();
        };
        out += std::to_string(id) + '\t';
        text(review.uid.isEmpty() ? newUid() : review.uid);
        out += '\t' + std::to_string(review.item) + '\t';
        id64(review.model);
        out += '\t' + std::to_string(review.reviewer) + '\t';
        text(timeText(review.time));
        out += '\t';
        word(review.verdict);
        out += '\t';
        word(review.category);
        out += '\t';
        word(review.spuriousKind);
        out += '\t';
        word(review.severity);
        out += '\t';
        text(nonNull(review.note));
        out += '\t';
        text(review.source.isEmpty() ? QStringLiteral("bagel") : review.source);
        out += '\t';
        id64(review.retracts);
        out += '\t';
        if (review.oovWnid.isEmpty())
            null();
        else
            text(review.oovWnid);
        out += '\n';
        for (const LabelChange &change : review.labelChanges)
            m_bulk.reviewLabels += std::to_string(id) + '\t' + std::to_string(change.classIndex) + '\t' + toString(change.edit).toStdString() + '\n';
        return id;
    }
    PgParams p;
    p.add(review.uid.isEmpty() ? newUid() : review.uid).add(review.item).addId(review.model).add(review.reviewer).add(timeText(review.time));
    addOptional(p, review.verdict);
    addOptional(p, review.category);
    addOptional(p, review.spuriousKind);
    addOptional(p, review.severity);
    p.add(nonNull(review.note)).add(review.source.isEmpty() ? QStringLiteral("bagel") : review.source).addId(review.retracts).addText(review.oovWnid);
    if (!review.labelChanges.isEmpty()) {
        QStringList classes;
        QStringList edits;
        for (const LabelChange &change : review.labelChanges) {
            classes << QString::number(change.classIndex);
            edits << toString(change.edit);
        }
        p.add(QLatin1Char('{') + classes.join(QLatin1Char(',')) + QLatin1Char('}'));
        p.add(QLatin1Char('{') + edits.join(QLatin1Char(',')) + QLatin1Char('}'));
        // The review and its label edits in one statement: one round trip for a verdict.
        return q("WITH r AS (INSERT INTO reviews (uid, item_id, model_id, reviewer_id, created_at, verdict, category, "
                   "spurious_kind, severity, note, source, retracts, oov_wnid) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id), "
                   "l AS (INSERT INTO review_labels (review_id, class_index, edit) "
                   "SELECT r.id, c, e FROM r, unnest($14::int[], $15::text[]) AS t(c, e)) "
                   "SELECT id FROM r",
                   p, "record a review")
            .int64(0, 0);
    }
    return q("INSERT INTO reviews (uid, item_id, model_id, reviewer_id, created_at, verdict, category, spurious_kind, "
               "severity, note, source, retracts, oov_wnid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
               "RETURNING id",
               p, "record a review")
        .int64(0, 0);
}

QVector<ReviewRecord> PgStore::readReviews(const char *where, const PgParams &params) const
{
    ensureConnected();
    const std::string select = std::string("SELECT id, item_id, COALESCE(model_id, 0), reviewer_id, ") + kMillis
        + ", verdict, category, spurious_kind, severity, note, source, COALESCE(retracts, 0), oov_wnid, uid FROM reviews " + where
        + " ORDER BY id";
    const PgResult r = q(select, params, "read reviews");
    QVector<ReviewRecord> out;
    out.reserve(r.rows());
    QHash<ReviewId, qsizetype> position;
    for (int i = 0; i < r.rows(); ++i) {
        ReviewRecord rec;
        rec.id = r.int64(i, 0);
        rec.item = r.int64(i, 1);
        rec.model = r.int64(i, 2);
        rec.reviewer = r.int64(i, 3);
        rec.time = QDateTime::fromMSecsSinceEpoch(r.int64(i, 4), Qt::UTC);
        rec.verdict = enumColumn<Verdict>(r, i, 5, parseVerdict);
        rec.category = enumColumn<Category>(r, i, 6, parseCategory);
        rec.spuriousKind = enumColumn<SpuriousKind>(r, i, 7, parseSpuriousKind);
        rec.severity = enumColumn<Severity>(r, i, 8, parseSeverity);
        rec.note = r.text(i, 9);
        rec.source = r.text(i, 10);
        rec.retracts = r.int64(i, 11);
        rec.oovWnid = r.isNull(i, 12) ? QString() : r.text(i, 12);
        rec.uid = r.text(i, 13);
        position.insert(rec.id, out.size());
        out << rec;
    }
    if (out.isEmpty())
        return out;
    const std::string labels = std::string("SELECT l.review_id, l.class_index, l.edit FROM review_labels l WHERE l.review_id IN "
                                           "(SELECT id FROM reviews ")
        + where + ") ORDER BY l.review_id, l.class_index";
    const PgResult l = q(labels, params, "read label edits");
    for (int i = 0; i < l.rows(); ++i) {
        const auto it = position.constFind(l.int64(i, 0));
        if (it == position.constEnd())
            continue;
        if (const auto edit = parseLabelEdit(l.text(i, 2)))
            out[*it].labelChanges << LabelChange{storedClass(l.int64(i, 1), location(), "review_labels.class_index"), *edit};
    }
    return out;
}

std::optional<ReviewRecord> PgStore::review(ReviewId id) const
{
    const QVector<ReviewRecord> found = readReviews("WHERE id = $1", PgParams().add(id));
    return found.isEmpty() ? std::nullopt : std::optional(found.first());
}

QVector<ReviewRecord> PgStore::reviews(ItemId item) const
{
    return readReviews("WHERE item_id = $1", PgParams().add(item));
}

void PgStore::forEachReview(const std::function<void(const ReviewRecord &)> &visit) const
{
    for (const ReviewRecord &r : allReviews())
        visit(r);
}

QVector<ReviewRecord> PgStore::allReviews() const
{
    return readReviews("", {});
}

ReviewRows PgStore::reviewRows(Progress *progress) const
{
    ensureConnected();
    // The four vocabulary words as one number made by the server, as SqliteStore reads them.
    auto code = [](const char *column, const QStringList &names, int shift) {
        std::string sql = "((CASE ";
        sql += column;
        for (qsizetype i = 0; i < names.size(); ++i)
            sql += " WHEN '" + names[i].toStdString() + "' THEN " + std::to_string(i + 1);
        return sql + " ELSE 0 END) << " + std::to_string(shift) + ")";
    };
    static const std::string sql = std::string("SELECT id, item_id, COALESCE(model_id, 0), reviewer_id, ") + kMillis + ", "
        + code("verdict", verdictNames(), 0) + " | " + code("category", categoryNames(), 4) + " | "
        + code("spurious_kind", spuriousKindNames(), 8) + " | " + code("severity", severityNames(), 12)
        + ", source, COALESCE(retracts, 0), note <> '' OR oov_wnid IS NOT NULL, note, oov_wnid FROM reviews ORDER BY id";
    progressStart(progress, QStringLiteral("Reading the reviews"), 0, Progress::Unit::Rows);
    const PgResult r = q(sql, {}, "read reviews");
    progressCheck(progress);
    ReviewRows out;
    out.rows.reserve(r.rows());
    if (progress)
        progress->setTotal(r.rows());
    QHash<QString, qint32> sources;
    const auto word = [](qint64 codes, int shift) { return qint8(((codes >> shift) & 0xf) - 1); };
    for (int i = 0; i < r.rows(); ++i) {
        if (progress && (i & 0x1fff) == 0) {
            progress->setDone(i);
            progress->check();
        }
        ReviewRow &row = out.rows.emplace_back();
        row.id = r.int64(i, 0);
        row.item = r.int64(i, 1);
        row.model = r.int64(i, 2);
        row.reviewer = r.int64(i, 3);
        row.time = r.int64(i, 4);
        const qint64 codes = r.int64(i, 5);
        row.verdict = word(codes, 0);
        row.category = word(codes, 4);
        row.spuriousKind = word(codes, 8);
        row.severity = word(codes, 12);
        const QString source = r.text(i, 6);
        auto it = sources.constFind(source);
        if (it == sources.constEnd()) {
            it = sources.insert(source, qint32(out.sources.size()));
            out.sources.append(source);
        }
        row.source = *it;
        row.retracts = r.int64(i, 7);
        if (r.boolean(i, 8)) {
            row.detail = qint32(out.details.size());
            out.details.append(ReviewRows::Detail{r.text(i, 9), r.isNull(i, 10) ? QString() : r.text(i, 10), {}});
        }
    }
    if (progress)
        progress->setDone(r.rows());
    const PgResult l = q("SELECT review_id, class_index, edit FROM review_labels ORDER BY review_id, class_index", {},
                                  "read label edits");
    qsizetype at = 0;
    for (int i = 0; i < l.rows(); ++i) {
        const ReviewId id = l.int64(i, 0);
        while (at < out.rows.size() && out.rows[at].id < id)
            ++at;
        if (at == out.rows.size() || out.rows[at].id != id)
            continue;
        const auto edit = parseLabelEdit(l.text(i, 2));
        if (!edit)
            continue;
        ReviewRow &row = out.rows[at];
        if (row.detail < 0) {
            row.detail = qint32(out.details.size());
            out.details.append(ReviewRows::Detail{});
        }
        out.details[row.detail].labelChanges << LabelChange{storedClass(l.int64(i, 1), location(), "review_labels.class_index"), *edit};
    }
    progressCheck(progress);
    return out;
}

ReviewId PgStore::reviewIdByUid(const QString &uid) const
{
    ensureConnected();
    const PgResult r = q("SELECT id FROM reviews WHERE uid = $1", PgParams().add(uid), "look up a review");
    return r.rows() ? r.int64(0, 0) : 0;
}

QHash<QString, ReviewId> PgStore::reviewUids() const
{
    ensureConnected();
    const PgResult r = q("SELECT uid, id FROM reviews", {}, "read review uids");
    QHash<QString, ReviewId> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.text(i, 0), r.int64(i, 1));
    return out;
}

qint64 PgStore::appendAdjudication(const AdjudicationRecord &a)
{
    PgParams p;
    p.add(a.uid.isEmpty() ? newUid() : a.uid).add(a.item).addId(a.model).add(a.lead).add(timeText(a.time));
    addOptional(p, a.verdict);
    addOptional(p, a.category);
    addOptional(p, a.severity);
    p.add(a.gold).add(nonNull(a.reason));
    return q("INSERT INTO adjudications (uid, item_id, model_id, lead_id, created_at, verdict, category, severity, gold, reason) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
               p, "record an adjudication")
        .int64(0, 0);
}

namespace {

const std::string kAdjudicationColumns = std::string("SELECT id, uid, item_id, COALESCE(model_id, 0), lead_id, ") + kMillis
    + ", verdict, category, severity, gold, reason FROM adjudications ";

AdjudicationRecord adjudicationFromRow(const PgResult &r, int i)
{
    AdjudicationRecord a;
    a.id = r.int64(i, 0);
    a.uid = r.text(i, 1);
    a.item = r.int64(i, 2);
    a.model = r.int64(i, 3);
    a.lead = r.int64(i, 4);
    a.time = QDateTime::fromMSecsSinceEpoch(r.int64(i, 5), Qt::UTC);
    a.verdict = enumColumn<Verdict>(r, i, 6, parseVerdict);
    a.category = enumColumn<Category>(r, i, 7, parseCategory);
    a.severity = enumColumn<Severity>(r, i, 8, parseSeverity);
    a.gold = r.boolean(i, 9);
    a.reason = r.text(i, 10);
    return a;
}

} // namespace

QVector<AdjudicationRecord> PgStore::adjudications(ItemId item) const
{
    ensureConnected();
    const PgResult r = q(kAdjudicationColumns + "WHERE item_id = $1 ORDER BY id", PgParams().add(item), "read adjudications");
    QVector<AdjudicationRecord> out;
    for (int i = 0; i < r.rows(); ++i)
        out << adjudicationFromRow(r, i);
    return out;
}

void PgStore::forEachAdjudication(const std::function<void(const AdjudicationRecord &)> &visit) const
{
    ensureConnected();
    const PgResult r = q(kAdjudicationColumns + "ORDER BY id", {}, "read adjudications");
    for (int i = 0; i < r.rows(); ++i)
        visit(adjudicationFromRow(r, i));
}

QSet<QString> PgStore::adjudicationUids() const
{
    ensureConnected();
    const PgResult r = q("SELECT uid FROM adjudications", {}, "read adjudication uids");
    QSet<QString> out;
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.text(i, 0));
    return out;
}

void PgStore::replaceAssignments(ModelId model, const QVector<AssignmentRecord> &assignments)
{
    q("DELETE FROM assignments WHERE model_id = $1", PgParams().add(model), "replace assignments");
    if (assignments.isEmpty())
        return;
    std::string data;
    data.reserve(std::size_t(assignments.size()) * 24);
    for (const AssignmentRecord &a : assignments) {
        if (a.model != model)
            throw Error(QStringLiteral("%1: an assignment names another model than the one replaced").arg(location()));
        data += std::to_string(a.item);
        data += '\t';
        data += std::to_string(a.model);
        data += '\t';
        data += std::to_string(a.reviewer);
        data += '\n';
    }
    m_db->copyIn("COPY assignments (item_id, model_id, reviewer_id) FROM STDIN", data, "write assignments");
}

QVector<AssignmentRecord> PgStore::assignments() const
{
    ensureConnected();
    const PgResult r = q("SELECT item_id, model_id, reviewer_id FROM assignments ORDER BY model_id, item_id, reviewer_id", {},
                                  "read assignments");
    QVector<AssignmentRecord> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        out << AssignmentRecord{r.int64(i, 0), r.int64(i, 1), r.int64(i, 2)};
    return out;
}

} // namespace bagel
