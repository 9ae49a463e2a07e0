// PgStore: connecting, transactions, settings, items and their labels, and the team.

#include "pgstore.h"

#include "error.h"
#include "pgconnection.h"
#include "pgschema.h"
#include "sqlitehelpers.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

namespace bagel {

using namespace sqlitehelpers;

namespace {

const char *judgementWord(Judgement j)
{
    return j == Judgement::Correct ? "correct" : j == Judgement::Wrong ? "wrong" : "unclear";
}

Judgement judgementFrom(std::string_view word)
{
    return word.starts_with('c') ? Judgement::Correct : word.starts_with('w') ? Judgement::Wrong : Judgement::Unclear;
}

} // namespace

PgStore::PgStore(const ServerLocation &location, bool readOnly)
    : m_location(location)
    , m_readOnly(readOnly)
{
}

PgStore::~PgStore() = default;

std::unique_ptr<PgStore> PgStore::create(const QString &uri, bool inTransaction)
{
    const ServerLocation location = ServerLocation::parse(uri);
    std::unique_ptr<PgStore> store(new PgStore(location, false));
    store->m_db = std::make_unique<PgConnection>(location.conninfo, location.display);
    PgConnection &db = *store->m_db;
    db.run("BEGIN");
    try {
        // One creator at a time per project name; the schema's existence is then decisive.
        db.exec("SELECT pg_advisory_xact_lock(hashtext('bagel-project:' || $1))", PgParams().add(location.project), "lock the project");
        const PgResult exists = db.exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", PgParams().add(location.project),
                                        "look for the project");
        if (exists.rows() > 0)
            throw Error(QStringLiteral("%1: the server already holds a schema named %2; open it instead of creating it")
                            .arg(location.display, location.project));
        pgschema::create(db, location.project);
        if (inTransaction) {
            store->connect();
            store->m_inTransaction = true;
            spdlog::info("creating project {}", location.display.toStdString());
            return store;
        }
        db.run("COMMIT", "create the project");
    } catch (...) {
        try {
            db.run("ROLLBACK");
        } catch (const Error &) { // the connection is gone: nothing was committed
        }
        throw;
    }
    store->connect();
    spdlog::info("created project {}", location.display.toStdString());
    return store;
}

std::unique_ptr<PgStore> PgStore::open(const QString &uri, bool readOnly)
{
    const ServerLocation location = ServerLocation::parse(uri);
    std::unique_ptr<PgStore> store(new PgStore(location, readOnly));
    store->m_db = std::make_unique<PgConnection>(location.conninfo, location.display);
    store->checkProject();
    store->migrateIfNeeded();
    store->connect();
    return store;
}

void PgStore::checkProject()
{
    PgConnection &db = *m_db;
    const PgResult schema = db.exec("SELECT has_schema_privilege(oid, 'USAGE') FROM pg_namespace WHERE nspname = $1",
                                    PgParams().add(m_location.project), "look for the project");
    if (schema.rows() == 0) {
        throw Error(QStringLiteral("%1: the server holds no project named %2 (`bagel-cli init` creates one)")
                        .arg(m_location.display, m_location.project));
    }
    if (!schema.boolean(0, 0)) {
        throw Error(QStringLiteral("%1: the role %2 has no rights on the project %3; its owner grants them with "
                                   "`bagel-cli team URI grant %2 --reviewer`")
                        .arg(m_location.display, db.exec("SELECT current_user").text(0, 0), m_location.project));
    }
    const PgResult meta = db.exec("SELECT to_regclass(quote_ident($1) || '.meta') IS NOT NULL", PgParams().add(m_location.project),
                                  "look for the project");
    if (!meta.boolean(0, 0))
        throw Error(QStringLiteral("%1: the schema %2 is not a Bagel project").arg(m_location.display, m_location.project));
    const std::string table = db.identifier(m_location.project) + ".meta";
    PgResult rows;
    try {
        rows = db.exec("SELECT key, value FROM " + table + " WHERE key IN ('application', 'schema_version')", {},
                       "read the project's version");
    } catch (const PgError &e) {
        if (e.sqlState() == QLatin1String("42501"))
            throw Error(QStringLiteral("%1: the role has no rights on the project %2; its owner grants them with "
                                       "`bagel-cli team URI grant ROLE --reviewer`")
                            .arg(m_location.display, m_location.project));
        throw Error(QStringLiteral("%1: the schema %2 is not a Bagel project (%3)").arg(m_location.display, m_location.project, e.message()));
    }
    QString application;
    QString version;
    for (int i = 0; i < rows.rows(); ++i)
        (rows.utf8(i, 0) == "application" ? application : version) = rows.text(i, 1);
    if (application != QLatin1String("bagel"))
        throw Error(QStringLiteral("%1: the schema %2 is not a Bagel project").arg(m_location.display, m_location.project));
    bool ok = false;
    m_openedVersion = version.toInt(&ok);
    if (!ok || m_openedVersion < 1)
        throw Error(QStringLiteral("%1: damaged project (schema version '%2')").arg(m_location.display, version));
    if (m_openedVersion > pgschema::kCurrentVersion) {
        throw Error(QStringLiteral("%1: written by a newer Bagel (server schema version %2; this build reads up to %3). "
                                   "Nothing was changed.")
                        .arg(m_location.display)
                        .arg(m_openedVersion)
                        .arg(pgschema::kCurrentVersion));
    }
}

void PgStore::migrateIfNeeded()
{
    if (m_openedVersion == pgschema::kCurrentVersion)
        return;
    if (m_readOnly) {
        throw Error(QStringLiteral("%1: uses server schema version %2 and must be upgraded to %3, but it is opened read-only")
                        .arg(m_location.display)
                        .arg(m_openedVersion)
                        .arg(pgschema::kCurrentVersion));
    }
    // Under an advisory lock, so that two programs opening an old project migrate it once.
    PgConnection &db = *m_db;
    db.run("BEGIN");
    try {
        db.exec("SELECT pg_advisory_xact_lock(hashtext('bagel-project:' || $1))", PgParams().add(m_location.project), "lock the project");
        const PgResult v = db.exec("SELECT value FROM " + db.identifier(m_location.project) + ".meta WHERE key = 'schema_version'");
        const int version = v.rows() ? v.text(0, 0).toInt() : 0;
        if (version < pgschema::kCurrentVersion) {
            pgschema::migrate(db, m_location.project, version);
            db.exec("UPDATE " + db.identifier(m_location.project) + ".meta SET value = $1 WHERE key = 'schema_version'",
                    PgParams().add(QString::number(pgschema::kCurrentVersion)));
        }
        db.run("COMMIT", "upgrade the project");
    } catch (...) {
        try {
            db.run("ROLLBACK");
        } catch (const Error &) {
        }
        throw;
    }
}

void PgStore::connect()
{
    PgConnection &db = *m_db;
    // Every statement names the tables alone: the project's schema comes first on the path.
    db.exec("SELECT pg_catalog.set_config('search_path', $1, false)", PgParams().add(QString::fromStdString(db.identifier(m_location.project))),
            "choose the project");
    if (m_readOnly)
        db.run("SET default_transaction_read_only = on");
    db.run("LISTEN " + db.identifier(pgschema::channel(m_location.project)), "listen for changes");
    m_user = db.exec("SELECT current_user").text(0, 0);
}

void PgStore::ensureConnected() const
{
    if (m_inTransaction) {
        flushBulk(); // the reads that follow see the rows written so far
        return;
    }
    if (!m_db->isBroken())
        return;
    auto *self = const_cast<PgStore *>(this);
    if (!self->m_db->reconnect())
        throw PgError(QStringLiteral("%1: the server cannot be reached (it will be tried again)").arg(m_location.display),
                      QStringLiteral("08006"), true);
    self->connect();
    ++m_dataVersion; // changes made while away were not announced
}

bool PgStore::sessionIsLead() const
{
    ensureConnected();
    return q("SELECT is_lead(current_user)", {}, "look up the role's rights").boolean(0, 0);
}

QString PgStore::sessionRefusal(const QString &action) const
{
    if (sessionIsLead())
        return {};
    return QStringLiteral("%1: only a lead of the project %2 may %3, and %4 is a reviewer (a lead grants the rights with "
                          "`bagel-cli team URI grant %4 --lead`)")
        .arg(m_location.display, m_location.project, action, m_user);
}

// ---------------------------------------------------------------------------------------------
// Transactions

void PgStore::begin()
{
    if (m_readOnly)
        throw Error(QStringLiteral("%1 is open read-only").arg(m_location.display));
    if (m_inTransaction)
        throw Error(QStringLiteral("%1: a transaction is already open").arg(m_location.display));
    ensureConnected();
    m_db->run("BEGIN", "start a transaction");
    endTransaction();
    m_inTransaction = true;
}

void PgStore::commit()
{
    try {
        flushBulk();
    } catch (...) {
        endTransaction();
        m_modelIds.clear();
        m_reviewerIds.clear();
        m_itemIds_byName.clear();
        try {
            if (!m_db->isBroken())
                m_db->run("ROLLBACK", "roll back");
        } catch (const Error &) {
        }
        throw;
    }
    endTransaction(); // whatever COMMIT says, the transaction is over
    m_db->run("COMMIT", "commit");
}

void PgStore::rollback()
{
    endTransaction();
    m_meta.reset();
    m_modelIds.clear();
    m_reviewerIds.clear();
    m_itemIds_byName.clear();
    if (!m_db->isBroken())
        m_db->run("ROLLBACK", "roll back");
}

void PgStore::endTransaction()
{
    m_inTransaction = false;
    m_bulk = Bulk{};
    m_predictionCache.clear();
}

PgResult PgStore::q(std::string_view sql, const PgParams &params, const char *what) const
{
    flushBulk();
    try {
        return m_db->exec(sql, params, what);
    } catch (const PgError &e) {
        // A read outside a transaction on a connection the server dropped (it restarted) is
        // read again on a new one; a write is not: whether it happened is the caller's to tell.
        if (!e.connectionLost() || m_inTransaction || !sql.starts_with("SELECT"))
            throw;
    }
    ensureConnected();
    return m_db->exec(sql, params, what);
}

qint64 PgStore::reserveId(const char *table, std::vector<qint64> &pool) const
{
    if (pool.empty()) {
        // A block of the identity's next values, taken in one statement (and never given back:
        // ids are unique, not dense).
        const std::string sql = std::string("SELECT nextval(pg_get_serial_sequence('") + table + "', 'id')) FROM generate_series(1, 4096)";
        const PgResult r = m_db->exec(sql, {}, "reserve ids");
        for (int i = r.rows() - 1; i >= 0; --i)
            pool.push_back(r.int64(i, 0));
    }
    const qint64 id = pool.back();
    pool.pop_back();
    return id;
}

void PgStore::flushBulk() const
{
    if (m_bulk.empty())
        return;
    // Taken out first: a failure leaves nothing to send twice (the transaction fails as a whole).
    Bulk bulk;
    std::swap(bulk.items, m_bulk.items);
    std::swap(bulk.judgements, m_bulk.judgements);
    std::swap(bulk.predictions, m_bulk.predictions);
    std::swap(bulk.reviews, m_bulk.reviews);
    std::swap(bulk.reviewLabels, m_bulk.reviewLabels);
    m_bulk.predictionKeys.clear();
    // In the order of the foreign keys.
    if (!bulk.items.empty())
        m_db->copyIn("COPY items (id, file_name, image_path, original_label) FROM STDIN", bulk.items, "add items");
    if (!bulk.judgements.empty())
        m_db->copyIn("COPY judgements (item_id, class_index, judgement) FROM STDIN", bulk.judgements, "add judgements");
    if (!bulk.predictions.empty()) {
        // Through a table of the session's own: some may replace stored predictions.
        m_db->run("CREATE TEMP TABLE IF NOT EXISTS bagel_predictions_in (LIKE predictions)", "set predictions");
        m_db->copyIn("COPY bagel_predictions_in (item_id, model_id, top1, top1_score, margin, classes, scores) FROM STDIN",
                     bulk.predictions, "set predictions");
        m_db->run("INSERT INTO predictions SELECT * FROM bagel_predictions_in ON CONFLICT (item_id, model_id) DO UPDATE SET "
                  "top1 = excluded.top1, top1_score = excluded.top1_score, margin = excluded.margin, "
                  "classes = excluded.classes, scores = excluded.scores; TRUNCATE bagel_predictions_in",
                  "set predictions");
    }
    if (!bulk.reviews.empty())
        m_db->copyIn("COPY reviews (id, uid, item_id, model_id, reviewer_id, created_at, verdict, category, spurious_kind, severity, "
                     "note, source, retracts, oov_wnid) FROM STDIN",
                     bulk.reviews, "record reviews");
    if (!bulk.reviewLabels.empty())
        m_db->copyIn("COPY review_labels (review_id, class_index, edit) FROM STDIN", bulk.reviewLabels, "record label edits");
}

bool PgStore::beginRead()
{
    if (m_inTransaction)
        return false;
    ensureConnected();
    m_db->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "start reading");
    endTransaction();
    m_inTransaction = true;
    return true;
}

void PgStore::endRead()
{
    endTransaction();
    if (!m_db->isBroken())
        m_db->run("COMMIT", "finish reading");
}

qint64 PgStore::count(const char *sql) const
{
    ensureConnected();
    return q(sql, {}, "count").int64(0, 0);
}

qint64 PgStore::dataVersion() const
{
    if (m_db->isBroken() && !m_inTransaction) {
        try {
            ensureConnected();
        } catch (const Error &) {
            return m_dataVersion;
        }
    }
    readNotifications();
    return m_dataVersion;
}

void PgStore::readNotifications() const
{
    for (const auto &[channel, table] : m_db->takeNotifications()) {
        Q_UNUSED(channel);
        ++m_dataVersion;
        if (table == QLatin1String("assignments"))
            ++m_assignmentsVersion;
        else if (table == QLatin1String("meta"))
            m_meta.reset();
    }
}

qint64 PgStore::assignmentsVersion() const
{
    readNotifications();
    return m_assignmentsVersion;
}

bool PgStore::isConnected() const
{
    if (m_inTransaction)
        return !m_db->isBroken();
    readNotifications(); // reads the socket: a server gone away shows here
    try {
        ensureConnected();
    } catch (const Error &) {
        return false;
    }
    return !m_db->isBroken();
}

qint64 PgStore::itemCount() const
{
    return count("SELECT COUNT(*) FROM items");
}

ProjectCounts PgStore::counts() const
{
    ensureConnected();
    const PgResult r = q(
        "SELECT (SELECT COUNT(*) FROM items), (SELECT COUNT(*) FROM items WHERE original_label IS NULL), "
        "(SELECT COUNT(*) FROM models), (SELECT COUNT(*) FROM predictions), (SELECT COUNT(*) FROM reviewers), "
        "(SELECT COUNT(*) FROM reviews), (SELECT COUNT(*) FROM judgements), (SELECT COUNT(*) FROM problematic), "
        "(SELECT COUNT(*) FROM imagenet_m), (SELECT COUNT(*) FROM real_labels), (SELECT COUNT(*) FROM adjudications), "
        "(SELECT COUNT(*) FROM assignments)",
        {}, "count");
    ProjectCounts c;
    c.items = r.int64(0, 0);
    c.itemsWithUnknownLabel = r.int64(0, 1);
    c.models = r.int64(0, 2);
    c.predictions = r.int64(0, 3);
    c.reviewers = r.int64(0, 4);
    c.reviews = r.int64(0, 5);
    c.judgements = r.int64(0, 6);
    c.problematic = r.int64(0, 7);
    c.imagenetM = r.int64(0, 8);
    c.realLabelled = r.int64(0, 9);
    c.adjudications = r.int64(0, 10);
    c.assignments = r.int64(0, 11);
    return c;
}

// ---------------------------------------------------------------------------------------------
// Settings

QString PgStore::meta(const QString &key) const
{
    if (key == QLatin1String("leads")) {
        // On a server the leads are the members of the project's leads' role (team grant --lead).
        QJsonArray names;
        for (const Member &m : team()) {
            if (m.lead)
                names.append(m.role);
        }
        return QString::fromUtf8(QJsonDocument(names).toJson(QJsonDocument::Compact));
    }
    readNotifications(); // a change another program announced drops the copy
    if (!m_meta || m_inTransaction) {
        ensureConnected();
        const PgResult r = q("SELECT key, value FROM meta", {}, "read the settings");
        QHash<QString, QString> all;
        for (int i = 0; i < r.rows(); ++i)
            all.insert(r.text(i, 0), r.text(i, 1));
        m_meta = std::move(all);
    }
    return m_meta->value(key);
}

void PgStore::setMeta(const QString &key, const QString &value)
{
    if (key == QLatin1String("leads")) {
        throw Error(QStringLiteral("%1: on a server the leads are database roles: `bagel-cli team URI grant ROLE --lead` "
                                   "makes one, `team URI revoke ROLE` takes the rights away")
                        .arg(m_location.display));
    }
    m_meta.reset();
    q("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               PgParams().add(key).add(nonNull(value)), "change a setting");
}

// ---------------------------------------------------------------------------------------------
// Items

QHash<QString, ItemKey> PgStore::itemIndex() const
{
    ensureConnected();
    const PgResult r = q("SELECT id, file_name, original_label, image_path FROM items", {}, "read the items");
    QHash<QString, ItemKey> index;
    index.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        index.insert(r.text(i, 1), ItemKey{r.int64(i, 0), r.isNull(i, 2) ? -1 : storedClass(r.int64(i, 2), location(), "items.original_label"),
                                           r.text(i, 3)});
    return index;
}

ItemId PgStore::addItem(const ItemRecord &item)
{
    if (m_inTransaction && ++m_bulk.direct[0] > kDirectRows) {
        const QByteArray file = item.fileName.toUtf8();
        const QByteArray path = nonNull(item.imagePath).toUtf8();
        PgParams check; // refuses NUL as the direct path does
        check.add(std::string_view(file.constData(), std::size_t(file.size()))).add(std::string_view(path.constData(), std::size_t(path.size())));
        const ItemId id = reserveId("items", m_itemIds);
        std::string &out = m_bulk.items;
        out += std::to_string(id);
        out += '\t';
        appendCopyText(out, std::string_view(file.constData(), std::size_t(file.size())));
        out += '\t';
        appendCopyText(out, std::string_view(path.constData(), std::size_t(path.size())));
        out += '\t';
        out += item.originalLabel >= 0 ? std::to_string(item.originalLabel) : std::string("\\N");
        out += '\n';
        return id;
    }
    PgParams p;
    p.add(item.fileName).add(nonNull(item.imagePath));
    if (item.originalLabel >= 0)
        p.add(item.originalLabel);
    else
        p.addNull();
    return q("INSERT INTO items (file_name, image_path, original_label) VALUES ($1, $2, $3) RETURNING id", p, "add an item")
        .int64(0, 0);
}

void PgStore::setOriginalLabel(ItemId item, int classIndex)
{
    PgParams p;
    if (classIndex >= 0)
        p.add(classIndex);
    else
        p.addNull();
    q("UPDATE items SET original_label = $1 WHERE id = $2", p.add(item), "set an original label");
}

void PgStore::setImagePath(ItemId item, const QString &imagePath)
{
    q("UPDATE items SET image_path = $1 WHERE id = $2", PgParams().add(nonNull(imagePath)).add(item), "set an image path");
}

namespace {

ItemRecord itemFromRow(const PgResult &r, int row, const QString &where)
{
    ItemRecord out;
    out.id = r.int64(row, 0);
    out.fileName = r.text(row, 1);
    out.imagePath = r.text(row, 2);
    out.originalLabel = r.isNull(row, 3) ? -1 : storedClass(r.int64(row, 3), where, "items.original_label");
    return out;
}

} // namespace

std::optional<ItemRecord> PgStore::item(ItemId id) const
{
    ensureConnected();
    const PgResult r = q("SELECT id, file_name, image_path, original_label FROM items WHERE id = $1", PgParams().add(id), "read an item");
    if (!r.rows())
        return std::nullopt;
    return itemFromRow(r, 0, location());
}

std::optional<ItemRecord> PgStore::itemByFileName(const QString &fileName) const
{
    ensureConnected();
    const PgResult r = q("SELECT id, file_name, image_path, original_label FROM items WHERE file_name = $1",
                                  PgParams().add(fileName), "read an item");
    if (!r.rows())
        return std::nullopt;
    return itemFromRow(r, 0, location());
}

ItemId PgStore::itemIdByFileName(const QString &fileName) const
{
    // A verdict names its item by file name: once known, its id is not asked for again (items
    // are never deleted, and a name keeps its id).
    if (const auto it = m_itemIds_byName.constFind(fileName); it != m_itemIds_byName.constEnd())
        return *it;
    const auto found = itemByFileName(fileName);
    if (!found)
        return 0;
    m_itemIds_byName.insert(fileName, found->id); // forgotten on a rollback, which may take the row back
    return found->id;
}

void PgStore::forEachItem(const std::function<void(const ItemRecord &)> &visit) const
{
    ensureConnected();
    // Sorted as SQLite sorts text (by bytes), so both backends list items alike.
    const PgResult r = q("SELECT id, file_name, image_path, original_label FROM items ORDER BY file_name COLLATE \"C\"", {},
                                  "read the items");
    for (int i = 0; i < r.rows(); ++i)
        visit(itemFromRow(r, i, location()));
}

QVector<LabelJudgement> PgStore::judgements(ItemId item) const
{
    ensureConnected();
    const PgResult r = q("SELECT class_index, judgement FROM judgements WHERE item_id = $1 ORDER BY class_index",
                                  PgParams().add(item), "read judgements");
    QVector<LabelJudgement> out;
    for (int i = 0; i < r.rows(); ++i)
        out << LabelJudgement{storedClass(r.int64(i, 0), location(), "judgements.class_index"), judgementFrom(r.utf8(i, 1))};
    return out;
}

void PgStore::replaceJudgements(ItemId item, const QVector<LabelJudgement> &judgements)
{
    q("DELETE FROM judgements WHERE item_id = $1", PgParams().add(item), "replace judgements");
    addJudgements(item, judgements);
}

void PgStore::addJudgements(ItemId item, const QVector<LabelJudgement> &judgements)
{
    if (judgements.isEmpty())
        return;
    if (m_inTransaction && ++m_bulk.direct[1] > kDirectRows) {
        for (const LabelJudgement &j : judgements) {
            m_bulk.judgements += std::to_string(item) + '\t' + std::to_string(j.classIndex) + '\t' + judgementWord(j.judgement) + '\n';
        }
        return;
    }
    // One statement for the item's judgements: arrays unnested on the server.
    QStringList classes;
    QStringList words;
    for (const LabelJudgement &j : judgements) {
        classes << QString::number(j.classIndex);
        words << QLatin1String(judgementWord(j.judgement));
    }
    q("INSERT INTO judgements (item_id, class_index, judgement) "
               "SELECT $1, c, j FROM unnest($2::int[], $3::text[]) AS t(c, j)",
               PgParams().add(item).add(QLatin1Char('{') + classes.join(QLatin1Char(',')) + QLatin1Char('}'))
                   .add(QLatin1Char('{') + words.join(QLatin1Char(',')) + QLatin1Char('}')),
               "add judgements");
}

QHash<ItemId, QVector<LabelJudgement>> PgStore::allJudgements() const
{
    ensureConnected();
    const PgResult r = q("SELECT item_id, class_index, judgement FROM judgements ORDER BY item_id, class_index", {},
                                  "read judgements");
    QHash<ItemId, QVector<LabelJudgement>> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.int64(i, 0)] << LabelJudgement{storedClass(r.int64(i, 1), location(), "judgements.class_index"), judgementFrom(r.utf8(i, 2))};
    return out;
}

std::optional<ProblematicInfo> PgStore::problematic(ItemId item) const
{
    ensureConnected();
    const PgResult r = q("SELECT reason, reviewer, server_username, time_marked, time_reviewed FROM problematic WHERE item_id = $1",
                                  PgParams().add(item), "read a problematic flag");
    if (!r.rows())
        return std::nullopt;
    return ProblematicInfo{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4)};
}

void PgStore::setProblematic(ItemId item, const ProblematicInfo &info)
{
    q("INSERT INTO problematic (item_id, reason, reviewer, server_username, time_marked, time_reviewed) "
               "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item_id) DO UPDATE SET reason = excluded.reason, "
               "reviewer = excluded.reviewer, server_username = excluded.server_username, "
               "time_marked = excluded.time_marked, time_reviewed = excluded.time_reviewed",
               PgParams()
                   .add(item)
                   .add(nonNull(info.reason))
                   .add(nonNull(info.reviewer))
                   .add(nonNull(info.serverUsername))
                   .add(nonNull(info.timeMarked))
                   .add(nonNull(info.timeReviewed)),
               "flag an item as problematic");
}

QHash<ItemId, ProblematicInfo> PgStore::allProblematic() const
{
    ensureConnected();
    const PgResult r = q("SELECT item_id, reason, reviewer, server_username, time_marked, time_reviewed FROM problematic", {},
                                  "read problematic flags");
    QHash<ItemId, ProblematicInfo> out;
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.int64(i, 0), ProblematicInfo{r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)});
    return out;
}

bool PgStore::inImagenetM(ItemId item) const
{
    ensureConnected();
    return q("SELECT 1 FROM imagenet_m WHERE item_id = $1", PgParams().add(item), "read ImageNet-M").rows() > 0;
}

void PgStore::addToImagenetM(ItemId item)
{
    q("INSERT INTO imagenet_m (item_id) VALUES ($1) ON CONFLICT (item_id) DO NOTHING", PgParams().add(item), "add to ImageNet-M");
}

QVector<ItemId> PgStore::imagenetM() const
{
    ensureConnected();
    const PgResult r = q("SELECT m.item_id FROM imagenet_m m JOIN items i ON i.id = m.item_id ORDER BY i.file_name COLLATE \"C\"",
                                  {}, "read ImageNet-M");
    QVector<ItemId> out;
    for (int i = 0; i < r.rows(); ++i)
        out << r.int64(i, 0);
    return out;
}

std::optional<QVector<int>> PgStore::realLabels(ItemId item) const
{
    ensureConnected();
    const PgResult r = q("SELECT classes FROM real_labels WHERE item_id = $1", PgParams().add(item), "read ReaL labels");
    if (!r.rows())
        return std::nullopt;
    return storedClasses(r.text(0, 0), location(), "real_labels.classes");
}

void PgStore::setRealLabels(ItemId item, const QVector<int> &classes)
{
    q("INSERT INTO real_labels (item_id, classes) VALUES ($1, $2) ON CONFLICT (item_id) DO UPDATE SET classes = excluded.classes",
               PgParams().add(item).add(joinInts(classes)), "set ReaL labels");
}

QHash<ItemId, QVector<int>> PgStore::allRealLabels() const
{
    ensureConnected();
    const PgResult r = q("SELECT item_id, classes FROM real_labels", {}, "read ReaL labels");
    QHash<ItemId, QVector<int>> out;
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.int64(i, 0), storedClasses(r.text(i, 1), location(), "real_labels.classes"));
    return out;
}

} // namespace bagel
