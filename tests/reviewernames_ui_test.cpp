// The window's lead in either Unicode spelling is the reviewer who rated the unit.

#include "adjudicationpanel.h"
#include "project.h"
#include "review/reviewsession.h"
#include "testsupport.h"

#include <QLabel>
#include <QPushButton>

#include <gtest/gtest.h>

using namespace bagel;

TEST(ReviewerNamesUi, ALeadTypedWithACombiningAccentIsWarnedOfTheirOwnRating)
{
    test::TempDir dir;
    ReviewSession session;
    session.open(Project::open(test::makeProject(dir, QStringLiteral("p.bagel"), 3)));
    Project *project = session.project();
    const QString item = QStringLiteral("ILSVRC2012_val_00000001.JPEG");
    for (const auto &[reviewer, verdict] : {std::pair{QStringLiteral("Jos\u00e9"), Verdict::Wrong}, std::pair{QStringLiteral("bo"), Verdict::Correct}}) {
        ReviewInput in;
        in.fileName = item;
        in.reviewer = reviewer;
        in.model = QStringLiteral("m");
        in.verdict = verdict;
        project->recordReview(in);
    }
    project->addLead(QStringLiteral("Jos\u00e9"));
    AdjudicationPanel panel;
    panel.show();
    panel.setLead(QStringLiteral("Jose\u0301")); // the same name as the window's settings may hold it
    panel.showUnit(&session, project->store().itemByFileName(item)->id, project->store().modelId(QStringLiteral("m"), false));
    EXPECT_TRUE(panel.recordButton()->isEnabled()) << "a lead in either spelling";
    EXPECT_TRUE(panel.leadNotice()->isVisible());
    EXPECT_TRUE(panel.leadNotice()->text().contains(QLatin1String("You rated this unit yourself"))) << panel.leadNotice()->text().toStdString();
}
