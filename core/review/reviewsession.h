#pragma once

#include "project.h"
#include "review/reviewwriter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QUndoStack>
#include <QVector>

#include <functional>
#include <memory>

namespace bagel {

/**
 * A reviewer's work on one open project, without any widget: the project, the thread that
 * saves reviews (ReviewWriter), the undo stack, the requests in flight and the ones that failed,
 * who reviews and which model's predictions are under review.
 *
 * Every verdict, label edit and adjudication is an undoable command on one stack. A review is
 * saved by the writer thread and is "saved" only once written() says so; a request the writer
 * could not commit (a full disk, a lost file) is kept, in order, until retryFailed() sends it
 * again or discardFailed() gives it up. An adjudication is written at once, on the project's
 * own connection, so that the lead sees a refusal before anything is recorded.
 *
 * The window (or any other front end) keeps navigation and display: it asks the session to
 * record and listens to its signals to show what is saving, saved or failed.
 */
class ReviewSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewSession)

public:
    /** What a request sent to the writer does; says what the front end may show. */
    enum class Request
    {
        Record,  ///< a new review
        Retract, ///< undo: a retraction of a review
        Repeat,  ///< redo: the review again
        Retry,   ///< a request that failed, sent again
    };
    Q_ENUM(Request)

    /** A verdict as the reviewer drafted it; who, which model and when are the session's. */
    struct Draft
    {
        Verdict verdict = Verdict::Correct;
        std::optional<Category> category;
        std::optional<SpuriousKind> spuriousKind;
        std::optional<Severity> severity;
        QString oovWnid;
        QString note;
    };

    explicit ReviewSession(QObject *parent = nullptr);
    ~ReviewSession() override;

    /**
     * Starts working on \a project (the session owns it from now on), with a writer thread of
     * its own connection. A project open before is closed first (see close()).
     */
    void open(std::unique_ptr<Project> project);
    /**
     * Waits for every request in flight, then lets the project go: the undo stack is cleared and
     * failed requests are dropped (and logged). Ask the reviewer about failed ones first.
     */
    void close();
    Project *project() const { return m_project.get(); }
    bool isOpen() const { return bool(m_project); }
    /** The project was opened read-only: nothing can be recorded. */
    bool isReadOnly() const;

    /** Who reviews; an empty name records nothing. Checked by the project when a review is saved. */
    void setReviewer(const QString &name);
    QString reviewer() const { return m_reviewer; }
    /** The reviewer's id in the project, 0 while they have recorded nothing in it. */
    ReviewerId reviewerId() const;
    /** The model whose predictions are reviewed. */
    void setModel(ModelId id);
    ModelId model() const { return m_model; }
    QString modelName() const { return m_modelName; }

    /**
     * Records the verdict \a draft on item \a item (named \a fileName) as an undoable command and sends it to the writer.
     * Returns why nothing was recorded (read-only, no reviewer, no project), or empty.
     */
    QString recordVerdict(ItemId item, const QString &fileName, const Draft &draft);
    /** Records a change of \a fileName's label set (add or remove \a classIndex); as recordVerdict(). */
    QString recordLabelEdit(ItemId item, const QString &fileName, int classIndex, LabelEdit edit);
    /**
     * Records the reviewer's adjudication \a input (its lead is the reviewer) at once, as an
     * undoable command: undo appends an adjudication that restores the unit's final word as it
     * was (or withdraws this one), redo records it again. Throws Error when the project refuses
     * it (not a lead, no reason, …); nothing is then recorded or pushed.
     */
    void adjudicate(AdjudicationInput input);

    QUndoStack *undoStack() { return &m_undo; }
    ReviewWriter *writer() const { return m_writer.get(); }

    /** Requests sent to the writer and not yet committed. */
    int pendingCount() const { return int(m_pending.size()); }
    /** Requests the writer could not commit, kept to be sent again. */
    int failedCount() const { return int(m_failed.size()); }
    /** Whether something about \a item is saving or failed to save. */
    bool isUnsaved(ItemId item) const;
    /** The items with something saving or failed to save. */
    QVector<ItemId> unsavedItems() const;
    /** Sends every failed request again, in the order they were first made. */
    void retryFailed();
    /** Gives up the failed requests (the reviewer chose to close without them). */
    void discardFailed();
    /** Blocks until the writer has committed or failed every request so far, and reports them. */
    void flush();

    /** Reviews and label edits recorded since the project was opened, and for how long it is open. */
    int recordedCount() const { return m_recorded; }
    qint64 elapsedMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }

Q_SIGNALS:
    /** A request about \a fileName went to the writer; \a what describes it in a few words. */
    void sending(bagel::ItemId item, const QString &fileName, bagel::ReviewSession::Request request, const QString &what);
    /**
     * A request about \a fileName is committed: what the reviewer sees as saved. \a id is the
     * review it appended (the review, its retraction or its copy).
     */
    void written(bagel::ItemId item, const QString &fileName, bagel::ReviewId id);
    /** A request about \a fileName could not be committed; it is kept for retryFailed(). */
    void writeFailed(bagel::ItemId item, const QString &fileName, const QString &message);
    /** The number of failed requests changed. */
    void failedCountChanged(int count);
    /** An adjudication (or its undo or redo) about \a fileName is recorded. */
    void adjudicated(const QString &fileName);
    /** Undoing or redoing an adjudication was refused by the project (e.g. no longer a lead). */
    void adjudicationFailed(const QString &fileName, const QString &message);

private:
    friend class ReviewCommand;
    friend class AdjudicationCommand;

    /** A request to the writer, kept until it is committed so that a failed one can be sent again. */
    struct Pending
    {
        ItemId item = 0;
        QString fileName;
        std::function<quint64()> send; ///< sends the request (again); returns its ticket
    };

    // Used by the undo commands.
    void submitRecord(ItemId item, const ReviewInput &input, const ReviewWriter::Handle &handle);
    void submitRetract(ItemId item, const QString &fileName, const ReviewWriter::Handle &handle);
    void submitRepeat(ItemId item, const QString &fileName, const ReviewWriter::Handle &handle);
    void send(Pending write, Request request, const QString &what);
    void onDone(quint64 ticket, ReviewId id);
    void onFailed(quint64 ticket, const QString &message);
    QString refusal() const;
    /** A review of \a fileName by the reviewer, about the model, from Bagel. */
    ReviewInput newInput(const QString &fileName) const;

    /** The adjudication this session appended last for a unit: its final word while nobody else spoke. */
    QHash<QPair<ItemId, ModelId>, qint64> m_lastAdjudication;

    std::unique_ptr<Project> m_project;
    std::unique_ptr<ReviewWriter> m_writer;
    QUndoStack m_undo;
    QHash<quint64, Pending> m_pending; ///< ticket → request in flight
    QVector<Pending> m_failed;         ///< requests the writer could not commit, in order
    QString m_reviewer;
    mutable ReviewerId m_reviewerId = 0; ///< cached once the project knows the reviewer
    ModelId m_model = 0;
    QString m_modelName;
    QElapsedTimer m_clock;
    int m_recorded = 0;
};

} // namespace bagel
