// A reviewer's name is one reviewer in every Unicode spelling: "José" typed with a combining
// accent (NFD) and composed (NFC) record, merge and agree as one person.

#include "audit/audit.h"
#include "audit/merge.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QUuid>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

const QString kComposed = QStringLiteral("Jos\u00e9");      // NFC
const QString kDecomposed = QStringLiteral("Jose\u0301");   // NFD: e + combining acute accent

/** Two items labelled tench that the model "vit" calls goldfish. */
QString makeProject(const test::TempDir &dir, const QString &name)
{
    QByteArray labels = "file_name\tindex\n";
    QByteArray predictions = "file_name,model,rank,class,score\n";
    for (const char *item : {"a.JPEG", "b.JPEG"}) {
        labels += QByteArray(item) + "\t0\n";
        predictions += QByteArray(item) + ",vit,1,1,0.8\n";
    }
    auto project = Project::create(dir.path(name));
    importFile(*project, ImportFormat::Labels, test::writeFile(dir.path(name + QStringLiteral(".labels.tsv")), labels));
    importFile(*project, ImportFormat::Predictions, test::writeFile(dir.path(name + QStringLiteral(".predictions.csv")), predictions));
    return project->path();
}

void review(Project &p, const char *item, const QString &reviewer, Verdict verdict)
{
    ReviewInput in;
    in.fileName = QLatin1String(item);
    in.reviewer = reviewer;
    in.model = QStringLiteral("vit");
    in.verdict = verdict;
    p.recordReview(in);
}

/** Runs \a sql on \a path as an older Bagel would have written it (no project open meanwhile). */
void rawSql(const QString &path, const QString &sql, const QVariantList &values = {})
{
    const QString connection = QUuid::createUuid().toString();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        ASSERT_TRUE(db.open());
        QSqlQuery q(db);
        ASSERT_TRUE(q.prepare(sql));
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values[i]);
        ASSERT_TRUE(q.exec()) << sql.toStdString();
    }
    QSqlDatabase::removeDatabase(connection);
}

} // namespace

TEST(ReviewerNames, EverySpellingRecordsAsOneReviewerStoredComposed)
{
    test::TempDir dir;
    auto project = Project::open(makeProject(dir, QStringLiteral("p.bagel")));
    ASSERT_NE(kComposed, kDecomposed);
    review(*project, "a.JPEG", kDecomposed, Verdict::Wrong);
    review(*project, "b.JPEG", kComposed, Verdict::Correct);
    review(*project, "a.JPEG", kComposed, Verdict::Correct); // the same person changes their mind

    const QVector<ReviewerRecord> reviewers = project->store().reviewers();
    ASSERT_EQ(reviewers.size(), 1);
    EXPECT_EQ(reviewers[0].name, kComposed) << "stored in NFC";
    EXPECT_EQ(project->store().reviewerId(kDecomposed, false), reviewers[0].id);
    EXPECT_EQ(project->store().reviewerId(kComposed, false), reviewers[0].id);

    // One person's latest verdict, not two people who disagree.
    const ItemId a = project->store().itemByFileName(QStringLiteral("a.JPEG"))->id;
    const QVector<ReviewRecord> latest = project->latestReviews(a);
    ASSERT_EQ(latest.size(), 1);
    EXPECT_EQ(latest[0].verdict, Verdict::Correct);
    const AuditSnapshot snapshot = AuditSnapshot::load(*project);
    EXPECT_EQ(snapshot.reviewers().size(), 1);
    EXPECT_EQ(snapshot.agreement(AuditOptions{}).units, 0) << "nobody to agree with";
    EXPECT_EQ(project->ownVerdict(QStringLiteral("a.JPEG"), QStringLiteral("vit"), kDecomposed), Verdict::Correct);
}

TEST(ReviewerNames, TheCliReviewerOptionInEitherSpellingIsOneReviewer)
{
    test::TempDir dir;
    const QString path = makeProject(dir, QStringLiteral("p.bagel"));
    for (const QString &name : {kDecomposed, kComposed}) {
        const test::CliResult r = test::runCli({QStringLiteral("review"), path, QStringLiteral("--item"), QStringLiteral("a.JPEG"),
                                                QStringLiteral("--reviewer"), name, QStringLiteral("--verdict"), QStringLiteral("wrong")},
                                               dir.path(QStringLiteral("xdg")));
        ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    }
    const test::CliResult agreement = test::runCli({QStringLiteral("agreement"), path, QStringLiteral("--json")}, dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(agreement.exitCode, 0) << agreement.err.toStdString();
    const QJsonObject json = QJsonDocument::fromJson(agreement.out.toUtf8()).object();
    EXPECT_EQ(json[QStringLiteral("units")].toInt(-1), 0) << agreement.out.toStdString();
    const auto project = Project::open(path, true);
    ASSERT_EQ(project->store().reviewers().size(), 1);
    EXPECT_EQ(project->store().reviewers()[0].name, kComposed);
}

TEST(ReviewerNames, AMergeMatchesAFileThatStoredTheOtherSpelling)
{
    test::TempDir dir;
    const QString minePath = makeProject(dir, QStringLiteral("mine.bagel"));
    const QString theirsPath = dir.path(QStringLiteral("theirs.bagel"));
    ASSERT_TRUE(QFile::copy(minePath, theirsPath));
    {
        auto theirs = Project::open(theirsPath);
        review(*theirs, "b.JPEG", kComposed, Verdict::Wrong);
    }
    // Written by a Bagel that kept names as typed: the source holds the decomposed spelling.
    rawSql(theirsPath, QStringLiteral("UPDATE reviewers SET name = ?"), {kDecomposed});

    auto mine = Project::open(minePath);
    review(*mine, "a.JPEG", kComposed, Verdict::Wrong);
    const MergeReport report = mergeProject(*mine, theirsPath);
    EXPECT_EQ(report.reviewsAdded, 1);
    EXPECT_EQ(report.reviewersAdded, 0) << "José is already a reviewer of the target";
    ASSERT_EQ(mine->store().reviewers().size(), 1);
    const ItemId b = mine->store().itemByFileName(QStringLiteral("b.JPEG"))->id;
    ASSERT_EQ(mine->latestReviews(b).size(), 1);
    EXPECT_EQ(mine->latestReviews(b)[0].reviewer, mine->store().reviewerId(kComposed, false));
}

TEST(ReviewerNames, AnOlderProjectIsLookedUpByItsNamesInNfc)
{
    test::TempDir dir;
    const QString path = makeProject(dir, QStringLiteral("p.bagel"));
    // An older Bagel stored the decomposed spelling only.
    rawSql(path, QStringLiteral("INSERT INTO reviewers (name, added_at) VALUES (?, '2025-01-01T00:00:00Z')"), {kDecomposed});
    {
        auto project = Project::open(path);
        const ReviewerId old = project->store().reviewerId(kDecomposed, false);
        ASSERT_NE(old, 0);
        EXPECT_EQ(project->store().reviewerId(kComposed, false), old) << "found by comparing in NFC";
        review(*project, "a.JPEG", kComposed, Verdict::Wrong);
        ASSERT_EQ(project->store().reviewers().size(), 1) << "no second reviewer for the other spelling";
        const ItemId a = project->store().itemByFileName(QStringLiteral("a.JPEG"))->id;
        EXPECT_EQ(project->latestReviews(a).value(0).reviewer, old);
    }
    // One that held both spellings as two reviewers: new reviews go to the composed one.
    rawSql(path, QStringLiteral("INSERT INTO reviewers (name, added_at) VALUES (?, '2025-01-02T00:00:00Z')"), {kComposed});
    auto project = Project::open(path);
    ReviewerId composed = 0;
    for (const ReviewerRecord &r : project->store().reviewers()) {
        if (r.name == kComposed)
            composed = r.id;
    }
    ASSERT_NE(composed, 0);
    EXPECT_EQ(project->store().reviewerId(kDecomposed, false), composed);
    EXPECT_EQ(project->store().reviewerId(kComposed, true), composed);
    EXPECT_EQ(project->store().reviewers().size(), 2);
    project.reset();

    // bagel-cli info says so, rather than listing two people.
    const test::CliResult info = test::runCli({QStringLiteral("info"), path}, dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(info.exitCode, 0) << info.err.toStdString();
    EXPECT_TRUE(info.out.contains(kComposed + QStringLiteral(" is stored in two Unicode spellings"))) << info.out.toStdString();
    const test::CliResult json = test::runCli({QStringLiteral("info"), path, QStringLiteral("--json")}, dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(json.exitCode, 0) << json.err.toStdString();
    EXPECT_EQ(QJsonDocument::fromJson(json.out.toUtf8()).object()[QStringLiteral("reviewers_in_two_spellings")].toArray(),
              QJsonArray{kComposed});
}
