#pragma once

#include "project.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace bagel {

/**
 * Writes reviews on a thread of its own, through its own connection to the project file, so
 * that a commit (which waits for the disk) never blocks the window. Requests are carried out
 * in the order they are made; each ends in done() once it is committed, or failed(). The
 * window shows a verdict as saved only after done().
 */
class ReviewWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewWriter)

public:
    explicit ReviewWriter(const QString &projectPath, QObject *parent = nullptr);
    ~ReviewWriter() override;

    /**
     * A review's id, shared between the window and the writer thread: filled in when the review
     * is committed, so that an undo requested before then still names it (requests run in order).
     */
    using Handle = std::shared_ptr<ReviewId>;

    /** Each returns a ticket that done() or failed() will name. */
    quint64 record(const ReviewInput &input, Handle handle = std::make_shared<ReviewId>(0));
    /** Undoes the review \a handle names. */
    quint64 retract(Handle handle);
    /** Records the review \a handle names again (redo); \a handle then names the copy. */
    quint64 repeat(Handle handle);

    /** Blocks until every request so far is committed (shutdown and tests). */
    void flush();

    /**
     * Runs \a work on the writer's thread with its connection, after every request made before,
     * and waits for it. For maintenance and for tests, e.g. capping the file's size to play a
     * full disk. \a work may throw Error; it is rethrown here.
     */
    void runOnConnection(const std::function<void(Project &)> &work);

Q_SIGNALS:
    void done(quint64 ticket, bagel::ReviewId id);
    void failed(quint64 ticket, const QString &message);

private:
    class Worker;
    quint64 submit(std::function<ReviewId(Project &)> work);

    QThread m_thread;
    Worker *m_worker = nullptr;
    quint64 m_nextTicket = 1;
};

} // namespace bagel
