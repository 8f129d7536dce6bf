#pragma once

#include <cstddef>
#include <functional>

namespace fastly_accounts::util {

/// Calls `task(i)` for every i in [0, count) on up to `workers` threads (at least one) and waits for all
/// of them. When tasks throw, the tasks not yet started are skipped and the first exception thrown is
/// rethrown here once every running task has finished.
void parallel_for(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& task);

}  // namespace fastly_accounts::util
