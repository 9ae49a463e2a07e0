// A merge and the leads: who may adjudicate is the target's own setting, never changed by a
// merge; the source's leads that the target does not name are reported.

#include "audit/merge.h"
#include "import/importer.h"
#include "project.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

/** A target and a source made from it before anyone reviewed (the same items and model). */
struct Pair
{
    std::unique_ptr<Project> target;
    std::unique_ptr<Project> source;
    QString sourcePath;
};

Pair makePair(const test::TempDir &dir)
{
    QByteArray labels = "file_name\tindex\n";
    QByteArray predictions = "file_name,model,rank,class,score\n";
    for (const char *item : {"a.JPEG", "b.JPEG"}) {
        labels += QByteArray(item) + "\t0\n";
        predictions += QByteArray(item) + ",vit,1,1,0.8\n";
    }
    const QString targetPath = dir.path(QStringLiteral("lead.bagel"));
    {
        auto project = Project::create(targetPath);
        importFile(*project, ImportFormat::Labels, test::writeFile(dir.path(QStringLiteral("labels.tsv")), labels));
        importFile(*project, ImportFormat::Predictions, test::writeFile(dir.path(QStringLiteral("p.csv")), predictions));
    }
    Pair pair;
    pair.sourcePath = dir.path(QStringLiteral("ann.bagel"));
    EXPECT_TRUE(QFile::copy(targetPath, pair.sourcePath));
    pair.target = Project::open(targetPath);
    pair.source = Project::open(pair.sourcePath);
    return pair;
}

void adjudicate(Project &project, const char *item, const QString &lead)
{
    AdjudicationInput in;
    in.fileName = QLatin1String(item);
    in.model = QStringLiteral("vit");
    in.lead = lead;
    in.verdict = Verdict::Wrong;
    in.reason = QStringLiteral("looked again");
    project.adjudicate(in);
}

} // namespace

TEST(MergeLeads, ATargetWithoutLeadsKeepsNoneAndHearsOfTheSourcesLeads)
{
    test::TempDir dir;
    Pair p = makePair(dir);
    ASSERT_TRUE(p.source->addLead(QStringLiteral("lee")));
    ASSERT_TRUE(p.source->addLead(QStringLiteral("carol")));
    adjudicate(*p.source, "a.JPEG", QStringLiteral("carol"));
    p.source.reset();

    const MergeReport report = mergeProject(*p.target, p.sourcePath);
    EXPECT_TRUE(p.target->leads().isEmpty()) << "a merge does not change who may adjudicate";
    EXPECT_EQ(report.adjudicationsAdded, 1) << "while the target names no leads, anyone's adjudication counts";
    EXPECT_FALSE(report.targetNamesLeads);
    EXPECT_EQ(report.leadsNotCarried, (QStringList{QStringLiteral("carol"), QStringLiteral("lee")}));
    const QString summary = report.summary();
    EXPECT_TRUE(summary.contains(QStringLiteral("names leads (carol, lee), but this project names none"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("bagel-cli leads ") + p.target->path() + QStringLiteral(" --add NAME")))
        << summary.toStdString();
    const QJsonObject json = report.toJson();
    EXPECT_EQ(json[QStringLiteral("leads_not_carried")].toArray().size(), 2);
    EXPECT_FALSE(json[QStringLiteral("target_names_leads")].toBool(true));
}

TEST(MergeLeads, ATargetsLeadsStayAndTheOthersAreNamedInEverySpelling)
{
    test::TempDir dir;
    Pair p = makePair(dir);
    ASSERT_TRUE(p.target->addLead(QStringLiteral("Jos\u00e9")));
    ASSERT_TRUE(p.source->addLead(QStringLiteral("Jose\u0301"))); // the same lead, typed with a combining accent
    ASSERT_TRUE(p.source->addLead(QStringLiteral("lee")));
    adjudicate(*p.source, "a.JPEG", QStringLiteral("lee"));
    adjudicate(*p.source, "b.JPEG", QStringLiteral("Jose\u0301"));
    p.source.reset();

    const MergeReport report = mergeProject(*p.target, p.sourcePath);
    EXPECT_EQ(p.target->leads(), QStringList{QStringLiteral("Jos\u00e9")});
    EXPECT_TRUE(report.targetNamesLeads);
    EXPECT_EQ(report.leadsNotCarried, QStringList{QStringLiteral("lee")});
    EXPECT_EQ(report.adjudicationsAdded, 1) << "José's";
    EXPECT_EQ(report.adjudicationsRefused, 1) << "lee is not a lead here";
    EXPECT_TRUE(report.summary().contains(QStringLiteral("also names as leads lee, who are not leads of this project")))
        << report.summary().toStdString();
}

TEST(MergeLeads, TheSameLeadsSayNothingMore)
{
    test::TempDir dir;
    Pair p = makePair(dir);
    ASSERT_TRUE(p.target->addLead(QStringLiteral("carol")));
    ASSERT_TRUE(p.source->addLead(QStringLiteral("carol")));
    p.source.reset();
    const MergeReport report = mergeProject(*p.target, p.sourcePath);
    EXPECT_TRUE(report.leadsNotCarried.isEmpty());
    EXPECT_FALSE(report.summary().contains(QLatin1Char('\n'))) << report.summary().toStdString();
}

TEST(MergeLeads, TheCliSaysSoAndChangesNoLeads)
{
    test::TempDir dir;
    Pair p = makePair(dir);
    ASSERT_TRUE(p.source->addLead(QStringLiteral("carol")));
    const QString target = p.target->path();
    p.source.reset();
    p.target.reset();
    const test::CliResult text = test::runCli({QStringLiteral("merge"), target, p.sourcePath}, dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(text.exitCode, 0) << text.err.toStdString();
    EXPECT_TRUE(text.out.contains(QStringLiteral("names leads (carol), but this project names none"))) << text.out.toStdString();
    const test::CliResult json = test::runCli({QStringLiteral("merge"), target, p.sourcePath, QStringLiteral("--json")},
                                              dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(json.exitCode, 0) << json.err.toStdString();
    const QJsonObject merged = QJsonDocument::fromJson(json.out.toUtf8()).object()[QStringLiteral("merged")].toArray().at(0).toObject();
    EXPECT_EQ(merged[QStringLiteral("leads_not_carried")].toArray(), QJsonArray{QStringLiteral("carol")});
    const test::CliResult leads = test::runCli({QStringLiteral("leads"), target, QStringLiteral("--json")}, dir.path(QStringLiteral("xdg")));
    ASSERT_EQ(leads.exitCode, 0) << leads.err.toStdString();
    EXPECT_TRUE(QJsonDocument::fromJson(leads.out.toUtf8()).object()[QStringLiteral("leads")].toArray().isEmpty());
}
