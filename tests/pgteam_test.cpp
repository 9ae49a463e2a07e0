// A team on one server: the rights the server enforces (roles, row-level security, the
// append-only history), what bagel-cli refuses a reviewer, and the errors of a bad connection.

#include "error.h"
#include "pgsupport.h"
#include "project.h"
#include "review/reviewsession.h"
#include "storage/pgconnection.h"
#include "storage/pglocation.h"
#include "storage/pgstore.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

class ServerTeam : public ::testing::Test
{
protected:
    void SetUp() override
    {
        BAGEL_REQUIRE_SERVER();
        uri = test::serverProjectUri(QStringLiteral("team"));
        const QString suffix = QString::number(QCoreApplication::applicationPid()) + QLatin1Char('_') + QString::number(++s_counter);
        alice = QStringLiteral("alice_") + suffix;
        bob = QStringLiteral("bob_") + suffix;
        carol = QStringLiteral("carol_") + suffix;
        for (const QString &role : {alice, bob, carol})
            test::adminSql(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'pw-%1'").arg(role));
        // The owner creates the project and fills it, as a lead would with imports.
        auto store = PgStore::create(uri);
        Transaction tx(*store);
        const ModelId m = store->modelId(QStringLiteral("vit"), true);
        for (int i = 0; i < 3; ++i) {
            const ItemId item = store->addItem(ItemRecord{0, QStringLiteral("img%1.jpg").arg(i), QStringLiteral("img%1.jpg").arg(i), i});
            store->addJudgements(item, {{i, Judgement::Correct}});
            store->setPrediction(item, m, {{i + 10, 0.9}, {i, 0.1}});
        }
        tx.commit();
        for (const auto &[role, flag] : {std::pair{alice, "--reviewer"}, std::pair{bob, "--reviewer"}, std::pair{carol, "--lead"}}) {
            const auto r = test::runCli({QStringLiteral("team"), uri, QStringLiteral("grant"), role, QLatin1String(flag)});
            ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
        }
    }

    QString as(const QString &role) const { return test::serverUriAs(uri, role, QStringLiteral("pw-") + role); }

    std::unique_ptr<Project> open(const QString &role) const { return Project::open(as(role)); }

    static ReviewInput verdict(const QString &file, const QString &reviewer, Verdict v)
    {
        ReviewInput in;
        in.fileName = file;
        in.reviewer = reviewer;
        in.verdict = v;
        return in;
    }

    static inline int s_counter = 0;
    QString uri;
    QString alice;
    QString bob;
    QString carol;
};

} // namespace

TEST_F(ServerTeam, TheTeamIsListedWithTheirRights)
{
    const auto r = test::runCli({QStringLiteral("team"), uri, QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    const QJsonArray team = QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("team")).toArray();
    QStringList listed;
    for (const QJsonValue &m : team)
        listed << m[QStringLiteral("role")].toString() + QLatin1Char('=') + m[QStringLiteral("rights")].toString();
    EXPECT_TRUE(listed.contains(alice + QStringLiteral("=reviewer"))) << listed.join(QLatin1Char(' ')).toStdString();
    EXPECT_TRUE(listed.contains(bob + QStringLiteral("=reviewer")));
    EXPECT_TRUE(listed.contains(carol + QStringLiteral("=lead")));
    // The leads the project reports are the roles with the leads' rights.
    EXPECT_TRUE(open(alice)->leads().contains(carol));
    EXPECT_FALSE(open(alice)->leads().contains(alice));

    // A reviewer cannot hand out rights; revoking takes them all.
    const auto refused = test::runCli({QStringLiteral("team"), as(alice), QStringLiteral("grant"), bob, QStringLiteral("--lead")});
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_FALSE(refused.err.contains(QStringLiteral("pw-"))) << "a password reached a message";
    const auto revoked = test::runCli({QStringLiteral("team"), uri, QStringLiteral("revoke"), bob});
    ASSERT_EQ(revoked.exitCode, 0) << revoked.err.toStdString();
    try {
        open(bob);
        ADD_FAILURE() << "a revoked reviewer opened the project";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(QStringLiteral("no rights"))) << e.message().toStdString();
    }
    const auto unknown = test::runCli({QStringLiteral("team"), uri, QStringLiteral("grant"), QStringLiteral("nobody_here"), QStringLiteral("--reviewer")});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_TRUE(unknown.err.contains(QStringLiteral("no role named"))) << unknown.err.toStdString();
}

TEST_F(ServerTeam, AReviewerReviewsAsTheirRoleOnly)
{
    auto project = open(alice);
    EXPECT_EQ(project->store().sessionUser(), alice);
    EXPECT_NO_THROW(project->recordReview(verdict(QStringLiteral("img0.jpg"), alice, Verdict::Wrong)));
    try {
        project->recordReview(verdict(QStringLiteral("img0.jpg"), bob, Verdict::Wrong));
        ADD_FAILURE() << "a review under another name was accepted";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(alice)) << e.message().toStdString();
    }
    // The CLI says the same in one line.
    const auto r = test::runCli({QStringLiteral("review"), as(alice), QStringLiteral("--item"), QStringLiteral("img1.jpg"),
                                 QStringLiteral("--reviewer"), bob, QStringLiteral("--verdict"), QStringLiteral("correct")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err.count(QLatin1Char('\n')), 1) << r.err.toStdString();

    // The server refuses it too, whatever a program says: a review in bob's name by alice.
    PgStore &store = static_cast<PgStore &>(project->store());
    const ReviewerId bobId = store.reviewerId(bob, false);
    ASSERT_NE(bobId, 0);
    ReviewRecord forged;
    forged.item = store.itemByFileName(QStringLiteral("img1.jpg"))->id;
    forged.model = store.modelId(QStringLiteral("vit"), false);
    forged.reviewer = bobId;
    forged.verdict = Verdict::Correct;
    {
        Transaction tx(store);
        EXPECT_THROW(store.appendReview(forged), Error);
    }
    // Nobody may change or delete a review: not a reviewer, and not the owner either.
    for (const char *sql : {"UPDATE reviews SET verdict = 'correct'", "DELETE FROM reviews", "TRUNCATE reviews CASCADE"}) {
        Transaction tx(store);
        EXPECT_THROW(store.connection().run(sql), Error) << sql;
    }
    auto owner = PgStore::open(uri);
    for (const char *sql : {"UPDATE reviews SET verdict = 'correct'", "DELETE FROM reviews", "DELETE FROM review_labels",
                            "UPDATE adjudications SET reason = 'x'"}) {
        Transaction tx(*owner);
        EXPECT_THROW(owner->connection().run(sql), Error) << sql;
    }
    EXPECT_EQ(owner->counts().reviews, 1);
}

TEST_F(ServerTeam, BlindReviewIsEnforcedByTheServer)
{
    auto a = open(alice);
    auto b = open(bob);
    a->recordReview(verdict(QStringLiteral("img0.jpg"), alice, Verdict::Wrong));
    a->recordReview(verdict(QStringLiteral("img1.jpg"), alice, Verdict::Correct));
    const ItemId img0 = a->store().itemByFileName(QStringLiteral("img0.jpg"))->id;
    const ItemId img1 = a->store().itemByFileName(QStringLiteral("img1.jpg"))->id;
    // Blind mode (the default): bob sees none of alice's reviews, by any way of reading them.
    EXPECT_TRUE(b->store().reviews(img0).isEmpty());
    EXPECT_TRUE(b->store().allReviews().isEmpty());
    EXPECT_TRUE(b->store().reviewRows().rows.isEmpty());
    EXPECT_EQ(b->store().counts().reviews, 0);
    const auto raw = static_cast<PgStore &>(b->store()).connection().exec("SELECT count(*) FROM reviews");
    EXPECT_EQ(raw.int64(0, 0), 0);
    // Once bob has given his own verdict on the unit, he sees alice's there, and only there.
    b->recordReview(verdict(QStringLiteral("img0.jpg"), bob, Verdict::Correct));
    EXPECT_EQ(b->store().reviews(img0).size(), 2);
    EXPECT_TRUE(b->store().reviews(img1).isEmpty());
    // A reviewer may not turn blind mode off; a lead may, and then everyone sees everything.
    EXPECT_THROW(b->setBlindMode(false), Error);
    EXPECT_TRUE(b->blindMode());
    auto c = open(carol);
    EXPECT_EQ(c->store().counts().reviews, 3); // a lead sees all
    c->setBlindMode(false);
    EXPECT_EQ(b->store().reviews(img1).size(), 1);
    EXPECT_EQ(b->store().counts().reviews, 3);
}

TEST_F(ServerTeam, ALeadsWorkIsRefusedToAReviewerInOneLine)
{
    test::TempDir dir;
    const QString out = dir.path(QStringLiteral("out.csv"));
    const QString labels = test::writeFile(dir.path(QStringLiteral("labels.csv")), "file_name,label\nimg0.jpg,3\n");
    const QList<QStringList> leadsWork = {
        {QStringLiteral("agreement"), as(alice)},
        {QStringLiteral("disagreements"), as(alice)},
        {QStringLiteral("report"), as(alice)},
        {QStringLiteral("export"), as(alice), QStringLiteral("csv"), out},
        {QStringLiteral("import"), as(alice), QStringLiteral("labels"), labels},
        {QStringLiteral("pull"), as(alice), dir.path(QStringLiteral("pulled.bagel"))},
        {QStringLiteral("assign"), as(alice), QStringLiteral("--reviewers"), alice + QLatin1Char(',') + bob, QStringLiteral("--per-unit"),
         QStringLiteral("1")},
        {QStringLiteral("merge"), as(alice), QStringLiteral("/nonexistent.bagel")},
        {QStringLiteral("adjudicate"), as(alice), QStringLiteral("--item"), QStringLiteral("img0.jpg"), QStringLiteral("--verdict"),
         QStringLiteral("wrong"), QStringLiteral("--reviewer"), alice, QStringLiteral("--reason"), QStringLiteral("r")},
    };
    for (const QStringList &args : leadsWork) {
        const auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 1) << args.first().toStdString() << ": " << r.out.toStdString();
        EXPECT_EQ(r.err.count(QLatin1Char('\n')), 1) << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(QStringLiteral("lead"))) << r.err.toStdString();
        EXPECT_FALSE(r.err.contains(QStringLiteral("pw-"))) << "a password reached a message";
    }
    EXPECT_FALSE(QFileInfo::exists(out));
    EXPECT_FALSE(QFileInfo::exists(dir.path(QStringLiteral("pulled.bagel"))));
    // The lead may.
    for (const QStringList &args : {QStringList{QStringLiteral("agreement"), as(carol)},
                                    QStringList{QStringLiteral("export"), as(carol), QStringLiteral("csv"), out},
                                    QStringList{QStringLiteral("adjudicate"), as(carol), QStringLiteral("--item"), QStringLiteral("img0.jpg"),
                                                QStringLiteral("--verdict"), QStringLiteral("wrong"), QStringLiteral("--reviewer"), carol,
                                                QStringLiteral("--reason"), QStringLiteral("seen it")}}) {
        const auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 0) << args.first().toStdString() << ": " << r.err.toStdString();
    }
    EXPECT_TRUE(QFileInfo::exists(out));
}

TEST_F(ServerTeam, ABadConnectionOrAForeignSchemaIsOneClearLine)
{
    auto expectLine = [](const QStringList &args, const QString &words) {
        const auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 1) << r.out.toStdString();
        EXPECT_EQ(r.err.count(QLatin1Char('\n')), 1) << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(words, Qt::CaseInsensitive)) << r.err.toStdString();
        EXPECT_FALSE(r.err.contains(QStringLiteral("pw-")) || r.err.contains(QStringLiteral("wrong-password"))) << r.err.toStdString();
    };
    expectLine({QStringLiteral("info"), test::serverUriAs(uri, alice, QStringLiteral("wrong-password"))}, QStringLiteral("password"));
    // Nothing listens on port 1.
    QString refused = as(alice);
    refused.replace(QRegularExpression(QStringLiteral(":\\d+/")), QStringLiteral(":1/"));
    expectLine({QStringLiteral("info"), refused}, QStringLiteral("cannot connect"));
    expectLine({QStringLiteral("info"), ServerLocation::withProject(uri, QStringLiteral("not_there"))}, QStringLiteral("no project"));
    test::adminSql(QStringLiteral("CREATE SCHEMA foreign_%1; CREATE TABLE foreign_%1.meta (k int)").arg(QCoreApplication::applicationPid()));
    expectLine({QStringLiteral("info"), ServerLocation::withProject(uri, QStringLiteral("foreign_%1").arg(QCoreApplication::applicationPid()))},
               QStringLiteral("not a Bagel project"));
    expectLine({QStringLiteral("info"), ServerLocation::withProject(uri, QStringLiteral("Bad;Name"))}, QStringLiteral("cannot name a project"));
    // A project written by a newer Bagel is left alone.
    const QString project = ServerLocation::parse(uri).project;
    test::adminSql(QStringLiteral("UPDATE %1.meta SET value = '99' WHERE key = 'schema_version'").arg(project));
    expectLine({QStringLiteral("review"), uri, QStringLiteral("--item"), QStringLiteral("img0.jpg"), QStringLiteral("--reviewer"),
                QStringLiteral("postgres"), QStringLiteral("--verdict"), QStringLiteral("correct")},
               QStringLiteral("newer"));
    test::adminSql(QStringLiteral("UPDATE %1.meta SET value = '1' WHERE key = 'schema_version'").arg(project));
    EXPECT_EQ(PgStore::open(uri)->counts().reviews, 0);
}

TEST_F(ServerTeam, CheckTellsWhenTheServersRulesWereTakenAway)
{
    const auto fine = test::runCli({QStringLiteral("check"), uri, QStringLiteral("--json")});
    EXPECT_EQ(fine.exitCode, 0) << fine.out.toStdString() << fine.err.toStdString();
    // A reviewer does not see every review: the check is a lead's.
    EXPECT_EQ(test::runCli({QStringLiteral("check"), as(alice)}).exitCode, 1);
    const QString project = ServerLocation::parse(uri).project;
    test::adminSql(QStringLiteral("ALTER TABLE %1.reviews DISABLE ROW LEVEL SECURITY; "
                                  "ALTER TABLE %1.reviews DISABLE TRIGGER reviews_append_only")
                       .arg(project));
    const auto broken = test::runCli({QStringLiteral("check"), uri});
    EXPECT_EQ(broken.exitCode, 1);
    EXPECT_TRUE(broken.out.contains(QStringLiteral("row-level security is off on reviews"))) << broken.out.toStdString();
    EXPECT_TRUE(broken.out.contains(QStringLiteral("append-only triggers are missing or disabled"))) << broken.out.toStdString();
    EXPECT_FALSE(broken.out.contains(QStringLiteral("pw-")));
}

TEST_F(ServerTeam, AWindowOpenedWithAPasswordInTheUriSavesThroughItsWriter)
{
    // The window's writer and background readers open the project again by its display form
    // (no password): they must connect as the window did.
    ReviewSession session;
    session.open(Project::open(as(alice)));
    EXPECT_FALSE(session.project()->path().contains(QStringLiteral("pw-")));
    session.setReviewer(alice);
    session.setModel(session.project()->store().modelId(QStringLiteral("vit"), false));
    QSignalSpy written(&session, &ReviewSession::written);
    QSignalSpy failed(&session, &ReviewSession::writeFailed);
    ReviewSession::Draft draft;
    draft.verdict = Verdict::Correct;
    const ItemId item = session.project()->store().itemByFileName(QStringLiteral("img1.jpg"))->id;
    ASSERT_EQ(session.recordVerdict(item, QStringLiteral("img1.jpg"), draft), QString());
    session.flush();
    EXPECT_EQ(failed.size(), 0) << (failed.isEmpty() ? std::string() : failed[0][2].toString().toStdString());
    EXPECT_EQ(written.size(), 1);
    auto reader = Project::open(session.project()->path(), true); // a background reader
    EXPECT_EQ(reader->store().sessionUser(), alice);
    EXPECT_EQ(reader->store().reviews(item).size(), 1);
}

TEST_F(ServerTeam, AReviewerUndoesOnlyTheirOwnReviews)
{
    auto a = open(alice);
    auto b = open(bob);
    const ReviewId bobs = b->recordReview(verdict(QStringLiteral("img0.jpg"), bob, Verdict::Wrong));
    const ReviewId alices = a->recordReview(verdict(QStringLiteral("img0.jpg"), alice, Verdict::Correct));
    // Alice, who now sees bob's review, tries to retract it: the server refuses.
    PgStore &store = static_cast<PgStore &>(a->store());
    ReviewRecord undo;
    undo.item = store.itemByFileName(QStringLiteral("img0.jpg"))->id;
    undo.model = store.modelId(QStringLiteral("vit"), false);
    undo.reviewer = store.reviewerId(alice, false);
    undo.retracts = bobs;
    {
        Transaction tx(store);
        EXPECT_THROW(store.appendReview(undo), Error);
    }
    // Her own she may.
    EXPECT_NO_THROW(a->retractReview(alices));
    auto owner = PgStore::open(uri);
    int retractions = 0;
    for (const ReviewRecord &r : owner->allReviews())
        retractions += r.retracts ? 1 : 0;
    EXPECT_EQ(retractions, 1);
    EXPECT_EQ(Project::open(uri)->latestReviews(undo.item).size(), 1); // bob's stands
}

TEST_F(ServerTeam, TheOwnerAndTheProjectsOwnRolesAreNotTeamMembersToGrantOrRevoke)
{
    const QString owner = PgStore::open(uri)->sessionUser();
    const auto r = test::runCli({QStringLiteral("team"), uri, QStringLiteral("revoke"), owner});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains(QStringLiteral("owns the project"))) << r.err.toStdString();
    const QString project = ServerLocation::parse(uri).project;
    const auto g = test::runCli({QStringLiteral("team"), uri, QStringLiteral("grant"), QStringLiteral("bagel_%1_lead").arg(project),
                                 QStringLiteral("--reviewer")});
    EXPECT_EQ(g.exitCode, 1);
    EXPECT_TRUE(g.err.contains(QStringLiteral("group role"))) << g.err.toStdString();
}

TEST_F(ServerTeam, AProjectNameWhoseRolesHaveMembersIsRefused)
{
    // Someone made the roles of a project to come and put themselves in them.
    const QString name = QStringLiteral("squat_%1").arg(QCoreApplication::applicationPid());
    test::adminSql(QStringLiteral("CREATE ROLE bagel_%1_lead; CREATE ROLE bagel_%1_reviewer; GRANT bagel_%1_lead TO %2").arg(name, bob));
    const QString target = ServerLocation::withProject(uri, name);
    const auto r = test::runCli({QStringLiteral("init"), target});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains(bob)) << r.err.toStdString();
    EXPECT_TRUE(test::runCli({QStringLiteral("info"), target}).err.contains(QStringLiteral("no project")));
}

TEST(ServerLocation, APasswordInAnySpellingIsKeptOutOfTheDisplayedUri)
{
    for (const char *uri : {"postgresql://ann:SECRET@h:5432/db?project=p", "postgresql://ann:SE/CR@ET@h/db?project=p",
                            "postgresql://ann@h/db?project=p&password=SECRET", "postgresql://ann@h/db?%70assword=SECRET&project=p",
                            "postgres://ann@h/db?PASSWORD=SECRET&sslmode=require&project=p"}) {
        const ServerLocation location = ServerLocation::parse(QString::fromUtf8(uri));
        EXPECT_FALSE(location.display.contains(QStringLiteral("SE"))) << uri << " → " << location.display.toStdString();
        EXPECT_EQ(location.project, QStringLiteral("p"));
        EXPECT_TRUE(location.display.contains(QStringLiteral("ann"))) << location.display.toStdString();
    }
    EXPECT_EQ(ServerLocation::parse(QStringLiteral("postgresql://ann@h/db?sslmode=require&project=p")).conninfo,
              QStringLiteral("postgresql://ann@h/db?sslmode=require"));
}
