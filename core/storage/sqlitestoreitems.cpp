// SqliteStore: items and their labels (judgements, problematic flags, ImageNet-M, ReaL).

#include "sqlitestore.h"

#include "error.h"
#include "sqlitehelpers.h"
#include "sqlitestatement.h"

#include <QSqlError>

#include <array>
#include <string>

namespace bagel {

using namespace sqlitehelpers;

QHash<QString, ItemKey> SqliteStore::itemIndex() const
{
    QHash<QString, ItemKey> index;
    SqliteStatement &q = native("SELECT id, file_name, original_label, image_path FROM items");
    while (q.step())
        index.insert(q.text(1), ItemKey{q.int64(0), q.isNull(2) ? -1 : storedClass(q.int64(2), m_path, "items.original_label"), q.text(3)});
    q.reset();
    return index;
}

ItemId SqliteStore::addItem(const ItemRecord &item)
{
    SqliteStatement &q = native("INSERT INTO items (file_name, image_path, original_label, added_at) VALUES (?, ?, ?, ?)");
    q.bind(1, item.fileName);
    q.bind(2, item.imagePath);
    if (item.originalLabel >= 0)
        q.bind(3, qint64(item.originalLabel));
    else
        q.bindNull(3);
    q.bind(4, now());
    q.run();
    return q.lastInsertId();
}

void SqliteStore::setOriginalLabel(ItemId item, int classIndex)
{
    SqliteStatement &q = native("UPDATE items SET original_label = ? WHERE id = ?");
    if (classIndex >= 0)
        q.bind(1, qint64(classIndex));
    else
        q.bindNull(1);
    q.bind(2, item);
    q.run();
}

void SqliteStore::setImagePath(ItemId item, const QString &imagePath)
{
    SqliteStatement &q = native("UPDATE items SET image_path = ? WHERE id = ?");
    q.bind(1, imagePath);
    q.bind(2, item);
    q.run();
}

namespace {
ItemRecord itemFromRow(const QSqlQuery &q, const QString &path)
{
    ItemRecord r;
    r.id = q.value(0).toLongLong();
    r.fileName = q.value(1).toString();
    r.imagePath = q.value(2).toString();
    r.originalLabel = q.value(3).isNull() ? -1 : storedClass(q.value(3).toLongLong(), path, "items.original_label");
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
        r = itemFromRow(q, m_path);
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
        r = itemFromRow(q, m_path);
    q.finish();
    return r;
}

void SqliteStore::forEachItem(const std::function<void(const ItemRecord &)> &visit) const
{
    // Not a cached statement: \a visit may read the store meanwhile.
    const ScanCache scan(*this);
    SqliteStatement q(m_handle, "SELECT id, file_name, image_path, original_label FROM items ORDER BY file_name");
    ItemRecord r;
    while (q.step()) {
        r.id = q.int64(0);
        r.fileName = q.text(1);
        r.imagePath = q.text(2);
        r.originalLabel = q.isNull(3) ? -1 : storedClass(q.int64(3), m_path, "items.original_label");
        visit(r);
    }
}

QVector<LabelJudgement> SqliteStore::judgements(ItemId item) const
{
    QSqlQuery &q = prepared("SELECT class_index, judgement FROM judgements WHERE item_id = ? ORDER BY class_index");
    q.bindValue(0, item);
    execPrepared(q, QStringLiteral("read judgements"));
    QVector<LabelJudgement> out;
    while (q.next())
        out << LabelJudgement{storedClass(q.value(0).toLongLong(), m_path, "judgements.class_index"), parseJudgement(q.value(1).toString()).value_or(Judgement::Unclear)};
    q.finish();
    return out;
}

void SqliteStore::replaceJudgements(ItemId item, const QVector<LabelJudgement> &judgements)
{
    SqliteStatement &del = native("DELETE FROM judgements WHERE item_id = ?");
    del.bind(1, item);
    del.run();
    addJudgements(item, judgements);
}

namespace {

constexpr int kRowsPerInsert = 16;

/** `INSERT INTO judgements … VALUES (?, ?, ?), …` for 1..kRowsPerInsert rows, built once. */
const char *judgementInsert(int rows)
{
    static const std::array<std::string, kRowsPerInsert + 1> sql = [] {
        std::array<std::string, kRowsPerInsert + 1> out;
        for (int n = 1; n <= kRowsPerInsert; ++n) {
            out[std::size_t(n)] = "INSERT INTO judgements (item_id, class_index, judgement) VALUES (?, ?, ?)";
            for (int i = 1; i < n; ++i)
                out[std::size_t(n)] += ", (?, ?, ?)";
        }
        return out;
    }();
    return sql[std::size_t(rows)].c_str();
}

} // namespace

void SqliteStore::addJudgements(ItemId item, const QVector<LabelJudgement> &judgements)
{
    // Several rows per statement: an import adds a few judgements to each of 50,000 items, and
    // SQLite's cost is mostly per statement, not per row.
    for (qsizetype start = 0; start < judgements.size(); start += kRowsPerInsert) {
        const int rows = int(std::min<qsizetype>(kRowsPerInsert, judgements.size() - start));
        SqliteStatement &ins = native(judgementInsert(rows));
        for (int i = 0; i < rows; ++i) {
            const LabelJudgement &j = judgements[start + i];
            ins.bind(3 * i + 1, item);
            ins.bind(3 * i + 2, qint64(j.classIndex));
            ins.bind(3 * i + 3, j.judgement == Judgement::Correct ? std::string_view("correct")
                                : j.judgement == Judgement::Wrong ? std::string_view("wrong")
                                                                  : std::string_view("unclear"));
        }
        ins.run();
    }
}

QHash<ItemId, QVector<LabelJudgement>> SqliteStore::allJudgements() const
{
    const ScanCache scan(*this);
    QHash<ItemId, QVector<LabelJudgement>> out;
    SqliteStatement &q = native("SELECT item_id, class_index, judgement FROM judgements ORDER BY item_id, class_index");
    ItemId current = 0;
    QVector<LabelJudgement> labels;
    while (q.step()) {
        const ItemId item = q.int64(0);
        if (item != current) {
            if (current)
                out.insert(current, labels);
            current = item;
            labels.clear();
        }
        // The CHECK constraint allows only these three words: the first letter tells them apart.
        const std::string_view word = q.utf8(2);
        const Judgement j = word.starts_with('c') ? Judgement::Correct : word.starts_with('w') ? Judgement::Wrong : Judgement::Unclear;
        labels << LabelJudgement{storedClass(q.int64(1), m_path, "judgements.class_index"), j};
    }
    if (current)
        out.insert(current, labels);
    q.reset();
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
    SqliteStatement &q = native(
        "INSERT INTO problematic (item_id, reason, reviewer, server_username, time_marked, time_reviewed) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET reason = excluded.reason, "
        "reviewer = excluded.reviewer, server_username = excluded.server_username, "
        "time_marked = excluded.time_marked, time_reviewed = excluded.time_reviewed");
    q.bind(1, item);
    q.bind(2, nonNull(info.reason));
    q.bind(3, nonNull(info.reviewer));
    q.bind(4, nonNull(info.serverUsername));
    q.bind(5, nonNull(info.timeMarked));
    q.bind(6, nonNull(info.timeReviewed));
    q.run();
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
    SqliteStatement &q = native("INSERT INTO imagenet_m (item_id) VALUES (?) ON CONFLICT (item_id) DO NOTHING");
    q.bind(1, item);
    q.run();
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
    SqliteStatement &q = native("SELECT classes FROM real_labels WHERE item_id = ?");
    q.bind(1, item);
    std::optional<QVector<int>> r;
    if (q.step())
        r = storedClasses(q.text(0), m_path, "real_labels.classes");
    q.reset();
    return r;
}

QHash<ItemId, QVector<int>> SqliteStore::allRealLabels() const
{
    QHash<ItemId, QVector<int>> out;
    SqliteStatement &q = native("SELECT item_id, classes FROM real_labels");
    while (q.step())
        out.insert(q.int64(0), storedClasses(q.text(1), m_path, "real_labels.classes"));
    q.reset();
    return out;
}

void SqliteStore::setRealLabels(ItemId item, const QVector<int> &classes)
{
    SqliteStatement &q = native("INSERT INTO real_labels (item_id, classes) VALUES (?, ?) "
                                "ON CONFLICT (item_id) DO UPDATE SET classes = excluded.classes");
    q.bind(1, item);
    q.bind(2, joinInts(classes));
    q.run();
}

} // namespace bagel
