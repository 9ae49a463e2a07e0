#include "merge.h"

#include "catalog/classcatalog.h"
#include "error.h"
#include "io/utf8.h"
#include "progress.h"
#include "project.h"
#include "storage/pglocation.h"
#include "storage/projectfiles.h"
#include "storage/sqlitestore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

#include <spdlog/spdlog.h>

namespace bagel {

QString MergeReport::summary() const
{
    QString text = QStringLiteral("Merged %1: %2 reviews added, %3 already present; %4 adjudications added, %5 already present; "
                                  "%6 new reviewers")
                       .arg(source)
                       .arg(reviewsAdded)
                       .arg(reviewsPresent)
                       .arg(adjudicationsAdded)
                       .arg(adjudicationsPresent)
                       .arg(reviewersAdded);
    if (adjudicationsRefused > 0)
        text += QStringLiteral("; %1 adjudications left out: made by someone who is not a lead of this project").arg(adjudicationsRefused);
    if (!leadsNotCarried.isEmpty()) {
        const QString names = leadsNotCarried.join(QLatin1String(", "));
        text += targetNamesLeads
                    ? QStringLiteral("\n  %1 also names as leads %2, who are not leads of this project; a merge leaves the leads as "
                                     "they are (bagel-cli leads %3 --add NAME names one)")
                          .arg(source, names, target)
                    : QStringLiteral("\n  %1 names leads (%2), but this project names none, so anyone may adjudicate in it; a merge "
                                     "leaves the leads as they are: name them with bagel-cli leads %3 --add NAME")
                          .arg(source, names, target);
    }
    return text;
}

QJsonObject MergeReport::toJson() const
{
    return QJsonObject{{QStringLiteral("source"), source},
                       {QStringLiteral("reviews_added"), reviewsAdded},
                       {QStringLiteral("reviews_present"), reviewsPresent},
                       {QStringLiteral("adjudications_added"), adjudicationsAdded},
                       {QStringLiteral("adjudications_present"), adjudicationsPresent},
                       {QStringLiteral("adjudications_refused"), adjudicationsRefused},
                       {QStringLiteral("reviewers_added"), reviewersAdded},
                       {QStringLiteral("leads_not_carried"), QJsonArray::fromStringList(leadsNotCarried)},
                       {QStringLiteral("target_names_leads"), targetNamesLeads}};
}

namespace {

QString examples(const QStringList &names)
{
    QStringList shown = names.mid(0, 3);
    if (names.size() > 3)
        shown << QStringLiteral("…");
    return shown.join(QLatin1String(", "));
}

/** Throws unless both projects hold the same items with the same original labels. */
void checkSameItems(const Project &target, const Project &source, const QString &sourcePath)
{
    const QHash<QString, ItemKey> mine = target.store().itemIndex();
    const QHash<QString, ItemKey> theirs = source.store().itemIndex();
    QStringList onlySource;
    QStringList onlyTarget;
    QStringList relabelled;
    for (auto it = theirs.constBegin(); it != theirs.constEnd(); ++it) {
        const auto found = mine.constFind(it.key());
        if (found == mine.constEnd())
            onlySource << it.key();
        else if (found->originalLabel != it->originalLabel)
            relabelled << QStringLiteral("%1 (%2 here, %3 there)").arg(it.key()).arg(found->originalLabel).arg(it->originalLabel);
    }
    for (auto it = mine.constBegin(); it != mine.constEnd(); ++it) {
        if (!theirs.contains(it.key()))
            onlyTarget << it.key();
    }
    if (onlySource.isEmpty() && onlyTarget.isEmpty() && relabelled.isEmpty())
        return;
    onlySource.sort();
    onlyTarget.sort();
    relabelled.sort();
    QStringList problems;
    if (!onlySource.isEmpty())
        problems << QStringLiteral("%1 items only in %2 (%3)").arg(onlySource.size()).arg(sourcePath, examples(onlySource));
    if (!onlyTarget.isEmpty())
        problems << QStringLiteral("%1 items only in %2 (%3)").arg(onlyTarget.size()).arg(target.path(), examples(onlyTarget));
    if (!relabelled.isEmpty())
        problems << QStringLiteral("%1 items with another original label (%2)").arg(relabelled.size()).arg(examples(relabelled));
    throw Error(QStringLiteral("%1 and %2 hold different items: %3. Only reviews of the same items can be merged; "
                               "nothing was merged.")
                    .arg(target.path(), sourcePath, problems.join(QLatin1String("; "))));
}

} // namespace

MergeReport mergeProject(Project &target, const QString &sourcePath, Progress *progress)
{
    const bool sourceOnServer = ServerLocation::isServer(sourcePath);
    if (sourceOnServer ? (target.isOnServer() && ServerLocation::parse(sourcePath).display == target.path())
                       : (QFileInfo(sourcePath).canonicalFilePath() == QFileInfo(target.path()).canonicalFilePath()
                          || projectfiles::whyNotAnOutput(sourcePath, target.path()).startsWith(QLatin1String("is the project file"))))
        throw Error(QStringLiteral("%1: cannot merge a project into itself").arg(sourceOnServer ? ServerLocation::parse(sourcePath).display : sourcePath));
    if (target.store().isReadOnly())
        throw Error(QStringLiteral("%1 is open read-only").arg(target.path()));

    const QString sourceName = sourceOnServer ? ServerLocation::parse(sourcePath).display : sourcePath; // never a password
    std::unique_ptr<Project> source;
    QTemporaryDir scratch;
    if (sourceOnServer) {
        // A server gives every reader one consistent state (the read transaction below).
        progressStart(progress, QStringLiteral("Reading %1").arg(sourceName));
        source = Project::open(sourcePath, true);
        if (const QString refusal = source->store().sessionRefusal(QStringLiteral("read every review of the project")); !refusal.isEmpty())
            throw Error(refusal);
    } else {
        // Read a consistent copy: the source may be open in another Bagel, or use an older schema.
        if (!scratch.isValid())
            throw Error(QStringLiteral("cannot make a temporary folder: %1").arg(scratch.errorString()));
        const QString copy = scratch.filePath(QStringLiteral("source.bagel"));
        progressStart(progress, QStringLiteral("Reading %1").arg(QFileInfo(sourcePath).fileName()));
        SqliteStore::snapshot(sourcePath, copy);
        progressCheck(progress);
        try {
            source = Project::open(copy);
        } catch (const Error &e) {
            throw Error(QString(e.message()).replace(copy, sourcePath)); // name the user's file, not the copy
        }
    }
    const ReadTransaction oneState(source->store());
    const Store &from = source->store();
    Store &to = target.store();

    checkSameItems(target, *source, sourceName);

    QHash<ItemId, ItemId> items;
    {
        const QHash<QString, ItemKey> mine = to.itemIndex();
        const QHash<QString, ItemKey> theirs = from.itemIndex();
        for (auto it = theirs.constBegin(); it != theirs.constEnd(); ++it)
            items.insert(it->id, mine.value(it.key()).id);
    }
    QHash<ModelId, QString> modelNames;
    for (const ModelRecord &m : from.models())
        modelNames.insert(m.id, m.name);
    QHash<ReviewerId, QString> reviewerNames;
    for (const ReviewerRecord &r : from.reviewers())
        reviewerNames.insert(r.id, r.name);

    QVector<ReviewRecord> reviews;
    from.forEachReview([&reviews](const ReviewRecord &r) { reviews << r; });
    QVector<AdjudicationRecord> adjudications;
    from.forEachAdjudication([&adjudications](const AdjudicationRecord &a) { adjudications << a; });

    // A verdict judges a model's top-1: the models the source's reviews name must predict the
    // same top-1 here, or the merged verdicts would be about other predictions.
    QSet<ModelId> judged;
    for (const ReviewRecord &r : reviews) {
        if (r.model)
            judged.insert(r.model);
    }
    for (const AdjudicationRecord &a : adjudications) {
        if (a.model)
            judged.insert(a.model);
    }
    const ClassCatalog &catalog = target.catalog();
    QHash<ModelId, ModelId> models; // theirs → mine
    for (const ModelId theirs : judged) {
        const QString name = modelNames.value(theirs);
        const ModelId mine = to.modelId(name, false);
        if (!mine) {
            throw Error(QStringLiteral("%1 has reviews of the model '%2', which %3 does not have; import its "
                                       "predictions first. Nothing was merged.")
                            .arg(sourceName, name, target.path()));
        }
        models.insert(theirs, mine);
        QHash<ItemId, int> myTop1;
        for (const PredictionSummary &p : to.predictionSummaries(mine))
            myTop1.insert(p.item, p.top1);
        QStringList differing;
        for (const PredictionSummary &p : from.predictionSummaries(theirs)) {
            const auto here = myTop1.constFind(items.value(p.item));
            if (here != myTop1.constEnd() && *here != p.top1) {
                differing << QStringLiteral("%1: %2 here, %3 there")
                                 .arg(from.item(p.item)->fileName, catalog.at(*here).name(), catalog.at(p.top1).name());
            }
        }
        if (!differing.isEmpty()) {
            differing.sort();
            throw Error(QStringLiteral("the model '%1' predicts another top-1 in %2 than in %3 for %4 items (%5); its "
                                       "reviews there judge other predictions. Nothing was merged.")
                            .arg(name, sourceName, target.path())
                            .arg(differing.size())
                            .arg(examples(differing)));
        }
    }

    progressCheck(progress);
    progressStart(progress, QStringLiteral("Merging %1").arg(sourceOnServer ? sourceName : QFileInfo(sourcePath).fileName()),
                  qint64(reviews.size()) + qint64(adjudications.size()), Progress::Unit::Rows);
    qint64 done = 0;
    const auto tick = [&] {
        if (progress && (++done & 255) == 0) {
            progress->setDone(done);
            progress->check();
        }
    };
    MergeReport report;
    report.source = sourceName;
    report.target = target.path();
    {
        // Reported, never carried over: who may adjudicate is the target's own setting.
        const QStringList mine = target.leads();
        report.targetNamesLeads = !mine.isEmpty() || !target.leadsProblem().isEmpty();
        QSet<QString> composed;
        for (const QString &lead : mine)
            composed.insert(nfc(lead));
        for (const QString &lead : source->leads()) {
            if (!composed.contains(nfc(lead)))
                report.leadsNotCarried << nfc(lead);
        }
    }
    Transaction tx(to);
    // Every model the source's reviews name was matched above.
    auto modelFor = [&models](ModelId theirs) -> ModelId { return theirs ? models.value(theirs) : 0; };
    QHash<ReviewerId, ReviewerId> reviewers;
    auto reviewerFor = [&](ReviewerId theirs) -> ReviewerId {
        if (const auto it = reviewers.constFind(theirs); it != reviewers.constEnd())
            return *it;
        const QString name = reviewerNames.value(theirs);
        ReviewerId mine = to.reviewerId(name, false);
        if (!mine) {
            mine = to.reviewerId(name, true);
            ++report.reviewersAdded;
        }
        reviewers.insert(theirs, mine);
        return mine;
    };

    QHash<QString, ReviewId> known = to.reviewUids();
    QHash<ReviewId, ReviewId> reviewIds; // theirs → mine
    for (ReviewRecord r : reviews) {
        tick();
        if (const auto it = known.constFind(r.uid); it != known.constEnd()) {
            reviewIds.insert(r.id, *it);
            ++report.reviewsPresent;
            continue;
        }
        const ReviewId theirs = r.id;
        r.id = 0;
        r.item = items.value(r.item);
        r.model = modelFor(r.model);
        r.reviewer = reviewerFor(r.reviewer);
        if (r.retracts) {
            const auto it = reviewIds.constFind(r.retracts);
            if (it == reviewIds.constEnd())
                throw Error(QStringLiteral("%1: review %2 undoes review %3, which it does not hold").arg(sourceName).arg(theirs).arg(r.retracts));
            r.retracts = *it;
        }
        const ReviewId mine = to.appendReview(r);
        known.insert(r.uid, mine);
        reviewIds.insert(theirs, mine);
        ++report.reviewsAdded;
    }

    const QSet<QString> knownAdjudications = to.adjudicationUids();
    for (AdjudicationRecord a : adjudications) {
        tick();
        if (knownAdjudications.contains(a.uid)) {
            ++report.adjudicationsPresent;
            continue;
        }
        // Adjudication is a lead's act in the target as well: one by someone who is not among
        // the target's leads is left out (and counted), never slipped in by a merge.
        if (!target.leadRefusal(reviewerNames.value(a.lead)).isEmpty()) {
            ++report.adjudicationsRefused;
            continue;
        }
        a.id = 0;
        a.item = items.value(a.item);
        a.model = modelFor(a.model);
        a.lead = reviewerFor(a.lead);
        to.appendAdjudication(a);
        ++report.adjudicationsAdded;
    }
    progressCheck(progress); // the last chance: once committed, the merge is in
    progressSetDone(progress, done);
    tx.commit();
    spdlog::info("merged {} into {}: {} reviews and {} adjudications added", sourceName.toStdString(),
                 target.path().toStdString(), report.reviewsAdded, report.adjudicationsAdded);
    return report;
}

} // namespace bagel
