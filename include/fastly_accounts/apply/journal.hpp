#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace fastly_accounts::apply {

/// The apply journal: one JSON object per line, appended as each change completes, so that a run
/// stopped at any point (even by SIGKILL) leaves a record of everything it did. Thread-safe.
class Journal {
public:
    /// Opens `path` for appending, creating it and its parent directory when missing. An empty path makes
    /// a journal that records nothing. Throws util::Error naming the path when it cannot be opened.
    explicit Journal(const std::string& path);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    /// Appends `entry` as one line with a `time` field (UTC, ISO 8601) put first. Each line reaches the
    /// kernel in one write(2), so lines never interleave and survive the process being killed.
    void append(const nlohmann::ordered_json& entry);

    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
    std::mutex m_mutex;
};

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
std::string utc_now();

}  // namespace fastly_accounts::apply
