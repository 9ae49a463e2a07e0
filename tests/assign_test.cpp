// Assignments: the plan (K distinct reviewers per unit, loads within one, the same for a
// seed), handing out a project's units, the progress per reviewer, the queue's "assigned to
// me", and the upgrade of a version-5 project file. bagel-cli's commands: assign_cli_test.cpp.

#include "assignsupport.h"
#include "error.h"
#include "project.h"
#include "review/assignment.h"
#include "review/reviewqueue.h"
#include "storage/projectcheck.h"
#include "storage/sqliteschema.h"
#include "storage/sqlitestore.h"
#include "testsupport.h"

#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

using namespace bagel;

namespace {

/** Each unit has exactly \a k distinct reviewers in range, and the loads differ by at most one. */
void expectFair(const QVector<QVector<int>> &plan, int units, int reviewers, int k)
{
    ASSERT_EQ(plan.size(), units);
    QVector<int> load(reviewers, 0);
    for (const QVector<int> &chosen : plan) {
        ASSERT_EQ(chosen.size(), k);
        EXPECT_EQ(QSet<int>(chosen.begin(), chosen.end()).size(), k);
        for (const int r : chosen) {
            ASSERT_GE(r, 0);
            ASSERT_LT(r, reviewers);
            ++load[r];
        }
    }
    const auto [low, high] = std::minmax_element(load.begin(), load.end());
    EXPECT_LE(*high - *low, 1) << "units " << units << ", reviewers " << reviewers << ", k " << k;
    EXPECT_EQ(std::accumulate(load.begin(), load.end(), 0), units * k);
}

} // namespace

using test::errorOf;
using test::fileName;
using test::makeTwoModelProject;
using test::request;

// ---------------------------------------------------------------------------------------------
// The plan

TEST(AssignmentPlan, EveryUnitGetsKDistinctReviewersAndTheLoadsDifferByAtMostOne)
{
    std::mt19937 random(20261206);
    for (int round = 0; round < 400; ++round) {
        const int reviewers = std::uniform_int_distribution<int>(1, 13)(random);
        const int k = std::uniform_int_distribution<int>(1, reviewers)(random);
        const int units = std::uniform_int_distribution<int>(1, 250)(random);
        const quint64 seed = random();
        SCOPED_TRACE(QStringLiteral("units %1, reviewers %2, k %3, seed %4").arg(units).arg(reviewers).arg(k).arg(seed).toStdString());
        expectFair(planAssignments(units, reviewers, k, seed), units, reviewers, k);
    }
}

TEST(AssignmentPlan, TheSameSeedGivesTheSamePlanAndAnotherSeedAnother)
{
    const auto plan = planAssignments(120, 5, 2, 7);
    EXPECT_EQ(planAssignments(120, 5, 2, 7), plan);
    QSet<QString> distinct;
    for (quint64 seed = 0; seed < 20; ++seed) {
        const auto other = planAssignments(120, 5, 2, seed);
        QString text;
        for (const auto &unit : other)
            text += QString::number(unit[0]) + QLatin1Char(',') + QString::number(unit[1]) + QLatin1Char(';');
        distinct.insert(text);
    }
    EXPECT_EQ(distinct.size(), 20); // every seed its own plan
    EXPECT_NE(planAssignments(120, 5, 2, 8), plan);
}

TEST(AssignmentPlan, EveryTwoReviewersShareUnits)
{
    // Agreement is measured per pair: with two reviewers per unit, every pair meets, about as
    // often as every other.
    const int reviewers = 5;
    const auto plan = planAssignments(200, reviewers, 2, 3);
    QVector<int> together(reviewers * reviewers, 0);
    for (const auto &unit : plan)
        ++together[unit[0] * reviewers + unit[1]];
    int low = 1 << 30;
    int high = 0;
    for (int a = 0; a < reviewers; ++a) {
        for (int b = a + 1; b < reviewers; ++b) {
            low = std::min(low, together[a * reviewers + b]);
            high = std::max(high, together[a * reviewers + b]);
        }
    }
    EXPECT_GE(low, 15) << "200 units over 10 pairs: 20 each";
    EXPECT_LE(high, 25);
}

TEST(AssignmentPlan, RefusesKOutOfRangeAndNoUnits)
{
    EXPECT_TRUE(errorOf([] { planAssignments(10, 3, 0, 0); }).contains(QStringLiteral("at least one reviewer")));
    EXPECT_TRUE(errorOf([] { planAssignments(10, 3, -2, 0); }).contains(QStringLiteral("at least one reviewer")));
    EXPECT_EQ(errorOf([] { planAssignments(10, 3, 4, 0); }), QStringLiteral("4 reviewers per unit need at least 4 reviewers, and 3 are named"));
    EXPECT_TRUE(errorOf([] { planAssignments(0, 3, 2, 0); }).contains(QStringLiteral("no units")));
    expectFair(planAssignments(1, 3, 3, 0), 1, 3, 3); // K = the number of reviewers: everyone reviews everything
}

// ---------------------------------------------------------------------------------------------
// A project's units

TEST(Assign, TheModelsMistakesGetKReviewersEachInOneTransaction)
{
    test::TempDir dir;
    auto project = Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 60));
    // Items 0 and 30 are judged now so that the model's top-1 is correct there: not mistakes.
    ReviewInput in;
    in.reviewer = QStringLiteral("lee");
    for (const int i : {0, 30}) {
        in.fileName = fileName(i);
        in.labelChanges = {LabelChange{(i * 7) % 1000, LabelEdit::Correct}};
        project->recordReview(in);
    }
    const AssignmentSummary summary = assignReviewers(*project, request({QStringLiteral("cy"), QStringLiteral("ann"), QStringLiteral("bob")}, 2, 5));
    EXPECT_EQ(summary.model, QStringLiteral("m"));
    EXPECT_EQ(summary.units, 58);
    EXPECT_EQ(summary.replaced, 0);
    ASSERT_EQ(summary.loads.size(), 3);
    EXPECT_EQ(summary.loads[0].reviewer, QStringLiteral("ann")); // name order
    EXPECT_EQ(summary.loads[2].reviewer, QStringLiteral("cy"));
    int total = 0;
    for (const auto &load : summary.loads) {
        EXPECT_GE(load.units, 38);
        EXPECT_LE(load.units, 39);
        total += load.units;
    }
    EXPECT_EQ(total, 116);

    const QVector<AssignmentRecord> stored = project->store().assignments();
    ASSERT_EQ(stored.size(), 116);
    EXPECT_EQ(project->store().counts().assignments, 116);
    QHash<ItemId, QSet<ReviewerId>> perItem;
    for (const AssignmentRecord &a : stored)
        perItem[a.item].insert(a.reviewer);
    EXPECT_EQ(perItem.size(), 58);
    for (const auto &reviewers : perItem)
        EXPECT_EQ(reviewers.size(), 2);
    for (const int i : {0, 30})
        EXPECT_FALSE(perItem.contains(project->store().itemByFileName(fileName(i))->id));
    // Store order: model, item, reviewer.
    EXPECT_TRUE(std::is_sorted(stored.begin(), stored.end(), [](const AssignmentRecord &a, const AssignmentRecord &b) {
        return std::tie(a.model, a.item, a.reviewer) < std::tie(b.model, b.item, b.reviewer);
    }));

    // --all-items: every item with a prediction.
    AssignmentRequest all = request({QStringLiteral("ann"), QStringLiteral("bob")}, 1);
    all.allItems = true;
    EXPECT_EQ(assignReviewers(*project, all).units, 60);
}

TEST(Assign, TheOrderOfTheNamesDoesNotMatterAndTheSeedDoes)
{
    test::TempDir dir;
    auto project = Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 80));
    assignReviewers(*project, request({QStringLiteral("ann"), QStringLiteral("bob"), QStringLiteral("cy"), QStringLiteral("dee")}, 2, 11));
    const auto first = listAssignments(*project);
    assignReviewers(*project, request({QStringLiteral("dee"), QStringLiteral("cy"), QStringLiteral("ann"), QStringLiteral("bob")}, 2, 11));
    EXPECT_EQ(listAssignments(*project), first);
    assignReviewers(*project, request({QStringLiteral("ann"), QStringLiteral("bob"), QStringLiteral("cy"), QStringLiteral("dee")}, 2, 12));
    EXPECT_NE(listAssignments(*project), first);
    EXPECT_EQ(listAssignments(*project).size(), first.size());
}

TEST(Assign, AssigningAgainReplacesTheModelsAssignmentsAndKeepsTheOtherModels)
{
    test::TempDir dir;
    auto project = Project::open(makeTwoModelProject(dir, 20));
    AssignmentRequest forN = request({QStringLiteral("zed")}, 1);
    forN.model = QStringLiteral("n");
    forN.allItems = true; // n makes no mistakes
    EXPECT_EQ(assignReviewers(*project, forN).units, 20);

    AssignmentRequest forM = request({QStringLiteral("ann"), QStringLiteral("bob"), QStringLiteral("cy")}, 2);
    forM.model = QStringLiteral("m");
    assignReviewers(*project, forM);
    EXPECT_EQ(listAssignments(*project, QStringLiteral("m")).size(), 19 * 2);
    forM.reviewers = {QStringLiteral("dee"), QStringLiteral("eve")};
    forM.perUnit = 1;
    const AssignmentSummary again = assignReviewers(*project, forM);
    EXPECT_EQ(again.replaced, 38);
    const auto m = listAssignments(*project, QStringLiteral("m"));
    ASSERT_EQ(m.size(), 19);
    for (const AssignmentEntry &e : m)
        EXPECT_TRUE(e.reviewer == QStringLiteral("dee") || e.reviewer == QStringLiteral("eve")) << e.reviewer.toStdString();
    EXPECT_EQ(listAssignments(*project, QStringLiteral("n")).size(), 20);
    EXPECT_EQ(listAssignments(*project, {}, QStringLiteral("zed")).size(), 20);
    EXPECT_EQ(listAssignments(*project, {}, QStringLiteral("ann")).size(), 0); // still a reviewer, with nothing
    EXPECT_EQ(project->store().counts().assignments, 39);
}

TEST(Assign, RefusesWhatCannotBeHandedOutAndWritesNothing)
{
    test::TempDir dir;
    auto project = Project::open(makeTwoModelProject(dir, 10));
    AssignmentRequest ok = request({QStringLiteral("ann"), QStringLiteral("bob")}, 1);
    ok.model = QStringLiteral("m");
    assignReviewers(*project, ok);
    const QVector<AssignmentRecord> before = project->store().assignments();
    const qint64 reviewers = project->store().counts().reviewers;

    const auto refused = [&](AssignmentRequest r) { return errorOf([&] { assignReviewers(*project, r); }); };
    AssignmentRequest r = ok;
    r.perUnit = 0;
    EXPECT_TRUE(refused(r).contains(QStringLiteral("at least one reviewer")));
    r.perUnit = 3;
    EXPECT_TRUE(refused(r).contains(QStringLiteral("3 reviewers per unit need at least 3 reviewers")));
    r = ok;
    r.reviewers = {QStringLiteral("ann"), QStringLiteral("bob"), QStringLiteral("ann")};
    EXPECT_EQ(refused(r), QStringLiteral("the reviewer 'ann' is named twice"));
    r.reviewers = {QStringLiteral("Jos\u00e9"), QStringLiteral("Jose\u0301")}; // one name in two Unicode spellings
    EXPECT_TRUE(refused(r).contains(QStringLiteral("named twice")));
    r.reviewers = {QStringLiteral("ann"), QString()};
    EXPECT_EQ(refused(r), QStringLiteral("the reviewer name is empty"));
    r.reviewers = {QStringLiteral("ann"), QStringLiteral(" bob")};
    EXPECT_TRUE(refused(r).contains(QStringLiteral("starts or ends with spaces")));
    r.reviewers = {QStringLiteral("ann"), QStringLiteral("b\nob")};
    EXPECT_TRUE(refused(r).contains(QStringLiteral("control character")));
    r.reviewers = {};
    EXPECT_TRUE(refused(r).contains(QStringLiteral("name the reviewers")));
    r = ok;
    r.model = QStringLiteral("nope");
    EXPECT_EQ(refused(r), QStringLiteral("no model 'nope' in the project (models: m, n)"));
    r.model.clear();
    EXPECT_EQ(refused(r), QStringLiteral("the project has several models: name the one whose units to assign (one of: m, n)"));
    r.model = QStringLiteral("n"); // no mistakes
    EXPECT_TRUE(refused(r).contains(QStringLiteral("model 'n' makes no mistakes, so no units to assign")));

    EXPECT_EQ(project->store().assignments(), before);
    EXPECT_EQ(project->store().counts().reviewers, reviewers);
}

TEST(Assign, OnceTheProjectNamesLeadsOnlyALeadMayAssign)
{
    test::TempDir dir;
    auto project = Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 10));
    AssignmentRequest r = request({QStringLiteral("ann"), QStringLiteral("bob")}, 1);
    r.lead = QStringLiteral("whoever");
    EXPECT_EQ(assignReviewers(*project, r).units, 9); // no leads: anyone may

    project->addLead(QStringLiteral("carol"));
    r.lead.clear();
    EXPECT_TRUE(errorOf([&] { assignReviewers(*project, r); }).contains(QStringLiteral("only a lead may assign")));
    r.lead = QStringLiteral("bob");
    EXPECT_EQ(errorOf([&] { assignReviewers(*project, r); }),
              QStringLiteral("only a lead may assign reviewers to units, and 'bob' is not one of this project's leads (carol)"));
    r.lead = QStringLiteral("carol");
    r.reviewers = {QStringLiteral("dee")};
    assignReviewers(*project, r);
    EXPECT_EQ(listAssignments(*project, {}, QStringLiteral("dee")).size(), 9);
}

TEST(Assign, ProgressCountsTheAssignedUnitsWithAStandingVerdict)
{
    test::TempDir dir;
    auto project = Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 12));
    assignReviewers(*project, request({QStringLiteral("ann"), QStringLiteral("bob")}, 2)); // both review all 11
    const ModelId m = project->store().modelId(QStringLiteral("m"), false);
    const auto review = [&](const QString &who, int i, Verdict v) {
        ReviewInput in;
        in.fileName = fileName(i);
        in.reviewer = who;
        in.verdict = v;
        if (v != Verdict::Problematic)
            in.model = QStringLiteral("m");
        return project->recordReview(in);
    };
    review(QStringLiteral("ann"), 1, Verdict::Wrong);
    review(QStringLiteral("ann"), 1, Verdict::Correct); // the same unit again: one
    review(QStringLiteral("ann"), 2, Verdict::Problematic); // about the image, and so the unit
    project->retractReview(review(QStringLiteral("ann"), 3, Verdict::Wrong)); // undone: not done
    review(QStringLiteral("ann"), 0, Verdict::Wrong); // not a mistake, so not assigned
    review(QStringLiteral("bob"), 4, Verdict::Unclear);
    review(QStringLiteral("cy"), 5, Verdict::Wrong); // not assigned anything

    const QVector<AssignmentProgress> progress = assignmentProgress(*project, m);
    ASSERT_EQ(progress.size(), 2);
    EXPECT_EQ(progress[0].name, QStringLiteral("ann"));
    EXPECT_EQ(progress[0].assigned, 11);
    EXPECT_EQ(progress[0].done, 2);
    EXPECT_EQ(progress[1].name, QStringLiteral("bob"));
    EXPECT_EQ(progress[1].done, 1);
    EXPECT_TRUE(assignmentProgress(*project, m + 1).isEmpty());
    EXPECT_EQ(assignedItems(*project, m, project->store().reviewerId(QStringLiteral("bob"), false)).size(), 11);
    EXPECT_TRUE(assignedItems(*project, m, project->store().reviewerId(QStringLiteral("cy"), false)).isEmpty());
}

// ---------------------------------------------------------------------------------------------
// The project file

TEST(AssignMigration, AVersion5ProjectGainsTheTableAndKeepsItsData)
{
    test::TempDir dir;
    const QString path = dir.path(QStringLiteral("v5.bagel"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v5"));
        db.setDatabaseName(path);
        ASSERT_TRUE(db.open());
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("PRAGMA application_id = %1").arg(sqliteschema::kApplicationId)));
        ASSERT_TRUE(q.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
        ASSERT_TRUE(db.transaction());
        sqliteschema::migrate(db, 0, 5);
        for (const char *sql : {
                 "INSERT INTO items VALUES (1, 'a.JPEG', 'a.JPEG', 65, '2025-01-01T00:00:00.000Z')",
                 "INSERT INTO models VALUES (1, 'vit', '2025-01-01T00:00:00.000Z')",
                 "INSERT INTO predictions VALUES (1, 1, 66, 0.6, 0.3, '66 65', '0.6 0.3')",
                 "INSERT INTO reviewers VALUES (1, 'ann', '2025-01-01T00:00:00.000Z')",
                 "INSERT INTO reviews (item_id, model_id, reviewer_id, created_at, verdict, note, uid) "
                 "VALUES (1, 1, 1, '2025-01-02T10:00:00.000Z', 'wrong', 'v5 review', '0123456789abcdef0123456789abcdef')",
                 "INSERT INTO adjudications (uid, item_id, model_id, lead_id, created_at, verdict, reason) "
                 "VALUES ('fedcba9876543210fedcba9876543210', 1, 1, 1, '2025-01-03T10:00:00.000Z', 'correct', 'fins')",
             }) {
            ASSERT_TRUE(q.exec(QString::fromLatin1(sql))) << sql;
        }
        ASSERT_TRUE(db.commit());
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v5"));
    EXPECT_EQ(checkProject(path).count(CheckFinding::Level::Error), 0); // an old file is not damaged

    {
        auto store = SqliteStore::open(path);
        EXPECT_EQ(store->openedSchemaVersion(), 5);
        EXPECT_EQ(store->meta(QStringLiteral("schema_version")), QStringLiteral("6"));
        EXPECT_TRUE(store->migrationBackupPath().endsWith(QStringLiteral("v5.bagel.schema-v5.bak")));
        const ProjectCounts c = store->counts();
        EXPECT_EQ(c.items, 1);
        EXPECT_EQ(c.reviews, 1);
        EXPECT_EQ(c.adjudications, 1);
        EXPECT_EQ(c.assignments, 0);
        EXPECT_EQ(store->reviews(1).first().note, QStringLiteral("v5 review"));
        EXPECT_EQ(store->reviewUids().keys(), QStringList{QStringLiteral("0123456789abcdef0123456789abcdef")});
        EXPECT_EQ(store->adjudications(1).first().reason, QStringLiteral("fins"));
    }
    auto project = Project::open(path);
    AssignmentRequest r = request({QStringLiteral("ann"), QStringLiteral("bob")}, 2);
    EXPECT_EQ(assignReviewers(*project, r).units, 1);
    EXPECT_EQ(project->store().counts().assignments, 2);
    project.reset();
    const CheckReport report = checkProject(path);
    EXPECT_EQ(report.count(CheckFinding::Level::Error), 0);
    EXPECT_EQ(report.count(CheckFinding::Level::Warning), 0);
    // The backup is the version-5 file as it was: this build reads it only to upgrade it.
    EXPECT_TRUE(errorOf([&] { SqliteStore::open(path + QStringLiteral(".schema-v5.bak"), true); })
                    .contains(QStringLiteral("uses schema version 5 and must be upgraded to 6")));
}

TEST(AssignStore, AnAssignmentNamesAnExistingItemAndTheModelReplaced)
{
    test::TempDir dir;
    auto project = Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 3));
    Store &store = project->store();
    const ModelId m = store.modelId(QStringLiteral("m"), false);
    Transaction tx(store);
    const ReviewerId ann = store.reviewerId(QStringLiteral("ann"), true);
    const ItemId item = store.itemByFileName(fileName(1))->id;
    EXPECT_TRUE(errorOf([&] { store.replaceAssignments(m, {AssignmentRecord{item + 999, m, ann}}); }).contains(QStringLiteral("FOREIGN KEY")));
    EXPECT_FALSE(errorOf([&] { store.replaceAssignments(m, {AssignmentRecord{item, m + 1, ann}}); }).isEmpty());
    EXPECT_TRUE(errorOf([&] { store.replaceAssignments(m, {AssignmentRecord{item, m, ann}, AssignmentRecord{item, m, ann}}); })
                    .contains(QStringLiteral("UNIQUE")));
    store.replaceAssignments(m, {AssignmentRecord{item, m, ann}});
    EXPECT_EQ(store.assignments(), QVector<AssignmentRecord>{(AssignmentRecord{item, m, ann})});
    store.replaceAssignments(m, {});
    EXPECT_TRUE(store.assignments().isEmpty());
}

TEST(AssignQueue, TheQueueMarksTheUnitsAssignedToTheReviewerAndCanShowThoseAlone)
{
    test::TempDir dir;
    auto project = Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 20));
    assignReviewers(*project, request({QStringLiteral("ann"), QStringLiteral("bob")}, 1));
    const ModelId m = project->store().modelId(QStringLiteral("m"), false);
    const ReviewerId ann = project->store().reviewerId(QStringLiteral("ann"), false);
    const QVector<QueueRow> rows = loadQueue(*project, m, ann);
    const QVector<ItemId> mine = assignedItems(*project, m, ann);
    ASSERT_TRUE(mine.size() == 9 || mine.size() == 10) << mine.size(); // 19 mistakes over two
    int marked = 0;
    for (const QueueRow &row : rows) {
        EXPECT_EQ(row.assignedToMe, mine.contains(row.item)) << row.fileName.toStdString();
        marked += row.assignedToMe ? 1 : 0;
    }
    EXPECT_EQ(marked, mine.size());
    QueueFilter filter;
    filter.assignedToMeOnly = true;
    EXPECT_EQ(arrangeQueue(rows, filter).size(), mine.size());
    filter.assignedToMeOnly = false;
    EXPECT_EQ(arrangeQueue(rows, filter).size(), 19);
    for (const QueueRow &row : loadQueue(*project, m, 0)) // nobody: nothing is theirs
        EXPECT_FALSE(row.assignedToMe);
}
