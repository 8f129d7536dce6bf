#include <algorithm>
#include <fastly_accounts/util/parallel.hpp>
#include <utility>

namespace fastly_accounts::util {

TaskPool::TaskPool(std::size_t workers) {
    const std::size_t count = std::max<std::size_t>(workers, 1);
    m_threads.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        m_threads.emplace_back([this] { work(); });
    }
}

TaskPool::~TaskPool() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_queue.clear();
    }
    m_task_queued.notify_all();
    for (auto& thread : m_threads) {
        thread.join();
    }
}

void TaskPool::submit(std::function<void()> task) {
    {
        std::lock_guard lock(m_mutex);
        if (m_error || m_stopping) {
            return;
        }
        m_queue.push_back(std::move(task));
    }
    m_task_queued.notify_one();
}

void TaskPool::wait() {
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_queue.empty() && m_running == 0; });
    if (m_error) {
        std::rethrow_exception(std::exchange(m_error, nullptr));
    }
}

void TaskPool::work() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_task_queued.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_queue.empty()) {
            return;  // stopping
        }
        std::function<void()> task = std::move(m_queue.front());
        m_queue.pop_front();
        ++m_running;
        lock.unlock();
        run(std::move(task));
        lock.lock();
        --m_running;
        if (m_running == 0 && m_queue.empty()) {
            m_idle.notify_all();
        }
    }
}

// Takes the task by value so that what it captured is released here, outside the lock.
void TaskPool::run(std::function<void()> task) {
    try {
        task();
    } catch (...) {
        std::lock_guard lock(m_mutex);
        if (!m_error) {
            m_error = std::current_exception();
        }
        m_queue.clear();
    }
}

void parallel_for(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& task) {
    const std::size_t threads = std::min(std::max<std::size_t>(workers, 1), count);
    if (threads <= 1) {
        // No thread to start: run in order here, where the first exception stops the loop by itself.
        for (std::size_t i = 0; i < count; ++i) {
            task(i);
        }
        return;
    }
    TaskPool pool(threads);
    for (std::size_t i = 0; i < count; ++i) {
        pool.submit([&task, i] { task(i); });
    }
    pool.wait();
}

}  // namespace fastly_accounts::util
