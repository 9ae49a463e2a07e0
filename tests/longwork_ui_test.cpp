// The window's long work: imports, exports and merges run on a worker thread with a progress
// dialog and Cancel; the import dialog guesses the format; files dropped on the window.

#include "backgroundtask.h"
#include "demo.h"
#include "importdialog.h"
#include "mainwindow.h"
#include "progress.h"
#include "project.h"
#include "review/queuelistmodel.h"
#include "settings.h"
#include "storage/store.h"
#include "testsupport.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

/** A long-form predictions CSV for \a items validation images, model \a model. */
QString predictionsCsv(const QString &path, int items, const QString &model)
{
    QByteArray text = "file_name,model,rank,class,score\n";
    for (int i = 0; i < items; ++i) {
        const QByteArray name = QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0')).toLatin1();
        for (int r = 1; r <= 5; ++r)
            text += name + ',' + model.toLatin1() + ',' + QByteArray::number(r) + ',' + QByteArray::number((i * 3 + r) % 1000) + ",0.2\n";
    }
    return test::writeFile(path, text);
}

ProjectCounts countsOf(const QString &path)
{
    return Project::open(path, true)->store().counts();
}

class LongWork : public ::testing::Test
{
protected:
    void SetUp() override
    {
        projectPath = createDemoProject(dir.path(QStringLiteral("demo")))->path();
        settings = std::make_unique<Settings>(dir.path(QStringLiteral("bagel.ini")));
        settings->setReviewer(QStringLiteral("ann"));
        window = std::make_unique<MainWindow>(*settings);
        window->resize(1200, 800);
        window->show();
        window->activateWindow();
        EXPECT_TRUE(QTest::qWaitForWindowActive(window.get()));
        EXPECT_TRUE(window->openProject(projectPath));
    }

    void TearDown() override
    {
        window.reset();
        settings.reset();
    }

    test::TempDir dir;
    QString projectPath;
    std::unique_ptr<Settings> settings;
    std::unique_ptr<MainWindow> window;
};

} // namespace

TEST_F(LongWork, AnImportRunsOffTheGuiThreadWithProgressAndTheQueueReloads)
{
    const QString csv = predictionsCsv(dir.path(QStringLiteral("big.csv")), 40000, QStringLiteral("big"));
    const ProjectCounts before = countsOf(projectPath);

    // The GUI thread keeps running while the import works: a timer ticks, the dialog updates.
    int ticks = 0;
    QTimer ticker;
    QObject::connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
    ticker.start(5);
    QString stageSeen;
    QTimer watcher;
    QObject::connect(&watcher, &QTimer::timeout, [&stageSeen] {
        if (QDialog *dialog = runningTaskDialog()) {
            if (auto *stage = dialog->findChild<QLabel *>(QStringLiteral("taskStage")); stage && stageSeen.isEmpty())
                stageSeen = stage->text();
        }
    });
    watcher.start(20);
    QSignalSpy reset(window->queueModel(), &QAbstractItemModel::modelReset);

    const TaskResult result = window->importInBackground(ImportFormat::Predictions, csv, {});
    ticker.stop();
    watcher.stop();
    ASSERT_TRUE(result.done()) << result.error.toStdString();
    EXPECT_GT(ticks, 10) << "the GUI thread did not run while the import worked";
    if (result.seconds > 0.6) { // long enough for the dialog to show
        EXPECT_EQ(stageSeen, QStringLiteral("Reading big.csv"));
    }

    const ProjectCounts after = countsOf(projectPath);
    EXPECT_EQ(after.models, before.models + 1);
    EXPECT_EQ(after.predictions, before.predictions + 40000);
    // The window reads the project again on a worker, and goes on meanwhile: the new model is
    // then offered, the queue rebuilt, and the item shown stays.
    const QString shown = window->currentFileName();
    EXPECT_TRUE(window->isReloading());
    EXPECT_EQ(reset.count(), 0) << "the queue is not read on the GUI thread";
    // A verdict given while it reads is in the queue once it is shown, whichever came first.
    window->action(QStringLiteral("verdict.unclear"))->trigger();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !window->isReloading(); }, 20000));
    window->flushWrites();
    EXPECT_GE(reset.count(), 1);
    EXPECT_GE(window->queuePanel()->modelBox()->findText(QStringLiteral("big")), 0);
    const QueueRow *row = window->queueModel()->rowAt(window->queueModel()->positionOf(shown));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->myVerdict, Verdict::Unclear);
    // The summary does not block the window.
    QWidget *summary = window->taskSummary();
    ASSERT_NE(summary, nullptr);
    EXPECT_FALSE(summary->isModal());
    EXPECT_TRUE(qobject_cast<QMessageBox *>(summary)->text().contains(QStringLiteral("40000 predictions")))
        << qobject_cast<QMessageBox *>(summary)->text().toStdString();
    EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
}

TEST_F(LongWork, CancelInTheProgressDialogLeavesTheProjectUnchanged)
{
    const QString csv = predictionsCsv(dir.path(QStringLiteral("big.csv")), 150000, QStringLiteral("big"));
    const ProjectCounts before = countsOf(projectPath);
    const qint64 version = window->project()->store().dataVersion();

    bool clicked = false;
    QTimer canceller;
    QObject::connect(&canceller, &QTimer::timeout, [&clicked] {
        QDialog *dialog = runningTaskDialog();
        if (!dialog || clicked)
            return;
        auto *cancel = dialog->findChild<QPushButton *>(QStringLiteral("taskCancel"));
        if (cancel && dialog->isVisible()) {
            QTest::mouseClick(cancel, Qt::LeftButton);
            clicked = true;
        }
    });
    canceller.start(10);
    const TaskResult result = window->importInBackground(ImportFormat::Predictions, csv, {});
    canceller.stop();
    ASSERT_TRUE(clicked) << "the progress dialog never showed (the import took " << result.seconds << " s)";
    EXPECT_TRUE(result.cancelled()) << result.error.toStdString();

    const ProjectCounts after = countsOf(projectPath);
    EXPECT_EQ(after.items, before.items);
    EXPECT_EQ(after.models, before.models);
    EXPECT_EQ(after.predictions, before.predictions);
    EXPECT_EQ(window->project()->store().dataVersion(), version); // nothing was committed
    EXPECT_EQ(window->taskSummary(), nullptr); // a cancel needs no message box
    EXPECT_EQ(runningTaskDialog(), nullptr);
}

TEST_F(LongWork, AFailedImportSaysWhyWithoutBlockingAndChangesNothing)
{
    const QString broken = test::writeFile(dir.path(QStringLiteral("broken.csv")),
                                           "file_name,model,rank,class,score\nILSVRC2012_val_00000001.JPEG,m,1,nope,0.5\n");
    const ProjectCounts before = countsOf(projectPath);
    const TaskResult result = window->importInBackground(ImportFormat::Predictions, broken, {});
    EXPECT_EQ(result.status, TaskResult::Status::Failed);
    EXPECT_TRUE(result.error.contains(QStringLiteral("broken.csv:2"))) << result.error.toStdString();
    QWidget *summary = window->taskSummary();
    ASSERT_NE(summary, nullptr);
    EXPECT_FALSE(summary->isModal());
    EXPECT_EQ(countsOf(projectPath).predictions, before.predictions);
}

TEST_F(LongWork, ExportRunsInTheBackgroundAndSaysWhereItWroteWhat)
{
    const QString out = dir.path(QStringLiteral("exports/all.csv"));
    QDir().mkpath(dir.path(QStringLiteral("exports")));
    const ExportReport report = window->exportTo(ExportFormat::Csv, out, false);
    EXPECT_EQ(report.items, 55);
    EXPECT_TRUE(QFileInfo::exists(out));
    EXPECT_TRUE(report.summary().contains(out)) << report.summary().toStdString();
    // A failing export leaves nothing and throws the reason.
    EXPECT_THROW(window->exportTo(ExportFormat::Csv, dir.path(QStringLiteral("no/such/folder/x.csv")), false), Error);
}

TEST_F(LongWork, TheImportDialogGuessesTheFormatFromTheContentAndSaysSo)
{
    ImportDialog dialog(dir.path());
    dialog.setFormat(ImportFormat::Labels);
    dialog.setPath(test::testData(QStringLiteral("formats/tfds_multilabel_human_accuracy_sample.json")));
    EXPECT_EQ(dialog.guessed(), ImportFormat::TfdsMultilabel);
    EXPECT_EQ(dialog.format(), ImportFormat::TfdsMultilabel);
    EXPECT_TRUE(dialog.guessLabel()->text().contains(QStringLiteral("TFDS"))) << dialog.guessLabel()->text().toStdString();

    // The user may still choose another format; the dialog says the content disagrees.
    dialog.setFormat(ImportFormat::Real);
    EXPECT_EQ(dialog.format(), ImportFormat::Real);
    EXPECT_TRUE(dialog.guessLabel()->text().contains(QStringLiteral("not the format chosen"))) << dialog.guessLabel()->text().toStdString();

    dialog.setPath(test::testData(QStringLiteral("paper/vit3b_mistakes.json")));
    EXPECT_EQ(dialog.format(), ImportFormat::PaperMistakes);
    const QString unknown = test::writeFile(dir.path(QStringLiteral("notes.txt")), "just some notes\n");
    dialog.setPath(unknown);
    EXPECT_EQ(dialog.guessed(), std::nullopt);
    EXPECT_EQ(dialog.format(), ImportFormat::PaperMistakes); // kept: nothing better to offer
    EXPECT_TRUE(dialog.guessLabel()->text().contains(QStringLiteral("cannot tell")));
}

TEST_F(LongWork, DroppingAProjectOpensItAndDroppingADataFileOffersToImportIt)
{
    // A data file: the import dialog comes up with the guessed format; accepted, it imports.
    const QString csv = predictionsCsv(dir.path(QStringLiteral("dropped.csv")), 20, QStringLiteral("dropped"));
    ImportFormat offered = ImportFormat::Labels;
    QTimer::singleShot(0, [&offered] {
        QTimer *poll = new QTimer;
        QObject::connect(poll, &QTimer::timeout, [poll, &offered] {
            auto *dialog = qobject_cast<ImportDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            offered = dialog->format();
            dialog->accept();
            poll->deleteLater();
        });
        poll->start(20);
    });
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(csv)});
    QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &enter);
    EXPECT_TRUE(enter.isAccepted());
    QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &drop);
    const int modelsBefore = countsOf(projectPath).models;
    QElapsedTimer guard;
    guard.start();
    while (countsOf(projectPath).models == modelsBefore && guard.elapsed() < 10000)
        QTest::qWait(20);
    EXPECT_EQ(offered, ImportFormat::Predictions);
    EXPECT_EQ(countsOf(projectPath).models, modelsBefore + 1);

    // A project: it opens.
    const QString other = test::makeProject(dir, QStringLiteral("other.bagel"), 5);
    QMimeData project;
    project.setUrls({QUrl::fromLocalFile(other)});
    QDragEnterEvent enterProject(QPoint(100, 100), Qt::CopyAction, &project, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &enterProject);
    EXPECT_TRUE(enterProject.isAccepted());
    QDropEvent dropProject(QPointF(100, 100), Qt::CopyAction, &project, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &dropProject);
    EXPECT_TRUE(QTest::qWaitFor([&] { return window->project() && window->project()->path() == QFileInfo(other).absoluteFilePath(); }, 5000))
        << (window->project() ? window->project()->path().toStdString() : std::string("none"));
}
