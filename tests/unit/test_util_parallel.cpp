#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fastly_accounts/util/parallel.hpp>
#include <mutex>
#include <stdexcept>
#include <vector>

using namespace fastly_accounts::util;

namespace {

// Counts the tasks inside it at once. Each one waits there until `target` are inside together (or a
// generous deadline passes, so a broken pool fails the test instead of hanging it).
class Gauge {
public:
    explicit Gauge(int target) : m_target(target) {}

    void pass() {
        std::unique_lock lock(m_mutex);
        m_max = std::max(m_max, ++m_inside);
        m_changed.notify_all();
        m_changed.wait_for(lock, std::chrono::seconds(10), [this] { return m_max >= m_target; });
        --m_inside;
    }

    int max() {
        std::lock_guard lock(m_mutex);
        return m_max;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    const int m_target;
    int m_inside = 0;
    int m_max = 0;
};

// Blocks tasks until opened, with the same deadline as Gauge.
class Gate {
public:
    void open() {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_opened.notify_all();
    }
    void pass() {
        std::unique_lock lock(m_mutex);
        m_opened.wait_for(lock, std::chrono::seconds(10), [this] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_opened;
    bool m_open = false;
};

// Submits a task that submits two more, down to `depth`; every task counts itself.
void submit_tree(TaskPool& pool, std::atomic<int>& ran, int depth) {
    pool.submit([&pool, &ran, depth] {
        ++ran;
        if (depth > 0) {
            submit_tree(pool, ran, depth - 1);
            submit_tree(pool, ran, depth - 1);
        }
    });
}

}  // namespace

TEST_CASE("TaskPool runs every task, also those submitted by tasks, and wait() waits for all of them") {
    for (std::size_t workers : {1, 2, 8}) {
        CAPTURE(workers);
        TaskPool pool(workers);
        std::atomic<int> ran{0};
        submit_tree(pool, ran, 9);
        pool.wait();
        CHECK(ran == 1023);
    }
}

TEST_CASE("TaskPool runs up to its worker count at once, never more") {
    for (int workers : {1, 3, 8}) {
        CAPTURE(workers);
        TaskPool pool(static_cast<std::size_t>(workers));
        Gauge gauge(workers);
        for (int i = 0; i < 4 * workers; ++i) {
            pool.submit([&gauge] { gauge.pass(); });
        }
        pool.wait();
        CHECK(gauge.max() == workers);
    }
}

TEST_CASE("TaskPool: a failure drops the queued tasks, and wait() rethrows it once") {
    TaskPool pool(1);
    Gate gate;
    std::atomic<int> ran{0};
    pool.submit([&gate] {
        gate.pass();
        throw std::runtime_error("first");
    });
    for (int i = 0; i < 10; ++i) {
        pool.submit([&ran] {
            ++ran;
            throw std::runtime_error("later");
        });
    }
    gate.open();
    CHECK_THROWS_WITH_AS(pool.wait(), "first", std::runtime_error);
    CHECK(ran == 0);

    pool.submit([&ran] { ++ran; });
    CHECK_NOTHROW(pool.wait());
    CHECK(ran == 1);
}

TEST_CASE("parallel_for calls every index once, in order when one worker is asked for") {
    for (std::size_t workers : {0, 1, 4, 100}) {
        CAPTURE(workers);
        std::vector<std::atomic<int>> calls(57);
        std::vector<std::size_t> order;
        std::mutex order_mutex;
        parallel_for(calls.size(), workers, [&](std::size_t i) {
            ++calls[i];
            std::lock_guard lock(order_mutex);
            order.push_back(i);
        });
        for (const auto& count : calls) {
            CHECK(count == 1);
        }
        if (workers <= 1) {
            for (std::size_t i = 0; i < order.size(); ++i) {
                CHECK(order[i] == i);
            }
        }
    }
    parallel_for(0, 4, [](std::size_t) { FAIL("no index to call"); });
}

TEST_CASE("parallel_for rethrows the first exception and skips the indexes not started") {
    for (std::size_t workers : {1, 2}) {
        CAPTURE(workers);
        std::atomic<int> started{0};
        const auto run = [&] {
            parallel_for(1000, workers, [&](std::size_t i) {
                ++started;
                if (i == 0) {
                    throw std::runtime_error("index 0");
                }
            });
        };
        CHECK_THROWS_WITH_AS(run(), "index 0", std::runtime_error);
        if (workers == 1) {
            CHECK(started == 1);  // with more workers, how many others started is up to the scheduler
        }
    }
}
