// Several reviewers: merging project files, importing reviews, two writers at once, the final
// state (majority rule and adjudication) and what the audit derives from the reviews.

#include "audit/audit.h"
#include "audit/merge.h"
#include "error.h"
#include "export/exporter.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

const QStringList kItems = {QStringLiteral("a.JPEG"), QStringLiteral("b.JPEG"), QStringLiteral("c.JPEG"),
                            QStringLiteral("d.JPEG"), QStringLiteral("e.JPEG"), QStringLiteral("f.JPEG")};

/** A project with six items labelled tench (0) that the model "vit" calls goldfish (1). */
std::unique_ptr<Project> makeProject(const test::TempDir &dir, const QString &name, const QStringList &items = kItems)
{
    QByteArray labels = "file_name\tindex\n";
    QByteArray predictions = "file_name,model,rank,class,score\n";
    for (const QString &item : items) {
        labels += item.toUtf8() + "\t0\n";
        predictions += item.toUtf8() + ",vit,1,1,0.8\n" + item.toUtf8() + ",vit,2,0,0.1\n";
    }
    auto project = Project::create(dir.path(name));
    importFile(*project, ImportFormat::Labels, test::writeFile(dir.path(name + QStringLiteral(".labels.tsv")), labels));
    importFile(*project, ImportFormat::Predictions, test::writeFile(dir.path(name + QStringLiteral(".predictions.csv")), predictions));
    return project;
}

ReviewId review(Project &p, const QString &item, const QString &reviewer, Verdict verdict,
                std::optional<Category> category = std::nullopt, std::optional<Severity> severity = std::nullopt,
                QDateTime time = {})
{
    ReviewInput in;
    in.fileName = item;
    in.reviewer = reviewer;
    in.model = QStringLiteral("vit");
    in.verdict = verdict;
    in.category = category;
    in.severity = severity;
    in.time = time;
    return p.recordReview(in);
}

QJsonObject exportTfds(const Project &project, const test::TempDir &dir)
{
    const QString out = dir.path(QStringLiteral("export.json"));
    QFile::remove(out);
    exportFile(project, ExportFormat::TfdsMultilabel, out);
    QFile file(out);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QStringList labelsOf(const QJsonObject &tfds, const QString &item, const char *judgement)
{
    QStringList out;
    for (const QJsonValue &v : tfds[QStringLiteral("initial_annots")][item][QLatin1String(judgement)].toArray())
        out << v.toString();
    return out;
}

const QString kTench = QStringLiteral("n01440764");
const QString kGoldfish = QStringLiteral("n01443537");

} // namespace

TEST(Merge, BringsInOtherReviewersOnceWithAuthorAndTime)
{
    test::TempDir dir;
    auto mine = makeProject(dir, QStringLiteral("mine.bagel"));
    // The other reviewer works on a copy made before anyone reviewed.
    mine.reset();
    ASSERT_TRUE(QFile::copy(dir.path(QStringLiteral("mine.bagel")), dir.path(QStringLiteral("theirs.bagel"))));
    mine = Project::open(dir.path(QStringLiteral("mine.bagel")));
    auto theirs = Project::open(dir.path(QStringLiteral("theirs.bagel")));

    const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-03-01T10:00:00Z"), Qt::ISODate);
    review(*mine, QStringLiteral("a.JPEG"), QStringLiteral("alice"), Verdict::Correct, {}, {}, t0);
    review(*theirs, QStringLiteral("a.JPEG"), QStringLiteral("bob"), Verdict::Wrong, Category::FineGrained, Severity::Minor,
           t0.addSecs(5));
    const ReviewId undone = review(*theirs, QStringLiteral("b.JPEG"), QStringLiteral("bob"), Verdict::Unclear, {}, {}, t0.addSecs(9));
    theirs->retractReview(undone);
    review(*theirs, QStringLiteral("b.JPEG"), QStringLiteral("bob"), Verdict::Correct, {}, {}, t0.addSecs(20));
    AdjudicationInput adj;
    adj.fileName = QStringLiteral("c.JPEG");
    adj.model = QStringLiteral("vit");
    adj.lead = QStringLiteral("lee");
    adj.verdict = Verdict::Wrong;
    adj.reason = QStringLiteral("goldfish are orange");
    theirs->adjudicate(adj);
    theirs.reset();

    const MergeReport first = mergeProject(*mine, dir.path(QStringLiteral("theirs.bagel")));
    EXPECT_EQ(first.reviewsAdded, 4);
    EXPECT_EQ(first.adjudicationsAdded, 1);
    EXPECT_EQ(first.reviewersAdded, 2); // bob and the lead
    const qint64 reviewsAfterFirst = mine->store().counts().reviews;
    EXPECT_EQ(reviewsAfterFirst, 5);

    const MergeReport second = mergeProject(*mine, dir.path(QStringLiteral("theirs.bagel")));
    EXPECT_EQ(second.reviewsAdded, 0);
    EXPECT_EQ(second.reviewsPresent, 4);
    EXPECT_EQ(second.adjudicationsAdded, 0);
    EXPECT_EQ(mine->store().counts().reviews, reviewsAfterFirst);

    // Author, time and the undo survive; the retraction points at the merged copy.
    const ItemId a = mine->store().itemByFileName(QStringLiteral("a.JPEG"))->id;
    const QVector<ReviewRecord> latestA = mine->latestReviews(a);
    ASSERT_EQ(latestA.size(), 2);
    EXPECT_EQ(latestA[1].reviewer, mine->store().reviewerId(QStringLiteral("bob"), false));
    EXPECT_EQ(latestA[1].time, t0.addSecs(5));
    EXPECT_EQ(latestA[1].category, Category::FineGrained);
    const ItemId b = mine->store().itemByFileName(QStringLiteral("b.JPEG"))->id;
    const QVector<ReviewRecord> latestB = mine->latestReviews(b);
    ASSERT_EQ(latestB.size(), 1);
    EXPECT_EQ(latestB[0].verdict, Verdict::Correct);

    // Merging the other way round brings alice's review and nothing twice.
    theirs = Project::open(dir.path(QStringLiteral("theirs.bagel")));
    const MergeReport back = mergeProject(*theirs, dir.path(QStringLiteral("mine.bagel")));
    EXPECT_EQ(back.reviewsAdded, 1);
    EXPECT_EQ(back.reviewsPresent, 4);
    EXPECT_EQ(theirs->store().counts().reviews, mine->store().counts().reviews);
}

TEST(Merge, RefusesProjectsWithOtherItemsAndChangesNothing)
{
    test::TempDir dir;
    auto mine = makeProject(dir, QStringLiteral("mine.bagel"));
    auto other = makeProject(dir, QStringLiteral("other.bagel"), {QStringLiteral("a.JPEG"), QStringLiteral("z.JPEG")});
    review(*other, QStringLiteral("a.JPEG"), QStringLiteral("bob"), Verdict::Correct);
    other.reset();
    const QByteArray before = test::fileHash(dir.path(QStringLiteral("mine.bagel")));
    try {
        mergeProject(*mine, dir.path(QStringLiteral("other.bagel")));
        FAIL() << "merged a project with other items";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QLatin1String("hold different items"))) << e.message().toStdString();
        EXPECT_TRUE(e.message().contains(QLatin1String("z.JPEG"))) << e.message().toStdString();
        EXPECT_TRUE(e.message().contains(QLatin1String("5 items only in"))) << e.message().toStdString();
    }
    EXPECT_EQ(mine->store().counts().reviews, 0);
    EXPECT_EQ(test::fileHash(dir.path(QStringLiteral("mine.bagel"))), before);
    EXPECT_THROW(mergeProject(*mine, dir.path(QStringLiteral("mine.bagel"))), Error);
}

TEST(Merge, CliMergesSeveralFilesAndIsIdempotent)
{
    test::TempDir dir;
    makeProject(dir, QStringLiteral("lead.bagel")).reset();
    for (const QString &name : {QStringLiteral("r1.bagel"), QStringLiteral("r2.bagel")}) {
        ASSERT_TRUE(QFile::copy(dir.path(QStringLiteral("lead.bagel")), dir.path(name)));
        auto p = Project::open(dir.path(name));
        for (const QString &item : kItems)
            review(*p, item, name.left(2), Verdict::Wrong, Category::FineGrained, Severity::Major);
    }
    const test::CliResult first = test::runCli({QStringLiteral("merge"), dir.path(QStringLiteral("lead.bagel")),
                                                dir.path(QStringLiteral("r1.bagel")), dir.path(QStringLiteral("r2.bagel")),
                                                QStringLiteral("--json")},
                                               dir.path());
    ASSERT_EQ(first.exitCode, 0) << first.err.toStdString();
    const QJsonArray merged = QJsonDocument::fromJson(first.out.toUtf8()).object()[QStringLiteral("merged")].toArray();
    ASSERT_EQ(merged.size(), 2);
    EXPECT_EQ(merged[0][QStringLiteral("reviews_added")].toInt(), 6);
    EXPECT_EQ(merged[1][QStringLiteral("reviews_added")].toInt(), 6);
    const test::CliResult again = test::runCli({QStringLiteral("merge"), dir.path(QStringLiteral("lead.bagel")),
                                                dir.path(QStringLiteral("r1.bagel")), QStringLiteral("--json")},
                                               dir.path());
    ASSERT_EQ(again.exitCode, 0);
    EXPECT_EQ(QJsonDocument::fromJson(again.out.toUtf8()).object()[QStringLiteral("merged")][0][QStringLiteral("reviews_added")].toInt(), 0);
    EXPECT_EQ(Project::open(dir.path(QStringLiteral("lead.bagel")))->store().counts().reviews, 12);
}

TEST(ReviewsCsv, ImportsOnceAndNamesTheBadLine)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    const QString good = test::writeFile(dir.path(QStringLiteral("reviews.csv")),
                                         "file_name,model,reviewer,verdict,category,severity,note,time\n"
                                         "a.JPEG,vit,alice,wrong,fine-grained,major,\"orange, not olive\",2026-01-02T03:04:05Z\n"
                                         "a.JPEG,vit,bob,correct,,,,2026-01-02T03:05:00+01:00\n"
                                         "b.JPEG,,carol,unclear,,,,\n");
    const ImportReport report = importFile(*project, ImportFormat::Reviews, good);
    EXPECT_EQ(report.added.value(QStringLiteral("reviews")), 3);
    EXPECT_EQ(report.added.value(QStringLiteral("reviewers")), 3);
    const ItemId a = project->store().itemByFileName(QStringLiteral("a.JPEG"))->id;
    const QVector<ReviewRecord> latest = project->latestReviews(a);
    ASSERT_EQ(latest.size(), 2);
    // In time order: bob's +01:00 time is the earlier one.
    EXPECT_EQ(latest[1].note, QStringLiteral("orange, not olive"));
    EXPECT_EQ(latest[1].time, QDateTime::fromString(QStringLiteral("2026-01-02T03:04:05Z"), Qt::ISODate));
    EXPECT_EQ(latest[0].time, QDateTime::fromString(QStringLiteral("2026-01-02T02:05:00Z"), Qt::ISODate));
    EXPECT_EQ(latest[1].source, QStringLiteral("reviews-csv"));

    const ImportReport again = importFile(*project, ImportFormat::Reviews, good);
    EXPECT_TRUE(again.added.isEmpty());
    EXPECT_EQ(again.unchanged.value(QStringLiteral("reviews")), 3); // a review's uid is its row, time or not
    EXPECT_EQ(project->store().counts().reviews, 3);

    const qint64 reviews = project->store().counts().reviews;
    const QString bad = test::writeFile(dir.path(QStringLiteral("bad.csv")),
                                        "file_name,model,reviewer,verdict,category,severity,note,time\n"
                                        "c.JPEG,vit,dan,wrong,fine-grained,major,,\n"
                                        "d.JPEG,vit,dan,correct,fine-grained,,,\n");
    try {
        importFile(*project, ImportFormat::Reviews, bad);
        FAIL() << "imported a category on a correct verdict";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().startsWith(bad + QStringLiteral(":3"))) << e.message().toStdString();
        EXPECT_TRUE(e.message().contains(QLatin1String("category"))) << e.message().toStdString();
    }
    EXPECT_EQ(project->store().counts().reviews, reviews);
    const QString unknown = test::writeFile(dir.path(QStringLiteral("unknown.csv")),
                                            "file_name,model,reviewer,verdict,category,severity,note,time\n"
                                            "zz.JPEG,vit,dan,correct,,,,\n");
    EXPECT_THROW(importFile(*project, ImportFormat::Reviews, unknown), Error);
    const QString badTime = test::writeFile(dir.path(QStringLiteral("time.csv")),
                                            "file_name,model,reviewer,verdict,category,severity,note,time\n"
                                            "c.JPEG,vit,dan,correct,,,,yesterday\n");
    try {
        importFile(*project, ImportFormat::Reviews, badTime);
        FAIL();
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QLatin1String("yesterday"))) << e.message().toStdString();
        EXPECT_TRUE(e.message().contains(QLatin1String(":2"))) << e.message().toStdString();
    }
    EXPECT_EQ(project->store().counts().reviews, reviews);
}

TEST(Concurrency, TwoProcessesWriteAtOnceWithoutLosingAReview)
{
    test::TempDir dir;
    makeProject(dir, QStringLiteral("p.bagel")).reset();
    const QString project = dir.path(QStringLiteral("p.bagel"));
    constexpr int kPerProcess = 40;
    QList<QProcess *> processes;
    for (const QString &reviewer : {QStringLiteral("alice"), QStringLiteral("bob")}) {
        auto *process = new QProcess;
        // Each child records kPerProcess reviews, one bagel-cli process (and transaction) each.
        const QString script = QStringLiteral("for i in $(seq 1 %1); do \"$0\" --log-file \"$1/%2.log\" review \"$1/p.bagel\" "
                                              "--item a.JPEG --model vit --reviewer %2 --verdict correct || exit 1; done")
                                   .arg(kPerProcess)
                                   .arg(reviewer);
        process->start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script, test::cliPath(), dir.path()});
        processes << process;
    }
    for (QProcess *process : processes) {
        ASSERT_TRUE(process->waitForFinished(120000));
        EXPECT_EQ(process->exitCode(), 0) << process->readAllStandardError().toStdString();
        EXPECT_FALSE(process->readAllStandardError().contains("locked"));
        delete process;
    }
    auto p = Project::open(project);
    EXPECT_EQ(p->store().counts().reviews, 2 * kPerProcess);
}

TEST(FinalState, MajorityRuleTiesAndAdjudicationDriveTheExport)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    // a: two say wrong, one correct → wrong (majority), category by plurality.
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("r1"), Verdict::Wrong, Category::FineGrained, Severity::Major);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("r2"), Verdict::Wrong, Category::FineGrained, Severity::Minor);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("r3"), Verdict::Correct);
    // b: one correct, one wrong → a tie, left open.
    review(*project, QStringLiteral("b.JPEG"), QStringLiteral("r1"), Verdict::Correct);
    review(*project, QStringLiteral("b.JPEG"), QStringLiteral("r2"), Verdict::Wrong);
    // c: one reviewer changed their mind; the later review counts.
    review(*project, QStringLiteral("c.JPEG"), QStringLiteral("r1"), Verdict::Wrong);
    review(*project, QStringLiteral("c.JPEG"), QStringLiteral("r1"), Verdict::Correct);

    AuditSnapshot snapshot = AuditSnapshot::load(*project);
    const ModelId vit = project->store().modelId(QStringLiteral("vit"), false);
    const auto stateOf = [&](const AuditSnapshot &s, const char *item) {
        return s.finalState(s.unitIndex(project->store().itemByFileName(QLatin1String(item))->id, vit));
    };
    const FinalState a = stateOf(snapshot, "a.JPEG");
    EXPECT_EQ(a.source, FinalState::Source::Majority);
    EXPECT_EQ(a.verdict, Verdict::Wrong);
    EXPECT_EQ(a.category, Category::FineGrained);
    EXPECT_FALSE(a.severity.has_value()); // major vs minor: tied
    EXPECT_EQ(a.deciders, (QStringList{QStringLiteral("r1"), QStringLiteral("r2")}));
    EXPECT_EQ(stateOf(snapshot, "b.JPEG").source, FinalState::Source::Tie);
    EXPECT_TRUE(stateOf(snapshot, "b.JPEG").isOpen());
    EXPECT_EQ(stateOf(snapshot, "c.JPEG").verdict, Verdict::Correct);
    EXPECT_EQ(stateOf(snapshot, "c.JPEG").source, FinalState::Source::Single);

    QJsonObject tfds = exportTfds(*project, dir);
    EXPECT_EQ(labelsOf(tfds, QStringLiteral("a.JPEG"), "wrong"), QStringList{kGoldfish});
    EXPECT_TRUE(tfds[QStringLiteral("initial_annots")][QStringLiteral("b.JPEG")].isUndefined()); // open: unchanged
    EXPECT_EQ(labelsOf(tfds, QStringLiteral("c.JPEG"), "correct"), QStringList{kGoldfish});

    // The lead settles b: goldfish is right after all, and it becomes a gold unit.
    AdjudicationInput adj;
    adj.fileName = QStringLiteral("b.JPEG");
    adj.model = QStringLiteral("vit");
    adj.lead = QStringLiteral("lee");
    adj.verdict = Verdict::Correct;
    adj.reason = QStringLiteral("the fish is a goldfish");
    adj.gold = true;
    project->adjudicate(adj);
    tfds = exportTfds(*project, dir);
    EXPECT_EQ(labelsOf(tfds, QStringLiteral("b.JPEG"), "correct"), QStringList{kGoldfish});
    snapshot = AuditSnapshot::load(*project);
    EXPECT_EQ(stateOf(snapshot, "b.JPEG").source, FinalState::Source::Adjudicated);
    EXPECT_EQ(stateOf(snapshot, "b.JPEG").reason, QStringLiteral("the fish is a goldfish"));
    // Gold: r1 said correct (right), r2 wrong.
    for (const ReviewerStats &s : snapshot.reviewerStats()) {
        if (s.name == QLatin1String("r1")) {
            EXPECT_EQ(s.goldUnits, 1);
            EXPECT_EQ(s.goldAccuracy, 1.0);
        } else if (s.name == QLatin1String("r2")) {
            EXPECT_EQ(s.goldAccuracy, 0.0);
        } else {
            EXPECT_EQ(s.goldUnits, 0);
            EXPECT_FALSE(s.goldAccuracy.has_value());
        }
    }
    // The lead is not a rater.
    for (const ReviewerRecord &r : snapshot.reviewers())
        EXPECT_NE(r.name, QStringLiteral("lee"));

    // Withdrawing returns b to the tie; an adjudication needs a reason.
    adj.verdict.reset();
    adj.gold = false;
    adj.reason = QStringLiteral("let the panel decide");
    project->adjudicate(adj);
    tfds = exportTfds(*project, dir);
    EXPECT_TRUE(tfds[QStringLiteral("initial_annots")][QStringLiteral("b.JPEG")].isUndefined());
    adj.verdict = Verdict::Wrong;
    adj.reason = QStringLiteral("  ");
    EXPECT_THROW(project->adjudicate(adj), Error);
    adj.reason = QStringLiteral("x");
    adj.verdict = Verdict::Correct;
    adj.category = Category::FineGrained;
    EXPECT_THROW(project->adjudicate(adj), Error);
}

TEST(AuditSnapshot, RatingsPerFieldFollowTheLatestReviews)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("ann"), Verdict::Wrong, Category::FineGrained, Severity::Borderline);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("ben"), Verdict::Wrong, Category::NonPrototypical, Severity::Minor);
    const ReviewId undone = review(*project, QStringLiteral("b.JPEG"), QStringLiteral("ann"), Verdict::Unclear);
    project->retractReview(undone);
    review(*project, QStringLiteral("b.JPEG"), QStringLiteral("ben"), Verdict::Correct);
    // ann adds the original label as correct on a; ben leaves the imported (empty) set.
    ReviewInput edit;
    edit.fileName = QStringLiteral("a.JPEG");
    edit.reviewer = QStringLiteral("ann");
    edit.labelChanges = {LabelChange{0, LabelEdit::Correct}};
    project->recordReview(edit);

    const AuditSnapshot s = AuditSnapshot::load(*project);
    ASSERT_EQ(s.reviewers().size(), 2);
    EXPECT_EQ(s.reviewers()[0].name, QStringLiteral("ann"));
    ASSERT_EQ(s.units().size(), 2u); // a (both) and b (ben only: ann's review was undone)
    const std::vector<int> all = s.unitsOf(0);
    QStringList names;
    agreement::RatingTable verdicts = s.table(AuditField::Verdict, all, false, &names);
    EXPECT_EQ(names, verdictNames());
    EXPECT_EQ(verdicts.at(0, 0), int(Verdict::Wrong));
    EXPECT_EQ(verdicts.at(0, 1), int(Verdict::Wrong));
    EXPECT_EQ(verdicts.at(1, 0), agreement::kMissing);
    EXPECT_EQ(verdicts.at(1, 1), int(Verdict::Correct));
    const agreement::RatingTable severity = s.table(AuditField::Severity, all, false);
    EXPECT_EQ(severity.at(0, 0), int(Severity::Borderline));
    const agreement::RatingTable folded = s.table(AuditField::Severity, all, true, &names);
    EXPECT_EQ(folded.values, 2);
    EXPECT_EQ(folded.at(0, 0), folded.at(0, 1)); // borderline folds into minor
    EXPECT_EQ(s.table(AuditField::Category, all, false).at(1, 1), agreement::kMissing); // correct: no category
    const agreement::RatingTable labels = s.table(AuditField::Labels, all, false, &names);
    ASSERT_TRUE(labels.isSetValued());
    EXPECT_EQ(labels.sets[std::size_t(labels.at(0, 0))], std::vector<int>{0});   // ann: tench
    EXPECT_EQ(labels.sets[std::size_t(labels.at(0, 1))], std::vector<int>{});    // ben: nothing correct
    EXPECT_EQ(labels.sets[std::size_t(labels.at(1, 1))], std::vector<int>{1});   // correct verdict: goldfish

    AuditOptions options;
    options.field = AuditField::Category;
    const QVector<Disagreement> queue = s.disagreements(options);
    ASSERT_EQ(queue.size(), 1);
    EXPECT_EQ(s.units()[std::size_t(queue[0].unit)].fileName, QStringLiteral("a.JPEG"));
    EXPECT_DOUBLE_EQ(queue[0].dispute, 1.0);
    options.field = AuditField::Verdict;
    EXPECT_TRUE(s.disagreements(options).isEmpty());
}

TEST(AgreementCli, JsonHasTheDocumentedKeysAndNullWhereUndefined)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    // Everyone says wrong everywhere: kappa is not defined (one category only).
    for (const QString &item : kItems) {
        for (const QString &r : {QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("z")})
            review(*project, item, r, Verdict::Wrong);
    }
    project.reset();
    const test::CliResult result = test::runCli({QStringLiteral("agreement"), dir.path(QStringLiteral("p.bagel")),
                                                 QStringLiteral("--json"), QStringLiteral("--bootstrap"), QStringLiteral("50")},
                                                dir.path());
    ASSERT_EQ(result.exitCode, 0) << result.err.toStdString();
    EXPECT_FALSE(result.out.contains(QLatin1String("nan"), Qt::CaseInsensitive));
    const QJsonObject json = QJsonDocument::fromJson(result.out.toUtf8()).object();
    EXPECT_EQ(json[QStringLiteral("units")].toInt(), 6);
    EXPECT_DOUBLE_EQ(json[QStringLiteral("percent_agreement")].toDouble(), 1.0);
    EXPECT_TRUE(json[QStringLiteral("fleiss_kappa")].isNull());
    EXPECT_TRUE(json[QStringLiteral("krippendorff_alpha")].isNull());
    const QJsonArray cohen = json[QStringLiteral("cohen_kappa")].toArray();
    ASSERT_EQ(cohen.size(), 3);
    EXPECT_EQ(cohen[0][QStringLiteral("a")].toString(), QStringLiteral("x"));
    EXPECT_EQ(cohen[0][QStringLiteral("b")].toString(), QStringLiteral("y"));
    EXPECT_EQ(cohen[0][QStringLiteral("units")].toInt(), 6);
    EXPECT_TRUE(cohen[0][QStringLiteral("kappa")].isNull());
    const QJsonObject ci = json[QStringLiteral("ci95")].toObject();
    for (const char *key : {"percent_agreement", "fleiss_kappa", "krippendorff_alpha"})
        EXPECT_TRUE(ci.contains(QLatin1String(key))) << key;
    EXPECT_TRUE(ci[QStringLiteral("fleiss_kappa")].isNull());

    const test::CliResult bad = test::runCli({QStringLiteral("agreement"), dir.path(QStringLiteral("p.bagel")),
                                              QStringLiteral("--field"), QStringLiteral("colour")},
                                             dir.path());
    EXPECT_EQ(bad.exitCode, 2);
    const test::CliResult adjudicate = test::runCli(
        {QStringLiteral("adjudicate"), dir.path(QStringLiteral("p.bagel")), QStringLiteral("--item"), QStringLiteral("a.JPEG"),
         QStringLiteral("--model"), QStringLiteral("vit"), QStringLiteral("--verdict"), QStringLiteral("correct"),
         QStringLiteral("--reviewer"), QStringLiteral("lee"), QStringLiteral("--reason"), QStringLiteral("checked the fins")},
        dir.path());
    EXPECT_EQ(adjudicate.exitCode, 0) << adjudicate.err.toStdString();
    EXPECT_EQ(Project::open(dir.path(QStringLiteral("p.bagel")))->store().counts().adjudications, 1);
}

TEST(FinalState, TheFinalVerdictDecidesTheTop1OverLabelEditsAndConflictsBecomeUnclear)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    // alice says wrong and marks goldfish wrong explicitly; bob says wrong; the lead decides correct.
    ReviewInput alice;
    alice.fileName = QStringLiteral("a.JPEG");
    alice.reviewer = QStringLiteral("alice");
    alice.model = QStringLiteral("vit");
    alice.verdict = Verdict::Wrong;
    alice.labelChanges = {LabelChange{1, LabelEdit::Wrong}, LabelChange{0, LabelEdit::Correct}};
    project->recordReview(alice);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("bob"), Verdict::Wrong);
    AdjudicationInput adj;
    adj.fileName = QStringLiteral("a.JPEG");
    adj.model = QStringLiteral("vit");
    adj.lead = QStringLiteral("lee");
    adj.verdict = Verdict::Correct;
    adj.reason = QStringLiteral("it is a goldfish");
    project->adjudicate(adj);
    QJsonObject tfds = exportTfds(*project, dir);
    EXPECT_EQ(labelsOf(tfds, QStringLiteral("a.JPEG"), "correct"), (QStringList{kTench, kGoldfish})); // the edit of tench stays
    EXPECT_TRUE(labelsOf(tfds, QStringLiteral("a.JPEG"), "wrong").isEmpty());

    // A second model with the same top-1 on b: its majority says correct, vit's says wrong.
    importFile(*project, ImportFormat::Predictions,
               test::writeFile(dir.path(QStringLiteral("resnet.csv")), "file_name,model,rank,class,score\nb.JPEG,resnet,1,1,0.9\n"));
    review(*project, QStringLiteral("b.JPEG"), QStringLiteral("alice"), Verdict::Wrong);
    ReviewInput other;
    other.fileName = QStringLiteral("b.JPEG");
    other.reviewer = QStringLiteral("alice");
    other.model = QStringLiteral("resnet");
    other.verdict = Verdict::Correct;
    project->recordReview(other);
    tfds = exportTfds(*project, dir);
    EXPECT_EQ(labelsOf(tfds, QStringLiteral("b.JPEG"), "unclear"), QStringList{kGoldfish}); // the two units disagree
    // An adjudicated unit outranks a majority.
    adj.fileName = QStringLiteral("b.JPEG");
    adj.verdict = Verdict::Wrong;
    adj.reason = QStringLiteral("fins of a carp");
    project->adjudicate(adj);
    tfds = exportTfds(*project, dir);
    EXPECT_EQ(labelsOf(tfds, QStringLiteral("b.JPEG"), "wrong"), QStringList{kGoldfish});
    EXPECT_TRUE(labelsOf(tfds, QStringLiteral("b.JPEG"), "unclear").isEmpty());
}

TEST(FinalState, UnitsOnlyALeadDecidedExportButDoNotCountForAgreement)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("r1"), Verdict::Wrong);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("r2"), Verdict::Correct);
    review(*project, QStringLiteral("b.JPEG"), QStringLiteral("r1"), Verdict::Wrong);
    review(*project, QStringLiteral("b.JPEG"), QStringLiteral("r2"), Verdict::Wrong);
    AuditOptions options;
    options.statistics.bootstrapResamples = 200;
    const agreement::Result before = AuditSnapshot::load(*project).agreement(options);

    AdjudicationInput adj;
    adj.fileName = QStringLiteral("f.JPEG");
    adj.model = QStringLiteral("vit");
    adj.lead = QStringLiteral("lee");
    adj.reason = QStringLiteral("nothing to withdraw");
    try {
        project->adjudicate(adj);
        FAIL() << "withdrew an adjudication that does not exist";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QLatin1String("no adjudication to withdraw"))) << e.message().toStdString();
    }
    adj.verdict = Verdict::Wrong;
    adj.reason = QStringLiteral("seen by the lead only");
    project->adjudicate(adj);

    const AuditSnapshot after = AuditSnapshot::load(*project);
    EXPECT_EQ(after.units().size(), 3u);
    EXPECT_EQ(after.unitsOf(0).size(), 2u);
    const agreement::Result result = after.agreement(options);
    EXPECT_EQ(result.units, before.units);
    ASSERT_TRUE(result.percentAgreement.ci95 && before.percentAgreement.ci95);
    EXPECT_EQ(result.percentAgreement.ci95->low, before.percentAgreement.ci95->low);
    EXPECT_EQ(result.percentAgreement.ci95->high, before.percentAgreement.ci95->high);
    EXPECT_EQ(labelsOf(exportTfds(*project, dir), QStringLiteral("f.JPEG"), "wrong"), QStringList{kGoldfish});
}

TEST(Merge, RefusesOtherPredictionsAndNamesTheSourceInErrors)
{
    test::TempDir dir;
    auto mine = makeProject(dir, QStringLiteral("mine.bagel"));
    {
        auto theirs = makeProject(dir, QStringLiteral("theirs.bagel"));
        importFile(*theirs, ImportFormat::Predictions,
                   test::writeFile(dir.path(QStringLiteral("other.csv")), "file_name,model,rank,class,score\nc.JPEG,vit,1,2,0.9\n"));
        review(*theirs, QStringLiteral("c.JPEG"), QStringLiteral("bob"), Verdict::Wrong);
    }
    try {
        mergeProject(*mine, dir.path(QStringLiteral("theirs.bagel")));
        FAIL() << "merged verdicts about other predictions";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QLatin1String("predicts another top-1"))) << e.message().toStdString();
        EXPECT_TRUE(e.message().contains(QLatin1String("c.JPEG: goldfish here, great white shark there"))) << e.message().toStdString();
    }
    EXPECT_EQ(mine->store().counts().reviews, 0);

    // A source written by a newer Bagel: the message names the user's file, not a copy.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
        db.setDatabaseName(dir.path(QStringLiteral("theirs.bagel")));
        ASSERT_TRUE(db.open());
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("UPDATE meta SET value = '99' WHERE key = 'schema_version'")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("newer"));
    try {
        mergeProject(*mine, dir.path(QStringLiteral("theirs.bagel")));
        FAIL() << "merged a file from a newer Bagel";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().startsWith(dir.path(QStringLiteral("theirs.bagel")))) << e.message().toStdString();
        EXPECT_TRUE(e.message().contains(QLatin1String("newer Bagel"))) << e.message().toStdString();
    }
}

TEST(ReviewsCsv, ATimeWithoutAnOffsetIsUtcWhateverTheMachinesZone)
{
    test::TempDir dir;
    makeProject(dir, QStringLiteral("p.bagel")).reset();
    // 02:30 on 2024-03-31 does not exist in Berlin (the clocks jump from 2:00 to 3:00).
    const QString csv = test::writeFile(dir.path(QStringLiteral("r.csv")),
                                        "file_name,model,reviewer,verdict,category,severity,note,time\n"
                                        "a.JPEG,vit,ann,correct,,,,2024-03-31T02:30:00\n"
                                        "b.JPEG,vit,ann,correct,,,,2024-03-31\n");
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TZ"), QStringLiteral("Europe/Berlin"));
    cli.setProcessEnvironment(env);
    cli.start(test::cliPath(), {QStringLiteral("--log-file"), dir.path(QStringLiteral("log")), QStringLiteral("import"),
                                dir.path(QStringLiteral("p.bagel")), QStringLiteral("reviews"), csv});
    ASSERT_TRUE(cli.waitForFinished(60000));
    ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
    auto project = Project::open(dir.path(QStringLiteral("p.bagel")));
    const auto timeOf = [&](const char *item) {
        return project->latestReviews(project->store().itemByFileName(QLatin1String(item))->id).value(0).time;
    };
    EXPECT_EQ(timeOf("a.JPEG"), QDateTime::fromString(QStringLiteral("2024-03-31T02:30:00Z"), Qt::ISODate));
    EXPECT_EQ(timeOf("b.JPEG"), QDateTime::fromString(QStringLiteral("2024-03-31T00:00:00Z"), Qt::ISODate));
}

TEST(Concurrency, AWriterWaitsOutALockHeldLongerThanTheBusyTimeout)
{
    test::TempDir dir;
    makeProject(dir, QStringLiteral("p.bagel")).reset();
    // Another program holds the write lock for 12 s, longer than one busy timeout (10 s).
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("holder"));
    db.setDatabaseName(dir.path(QStringLiteral("p.bagel")));
    ASSERT_TRUE(db.open());
    {
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("BEGIN IMMEDIATE")));
    }
    QProcess cli;
    QElapsedTimer timer;
    timer.start();
    cli.start(test::cliPath(), {QStringLiteral("--log-file"), dir.path(QStringLiteral("log")), QStringLiteral("review"),
                                dir.path(QStringLiteral("p.bagel")), QStringLiteral("--item"), QStringLiteral("a.JPEG"),
                                QStringLiteral("--model"), QStringLiteral("vit"), QStringLiteral("--reviewer"),
                                QStringLiteral("ann"), QStringLiteral("--verdict"), QStringLiteral("correct")});
    EXPECT_FALSE(cli.waitForFinished(12000)); // still waiting, not failed
    {
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("COMMIT")));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("holder"));
    ASSERT_TRUE(cli.waitForFinished(60000));
    EXPECT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
    EXPECT_GE(timer.elapsed(), 12000);
    EXPECT_EQ(Project::open(dir.path(QStringLiteral("p.bagel")))->store().counts().reviews, 1);
}

// ---------------------------------------------------------------------------------------------
// Leads: adjudication is a lead's act once the project names any.

namespace {

qint64 adjudicationCount(const QString &path)
{
    return Project::open(path, true)->store().counts().adjudications;
}

AdjudicationInput adjudication(const QString &item, const QString &lead)
{
    AdjudicationInput in;
    in.fileName = item;
    in.model = QStringLiteral("vit");
    in.lead = lead;
    in.verdict = Verdict::Correct;
    in.reason = QStringLiteral("checked the fins");
    return in;
}

test::CliResult adjudicateCli(const test::TempDir &dir, const QString &lead, const QString &item = QStringLiteral("a.JPEG"))
{
    return test::runCli({QStringLiteral("adjudicate"), dir.path(QStringLiteral("p.bagel")), QStringLiteral("--item"), item,
                         QStringLiteral("--model"), QStringLiteral("vit"), QStringLiteral("--verdict"), QStringLiteral("correct"),
                         QStringLiteral("--reviewer"), lead, QStringLiteral("--reason"), QStringLiteral("checked the fins")},
                        dir.path());
}

} // namespace

TEST(Leads, AnyoneAdjudicatesUntilALeadIsNamedThenOnlyLeads)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("ann"), Verdict::Wrong);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("bo"), Verdict::Correct);
    EXPECT_TRUE(project->leads().isEmpty());
    EXPECT_TRUE(project->adjudicationRefusal(QStringLiteral("anyone")).isEmpty());
    project->adjudicate(adjudication(QStringLiteral("a.JPEG"), QStringLiteral("anyone")));

    EXPECT_TRUE(project->addLead(QStringLiteral("lee")));
    EXPECT_FALSE(project->addLead(QStringLiteral("lee")));
    EXPECT_TRUE(project->addLead(QStringLiteral("kim")));
    EXPECT_EQ(project->leads(), (QStringList{QStringLiteral("kim"), QStringLiteral("lee")}));
    const qint64 before = project->store().counts().adjudications;
    try {
        project->adjudicate(adjudication(QStringLiteral("b.JPEG"), QStringLiteral("anyone")));
        ADD_FAILURE() << "a non-lead adjudicated";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QLatin1String("'anyone' is not one of this project's leads (kim, lee)"))) << e.message().toStdString();
    }
    EXPECT_EQ(project->store().counts().adjudications, before);
    EXPECT_GT(project->adjudicate(adjudication(QStringLiteral("b.JPEG"), QStringLiteral("lee"))), 0);
    EXPECT_EQ(project->store().counts().adjudications, before + 1);

    // The lists survive reopening; removing the last lead opens adjudication to everyone again.
    project.reset();
    project = Project::open(dir.path(QStringLiteral("p.bagel")));
    EXPECT_TRUE(project->isLead(QStringLiteral("kim")));
    EXPECT_THROW(project->removeLead(QStringLiteral("anyone")), Error);
    project->removeLead(QStringLiteral("kim"));
    project->removeLead(QStringLiteral("lee"));
    EXPECT_TRUE(project->leads().isEmpty());
    EXPECT_TRUE(project->adjudicationRefusal(QStringLiteral("anyone")).isEmpty());
    EXPECT_THROW(project->addLead(QStringLiteral(" padded ")), Error);
}

TEST(Leads, ALeadWhoRatedTheUnitIsKnownAsSuch)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("lee"), Verdict::Wrong);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("lee"), Verdict::Unclear); // the latest counts
    EXPECT_EQ(project->ownVerdict(QStringLiteral("a.JPEG"), QStringLiteral("vit"), QStringLiteral("lee")), Verdict::Unclear);
    EXPECT_FALSE(project->ownVerdict(QStringLiteral("b.JPEG"), QStringLiteral("vit"), QStringLiteral("lee")));
    EXPECT_FALSE(project->ownVerdict(QStringLiteral("a.JPEG"), QStringLiteral("vit"), QStringLiteral("kim")));
}

TEST(Leads, ADamagedListRefusesEveryoneAndCheckSaysSo)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    {
        Transaction tx(project->store());
        project->store().setMeta(QStringLiteral("leads"), QStringLiteral("lee, kim"));
        tx.commit();
    }
    EXPECT_FALSE(project->adjudicationRefusal(QStringLiteral("lee")).isEmpty());
    EXPECT_THROW(project->adjudicate(adjudication(QStringLiteral("a.JPEG"), QStringLiteral("lee"))), Error);
    const QString path = project->path();
    project.reset();
    const test::CliResult check = test::runCli({QStringLiteral("check"), path}, dir.path());
    EXPECT_NE(check.exitCode, 0);
    EXPECT_TRUE(check.out.contains(QLatin1String("leads"))) << check.out.toStdString();
    // Naming the leads again repairs the list.
    const test::CliResult add = test::runCli({QStringLiteral("leads"), path, QStringLiteral("--add"), QStringLiteral("lee")}, dir.path());
    ASSERT_EQ(add.exitCode, 0) << add.err.toStdString();
    EXPECT_EQ(Project::open(path)->leads(), QStringList{QStringLiteral("lee")});
    EXPECT_EQ(test::runCli({QStringLiteral("check"), path}, dir.path()).exitCode, 0);
}

TEST(Leads, ADamagedListIsNeverShownAsOpenToEveryone)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    {
        Transaction tx(project->store());
        project->store().setMeta(QStringLiteral("leads"), QStringLiteral("[\"lee\", 5]"));
        tx.commit();
    }
    EXPECT_FALSE(project->leadsProblem().isEmpty());
    const QString path = project->path();
    project.reset();
    const test::CliResult list = test::runCli({QStringLiteral("leads"), path}, dir.path());
    EXPECT_NE(list.exitCode, 0);
    EXPECT_TRUE(list.err.contains(QLatin1String("nobody may adjudicate"))) << list.err.toStdString();
    EXPECT_FALSE(list.out.contains(QLatin1String("anyone"))) << list.out.toStdString();
    const test::CliResult info = test::runCli({QStringLiteral("info"), path}, dir.path());
    EXPECT_TRUE(info.out.contains(QLatin1String("cannot be read"))) << info.out.toStdString();
    EXPECT_FALSE(info.out.contains(QLatin1String("anyone may adjudicate"))) << info.out.toStdString();
    // Removing a name from it says why it cannot, never "(leads: none)".
    const QByteArray before = test::fileHash(path);
    const test::CliResult remove = test::runCli({QStringLiteral("leads"), path, QStringLiteral("--remove"), QStringLiteral("lee")}, dir.path());
    EXPECT_EQ(remove.exitCode, 1);
    EXPECT_TRUE(remove.err.contains(QLatin1String("nobody may adjudicate"))) << remove.err.toStdString();
    EXPECT_FALSE(remove.err.contains(QLatin1String("none"))) << remove.err.toStdString();
    EXPECT_EQ(test::fileHash(path), before);
}

TEST(Leads, ANameTypedWithCombiningAccentsIsTheSameLead)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    const QString composed = QStringLiteral("Zo\u00eb");   // ë as one code point (NFC)
    const QString decomposed = QStringLiteral("Zoe\u0308"); // e + combining diaeresis (NFD)
    ASSERT_NE(composed, decomposed);
    EXPECT_TRUE(project->addLead(composed));
    EXPECT_TRUE(project->adjudicationRefusal(decomposed).isEmpty());
    EXPECT_FALSE(project->adjudicationRefusal(QStringLiteral("Zoe")).isEmpty());
}

TEST(Leads, AMergeLeavesOutAdjudicationsByThoseWhoAreNotLeadsOfTheTarget)
{
    test::TempDir dir;
    auto target = makeProject(dir, QStringLiteral("p.bagel"));
    auto source = makeProject(dir, QStringLiteral("q.bagel"));
    review(*source, QStringLiteral("a.JPEG"), QStringLiteral("ann"), Verdict::Wrong);
    source->adjudicate(adjudication(QStringLiteral("a.JPEG"), QStringLiteral("bob"))); // bob decides in his own copy
    source->adjudicate(adjudication(QStringLiteral("b.JPEG"), QStringLiteral("zoe")));
    const QString sourcePath = source->path();
    source.reset();

    ASSERT_TRUE(target->addLead(QStringLiteral("zoe")));
    const MergeReport merged = mergeProject(*target, sourcePath);
    EXPECT_EQ(merged.reviewsAdded, 1);
    EXPECT_EQ(merged.adjudicationsAdded, 1);   // zoe's
    EXPECT_EQ(merged.adjudicationsRefused, 1); // bob's
    EXPECT_TRUE(merged.summary().contains(QLatin1String("1 adjudications left out"))) << merged.summary().toStdString();
    EXPECT_EQ(merged.toJson().value(QStringLiteral("adjudications_refused")).toInt(), 1);
    EXPECT_EQ(target->store().counts().adjudications, 1);
    const auto item = target->store().itemByFileName(QStringLiteral("a.JPEG"));
    EXPECT_TRUE(target->store().adjudications(item->id).isEmpty());

    // Without leads in the target, anyone's adjudication comes along, as before.
    auto open = makeProject(dir, QStringLiteral("r.bagel"));
    const MergeReport all = mergeProject(*open, sourcePath);
    EXPECT_EQ(all.adjudicationsAdded, 2);
    EXPECT_EQ(all.adjudicationsRefused, 0);
}

TEST(LeadsCli, ListsAddsRemovesAndARefusedAdjudicationWritesNothing)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("lee"), Verdict::Wrong);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("bo"), Verdict::Correct);
    project.reset();
    const QString path = dir.path(QStringLiteral("p.bagel"));

    const test::CliResult none = test::runCli({QStringLiteral("leads"), path}, dir.path());
    ASSERT_EQ(none.exitCode, 0) << none.err.toStdString();
    EXPECT_TRUE(none.out.contains(QLatin1String("anyone may adjudicate"))) << none.out.toStdString();
    // While none is named, the lead's tools suggest naming them.
    const test::CliResult agreement = test::runCli({QStringLiteral("agreement"), path, QStringLiteral("--bootstrap"), QStringLiteral("0")}, dir.path());
    ASSERT_EQ(agreement.exitCode, 0) << agreement.err.toStdString();
    EXPECT_TRUE(agreement.out.contains(QLatin1String("bagel-cli leads"))) << agreement.out.toStdString();

    const test::CliResult add = test::runCli({QStringLiteral("leads"), path, QStringLiteral("--add"), QStringLiteral("lee"),
                                              QStringLiteral("--add"), QStringLiteral("kim"), QStringLiteral("--json")},
                                             dir.path());
    ASSERT_EQ(add.exitCode, 0) << add.err.toStdString();
    EXPECT_EQ(QJsonDocument::fromJson(add.out.toUtf8()).object()[QStringLiteral("leads")].toArray(),
              (QJsonArray{QStringLiteral("kim"), QStringLiteral("lee")}));

    const qint64 before = adjudicationCount(path);
    const QByteArray hash = test::fileHash(path);
    const test::CliResult refused = adjudicateCli(dir, QStringLiteral("bo"));
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_EQ(refused.err.trimmed().count(QLatin1Char('\n')), 0) << refused.err.toStdString(); // one line
    EXPECT_TRUE(refused.err.contains(QLatin1String("'bo' is not one of this project's leads"))) << refused.err.toStdString();
    EXPECT_TRUE(refused.out.isEmpty());
    EXPECT_EQ(adjudicationCount(path), before);
    EXPECT_EQ(test::fileHash(path), hash);

    // A lead who rated the unit is warned, and the adjudication is written.
    const test::CliResult own = adjudicateCli(dir, QStringLiteral("lee"));
    ASSERT_EQ(own.exitCode, 0) << own.err.toStdString();
    EXPECT_TRUE(own.err.contains(QLatin1String("warning: lee rated this unit"))) << own.err.toStdString();
    EXPECT_EQ(adjudicationCount(path), before + 1);
    const test::CliResult other = adjudicateCli(dir, QStringLiteral("kim"), QStringLiteral("b.JPEG"));
    ASSERT_EQ(other.exitCode, 0) << other.err.toStdString();
    EXPECT_FALSE(other.err.contains(QLatin1String("warning"))) << other.err.toStdString();

    const test::CliResult remove = test::runCli({QStringLiteral("leads"), path, QStringLiteral("--remove"), QStringLiteral("nobody")}, dir.path());
    EXPECT_NE(remove.exitCode, 0);
    EXPECT_TRUE(remove.err.contains(QLatin1String("'nobody' is not a lead"))) << remove.err.toStdString();
    const test::CliResult removed = test::runCli({QStringLiteral("leads"), path, QStringLiteral("--remove"), QStringLiteral("kim")}, dir.path());
    ASSERT_EQ(removed.exitCode, 0) << removed.err.toStdString();
    EXPECT_TRUE(removed.out.contains(QLatin1String("Leads (only they may adjudicate): lee"))) << removed.out.toStdString();
}

TEST(ProjectSettings, TypedSettingsPersistAndDefault)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    EXPECT_TRUE(project->blindMode()); // on unless turned off
    EXPECT_TRUE(project->examplesFolder().isEmpty());
    project->setBlindMode(false);
    project->setExamplesFolder(dir.path(QStringLiteral("examples")));
    project.reset();
    project = Project::open(dir.path(QStringLiteral("p.bagel")), true);
    EXPECT_FALSE(project->blindMode());
    EXPECT_EQ(project->examplesFolder(), dir.path(QStringLiteral("examples")));
    EXPECT_THROW(project->setBlindMode(true), Error); // read-only
}

// ---------------------------------------------------------------------------------------------
// The whole-project snapshot and the one-item snapshot (read by different paths) agree.

TEST(AuditSnapshot, WholeProjectAndOneItemAgreeWithRetractionsImageLevelReviewsAndAdjudications)
{
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"));
    const QDateTime t0 = QDateTime::fromString(QStringLiteral("2025-01-01T10:00:00.000Z"), Qt::ISODateWithMs);
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("ann"), Verdict::Wrong, Category::FineGrained, Severity::Minor, t0);
    const ReviewId undone = review(*project, QStringLiteral("a.JPEG"), QStringLiteral("ann"), Verdict::Correct, {}, {}, t0.addSecs(5));
    project->retractReview(undone);
    // An older time with a newer id: the time decides.
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("bo"), Verdict::Unclear, {}, {}, t0.addSecs(10));
    review(*project, QStringLiteral("a.JPEG"), QStringLiteral("bo"), Verdict::Correct, {}, {}, t0.addSecs(2));
    ReviewInput image;
    image.fileName = QStringLiteral("b.JPEG");
    image.reviewer = QStringLiteral("cy");
    image.verdict = Verdict::Problematic;
    image.note = QStringLiteral("a collage");
    project->recordReview(image);
    ReviewInput edit;
    edit.fileName = QStringLiteral("c.JPEG");
    edit.reviewer = QStringLiteral("ann");
    edit.model = QStringLiteral("vit");
    edit.verdict = Verdict::Wrong;
    edit.labelChanges = {LabelChange{5, LabelEdit::Correct}};
    project->recordReview(edit);
    AdjudicationInput decided = adjudication(QStringLiteral("f.JPEG"), QStringLiteral("lee"));
    project->adjudicate(decided);

    const AuditSnapshot all = AuditSnapshot::load(*project);
    ASSERT_EQ(all.reviewers().size(), 3);
    EXPECT_EQ(all.reviewers()[0].name, QStringLiteral("ann"));
    ASSERT_EQ(all.units().size(), 4u); // a, b, c and the adjudicated f, in file-name order
    EXPECT_EQ(all.units()[0].fileName, QStringLiteral("a.JPEG"));
    EXPECT_EQ(all.units()[3].fileName, QStringLiteral("f.JPEG"));
    EXPECT_TRUE(all.units()[3].latest.isEmpty());
    const AuditSnapshot::Unit &a = all.units()[0];
    ASSERT_EQ(a.latest.size(), 2);
    EXPECT_EQ(a.latest[0].second.verdict, Verdict::Wrong); // ann, her undo of "correct" left out
    EXPECT_EQ(a.latest[0].second.category, Category::FineGrained);
    EXPECT_EQ(a.latest[1].second.verdict, Verdict::Unclear); // bo's later one by time
    EXPECT_EQ(all.units()[1].latest[0].second.note, QStringLiteral("a collage"));
    EXPECT_EQ(all.units()[2].labelSets[0], (QVector<int>{5})); // ann's edit; her wrong removes the top-1
    EXPECT_EQ(all.finalState(3).source, FinalState::Source::Adjudicated);

    for (const AuditSnapshot::Unit &u : all.units()) {
        const AuditSnapshot one = AuditSnapshot::loadItem(*project, u.item);
        const int index = one.unitIndex(u.item, u.model);
        ASSERT_GE(index, 0) << u.fileName.toStdString();
        const AuditSnapshot::Unit &v = one.units()[std::size_t(index)];
        ASSERT_EQ(v.latest.size(), u.latest.size()) << u.fileName.toStdString();
        for (int k = 0; k < u.latest.size(); ++k) {
            EXPECT_EQ(one.reviewers()[v.latest[k].first].name, all.reviewers()[u.latest[k].first].name);
            EXPECT_EQ(v.latest[k].second.id, u.latest[k].second.id);
            EXPECT_EQ(v.latest[k].second.time, u.latest[k].second.time);
            EXPECT_EQ(v.latest[k].second.note, u.latest[k].second.note);
            EXPECT_EQ(v.labelSets[k], u.labelSets[k]);
        }
        EXPECT_EQ(one.finalState(index).verdict, all.finalState(all.unitIndex(u.item, u.model)).verdict);
    }
}

TEST(AuditSnapshot, UnitsAreInTheOrderOfQStringCompareWhereSqliteOrdersBytesOtherwise)
{
    // U+FF21 sorts before U+1F600 as UTF-8 bytes (SQLite) and after it as UTF-16 (QString).
    const QString fullwidth = QString(QChar(0xFF21)) + QStringLiteral(".JPEG");
    const QString emoji = QString::fromUcs4(U"\U0001F600") + QStringLiteral(".JPEG");
    test::TempDir dir;
    auto project = makeProject(dir, QStringLiteral("p.bagel"), {fullwidth, emoji, QStringLiteral("a.JPEG")});
    for (const QString &item : {fullwidth, emoji, QStringLiteral("a.JPEG")})
        review(*project, item, QStringLiteral("ann"), Verdict::Wrong);
    const AuditSnapshot snapshot = AuditSnapshot::load(*project);
    ASSERT_EQ(snapshot.units().size(), 3u);
    EXPECT_EQ(snapshot.units()[0].fileName, QStringLiteral("a.JPEG"));
    EXPECT_EQ(snapshot.units()[1].fileName, emoji);
    EXPECT_EQ(snapshot.units()[2].fileName, fullwidth);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(snapshot.unitIndex(snapshot.units()[std::size_t(i)].item, snapshot.units()[std::size_t(i)].model), i);
}
