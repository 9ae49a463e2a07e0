#include "adjudicationpanel.h"
#include "demowindow.h"
#include "audit/audit.h"
#include "auditwindow.h"
#include "classsearchpanel.h"
#include "demo.h"
#include "factspanel.h"
#include "imageview.h"
#include "mainwindow.h"
#include "project.h"
#include "review/queuelistmodel.h"
#include "settings.h"
#include "storage/projectcheck.h"
#include "storage/sqlitestore.h"
#include "testsupport.h"
#include "verdictpanel.h"
#include "zoommath.h"

#include <QAction>
#include <QComboBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>
#include <QTemporaryDir>
#include <QProcess>
#include <QDir>

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <grp.h>
#include <unistd.h>

using namespace bagel;

namespace {

/** Processes events until \a done() holds or \a ms pass; returns whether it held. */
template<typename Predicate>
bool waitUntil(Predicate done, int ms = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > ms)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QTest::qSleep(5);
    }
    return true;
}

class ReviewWindow : public test::DemoWindowTest
{
protected:
    /** The latest verdicts on \a file, read through a connection of its own. */
    QVector<ReviewRecord> latest(const QString &file)
    {
        auto project = Project::open(projectPath, true);
        const auto item = project->store().itemByFileName(file);
        return item ? project->latestReviews(item->id) : QVector<ReviewRecord>{};
    }
};

} // namespace

TEST_F(ReviewWindow, AKeyPressRecordsTheVerdictInTheDatabase)
{
    auto window = openWindow();
    const QString first = window->currentFileName();
    ASSERT_FALSE(first.isEmpty());
    press(*window, Qt::Key_F); // category: fine-grained
    press(*window, Qt::Key_M); // severity: major
    press(*window, Qt::Key_2); // wrong
    window->flushWrites();

    const QVector<ReviewRecord> reviews = latest(first);
    ASSERT_EQ(reviews.size(), 1);
    EXPECT_EQ(reviews[0].verdict, Verdict::Wrong);
    EXPECT_EQ(reviews[0].category, Category::FineGrained);
    EXPECT_EQ(reviews[0].severity, Severity::Major);
    EXPECT_NE(window->currentFileName(), first); // auto-advance
    EXPECT_TRUE(window->verdictPanel()->statusText().contains(QStringLiteral("Saved")));
}

TEST_F(ReviewWindow, UndoRetractsTheVerdictAndRedoRestoresIt)
{
    auto window = openWindow();
    const QString first = window->currentFileName();
    press(*window, Qt::Key_1);
    window->flushWrites();
    ASSERT_EQ(latest(first).size(), 1);

    press(*window, Qt::Key_Z, Qt::ControlModifier);
    window->flushWrites();
    EXPECT_TRUE(latest(first).isEmpty());
    EXPECT_EQ(window->currentFileName(), first); // undo goes back to the item

    press(*window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    window->flushWrites();
    ASSERT_EQ(latest(first).size(), 1);
    EXPECT_EQ(latest(first)[0].verdict, Verdict::Correct);
}

TEST_F(ReviewWindow, FiltersSelectTheRightItems)
{
    auto window = openWindow();
    QueueListModel *queue = window->queueModel();
    const int mistakes = queue->rowCount();
    for (int i = 0; i < mistakes; ++i)
        EXPECT_TRUE(queue->rowAt(i)->mistake);

    press(*window, Qt::Key_3);
    window->flushWrites();
    QueueFilter notMine;
    notMine.notReviewedByMe = true;
    window->setFilter(notMine);
    EXPECT_EQ(queue->rowCount(), mistakes - 1);

    QueueFilter search;
    search.mistakesOnly = false;
    search.search = QStringLiteral("jaguar");
    window->setFilter(search);
    ASSERT_EQ(queue->rowCount(), 1);
    EXPECT_EQ(window->currentFileName(), QStringLiteral("gcompris_jaguar.jpg"));

    QueueFilter all;
    all.mistakesOnly = false;
    window->setFilter(all);
    EXPECT_EQ(queue->rowCount(), 55);
}

TEST_F(ReviewWindow, ACorruptImageShowsAPlaceholderAndTheQueueGoesOn)
{
    // The first queued item's image is replaced by garbage.
    test::writeFile(dir.path(QStringLiteral("demo/images/gcompris_cat.jpg")), QByteArray(5000, '\x42'));
    auto window = openWindow();
    ASSERT_EQ(window->currentFileName(), QStringLiteral("gcompris_cat.jpg"));
    ASSERT_TRUE(waitUntil([&] { return !window->imageView()->placeholder().startsWith(QStringLiteral("Loading")); }))
        << window->imageView()->placeholder().toStdString();
    EXPECT_FALSE(window->imageView()->hasImage());
    EXPECT_EQ(window->imageView()->placeholder(), QStringLiteral("Unsupported or corrupt image file"));

    press(*window, Qt::Key_4); // problematic, and on to the next
    ASSERT_TRUE(waitUntil([&] { return window->imageView()->hasImage(); }));
    EXPECT_NE(window->currentFileName(), QStringLiteral("gcompris_cat.jpg"));
    window->flushWrites();
    EXPECT_EQ(latest(QStringLiteral("gcompris_cat.jpg")).value(0).verdict, Verdict::Problematic);
}

TEST_F(ReviewWindow, ReopeningResumesWhereTheReviewerStopped)
{
    QString third;
    {
        auto window = openWindow();
        press(*window, Qt::Key_Right);
        press(*window, Qt::Key_J);
        third = window->currentFileName();
        EXPECT_EQ(window->currentPosition(), 2);
        window->close();
    }
    auto window = openWindow();
    EXPECT_EQ(window->currentFileName(), third);
    EXPECT_EQ(settings->recentProjects().value(0), projectPath);
}

TEST_F(ReviewWindow, BlindModeHidesOthersVerdictsUntilMineIsRecorded)
{
    {
        auto project = Project::open(projectPath);
        ReviewInput bob;
        bob.fileName = QStringLiteral("gcompris_cat.jpg");
        bob.reviewer = QStringLiteral("bob");
        bob.model = QStringLiteral("demo-vit");
        bob.verdict = Verdict::Unclear;
        bob.note = QStringLiteral("bob was here");
        project->recordReview(bob);
        bob.fileName = QStringLiteral("gcompris_giraffe.jpg");
        bob.note = QStringLiteral("bob saw a giraffe");
        project->recordReview(bob);
    }
    auto window = openWindow();
    window->verdictPanel()->setAutoAdvance(false);
    ASSERT_EQ(window->currentFileName(), QStringLiteral("gcompris_cat.jpg"));
    ASSERT_TRUE(waitUntil([&] { return window->factsPanel()->text().contains(QStringLiteral("gcompris_cat.jpg")); }));
    EXPECT_FALSE(window->factsPanel()->text().contains(QStringLiteral("bob was here")));
    EXPECT_TRUE(window->factsPanel()->text().contains(QStringLiteral("hidden")));

    press(*window, Qt::Key_1);
    window->flushWrites();
    EXPECT_TRUE(waitUntil([&] { return window->factsPanel()->text().contains(QStringLiteral("bob was here")); }));

    // With blind mode off, an item I have not reviewed shows others' verdicts at once.
    press(*window, Qt::Key_Right);
    ASSERT_EQ(window->currentFileName(), QStringLiteral("gcompris_giraffe.jpg"));
    ASSERT_TRUE(waitUntil([&] { return window->factsPanel()->text().contains(QStringLiteral("gcompris_giraffe.jpg")); }));
    EXPECT_FALSE(window->factsPanel()->text().contains(QStringLiteral("bob saw a giraffe")));
    window->action(QStringLiteral("edit.blind"))->setChecked(false);
    EXPECT_TRUE(waitUntil([&] { return window->factsPanel()->text().contains(QStringLiteral("bob saw a giraffe")); }));
    auto reopened = Project::open(projectPath, true);
    EXPECT_EQ(reopened->store().meta(QStringLiteral("blind_mode")), QStringLiteral("off")); // a project setting
}

TEST_F(ReviewWindow, EveryActionHasAStableIdAndShortcutsCanBeChanged)
{
    settings->setShortcut(QStringLiteral("verdict.wrong"), QKeySequence(Qt::Key_W));
    auto window = openWindow();
    QStringList ids;
    for (QAction *a : window->actions())
        ids << a->objectName();
    for (const char *id : {"verdict.correct", "verdict.wrong", "verdict.unclear", "verdict.problematic", "go.next",
                           "go.previous", "edit.undo", "edit.redo", "help.shortcuts", "category.fine-grained",
                           "severity.major", "view.fit"})
        EXPECT_TRUE(ids.contains(QLatin1String(id))) << id;
    EXPECT_EQ(window->action(QStringLiteral("verdict.wrong"))->shortcut(), QKeySequence(Qt::Key_W));
    EXPECT_EQ(window->action(QStringLiteral("verdict.correct"))->shortcut(), QKeySequence(Qt::Key_1));
    const QString first = window->currentFileName();
    press(*window, Qt::Key_W);
    window->flushWrites();
    EXPECT_EQ(latest(first).value(0).verdict, Verdict::Wrong);
}

class ZoomSteps : public ::testing::TestWithParam<std::tuple<double, int, double>>
{
};

TEST_P(ZoomSteps, MoveAlongTheUsualSteps)
{
    const auto [from, steps, to] = GetParam();
    EXPECT_DOUBLE_EQ(zoom::stepScale(from, steps), to);
}

INSTANTIATE_TEST_SUITE_P(Zoom, ZoomSteps,
                         ::testing::Values(std::make_tuple(1.0, 1, 1.25), std::make_tuple(1.0, -1, 0.8),
                                           std::make_tuple(0.9, 1, 1.0), std::make_tuple(0.9, -1, 0.8),
                                           std::make_tuple(16.0, 1, 16.0), std::make_tuple(0.05, -1, 0.05),
                                           std::make_tuple(1.0, 2, 1.5), std::make_tuple(1.0, 0, 1.0)));

TEST(ZoomMath, ZoomingKeepsThePointUnderTheCursorAndPanningStaysOnScreen)
{
    const QPointF offset(10, 20);
    const QPointF anchor(300, 200);
    const QPointF imagePoint = (anchor - offset) / 0.5;
    const QPointF moved = zoom::zoomAround(offset, 0.5, 2.0, anchor);
    EXPECT_DOUBLE_EQ(((anchor - moved) / 2.0).x(), imagePoint.x());
    EXPECT_DOUBLE_EQ(((anchor - moved) / 2.0).y(), imagePoint.y());
    EXPECT_DOUBLE_EQ(zoom::fitScale(QSizeF(400, 300), QSizeF(800, 300)), 1.0);
    EXPECT_EQ(zoom::centred(QSizeF(400, 300), 1.0, QSizeF(800, 300)), QPointF(200, 0));
    // A small image is centred; a large one cannot be dragged past its edges.
    EXPECT_EQ(zoom::clampOffset(QPointF(-50, 70), QSizeF(100, 100), 1.0, QSizeF(300, 300)), QPointF(100, 100));
    EXPECT_EQ(zoom::clampOffset(QPointF(50, -5000), QSizeF(1000, 1000), 1.0, QSizeF(300, 300)), QPointF(0, -700));
}

TEST_F(ReviewWindow, ClassPanelKeyboardFlowEditsLabelsUndoablyAndNamesTheTrueObject)
{
    auto window = openWindow();
    window->verdictPanel()->setAutoAdvance(false);
    ClassSearchPanel *panel = window->classSearchPanel();
    panel->waitUntilReady();
    const QString item = window->currentFileName();
    ASSERT_EQ(item, QStringLiteral("gcompris_cat.jpg"));

    press(*window, Qt::Key_Slash);
    ASSERT_TRUE(waitUntil([&] { return panel->isVisible() && panel->searchBox()->hasFocus(); }));
    // Without a query it suggests the item's label and the model's top-5.
    ASSERT_NE(panel->selectedHit(), nullptr);
    EXPECT_EQ(panel->selectedHit()->names.first(), QStringLiteral("tabby"));

    QTest::keyClicks(panel->searchBox(), QStringLiteral("persain")); // a typo
    ASSERT_NE(panel->selectedHit(), nullptr);
    EXPECT_EQ(panel->selectedHit()->names.first(), QStringLiteral("Persian cat"));
    EXPECT_TRUE(panel->detailsText().contains(QStringLiteral("domestic cat")));
    QTest::keyClick(panel->searchBox(), Qt::Key_Return, Qt::ControlModifier); // unclear
    window->flushWrites();
    {
        auto project = Project::open(projectPath, true);
        const auto id = project->store().itemByFileName(item)->id;
        const QVector<LabelJudgement> labels = project->currentLabels(id);
        const auto persian = std::find_if(labels.begin(), labels.end(), [](const LabelJudgement &j) { return j.classIndex == 283; });
        ASSERT_NE(persian, labels.end());
        EXPECT_EQ(persian->judgement, Judgement::Unclear);
    }

    QTest::keyClick(panel->searchBox(), Qt::Key_Escape);
    EXPECT_TRUE(window->imageView()->hasFocus());
    press(*window, Qt::Key_Z, Qt::ControlModifier);
    window->flushWrites();
    {
        auto project = Project::open(projectPath, true);
        const auto id = project->store().itemByFileName(item)->id;
        const QVector<LabelJudgement> labels = project->currentLabels(id);
        const auto persian = std::find_if(labels.begin(), labels.end(), [](const LabelJudgement &j) { return j.classIndex == 283; });
        ASSERT_NE(persian, labels.end());
        EXPECT_EQ(persian->judgement, Judgement::Wrong); // back to the imported judgement
    }

    // An object outside the 1000 classes: found among all WordNet nouns, recorded with the verdict.
    press(*window, Qt::Key_Slash);
    panel->setWordnetScope(true);
    panel->waitUntilReady(); // the nouns are indexed when their scope is first chosen
    panel->setQuery(QStringLiteral("giraffe"));
    ASSERT_NE(panel->selectedHit(), nullptr);
    EXPECT_EQ(panel->selectedHit()->wnid(), QStringLiteral("n02439033"));
    EXPECT_TRUE(panel->detailsText().contains(QStringLiteral("Nearest ImageNet classes")));
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("trueObject")), Qt::LeftButton);
    QTest::keyClick(panel->searchBox(), Qt::Key_Escape);
    press(*window, Qt::Key_M);
    press(*window, Qt::Key_2);
    window->flushWrites();
    const QVector<ReviewRecord> reviews = latest(item);
    ASSERT_EQ(reviews.size(), 1);
    EXPECT_EQ(reviews[0].category, Category::FineGrainedOov);
    EXPECT_EQ(reviews[0].oovWnid, QStringLiteral("n02439033"));
}

TEST_F(ReviewWindow, ClassPanelShowsExamplesOfTheSelectedClass)
{
    auto window = openWindow();
    ClassSearchPanel *panel = window->classSearchPanel();
    panel->waitUntilReady();
    press(*window, Qt::Key_Slash);
    panel->setQuery(QStringLiteral("tabby"));
    // Two demo photos are labelled tabby, the kitten and the cat; the one under review is not
    // an example of its own label.
    ASSERT_EQ(window->currentFileName(), QStringLiteral("gcompris_cat.jpg"));
    ASSERT_EQ(panel->examplePaths().size(), 1);
    EXPECT_NE(QFileInfo(panel->examplePaths()[0]).fileName(), window->currentFileName());
    auto *thumb = panel->findChild<QLabel *>(QStringLiteral("exampleThumb0"));
    ASSERT_NE(thumb, nullptr);
    EXPECT_TRUE(waitUntil([&] { return !thumb->pixmap().isNull(); }));
}

TEST_F(ReviewWindow, DisagreementQueueOpensTheUnitForAdjudicationAndTheFinalStateFollows)
{
    // Three reviewers on the demo model's mistakes: they disagree on two units, most on the first.
    QString contested;
    QString split;
    {
        auto project = Project::open(projectPath);
        const AuditSnapshot none = AuditSnapshot::load(*project);
        EXPECT_TRUE(none.units().empty());
        QStringList files;
        project->store().forEachItem([&files](const ItemRecord &item) { files << item.fileName; });
        contested = files[3];
        split = files[7];
        auto say = [&](const QString &file, const QString &who, Verdict v) {
            ReviewInput in;
            in.fileName = file;
            in.reviewer = who;
            in.model = QStringLiteral("demo-vit");
            in.verdict = v;
            project->recordReview(in);
        };
        say(contested, QStringLiteral("ann"), Verdict::Correct);
        say(contested, QStringLiteral("bo"), Verdict::Wrong);
        say(contested, QStringLiteral("cy"), Verdict::Unclear);
        say(split, QStringLiteral("ann"), Verdict::Correct);
        say(split, QStringLiteral("bo"), Verdict::Correct);
        say(split, QStringLiteral("cy"), Verdict::Wrong);
        say(files[9], QStringLiteral("ann"), Verdict::Wrong);
        say(files[9], QStringLiteral("bo"), Verdict::Wrong);
    }
    auto window = openWindow();
    window->action(QStringLiteral("audit.open"))->trigger();
    AuditWindow *audit = window->auditWindow();
    ASSERT_NE(audit, nullptr);
    audit->waitForResults();
    ASSERT_TRUE(waitUntil([&] { return audit->disagreementTable()->rowCount() == 2; }));
    QTableWidget *queue = audit->disagreementTable();
    EXPECT_EQ(queue->item(0, 0)->text(), contested); // all three differ: most disputed first
    EXPECT_EQ(queue->item(1, 0)->text(), split);
    EXPECT_EQ(queue->item(0, 3)->text(), QStringLiteral("3"));
    EXPECT_TRUE(queue->item(1, 5)->text().startsWith(QStringLiteral("correct (majority)"))) << queue->item(1, 5)->text().toStdString();
    // The summary shows every statistic; the heatmap has one row and column per reviewer.
    EXPECT_EQ(audit->heatmap()->rowCount(), 3);
    EXPECT_EQ(audit->summaryTable()->item(1, 0)->text(), QStringLiteral("Percent agreement"));
    EXPECT_FALSE(audit->summaryTable()->item(3, 1)->text().isEmpty());

    // Ctrl+C copies a table as tab-separated text with its headers (all of it when nothing is selected).
    audit->summaryTable()->clearSelection();
    audit->summaryTable()->setFocus();
    const QString copied = audit->selectionText();
    EXPECT_TRUE(copied.startsWith(QStringLiteral("Statistic\tValue\t95% interval\n"))) << copied.toStdString();
    EXPECT_TRUE(copied.contains(QStringLiteral("\nPercent agreement\t"))) << copied.toStdString();
    audit->findChild<QTabWidget *>()->setCurrentWidget(queue);
    queue->setFocus();
    queue->selectRow(1);
    EXPECT_TRUE(audit->selectionText().contains(split)) << audit->selectionText().toStdString();
    EXPECT_FALSE(audit->selectionText().contains(contested));

    // Opening the first row shows the unit in the review window with every answer side by side.
    audit->openRow(0);
    ASSERT_TRUE(waitUntil([&] { return window->currentFileName() == contested; }));
    AdjudicationPanel *panel = window->adjudicationPanel();
    ASSERT_TRUE(waitUntil([&] { return panel->isVisible() && panel->answersTable()->rowCount() == 3; }));
    EXPECT_TRUE(panel->finalLabel()->text().contains(QStringLiteral("tied"))) << panel->finalLabel()->text().toStdString();

    // The lead decides: correct, with a reason.
    auto *verdict = panel->findChildren<QComboBox *>().at(0);
    verdict->setCurrentText(QStringLiteral("correct"));
    auto *reason = panel->findChild<QLineEdit *>();
    ASSERT_NE(reason, nullptr);
    QTest::keyClicks(reason, QStringLiteral("the cup is an espresso cup"));
    QTest::keyClick(reason, Qt::Key_Return);
    EXPECT_TRUE(panel->finalLabel()->text().contains(QStringLiteral("adjudicated by ann"))) << panel->finalLabel()->text().toStdString();
    {
        auto project = Project::open(projectPath, true);
        const AuditSnapshot snapshot = AuditSnapshot::load(*project);
        const ItemId item = project->store().itemByFileName(contested)->id;
        const FinalState f = snapshot.finalState(snapshot.unitIndex(item, project->store().modelId(QStringLiteral("demo-vit"), false)));
        EXPECT_EQ(f.source, FinalState::Source::Adjudicated);
        EXPECT_EQ(f.verdict, Verdict::Correct);
        EXPECT_EQ(f.reason, QStringLiteral("the cup is an espresso cup"));
    }
    // The audit window follows: the unit is marked as adjudicated.
    audit->waitForResults();
    ASSERT_TRUE(waitUntil([&] { return audit->disagreementTable()->item(0, 5)->text().contains(QStringLiteral("adjudicated")); }));

    // Edit ▸ Undo takes the adjudication back (appending a withdrawal), and the panel says so;
    // Redo decides again.
    window->action(QStringLiteral("edit.undo"))->trigger();
    EXPECT_TRUE(panel->finalLabel()->text().contains(QStringLiteral("tied"))) << panel->finalLabel()->text().toStdString();
    {
        auto project = Project::open(projectPath, true);
        EXPECT_EQ(project->store().counts().adjudications, 2) << "undo appends; the history keeps both";
    }
    window->action(QStringLiteral("edit.redo"))->trigger();
    EXPECT_TRUE(panel->finalLabel()->text().contains(QStringLiteral("adjudicated by ann"))) << panel->finalLabel()->text().toStdString();
}

TEST_F(ReviewWindow, ReviewsAnotherProgramWritesAppearOnTheItemShown)
{
    auto window = openWindow();
    window->action(QStringLiteral("audit.adjudicate"))->trigger();
    AdjudicationPanel *panel = window->adjudicationPanel();
    ASSERT_TRUE(waitUntil([&] { return panel->isVisible(); }));
    EXPECT_EQ(panel->answersTable()->rowCount(), 0);
    const QString shown = window->currentFileName();
    {
        // Another program (bagel-cli, a second Bagel) records a verdict on the item shown.
        auto other = Project::open(projectPath);
        ReviewInput in;
        in.fileName = shown;
        in.reviewer = QStringLiteral("zed");
        in.model = QStringLiteral("demo-vit");
        in.verdict = Verdict::Unclear;
        in.note = QStringLiteral("from elsewhere");
        other->recordReview(in);
    }
    ASSERT_TRUE(waitUntil([&] { return panel->answersTable()->rowCount() == 1; }, 3 * MainWindow::kWatchIntervalMs));
    EXPECT_EQ(panel->answersTable()->item(0, 0)->text(), QStringLiteral("zed"));
    EXPECT_EQ(panel->answersTable()->item(0, 5)->text(), QStringLiteral("from elsewhere"));
    EXPECT_EQ(window->currentFileName(), shown);
}

TEST_F(ReviewWindow, ExportWritesTheWholeProjectOrOnlyTheQueueAsFiltered)
{
    auto window = openWindow();
    const QString judged = window->currentFileName();
    press(*window, Qt::Key_1); // a verdict still on its way to the database is part of the export
    QueueFilter one;
    one.mistakesOnly = false;
    one.search = QStringLiteral("gcompris_cat");
    window->setFilter(one);
    ASSERT_EQ(window->queueModel()->rowCount(), 1);

    const QString all = dir.path(QStringLiteral("all.csv"));
    const ExportReport everything = window->exportTo(ExportFormat::Csv, all, false);
    const QString queue = dir.path(QStringLiteral("queue.csv"));
    const ExportReport filtered = window->exportTo(ExportFormat::Csv, queue, true);
    EXPECT_EQ(everything.items, 55);
    EXPECT_EQ(filtered.items, 1);
    QFile whole(all);
    ASSERT_TRUE(whole.open(QIODevice::ReadOnly));
    bool found = false;
    for (const QByteArray &line : whole.readAll().split('\n')) {
        if (line.startsWith(QByteArray(judged.toUtf8() + ','))) {
            found = true;
            EXPECT_TRUE(line.contains(",correct,,,single reviewer,ann,")) << line.toStdString(); // verdict, no category or severity
        }
    }
    EXPECT_TRUE(found);
    QFile file(queue);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    ASSERT_GE(lines.size(), 2);
    EXPECT_TRUE(lines[1].startsWith("gcompris_cat.jpg,")) << lines[1].toStdString();
    EXPECT_NE(window->action(QStringLiteral("file.export")), nullptr);
}

TEST_F(ReviewWindow, AFullDiskFailsVisiblyKeepsTheVerdictToRetryAndHarmsNothingSaved)
{
    auto window = openWindow();
    // Some verdicts saved before the disk fills up.
    QStringList saved;
    for (int i = 0; i < 3; ++i) {
        saved << window->currentFileName();
        press(*window, Qt::Key_1);
    }
    window->flushWrites();
    // ann's reviews of an item (the demo has other reviewers' too).
    const auto annsReviews = [this](const QString &file) {
        auto project = Project::open(projectPath, true);
        const ReviewerId ann = project->store().reviewerId(QStringLiteral("ann"), false);
        QVector<ReviewRecord> out;
        for (const ReviewRecord &r : project->store().reviews(project->store().itemByFileName(file)->id)) {
            if (r.reviewer == ann)
                out << r;
        }
        return out;
    };
    for (const QString &file : saved)
        ASSERT_EQ(annsReviews(file).size(), 1) << file.toStdString();

    // The disk is full: the file may not grow by a single page from here on.
    window->reviewWriter()->runOnConnection([](Project &project) {
        sqlite3 *db = dynamic_cast<SqliteStore &>(project.store()).nativeHandle();
        ASSERT_EQ(sqlite3_exec(db, "PRAGMA max_page_count = 1", nullptr, nullptr, nullptr), SQLITE_OK); // clamped to the current size
    });
    QStringList unsaved;
    qsizetype before = 0; // ann's reviews of the item before the verdict that failed
    for (int i = 0; i < 500 && window->failedWrites() == 0; ++i) {
        const QString file = window->currentFileName();
        before = annsReviews(file).size();
        press(*window, Qt::Key_3); // unclear, until a page runs out
        window->flushWrites();
        QCoreApplication::processEvents();
        if (window->failedWrites() > 0)
            unsaved << file;
    }
    ASSERT_EQ(window->failedWrites(), 1) << "a verdict that needs a new page cannot be saved";
    EXPECT_TRUE(window->verdictPanel()->statusText().contains(QStringLiteral("NOT saved"))) << window->verdictPanel()->statusText().toStdString();
    EXPECT_TRUE(window->verdictPanel()->statusText().contains(unsaved.first()));
    const auto *retry = window->findChild<QPushButton *>(QStringLiteral("retrySaving"));
    ASSERT_NE(retry, nullptr);
    EXPECT_TRUE(retry->isVisible());
    EXPECT_TRUE(window->action(QStringLiteral("edit.retry"))->isEnabled());
    EXPECT_EQ(annsReviews(unsaved.first()).size(), before) << "not in the file";
    for (const QString &file : saved)
        EXPECT_EQ(annsReviews(file).size(), 1) << "saved before: untouched";
    const CheckReport check = checkProject(projectPath);
    EXPECT_TRUE(check.ok());

    // Retrying while the disk is still full fails again and keeps the verdict.
    press(*window, Qt::Key_R, Qt::ControlModifier);
    window->flushWrites();
    QCoreApplication::processEvents();
    EXPECT_EQ(window->failedWrites(), 1);

    // Space again: Ctrl+R saves it.
    window->reviewWriter()->runOnConnection([](Project &project) {
        sqlite3 *db = dynamic_cast<SqliteStore &>(project.store()).nativeHandle();
        ASSERT_EQ(sqlite3_exec(db, "PRAGMA max_page_count = 1073741823", nullptr, nullptr, nullptr), SQLITE_OK);
    });
    press(*window, Qt::Key_R, Qt::ControlModifier);
    window->flushWrites();
    QCoreApplication::processEvents();
    EXPECT_EQ(window->failedWrites(), 0);
    EXPECT_FALSE(retry->isVisible());
    const QVector<ReviewRecord> now = annsReviews(unsaved.first());
    ASSERT_EQ(now.size(), before + 1);
    EXPECT_EQ(now.last().verdict, Verdict::Unclear);
    EXPECT_TRUE(checkProject(projectPath).ok());
}

// A project in a folder nobody may write in, with a read-only file, is opened read-only with a
// banner that says why. Permissions do not bind root, so when the tests run as root the window
// part runs in a child process of this test program as the unprivileged user `nobody`. The build
// folder may be out of `nobody`'s reach (a clone in /root), so the child runs copies of this
// program and of bagel-cli from the test's own temporary folder.
TEST(ReadOnlyProject, OpensReadOnlyWithABannerAndIsNeverWritten)
{
    const QString childProject = qEnvironmentVariable("BAGEL_READ_ONLY_PROJECT");
    if (!childProject.isEmpty()) {
        // The child: the real window on the read-only project.
        QTemporaryDir home;
        Settings settings(home.filePath(QStringLiteral("bagel.ini")));
        settings.setReviewer(QStringLiteral("ann"));
        MainWindow window(settings);
        window.show();
        ASSERT_TRUE(window.openProject(childProject));
        ASSERT_TRUE(window.project()->store().isReadOnly());
        EXPECT_TRUE(window.readOnlyBanner()->isVisible());
        EXPECT_TRUE(window.readOnlyBanner()->text().contains(QStringLiteral("Read-only"))) << window.readOnlyBanner()->text().toStdString();
        EXPECT_TRUE(window.readOnlyBanner()->text().contains(QStringLiteral("is read-only"))) << window.readOnlyBanner()->text().toStdString();
        EXPECT_TRUE(window.windowTitle().contains(QStringLiteral("[read-only]")));
        EXPECT_FALSE(window.action(QStringLiteral("verdict.correct"))->isEnabled()) << "greyed out: nothing can be saved";
        EXPECT_GT(window.queueModel()->rowCount(), 0) << "the queue is there to look at";
        QTest::keyClick(window.imageView(), Qt::Key_1);
        window.flushWrites();
        EXPECT_EQ(window.failedWrites(), 0) << "nothing was sent to be saved";
        // And from the command line: a clear error that says why.
        const test::CliResult cli = test::runCli({QStringLiteral("review"), childProject, QStringLiteral("--item"), window.currentFileName(),
                                                  QStringLiteral("--reviewer"), QStringLiteral("ann"), QStringLiteral("--verdict"),
                                                  QStringLiteral("correct")},
                                                 home.filePath(QStringLiteral("xdg")));
        EXPECT_EQ(cli.exitCode, 1);
        EXPECT_TRUE(cli.err.contains(QStringLiteral("is open read-only: "))) << cli.err.toStdString();
        const test::CliResult check = test::runCli({QStringLiteral("check"), childProject}, home.filePath(QStringLiteral("xdg")));
        EXPECT_EQ(check.exitCode, 0) << check.out.toStdString() << check.err.toStdString();
        return;
    }

    test::TempDir dir;
    QFile::setPermissions(dir.path(), QFileDevice::Permissions(0x7755));
    const QString home = dir.path(QStringLiteral("home"));
    QDir().mkpath(home);
    QFile::setPermissions(home, QFileDevice::Permissions(0x7777));
    const bool asNobody = ::geteuid() == 0;
    QString program = QCoreApplication::applicationFilePath();
    QString cliProgram = test::cliPath();
    if (asNobody) {
        const QString bin = dir.path(QStringLiteral("bin"));
        ASSERT_TRUE(QDir().mkpath(bin));
        QFile::setPermissions(bin, QFileDevice::Permissions(0x7755));
        const auto copyForNobody = [&bin](const QString &from) {
            const QString to = bin + QLatin1Char('/') + QFileInfo(from).fileName();
            EXPECT_TRUE(QFile::copy(from, to)) << from.toStdString();
            EXPECT_TRUE(QFile::setPermissions(to, QFileDevice::Permissions(0x5555)));
            return to;
        };
        program = copyForNobody(program);
        cliProgram = copyForNobody(cliProgram);
        ASSERT_FALSE(HasFailure());
    }
    // A read-only file in a folder others may write in; a read-only file in a read-only folder.
    for (const bool folderReadOnly : {false, true}) {
        SCOPED_TRACE(folderReadOnly ? "read-only folder" : "read-only file");
        const QString folder = dir.path(folderReadOnly ? QStringLiteral("closed") : QStringLiteral("open"));
        const QString path = createDemoProject(folder)->path();
        ASSERT_FALSE(QFile::exists(path + QStringLiteral("-wal"))) << "closed cleanly";
        const QByteArray before = test::fileHash(path);
        QFile::setPermissions(path, QFileDevice::Permissions(0x4444));
        QFile::setPermissions(folder, QFileDevice::Permissions(folderReadOnly ? 0x5555 : 0x7777));

        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BAGEL_READ_ONLY_PROJECT"), path);
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home);
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("BAGEL_TEST_CLI"), cliProgram);
        child.setProcessEnvironment(env);
        child.setWorkingDirectory(home);
        if (asNobody) {
            child.setChildProcessModifier([] {
                // Only async-signal-safe calls here: drop to `nobody` before exec.
                if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)
                    ::_exit(97);
            });
        }
        child.start(program, {QStringLiteral("--gtest_filter=ReadOnlyProject.*")});
        ASSERT_TRUE(child.waitForFinished(120000));
        const QString output = QString::fromUtf8(child.readAllStandardOutput() + child.readAllStandardError());
        EXPECT_EQ(child.exitCode(), 0) << output.toStdString();
        EXPECT_TRUE(output.contains(QStringLiteral("[  PASSED  ] 1 test"))) << output.toStdString();
        EXPECT_EQ(test::fileHash(path), before) << "never written";
        if (folderReadOnly) {
            EXPECT_FALSE(QFile::exists(path + QStringLiteral("-wal")));
        }
        // Give the folder back, so the temporary folder can be removed.
        QFile::setPermissions(folder, QFileDevice::Permissions(0x7700));
    }
}
