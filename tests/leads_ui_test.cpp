// The adjudication panel and the Leads dialog: adjudication is a lead's act once any is named.

#include "adjudicationpanel.h"
#include "review/reviewsession.h"
#include "auditwindow.h"
#include "leadsdialog.h"
#include "project.h"
#include "testsupport.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

const QString kItem = QStringLiteral("ILSVRC2012_val_00000001.JPEG");

/** A project whose first item "ann" and "bo" disagree on. */
std::unique_ptr<Project> disputedProject(const test::TempDir &dir)
{
    auto project = Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 3));
    for (const auto &[reviewer, verdict] : {std::pair{QStringLiteral("ann"), Verdict::Wrong}, std::pair{QStringLiteral("bo"), Verdict::Correct}}) {
        ReviewInput in;
        in.fileName = kItem;
        in.reviewer = reviewer;
        in.model = QStringLiteral("m");
        in.verdict = verdict;
        project->recordReview(in);
    }
    return project;
}

ItemId itemId(Project &project)
{
    return project.store().itemByFileName(kItem)->id;
}

} // namespace

TEST(AdjudicationPanelLeads, SuggestsLeadsRefusesOthersAndWarnsALeadWhoRatedTheUnit)
{
    test::TempDir dir;
    ReviewSession session;
    session.open(disputedProject(dir));
    Project *project = session.project();
    const ModelId model = project->store().modelId(QStringLiteral("m"), false);
    AdjudicationPanel panel;
    panel.show();

    // No leads: anyone may adjudicate, and the panel suggests naming them.
    panel.setLead(QStringLiteral("bo"));
    panel.showUnit(&session, itemId(*project), model);
    EXPECT_TRUE(panel.recordButton()->isEnabled());
    EXPECT_TRUE(panel.leadNotice()->isVisible());
    EXPECT_TRUE(panel.leadNotice()->text().contains(QLatin1String("No leads are named"))) << panel.leadNotice()->text().toStdString();

    // Named leads: bo is not one, so the controls are off and the panel says why.
    project->addLead(QStringLiteral("lee"));
    panel.showUnit(&session, itemId(*project), model);
    EXPECT_FALSE(panel.recordButton()->isEnabled());
    EXPECT_TRUE(panel.leadNotice()->isVisible());
    EXPECT_TRUE(panel.leadNotice()->text().contains(QLatin1String("Only a lead may adjudicate"))) << panel.leadNotice()->text().toStdString();
    EXPECT_TRUE(panel.leadNotice()->text().contains(QLatin1String("lee")));
    // Even a click that gets through writes nothing.
    const qint64 before = project->store().counts().adjudications;
    panel.findChild<QLineEdit *>()->setText(QStringLiteral("I think so"));
    panel.recordButton()->setEnabled(true);
    QTest::mouseClick(panel.recordButton(), Qt::LeftButton);
    EXPECT_EQ(project->store().counts().adjudications, before);
    EXPECT_FALSE(panel.recordButton()->isEnabled());

    // lee is a lead who did not rate the unit: no notice, and the adjudication is recorded.
    panel.setLead(QStringLiteral("lee"));
    EXPECT_TRUE(panel.recordButton()->isEnabled());
    EXPECT_FALSE(panel.leadNotice()->isVisible()) << panel.leadNotice()->text().toStdString();
    panel.findChild<QLineEdit *>()->setText(QStringLiteral("the fins"));
    QTest::mouseClick(panel.recordButton(), Qt::LeftButton);
    EXPECT_EQ(project->store().counts().adjudications, before + 1);
    // It is a step of the session's undo stack; the refused click above is not.
    EXPECT_EQ(session.undoStack()->count(), 1);

    // ann is made a lead: she rated the unit herself and is warned.
    project->addLead(QStringLiteral("ann"));
    panel.setLead(QStringLiteral("ann"));
    EXPECT_TRUE(panel.recordButton()->isEnabled());
    EXPECT_TRUE(panel.leadNotice()->isVisible());
    EXPECT_TRUE(panel.leadNotice()->text().contains(QLatin1String("You rated this unit yourself"))) << panel.leadNotice()->text().toStdString();
    EXPECT_TRUE(panel.leadNotice()->text().contains(QLatin1String("wrong")));
}

TEST(LeadsDialog, AddsAndRemovesLeadsInTheProject)
{
    test::TempDir dir;
    auto project = disputedProject(dir);
    LeadsDialog dialog(*project, QStringLiteral("lee"));
    EXPECT_EQ(dialog.nameField()->text(), QStringLiteral("lee"));
    EXPECT_EQ(dialog.list()->count(), 0);
    QTest::mouseClick(dialog.addButton(), Qt::LeftButton);
    dialog.nameField()->setText(QStringLiteral("kim"));
    QTest::keyClick(dialog.nameField(), Qt::Key_Return);
    EXPECT_EQ(project->leads(), (QStringList{QStringLiteral("kim"), QStringLiteral("lee")}));
    ASSERT_EQ(dialog.list()->count(), 2);
    dialog.nameField()->setText(QStringLiteral(" "));
    QTest::mouseClick(dialog.addButton(), Qt::LeftButton); // nothing to add
    EXPECT_EQ(project->leads().size(), 2);
    dialog.list()->setCurrentRow(0);
    ASSERT_TRUE(dialog.removeButton()->isEnabled());
    QTest::mouseClick(dialog.removeButton(), Qt::LeftButton);
    EXPECT_EQ(project->leads(), QStringList{QStringLiteral("lee")});
    // Another program's connection sees it: it is in the file.
    EXPECT_EQ(Project::open(project->path(), true)->leads(), QStringList{QStringLiteral("lee")});
}

TEST(LeadsDialog, AReadOnlyProjectShowsTheLeadsAndCannotChangeThem)
{
    test::TempDir dir;
    auto project = disputedProject(dir);
    project->addLead(QStringLiteral("lee"));
    const QString path = project->path();
    project.reset();
    auto readOnly = Project::open(path, true);
    LeadsDialog dialog(*readOnly, QString());
    EXPECT_EQ(dialog.list()->count(), 1);
    EXPECT_FALSE(dialog.addButton()->isEnabled());
    EXPECT_TRUE(dialog.statusLabel()->text().contains(QLatin1String("read-only")));
}

TEST(AuditWindowLeads, SaysWhoMayAdjudicate)
{
    test::TempDir dir;
    auto project = disputedProject(dir);
    AuditWindow window;
    window.setProject(project.get());
    const QLabel *leads = window.findChild<QLabel *>(QStringLiteral("auditLeads"));
    ASSERT_NE(leads, nullptr);
    EXPECT_TRUE(leads->text().contains(QLatin1String("anyone may adjudicate"))) << leads->text().toStdString();
    project->addLead(QStringLiteral("lee"));
    window.refresh();
    EXPECT_TRUE(leads->text().contains(QLatin1String("only they adjudicate): lee"))) << leads->text().toStdString();
    // Let the reads started above finish before the project goes.
    QTest::qWait(500);
    window.setProject(nullptr);
}
