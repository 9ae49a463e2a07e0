#include "transfer.h"

#include "error.h"
#include "progress.h"
#include "project.h"
#include "storage/pgconnection.h"
#include "storage/pglocation.h"
#include "storage/pgschema.h"
#include "storage/pgstore.h"
#include "storage/sqlitestore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

#include <map>

#include <spdlog/spdlog.h>

namespace bagel {

QString TransferReport::summary() const
{
    QString text = QStringLiteral("Copied %1 to %2: %3 items, %4 predictions, %5 reviews, %6 adjudications, %7 assignments")
                       .arg(source, target)
                       .arg(items)
                       .arg(predictions)
                       .arg(reviews)
                       .arg(adjudications)
                       .arg(assignments);
    if (!leadsNotCarried.isEmpty()) {
        text += QStringLiteral("\n  %1 names as leads %2; on a server the leads are database roles: "
                               "bagel-cli team URI grant ROLE --lead makes one")
                    .arg(source, leadsNotCarried.join(QLatin1String(", ")));
    }
    return text;
}

QJsonObject TransferReport::toJson() const
{
    return QJsonObject{{QStringLiteral("source"), source},
                       {QStringLiteral("target"), target},
                       {QStringLiteral("items"), items},
                       {QStringLiteral("predictions"), predictions},
                       {QStringLiteral("reviews"), reviews},
                       {QStringLiteral("adjudications"), adjudications},
                       {QStringLiteral("assignments"), assignments},
                       {QStringLiteral("leads_not_carried"), QJsonArray::fromStringList(leadsNotCarried)}};
}

namespace {

/** Copies everything \a from holds into the empty \a to, in the open transaction of \a to. */
void copyContents(const Project &fromProject, Project &toProject, TransferReport &report, Progress *progress)
{
    const Store &from = fromProject.store();
    Store &to = toProject.store();

    progressStart(progress, QStringLiteral("Copying the items"), from.itemCount(), Progress::Unit::Rows);
    QHash<ItemId, ItemId> items;
    qint64 done = 0;
    from.forEachItem([&](const ItemRecord &item) {
        items.insert(item.id, to.addItem(ItemRecord{0, item.fileName, item.imagePath, item.originalLabel}));
        if ((++done & 1023) == 0) {
            progressSetDone(progress, done);
            progressCheck(progress);
        }
    });
    report.items = items.size();
    const QHash<ItemId, QVector<LabelJudgement>> judgements = from.allJudgements();
    for (auto it = judgements.constBegin(); it != judgements.constEnd(); ++it)
        to.addJudgements(items.value(it.key()), it.value());
    const QHash<ItemId, ProblematicInfo> problematic = from.allProblematic();
    for (auto it = problematic.constBegin(); it != problematic.constEnd(); ++it)
        to.setProblematic(items.value(it.key()), it.value());
    for (const ItemId item : from.imagenetM())
        to.addToImagenetM(items.value(item));
    const QHash<ItemId, QVector<int>> real = from.allRealLabels();
    for (auto it = real.constBegin(); it != real.constEnd(); ++it)
        to.setRealLabels(items.value(it.key()), it.value());
    progressCheck(progress);

    QHash<ModelId, ModelId> models;
    for (const ModelRecord &m : from.models())
        models.insert(m.id, to.modelId(m.name, true));
    progressStart(progress, QStringLiteral("Copying the predictions"), qint64(items.size()), Progress::Unit::Rows);
    done = 0;
    for (auto it = items.constBegin(); it != items.constEnd(); ++it) {
        for (const ModelPrediction &p : from.predictions(it.key())) {
            to.setPrediction(it.value(), models.value(p.model), p.topk);
            ++report.predictions;
        }
        if ((++done & 1023) == 0) {
            progressSetDone(progress, done);
            progressCheck(progress);
        }
    }

    QHash<ReviewerId, ReviewerId> reviewers;
    for (const ReviewerRecord &r : from.reviewers())
        reviewers.insert(r.id, to.reviewerId(r.name, true));
    const QVector<ReviewRecord> reviews = from.allReviews();
    progressStart(progress, QStringLiteral("Copying the reviews"), reviews.size(), Progress::Unit::Rows);
    QHash<ReviewId, ReviewId> reviewIds;
    for (ReviewRecord r : reviews) {
        const ReviewId theirs = r.id;
        r.id = 0;
        r.item = items.value(r.item);
        r.model = r.model ? models.value(r.model) : 0;
        r.reviewer = reviewers.value(r.reviewer);
        if (r.retracts) {
            const auto it = reviewIds.constFind(r.retracts);
            if (it == reviewIds.constEnd())
                throw Error(QStringLiteral("%1: review %2 undoes review %3, which it does not hold").arg(report.source).arg(theirs).arg(r.retracts));
            r.retracts = *it;
        }
        reviewIds.insert(theirs, to.appendReview(r)); // the uid goes along
        if ((++report.reviews & 1023) == 0) {
            progressSetDone(progress, report.reviews);
            progressCheck(progress);
        }
    }
    from.forEachAdjudication([&](const AdjudicationRecord &a) {
        AdjudicationRecord copy = a;
        copy.id = 0;
        copy.item = items.value(a.item);
        copy.model = a.model ? models.value(a.model) : 0;
        copy.lead = reviewers.value(a.lead);
        to.appendAdjudication(copy);
        ++report.adjudications;
    });
    std::map<ModelId, QVector<AssignmentRecord>> assignments;
    for (const AssignmentRecord &a : from.assignments()) {
        const ModelId model = models.value(a.model);
        assignments[model] << AssignmentRecord{items.value(a.item), model, reviewers.value(a.reviewer)};
        ++report.assignments;
    }
    for (const auto &[model, list] : assignments)
        to.replaceAssignments(model, list);
    progressCheck(progress);
}

/**
 * \a from's images root, for a copy of the project: \a from may be a copy of the project file
 * in \a copyFolder, and an images root beside it is the one beside \a original.
 */
QString imagesRootFor(const Project &from, const QString &copyFolder = {}, const QString &original = {})
{
    QString root = from.imagesRoot();
    if (!root.isEmpty() && !copyFolder.isEmpty()) {
        const QString relative = QDir(copyFolder).relativeFilePath(root);
        if (!relative.startsWith(QLatin1String("..")) && !QDir::isAbsolutePath(relative))
            root = QDir::cleanPath(QFileInfo(original).absoluteDir().filePath(relative));
    }
    return root;
}

} // namespace

TransferReport pushProject(const QString &file, const QString &uri, Progress *progress)
{
    if (ServerLocation::isServer(file))
        throw Error(QStringLiteral("push copies a project file to a server; to copy between servers, pull and push"));
    const ServerLocation location = ServerLocation::parse(uri);
    TransferReport report;
    report.source = file;
    report.target = location.display;

    // A consistent copy of the file: it may be open in a window meanwhile.
    QTemporaryDir scratch;
    if (!scratch.isValid())
        throw Error(QStringLiteral("cannot make a temporary folder: %1").arg(scratch.errorString()));
    const QString copy = scratch.filePath(QStringLiteral("push.bagel"));
    SqliteStore::snapshot(file, copy);
    std::unique_ptr<Project> source;
    try {
        source = Project::open(copy); // upgraded in the copy when older
    } catch (const Error &e) {
        throw Error(QString(e.message()).replace(copy, file));
    }
    report.leadsNotCarried = source->leads();

    // Created and filled in one transaction: a failure, Cancel, Ctrl+C or a kill leaves no
    // project behind (the server rolls back what a lost connection did not commit).
    auto target = std::make_unique<Project>(PgStore::create(uri, true));
    try {
        copyContents(*source, *target, report, progress);
        target->copySettingsFrom(*source, imagesRootFor(*source, scratch.path(), file));
        progressCheck(progress);
        target->store().commit();
    } catch (...) {
        try {
            target->store().rollback();
        } catch (const Error &) { // the connection is gone: nothing was committed
        }
        throw;
    }
    spdlog::info("pushed {} to {}: {} reviews", file.toStdString(), location.display.toStdString(), report.reviews);
    return report;
}

TransferReport pullProject(const QString &uri, const QString &file, Progress *progress)
{
    if (ServerLocation::isServer(file))
        throw Error(QStringLiteral("pull writes a project file; name a file to write"));
    auto source = Project::open(uri, true);
    if (const QString refusal = source->store().sessionRefusal(QStringLiteral("pull a snapshot of every review")); !refusal.isEmpty())
        throw Error(refusal);
    TransferReport report;
    report.source = source->path();
    report.target = file;
    const QStringList leads = source->leads();
    auto target = Project::create(file);
    try {
        {
            const ReadTransaction oneState(source->store());
            Transaction tx(target->store());
            copyContents(*source, *target, report, progress);
            target->copySettingsFrom(*source, imagesRootFor(*source));
            progressCheck(progress);
            tx.commit();
        }
        for (const QString &lead : leads)
            target->addLead(lead);
    } catch (...) {
        target.reset();
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(file + QLatin1String(suffix));
        throw;
    }
    return report;
}

} // namespace bagel
