#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fastly_accounts/apply/journal.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <spdlog/spdlog.h>
#include <unistd.h>

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
// went down). Nothing needs repairing, since every run plans from the live account, but the operator
// reading this run's log should know that the previous one did not finish.
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
    spdlog::warn("the journal '{}' ends without an apply-end line: the previous apply{} did not finish (it was "
                 "stopped, or its machine went down). This run reads the account afresh and makes only the "
                 "changes still missing.",
                 path, when.empty() ? "" : fmt::format(" (last entry at {})", when));
}

}  // namespace

Journal::Journal(const std::string& path) : m_path(path) {
    if (path.empty()) {
        return;
    }
    warn_if_unfinished(path);
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::filesystem::create_directories(parent, ec);
    }
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        throw util::Error(fmt::format("cannot open the journal '{}': {}", path, std::strerror(errno)));
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
