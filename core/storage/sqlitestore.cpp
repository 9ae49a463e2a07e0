#include "sqlitestore.h"

#include "error.h"
#include "sqliteschema.h"

#include <QAtomicInteger>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlRecord>
#include <QtEndian>
#include <QtNumeric>

#include <cmath>

#include <spdlog/spdlog.h>

namespace bagel {

namespace {

QAtomicInteger<quint64> s_connectionCounter;

QString joinInts(const QVector<int> &values)
{
    QString out;
    out.reserve(values.size() * 4);
    for (int i = 0; i < values.size(); ++i) {
        if (i)
            out += QLatin1Char(' ');
        out += QString::number(values[i]);
    }
    return out;
}

QVector<int> splitInts(const QString &text)
{
    QVector<int> out;
    for (const QStringView part : QStringView(text).split(QLatin1Char(' '), Qt::SkipEmptyParts))
        out << part.toInt();
    return out;
}

/** Qt Sql binds a null QString as SQL NULL; NOT NULL text columns want '' instead. */
QString nonNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

double parseScore(QStringView text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    return ok ? v : qQNaN();
}

QString nowForStorage()
{
    return toStorageTime(QDateTime::currentDateTimeUtc());
}

QVariant nullableText(const std::optional<QString> &text)
{
    return text ? QVariant(*text) : QVariant(QMetaType(QMetaType::QString));
}

template<typename Enum, typename Parse>
std::optional<Enum> parseColumn(const QVariant &value, Parse parse)
{
    if (value.isNull())
        return std::nullopt;
    return parse(value.toString());
}

} // namespace

QString toStorageTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromStorageTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t.toUTC();
}

// ---------------------------------------------------------------------------------------------
// Opening

void SqliteStore::checkFileHeader(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        throw Error(QStringLiteral("%1: no such project file").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray header = file.read(100);
    if (header.isEmpty())
        throw Error(QStringLiteral("%1: the file is empty, not a Bagel project").arg(path));
    if (header.size() < 100 || !header.startsWith(QByteArrayLiteral("SQLite format 3\0")))
        throw Error(QStringLiteral("%1: not a Bagel project (not an SQLite database, or truncated)").arg(path));
    const quint32 applicationId = qFromBigEndian<quint32>(header.constData() + 68);
    if (applicationId != quint32(sqliteschema::kApplicationId))
        throw Error(QStringLiteral("%1: an SQLite database, but not a Bagel project").arg(path));
}

SqliteStore::SqliteStore(const QString &path, bool readOnly)
    : m_path(path)
    , m_connectionName(QStringLiteral("bagel-%1").arg(++s_connectionCounter))
    , m_readOnly(readOnly)
{
}

SqliteStore::~SqliteStore()
{
    m_statements.clear();
    if (m_db.isOpen())
        m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<SqliteStore> SqliteStore::create(const QString &path)
{
    if (QFileInfo::exists(path))
        throw Error(QStringLiteral("%1: already exists; open it instead of creating it").arg(path));
    std::unique_ptr<SqliteStore> store(new SqliteStore(path, false));
    try {
        store->connect(true);
        // Identify the file before switching to WAL, so that the id lands in the main file's
        // header at once and checkFileHeader() recognises it even after a crash.
        store->exec(QStringLiteral("PRAGMA application_id = %1").arg(sqliteschema::kApplicationId));
        store->exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        Transaction tx(*store);
        sqliteschema::migrate(store->m_db, 0, sqliteschema::kCurrentVersion);
        store->setMeta(QStringLiteral("created_at"), nowForStorage());
        store->setMeta(QStringLiteral("created_by"), QStringLiteral("Bagel " BAGEL_VERSION));
        tx.commit();
    } catch (...) {
        store.reset();
        QFile::remove(path);
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        throw;
    }
    store->m_openedVersion = sqliteschema::kCurrentVersion;
    spdlog::info("created project {}", path.toStdString());
    return store;
}

std::unique_ptr<SqliteStore> SqliteStore::open(const QString &path, bool readOnly)
{
    checkFileHeader(path);
    std::unique_ptr<SqliteStore> store(new SqliteStore(path, readOnly));
    store->connect(false);
    store->migrateIfNeeded();
    return store;
}

void SqliteStore::connect(bool create)
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000");
    if (m_readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    m_db.setConnectOptions(options);
    if (!m_db.open())
        throw Error(QStringLiteral("%1: cannot open: %2").arg(m_path, m_db.lastError().text()));

    exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    // FULL: a commit has reached the disk when it returns, so nothing shown as saved is lost
    // even on power failure. Verdicts are single small transactions; imports commit once.
    exec(QStringLiteral("PRAGMA synchronous = FULL"));
    if (!create && !m_readOnly)
        exec(QStringLiteral("PRAGMA journal_mode = WAL"));
}

void SqliteStore::migrateIfNeeded()
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")) || !query.next())
        throw Error(QStringLiteral("%1: not a Bagel project (no schema version)").arg(m_path));
    bool ok = false;
    m_openedVersion = query.value(0).toString().toInt(&ok);
    query.finish();
    if (!ok || m_openedVersion < 1)
        throw Error(QStringLiteral("%1: damaged project (schema version '%2')").arg(m_path, query.value(0).toString()));
    if (m_openedVersion > sqliteschema::kCurrentVersion) {
        throw Error(QStringLiteral("%1: written by a newer Bagel (schema version %2; this build reads up to %3). "
                                   "The file was not changed.")
                        .arg(m_path)
                        .arg(m_openedVersion)
                        .arg(sqliteschema::kCurrentVersion));
    }
    if (m_openedVersion == sqliteschema::kCurrentVersion)
        return;
    if (m_readOnly) {
        throw Error(QStringLiteral("%1: uses schema version %2 and must be upgraded to %3, "
                                   "but it is opened read-only")
                        .arg(m_path)
                        .arg(m_openedVersion)
                        .arg(sqliteschema::kCurrentVersion));
    }

    QString backup = QStringLiteral("%1.schema-v%2.bak").arg(m_path).arg(m_openedVersion);
    for (int n = 2; QFileInfo::exists(backup); ++n)
        backup = QStringLiteral("%1.schema-v%2.%3.bak").arg(m_path).arg(m_openedVersion).arg(n);
    QSqlQuery vacuum(m_db);
    vacuum.prepare(QStringLiteral("VACUUM INTO ?"));
    vacuum.addBindValue(backup);
    if (!vacuum.exec())
        throw Error(QStringLiteral("%1: cannot back up before upgrading: %2").arg(m_path, vacuum.lastError().text()));
    m_backupPath = backup;

    Transaction tx(*this);
    sqliteschema::migrate(m_db, m_openedVersion, sqliteschema::kCurrentVersion);
    tx.commit();
    spdlog::info("migrated {} from schema {} to {} (backup {})", m_path.toStdString(), m_openedVersion,
                 sqliteschema::kCurrentVersion, backup.toStdString());
}

// ---------------------------------------------------------------------------------------------
// Statement helpers

void SqliteStore::exec(const QString &sql) const
{
    QSqlQuery query(m_db);
    if (!query.exec(sql))
        fail(query, sql);
}

QSqlQuery &SqliteStore::prepared(const char *sql) const
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        if (!query.prepare(QString::fromUtf8(sql)))
            fail(query, QString::fromUtf8(sql));
        it = m_statements.emplace(sql, std::move(query)).first;
    }
    return it->second;
}

void SqliteStore::fail(const QSqlQuery &query, const QString &what) const
{
    throw Error(QStringLiteral("%1: database error (%2): %3").arg(m_path, what, query.lastError().text()));
}

void SqliteStore::execPrepared(QSqlQuery &query, const QString &what) const
{
    if (!query.exec())
        fail(query, what);
}

qint64 SqliteStore::countRows(const char *sql) const
{
    QSqlQuery &q = prepared(sql);
    execPrepared(q, QStringLiteral("count"));
    const qint64 n = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return n;
}

void SqliteStore::begin()
{
    if (m_readOnly)
        throw Error(QStringLiteral("%1 is open read-only").arg(m_path));
    // IMMEDIATE takes the write lock up front, so two writers wait on the busy timeout
    // instead of failing half-way through with SQLITE_BUSY.
    exec(QStringLiteral("BEGIN IMMEDIATE"));
}

void SqliteStore::commit()
{
    for (auto &[sql, query] : m_statements)
        query.finish();
    exec(QStringLiteral("COMMIT"));
}

void SqliteStore::rollback()
{
    for (auto &[sql, query] : m_statements)
        query.finish();
    exec(QStringLiteral("ROLLBACK"));
}

// ---------------------------------------------------------------------------------------------
// Meta

QString SqliteStore::meta(const QString &key) const
{
    QSqlQuery &q = prepared("SELECT value FROM meta WHERE key = ?");
    q.bindValue(0, key);
    execPrepared(q, QStringLiteral("read setting"));
    const QString value = q.next() ? q.value(0).toString() : QString();
    q.finish();
    return value;
}

void SqliteStore::setMeta(const QString &key, const QString &value)
{
    QSqlQuery &q = prepared("INSERT INTO meta (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    q.bindValue(0, key);
    q.bindValue(1, nonNull(value));
    execPrepared(q, QStringLiteral("write setting %1").arg(key));
}

// ---------------------------------------------------------------------------------------------
// Items

QHash<QString, ItemKey> SqliteStore::itemIndex() const
{
    QHash<QString, ItemKey> index;
    QSqlQuery &q = prepared("SELECT id, file_name, original_label, image_path FROM items");
    execPrepared(q, QStringLiteral("list items"));
    while (q.next()) {
        const QVariant label = q.value(2);
        index.insert(q.value(1).toString(),
                     ItemKey{q.value(0).toLongLong(), label.isNull() ? -1 : label.toInt(), q.value(3).toString()});
    }
    q.finish();
    return index;
}

ItemId SqliteStore::addItem(const ItemRecord &item)
{
    QSqlQuery &q = prepared("INSERT INTO items (file_name, image_path, original_label, added_at) VALUES (?, ?, ?, ?)");
    q.bindValue(0, item.fileName);
    q.bindValue(1, nonNull(item.imagePath));
    q.bindValue(2, item.originalLabel >= 0 ? QVariant(item.originalLabel) : QVariant(QMetaType(QMetaType::Int)));
    q.bindValue(3, nowForStorage());
    execPrepared(q, QStringLiteral("add item %1").arg(item.fileName));
    return q.lastInsertId().toLongLong();
}

void SqliteStore::setOriginalLabel(ItemId item, int classIndex)
{
    QSqlQuery &q = prepared("UPDATE items SET original_label = ? WHERE id = ?");
    q.bindValue(0, classIndex >= 0 ? QVariant(classIndex) : QVariant(QMetaType(QMetaType::Int)));
    q.bindValue(1, item);
    execPrepared(q, QStringLiteral("set original label"));
}

void SqliteStore::setImagePath(ItemId item, const QString &imagePath)
{
    QSqlQuery &q = prepared("UPDATE items SET image_path = ? WHERE id = ?");
    q.bindValue(0, imagePath);
    q.bindValue(1, item);
    execPrepared(q, QStringLiteral("set image path"));
}

namespace {
ItemRecord itemFromRow(const QSqlQuery &q)
{
    ItemRecord r;
    r.id = q.value(0).toLongLong();
    r.fileName = q.value(1).toString();
    r.imagePath = q.value(2).toString();
    r.originalLabel = q.value(3).isNull() ? -1 : q.value(3).toInt();
    return r;
}
} // namespace

std::optional<ItemRecord> SqliteStore::item(ItemId id) const
{
    QSqlQuery &q = prepared("SELECT id, file_name, image_path, original_label FROM items WHERE id = ?");
    q.bindValue(0, id);
    execPrepared(q, QStringLiteral("read item"));
    std::optional<ItemRecord> r;
    if (q.next())
        r = itemFromRow(q);
    q.finish();
    return r;
}

std::optional<ItemRecord> SqliteStore::itemByFileName(const QString &fileName) const
{
    QSqlQuery &q = prepared("SELECT id, file_name, image_path, original_label FROM items WHERE file_name = ?");
    q.bindValue(0, fileName);
    execPrepared(q, QStringLiteral("read item"));
    std::optional<ItemRecord> r;
    if (q.next())
        r = itemFromRow(q);
    q.finish();
    return r;
}

void SqliteStore::forEachItem(const std::function<void(const ItemRecord &)> &visit) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, file_name, image_path, original_label FROM items ORDER BY file_name")))
        fail(q, QStringLiteral("list items"));
    while (q.next())
        visit(itemFromRow(q));
}

// ---------------------------------------------------------------------------------------------
// Judgements, problematic images, ImageNet-M, ReaL

QVector<LabelJudgement> SqliteStore::judgements(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT class_index, judgement FROM judgements WHERE item_id = ? ORDER BY class_index");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("read judgements"));
    QVector<LabelJudgement> out;
    while (q.next())
        out << LabelJudgement{q.value(0).toInt(), parseJudgement(q.value(1).toString()).value_or(Judgement::Unclear)};
    q.finish();
    return out;
}

void SqliteStore::replaceJudgements(ItemId item, const QVector<LabelJudgement> &judgements)
{
    QSqlQuery &del = prepared("DELETE FROM judgements WHERE item_id = ?");
    del.bindValue(0, item);
    execPrepared(del, QStringLiteral("clear judgements"));
    QSqlQuery &ins = prepared("INSERT INTO judgements (item_id, class_index, judgement) VALUES (?, ?, ?)");
    for (const LabelJudgement &j : judgements) {
        ins.bindValue(0, item);
        ins.bindValue(1, j.classIndex);
        ins.bindValue(2, toString(j.judgement));
        execPrepared(ins, QStringLiteral("add judgement"));
    }
}

QHash<ItemId, QVector<LabelJudgement>> SqliteStore::allJudgements() const
{
    QHash<ItemId, QVector<LabelJudgement>> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT item_id, class_index, judgement FROM judgements ORDER BY item_id, class_index")))
        fail(q, QStringLiteral("read judgements"));
    while (q.next()) {
        out[q.value(0).toLongLong()] << LabelJudgement{
            q.value(1).toInt(), parseJudgement(q.value(2).toString()).value_or(Judgement::Unclear)};
    }
    return out;
}

namespace {
ProblematicInfo problematicFromRow(const QSqlQuery &q, int first)
{
    return ProblematicInfo{q.value(first).toString(), q.value(first + 1).toString(), q.value(first + 2).toString(),
                           q.value(first + 3).toString(), q.value(first + 4).toString()};
}
} // namespace

std::optional<ProblematicInfo> SqliteStore::problematic(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT reason, reviewer, server_username, time_marked, time_reviewed "
                            "FROM problematic WHERE item_id = ?");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("read problematic flag"));
    std::optional<ProblematicInfo> r;
    if (q.next())
        r = problematicFromRow(q, 0);
    q.finish();
    return r;
}

void SqliteStore::setProblematic(ItemId item, const ProblematicInfo &info)
{
    QSqlQuery &q = prepared(
        "INSERT INTO problematic (item_id, reason, reviewer, server_username, time_marked, time_reviewed) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET reason = excluded.reason, "
        "reviewer = excluded.reviewer, server_username = excluded.server_username, "
        "time_marked = excluded.time_marked, time_reviewed = excluded.time_reviewed");
    q.bindValue(0, item);
    q.bindValue(1, nonNull(info.reason));
    q.bindValue(2, nonNull(info.reviewer));
    q.bindValue(3, nonNull(info.serverUsername));
    q.bindValue(4, nonNull(info.timeMarked));
    q.bindValue(5, nonNull(info.timeReviewed));
    execPrepared(q, QStringLiteral("flag problematic image"));
}

QHash<ItemId, ProblematicInfo> SqliteStore::allProblematic() const
{
    QHash<ItemId, ProblematicInfo> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral(
            "SELECT item_id, reason, reviewer, server_username, time_marked, time_reviewed FROM problematic")))
        fail(q, QStringLiteral("read problematic flags"));
    while (q.next())
        out.insert(q.value(0).toLongLong(), problematicFromRow(q, 1));
    return out;
}

bool SqliteStore::inImagenetM(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT 1 FROM imagenet_m WHERE item_id = ?");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("read ImageNet-M"));
    const bool found = q.next();
    q.finish();
    return found;
}

void SqliteStore::addToImagenetM(ItemId item)
{
    QSqlQuery &q = prepared("INSERT INTO imagenet_m (item_id) VALUES (?) ON CONFLICT (item_id) DO NOTHING");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("add to ImageNet-M"));
}

QVector<ItemId> SqliteStore::imagenetM() const
{
    QVector<ItemId> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral(
            "SELECT m.item_id FROM imagenet_m m JOIN items i ON i.id = m.item_id ORDER BY i.file_name")))
        fail(q, QStringLiteral("read ImageNet-M"));
    while (q.next())
        out << q.value(0).toLongLong();
    return out;
}

std::optional<QVector<int>> SqliteStore::realLabels(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT classes FROM real_labels WHERE item_id = ?");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("read ReaL labels"));
    std::optional<QVector<int>> r;
    if (q.next())
        r = splitInts(q.value(0).toString());
    q.finish();
    return r;
}

void SqliteStore::setRealLabels(ItemId item, const QVector<int> &classes)
{
    QSqlQuery &q = prepared("INSERT INTO real_labels (item_id, classes) VALUES (?, ?) "
                            "ON CONFLICT (item_id) DO UPDATE SET classes = excluded.classes");
    q.bindValue(0, item);
    q.bindValue(1, joinInts(classes));
    execPrepared(q, QStringLiteral("write ReaL labels"));
}

// ---------------------------------------------------------------------------------------------
// Models and predictions

ModelId SqliteStore::modelId(const QString &name, bool create)
{
    QSqlQuery &q = prepared("SELECT id FROM models WHERE name = ?");
    q.bindValue(0, name);
    execPrepared(q, QStringLiteral("find model"));
    if (q.next()) {
        const ModelId id = q.value(0).toLongLong();
        q.finish();
        return id;
    }
    q.finish();
    if (!create)
        return 0;
    QSqlQuery &ins = prepared("INSERT INTO models (name, added_at) VALUES (?, ?)");
    ins.bindValue(0, name);
    ins.bindValue(1, nowForStorage());
    execPrepared(ins, QStringLiteral("add model %1").arg(name));
    return ins.lastInsertId().toLongLong();
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
    QString classes;
    QString scores;
    for (int i = 0; i < topk.size(); ++i) {
        if (i) {
            classes += QLatin1Char(' ');
            scores += QLatin1Char(' ');
        }
        classes += QString::number(topk[i].classIndex);
        scores += std::isfinite(topk[i].score) ? QString::number(topk[i].score, 'g', QLocale::FloatingPointShortest)
                                               : QStringLiteral("nan");
    }
    const auto nullable = [](double v) { return std::isfinite(v) ? QVariant(v) : QVariant(QMetaType(QMetaType::Double)); };
    const QVariant margin = nullable(topk.size() > 1 ? topk[0].score - topk[1].score : qQNaN());
    // An unchanged prediction is left alone, so that re-importing a file reports it as such.
    QSqlQuery &q = prepared(
        "INSERT INTO predictions (item_id, model_id, top1, top1_score, margin, classes, scores) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id, model_id) DO UPDATE SET "
        "top1 = excluded.top1, top1_score = excluded.top1_score, margin = excluded.margin, "
        "classes = excluded.classes, scores = excluded.scores "
        "WHERE predictions.classes <> excluded.classes OR predictions.scores <> excluded.scores");
    q.bindValue(0, item);
    q.bindValue(1, model);
    q.bindValue(2, topk[0].classIndex);
    q.bindValue(3, nullable(topk[0].score));
    q.bindValue(4, margin);
    q.bindValue(5, classes);
    q.bindValue(6, scores);
    execPrepared(q, QStringLiteral("write prediction"));
    return q.numRowsAffected() > 0;
}

QVector<ModelPrediction> SqliteStore::predictions(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT model_id, classes, scores FROM predictions WHERE item_id = ? ORDER BY model_id");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("read predictions"));
    QVector<ModelPrediction> out;
    while (q.next()) {
        ModelPrediction p;
        p.model = q.value(0).toLongLong();
        const QString classes = q.value(1).toString();
        const QString scores = q.value(2).toString();
        const auto classParts = QStringView(classes).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        const auto scoreParts = QStringView(scores).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (qsizetype i = 0; i < classParts.size(); ++i)
            p.topk << ClassScore{classParts[i].toInt(), parseScore(i < scoreParts.size() ? scoreParts[i] : QStringView())};
        out << p;
    }
    q.finish();
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reviewers and reviews

ReviewerId SqliteStore::reviewerId(const QString &name, bool create)
{
    QSqlQuery &q = prepared("SELECT id FROM reviewers WHERE name = ?");
    q.bindValue(0, name);
    execPrepared(q, QStringLiteral("find reviewer"));
    if (q.next()) {
        const ReviewerId id = q.value(0).toLongLong();
        q.finish();
        return id;
    }
    q.finish();
    if (!create)
        return 0;
    QSqlQuery &ins = prepared("INSERT INTO reviewers (name, added_at) VALUES (?, ?)");
    ins.bindValue(0, name);
    ins.bindValue(1, nowForStorage());
    execPrepared(ins, QStringLiteral("add reviewer %1").arg(name));
    return ins.lastInsertId().toLongLong();
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
    QSqlQuery &q = prepared(
        "INSERT INTO reviews (item_id, model_id, reviewer_id, created_at, verdict, category, spurious_kind, "
        "severity, note, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bindValue(0, review.item);
    q.bindValue(1, review.model ? QVariant(review.model) : QVariant(QMetaType(QMetaType::LongLong)));
    q.bindValue(2, review.reviewer);
    q.bindValue(3, toStorageTime(review.time.isValid() ? review.time : QDateTime::currentDateTimeUtc()));
    q.bindValue(4, nullableText(review.verdict ? std::optional(toString(*review.verdict)) : std::nullopt));
    q.bindValue(5, nullableText(review.category ? std::optional(toString(*review.category)) : std::nullopt));
    q.bindValue(6, nullableText(review.spuriousKind ? std::optional(toString(*review.spuriousKind)) : std::nullopt));
    q.bindValue(7, nullableText(review.severity ? std::optional(toString(*review.severity)) : std::nullopt));
    q.bindValue(8, nonNull(review.note));
    q.bindValue(9, review.source.isEmpty() ? QStringLiteral("bagel") : review.source);
    execPrepared(q, QStringLiteral("record review"));
    const ReviewId id = q.lastInsertId().toLongLong();

    QSqlQuery &labels = prepared("INSERT INTO review_labels (review_id, class_index, edit) VALUES (?, ?, ?)");
    for (const LabelChange &change : review.labelChanges) {
        labels.bindValue(0, id);
        labels.bindValue(1, change.classIndex);
        labels.bindValue(2, toString(change.edit));
        execPrepared(labels, QStringLiteral("record label edit"));
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
        position.insert(r.id, out.size());
        out << r;
    }
    while (labels.next()) {
        const auto it = position.constFind(labels.value(0).toLongLong());
        if (it == position.constEnd())
            continue;
        if (const auto edit = parseLabelEdit(labels.value(2).toString()))
            out[*it].labelChanges << LabelChange{labels.value(1).toInt(), *edit};
    }
    return out;
}

QVector<ReviewRecord> SqliteStore::reviews(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT id, item_id, model_id, reviewer_id, created_at, verdict, category, "
                            "spurious_kind, severity, note, source FROM reviews WHERE item_id = ? ORDER BY id");
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

void SqliteStore::forEachReview(const std::function<void(const ReviewRecord &)> &visit) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, item_id, model_id, reviewer_id, created_at, verdict, category, "
                               "spurious_kind, severity, note, source FROM reviews ORDER BY id")))
        fail(q, QStringLiteral("read reviews"));
    QSqlQuery labels(m_db);
    labels.setForwardOnly(true);
    if (!labels.exec(QStringLiteral("SELECT review_id, class_index, edit FROM review_labels ORDER BY review_id")))
        fail(labels, QStringLiteral("read label edits"));
    for (const ReviewRecord &r : readReviews(q, labels))
        visit(r);
}

ProjectCounts SqliteStore::counts() const
{
    ProjectCounts c;
    c.items = countRows("SELECT COUNT(*) FROM items");
    c.itemsWithUnknownLabel = countRows("SELECT COUNT(*) FROM items WHERE original_label IS NULL");
    c.models = countRows("SELECT COUNT(*) FROM models");
    c.predictions = countRows("SELECT COUNT(*) FROM predictions");
    c.reviewers = countRows("SELECT COUNT(*) FROM reviewers");
    c.reviews = countRows("SELECT COUNT(*) FROM reviews");
    c.judgements = countRows("SELECT COUNT(*) FROM judgements");
    c.problematic = countRows("SELECT COUNT(*) FROM problematic");
    c.imagenetM = countRows("SELECT COUNT(*) FROM imagenet_m");
    c.realLabelled = countRows("SELECT COUNT(*) FROM real_labels");
    return c;
}

} // namespace bagel
