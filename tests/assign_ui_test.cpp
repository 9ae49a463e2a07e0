// Assignments in the window: the reviewer's queue shows the units assigned to them by default,
// and a lead sees assigned and done per reviewer, read again when the project changes.

#include "assignmentpanel.h"
#include "demowindow.h"
#include "mainwindow.h"
#include "project.h"
#include "queuepanel.h"
#include "review/assignment.h"
#include "review/queuelistmodel.h"
#include "settings.h"
#include "testsupport.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QTableWidget>
#include <QTest>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

class AssignedQueue : public test::DemoWindowTest
{
protected:
    /** Hands out every item of the demo's first model to \a reviewers, \a k each; returns the model's name. */
    QString assign(const QStringList &reviewers, int k)
    {
        auto project = Project::open(projectPath);
        const QString model = project->store().models().first().name;
        AssignmentRequest request;
        request.model = model;
        request.reviewers = reviewers;
        request.perUnit = k;
        request.allItems = true;
        assignReviewers(*project, request);
        return model;
    }

    /** How many units of the demo's first model are assigned to \a reviewer. */
    int assignedTo(const QString &reviewer)
    {
        auto project = Project::open(projectPath);
        return int(listAssignments(*project, project->store().models().first().name, reviewer).size());
    }
};

} // namespace

TEST_F(AssignedQueue, TheQueueShowsTheUnitsAssignedToMeByDefault)
{
    assign({QStringLiteral("ann"), QStringLiteral("bob"), QStringLiteral("cy")}, 1);
    const int mine = assignedTo(QStringLiteral("ann"));
    ASSERT_GT(mine, 0);
    auto window = openWindow();
    QueuePanel *panel = window->queuePanel();
    QCheckBox *box = panel->assignedToMeBox();
    EXPECT_TRUE(box->isVisible());
    EXPECT_TRUE(box->isChecked());
    EXPECT_TRUE(box->text().contains(QString::number(mine))) << box->text().toStdString();
    // The assignment is the queue: mistakes or not (it was handed out with --all-items).
    EXPECT_FALSE(panel->mistakesOnlyBox()->isChecked());
    QueueListModel *queue = window->queueModel();
    ASSERT_EQ(queue->rowCount(), mine);
    for (int i = 0; i < queue->rowCount(); ++i)
        EXPECT_TRUE(queue->rowAt(i)->assignedToMe) << i;

    // Unticked, the whole queue; the choice stands while the reviewer reviews.
    box->setChecked(false);
    const int all = queue->rowCount();
    EXPECT_GT(all, mine);
    press(*window, Qt::Key_1);
    window->flushWrites();
    EXPECT_FALSE(box->isChecked());
    EXPECT_EQ(queue->rowCount(), all);

    // Another reviewer with nothing assigned sees no such box, and the default queue: the mistakes.
    window->setReviewer(QStringLiteral("dee"));
    EXPECT_FALSE(box->isVisible());
    EXPECT_FALSE(box->isChecked());
    EXPECT_TRUE(panel->mistakesOnlyBox()->isChecked());
    int mistakes = 0;
    for (const QueueRow &row : queue->allRows())
        mistakes += row.mistake ? 1 : 0;
    EXPECT_EQ(queue->rowCount(), mistakes);
    EXPECT_LT(mistakes, all);

    // Back as ann: her units again.
    window->setReviewer(QStringLiteral("ann"));
    EXPECT_TRUE(box->isChecked());
    EXPECT_FALSE(panel->mistakesOnlyBox()->isChecked());
    EXPECT_EQ(queue->rowCount(), mine);
}

TEST_F(AssignedQueue, WithoutAssignmentsTheQueueIsAsItWasUntilUnitsAreAssigned)
{
    auto window = openWindow();
    QueuePanel *panel = window->queuePanel();
    EXPECT_FALSE(panel->assignedToMeBox()->isVisible());
    EXPECT_FALSE(panel->assignedToMeBox()->isChecked());
    EXPECT_TRUE(panel->mistakesOnlyBox()->isChecked());
    EXPECT_FALSE(window->assignmentPanel()->isVisible());

    // A lead hands out units meanwhile; the next time the queue is read, ann's are hers.
    assign({QStringLiteral("ann"), QStringLiteral("bob")}, 1);
    window->setReviewer(QStringLiteral("ann"));
    EXPECT_TRUE(panel->assignedToMeBox()->isVisible());
    EXPECT_TRUE(panel->assignedToMeBox()->isChecked());
    EXPECT_EQ(window->queueModel()->rowCount(), assignedTo(QStringLiteral("ann")));
}

TEST_F(AssignedQueue, ALeadSeesAssignedAndDonePerReviewerAsTheyReview)
{
    const QString model = assign({QStringLiteral("ann"), QStringLiteral("bob")}, 1);
    const int bobs = assignedTo(QStringLiteral("bob"));
    {
        auto project = Project::open(projectPath);
        project->addLead(QStringLiteral("lee"));
    }
    settings->setReviewer(QStringLiteral("lee"));
    auto window = openWindow();
    AssignmentPanel *panel = window->assignmentPanel();
    ASSERT_TRUE(panel->isVisible()); // a lead, and the model has assignments
    EXPECT_TRUE(window->action(QStringLiteral("audit.assignments"))->isChecked());
    window->waitForAssignmentProgress(); // read on a worker
    QTableWidget *table = panel->progressTable();
    ASSERT_EQ(table->rowCount(), 2);
    EXPECT_EQ(table->item(0, 0)->text(), QStringLiteral("ann"));
    EXPECT_EQ(table->item(1, 0)->text(), QStringLiteral("bob"));
    EXPECT_EQ(table->item(1, 1)->text(), QStringLiteral("0"));
    EXPECT_EQ(table->item(1, 2)->text(), QString::number(bobs));
    EXPECT_TRUE(panel->summaryLabel()->text().startsWith(model + QStringLiteral(": 0 of "))) << panel->summaryLabel()->text().toStdString();

    // bob reviews two of his units in another program; the window reads the progress again.
    {
        auto project = Project::open(projectPath);
        const QVector<AssignmentEntry> his = listAssignments(*project, model, QStringLiteral("bob"));
        ASSERT_GE(his.size(), 2);
        for (int i = 0; i < 2; ++i) {
            ReviewInput in;
            in.fileName = his[i].item;
            in.model = model;
            in.reviewer = QStringLiteral("bob");
            in.verdict = Verdict::Correct;
            project->recordReview(in);
        }
    }
    window->refreshAssignmentProgress();
    EXPECT_EQ(table->item(1, 1)->text(), QStringLiteral("0")); // still reading
    window->waitForAssignmentProgress();
    EXPECT_EQ(table->item(1, 1)->text(), QStringLiteral("2"));
    EXPECT_EQ(table->item(1, 3)->text(), QString::number(bobs - 2));
    EXPECT_EQ(table->item(0, 1)->text(), QStringLiteral("0"));

    // The Lead menu's action hides it and shows it again.
    window->action(QStringLiteral("audit.assignments"))->trigger();
    EXPECT_FALSE(panel->isVisible());
    window->action(QStringLiteral("audit.assignments"))->trigger();
    EXPECT_TRUE(panel->isVisible());

    // A model without assignments says how to make them.
    QComboBox *models = window->queuePanel()->modelBox();
    ASSERT_GE(models->count(), 2);
    models->setCurrentIndex(1);
    window->waitForAssignmentProgress();
    EXPECT_EQ(table->rowCount(), 0);
    EXPECT_TRUE(panel->summaryLabel()->text().contains(QStringLiteral("bagel-cli assign")));
}

TEST_F(AssignedQueue, AReviewerWhoIsNoLeadIsNotShownTheLeadsPanel)
{
    assign({QStringLiteral("ann"), QStringLiteral("bob")}, 1);
    {
        auto project = Project::open(projectPath);
        project->addLead(QStringLiteral("lee"));
    }
    auto window = openWindow(); // as ann
    EXPECT_FALSE(window->assignmentPanel()->isVisible());
    EXPECT_TRUE(window->queuePanel()->assignedToMeBox()->isChecked());
}
