#pragma once

#include <fastly_accounts/util/error.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace fastly_accounts::apply {

/// Another apply holds the lock of the journal: this one must not run.
class JournalBusy : public util::Error {
public:
    using util::Error::Error;
};

/// The lock that keeps two applies off one journal, and so off one account, at the same time: flock(2)
/// on `<journal>.lock` beside the journal, which records who holds it (pid, host, since when). Held for
/// the object's life; the kernel drops it when the process ends in any way, SIGKILL included, so a dead
/// run never leaves it behind.
class JournalLock {
public:
    /// Takes the lock of the journal at `journal_path` without waiting, creating the lock file when
    /// missing. A symbolic link is followed: the lock file is `<target>.lock` beside the link's target; a
    /// lock file that is itself a link is refused (its holder line would overwrite the link's target). The
    /// journal's directory must exist; with
    /// `create_directory` (apply's default journal) that one directory is made when missing. An empty path
    /// takes no lock. Throws JournalBusy naming the journal and the holder when another process (or another
    /// JournalLock) holds it; util::Error when the journal or its lock file is a directory, when the
    /// directory is missing, or naming the lock file when it cannot be opened.
    explicit JournalLock(const std::string& journal_path, bool create_directory = false);
    ~JournalLock();
    JournalLock(const JournalLock&) = delete;
    JournalLock& operator=(const JournalLock&) = delete;

    /// The journal this lock is for.
    const std::string& journal_path() const { return m_journal_path; }

private:
    std::string m_journal_path;
    int m_fd = -1;
};

/// The apply journal: one JSON object per line, appended as each change completes, so that a run
/// stopped at any point (even by SIGKILL) leaves a record of everything it did. Thread-safe.
class Journal {
public:
    /// Opens the journal `lock` is held for, for appending (through a symbolic link to its target, never
    /// replacing the link), creating the file when missing; warns (spdlog) when its last line is not an
    /// `apply-end`, since, the lock being free, the apply that wrote it is dead. An empty path makes a
    /// journal that records nothing. Throws util::Error naming the path when it cannot be opened.
    explicit Journal(const JournalLock& lock);
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
