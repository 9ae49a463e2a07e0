// The audit snapshot against a reference built the plain way from every full review record,
// on a generated project with everything that makes reading the history tricky; and its
// progress and Cancel.

#include "audit/audit.h"
#include "progress.h"
#include "project.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QSet>

#include <gtest/gtest.h>

#include <vector>

#include <map>
#include <random>

using namespace bagel;

namespace {

/**
 * 400 items, two models (the second predicts every other item), seven reviewers and a lead:
 * verdicts on either model or on the image alone, ties in time, retractions (also of
 * retractions), label edits with and without a verdict, notes, true objects, spurious kinds,
 * several sources, imported judgements, and adjudications with and without a verdict.
 */
std::unique_ptr<Project> generatedProject(const test::TempDir &dir, int reviews)
{
    auto project = Project::open(test::makeProject(dir, QStringLiteral("g.bagel"), 400), false);
    Store &store = project->store();
    Transaction tx(store);
    std::mt19937_64 random(2024);
    auto pick = [&random](int n) { return int(random() % std::uint64_t(n)); };
    const ModelId m = store.models().value(0).id;
    const ModelId m2 = store.modelId(QStringLiteral("m2"), true);
    QVector<ItemId> items;
    store.forEachItem([&items](const ItemRecord &item) { items << item.id; });
    for (int i = 0; i < int(items.size()); i += 2)
        store.setPrediction(items[i], m2, {ClassScore{(i * 3) % 1000, 0.7}, ClassScore{1, 0.2}});
    for (int i = 0; i < 60; ++i) {
        const int first = (i * 7) % 1000;
        store.addJudgements(items[i], {LabelJudgement{first, Judgement::Correct}, LabelJudgement{(first + 1 + pick(998)) % 1000, Judgement(pick(3))}});
    }
    QVector<ReviewerId> reviewers;
    for (const char *name : {"ann", "bo", "cy", "dee", "Eve", "émile", "zoë"})
        reviewers << store.reviewerId(QString::fromUtf8(name), true);
    const ReviewerId lead = store.reviewerId(QStringLiteral("lead"), true);
    const QDateTime t0 = QDateTime::fromString(QStringLiteral("2025-03-01T08:00:00.000Z"), Qt::ISODateWithMs);
    QVector<ReviewId> written;
    for (int n = 0; n < reviews; ++n) {
        ReviewRecord r;
        r.item = items[pick(80)]; // few items: many reviews per unit
        const int target = pick(5);
        r.model = target == 0 ? 0 : target <= 2 ? m : m2;
        r.reviewer = reviewers[pick(int(reviewers.size()))];
        r.time = t0.addSecs(pick(10) == 0 ? 0 : pick(100000)); // some ties
        r.source = QStringList{QStringLiteral("bagel"), QStringLiteral("cli"), QStringLiteral("paper")}[pick(3)];
        const int kind = pick(20);
        if (kind == 0 && !written.isEmpty()) {
            r.retracts = written[pick(int(written.size()))];
        } else {
            if (kind > 3 || pick(2))
                r.verdict = Verdict(pick(4));
            if (r.verdict == Verdict::Wrong) {
                if (pick(4))
                    r.category = Category(pick(5));
                if (pick(4))
                    r.severity = Severity(pick(3));
                if (r.category == Category::SpuriousCorrelation && pick(2))
                    r.spuriousKind = SpuriousKind(pick(2));
                if (r.category == Category::FineGrainedOov)
                    r.oovWnid = QStringLiteral("n01440764");
            }
            if (kind <= 3 || !r.verdict) {
                const int first = pick(1000);
                r.labelChanges = {LabelChange{first, LabelEdit(pick(4))}, LabelChange{(first + 1 + pick(998)) % 1000, LabelEdit::Correct}};
            }
            if (pick(8) == 0)
                r.note = QStringLiteral("note %1 ✓").arg(n);
        }
        written << store.appendReview(r);
    }
    for (int n = 0; n < 60; ++n) {
        AdjudicationRecord a;
        a.item = items[pick(90)];
        const int target = pick(3);
        a.model = target == 0 ? 0 : target == 1 ? m : m2;
        a.lead = lead;
        a.time = t0.addSecs(pick(100000));
        if (pick(4))
            a.verdict = Verdict(pick(4));
        a.gold = pick(2);
        a.reason = QStringLiteral("because");
        store.appendAdjudication(a);
    }
    tx.commit();
    return project;
}

/** Each reviewer's latest counting verdict per unit, the plain way: from every full record. */
struct Reference
{
    std::map<std::pair<QString, QString>, std::map<QString, ReviewRecord>> answers; ///< (file, model name) → reviewer → review
    QHash<ItemId, QVector<ReviewRecord>> edits; ///< counting reviews with label edits, per item, in time then id order
};

Reference reference(const Project &project)
{
    const Store &store = project.store();
    QHash<ModelId, QString> modelNames;
    for (const ModelRecord &m : store.models())
        modelNames.insert(m.id, m.name);
    QHash<ReviewerId, QString> names;
    for (const ReviewerRecord &r : store.reviewers())
        names.insert(r.id, r.name);
    const QVector<ReviewRecord> all = store.allReviews();
    QSet<ReviewId> retracted;
    for (const ReviewRecord &r : all) {
        if (r.retracts)
            retracted.insert(r.retracts);
    }
    Reference ref;
    for (const ReviewRecord &r : all) {
        if (r.retracts || retracted.contains(r.id))
            continue;
        const QString file = store.item(r.item)->fileName;
        if (!r.labelChanges.isEmpty())
            ref.edits[r.item] << r;
        if (!r.verdict)
            continue;
        QStringList models;
        if (r.model) {
            models << modelNames.value(r.model);
        } else {
            for (const ModelPrediction &p : store.predictions(r.item))
                models << modelNames.value(p.model);
            if (models.isEmpty())
                models << QString();
        }
        for (const QString &model : models) {
            auto &slot = ref.answers[{file, model}];
            const auto it = slot.find(names.value(r.reviewer));
            if (it == slot.end() || std::pair(it->second.time, it->second.id) < std::pair(r.time, r.id))
                slot[names.value(r.reviewer)] = r;
        }
    }
    for (QVector<ReviewRecord> &edits : ref.edits) {
        std::stable_sort(edits.begin(), edits.end(), [](const ReviewRecord &a, const ReviewRecord &b) { return a.time < b.time; });
    }
    return ref;
}

void expectSameReview(const ReviewRecord &got, const ReviewRecord &want)
{
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.item, want.item);
    EXPECT_EQ(got.model, want.model);
    EXPECT_EQ(got.reviewer, want.reviewer);
    EXPECT_EQ(got.time, want.time);
    EXPECT_EQ(got.verdict, want.verdict);
    EXPECT_EQ(got.category, want.category);
    EXPECT_EQ(got.spuriousKind, want.spuriousKind);
    EXPECT_EQ(got.severity, want.severity);
    EXPECT_EQ(got.labelChanges, want.labelChanges);
    EXPECT_EQ(got.note, want.note);
    EXPECT_EQ(got.source, want.source);
    EXPECT_EQ(got.oovWnid, want.oovWnid);
}

} // namespace

TEST(AuditSnapshotReference, EveryAnswerLabelSetAndRatingMatchesTheFullRecords)
{
    test::TempDir dir;
    const auto project = generatedProject(dir, 3000);
    const AuditSnapshot snapshot = AuditSnapshot::load(*project);
    const Reference ref = reference(*project);

    // The units with answers, in file-name then model order, each reviewer's latest review.
    QStringList raterNames;
    for (const ReviewerRecord &r : snapshot.reviewers())
        raterNames << r.name;
    std::vector<std::pair<QString, QString>> seen;
    for (const int index : snapshot.unitsOf(0)) {
        const AuditSnapshot::Unit &u = snapshot.units()[std::size_t(index)];
        seen.emplace_back(u.fileName, snapshot.modelName(u.model));
        const auto want = ref.answers.find(seen.back());
        ASSERT_NE(want, ref.answers.end()) << u.fileName.toStdString();
        ASSERT_EQ(std::size_t(u.latest.size()), want->second.size()) << u.fileName.toStdString();
        ASSERT_EQ(u.labelSets.size(), u.latest.size());
        int previous = -1;
        for (int k = 0; k < u.latest.size(); ++k) {
            const auto [rater, review] = u.latest[k];
            EXPECT_GT(rater, previous); // reviewer order
            previous = rater;
            EXPECT_EQ(u.latest.rater(k), rater);
            EXPECT_EQ(u.latest.row(k).id, review.id);
            const auto expected = want->second.find(raterNames[rater]);
            ASSERT_NE(expected, want->second.end());
            expectSameReview(review, expected->second);

            // The label set: the imported judgements, the reviewer's own edits in order, then the verdict on the top-1.
            QVector<LabelJudgement> labels = project->store().judgements(u.item);
            for (const ReviewRecord &edit : ref.edits.value(u.item)) {
                if (edit.reviewer == review.reviewer)
                    labels = applyLabelChanges(labels, edit.labelChanges);
            }
            QVector<int> correct;
            for (const LabelJudgement &j : labels) {
                if (j.judgement == Judgement::Correct && !(u.top1 >= 0 && j.classIndex == u.top1 && review.verdict != Verdict::Problematic))
                    correct << j.classIndex;
            }
            if (u.top1 >= 0 && review.verdict == Verdict::Correct)
                correct << u.top1;
            std::sort(correct.begin(), correct.end());
            // Compared as std::vector: QList's operator== hands memcmp a null pointer for two
            // empty lists, which the undefined-behaviour sanitizer reports.
            const QList<int> set = u.labelSets[k];
            EXPECT_EQ(std::vector<int>(set.begin(), set.end()), std::vector<int>(correct.begin(), correct.end()))
                << u.fileName.toStdString() << " " << raterNames[rater].toStdString();
        }
    }
    EXPECT_EQ(seen.size(), ref.answers.size());
    std::vector<std::pair<QString, QString>> sorted = seen;
    std::stable_sort(sorted.begin(), sorted.end(), [&snapshot](const auto &a, const auto &b) {
        if (const int c = a.first.compare(b.first); c != 0)
            return c < 0;
        qint64 ia = 0, ib = 0;
        for (const ModelRecord &m : snapshot.models()) {
            ia = m.name == a.second ? m.id : ia;
            ib = m.name == b.second ? m.id : ib;
        }
        return ia < ib;
    });
    EXPECT_EQ(seen, sorted);

    // The verdict ratings and everything computed from them.
    const std::vector<int> units = snapshot.unitsOf(0);
    agreement::RatingTable want;
    want.raters = int(raterNames.size());
    want.values = 4;
    for (const int index : units) {
        const AuditSnapshot::Unit &u = snapshot.units()[std::size_t(index)];
        for (const QString &name : raterNames) {
            const auto &answers = ref.answers.at({u.fileName, snapshot.modelName(u.model)});
            const auto it = answers.find(name);
            want.cells.push_back(it == answers.end() ? agreement::kMissing : int(*it->second.verdict));
        }
    }
    const agreement::RatingTable got = snapshot.table(AuditField::Verdict, units, false);
    EXPECT_EQ(got.cells, want.cells);
    AuditOptions options;
    options.statistics.bootstrapResamples = 100;
    const agreement::Result a = snapshot.agreement(options);
    const agreement::Result b = agreement::compute(want, options.statistics);
    EXPECT_EQ(a.units, b.units);
    EXPECT_EQ(a.krippendorffAlpha.value, b.krippendorffAlpha.value);
    ASSERT_TRUE(a.krippendorffAlpha.ci95 && b.krippendorffAlpha.ci95);
    EXPECT_EQ(a.krippendorffAlpha.ci95->low, b.krippendorffAlpha.ci95->low);
    EXPECT_GT(a.units, 50);
    EXPECT_FALSE(snapshot.disagreements(options).isEmpty());

    // A reviewer's statistics count what the reference holds.
    const QVector<ReviewerStats> stats = snapshot.reviewerStats();
    for (const ReviewerStats &st : stats) {
        qint64 unitsRated = 0;
        QSet<QString> files;
        for (const auto &[key, answers] : ref.answers) {
            if (answers.count(st.name)) {
                ++unitsRated;
                files.insert(key.first);
            }
        }
        EXPECT_EQ(st.units, unitsRated) << st.name.toStdString();
        EXPECT_EQ(st.items, files.size()) << st.name.toStdString();
    }
}

TEST(AuditSnapshotProgress, CancellingTheReadThrowsCancelledAndChangesNothing)
{
    test::TempDir dir;
    {
        const auto project = generatedProject(dir, 30000);
    }
    const QString path = dir.path(QStringLiteral("g.bagel"));
    const QByteArray before = test::fileHash(path);
    const auto project = Project::open(path, true);
    const std::size_t units = AuditSnapshot::load(*project).units().size();

    // Cancelled before it starts: the first check stops it.
    {
        Progress progress;
        progress.cancel();
        EXPECT_THROW(AuditSnapshot::load(*project, &progress), Cancelled);
    }
    // Cancelled while the reviews are being read: at a check past the first rows.
    {
        Progress progress;
        qint64 doneAtCancel = 0;
        progress.setCheckHook([&progress, &doneAtCancel] {
            const Progress::Snapshot s = progress.snapshot();
            if (s.stage == QStringLiteral("Reading the reviews") && s.done > 0 && !progress.isCancelled()) {
                doneAtCancel = s.done;
                progress.cancel();
            }
        });
        EXPECT_THROW(AuditSnapshot::load(*project, &progress), Cancelled);
        EXPECT_GT(doneAtCancel, 0);
        EXPECT_LT(doneAtCancel, progress.snapshot().total); // mid-read
        EXPECT_EQ(progress.snapshot().stage, QStringLiteral("Reading the reviews"));
    }

    // Nothing changed, and the next read is whole.
    EXPECT_EQ(AuditSnapshot::load(*project).units().size(), units);
    EXPECT_EQ(test::fileHash(path), before);
}

TEST(AuditSnapshotProgress, TheBootstrapCountsItsResamplesAndStopsAtCancel)
{
    test::TempDir dir;
    const auto project = generatedProject(dir, 2000);
    const AuditSnapshot snapshot = AuditSnapshot::load(*project);
    Progress progress;
    AuditOptions options;
    options.statistics.bootstrapResamples = 300;
    options.statistics.progress = &progress;
    const agreement::Result watched = snapshot.agreement(options);
    EXPECT_EQ(progress.snapshot().done, 300);
    EXPECT_EQ(progress.snapshot().total, 300);
    options.statistics.progress = nullptr;
    const agreement::Result plain = snapshot.agreement(options);
    ASSERT_TRUE(watched.fleissKappa.ci95 && plain.fleissKappa.ci95);
    EXPECT_EQ(watched.fleissKappa.ci95->high, plain.fleissKappa.ci95->high); // watching changes nothing

    Progress cancelled;
    cancelled.cancel();
    options.statistics.progress = &cancelled;
    EXPECT_THROW(snapshot.agreement(options), Cancelled);
}
