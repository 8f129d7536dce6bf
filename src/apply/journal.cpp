#include <cerrno>
#include <cstring>
#include <ctime>
#include <fastly_accounts/apply/journal.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
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

Journal::Journal(const std::string& path) : m_path(path) {
    if (path.empty()) {
        return;
    }
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
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(m_fd, text.data() + written, text.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw util::Error(fmt::format("cannot write the journal '{}': {}", m_path, std::strerror(errno)));
        }
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace fastly_accounts::apply
