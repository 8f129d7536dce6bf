#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fastly_accounts::util {

/// A fixed number of worker threads running tasks from one queue, first in, first out. Tasks may submit
/// more tasks while they run. At most `workers` tasks run at once, so a task that makes one request at a
/// time bounds the requests in flight. Waiting threads sleep; nothing polls.
///
/// When a task throws, the tasks still queued are dropped, later submissions are ignored, and wait()
/// rethrows that first exception once every running task has finished.
class TaskPool {
public:
    /// Starts `workers` threads (at least one).
    explicit TaskPool(std::size_t workers);
    /// Drops the tasks still queued, waits for the running ones to finish and stops the threads.
    /// Exceptions not collected by wait() are discarded.
    ~TaskPool();
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    /// Queues `task`; safe from any thread, tasks included. Ignored once a task has thrown, until wait().
    void submit(std::function<void()> task);

    /// Blocks until no task is queued or running, then rethrows the first exception a task threw since
    /// the last wait(), if any. The pool can be used again afterwards. Never call it from a task: it
    /// would wait for itself.
    void wait();

private:
    void work();
    void run(std::function<void()> task);

    std::mutex m_mutex;
    std::condition_variable m_task_queued;  // or stopping
    std::condition_variable m_idle;         // queue empty and nothing running
    std::deque<std::function<void()>> m_queue;
    std::size_t m_running = 0;
    bool m_stopping = false;
    std::exception_ptr m_error;
    std::vector<std::jthread> m_threads;  // last, so the threads stop before the members they use go
};

/// Calls `task(i)` for every i in [0, count) on up to `workers` threads (at least one) and waits for all
/// of them. When tasks throw, the tasks not yet started are skipped and the first exception thrown is
/// rethrown here once every running task has finished.
void parallel_for(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& task);

}  // namespace fastly_accounts::util
