#include "reviewwriter.h"

#include "error.h"

#include <spdlog/spdlog.h>

namespace bagel {

/** Lives on the writer thread; owns the connection opened there. */
class ReviewWriter::Worker final : public QObject
{
public:
    explicit Worker(QString path)
        : m_path(std::move(path))
    {
    }

    void run(quint64 ticket, const std::function<ReviewId(Project &)> &work, ReviewWriter *owner)
    {
        try {
            if (!m_project)
                m_project = Project::open(m_path);
            const ReviewId id = work(*m_project);
            Q_EMIT owner->done(ticket, id);
        } catch (const Error &e) {
            spdlog::error("saving a review failed: {}", e.message().toStdString());
            Q_EMIT owner->failed(ticket, e.message());
        } catch (const std::exception &e) {
            Q_EMIT owner->failed(ticket, QString::fromStdString(e.what()));
        }
    }

    void close() { m_project.reset(); }

    Project &project()
    {
        if (!m_project)
            m_project = Project::open(m_path);
        return *m_project;
    }

private:
    QString m_path;
    std::unique_ptr<Project> m_project;
};

ReviewWriter::ReviewWriter(const QString &projectPath, QObject *parent)
    : QObject(parent)
{
    m_worker = new Worker(projectPath);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("review-writer"));
    m_thread.start();
}

ReviewWriter::~ReviewWriter()
{
    flush();
    QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

quint64 ReviewWriter::submit(std::function<ReviewId(Project &)> work)
{
    const quint64 ticket = m_nextTicket++;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, ticket, work = std::move(work), this] { worker->run(ticket, work, this); },
        Qt::QueuedConnection);
    return ticket;
}

void ReviewWriter::runOnConnection(const std::function<void(Project &)> &work)
{
    QString error;
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, &work, &error] {
            try {
                work(worker->project());
            } catch (const Error &e) {
                error = e.message().isEmpty() ? QStringLiteral("failed") : e.message();
            } catch (const std::exception &e) {
                error = QString::fromLocal8Bit(e.what());
            }
        },
        Qt::BlockingQueuedConnection);
    if (!error.isEmpty())
        throw Error(error);
}

quint64 ReviewWriter::record(const ReviewInput &input, Handle handle)
{
    return submit([input, handle](Project &project) { return *handle = project.recordReview(input); });
}

quint64 ReviewWriter::retract(Handle handle)
{
    return submit([handle](Project &project) {
        if (!*handle)
            throw Error(QStringLiteral("the review to undo was never saved"));
        return project.retractReview(*handle);
    });
}

quint64 ReviewWriter::repeat(Handle handle)
{
    return submit([handle](Project &project) {
        if (!*handle)
            throw Error(QStringLiteral("the review to redo was never saved"));
        return *handle = project.repeatReview(*handle);
    });
}

void ReviewWriter::flush()
{
    // The worker handles requests in order, so an empty blocking call returns after all of them.
    QMetaObject::invokeMethod(m_worker, [] {}, Qt::BlockingQueuedConnection);
}

} // namespace bagel
