#pragma once

#include "error.h"
#include "progress.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

namespace bagel {

/** Batches handed from a producing thread to a consuming thread; bounded, closable. */
template<typename T>
class BatchQueue
{
public:
    /** Blocks while the queue is full; false once the queue is closed. */
    bool push(std::vector<T> batch)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_closed || m_batches.size() < kCapacity; });
        if (m_closed)
            return false;
        m_batches.push_back(std::move(batch));
        m_changed.notify_all();
        return true;
    }

    /** Blocks until a batch arrives; nullopt once the queue is closed and drained. */
    std::optional<std::vector<T>> pop()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_closed || !m_batches.empty(); });
        if (m_batches.empty())
            return std::nullopt;
        std::vector<T> batch = std::move(m_batches.front());
        m_batches.pop_front();
        m_changed.notify_all();
        return batch;
    }

    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_changed.notify_all();
    }

private:
    static constexpr std::size_t kCapacity = 32;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::vector<T>> m_batches;
    bool m_closed = false;
};

/** The producing side's end of a pipeline: collects items and sends them in batches. */
template<typename T>
class BatchSender
{
public:
    BatchSender(BatchQueue<T> &queue, std::stop_token stop)
        : m_queue(queue)
        , m_stop(std::move(stop))
    {
    }

    void send(T item)
    {
        m_batch.push_back(std::move(item));
        if (m_batch.size() >= kBatch)
            flush();
    }

    void flush()
    {
        if (m_batch.empty())
            return;
        if (!m_queue.push(std::move(m_batch)))
            throw Error(QStringLiteral("import cancelled"));
        m_batch = {};
    }

    /** True once the consuming side gave up; a producer should return. */
    bool stopped() const { return m_stop.stop_requested(); }

private:
    static constexpr std::size_t kBatch = 512;
    BatchQueue<T> &m_queue;
    std::stop_token m_stop;
    std::vector<T> m_batch;
};

/**
 * Runs \a produce on a second thread and \a consume on this one, so that parsing a file and
 * writing it into the project overlap on two cores. The database connection stays on this
 * thread. An error on either side stops both; the first one is rethrown here. With \a progress,
 * this side also checks for Cancel between batches (the producer reports how far it read).
 */
template<typename T>
void runPipeline(const std::function<void(BatchSender<T> &)> &produce, const std::function<void(T &)> &consume,
                 const Progress *progress = nullptr)
{
    BatchQueue<T> queue;
    std::stop_source stop;
    std::exception_ptr producerError;
    std::jthread producer([&] {
        try {
            BatchSender<T> sender(queue, stop.get_token());
            produce(sender);
            sender.flush();
        } catch (...) {
            producerError = std::current_exception();
        }
        queue.close();
    });
    try {
        while (auto batch = queue.pop()) {
            progressCheck(progress);
            for (T &item : *batch)
                consume(item);
        }
    } catch (...) {
        stop.request_stop();
        queue.close();
        producer.join();
        throw;
    }
    producer.join();
    if (producerError)
        std::rethrow_exception(producerError);
}

} // namespace bagel
