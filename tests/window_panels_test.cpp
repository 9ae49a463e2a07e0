// The review window's panels: what the reviewer sees of keys, their own verdict, an empty
// project, another project, missing images and the help, on the real MainWindow (offscreen).
#include "catalog/classcatalog.h"
#include "classsearchpanel.h"
#include "demo.h"
#include "dialogs.h"
#include "factspanel.h"
#include "imageview.h"
#include "mainwindow.h"
#include "project.h"
#include "queuepanel.h"
#include "settings.h"
#include "demowindow.h"
#include "testsupport.h"
#include "verdictpanel.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <gtest/gtest.h>

#include <functional>

using namespace bagel;

namespace {

class WindowPanels : public test::DemoWindowTest
{
protected:
    /** The button that shows \a actionId in the verdict panel. */
    static QToolButton *buttonOf(MainWindow &window, const QString &actionId)
    {
        for (QToolButton *b : window.verdictPanel()->findChildren<QToolButton *>()) {
            if (b->defaultAction() && b->defaultAction()->objectName() == actionId)
                return b;
        }
        return nullptr;
    }

    /**
     * Runs \a inspect on the next modal dialog \a trigger opens, then closes it; fails when none opens.
     */
    static void withModal(const std::function<void()> &trigger, const std::function<void(QWidget *)> &inspect)
    {
        bool seen = false;
        QTimer poll;
        poll.setInterval(20);
        QObject::connect(&poll, &QTimer::timeout, [&] {
            QWidget *modal = QApplication::activeModalWidget();
            if (!modal || seen)
                return;
            seen = true;
            inspect(modal);
            if (!modal->isVisible())
                return; // inspect() answered it
            if (auto *dialog = qobject_cast<QDialog *>(modal))
                dialog->reject();
            else
                modal->close();
        });
        poll.start();
        trigger();
        poll.stop();
        EXPECT_TRUE(seen) << "no dialog opened";
    }

};

} // namespace

TEST_F(WindowPanels, VerdictButtonsShowTheirKeysAndRevisitingShowsMyVerdictCategoryKindAndSeveritySelected)
{
    auto window = openWindow(projectPath);
    QToolButton *correct = buttonOf(*window, QStringLiteral("verdict.correct"));
    QToolButton *wrong = buttonOf(*window, QStringLiteral("verdict.wrong"));
    ASSERT_TRUE(correct && wrong);
    EXPECT_TRUE(correct->text().startsWith(QStringLiteral("Correct")));
    EXPECT_TRUE(correct->text().endsWith(QStringLiteral("1"))) << correct->text().toStdString();
    EXPECT_TRUE(buttonOf(*window, QStringLiteral("category.fine-grained"))->text().endsWith(QStringLiteral("F")));
    EXPECT_FALSE(wrong->property("mine").toBool());

    const QString first = window->currentFileName();
    QWidget *spuriousRow = window->verdictPanel()->findChild<QWidget *>(QStringLiteral("spuriousKindRow"));
    ASSERT_TRUE(spuriousRow);
    EXPECT_FALSE(spuriousRow->isVisible());
    press(*window, Qt::Key_L, Qt::ShiftModifier); // lack of context: chooses the category too
    EXPECT_TRUE(window->action(QStringLiteral("category.spurious-correlation"))->isChecked());
    EXPECT_TRUE(spuriousRow->isVisible());
    press(*window, Qt::Key_S, Qt::ShiftModifier); // no: over-reliance on context
    press(*window, Qt::Key_M);
    press(*window, Qt::Key_2);
    window->flushWrites();
    ASSERT_NE(window->currentFileName(), first);
    // The next item's facts follow its picture: wait for them, then the draft is fresh.
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->factsPanel()->text().contains(window->currentFileName()); }, 5000));
    EXPECT_FALSE(window->action(QStringLiteral("category.spurious-correlation"))->isChecked());
    EXPECT_FALSE(wrong->property("mine").toBool());

    {
        auto reader = Project::open(projectPath, true);
        const QVector<ReviewRecord> reviews = reader->latestReviews(reader->store().itemByFileName(first)->id);
        ASSERT_EQ(reviews.size(), 1);
        EXPECT_EQ(reviews[0].verdict, Verdict::Wrong);
        EXPECT_EQ(reviews[0].category, Category::SpuriousCorrelation);
        EXPECT_EQ(reviews[0].spuriousKind, SpuriousKind::OverRelianceOnContext);
        EXPECT_EQ(reviews[0].severity, Severity::Major);
    }

    press(*window, Qt::Key_Left);
    ASSERT_EQ(window->currentFileName(), first);
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->verdictPanel()->myVerdict().has_value(); }, 5000));
    EXPECT_TRUE(wrong->property("mine").toBool());
    EXPECT_FALSE(correct->property("mine").toBool());
    EXPECT_EQ(window->verdictPanel()->myVerdict(), Verdict::Wrong);
    EXPECT_TRUE(window->action(QStringLiteral("category.spurious-correlation"))->isChecked());
    EXPECT_TRUE(window->action(QStringLiteral("spurious.over-reliance-on-context"))->isChecked());
    EXPECT_FALSE(window->action(QStringLiteral("spurious.lack-of-context"))->isChecked());
    EXPECT_TRUE(window->action(QStringLiteral("severity.major"))->isChecked());
    EXPECT_TRUE(spuriousRow->isVisible());
    // Chosen and not chosen look different, not only by a shade of grey.
    QToolButton *major = buttonOf(*window, QStringLiteral("severity.major"));
    QToolButton *minor = buttonOf(*window, QStringLiteral("severity.minor"));
    EXPECT_NE(major->grab().toImage().pixelColor(major->width() / 2, 3), minor->grab().toImage().pixelColor(minor->width() / 2, 3));

    // Another category hides the kinds, and a kind is only recorded with its category.
    press(*window, Qt::Key_F);
    EXPECT_FALSE(spuriousRow->isVisible());
    EXPECT_FALSE(window->verdictPanel()->spuriousKind());

    // Undo takes my verdict back: the panel says so once the retraction is saved, and redo
    // shows it again.
    window->action(QStringLiteral("edit.undo"))->trigger();
    window->flushWrites();
    ASSERT_EQ(window->currentFileName(), first);
    EXPECT_FALSE(window->verdictPanel()->myVerdict().has_value());
    EXPECT_FALSE(wrong->property("mine").toBool());
    window->action(QStringLiteral("edit.redo"))->trigger();
    window->flushWrites();
    EXPECT_EQ(window->verdictPanel()->myVerdict(), Verdict::Wrong);
    EXPECT_TRUE(wrong->property("mine").toBool());
}

TEST_F(WindowPanels, AnEmptyProjectSaysWhatToImportAndSwitchingProjectsClearsEveryPanel)
{
    auto window = openWindow(projectPath);
    press(*window, Qt::Key_1);
    window->flushWrites();
    ASSERT_TRUE(window->verdictPanel()->statusText().contains(QStringLiteral("Saved")));
    window->classSearchPanel()->setQuery(QStringLiteral("retriever"));
    ASSERT_FALSE(window->factsPanel()->text().isEmpty());
    auto *start = window->findChild<QWidget *>(QStringLiteral("gettingStarted"));
    ASSERT_TRUE(start);
    EXPECT_FALSE(start->isVisible());

    const QString empty = dir.path(QStringLiteral("empty.bagel"));
    Project::create(empty);
    ASSERT_TRUE(window->openProject(empty));
    EXPECT_TRUE(window->verdictPanel()->statusText().isEmpty()) << window->verdictPanel()->statusText().toStdString();
    EXPECT_TRUE(window->classSearchPanel()->searchBox()->text().isEmpty());
    EXPECT_TRUE(window->factsPanel()->text().trimmed().isEmpty()) << window->factsPanel()->text().toStdString();
    EXPECT_TRUE(window->windowTitle().startsWith(QStringLiteral("empty.bagel")));
    EXPECT_TRUE(start->isVisible());
    const QString text = window->findChild<QLabel *>(QStringLiteral("gettingStartedText"))->text();
    EXPECT_TRUE(text.contains(QStringLiteral("empty"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("predictions")));
    // The commands are right there, and they are the window's own.
    auto *import = window->findChild<QPushButton *>(QStringLiteral("start.file.import"));
    ASSERT_TRUE(import);
    EXPECT_TRUE(import->isVisible());
    EXPECT_TRUE(window->findChild<QPushButton *>(QStringLiteral("start.file.imagesFolder"))->isVisible());

    // Back to the demo: the image again.
    ASSERT_TRUE(window->openProject(projectPath));
    EXPECT_FALSE(start->isVisible());
    EXPECT_TRUE(window->imageView()->isVisible());
}

TEST_F(WindowPanels, AProjectWhoseImagesAreAllMissingOffersToLocateTheFolder)
{
    // The project file moved without its images.
    const QString moved = dir.path(QStringLiteral("elsewhere/demo.bagel"));
    QDir().mkpath(QFileInfo(moved).absolutePath());
    {
        auto source = Project::open(projectPath, true);
        ASSERT_TRUE(QFile::copy(projectPath, moved));
    }
    auto window = openWindow(moved);
    auto *banner = window->findChild<QWidget *>(QStringLiteral("missingImagesBanner"));
    ASSERT_TRUE(banner);
    EXPECT_TRUE(banner->isVisible());

    // Locate: the folder dialog picks the demo's images folder.
    const QString images = QFileInfo(projectPath).absolutePath() + QStringLiteral("/images");
    ASSERT_TRUE(QFileInfo(images).isDir());
    withModal([&] { window->findChild<QPushButton *>(QStringLiteral("locateImages"))->click(); },
              [&](QWidget *modal) {
                  auto *files = qobject_cast<QFileDialog *>(modal);
                  ASSERT_TRUE(files) << modal->metaObject()->className();
                  files->selectFile(images);
                  QMetaObject::invokeMethod(files, "accept");
              });
    EXPECT_FALSE(banner->isVisible());
    auto reopened = Project::open(moved, true);
    EXPECT_EQ(QFileInfo(reopened->imagesRoot()).canonicalFilePath(), QFileInfo(images).canonicalFilePath());
    QElapsedTimer waited;
    waited.start();
    while (!window->imageView()->hasImage() && waited.elapsed() < 5000)
        QTest::qWait(20);
    EXPECT_TRUE(window->imageView()->hasImage());
}

TEST_F(WindowPanels, TheCompareViewNeverShowsTheImageUnderReviewAsAnExampleOfItsOwnLabel)
{
    auto window = openWindow(projectPath);
    auto project = Project::open(projectPath, true);
    const ItemRecord item = *project->store().itemByFileName(window->currentFileName());
    const QString image = project->absoluteImagePath(item);
    // An examples folder that holds the same image by a link and by a copy.
    const QString wnid = ClassCatalog::imagenet1k().at(item.originalLabel).wnid;
    const QString examples = dir.path(QStringLiteral("examples"));
    QDir().mkpath(examples + QLatin1Char('/') + wnid);
    ASSERT_TRUE(QFile::link(image, examples + QLatin1Char('/') + wnid + QStringLiteral("/link.jpg")));
    ASSERT_TRUE(QFile::copy(image, examples + QLatin1Char('/') + wnid + QStringLiteral("/copy.jpg")));
    {
        auto writer = Project::open(projectPath);
        Transaction tx(writer->store());
        writer->store().setMeta(QStringLiteral("examples_folder"), examples); // the project setting, as file-formats.md names it
        tx.commit();
    }

    const QStringList shown = window->classSearchPanel()->examplesOf(item.originalLabel, image);
    EXPECT_FALSE(shown.contains(image));
    for (const QString &path : shown)
        EXPECT_NE(QFileInfo(path).canonicalFilePath(), QFileInfo(image).canonicalFilePath()) << path.toStdString();
    EXPECT_TRUE(shown.contains(examples + QLatin1Char('/') + wnid + QStringLiteral("/copy.jpg")));
    // Without the item to leave out, the link counts as an example like any other.
    EXPECT_TRUE(window->classSearchPanel()->examplesOf(item.originalLabel).contains(examples + QLatin1Char('/') + wnid + QStringLiteral("/link.jpg")));
}

TEST_F(WindowPanels, HelpDialogsFitOnTheScreenAndTheFirstStartPromptExplainsItself)
{
    auto window = openWindow(projectPath);
    const QRect screen = window->screen()->availableGeometry();
    for (const char *id : {"help.vocabulary", "help.about", "help.shortcuts"}) {
        withModal([&] { window->action(QLatin1String(id))->trigger(); },
                  [&](QWidget *modal) {
                      EXPECT_FALSE(modal->windowTitle().isEmpty()) << id;
                      EXPECT_LE(modal->frameGeometry().height(), screen.height()) << id;
                      EXPECT_LE(modal->frameGeometry().width(), screen.width()) << id;
                      for (QAbstractButton *b : modal->findChildren<QAbstractButton *>()) {
                          if (b->isVisible() && qobject_cast<QPushButton *>(b)) {
                              EXPECT_TRUE(screen.contains(b->mapToGlobal(b->rect().bottomRight()))) << id;
                          }
                      }
                  });
    }

    settings->setReviewer(QString());
    auto fresh = std::make_unique<MainWindow>(*settings);
    fresh->show();
    withModal([&] { fresh->ensureReviewer(); },
              [&](QWidget *modal) {
                  EXPECT_FALSE(modal->windowTitle().isEmpty());
                  auto *name = modal->findChild<QLineEdit *>(QStringLiteral("reviewerName"));
                  ASSERT_TRUE(name);
                  EXPECT_FALSE(accountFullName().isEmpty());
                  EXPECT_EQ(name->text(), accountFullName());
              });
}

TEST_F(WindowPanels, AClickInTheQueueGivesTheKeysBackToTheReview)
{
    auto window = openWindow(projectPath);
    QLineEdit *search = window->queuePanel()->searchBox();
    search->setFocus();
    QTest::keyClicks(search, QStringLiteral("gcompris"));
    const QString typed = search->text();
    ASSERT_EQ(typed, QStringLiteral("gcompris"));
    auto *table = window->queuePanel()->findChild<QTableView *>(QStringLiteral("queueList"));
    ASSERT_TRUE(table);
    ASSERT_GE(table->model()->rowCount(), 3);
    const QRect cell = table->visualRect(table->model()->index(2, 0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    const QString clicked = window->currentFileName();
    ASSERT_EQ(clicked, table->model()->index(2, 0).data().toString());

    // A verdict key now records a verdict; it is not typed into the search box.
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : window.get(), Qt::Key_1);
    window->flushWrites();
    EXPECT_EQ(search->text(), typed);
    auto reader = Project::open(projectPath, true);
    const QVector<ReviewRecord> reviews = reader->latestReviews(reader->store().itemByFileName(clicked)->id);
    ASSERT_EQ(reviews.size(), 1);
    EXPECT_EQ(reviews[0].verdict, Verdict::Correct);
}
