// Every count of the mistakes agrees wherever the report shows it: the JSON, the text of
// `bagel-cli report`, the HTML file, the Reports window's tables and both charts. The demo
// project gets reviews that produce each kind of mistake at once: one every reviewer calls
// wrong with a category, one wrong without a category, one the reviewers tie on (open), one
// found correct, and apparent mistakes nobody reviewed.

#include "auditwindow.h"
#include "demo.h"
#include "progress.h"
#include "project.h"
#include "report/htmlreport.h"
#include "report/report.h"
#include "reportcharts.h"
#include "reportwindow.h"
#include "taskprogress.h"
#include "testsupport.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QHorizontalStackedBarSeries>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSemaphore>
#include <QTableWidget>
#include <QTest>
#include <QThread>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

using namespace bagel;

namespace {

const QString kModel = QStringLiteral("demo-vit");

void review(Project &project, const char *file, const char *reviewer, Verdict verdict, std::optional<Category> category = {},
            std::optional<Severity> severity = {})
{
    ReviewInput in;
    in.fileName = QLatin1String(file);
    in.reviewer = QLatin1String(reviewer);
    in.model = kModel;
    in.verdict = verdict;
    in.category = category;
    in.severity = severity;
    project.recordReview(in);
}

/** The demo with each kind of mistake: see the file's comment. Returns the project's path. */
QString reviewedDemo(const test::TempDir &dir)
{
    auto project = createDemoProject(dir.path(QStringLiteral("demo")));
    // jaguar → leopard: wrong, fine-grained, major (both agree).
    review(*project, "gcompris_jaguar.jpg", "ann", Verdict::Wrong, Category::FineGrained, Severity::Major);
    review(*project, "gcompris_jaguar.jpg", "bo", Verdict::Wrong, Category::FineGrained, Severity::Major);
    // grey whale → dugong: wrong, nobody gave a category.
    review(*project, "gcompris_narwhal.jpg", "ann", Verdict::Wrong, std::nullopt, Severity::Minor);
    // tabby → Persian cat: the reviewers tie, the unit stays open.
    review(*project, "gcompris_cat.jpg", "ann", Verdict::Wrong, Category::SpuriousCorrelation, Severity::Major);
    review(*project, "gcompris_cat.jpg", "bo", Verdict::Correct);
    // can opener → corkscrew: not a mistake after all.
    review(*project, "gcompris_plier1.jpg", "ann", Verdict::Correct);
    return project->path();
}

qint64 sum(const QBarSet *set)
{
    double s = 0;
    for (int i = 0; i < set->count(); ++i)
        s += set->at(i);
    return qint64(s);
}

/** The first number in \a text after \a before. */
qint64 numberAfter(const QString &text, const QString &before)
{
    const QRegularExpression re(QRegularExpression::escape(before) + QStringLiteral("\\D*(\\d+)"));
    const QRegularExpressionMatch m = re.match(text);
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

} // namespace

TEST(ReportFigures, EveryCountOfTheMistakesAgreesInJsonHtmlWindowAndCharts)
{
    test::TempDir dir;
    const QString path = reviewedDemo(dir);
    const auto project = Project::open(path);
    const Report report = computeReport(*project);
    const QJsonObject json = reportJson(report)[QStringLiteral("models")][kModel].toObject();

    // The JSON: Table 2's rows add up to its total, and the mistakes are that total plus the
    // open and the unreviewed ones; the confused pairs count the same mistakes.
    const QJsonObject table2 = json[QStringLiteral("table2")].toObject();
    qint64 rows = 0;
    for (auto it = table2.begin(); it != table2.end(); ++it) {
        if (it.key() != QLatin1String("total"))
            rows += it->toObject()[QStringLiteral("total")].toInteger();
    }
    const qint64 wrong = table2[QStringLiteral("total")].toObject()[QStringLiteral("total")].toInteger();
    EXPECT_EQ(wrong, 2) << "jaguar and narwhal";
    EXPECT_EQ(rows, wrong) << "a mistake without a category is a row of its own";
    const QJsonObject mistakes = json[QStringLiteral("mistakes")].toObject();
    EXPECT_EQ(mistakes[QStringLiteral("wrong")].toInteger(), wrong);
    EXPECT_EQ(mistakes[QStringLiteral("open")].toInteger(), 1) << "the tabby";
    const qint64 unreviewed = mistakes[QStringLiteral("not_reviewed")].toInteger();
    EXPECT_GE(unreviewed, 2) << "hartebeest → impala, espresso → cup";
    const qint64 all = mistakes[QStringLiteral("total")].toInteger();
    EXPECT_EQ(all, wrong + 1 + unreviewed);
    qint64 inPairs = 0;
    for (const QJsonValue &p : json[QStringLiteral("confused_pairs")].toArray())
        inPairs += p.toObject()[QStringLiteral("count")].toInteger();
    EXPECT_EQ(inPairs + mistakes[QStringLiteral("outside_pairs")].toInteger(), all);
    EXPECT_EQ(json[QStringLiteral("confused_pairs_mistakes")].toInteger(), inPairs);

    // The command line prints the same.
    const test::CliResult text = test::runCli({QStringLiteral("report"), path, QStringLiteral("--model"), kModel}, dir.path());
    ASSERT_EQ(text.exitCode, 0) << text.err.toStdString();
    EXPECT_TRUE(text.out.contains(QRegularExpression(QStringLiteral("no category agreed\\s+0\\s+1\\s+1\\n")))) << text.out.toStdString();
    EXPECT_TRUE(text.out.contains(QRegularExpression(QStringLiteral("open: the reviewers tie\\s+1\\n")))) << text.out.toStdString();
    EXPECT_EQ(numberAfter(text.out, QStringLiteral("Mistakes after the review")), all) << text.out.toStdString();
    const test::CliResult asJson = test::runCli({QStringLiteral("report"), path, QStringLiteral("--json")}, dir.path());
    ASSERT_EQ(asJson.exitCode, 0);
    EXPECT_EQ(QJsonDocument::fromJson(asJson.out.toUtf8())[QStringLiteral("models")][kModel][QStringLiteral("mistakes")].toObject(), mistakes);

    // The HTML file.
    const QString htmlPath = dir.path(QStringLiteral("r.html"));
    writeHtmlReport(*project, report, htmlPath);
    QFile file(htmlPath);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(file.readAll());
    const qsizetype section = html.indexOf(QStringLiteral("<h2>Model ") + kModel);
    ASSERT_GE(section, 0);
    const QString vit = html.mid(section, html.indexOf(QStringLiteral("<h2>"), section + 4) - section);
    EXPECT_TRUE(vit.contains(QStringLiteral("<tr><td>no category agreed</td><td class=n>0</td><td class=n>1</td><td class=n>1</td></tr>"))) << vit.toStdString();
    EXPECT_TRUE(vit.contains(QStringLiteral("<tr><td>open: the reviewers tie</td><td></td><td></td><td class=n>1</td></tr>"))) << vit.toStdString();
    EXPECT_EQ(numberAfter(vit, QStringLiteral("<th>Mistakes after the review</th><td class=n>")), all);
    EXPECT_EQ(numberAfter(vit, QStringLiteral("Most-confused classes")), all) << "its heading counts the mistakes it is of";

    // The window: the figure, Table 2 (rows add up) and both charts.
    ReportWindow window;
    window.setProject(project.get());
    window.waitForResults();
    ASSERT_TRUE(window.report());
    window.modelBox()->setCurrentText(kModel);
    const ModelReport *m = window.currentModel();
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m->name, kModel);
    QTableWidget *figures = window.figuresTable();
    int column = -1;
    for (int c = 0; c < figures->columnCount(); ++c) {
        if (figures->horizontalHeaderItem(c)->text() == kModel)
            column = c;
    }
    ASSERT_GT(column, 0);
    qint64 shown = -1;
    for (int r = 0; r < figures->rowCount(); ++r) {
        if (figures->item(r, 0)->text().startsWith(QStringLiteral("Mistakes after the review")))
            shown = figures->item(r, column)->text().section(QLatin1Char(' '), 0, 0).toLongLong();
    }
    EXPECT_EQ(shown, all);

    QTableWidget *t2 = window.table2Table();
    qint64 categoryRows = 0;
    qint64 totalRow = -1;
    qint64 openRow = -1;
    for (int r = 0; r < t2->rowCount(); ++r) {
        const QString name = t2->item(r, 0)->text();
        const qint64 value = t2->item(r, 3)->text().toLongLong();
        if (name == QLatin1String("total"))
            totalRow = value;
        else if (name.startsWith(QStringLiteral("open")))
            openRow = value;
        else if (totalRow < 0)
            categoryRows += value;
    }
    EXPECT_EQ(totalRow, wrong);
    EXPECT_EQ(categoryRows, wrong) << "the rows above the total add up to it";
    EXPECT_EQ(openRow, 1);

    auto *bars = qobject_cast<QHorizontalStackedBarSeries *>(window.table2View()->chart()->series().value(0));
    ASSERT_NE(bars, nullptr);
    qint64 drawn = 0;
    for (const QBarSet *set : bars->barSets())
        drawn += sum(set);
    const QString axis = window.table2View()->chart()->axes(Qt::Horizontal).value(0)->titleText();
    EXPECT_EQ(drawn, wrong + 1) << "the wrong ones and the open one are drawn";
    EXPECT_TRUE(axis.contains(QStringLiteral("%1 wrong").arg(wrong))) << axis.toStdString();
    EXPECT_TRUE(axis.contains(QStringLiteral("1 open"))) << axis.toStdString();
    EXPECT_TRUE(axis.contains(QStringLiteral("%1 not reviewed").arg(unreviewed))) << axis.toStdString();

    const QList<QAbstractSeries *> lines = window.pairsView()->chart()->series();
    ASSERT_EQ(lines.size(), 2);
    EXPECT_EQ(numberAfter(lines[1]->name(), QStringLiteral("all")), all) << lines[1]->name().toStdString();
}

TEST(ReportFigures, EveryColumnOfTable2IsInView)
{
    test::TempDir dir;
    const auto project = Project::open(reviewedDemo(dir));
    ReportWindow window;
    window.resize(1200, 800);
    window.show();
    window.setProject(project.get());
    window.waitForResults();
    QCoreApplication::processEvents(); // the layout
    QTableWidget *t2 = window.table2Table();
    ASSERT_GT(t2->rowCount(), 0);
    const int last = t2->columnCount() - 1;
    EXPECT_EQ(t2->horizontalHeaderItem(last)->text(), QStringLiteral("total"));
    EXPECT_LE(t2->columnViewportPosition(last) + t2->columnWidth(last), t2->viewport()->width())
        << "the total column is cut off: " << t2->viewport()->width() << " px wide";
    for (int r = 0; r < t2->rowCount(); ++r) {
        const QString text = t2->item(r, 0)->text();
        EXPECT_LE(t2->fontMetrics().horizontalAdvance(text), t2->columnWidth(0)) << text.toStdString();
    }
}

TEST(ReportFigures, TheWindowShowsThatItIsComputingAndARefreshOvertakesTheOneInFlight)
{
    test::TempDir dir;
    const auto project = Project::open(reviewedDemo(dir));
    ReportWindow window;
    window.show();
    auto *busy = window.findChild<QProgressBar *>(QStringLiteral("reportBusy"));
    ASSERT_NE(busy, nullptr);
    EXPECT_FALSE(busy->isVisible());
    window.setProject(project.get());
    EXPECT_TRUE(window.isBusy()) << "the report is computed on a worker, not on the GUI thread";
    EXPECT_TRUE(busy->isVisible());
    window.refresh(); // overtakes the first computation
    window.waitForResults();
    EXPECT_FALSE(window.isBusy());
    EXPECT_FALSE(busy->isVisible());
    ASSERT_TRUE(window.report());
    EXPECT_TRUE(window.statusLabel()->text().startsWith(QStringLiteral("Read"))) << window.statusLabel()->text().toStdString();
}

TEST(ReportFigures, TheAuditWindowShowsThatItIsComputing)
{
    test::TempDir dir;
    const auto project = Project::open(reviewedDemo(dir));
    AuditWindow window;
    window.show();
    auto *busy = window.findChild<QProgressBar *>(QStringLiteral("auditBusy"));
    ASSERT_NE(busy, nullptr);
    window.setProject(project.get());
    EXPECT_TRUE(window.isBusy());
    EXPECT_TRUE(busy->isVisible());
    window.refresh(); // a second reading overtakes the first
    window.waitForResults();
    EXPECT_FALSE(window.isBusy());
    EXPECT_FALSE(busy->isVisible());
    ASSERT_TRUE(window.snapshot());
    EXPECT_GT(window.summaryTable()->rowCount(), 0);
}

TEST(ReportFigures, TheWindowShowsRowsDoneAndCancelStopsTheComputation)
{
    test::TempDir dir;
    const auto project = Project::open(reviewedDemo(dir));
    ReportWindow window;
    window.show();
    // The computation is held at its first check past the first rows of the figures until it
    // is cancelled, so that the test sees it running.
    auto reached = std::make_shared<QSemaphore>();
    auto held = std::make_shared<std::atomic<bool>>(false);
    window.setProgressHookForTests([reached, held](Progress &progress) {
        progress.setCheckHook([&progress, reached, held] {
            const Progress::Snapshot s = progress.snapshot();
            if (*held || s.stage != QStringLiteral("Computing the figures") || s.done == 0)
                return;
            *held = true;
            reached->release();
            while (!progress.isCancelled())
                QThread::msleep(2);
        });
    });
    window.setProject(project.get());
    ASSERT_TRUE(QTest::qWaitFor([&] { return reached->available() > 0; }, 10000));
    TaskProgress *strip = window.progressStrip();
    QPushButton *cancel = window.findChild<QPushButton *>(QStringLiteral("reportCancel"));
    ASSERT_NE(cancel, nullptr);
    // Rows done of the total; the stage in the status line.
    const QRegularExpression rowsDone(QStringLiteral("^[1-9][0-9,]* of [0-9,]+ rows"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return rowsDone.match(strip->detailLabel()->text()).hasMatch(); }, 5000))
        << strip->detailLabel()->text().toStdString();
    EXPECT_TRUE(strip->isVisible());
    EXPECT_TRUE(cancel->isVisible());
    EXPECT_TRUE(cancel->isEnabled());
    EXPECT_EQ(window.statusLabel()->text(), QStringLiteral("Computing the figures…"));
    EXPECT_GT(strip->bar()->maximum(), 0) << "a bar that fills, not a busy bar: the total is known";
    EXPECT_GT(strip->bar()->value(), 0);
    EXPECT_FALSE(window.computeAgainButton()->isVisible());

    EXPECT_FALSE(window.findChild<QPushButton *>(QStringLiteral("reportSaveHtml"))->isEnabled()) << "no report to write yet";
    QTest::mouseClick(cancel, Qt::LeftButton);
    window.waitForResults();
    EXPECT_FALSE(window.isBusy());
    EXPECT_FALSE(strip->isVisible());
    EXPECT_FALSE(window.report()) << "a cancelled computation shows no figures";
    EXPECT_TRUE(window.statusLabel()->text().startsWith(QStringLiteral("Cancelled"))) << window.statusLabel()->text().toStdString();
    ASSERT_TRUE(window.computeAgainButton()->isVisible());

    // Compute again, unhindered this time.
    window.setProgressHookForTests({});
    QTest::mouseClick(window.computeAgainButton(), Qt::LeftButton);
    EXPECT_FALSE(window.computeAgainButton()->isVisible());
    window.waitForResults();
    ASSERT_TRUE(window.report());
    EXPECT_EQ(window.report()->models.size(), 2);
    EXPECT_TRUE(window.statusLabel()->text().startsWith(QStringLiteral("Read"))) << window.statusLabel()->text().toStdString();

    // Escape cancels too; the figures read before stay and the window says they are older.
    window.setProgressHookForTests([reached, held](Progress &progress) {
        *held = false;
        progress.setCheckHook([&progress, reached, held] {
            if (*held || progress.snapshot().stage != QStringLiteral("Computing the figures") || progress.snapshot().done == 0)
                return;
            *held = true;
            reached->release();
            while (!progress.isCancelled())
                QThread::msleep(2);
        });
    });
    reached->acquire(reached->available());
    window.refresh();
    ASSERT_TRUE(QTest::qWaitFor([&] { return reached->available() > 0; }, 10000));
    QTest::keyClick(&window, Qt::Key_Escape);
    window.waitForResults();
    EXPECT_TRUE(window.report()) << "the figures shown stay";
    EXPECT_EQ(window.statusLabel()->text(), QStringLiteral("Cancelled: the figures shown were read before."));
    EXPECT_TRUE(window.computeAgainButton()->isVisible());
}
