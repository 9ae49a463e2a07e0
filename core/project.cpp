#include "project.h"

#include "catalog/classcatalog.h"
#include "catalog/wordnet.h"
#include "error.h"
#include "io/inputfile.h"
#include "storage/pglocation.h"
#include "storage/pgstore.h"
#include "storage/sqlitestore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <map>

namespace bagel {

namespace {
const QString kImagesRootKey = QStringLiteral("images_root");
const QString kBlindModeKey = QStringLiteral("blind_mode");
const QString kExamplesFolderKey = QStringLiteral("examples_folder");
const QString kLeadsKey = QStringLiteral("leads");
} // namespace

QStringList parseLeads(const QString &stored, QString *problem)
{
    QStringList out;
    if (stored.isEmpty())
        return out;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(stored.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isArray()) {
        if (problem)
            *problem = QStringLiteral("the list of leads is not a JSON array of names");
        return out;
    }
    for (const QJsonValue &value : document.array()) {
        if (!value.isString()) {
            if (problem)
                *problem = QStringLiteral("the list of leads holds something other than a name");
            continue;
        }
        try {
            Project::checkName(value.toString(), "lead");
        } catch (const Error &e) {
            if (problem)
                *problem = e.message();
            continue;
        }
        if (!out.contains(value.toString()))
            out << value.toString();
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::unique_ptr<Project> Project::create(const QString &path, const QString &imagesRoot)
{
    std::unique_ptr<Project> project;
    if (ServerLocation::isServer(path))
        project = std::make_unique<Project>(PgStore::create(path));
    else
        project = std::make_unique<Project>(SqliteStore::create(path));
    if (!imagesRoot.isEmpty()) {
        Transaction tx(project->store());
        project->setImagesRoot(imagesRoot);
        tx.commit();
    }
    return project;
}

QString Project::whyReadOnly(const QString &path)
{
    if (ServerLocation::isServer(path))
        return {}; // the server decides, statement by statement
    return SqliteStore::whyReadOnly(path);
}

std::unique_ptr<Project> Project::openWritableIfPossible(const QString &path)
{
    return open(path, !whyReadOnly(path).isEmpty());
}

std::unique_ptr<Project> Project::open(const QString &path, bool readOnly)
{
    if (ServerLocation::isServer(path))
        return std::make_unique<Project>(PgStore::open(path, readOnly));
    return std::make_unique<Project>(SqliteStore::open(path, readOnly));
}

Project::Project(std::unique_ptr<Store> store)
    : m_store(std::move(store))
    , m_catalog(&ClassCatalog::imagenet1k())
{
}

Project::~Project() = default;

bool Project::isOnServer() const
{
    return dynamic_cast<const PgStore *>(m_store.get()) != nullptr;
}

QString Project::imagesRoot() const
{
    const QString stored = m_store->meta(kImagesRootKey);
    if (stored.isEmpty())
        return {};
    if (QDir::isAbsolutePath(stored) || isOnServer())
        return QDir::cleanPath(stored);
    return QDir::cleanPath(QFileInfo(path()).absoluteDir().filePath(stored));
}

void Project::setImagesRoot(const QString &directory)
{
    const QString absolute = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
    if (isOnServer()) {
        m_store->setMeta(kImagesRootKey, absolute); // no file to be beside
        return;
    }
    const QString relative = QFileInfo(path()).absoluteDir().relativeFilePath(absolute);
    // Keep the path relative when the images sit beside the project, so the two can move together.
    const bool beside = !relative.startsWith(QLatin1String("..")) && !QDir::isAbsolutePath(relative);
    m_store->setMeta(kImagesRootKey, beside ? (relative.isEmpty() ? QStringLiteral(".") : relative) : absolute);
}

int Project::schemaVersion() const
{
    return m_store->meta(QStringLiteral("schema_version")).toInt();
}

bool Project::blindMode() const
{
    return m_store->meta(kBlindModeKey) != QLatin1String("off");
}

void Project::setBlindMode(bool on)
{
    Transaction tx(*m_store);
    m_store->setMeta(kBlindModeKey, on ? QStringLiteral("on") : QStringLiteral("off"));
    tx.commit();
}

void Project::copySettingsFrom(const Project &other, const QString &imagesRoot)
{
    if (!imagesRoot.isEmpty())
        setImagesRoot(imagesRoot);
    m_store->setMeta(kBlindModeKey, other.blindMode() ? QStringLiteral("on") : QStringLiteral("off"));
    if (!other.examplesFolder().isEmpty())
        m_store->setMeta(kExamplesFolderKey, other.examplesFolder());
}

QString Project::examplesFolder() const
{
    return m_store->meta(kExamplesFolderKey);
}

void Project::setExamplesFolder(const QString &folder)
{
    Transaction tx(*m_store);
    m_store->setMeta(kExamplesFolderKey, folder);
    tx.commit();
}

QStringList Project::leads() const
{
    return parseLeads(m_store->meta(kLeadsKey), nullptr);
}

QString Project::leadsProblem() const
{
    QString problem;
    parseLeads(m_store->meta(kLeadsKey), &problem);
    return problem;
}

namespace {

void storeLeads(Store &store, const QStringList &leads)
{
    QJsonArray array;
    for (const QString &lead : leads)
        array.append(lead);
    store.setMeta(kLeadsKey, QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
}

} // namespace

bool Project::addLead(const QString &name)
{
    checkName(name, "lead");
    Transaction tx(*m_store); // read and write under the write lock: two leads added at once both stay
    QStringList current = leads();
    if (current.contains(name))
        return false;
    current << name;
    std::sort(current.begin(), current.end());
    storeLeads(*m_store, current);
    tx.commit();
    return true;
}

void Project::removeLead(const QString &name)
{
    Transaction tx(*m_store);
    if (const QString problem = leadsProblem(); !problem.isEmpty())
        throw Error(QStringLiteral("the project's list of leads cannot be read (%1), so nobody may adjudicate; "
                                   "name the leads again with --add").arg(problem));
    QStringList current = leads();
    if (!current.removeOne(name)) {
        throw Error(QStringLiteral("'%1' is not a lead of this project (leads: %2)")
                        .arg(name, current.isEmpty() ? QStringLiteral("none") : current.join(QLatin1String(", "))));
    }
    storeLeads(*m_store, current);
    tx.commit();
}

void Project::checkSessionUser(const QString &name, const char *act) const
{
    const QString role = m_store->sessionUser();
    if (role.isEmpty() || name.normalized(QString::NormalizationForm_C) == role.normalized(QString::NormalizationForm_C))
        return;
    throw Error(QStringLiteral("on the server project %1 you %2 as '%3', the database role you connected as, not as '%4'")
                    .arg(path(), QLatin1String(act), role, name));
}

QString Project::adjudicationRefusal(const QString &name) const
{
    if (!m_store->sessionUser().isEmpty()) {
        try {
            checkSessionUser(name, "adjudicate");
        } catch (const Error &e) {
            return e.message();
        }
        if (const QString refusal = m_store->sessionRefusal(QStringLiteral("adjudicate")); !refusal.isEmpty())
            return refusal;
    }
    return leadRefusal(name);
}

QString Project::leadRefusal(const QString &name) const
{
    QString problem;
    const QStringList all = parseLeads(m_store->meta(kLeadsKey), &problem);
    if (!problem.isEmpty()) // never open to everyone by accident
        return QStringLiteral("the project's list of leads cannot be read (%1); name the leads again").arg(problem);
    if (all.isEmpty())
        return {};
    // A name typed with combining accents (NFD) is the same lead as the composed one (NFC).
    const QString composed = name.normalized(QString::NormalizationForm_C);
    for (const QString &lead : all) {
        if (lead.normalized(QString::NormalizationForm_C) == composed)
            return {};
    }
    return QStringLiteral("only a lead may adjudicate, and '%1' is not one of this project's leads (%2)")
        .arg(name, all.join(QLatin1String(", ")));
}

std::optional<Verdict> Project::ownVerdict(const QString &fileName, const QString &model, const QString &lead)
{
    const auto item = m_store->itemByFileName(fileName);
    const ReviewerId reviewer = m_store->reviewerId(lead, false);
    if (!item || !reviewer)
        return std::nullopt;
    ModelId modelId = 0;
    try {
        modelId = resolveModel(model, Verdict::Wrong);
    } catch (const Error &) {
        return std::nullopt;
    }
    std::optional<Verdict> verdict;
    for (const ReviewRecord &r : latestReviews(item->id)) { // oldest first: the last one found counts
        if (r.reviewer == reviewer && (r.model == modelId || r.model == 0))
            verdict = r.verdict;
    }
    return verdict;
}

QString Project::absoluteImagePath(const ItemRecord &item) const
{
    const QString root = imagesRoot();
    const QString base = root.isEmpty() ? QFileInfo(path()).absolutePath() : root;
    const QString candidate = QDir::isAbsolutePath(item.imagePath) ? item.imagePath : QDir(base).filePath(item.imagePath);
    // Only a regular file inside the images root is ever read: a path that resolves (through
    // `..` or symbolic links) to a place outside it, or to a device or a pipe, gives an empty
    // path, which the image decoder shows as "no image file".
    return regularFileWithin(base, candidate);
}

void Project::checkName(const QString &name, const char *what)
{
    if (name.trimmed().isEmpty())
        throw Error(QStringLiteral("the %1 name is empty").arg(QLatin1String(what)));
    if (name != name.trimmed())
        throw Error(QStringLiteral("the %1 name '%2' starts or ends with spaces").arg(QLatin1String(what), name));
    if (name.size() > 100)
        throw Error(QStringLiteral("the %1 name is longer than 100 characters").arg(QLatin1String(what)));
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            throw Error(QStringLiteral("the %1 name contains a control character").arg(QLatin1String(what)));
    }
}

ReviewRecord Project::prepareReview(const ReviewInput &in)
{
    ReviewRecord r;
    r.item = m_store->itemIdByFileName(in.fileName);
    if (!r.item)
        throw Error(QStringLiteral("no item '%1' in %2").arg(in.fileName, path()));

    checkName(in.reviewer, "reviewer");
    checkSessionUser(in.reviewer, "review");
    if (!in.verdict && in.labelChanges.isEmpty())
        throw Error(QStringLiteral("a review needs a verdict or at least one label edit"));
    r.verdict = in.verdict;

    const bool wrong = in.verdict == Verdict::Wrong;
    if (in.category && !wrong)
        throw Error(QStringLiteral("a category applies only to the verdict 'wrong'"));
    if (in.severity && !wrong)
        throw Error(QStringLiteral("a severity applies only to the verdict 'wrong'"));
    if (in.spuriousKind && in.category != Category::SpuriousCorrelation)
        throw Error(QStringLiteral("a spurious-correlation kind needs the category 'spurious-correlation'"));
    r.category = in.category;
    r.spuriousKind = in.spuriousKind;
    r.severity = in.severity;
    if (!in.oovWnid.isEmpty()) {
        const QByteArray latin = in.oovWnid.toLatin1();
        quint32 offset = 0;
        if (!parseWnid(std::string_view(latin.constData(), std::size_t(latin.size())), &offset))
            throw Error(QStringLiteral("'%1' is not a WordNet synset id (n + 8 digits)").arg(in.oovWnid));
        if (in.category != Category::FineGrainedOov)
            throw Error(QStringLiteral("the true object's synset goes with the category 'fine-grained-oov'"));
        const WordNet wordnet;
        if (wordnet.isAvailable() && !wordnet.synset(offset))
            throw Error(QStringLiteral("%1 is not a WordNet noun synset").arg(in.oovWnid));
        r.oovWnid = in.oovWnid;
    }

    QSet<int> seen;
    for (const LabelChange &change : in.labelChanges) {
        if (!m_catalog->contains(change.classIndex))
            throw Error(QStringLiteral("class index %1 is out of range").arg(change.classIndex));
        if (seen.contains(change.classIndex))
            throw Error(QStringLiteral("class %1 is edited twice in one review").arg(m_catalog->at(change.classIndex).wnid));
        seen.insert(change.classIndex);
    }
    r.labelChanges = in.labelChanges;

    r.model = resolveModel(in.model, in.verdict);

    r.note = in.note;
    r.source = in.source;
    r.time = in.time.isValid() ? in.time.toUTC() : QDateTime::currentDateTimeUtc();
    return r;
}

ModelId Project::resolveModel(const QString &name, std::optional<Verdict> verdict)
{
    if (!name.isEmpty()) {
        if (const ModelId id = m_store->modelId(name, false))
            return id; // the usual case, in one lookup
    }
    const QVector<ModelRecord> models = m_store->models();
    auto names = [&models] {
        QStringList out;
        for (const ModelRecord &m : models)
            out << m.name;
        return out;
    };
    if (!name.isEmpty()) {
        const ModelId id = m_store->modelId(name, false);
        if (!id) {
            throw Error(QStringLiteral("no model '%1' in the project (models: %2)")
                            .arg(name, models.isEmpty() ? QStringLiteral("none") : names().join(QLatin1String(", "))));
        }
        return id;
    }
    if (models.size() == 1)
        return models.first().id;
    if (verdict && verdict != Verdict::Problematic) {
        if (models.isEmpty())
            throw Error(QStringLiteral("a '%1' verdict is about a model's prediction, and the project has no models; "
                                       "import predictions first")
                            .arg(toString(*verdict)));
        throw Error(QStringLiteral("name the model the verdict is about (one of: %1)").arg(names().join(QLatin1String(", "))));
    }
    return 0;
}

qint64 Project::adjudicate(const AdjudicationInput &in)
{
    Transaction tx(*m_store);
    AdjudicationRecord a;
    const auto item = m_store->itemByFileName(in.fileName);
    if (!item)
        throw Error(QStringLiteral("no item '%1' in %2").arg(in.fileName, path()));
    a.item = item->id;
    checkName(in.lead, "lead");
    // Read inside the transaction: a lead list changed meanwhile by another program counts.
    if (const QString refusal = adjudicationRefusal(in.lead); !refusal.isEmpty())
        throw Error(refusal);
    if (in.reason.trimmed().isEmpty())
        throw Error(QStringLiteral("an adjudication needs a reason"));
    if ((in.category || in.severity) && in.verdict != Verdict::Wrong)
        throw Error(QStringLiteral("a category or severity applies only to the verdict 'wrong'"));
    if (in.gold && !in.verdict)
        throw Error(QStringLiteral("a gold unit needs a verdict"));
    a.model = resolveModel(in.model, in.verdict ? in.verdict : std::optional<Verdict>(Verdict::Wrong));
    if (!in.verdict) {
        const QVector<AdjudicationRecord> earlier = m_store->adjudications(a.item);
        const AdjudicationRecord *latest = nullptr;
        for (const AdjudicationRecord &e : earlier) {
            if (e.model == a.model && (!latest || e.time > latest->time || (e.time == latest->time && e.id > latest->id)))
                latest = &e;
        }
        if (!latest || !latest->verdict)
            throw Error(QStringLiteral("%1 has no adjudication to withdraw").arg(in.fileName));
    }
    a.verdict = in.verdict;
    a.category = in.category;
    a.severity = in.severity;
    a.gold = in.gold;
    a.reason = in.reason.trimmed();
    a.time = in.time.isValid() ? in.time.toUTC() : QDateTime::currentDateTimeUtc();
    a.lead = m_store->reviewerId(in.lead, true);
    const qint64 id = m_store->appendAdjudication(a);
    tx.commit();
    return id;
}

ReviewId Project::recordReview(const ReviewInput &input)
{
    Transaction tx(*m_store);
    if (!input.uid.isEmpty()) {
        if (const ReviewId already = m_store->reviewIdByUid(input.uid))
            return already; // sent again after its commit was not confirmed: it is in
    }
    ReviewRecord review = prepareReview(input);
    review.reviewer = m_store->reviewerId(input.reviewer, true);
    review.uid = input.uid;
    const ReviewId id = m_store->appendReview(review);
    tx.commit();
    return id;
}

ReviewId Project::retractReview(ReviewId id)
{
    Transaction tx(*m_store);
    const std::optional<ReviewRecord> original = m_store->review(id);
    if (!original)
        throw Error(QStringLiteral("no review %1 in %2").arg(id).arg(path()));
    if (original->retracts)
        throw Error(QStringLiteral("review %1 is itself an undo and cannot be undone").arg(id));
    for (const ReviewRecord &other : m_store->reviews(original->item)) {
        if (other.retracts == id)
            throw Error(QStringLiteral("review %1 was already undone").arg(id));
    }
    ReviewRecord retraction;
    retraction.item = original->item;
    retraction.model = original->model;
    retraction.reviewer = original->reviewer;
    retraction.time = QDateTime::currentDateTimeUtc();
    retraction.source = QStringLiteral("undo");
    retraction.retracts = id;
    const ReviewId retractionId = m_store->appendReview(retraction);
    tx.commit();
    return retractionId;
}

ReviewId Project::repeatReview(ReviewId id)
{
    Transaction tx(*m_store);
    std::optional<ReviewRecord> copy = m_store->review(id);
    if (!copy || copy->retracts)
        throw Error(QStringLiteral("no review %1 to repeat in %2").arg(id).arg(path()));
    copy->id = 0;
    copy->uid.clear(); // a new review, with a uid of its own
    copy->time = QDateTime::currentDateTimeUtc();
    const ReviewId newId = m_store->appendReview(*copy);
    tx.commit();
    return newId;
}

QVector<ReviewRecord> effectiveReviews(const QVector<ReviewRecord> &reviews)
{
    QSet<ReviewId> retracted;
    for (const ReviewRecord &r : reviews) {
        if (r.retracts)
            retracted.insert(r.retracts);
    }
    QVector<ReviewRecord> out;
    out.reserve(reviews.size());
    for (const ReviewRecord &r : reviews) {
        if (!r.retracts && !retracted.contains(r.id))
            out << r;
    }
    return out;
}

void sortChronologically(QVector<ReviewRecord> &reviews)
{
    std::stable_sort(reviews.begin(), reviews.end(), [](const ReviewRecord &a, const ReviewRecord &b) {
        return a.time != b.time ? a.time < b.time : a.id < b.id;
    });
}

QVector<LabelJudgement> applyLabelChanges(QVector<LabelJudgement> labels, const QVector<LabelChange> &changes)
{
    for (const LabelChange &change : changes) {
        const auto it = std::find_if(labels.begin(), labels.end(),
                                     [&](const LabelJudgement &j) { return j.classIndex == change.classIndex; });
        if (change.edit == LabelEdit::Remove) {
            if (it != labels.end())
                labels.erase(it);
            continue;
        }
        const Judgement judgement = change.edit == LabelEdit::Correct ? Judgement::Correct
                                    : change.edit == LabelEdit::Wrong ? Judgement::Wrong
                                                                      : Judgement::Unclear;
        if (it != labels.end())
            it->judgement = judgement;
        else
            labels << LabelJudgement{change.classIndex, judgement};
    }
    std::sort(labels.begin(), labels.end(),
              [](const LabelJudgement &a, const LabelJudgement &b) { return a.classIndex < b.classIndex; });
    return labels;
}

QVector<LabelJudgement> Project::currentLabels(ItemId item) const
{
    QVector<LabelJudgement> labels = m_store->judgements(item);
    QVector<ReviewRecord> reviews = effectiveReviews(m_store->reviews(item));
    sortChronologically(reviews);
    for (const ReviewRecord &review : reviews)
        labels = applyLabelChanges(std::move(labels), review.labelChanges);
    return labels;
}

QHash<ItemId, QVector<LabelJudgement>> Project::allCurrentLabels() const
{
    QHash<ItemId, QVector<LabelJudgement>> labels = m_store->allJudgements();
    QVector<ReviewRecord> all;
    m_store->forEachReview([&all](const ReviewRecord &review) { all << review; });
    all = effectiveReviews(all);
    sortChronologically(all);
    for (const ReviewRecord &review : all) {
        if (review.labelChanges.isEmpty())
            continue;
        QVector<LabelJudgement> &current = labels[review.item];
        current = applyLabelChanges(std::move(current), review.labelChanges);
        if (current.isEmpty())
            labels.remove(review.item);
    }
    return labels;
}

QVector<ReviewRecord> Project::latestReviews(ItemId item) const
{
    std::map<std::pair<ReviewerId, ModelId>, ReviewRecord> latest;
    QVector<ReviewRecord> reviews = effectiveReviews(m_store->reviews(item));
    sortChronologically(reviews);
    for (const ReviewRecord &review : reviews) {
        if (review.verdict) // label-only edits do not replace a verdict
            latest[{review.reviewer, review.model}] = review;
    }
    QVector<ReviewRecord> out;
    for (auto &[key, review] : latest)
        out << review;
    sortChronologically(out);
    return out;
}

} // namespace bagel
