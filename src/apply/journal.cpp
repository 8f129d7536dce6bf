#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fastly_accounts/apply/journal.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <filesystem>
#include <fstream>

namespace fastly_accounts::apply {

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

namespace {

// The last line of the file at `path` (at most its last 64 KiB), or "" when there is none.
std::string last_line(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        return {};
    }
    const std::streamoff size = in.tellg();
    const std::streamoff start = std::max<std::streamoff>(0, size - 65536);
    std::string tail(static_cast<std::size_t>(size - start), '\0');
    in.seekg(start);
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    while (!tail.empty() && tail.back() == '\n') {
        tail.pop_back();
    }
    const auto newline = tail.rfind('\n');
    return newline == std::string::npos ? tail : tail.substr(newline + 1);
}

// A journal whose last line is not an apply-end belongs to a run that was stopped (killed, or the machine
// went down): called with the journal's lock held, so that run is not running any more. Nothing needs
// repairing, since every run plans from the live account, but the operator reading this run's log
// should know that the previous one did not finish.
void warn_if_unfinished(const std::string& path) {
    const std::string line = last_line(path);
    if (line.empty()) {
        return;
    }
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_object() && entry.value("event", "") == "apply-end") {
        return;
    }
    const std::string when = entry.is_object() ? entry.value("time", "") : "";
    spdlog::warn(
        "the journal '{}' ends without an apply-end line: the previous apply{} did not finish (it was "
        "stopped, or its machine went down). This run reads the account afresh and makes only the "
        "changes still missing.",
        path, when.empty() ? "" : fmt::format(" (last entry at {})", when));
}

// Checks that the journal at `path`, whose links lead to `target`, can be a file: it is not a directory,
// and its directory exists (or, with `create_directory`, is made now, that one level only: a typo in
// --journal must not become a tree of new directories). Throws util::Error saying which.
void check_place(const std::string& path, const std::filesystem::path& target, bool create_directory) {
    struct stat st {};
    if (path.back() == '/' || (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
        throw util::Error(fmt::format("the journal '{}' names a directory; name a file in it, such as '{}'", path,
                                      (std::filesystem::path(path) / "journal.jsonl").string()));
    }
    const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
    if (::stat(directory.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            throw util::Error(
                fmt::format("cannot use the journal '{}': '{}' is not a directory", path, directory.string()));
        }
        return;
    }
    if (errno == ENOENT && create_directory && ::mkdir(directory.c_str(), 0777) == 0) {
        return;
    }
    if (errno == ENOENT) {
        throw util::Error(
            fmt::format("the directory of the journal '{}' does not exist ('{}'); create it, or name "
                        "another --journal",
                        path, directory.string()));
    }
    throw util::Error(
        fmt::format("cannot use the journal '{}': '{}': {}", path, directory.string(), std::strerror(errno)));
}

// "pid 4242 on host ci-7, since 2026-12-01T10:00:00Z": what the holder of a lock wrote into its lock file,
// or "" when it has written nothing yet.
std::string holder_of(int fd) {
    char text[1024];
    const ssize_t n = ::pread(fd, text, sizeof text, 0);
    const auto holder = nlohmann::json::parse(text, text + std::max<ssize_t>(n, 0), nullptr, false);
    if (!holder.is_object()) {
        return {};
    }
    std::string out = holder.contains("pid") ? fmt::format("pid {}", holder["pid"].dump()) : "a process";
    if (holder.contains("host") && holder["host"].is_string()) {
        out += " on host " + holder["host"].get<std::string>();
    }
    if (holder.contains("since") && holder["since"].is_string()) {
        out += ", since " + holder["since"].get<std::string>();
    }
    return out;
}

}  // namespace

JournalLock::JournalLock(const std::string& journal_path, bool create_directory) : m_journal_path(journal_path) {
    if (journal_path.empty()) {
        return;
    }
    // A link is followed: the journal is appended at its target, and the lock sits beside that target, so
    // that two links to one journal share one lock.
    const std::filesystem::path target = util::resolve_links(journal_path);
    check_place(journal_path, target, create_directory);
    const std::string path = target.string() + ".lock";
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        throw util::Error(
            fmt::format("the journal's lock file '{}' is a directory; remove it, or name another "
                        "--journal",
                        path));
    }
    // Never through a link: apply rewrites the lock file with its holder's name, and a link placed there
    // would make it overwrite whatever the link points at.
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m_fd < 0 && errno == ELOOP) {
        throw util::Error(
            fmt::format("the journal's lock file '{}' is a symbolic link; apply writes its holder's "
                        "name into that file, so it refuses to follow one: remove the link",
                        path));
    }
    if (m_fd < 0) {
        throw util::Error(fmt::format("cannot open the journal's lock file '{}': {}", path, std::strerror(errno)));
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        const std::string holder = error == EWOULDBLOCK ? holder_of(m_fd) : "";
        ::close(m_fd);
        m_fd = -1;
        if (error != EWOULDBLOCK) {
            throw util::Error(
                fmt::format("cannot lock the journal '{}' ({}): {}", journal_path, path, std::strerror(error)));
        }
        throw JournalBusy(
            fmt::format("another apply is running on the journal '{}'{}; nothing was changed. Run "
                        "apply again once it has finished.",
                        journal_path, holder.empty() ? "" : " (" + holder + ")"));
    }
    // Who holds the lock, for the message of an apply that finds it taken. The lock itself is the flock.
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string holder = nlohmann::json{{"pid", ::getpid()}, {"host", host}, {"since", utc_now()}}.dump(
                                   -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                               "\n";
    if (::ftruncate(m_fd, 0) != 0 || ::pwrite(m_fd, holder.data(), holder.size(), 0) < 0) {
        spdlog::debug("could not note this process in the lock file '{}': {}", path, std::strerror(errno));
    }
}

JournalLock::~JournalLock() {
    if (m_fd >= 0) {
        if (::ftruncate(m_fd, 0) != 0) {  // the holder noted in it is leaving
            spdlog::debug("could not clear the lock file of '{}': {}", m_journal_path, std::strerror(errno));
        }
        ::close(m_fd);  // and with the last descriptor the flock goes
    }
}

Journal::Journal(const JournalLock& lock) : m_path(lock.journal_path()) {
    if (m_path.empty()) {
        return;
    }
    warn_if_unfinished(m_path);
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        throw util::Error(fmt::format("cannot open the journal '{}': {}", m_path, std::strerror(errno)));
    }
}

Journal::~Journal() {
    if (m_fd >= 0) {
        ::fsync(m_fd);
        ::close(m_fd);
    }
}

void Journal::append(const nlohmann::ordered_json& entry) {
    if (m_fd < 0) {
        return;
    }
    nlohmann::ordered_json line = {{"time", utc_now()}};
    for (const auto& [key, value] : entry.items()) {
        line[key] = value;
    }
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(m_mutex);
    if (!util::write_all(m_fd, text)) {
        throw util::Error(fmt::format("cannot write the journal '{}': {}", m_path, std::strerror(errno)));
    }
}

}  // namespace fastly_accounts::apply
