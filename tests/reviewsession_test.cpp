// ReviewSession without a window: recording through the writer thread, undo and redo as appended
// history, requests that fail and are sent again in order, refusals, and adjudication as an
// undoable step. Real project files; the writer's thread commits through its own connection.

#include "error.h"
#include "project.h"
#include "review/reviewcommands.h"
#include "review/reviewsession.h"
#include "storage/sqlitestore.h"
#include "testsupport.h"

#include <QFile>
#include <QSignalSpy>

#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace bagel;

namespace {

QString fileOf(int n)
{
    return QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(n, 8, 10, QLatin1Char('0'));
}

class ReviewSessionTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_path = test::makeProject(m_dir, QStringLiteral("p.bagel"), 6);
        m_session.open(Project::open(m_path));
        m_session.setReviewer(QStringLiteral("ann"));
        m_session.setModel(project().store().modelId(QStringLiteral("m"), false));
        ASSERT_NE(m_session.model(), 0);
    }

    Project &project() { return *m_session.project(); }
    ItemId item(int n) { return project().store().itemByFileName(fileOf(n))->id; }

    /** ann's reviews of item \a n that still count (retractions and what they retract left out). */
    QVector<ReviewRecord> annsLatest(int n)
    {
        QVector<ReviewRecord> out;
        for (const ReviewRecord &r : project().latestReviews(item(n))) {
            if (r.reviewer == m_session.reviewerId())
                out << r;
        }
        return out;
    }

    /** The verdict of the latest adjudication of item \a n (none: never adjudicated or withdrawn). */
    std::optional<Verdict> adjudicated(int n)
    {
        const QVector<AdjudicationRecord> all = project().store().adjudications(item(n));
        const AdjudicationRecord *latest = nullptr;
        for (const AdjudicationRecord &a : all) {
            if (!latest || a.time > latest->time || (a.time == latest->time && a.id > latest->id))
                latest = &a;
        }
        return latest ? latest->verdict : std::nullopt;
    }

    void setPageLimit(const char *sql)
    {
        m_session.writer()->runOnConnection([sql](Project &p) {
            sqlite3 *db = dynamic_cast<SqliteStore &>(p.store()).nativeHandle();
            ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
        });
    }

    test::TempDir m_dir;
    QString m_path;
    ReviewSession m_session;
};

} // namespace

TEST_F(ReviewSessionTest, RecordsThroughTheWriterAndSaysWhenItIsSaved)
{
    QSignalSpy sending(&m_session, &ReviewSession::sending);
    QSignalSpy written(&m_session, &ReviewSession::written);
    EXPECT_EQ(m_session.reviewerId(), 0) << "ann has recorded nothing yet";

    ReviewSession::Draft draft;
    draft.verdict = Verdict::Wrong;
    draft.category = Category::FineGrained;
    draft.severity = Severity::Major;
    draft.note = QStringLiteral("a \"quoted\"; note\nover two lines");
    ASSERT_EQ(m_session.recordVerdict(item(1), fileOf(1), draft), QString());
    ASSERT_EQ(sending.size(), 1);
    EXPECT_EQ(sending[0][2].value<ReviewSession::Request>(), ReviewSession::Request::Record);
    EXPECT_TRUE(m_session.isUnsaved(item(1)) || written.size() == 1);

    m_session.flush();
    ASSERT_EQ(written.size(), 1);
    EXPECT_EQ(written[0][0].value<ItemId>(), item(1));
    EXPECT_EQ(written[0][1].toString(), fileOf(1));
    EXPECT_EQ(m_session.pendingCount(), 0);
    EXPECT_FALSE(m_session.isUnsaved(item(1)));
    EXPECT_NE(m_session.reviewerId(), 0);
    EXPECT_EQ(m_session.recordedCount(), 1);

    // In the file, as another program sees it.
    auto other = Project::open(m_path);
    const ReviewerId ann = other->store().reviewerId(QStringLiteral("ann"), false);
    QVector<ReviewRecord> seen;
    for (const ReviewRecord &r : other->latestReviews(item(1))) {
        if (r.reviewer == ann)
            seen << r;
    }
    ASSERT_EQ(seen.size(), 1);
    EXPECT_EQ(seen[0].verdict, Verdict::Wrong);
    EXPECT_EQ(seen[0].category, Category::FineGrained);
    EXPECT_EQ(seen[0].severity, Severity::Major);
    EXPECT_EQ(seen[0].model, m_session.model());
    EXPECT_EQ(seen[0].note, draft.note);
}

TEST_F(ReviewSessionTest, CategoryAndSeverityOnlyGoWithAWrongVerdict)
{
    ReviewSession::Draft draft;
    draft.verdict = Verdict::Correct;
    draft.category = Category::SpuriousCorrelation; // left over in the panel from an earlier item
    draft.severity = Severity::Minor;
    ASSERT_EQ(m_session.recordVerdict(item(2), fileOf(2), draft), QString());
    m_session.flush();
    const QVector<ReviewRecord> mine = annsLatest(2);
    ASSERT_EQ(mine.size(), 1);
    EXPECT_EQ(mine[0].verdict, Verdict::Correct);
    EXPECT_FALSE(mine[0].category.has_value());
    EXPECT_FALSE(mine[0].severity.has_value());
}

TEST_F(ReviewSessionTest, UndoAndRedoAppendToTheHistory)
{
    ReviewSession::Draft draft;
    draft.verdict = Verdict::Unclear;
    m_session.recordVerdict(item(3), fileOf(3), draft);
    m_session.recordLabelEdit(item(3), fileOf(3), 42, LabelEdit::Correct);
    m_session.flush();
    ASSERT_EQ(m_session.undoStack()->count(), 2);
    const qint64 reviewsBefore = project().store().counts().reviews;

    QSignalSpy sending(&m_session, &ReviewSession::sending);
    m_session.undoStack()->undo(); // the label edit
    m_session.undoStack()->undo(); // the verdict
    m_session.flush();
    ASSERT_EQ(sending.size(), 2);
    EXPECT_EQ(sending[1][2].value<ReviewSession::Request>(), ReviewSession::Request::Retract);
    EXPECT_TRUE(annsLatest(3).isEmpty()) << "both taken back";
    EXPECT_EQ(project().store().counts().reviews, reviewsBefore + 2) << "undo appends retractions, it deletes nothing";

    m_session.undoStack()->redo();
    m_session.flush();
    const QVector<ReviewRecord> again = annsLatest(3);
    ASSERT_EQ(again.size(), 1);
    EXPECT_EQ(again[0].verdict, Verdict::Unclear);
    EXPECT_EQ(sending.last()[2].value<ReviewSession::Request>(), ReviewSession::Request::Repeat);
}

TEST_F(ReviewSessionTest, RefusesWithoutAReviewerOrOnAReadOnlyProject)
{
    m_session.setReviewer(QString());
    ReviewSession::Draft draft;
    EXPECT_FALSE(m_session.recordVerdict(item(1), fileOf(1), draft).isEmpty());
    EXPECT_FALSE(m_session.recordLabelEdit(item(1), fileOf(1), 3, LabelEdit::Correct).isEmpty());
    EXPECT_EQ(m_session.undoStack()->count(), 0);

    ReviewSession readOnly;
    readOnly.open(Project::open(m_path, true));
    readOnly.setReviewer(QStringLiteral("bo"));
    ASSERT_TRUE(readOnly.isReadOnly());
    const QString why = readOnly.recordVerdict(item(1), fileOf(1), draft);
    EXPECT_TRUE(why.contains(QLatin1String("read-only"))) << why.toStdString();
    EXPECT_EQ(readOnly.undoStack()->count(), 0);

    ReviewSession closed;
    EXPECT_FALSE(closed.recordVerdict(1, fileOf(1), draft).isEmpty());
    EXPECT_THROW(closed.adjudicate(AdjudicationInput{}), Error);
}

TEST_F(ReviewSessionTest, KeepsFailedRequestsInOrderAndSendsThemAgain)
{
    ReviewSession::Draft draft;
    draft.verdict = Verdict::Correct;
    m_session.recordVerdict(item(1), fileOf(1), draft);
    m_session.flush();

    // The disk is full: the file may not grow by a page.
    setPageLimit("PRAGMA max_page_count = 1");
    QSignalSpy failed(&m_session, &ReviewSession::writeFailed);
    QSignalSpy failedCount(&m_session, &ReviewSession::failedCountChanged);
    // Verdicts until one needs a new page; every one after it fails too, in order.
    int n = 2;
    for (int tries = 0; tries < 400 && m_session.failedCount() == 0; ++tries) {
        draft.note = QString(300, QLatin1Char('x'));
        m_session.recordVerdict(item(n), fileOf(n), draft);
        m_session.flush();
        n = n % 6 + 1;
    }
    ASSERT_EQ(m_session.failedCount(), 1);
    const ItemId first = failed[0][0].value<ItemId>();
    EXPECT_TRUE(m_session.isUnsaved(first));
    draft.verdict = Verdict::Wrong;
    const int second = n;
    m_session.recordVerdict(item(second), fileOf(second), draft);
    m_session.flush();
    ASSERT_EQ(m_session.failedCount(), 2);
    EXPECT_EQ(failedCount.last()[0].toInt(), 2);

    // Retrying while it is still full keeps them.
    m_session.retryFailed();
    m_session.flush();
    EXPECT_EQ(m_session.failedCount(), 2);

    // Space again: both are saved, the earlier first, so the later verdict is the latest.
    setPageLimit("PRAGMA max_page_count = 1073741823");
    QSignalSpy sending(&m_session, &ReviewSession::sending);
    m_session.retryFailed();
    m_session.flush();
    EXPECT_EQ(m_session.failedCount(), 0);
    ASSERT_EQ(sending.size(), 2);
    EXPECT_EQ(sending[0][0].value<ItemId>(), first);
    EXPECT_EQ(sending[1][0].value<ItemId>(), item(second));
    EXPECT_EQ(sending[0][2].value<ReviewSession::Request>(), ReviewSession::Request::Retry);
    EXPECT_FALSE(m_session.isUnsaved(first));
    const QVector<ReviewRecord> latest = annsLatest(second);
    ASSERT_EQ(latest.size(), 1);
    EXPECT_EQ(latest[0].verdict, Verdict::Wrong);
}

TEST_F(ReviewSessionTest, DiscardedOrClosedFailuresAreGivenUpAndTheProjectIsLetGo)
{
    setPageLimit("PRAGMA max_page_count = 1");
    ReviewSession::Draft draft;
    draft.note = QString(2000, QLatin1Char('y'));
    for (int tries = 0; tries < 200 && m_session.failedCount() == 0; ++tries) {
        m_session.recordVerdict(item(1), fileOf(1), draft);
        m_session.flush();
    }
    ASSERT_GE(m_session.failedCount(), 1);
    m_session.discardFailed();
    EXPECT_EQ(m_session.failedCount(), 0);
    EXPECT_FALSE(m_session.isUnsaved(item(1)));

    m_session.close();
    EXPECT_FALSE(m_session.isOpen());
    EXPECT_EQ(m_session.writer(), nullptr);
    EXPECT_EQ(m_session.undoStack()->count(), 0);
    // Nothing holds the file: it can be replaced, and a new session opens it afresh.
    ASSERT_TRUE(QFile::remove(m_path));
    test::makeProject(m_dir, QStringLiteral("p.bagel"), 2);
    m_session.open(Project::open(m_path));
    EXPECT_EQ(m_session.project()->store().counts().items, 2);
}

TEST_F(ReviewSessionTest, AdjudicationIsAnUndoableStep)
{
    // ann and bo disagree on item 4; lee is the lead.
    for (const auto &[who, verdict] : {std::pair{QStringLiteral("ann"), Verdict::Wrong}, std::pair{QStringLiteral("bo"), Verdict::Correct}}) {
        ReviewInput in;
        in.fileName = fileOf(4);
        in.reviewer = who;
        in.model = QStringLiteral("m");
        in.verdict = verdict;
        project().recordReview(in);
    }
    project().addLead(QStringLiteral("lee"));
    QSignalSpy adjudicatedSpy(&m_session, &ReviewSession::adjudicated);

    // Not a lead: refused, nothing recorded, nothing to undo.
    AdjudicationInput in;
    in.fileName = fileOf(4);
    in.verdict = Verdict::Wrong;
    in.category = Category::NonPrototypical;
    in.reason = QStringLiteral("the fins");
    EXPECT_THROW(m_session.adjudicate(in), Error) << "ann is not a lead";
    EXPECT_EQ(project().store().counts().adjudications, 0);
    EXPECT_EQ(m_session.undoStack()->count(), 0);

    m_session.setReviewer(QStringLiteral("lee"));
    m_session.adjudicate(in);
    EXPECT_EQ(adjudicated(4), Verdict::Wrong);
    ASSERT_EQ(m_session.undoStack()->count(), 1);
    EXPECT_EQ(adjudicatedSpy.size(), 1);

    // A second word over the first; undo brings the first back, undo again withdraws it.
    AdjudicationInput second = in;
    second.verdict = Verdict::Correct;
    second.category.reset();
    second.reason = QStringLiteral("on second thought");
    m_session.adjudicate(second);
    EXPECT_EQ(adjudicated(4), Verdict::Correct);
    m_session.undoStack()->undo();
    EXPECT_EQ(adjudicated(4), Verdict::Wrong);
    m_session.undoStack()->undo();
    EXPECT_EQ(adjudicated(4), std::nullopt) << "withdrawn: back to the reviewers' verdicts";
    const qint64 appended = project().store().counts().adjudications;
    EXPECT_EQ(appended, 4) << "undo appends, it rewrites nothing";

    m_session.undoStack()->redo();
    EXPECT_EQ(adjudicated(4), Verdict::Wrong);
    m_session.undoStack()->redo();
    EXPECT_EQ(adjudicated(4), Verdict::Correct);
    EXPECT_EQ(adjudicatedSpy.size(), 6);

    // Whoever undoes is who the project checks, and whom the file names: bo is not a lead.
    QSignalSpy failedSpy(&m_session, &ReviewSession::adjudicationFailed);
    m_session.setReviewer(QStringLiteral("bo"));
    m_session.undoStack()->undo();
    ASSERT_EQ(failedSpy.size(), 1);
    EXPECT_TRUE(failedSpy[0][1].toString().contains(QLatin1String("lead"))) << failedSpy[0][1].toString().toStdString();
    EXPECT_EQ(adjudicated(4), Verdict::Correct);
    EXPECT_EQ(project().store().counts().adjudications, appended + 2) << "nothing written";
    // The refused step left the stack, so Undo and Redo stay in step with the file.
    EXPECT_EQ(m_session.undoStack()->count(), 1);
    EXPECT_FALSE(m_session.undoStack()->canRedo());
}

TEST_F(ReviewSessionTest, UndoNeverOverridesALaterAdjudicationBySomeoneElse)
{
    for (const auto &[who, verdict] : {std::pair{QStringLiteral("ann"), Verdict::Wrong}, std::pair{QStringLiteral("bo"), Verdict::Correct}}) {
        ReviewInput in;
        in.fileName = fileOf(5);
        in.reviewer = who;
        in.model = QStringLiteral("m");
        in.verdict = verdict;
        project().recordReview(in);
    }
    m_session.setReviewer(QStringLiteral("lee"));
    AdjudicationInput in;
    in.fileName = fileOf(5);
    in.verdict = Verdict::Wrong;
    in.reason = QStringLiteral("mine");
    m_session.adjudicate(in);

    // Another program: carol decides otherwise.
    {
        auto other = Project::open(m_path);
        AdjudicationInput carol;
        carol.fileName = fileOf(5);
        carol.model = QStringLiteral("m");
        carol.lead = QStringLiteral("carol");
        carol.verdict = Verdict::Correct;
        carol.reason = QStringLiteral("hers");
        other->adjudicate(carol);
    }
    ASSERT_EQ(adjudicated(5), Verdict::Correct);
    const qint64 before = project().store().counts().adjudications;
    QSignalSpy failedSpy(&m_session, &ReviewSession::adjudicationFailed);
    m_session.undoStack()->undo();
    ASSERT_EQ(failedSpy.size(), 1);
    EXPECT_TRUE(failedSpy[0][1].toString().contains(QLatin1String("adjudicated again"))) << failedSpy[0][1].toString().toStdString();
    EXPECT_EQ(adjudicated(5), Verdict::Correct) << "carol's word stays";
    EXPECT_EQ(project().store().counts().adjudications, before);
    EXPECT_EQ(m_session.undoStack()->count(), 0);
}
