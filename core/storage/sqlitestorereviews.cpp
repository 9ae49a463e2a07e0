// SqliteStore: models and their predictions, reviewers and the append-only review history.

#include "sqlitestore.h"

#include "error.h"
#include "io/utf8.h"
#include "progress.h"
#include "sqlitehelpers.h"
#include "sqlitestatement.h"
#include "uid.h"

#include <QSqlError>
#include <QtNumeric>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <unordered_map>

namespace bagel {

using namespace sqlitehelpers;

namespace {

template<typename Enum, typename Parse>
std::optional<Enum> parseColumn(const QVariant &value, Parse parse)
{
    if (value.isNull())
        return std::nullopt;
    return parse(value.toString());
}

template<typename T>
void appendNumber(std::string &out, T value)
{
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc() ? end : buffer);
}

template<typename E>
void bindOptional(SqliteStatement &q, int index, const std::optional<E> &value)
{
    if (value)
        q.bind(index, toString(*value));
    else
        q.bindNull(index);
}

} // namespace

ModelId SqliteStore::modelId(const QString &name, bool create)
{
    SqliteStatement &q = native("SELECT id FROM models WHERE name = ?");
    q.bind(1, name);
    const ModelId found = q.step() ? q.int64(0) : 0;
    q.reset();
    if (found || !create)
        return found;
    SqliteStatement &ins = native("INSERT INTO models (name, added_at) VALUES (?, ?)");
    ins.bind(1, name);
    ins.bind(2, now());
    ins.run();
    return ins.lastInsertId();
}

QVector<ModelRecord> SqliteStore::models() const
{
    QVector<ModelRecord> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, name FROM models ORDER BY id")))
        fail(q, QStringLiteral("list models"));
    while (q.next())
        out << ModelRecord{q.value(0).toLongLong(), q.value(1).toString()};
    return out;
}

bool SqliteStore::setPrediction(ItemId item, ModelId model, const QVector<ClassScore> &topk)
{
    if (topk.isEmpty())
        throw Error(QStringLiteral("a prediction needs at least one class"));
    std::string classes;
    std::string scores;
    for (int i = 0; i < topk.size(); ++i) {
        if (i) {
            classes += ' ';
            scores += ' ';
        }
        appendNumber(classes, topk[i].classIndex);
        if (std::isfinite(topk[i].score))
            appendNumber(scores, topk[i].score); // shortest text that reads back as the same double
        else
            scores += "nan";
    }
    // An unchanged prediction is left alone, so that re-importing a file reports it as such.
    SqliteStatement &q = native(
        "INSERT INTO predictions (item_id, model_id, top1, top1_score, margin, classes, scores) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id, model_id) DO UPDATE SET "
        "top1 = excluded.top1, top1_score = excluded.top1_score, margin = excluded.margin, "
        "classes = excluded.classes, scores = excluded.scores "
        "WHERE predictions.classes <> excluded.classes OR predictions.scores <> excluded.scores");
    q.bind(1, item);
    q.bind(2, model);
    q.bind(3, qint64(topk[0].classIndex));
    q.bind(4, topk[0].score);
    q.bind(5, topk.size() > 1 ? topk[0].score - topk[1].score : std::nan(""));
    q.bind(6, classes);
    q.bind(7, scores);
    q.run();
    return q.changes() > 0;
}

QVector<ModelPrediction> SqliteStore::predictions(ItemId item) const
{
    SqliteStatement &q = native("SELECT model_id, classes, scores FROM predictions WHERE item_id = ? ORDER BY model_id");
    q.bind(1, item);
    QVector<ModelPrediction> out;
    while (q.step()) {
        ModelPrediction p;
        p.model = q.int64(0);
        const QString classes = q.text(1);
        const QString scores = q.text(2);
        const QVector<int> classList = storedClasses(classes, m_path, "predictions.classes");
        const auto scoreParts = QStringView(scores).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (qsizetype i = 0; i < classList.size(); ++i)
            p.topk << ClassScore{classList[i], parseScore(i < scoreParts.size() ? scoreParts[i] : QStringView())};
        out << p;
    }
    q.reset();
    return out;
}

QVector<PredictionSummary> SqliteStore::predictionSummaries(ModelId model) const
{
    QVector<PredictionSummary> out;
    SqliteStatement &q = native("SELECT item_id, top1, top1_score, margin FROM predictions WHERE model_id = ?");
    q.bind(1, model);
    while (q.step()) {
        out << PredictionSummary{q.int64(0), storedClass(q.int64(1), m_path, "predictions.top1"), q.isNull(2) ? qQNaN() : q.real(2),
                                 q.isNull(3) ? qQNaN() : q.real(3)};
    }
    q.reset();
    return out;
}

QHash<ModelId, QHash<ItemId, int>> SqliteStore::allTop1() const
{
    const ScanCache scan(*this);
    QHash<ModelId, QHash<ItemId, int>> out;
    const qint64 rows = countRows("SELECT COUNT(*) FROM predictions");
    const QVector<ModelRecord> all = models();
    for (const ModelRecord &m : all)
        out[m.id].reserve(qsizetype(rows / std::max<qsizetype>(1, all.size())));
    SqliteStatement &q = native("SELECT model_id, item_id, top1 FROM predictions");
    ModelId current = -1;
    QHash<ItemId, int> *tops = nullptr;
    while (q.step()) {
        const ModelId model = q.int64(0);
        if (model != current) {
            current = model;
            tops = &out[model];
        }
        tops->insert(q.int64(1), storedClass(q.int64(2), m_path, "predictions.top1"));
    }
    q.reset();
    return out;
}

qint64 SqliteStore::predictionCount(ModelId model) const
{
    SqliteStatement &q = native("SELECT COUNT(*) FROM predictions WHERE model_id = ?");
    q.bind(1, model);
    const qint64 n = q.step() ? q.int64(0) : 0;
    q.reset();
    return n;
}

ReviewerId SqliteStore::reviewerId(const QString &name, bool create)
{
    // A name is one reviewer in every Unicode spelling ("José" typed with a combining accent is
    // "José"): stored in NFC, looked up in NFC. A project written before names were normalised
    // may hold a name in another form: when the NFC spelling is not stored, each stored name
    // is compared in NFC, the oldest first.
    const QString composed = nfc(name);
    SqliteStatement &q = native("SELECT id FROM reviewers WHERE name = ?");
    q.bind(1, composed);
    ReviewerId found = q.step() ? q.int64(0) : 0;
    q.reset();
    if (!found) {
        SqliteStatement &all = native("SELECT id, name FROM reviewers ORDER BY id"); // a few rows
        while (!found && all.step()) {
            if (nfc(all.text(1)) == composed)
                found = all.int64(0);
        }
        all.reset();
    }
    if (found || !create)
        return found;
    SqliteStatement &ins = native("INSERT INTO reviewers (name, added_at) VALUES (?, ?)");
    ins.bind(1, composed);
    ins.bind(2, now());
    ins.run();
    return ins.lastInsertId();
}

QVector<ReviewerRecord> SqliteStore::reviewers() const
{
    QVector<ReviewerRecord> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, name FROM reviewers ORDER BY id")))
        fail(q, QStringLiteral("list reviewers"));
    while (q.next())
        out << ReviewerRecord{q.value(0).toLongLong(), q.value(1).toString()};
    return out;
}

ReviewId SqliteStore::appendReview(const ReviewRecord &review)
{
    SqliteStatement &q = native(
        "INSERT INTO reviews (item_id, model_id, reviewer_id, created_at, verdict, category, spurious_kind, "
        "severity, note, source, retracts, oov_wnid, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, review.item);
    if (review.model)
        q.bind(2, review.model);
    else
        q.bindNull(2);
    q.bind(3, review.reviewer);
    q.bind(4, toStorageTime(review.time.isValid() ? review.time : QDateTime::currentDateTimeUtc()));
    bindOptional(q, 5, review.verdict);
    bindOptional(q, 6, review.category);
    bindOptional(q, 7, review.spuriousKind);
    bindOptional(q, 8, review.severity);
    q.bind(9, nonNull(review.note));
    q.bind(10, review.source.isEmpty() ? QStringLiteral("bagel") : review.source);
    if (review.retracts)
        q.bind(11, review.retracts);
    else
        q.bindNull(11);
    if (review.oovWnid.isEmpty())
        q.bindNull(12);
    else
        q.bind(12, review.oovWnid);
    q.bind(13, review.uid.isEmpty() ? newUid() : review.uid);
    q.run();
    const ReviewId id = q.lastInsertId();

    SqliteStatement &labels = native("INSERT INTO review_labels (review_id, class_index, edit) VALUES (?, ?, ?)");
    for (const LabelChange &change : review.labelChanges) {
        labels.bind(1, id);
        labels.bind(2, qint64(change.classIndex));
        labels.bind(3, toString(change.edit));
        labels.run();
    }
    return id;
}

QVector<ReviewRecord> SqliteStore::readReviews(QSqlQuery &q, QSqlQuery &labels) const
{
    QVector<ReviewRecord> out;
    QHash<ReviewId, qsizetype> position;
    while (q.next()) {
        ReviewRecord r;
        r.id = q.value(0).toLongLong();
        r.item = q.value(1).toLongLong();
        r.model = q.value(2).isNull() ? 0 : q.value(2).toLongLong();
        r.reviewer = q.value(3).toLongLong();
        r.time = fromStorageTime(q.value(4).toString());
        r.verdict = parseColumn<Verdict>(q.value(5), parseVerdict);
        r.category = parseColumn<Category>(q.value(6), parseCategory);
        r.spuriousKind = parseColumn<SpuriousKind>(q.value(7), parseSpuriousKind);
        r.severity = parseColumn<Severity>(q.value(8), parseSeverity);
        r.note = q.value(9).toString();
        r.source = q.value(10).toString();
        r.retracts = q.value(11).isNull() ? 0 : q.value(11).toLongLong();
        r.oovWnid = q.value(12).toString();
        r.uid = q.value(13).toString();
        position.insert(r.id, out.size());
        out << r;
    }
    while (labels.next()) {
        const auto it = position.constFind(labels.value(0).toLongLong());
        if (it == position.constEnd())
            continue;
        if (const auto edit = parseLabelEdit(labels.value(2).toString()))
            out[*it].labelChanges << LabelChange{storedClass(labels.value(1).toLongLong(), m_path, "review_labels.class_index"), *edit};
    }
    return out;
}

std::optional<ReviewRecord> SqliteStore::review(ReviewId id) const
{
    QSqlQuery &q = prepared("SELECT id, item_id, model_id, reviewer_id, created_at, verdict, category, "
                            "spurious_kind, severity, note, source, retracts, oov_wnid, uid FROM reviews WHERE id = ?");
    q.bindValue(0, id);
    execPrepared(q, QStringLiteral("read review"));
    QSqlQuery &labels = prepared("SELECT review_id, class_index, edit FROM review_labels WHERE review_id = ? "
                                 "ORDER BY class_index");
    labels.bindValue(0, id);
    execPrepared(labels, QStringLiteral("read label edits"));
    const QVector<ReviewRecord> found = readReviews(q, labels);
    q.finish();
    labels.finish();
    return found.isEmpty() ? std::nullopt : std::optional(found.first());
}

QVector<ReviewRecord> SqliteStore::reviews(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT id, item_id, model_id, reviewer_id, created_at, verdict, category, "
                            "spurious_kind, severity, note, source, retracts, oov_wnid, uid FROM reviews WHERE item_id = ? ORDER BY id");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("read reviews"));
    QSqlQuery &labels = prepared("SELECT l.review_id, l.class_index, l.edit FROM review_labels l "
                                 "JOIN reviews r ON r.id = l.review_id WHERE r.item_id = ? "
                                 "ORDER BY l.review_id, l.class_index");
    labels.bindValue(0, item);
    execPrepared(labels, QStringLiteral("read label edits"));
    QVector<ReviewRecord> out = readReviews(q, labels);
    q.finish();
    labels.finish();
    return out;
}

namespace {

/** The enum whose canonical name is \a text (as stored), from a name table in enum order. */
template<typename Enum>
std::optional<Enum> storedEnum(std::string_view text, const QStringList &names)
{
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (text.size() == std::size_t(names[i].size()) && QLatin1String(text.data(), qsizetype(text.size())) == names[i])
            return Enum(i);
    }
    return std::nullopt;
}

} // namespace

void SqliteStore::forEachReview(const std::function<void(const ReviewRecord &)> &visit) const
{
    for (const ReviewRecord &r : allReviews())
        visit(r);
}

namespace {

/** Strings with a handful of distinct values (a review's source): one QString each, found by their bytes. */
class SharedStrings
{
public:
    explicit SharedStrings(QVector<QString> *strings)
        : m_strings(strings)
    {
    }
    qsizetype index(std::string_view utf8)
    {
        if (m_last >= 0 && m_lastBytes == utf8)
            return m_last;
        std::string key(utf8);
        auto it = m_index.find(key);
        if (it == m_index.end()) {
            it = m_index.emplace(key, m_strings->size()).first;
            m_strings->append(QString::fromUtf8(utf8.data(), qsizetype(utf8.size())));
        }
        m_last = it->second;
        m_lastBytes = std::move(key);
        return m_last;
    }

private:
    QVector<QString> *m_strings;
    std::unordered_map<std::string, qsizetype> m_index;
    qsizetype m_last = -1;
    std::string m_lastBytes;
};

/** Adds the label edits of review_labels to reviews in id order, calling \a add(position, change). */
template<typename Add>
void readLabelEdits(SqliteStatement &labels, qsizetype count, const std::function<ReviewId(qsizetype)> &idAt, const QString &path, Add add)
{
    qsizetype at = 0;
    while (labels.step()) {
        const ReviewId id = labels.int64(0);
        while (at < count && idAt(at) < id)
            ++at;
        if (at == count || idAt(at) != id)
            continue;
        if (const auto edit = parseLabelEdit(labels.text(2)))
            add(at, LabelChange{storedClass(labels.int64(1), path, "review_labels.class_index"), *edit});
    }
    labels.reset();
}

} // namespace

QVector<ReviewRecord> SqliteStore::allReviews() const
{
    static const QStringList verdicts = verdictNames();
    static const QStringList categories = categoryNames();
    static const QStringList kinds = spuriousKindNames();
    static const QStringList severities = severityNames();
    const ScanCache scan(*this);
    QVector<ReviewRecord> all;
    all.reserve(qsizetype(countRows("SELECT COUNT(*) FROM reviews")));
    SqliteStatement &q = native("SELECT id, item_id, model_id, reviewer_id, created_at, verdict, category, "
                                "spurious_kind, severity, note, source, retracts, oov_wnid, uid FROM reviews ORDER BY id");
    QVector<QString> sourceNames;
    SharedStrings sources(&sourceNames);
    while (q.step()) {
        ReviewRecord &r = all.emplace_back();
        r.id = q.int64(0);
        r.item = q.int64(1);
        r.model = q.isNull(2) ? 0 : q.int64(2);
        r.reviewer = q.int64(3);
        r.time = fromStorageTime(q.utf8(4));
        if (!q.isNull(5))
            r.verdict = storedEnum<Verdict>(q.utf8(5), verdicts);
        if (!q.isNull(6))
            r.category = storedEnum<Category>(q.utf8(6), categories);
        if (!q.isNull(7))
            r.spuriousKind = storedEnum<SpuriousKind>(q.utf8(7), kinds);
        if (!q.isNull(8))
            r.severity = storedEnum<Severity>(q.utf8(8), severities);
        if (!q.utf8(9).empty())
            r.note = q.text(9);
        r.source = sourceNames[sources.index(q.utf8(10))];
        r.retracts = q.isNull(11) ? 0 : q.int64(11);
        if (!q.isNull(12))
            r.oovWnid = q.text(12);
        r.uid = q.text(13);
    }
    q.reset();
    // Both lists are in review id order: walk them together.
    readLabelEdits(native("SELECT review_id, class_index, edit FROM review_labels ORDER BY review_id, class_index"), all.size(),
                   [&all](qsizetype i) { return all[i].id; }, m_path,
                   [&all](qsizetype i, const LabelChange &change) { all[i].labelChanges << change; });
    return all;
}

namespace {

/** `((CASE column WHEN 'name0' THEN 1 … ELSE 0 END) << shift)`: a stored word as its index + 1. */
std::string enumCode(const char *column, const QStringList &names, int shift)
{
    std::string sql = "((CASE ";
    sql += column;
    for (qsizetype i = 0; i < names.size(); ++i) {
        Q_ASSERT(!names[i].contains(QLatin1Char('\'')));
        sql += " WHEN '" + names[i].toStdString() + "' THEN " + std::to_string(i + 1);
    }
    sql += " ELSE 0 END) << " + std::to_string(shift) + ")"; // <<, & and | have one precedence in SQL
    return sql;
}

} // namespace

ReviewRows SqliteStore::reviewRows(Progress *progress) const
{
    // On the native handle, in one pass, into rows of plain numbers: the audit reads every
    // review of a project, 250,000 for 50,000 units × 5 reviewers. QSqlQuery's per-value cost,
    // then a QString per row and value, then the size of a full record each, dominated that.
    // Each column read costs a call into SQLite (and its connection mutex): the four
    // vocabulary words come as one number made by the statement, and the note and true
    // object are read only where the statement says there is one.
    static const std::string sql = "SELECT id, item_id, model_id, reviewer_id, created_at, "
                                   + enumCode("verdict", verdictNames(), 0) + " | " + enumCode("category", categoryNames(), 4)
                                   + " | " + enumCode("spurious_kind", spuriousKindNames(), 8) + " | "
                                   + enumCode("severity", severityNames(), 12)
                                   + ", source, retracts, note <> '' OR oov_wnid IS NOT NULL, note, oov_wnid "
                                     "FROM reviews ORDER BY id";
    const ScanCache scan(*this);
    ReviewRows out;
    // Review ids are dense (an append-only table): the largest is the count, found without
    // reading the whole of an index as COUNT(*) does.
    const qint64 count = countRows("SELECT COALESCE(MAX(id), 0) FROM reviews");
    progressStart(progress, QStringLiteral("Reading the reviews"), count, Progress::Unit::Rows);
    out.rows.reserve(qsizetype(std::clamp<qint64>(count, 0, qint64(1) << 20))); // a damaged file may hold any id
    SqliteStatement &q = native(sql.c_str());
    SharedStrings sources(&out.sources);
    // The statement stays prepared for the next read: reset it however the loop ends.
    struct Reset
    {
        SqliteStatement &q;
        ~Reset() { q.reset(); }
    } reset{q};
    const auto word = [](qint64 codes, int shift) { return qint8(((codes >> shift) & 0xf) - 1); };
    while (q.step()) {
        if (progress && (out.rows.size() & 0x1fff) == 0) {
            progress->setDone(out.rows.size());
            progress->check();
        }
        ReviewRow &r = out.rows.emplace_back();
        r.id = q.int64(0);
        r.item = q.int64(1);
        r.model = q.int64(2); // NULL reads as 0: the image alone
        r.reviewer = q.int64(3);
        const QDateTime time = fromStorageTime(q.utf8(4));
        r.time = time.isValid() ? time.toMSecsSinceEpoch() : ReviewRow::kNoTime;
        const qint64 codes = q.int64(5);
        r.verdict = word(codes, 0);
        r.category = word(codes, 4);
        r.spuriousKind = word(codes, 8);
        r.severity = word(codes, 12);
        r.source = qint32(sources.index(q.utf8(6)));
        r.retracts = q.int64(7); // NULL reads as 0: retracts nothing
        if (q.int64(8)) {
            r.detail = qint32(out.details.size());
            out.details.append(ReviewRows::Detail{q.utf8(9).empty() ? QString() : q.text(9), q.isNull(10) ? QString() : q.text(10), {}});
        }
    }
    q.reset();
    if (progress) {
        progress->setTotal(out.rows.size());
        progress->setDone(out.rows.size());
    }
    readLabelEdits(native("SELECT review_id, class_index, edit FROM review_labels ORDER BY review_id, class_index"),
                   out.rows.size(), [&out](qsizetype i) { return out.rows[i].id; }, m_path, [&out](qsizetype i, const LabelChange &change) {
                       ReviewRow &r = out.rows[i];
                       if (r.detail < 0) {
                           r.detail = qint32(out.details.size());
                           out.details.append(ReviewRows::Detail{});
                       }
                       out.details[r.detail].labelChanges << change;
                   });
    progressCheck(progress);
    return out;
}

ReviewRecord ReviewRows::record(const ReviewRow &row) const
{
    ReviewRecord r;
    r.id = row.id;
    r.item = row.item;
    r.model = row.model;
    r.reviewer = row.reviewer;
    if (row.time != ReviewRow::kNoTime)
        r.time = QDateTime::fromMSecsSinceEpoch(row.time, Qt::UTC);
    if (row.verdict >= 0)
        r.verdict = Verdict(row.verdict);
    if (row.category >= 0)
        r.category = Category(row.category);
    if (row.spuriousKind >= 0)
        r.spuriousKind = SpuriousKind(row.spuriousKind);
    if (row.severity >= 0)
        r.severity = Severity(row.severity);
    r.source = sources.value(row.source);
    r.retracts = row.retracts;
    if (row.detail >= 0) {
        const Detail &d = details[row.detail];
        r.note = d.note;
        r.oovWnid = d.oovWnid;
        r.labelChanges = d.labelChanges;
    }
    return r;
}

void ReviewRows::append(const ReviewRecord &r)
{
    ReviewRow &row = rows.emplace_back();
    row.id = r.id;
    row.item = r.item;
    row.model = r.model;
    row.reviewer = r.reviewer;
    row.time = r.time.isValid() ? r.time.toMSecsSinceEpoch() : ReviewRow::kNoTime;
    row.retracts = r.retracts;
    row.verdict = r.verdict ? qint8(*r.verdict) : qint8(-1);
    row.category = r.category ? qint8(*r.category) : qint8(-1);
    row.spuriousKind = r.spuriousKind ? qint8(*r.spuriousKind) : qint8(-1);
    row.severity = r.severity ? qint8(*r.severity) : qint8(-1);
    qsizetype source = sources.indexOf(r.source);
    if (source < 0) {
        source = sources.size();
        sources.append(r.source);
    }
    row.source = qint32(source);
    if (!r.note.isEmpty() || !r.oovWnid.isEmpty() || !r.labelChanges.isEmpty()) {
        row.detail = qint32(details.size());
        details.append(Detail{r.note, r.oovWnid, r.labelChanges});
    }
}

ReviewId SqliteStore::reviewIdByUid(const QString &uid) const
{
    SqliteStatement &q = native("SELECT id FROM reviews WHERE uid = ?");
    q.bind(1, uid);
    const ReviewId id = q.step() ? q.int64(0) : 0;
    q.reset();
    return id;
}

QHash<QString, ReviewId> SqliteStore::reviewUids() const
{
    QHash<QString, ReviewId> out;
    SqliteStatement &q = native("SELECT uid, id FROM reviews");
    while (q.step())
        out.insert(q.text(0), q.int64(1));
    q.reset();
    return out;
}

qint64 SqliteStore::appendAdjudication(const AdjudicationRecord &a)
{
    SqliteStatement &q = native(
        "INSERT INTO adjudications (uid, item_id, model_id, lead_id, created_at, verdict, category, severity, gold, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, a.uid.isEmpty() ? newUid() : a.uid);
    q.bind(2, a.item);
    if (a.model)
        q.bind(3, a.model);
    else
        q.bindNull(3);
    q.bind(4, a.lead);
    q.bind(5, toStorageTime(a.time.isValid() ? a.time : QDateTime::currentDateTimeUtc()));
    bindOptional(q, 6, a.verdict);
    bindOptional(q, 7, a.category);
    bindOptional(q, 8, a.severity);
    q.bind(9, qint64(a.gold ? 1 : 0));
    q.bind(10, nonNull(a.reason));
    q.run();
    return q.lastInsertId();
}

namespace {

AdjudicationRecord readAdjudication(SqliteStatement &q)
{
    AdjudicationRecord a;
    a.id = q.int64(0);
    a.uid = q.text(1);
    a.item = q.int64(2);
    a.model = q.isNull(3) ? 0 : q.int64(3);
    a.lead = q.int64(4);
    a.time = fromStorageTime(q.text(5));
    if (!q.isNull(6))
        a.verdict = parseVerdict(q.text(6));
    if (!q.isNull(7))
        a.category = parseCategory(q.text(7));
    if (!q.isNull(8))
        a.severity = parseSeverity(q.text(8));
    a.gold = q.int64(9) != 0;
    a.reason = q.text(10);
    return a;
}

} // namespace

QVector<AdjudicationRecord> SqliteStore::adjudications(ItemId item) const
{
    SqliteStatement &q = native("SELECT id, uid, item_id, model_id, lead_id, created_at, verdict, category, severity, "
                                "gold, reason FROM adjudications WHERE item_id = ? ORDER BY id");
    q.bind(1, item);
    QVector<AdjudicationRecord> out;
    while (q.step())
        out << readAdjudication(q);
    q.reset();
    return out;
}

void SqliteStore::forEachAdjudication(const std::function<void(const AdjudicationRecord &)> &visit) const
{
    SqliteStatement &q = native("SELECT id, uid, item_id, model_id, lead_id, created_at, verdict, category, severity, "
                                "gold, reason FROM adjudications ORDER BY id");
    QVector<AdjudicationRecord> all;
    while (q.step())
        all << readAdjudication(q);
    q.reset();
    for (const AdjudicationRecord &a : all)
        visit(a);
}

QSet<QString> SqliteStore::adjudicationUids() const
{
    QSet<QString> out;
    SqliteStatement &q = native("SELECT uid FROM adjudications");
    while (q.step())
        out.insert(q.text(0));
    q.reset();
    return out;
}

void SqliteStore::replaceAssignments(ModelId model, const QVector<AssignmentRecord> &assignments)
{
    SqliteStatement &remove = native("DELETE FROM assignments WHERE model_id = ?");
    remove.bind(1, model);
    remove.run();
    SqliteStatement &insert = native("INSERT INTO assignments (item_id, model_id, reviewer_id, assigned_at) VALUES (?, ?, ?, ?)");
    const QString time = now();
    for (const AssignmentRecord &a : assignments) {
        if (a.model != model)
            throw Error(QStringLiteral("%1: an assignment of model %2 given with those of model %3").arg(m_path).arg(a.model).arg(model));
        insert.bind(1, a.item);
        insert.bind(2, a.model);
        insert.bind(3, a.reviewer);
        insert.bind(4, time);
        insert.run();
    }
}

QVector<AssignmentRecord> SqliteStore::assignments() const
{
    SqliteStatement &q = native("SELECT item_id, model_id, reviewer_id FROM assignments ORDER BY model_id, item_id, reviewer_id");
    QVector<AssignmentRecord> out;
    while (q.step())
        out.append(AssignmentRecord{q.int64(0), q.int64(1), q.int64(2)});
    q.reset();
    return out;
}

} // namespace bagel
