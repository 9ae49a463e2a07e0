// The queue of the review window: the table and its sorting, the keys that move through it,
// Go to item, the class filters as the reviewer types, and the lead's visits that set the
// reviewer's filters aside and bring them back.

#include "catalog/classcatalog.h"
#include "classsearchpanel.h"
#include "demo.h"
#include "gotoitemdialog.h"
#include "imageview.h"
#include "mainwindow.h"
#include "project.h"
#include "queuepanel.h"
#include "review/queuelistmodel.h"
#include "settings.h"
#include "demowindow.h"
#include "testsupport.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QDialogButtonBox>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

/** The queue's tests share the window fixture. */
class Queue : public test::DemoWindowTest
{
};

} // namespace

TEST_F(Queue, TheTableSortsByAClickedHeaderAndRemembersIt)
{
    {
        auto window = openWindow();
        QueueListModel *queue = window->queueModel();
        QTableView *table = window->queuePanel()->table();
        ASSERT_EQ(table->model(), queue);
        ASSERT_EQ(queue->columnCount(), kQueueColumnCount);
        ASSERT_GT(queue->rowCount(), 3);
        const QString shown = window->currentFileName();

        // A click on the Score header sorts by score; a second click turns it round.
        QHeaderView *header = table->horizontalHeader();
        const int x = header->sectionViewportPosition(int(QueueColumn::Score)) + header->sectionSize(int(QueueColumn::Score)) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        const QueueSort first = queue->sortOrder();
        EXPECT_EQ(first.column, QueueColumn::Score);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        EXPECT_EQ(queue->sortOrder().column, QueueColumn::Score);
        EXPECT_NE(queue->sortOrder().descending, first.descending);
        const QueueSort now = queue->sortOrder();
        for (int i = 1; i < queue->rowCount(); ++i) {
            const double a = queue->rowAt(i - 1)->score;
            const double b = queue->rowAt(i)->score;
            EXPECT_TRUE(now.descending ? a >= b : a <= b) << i;
        }
        // The item shown stays shown, and selected in the table.
        EXPECT_EQ(window->currentFileName(), shown);
        EXPECT_EQ(table->currentIndex().row(), window->currentPosition());
        EXPECT_EQ(settings->queueSort(), now);
    }
    // The next window opens sorted the same way.
    auto window = openWindow();
    EXPECT_EQ(window->queueModel()->sortOrder(), settings->queueSort());
    EXPECT_EQ(window->queuePanel()->sort(), settings->queueSort());
}

TEST_F(Queue, HomeEndPageKeysAndNextNotReviewedMoveThroughTheQueue)
{
    auto window = openWindow();
    const int count = window->queueModel()->rowCount();
    ASSERT_GT(count, 4);
    press(*window, Qt::Key_End);
    EXPECT_EQ(window->currentPosition(), count - 1);
    press(*window, Qt::Key_Home);
    EXPECT_EQ(window->currentPosition(), 0);
    const int page = window->queuePanel()->rowsPerPage();
    ASSERT_GT(page, 1);
    press(*window, Qt::Key_PageDown);
    EXPECT_EQ(window->currentPosition(), std::min(page, count - 1));
    press(*window, Qt::Key_PageUp);
    EXPECT_EQ(window->currentPosition(), 0);

    // Verdicts on the first two items (each moves on), then U from the top finds the third.
    press(*window, Qt::Key_1);
    press(*window, Qt::Key_1);
    window->flushWrites();
    press(*window, Qt::Key_Home);
    const QString third = window->queueModel()->rowAt(2)->fileName;
    press(*window, Qt::Key_U);
    EXPECT_EQ(window->currentFileName(), third);
    // From the last item it goes round to the top, past the two reviewed ones.
    press(*window, Qt::Key_End);
    ASSERT_EQ(window->currentPosition(), count - 1);
    press(*window, Qt::Key_U);
    EXPECT_EQ(window->currentFileName(), third);
    // The action is in the Go menu's table, with its key.
    QAction *next = window->action(QStringLiteral("go.nextNotReviewed"));
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(next->shortcut(), QKeySequence(Qt::Key_U));
}

TEST_F(Queue, GoToItemFindsAnItemTheFiltersHideAndSaysWhenThereIsNone)
{
    auto window = openWindow();
    QueueListModel *queue = window->queueModel();
    QueuePanel *panel = window->queuePanel();
    ASSERT_TRUE(panel->mistakesOnlyBox()->isChecked());
    press(*window, Qt::Key_Right);
    const QString before = window->currentFileName();
    QString hidden; // an item the model gets right: not in the mistakes-only queue
    for (const QueueRow &row : queue->allRows()) {
        if (!row.mistake)
            hidden = row.fileName;
    }
    ASSERT_FALSE(hidden.isEmpty());
    ASSERT_EQ(queue->positionOf(hidden), -1);

    // A part of the name only one item holds is enough.
    EXPECT_EQ(window->goToItem(hidden.left(hidden.size() - 2)), QString());
    EXPECT_EQ(window->currentFileName(), hidden);
    EXPECT_FALSE(panel->mistakesOnlyBox()->isChecked());
    EXPECT_TRUE(panel->setAsideNotice()->isVisible()) << "the filters were set aside visibly";
    // Back: the filters and the item the reviewer was at.
    panel->setAsideNotice()->findChild<QPushButton *>(QStringLiteral("restoreFilters"))->click();
    EXPECT_TRUE(panel->mistakesOnlyBox()->isChecked());
    EXPECT_FALSE(panel->setAsideNotice()->isVisible());
    EXPECT_EQ(window->currentFileName(), before);

    // Nothing by that name: said, and nothing moves.
    const QString missing = window->goToItem(QStringLiteral("no-such-image.jpg"));
    EXPECT_TRUE(missing.contains(QStringLiteral("no-such-image.jpg"))) << missing.toStdString();
    EXPECT_EQ(window->currentFileName(), before);
    // Several names hold ".jpg": the reviewer is asked to type more.
    EXPECT_TRUE(window->goToItem(QStringLiteral(".jpg")).contains(QStringLiteral("type more")));

    // Through the dialog (Ctrl+G): a wrong name keeps it open with the reason; a right one goes.
    const QString target = queue->rowAt(queue->rowCount() - 1)->fileName;
    QString shownMessage;
    bool accepted = false;
    QTimer::singleShot(0, window.get(), [&] {
        auto *dialog = window->findChild<GoToItemDialog *>();
        ASSERT_NE(dialog, nullptr);
        QTest::keyClicks(dialog->field(), QStringLiteral("zzz-nothing-") + QString(60, QLatin1Char('q')));
        dialog->accept();
        shownMessage = dialog->message()->isVisible() ? dialog->message()->text() : QString();
        // The whole message is on screen, above the buttons: the dialog grew for its lines.
        QCoreApplication::processEvents();
        const QWidget *buttons = dialog->findChild<QDialogButtonBox *>();
        EXPECT_GE(dialog->message()->height(), dialog->message()->heightForWidth(dialog->message()->width()));
        EXPECT_LE(dialog->message()->geometry().bottom(), buttons->geometry().top());
        dialog->field()->setText(target);
        dialog->accept();
        accepted = dialog->result() == QDialog::Accepted;
    });
    press(*window, Qt::Key_G, Qt::ControlModifier);
    EXPECT_TRUE(shownMessage.contains(QStringLiteral("zzz-nothing"))) << shownMessage.toStdString();
    EXPECT_TRUE(accepted);
    EXPECT_EQ(window->currentFileName(), target);
}

TEST_F(Queue, ClassFiltersFollowTypingTakeGroupsAndSayWhenNothingMatches)
{
    auto window = openWindow();
    window->classSearchPanel()->waitUntilReady(); // WordNet's groups
    QCoreApplication::processEvents();
    QueueListModel *queue = window->queueModel();
    QueuePanel *panel = window->queuePanel();
    panel->mistakesOnlyBox()->setChecked(false);
    const int all = queue->rowCount();

    // The demo's dogs, counted from the catalog's wnids under WordNet's dog.
    QLineEdit *original = panel->originalFilter();
    original->setFocus();
    QTest::keyClicks(original, QStringLiteral("dog"));
    ASSERT_GT(queue->rowCount(), 0);
    EXPECT_LT(queue->rowCount(), all);
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const int golden = catalog.indexOfWnid(QStringLiteral("n02099601"));
    for (int i = 0; i < queue->rowCount(); ++i) {
        const int label = queue->rowAt(i)->originalLabel;
        EXPECT_TRUE(label >= 151 && label <= 268) << catalog.at(label).name().toStdString(); // the dog classes of ILSVRC-2012
    }
    EXPECT_FALSE(panel->originalHint()->isHidden());
    EXPECT_TRUE(panel->originalHint()->text().contains(QStringLiteral("dog"))) << panel->originalHint()->text().toStdString();
    Q_UNUSED(golden);

    // A name that matches nothing says so in red, and the queue is empty rather than unfiltered.
    original->clear();
    QTest::keyClicks(original, QStringLiteral("qqqzzz"));
    EXPECT_EQ(queue->rowCount(), 0);
    EXPECT_FALSE(panel->originalHint()->isHidden());
    EXPECT_TRUE(panel->originalHint()->text().contains(QStringLiteral("qqqzzz")));
    EXPECT_TRUE(panel->originalHint()->styleSheet().contains(QStringLiteral("#c0392b")));
    original->clear();
    EXPECT_EQ(queue->rowCount(), all);
    EXPECT_TRUE(panel->originalHint()->isHidden());
}

TEST_F(Queue, OpeningADisagreementSetsTheFiltersAsideVisiblyAndGivesThemBack)
{
    auto window = openWindow();
    QueueListModel *queue = window->queueModel();
    QueuePanel *panel = window->queuePanel();
    const QString model = panel->modelBox()->currentText();
    ASSERT_TRUE(panel->mistakesOnlyBox()->isChecked());
    press(*window, Qt::Key_Right);
    const QString before = window->currentFileName();

    // A unit the filters show: nothing changes but the item.
    const QString mistake = queue->rowAt(queue->rowCount() - 1)->fileName;
    ASSERT_TRUE(window->showUnit(mistake, model));
    EXPECT_EQ(window->currentFileName(), mistake);
    EXPECT_TRUE(panel->mistakesOnlyBox()->isChecked());
    EXPECT_FALSE(panel->setAsideNotice()->isVisible());

    // A unit they hide: shown, the filters set aside visibly, and given back on request.
    press(*window, Qt::Key_Home);
    press(*window, Qt::Key_Right);
    ASSERT_EQ(window->currentFileName(), before);
    QString right;
    for (const QueueRow &row : queue->allRows()) {
        if (!row.mistake)
            right = row.fileName;
    }
    ASSERT_TRUE(window->showUnit(right, model));
    EXPECT_EQ(window->currentFileName(), right);
    EXPECT_TRUE(panel->setAsideNotice()->isVisible());
    window->restoreQueue();
    EXPECT_TRUE(panel->mistakesOnlyBox()->isChecked());
    EXPECT_EQ(window->currentFileName(), before);
    EXPECT_FALSE(panel->setAsideNotice()->isVisible());

    // Changing a filter by hand while they are set aside: the reviewer's choice wins.
    ASSERT_TRUE(window->showUnit(right, model));
    panel->searchBox()->setText(QStringLiteral("a"));
    EXPECT_FALSE(panel->setAsideNotice()->isVisible());
    window->restoreQueue(); // nothing to restore
    EXPECT_FALSE(panel->mistakesOnlyBox()->isChecked());
}
