#include <atomic>
#include <exception>
#include <fastly_accounts/util/parallel.hpp>
#include <mutex>
#include <thread>
#include <vector>

namespace fastly_accounts::util {

void parallel_for(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& task) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    auto work = [&] {
        for (std::size_t i = next++; i < count && !failed; i = next++) {
            try {
                task(i);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!first_error) {
                    first_error = std::current_exception();
                }
                failed = true;
            }
        }
    };
    const std::size_t threads = std::min(std::max<std::size_t>(workers, 1), count);
    if (threads <= 1) {
        work();
    } else {
        std::vector<std::jthread> pool;
        pool.reserve(threads);
        for (std::size_t t = 0; t < threads; ++t) {
            pool.emplace_back(work);
        }
    }
    if (first_error) {
        std::rethrow_exception(first_error);
    }
}

}  // namespace fastly_accounts::util
