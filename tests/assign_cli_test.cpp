// bagel-cli assign and assignments as a user runs them: a child process, its exit status, its
// output; bad requests, leads, hostile names and a project that cannot be written.

#include "assignsupport.h"
#include "project.h"
#include "review/assignment.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>

#include <sys/stat.h>
#include <unistd.h>

using namespace bagel;
using test::errorOf;
using test::fileName;
using test::makeTwoModelProject;
using test::request;

namespace {

class AssignCli : public ::testing::Test
{
protected:
    test::CliResult cli(const QStringList &args) { return test::runCli(args, dir.path(QStringLiteral("xdg"))); }

    QJsonObject json(const test::CliResult &r)
    {
        EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        EXPECT_EQ(error.error, QJsonParseError::NoError) << r.out.toStdString();
        return doc.object();
    }

    /** A failed command: status \a code, exactly one line on stderr, nothing on stdout. */
    QString failure(const test::CliResult &r, int code)
    {
        EXPECT_EQ(r.exitCode, code) << r.err.toStdString();
        EXPECT_EQ(r.err.count(QLatin1Char('\n')), 1) << r.err.toStdString();
        EXPECT_TRUE(r.out.isEmpty()) << r.out.toStdString();
        return r.err.trimmed();
    }

    test::TempDir dir;
};

} // namespace

TEST_F(AssignCli, AssignPrintsTheLoadsAndAssignmentsListsThem)
{
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 31); // 30 mistakes
    const test::CliResult text = cli({QStringLiteral("assign"), path, QStringLiteral("--reviewers"), QStringLiteral("cy, ann,bob"),
                                      QStringLiteral("--per-unit"), QStringLiteral("2"), QStringLiteral("--seed"), QStringLiteral("4")});
    ASSERT_EQ(text.exitCode, 0) << text.err.toStdString();
    EXPECT_EQ(text.out, QStringLiteral("Assigned 30 mistakes of m to 3 reviewers, 2 per unit (seed 4)\n"
                                       "  ann  20 units\n  bob  20 units\n  cy   20 units\n"));

    const QJsonObject again = json(cli({QStringLiteral("assign"), path, QStringLiteral("--reviewers"), QStringLiteral("ann,bob,cy,dee"),
                                        QStringLiteral("--per-unit"), QStringLiteral("3"), QStringLiteral("--all-items"),
                                        QStringLiteral("--model"), QStringLiteral("m"), QStringLiteral("--json")}));
    const QStringList keys = again.keys();
    EXPECT_EQ(QSet<QString>(keys.begin(), keys.end()),
              (QSet<QString>{QStringLiteral("project"), QStringLiteral("model"), QStringLiteral("units"), QStringLiteral("all_items"),
                             QStringLiteral("per_unit"), QStringLiteral("seed"), QStringLiteral("replaced"), QStringLiteral("reviewers")}));
    EXPECT_EQ(again[QStringLiteral("model")].toString(), QStringLiteral("m"));
    EXPECT_EQ(again[QStringLiteral("units")].toInt(), 31);
    EXPECT_TRUE(again[QStringLiteral("all_items")].toBool());
    EXPECT_EQ(again[QStringLiteral("per_unit")].toInt(), 3);
    EXPECT_EQ(again[QStringLiteral("seed")].toInt(), 0);
    EXPECT_EQ(again[QStringLiteral("replaced")].toInt(), 60);
    const QJsonArray loads = again[QStringLiteral("reviewers")].toArray();
    ASSERT_EQ(loads.size(), 4);
    int total = 0;
    for (const QJsonValue &load : loads) {
        EXPECT_EQ(load.toObject().keys(), (QStringList{QStringLiteral("reviewer"), QStringLiteral("units")}));
        const int units = load.toObject()[QStringLiteral("units")].toInt();
        EXPECT_TRUE(units == 23 || units == 24) << units; // 93 over 4
        total += units;
    }
    EXPECT_EQ(total, 93);
    EXPECT_EQ(loads[3].toObject()[QStringLiteral("reviewer")].toString(), QStringLiteral("dee"));

    const QJsonObject listed = json(cli({QStringLiteral("assignments"), path, QStringLiteral("--json")}));
    EXPECT_EQ(listed[QStringLiteral("project")].toString(), path);
    const QJsonArray all = listed[QStringLiteral("assignments")].toArray();
    ASSERT_EQ(all.size(), 93);
    const QJsonObject first = all[0].toObject();
    EXPECT_EQ(first.keys(), (QStringList{QStringLiteral("item"), QStringLiteral("model"), QStringLiteral("reviewer")}));
    EXPECT_EQ(first[QStringLiteral("item")].toString(), fileName(0));
    EXPECT_EQ(first[QStringLiteral("model")].toString(), QStringLiteral("m"));

    const test::CliResult dee = cli({QStringLiteral("assignments"), path, QStringLiteral("--reviewer"), QStringLiteral("dee")});
    ASSERT_EQ(dee.exitCode, 0) << dee.err.toStdString();
    const QStringList lines = dee.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    EXPECT_EQ(lines.size(), loads[3].toObject()[QStringLiteral("units")].toInt());
    for (const QString &line : lines) {
        const QStringList fields = line.split(QLatin1Char('\t'));
        ASSERT_EQ(fields.size(), 3) << line.toStdString();
        EXPECT_TRUE(fields[0].startsWith(QStringLiteral("ILSVRC2012_val_")));
        EXPECT_EQ(fields[1], QStringLiteral("m"));
        EXPECT_EQ(fields[2], QStringLiteral("dee"));
    }
    EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));

    const QJsonObject info = json(cli({QStringLiteral("info"), path, QStringLiteral("--json")}));
    EXPECT_EQ(info[QStringLiteral("assignments")].toInt(), 93);
    EXPECT_TRUE(cli({QStringLiteral("info"), path}).out.contains(QStringLiteral("Assignments:         93\n")));
}

TEST_F(AssignCli, BadRequestsFailWithOneLineAndChangeNothing)
{
    const QString path = makeTwoModelProject(dir, 8);
    ASSERT_EQ(cli({QStringLiteral("assign"), path, QStringLiteral("--reviewers"), QStringLiteral("ann,bob"), QStringLiteral("--per-unit"),
                   QStringLiteral("1"), QStringLiteral("--model"), QStringLiteral("m")})
                  .exitCode,
              0);
    const QByteArray before = test::fileHash(path);
    const auto assign = [&](const QStringList &more) {
        return cli(QStringList{QStringLiteral("assign"), path} + more);
    };
    const QStringList m{QStringLiteral("--model"), QStringLiteral("m")};
    // Usage (2): a missing or malformed option.
    EXPECT_EQ(failure(assign(QStringList{QStringLiteral("--per-unit"), QStringLiteral("1")} + m), 2),
              QStringLiteral("bagel-cli assign: --reviewers is required"));
    EXPECT_TRUE(failure(assign(QStringList{QStringLiteral("--reviewers"), QStringLiteral("a,b")} + m), 2).contains(QStringLiteral("per-unit")));
    for (const char *k : {"0", "-1", "two", ""})
        EXPECT_TRUE(failure(assign(QStringList{QStringLiteral("--reviewers"), QStringLiteral("a,b"), QStringLiteral("--per-unit"), QLatin1String(k)} + m), 2)
                        .contains(QStringLiteral("--per-unit needs a whole number of at least 1")));
    EXPECT_TRUE(failure(assign(QStringList{QStringLiteral("--reviewers"), QStringLiteral("a,b"), QStringLiteral("--per-unit"), QStringLiteral("1"),
                                           QStringLiteral("--seed"), QStringLiteral("-3")} + m),
                        2)
                    .contains(QStringLiteral("--seed needs a whole number")));
    // Refused (1): the rules.
    const auto refused = [&](const QString &reviewers, const QString &k, const QStringList &more) {
        return failure(assign(QStringList{QStringLiteral("--reviewers"), reviewers, QStringLiteral("--per-unit"), k} + more), 1);
    };
    EXPECT_EQ(refused(QStringLiteral("a,b"), QStringLiteral("3"), m), QStringLiteral("bagel-cli assign: 3 reviewers per unit need at least 3 reviewers, and 2 are named"));
    EXPECT_EQ(refused(QStringLiteral("a,b,a"), QStringLiteral("1"), m), QStringLiteral("bagel-cli assign: the reviewer 'a' is named twice"));
    EXPECT_EQ(refused(QStringLiteral("a,,b"), QStringLiteral("1"), m), QStringLiteral("bagel-cli assign: the reviewer name is empty"));
    EXPECT_TRUE(refused(QStringLiteral("a,b"), QStringLiteral("1"), {}).contains(QStringLiteral("several models")));
    EXPECT_TRUE(refused(QStringLiteral("a,b"), QStringLiteral("1"), {QStringLiteral("--model"), QStringLiteral("x")}).contains(QStringLiteral("no model 'x'")));
    EXPECT_TRUE(refused(QStringLiteral("a,b"), QStringLiteral("1"), {QStringLiteral("--model"), QStringLiteral("n")}).contains(QStringLiteral("no mistakes")));
    EXPECT_TRUE(failure(cli({QStringLiteral("assign"), dir.path(QStringLiteral("missing.bagel")), QStringLiteral("--reviewers"), QStringLiteral("a"),
                             QStringLiteral("--per-unit"), QStringLiteral("1")}),
                        1)
                    .startsWith(QStringLiteral("bagel-cli assign: ")));
    EXPECT_EQ(test::fileHash(path), before);

    EXPECT_TRUE(failure(cli({QStringLiteral("assignments"), path, QStringLiteral("--model"), QStringLiteral("x")}), 1).contains(QStringLiteral("no model 'x'")));
    EXPECT_EQ(failure(cli({QStringLiteral("assignments"), path, QStringLiteral("--reviewer"), QStringLiteral("zed")}), 1),
              QStringLiteral("bagel-cli assignments: no reviewer 'zed' in the project"));
    EXPECT_TRUE(failure(cli({QStringLiteral("assignments"), path, QStringLiteral("--reviewer"), QStringLiteral(" ann")}), 1).contains(QStringLiteral("spaces")));
    EXPECT_EQ(failure(cli({QStringLiteral("assignments")}), 2), QStringLiteral("bagel-cli assignments: expected: assignments PROJECT [--reviewer R] [--model M]"));
}

TEST_F(AssignCli, OnceLeadsAreNamedAssignNeedsALead)
{
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 5);
    ASSERT_EQ(cli({QStringLiteral("leads"), path, QStringLiteral("--add"), QStringLiteral("carol")}).exitCode, 0);
    const QStringList args{QStringLiteral("assign"), path, QStringLiteral("--reviewers"), QStringLiteral("ann,bob"), QStringLiteral("--per-unit"), QStringLiteral("2")};
    EXPECT_EQ(failure(cli(args), 1),
              QStringLiteral("bagel-cli assign: only a lead may assign reviewers to units, and the project names leads (carol): give --lead NAME"));
    EXPECT_EQ(failure(cli(args + QStringList{QStringLiteral("--lead"), QStringLiteral("ann")}), 1),
              QStringLiteral("bagel-cli assign: only a lead may assign reviewers to units, and 'ann' is not one of this project's leads (carol)"));
    EXPECT_EQ(json(cli(args + QStringList{QStringLiteral("--lead"), QStringLiteral("carol"), QStringLiteral("--json")}))[QStringLiteral("units")].toInt(), 4);
}

TEST_F(AssignCli, HostileNamesAreStoredAndListedVerbatim)
{
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 4);
    const QStringList names{QStringLiteral("o'brien \"ob\""), QStringLiteral("x; DROP TABLE reviews; --"), QStringLiteral("back\\slash"),
                            QStringLiteral("Zo\u00eb")};
    ASSERT_EQ(cli({QStringLiteral("assign"), path, QStringLiteral("--reviewers"), names.join(QLatin1Char(',')), QStringLiteral("--per-unit"),
                   QStringLiteral("4")})
                  .exitCode,
              0);
    const QJsonArray all = json(cli({QStringLiteral("assignments"), path, QStringLiteral("--json")}))[QStringLiteral("assignments")].toArray();
    ASSERT_EQ(all.size(), 12);
    QSet<QString> seen;
    for (const QJsonValue &a : all)
        seen.insert(a.toObject()[QStringLiteral("reviewer")].toString());
    EXPECT_EQ(seen, QSet<QString>(names.begin(), names.end()));
    // A name typed with a combining accent finds the composed one.
    const test::CliResult zoe = cli({QStringLiteral("assignments"), path, QStringLiteral("--reviewer"), QStringLiteral("Zoe\u0308")});
    EXPECT_EQ(zoe.out.count(QLatin1Char('\n')), 3) << zoe.err.toStdString();
    EXPECT_EQ(json(cli({QStringLiteral("info"), path, QStringLiteral("--json")}))[QStringLiteral("reviews")].toInt(), 0);
}

TEST_F(AssignCli, AProjectThatCannotBeWrittenIsListedButNotAssigned)
{
    const QString path = test::makeProject(dir, QStringLiteral("p.bagel"), 6);
    ASSERT_EQ(cli({QStringLiteral("assign"), path, QStringLiteral("--reviewers"), QStringLiteral("ann"), QStringLiteral("--per-unit"), QStringLiteral("1")}).exitCode, 0);
    {
        auto readOnly = Project::open(path, true);
        EXPECT_TRUE(errorOf([&] { assignReviewers(*readOnly, request({QStringLiteral("bob")}, 1)); }).contains(QStringLiteral("read-only")));
        EXPECT_EQ(listAssignments(*readOnly).size(), 5);
    }
    const QByteArray before = test::fileHash(path);
    // The command as someone who may read the file and not write it: as root (who writes
    // whatever the permissions say) another user, `nobody`, with a copy of the program.
    QTemporaryDir shared(QDir::tempPath() + QStringLiteral("/bagel-assign-XXXXXX"));
    ASSERT_TRUE(shared.isValid());
    const auto run = [&](const QStringList &args) {
        if (::geteuid() != 0)
            return cli(args);
        const QString copy = shared.filePath(QStringLiteral("bagel-cli"));
        if (!QFileInfo::exists(copy)) {
            EXPECT_TRUE(QFile::copy(test::cliPath(), copy));
            QFile::setPermissions(copy, QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther | QFileDevice::ExeOther);
        }
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), shared.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), shared.filePath(QStringLiteral("nobody")));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("/usr/sbin/runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("nobody"), QStringLiteral("--"), copy} + args);
        EXPECT_TRUE(p.waitForFinished(60000));
        return test::CliResult{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    };
    const QFileDevice::Permissions readable = QFileDevice::ReadOwner | QFileDevice::ReadOther;
    const QFileDevice::Permissions folder = readable | QFileDevice::ExeOwner | QFileDevice::ExeOther;
    ::chmod(QFile::encodeName(shared.path()).constData(), 01777);
    QFile::setPermissions(path, readable);
    QFile::setPermissions(dir.path(), folder);
    const QString refusal = failure(run({QStringLiteral("assign"), path, QStringLiteral("--reviewers"), QStringLiteral("bob"),
                                         QStringLiteral("--per-unit"), QStringLiteral("1")}),
                                    1);
    EXPECT_TRUE(refusal.contains(QStringLiteral("read-only"))) << refusal.toStdString();
    const test::CliResult listed = run({QStringLiteral("assignments"), path});
    EXPECT_EQ(listed.out.count(QLatin1Char('\n')), 5) << listed.err.toStdString();
    EXPECT_EQ(test::fileHash(path), before);
    QFile::setPermissions(dir.path(), folder | QFileDevice::WriteOwner);
}
