// bagel-cli end to end, as a user runs it: a child process, its exit status and its output.

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

class Cli : public ::testing::Test
{
protected:
    test::CliResult cli(QStringList args) { return test::runCli(args, dir.path(QStringLiteral("xdg"))); }

    QJsonObject json(const test::CliResult &r)
    {
        EXPECT_EQ(r.exitCode, 0) << r.err.toStdString();
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        EXPECT_EQ(error.error, QJsonParseError::NoError) << r.out.toStdString();
        return doc.object();
    }

    /** A failed command: status ≠ 0, exactly one line on stderr, nothing on stdout. */
    QString failure(const test::CliResult &r)
    {
        EXPECT_NE(r.exitCode, 0);
        EXPECT_EQ(r.err.count(QLatin1Char('\n')), 1) << r.err.toStdString();
        EXPECT_TRUE(r.out.isEmpty()) << r.out.toStdString();
        return r.err.trimmed();
    }

    test::TempDir dir;
};

} // namespace

TEST_F(Cli, InitImportInfoReviewExport)
{
    const QString project = dir.path(QStringLiteral("p.bagel"));
    QDir().mkpath(dir.path(QStringLiteral("images")));
    EXPECT_EQ(cli({QStringLiteral("init"), project, QStringLiteral("--images-root"), dir.path(QStringLiteral("images"))}).exitCode, 0);

    const QJsonObject report = json(cli({QStringLiteral("import"), project, QStringLiteral("paper-mistakes"),
                                         test::testData(QStringLiteral("paper/vit3b_mistakes.json")),
                                         QStringLiteral("--labels"), test::testData(QStringLiteral("imagenet/val_labels.tsv")),
                                         QStringLiteral("--json")}));
    EXPECT_EQ(report.value(QStringLiteral("added")).toObject().value(QStringLiteral("reviews")).toInt(), 378);

    const QJsonObject info = json(cli({QStringLiteral("info"), project, QStringLiteral("--json")}));
    EXPECT_EQ(info.value(QStringLiteral("items")).toInt(), 378);
    EXPECT_EQ(info.value(QStringLiteral("models")).toInt(), 1);
    EXPECT_EQ(info.value(QStringLiteral("predictions")).toInt(), 378);
    EXPECT_EQ(info.value(QStringLiteral("reviewers")).toInt(), 1);
    EXPECT_EQ(info.value(QStringLiteral("reviews")).toInt(), 378);
    EXPECT_EQ(info.value(QStringLiteral("images_root")).toString(), QDir::cleanPath(dir.path(QStringLiteral("images"))));

    const test::CliResult review = cli({QStringLiteral("review"), project, QStringLiteral("--item"),
                                        QStringLiteral("ILSVRC2012_val_00000612.JPEG"), QStringLiteral("--reviewer"),
                                        QStringLiteral("ann"), QStringLiteral("--verdict"), QStringLiteral("wrong"),
                                        QStringLiteral("--category"), QStringLiteral("spurious-correlation"),
                                        QStringLiteral("--spurious-kind"), QStringLiteral("lack-of-context"),
                                        QStringLiteral("--severity"), QStringLiteral("major"), QStringLiteral("--label"),
                                        QStringLiteral("n02085620=correct"), QStringLiteral("--label"),
                                        QStringLiteral("sea snake=unclear"), QStringLiteral("--note"),
                                        QStringLiteral("the dog is <b>small</b>")});
    EXPECT_EQ(review.exitCode, 0) << review.err.toStdString();
    EXPECT_EQ(json(cli({QStringLiteral("info"), project, QStringLiteral("--json")})).value(QStringLiteral("reviews")).toInt(), 379);

    const QString out = dir.path(QStringLiteral("out.json"));
    const QJsonObject exported = json(cli({QStringLiteral("export"), project, QStringLiteral("tfds-multilabel"), out, QStringLiteral("--json")}));
    // Every paper mistake is a final 'wrong' verdict: the model's top-1 joins the item's wrong labels.
    EXPECT_EQ(exported.value(QStringLiteral("items")).toInt(), 378);
    QFile file(out);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QJsonObject annots = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("initial_annots")).toObject();
    const QJsonObject edited = annots.value(QStringLiteral("ILSVRC2012_val_00000612.JPEG")).toObject();
    EXPECT_EQ(edited.value(QStringLiteral("correct")).toArray(), QJsonArray{QStringLiteral("n02085620")});
    EXPECT_EQ(edited.value(QStringLiteral("unclear")).toArray(), QJsonArray{QStringLiteral("n01751748")});
    ASSERT_EQ(edited.value(QStringLiteral("wrong")).toArray().size(), 1);
    for (auto it = annots.begin(); it != annots.end(); ++it)
        EXPECT_EQ(it.value().toObject().value(QStringLiteral("wrong")).toArray().size(), 1) << it.key().toStdString();

    // The log went to the standard data location, or where --log-file says (before or after the command).
    EXPECT_TRUE(QFileInfo::exists(dir.path(QStringLiteral("xdg/bagel/bagel.log"))));
    const QString log = dir.path(QStringLiteral("own.log"));
    EXPECT_EQ(cli({QStringLiteral("--log-file"), log, QStringLiteral("info"), project}).exitCode, 0);
    EXPECT_TRUE(QFileInfo(log).size() > 0);
}

TEST_F(Cli, BadInputIsOneLineAndLeavesTheProjectUnchanged)
{
    const QString project = dir.path(QStringLiteral("p.bagel"));
    ASSERT_EQ(cli({QStringLiteral("init"), project}).exitCode, 0);
    ASSERT_EQ(cli({QStringLiteral("import"), project, QStringLiteral("labels"), test::testData(QStringLiteral("imagenet/val_labels.tsv"))}).exitCode, 0);
    const QByteArray before = test::fileHash(project);

    const QString bad = test::writeFile(dir.path(QStringLiteral("bad.json")), "[[1, 2], [3, \"x\"]]");
    EXPECT_EQ(failure(cli({QStringLiteral("import"), project, QStringLiteral("real"), bad})),
              QStringLiteral("bagel-cli import: %1:1:14: at $[1][1]: expected a class index, found a string").arg(bad));
    EXPECT_TRUE(failure(cli({QStringLiteral("import"), project, QStringLiteral("csv"), bad})).contains(QStringLiteral("unknown import format 'csv'")));
    EXPECT_TRUE(failure(cli({QStringLiteral("import"), project, QStringLiteral("real")})).contains(QStringLiteral("expected: import PROJECT FORMAT FILE")));
    EXPECT_TRUE(failure(cli({QStringLiteral("import"), project, QStringLiteral("real"), bad, QStringLiteral("--bogus")})).contains(QStringLiteral("bogus")));
    EXPECT_TRUE(failure(cli({QStringLiteral("review"), project, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000001.JPEG"),
                             QStringLiteral("--reviewer"), QStringLiteral("ann"), QStringLiteral("--verdict"), QStringLiteral("maybe")}))
                    .contains(QStringLiteral("unknown verdict 'maybe'")));
    EXPECT_TRUE(failure(cli({QStringLiteral("review"), project, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000001.JPEG"),
                             QStringLiteral("--reviewer"), QStringLiteral("ann"), QStringLiteral("--verdict"), QStringLiteral("wrong")}))
                    .contains(QStringLiteral("no models")));
    EXPECT_TRUE(failure(cli({QStringLiteral("review"), project, QStringLiteral("--item"), QStringLiteral("ILSVRC2012_val_00000001.JPEG"),
                             QStringLiteral("--reviewer"), QStringLiteral("ann"), QStringLiteral("--label"), QStringLiteral("crane=correct")}))
                    .contains(QStringLiteral("ambiguous")));
    EXPECT_TRUE(failure(cli({QStringLiteral("init"), project})).contains(QStringLiteral("already exists")));
    EXPECT_EQ(test::fileHash(project), before);

    EXPECT_TRUE(failure(cli({QStringLiteral("info"), dir.path(QStringLiteral("nope.bagel"))})).contains(QStringLiteral("no such project")));
    EXPECT_FALSE(QFileInfo::exists(dir.path(QStringLiteral("nope.bagel"))));
    EXPECT_TRUE(failure(cli({QStringLiteral("info"), bad})).contains(QStringLiteral("not a Bagel project")));
    EXPECT_TRUE(failure(cli({QStringLiteral("frobnicate")})).contains(QStringLiteral("unknown command")));

    // Usage mistakes exit with 2, failed commands with 1.
    EXPECT_EQ(cli({QStringLiteral("review"), project, QStringLiteral("--item"), QStringLiteral("x"), QStringLiteral("--reviewer"),
                   QStringLiteral("ann"), QStringLiteral("--label"), QStringLiteral("crane=correct")}).exitCode, 2);
    EXPECT_EQ(cli({QStringLiteral("import"), project, QStringLiteral("real"), bad}).exitCode, 1);
    EXPECT_EQ(cli({}).exitCode, 2);
}

TEST_F(Cli, ClassesAndHelp)
{
    const QJsonObject tench = json(cli({QStringLiteral("classes"), QStringLiteral("show"), QStringLiteral("0"), QStringLiteral("--json")}));
    EXPECT_EQ(tench.value(QStringLiteral("wnid")).toString(), QStringLiteral("n01440764"));
    const QJsonArray path = tench.value(QStringLiteral("hypernym_path")).toArray();
    ASSERT_FALSE(path.isEmpty());
    EXPECT_EQ(path.last().toObject().value(QStringLiteral("wnid")).toString(), QStringLiteral("n00001740")); // entity

    const QString crane = failure(cli({QStringLiteral("classes"), QStringLiteral("show"), QStringLiteral("crane")}));
    EXPECT_TRUE(crane.contains(QStringLiteral("n02012849")) && crane.contains(QStringLiteral("n03126707")));

    const test::CliResult help = cli({QStringLiteral("--help")});
    EXPECT_EQ(help.exitCode, 0);
    for (const char *command : {"init", "import", "info", "review", "export", "classes", "vocabulary"})
        EXPECT_TRUE(help.out.contains(QLatin1String(command))) << command;
    const test::CliResult importHelp = cli({QStringLiteral("import"), QStringLiteral("--help")});
    EXPECT_TRUE(importHelp.out.contains(QStringLiteral("--labels")));
    const test::CliResult vocabulary = cli({QStringLiteral("vocabulary")});
    EXPECT_TRUE(vocabulary.out.contains(QStringLiteral("fine-grained-oov")));
}

TEST_F(Cli, WorksWithoutWordNet)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("BAGEL_WORDNET_DIR"), dir.path(QStringLiteral("no-wordnet")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dir.path(QStringLiteral("xdg")));
    process.setProcessEnvironment(env);
    process.start(test::cliPath(), {QStringLiteral("classes"), QStringLiteral("show"), QStringLiteral("tench"), QStringLiteral("--json")});
    ASSERT_TRUE(process.waitForFinished(30000));
    EXPECT_EQ(process.exitCode(), 0);
    const QJsonObject tench = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    EXPECT_EQ(tench.value(QStringLiteral("index")).toInt(), 0);
    EXPECT_TRUE(tench.value(QStringLiteral("hypernym_path")).isNull());
}

TEST_F(Cli, ReportWritesChartsAsPngAndSvgAndIntoTheHtml)
{
    const QString project = dir.path(QStringLiteral("paper.bagel"));
    ASSERT_EQ(cli({QStringLiteral("init"), project}).exitCode, 0);
    ASSERT_EQ(cli({QStringLiteral("import"), project, QStringLiteral("paper-mistakes"), test::testData(QStringLiteral("paper/vit3b_mistakes.json")),
                   QStringLiteral("--labels"), test::testData(QStringLiteral("imagenet/val_labels.tsv"))})
                  .exitCode,
              0);
    const QString html = dir.path(QStringLiteral("out/report.html"));
    QDir().mkpath(dir.path(QStringLiteral("out")));
    const QString charts = dir.path(QStringLiteral("out/charts"));
    const test::CliResult r = cli({QStringLiteral("report"), project, QStringLiteral("--html"), html, QStringLiteral("--charts"), charts});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.isEmpty()) << "no platform chatter on stderr: " << r.err.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("Wrote ") + QDir(charts).filePath(QStringLiteral("vit3b-table2.png")))) << r.out.toStdString();
    for (const char *name : {"vit3b-table2.png", "vit3b-table2.svg", "vit3b-confused-pairs.png", "vit3b-confused-pairs.svg"}) {
        QFile file(QDir(charts).filePath(QLatin1String(name)));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << name;
        const QByteArray head = file.read(64);
        if (QByteArray(name).endsWith(".png"))
            EXPECT_TRUE(head.startsWith("\x89PNG\r\n\x1a\n")) << name;
        else
            EXPECT_TRUE(head.contains("<?xml")) << name;
    }
    QFile page(html);
    ASSERT_TRUE(page.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(page.readAll());
    EXPECT_EQ(text.count(QStringLiteral("src=\"data:image/svg+xml;base64,")), 2);
    const qsizetype start = text.indexOf(QStringLiteral("base64,")) + 7;
    const QByteArray svg = QByteArray::fromBase64(text.mid(start, text.indexOf(QLatin1Char('"'), start) - start).toLatin1());
    EXPECT_TRUE(svg.contains("fine-grained (241)")) << "the Table 2 chart of vit3b";

    // With --json, stdout stays one JSON document while the files are written.
    const QJsonObject report = json(cli({QStringLiteral("report"), project, QStringLiteral("--json"), QStringLiteral("--charts"), charts}));
    EXPECT_EQ(report.value(QStringLiteral("models")).toObject().value(QStringLiteral("vit3b")).toObject()
                  .value(QStringLiteral("table2")).toObject().value(QStringLiteral("total")).toObject()
                  .value(QStringLiteral("total")).toInt(),
              378);
    // A folder that cannot be made: one clear line.
    test::writeFile(dir.path(QStringLiteral("file")), "x");
    const QString error = failure(cli({QStringLiteral("report"), project, QStringLiteral("--charts"), dir.path(QStringLiteral("file/sub"))}));
    EXPECT_TRUE(error.contains(dir.path(QStringLiteral("file/sub")))) << error.toStdString();
}
