#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fastly_accounts/cli/token.hpp>
#include <fastly_accounts/util/error.hpp>

namespace fastly_accounts::cli {

namespace {

constexpr std::size_t max_token_file_size = 4096;

// How a byte that has no place in a token is named in a message (the byte, never its neighbours).
std::string describe_byte(unsigned char byte) {
    switch (byte) {
        case '\n':
            return "a line feed (LF)";
        case '\r':
            return "a carriage return (CR)";
        case '\t':
            return "a tab";
        case 0:
            return "a NUL byte";
        default:
            break;
    }
    if (byte < 0x20 || byte == 0x7f) {
        return fmt::format("a control character (0x{:02x})", byte);
    }
    return fmt::format("a byte that is not ASCII (0x{:02x})", byte);
}

// Closes the descriptor it holds when it goes.
struct FileDescriptor {
    int fd;
    ~FileDescriptor() { ::close(fd); }
};

}  // namespace

std::string checked_token(std::string_view text, std::string_view source) {
    constexpr std::string_view around = " \t\r\n";
    const auto first = text.find_first_not_of(around);
    if (first == std::string_view::npos) {
        throw util::UsageError(fmt::format("{} is empty; it must hold the API token", source));
    }
    text = text.substr(first, text.find_last_not_of(around) - first + 1);
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == ' ') {
            throw util::UsageError(fmt::format("{} holds more than one word; it must hold only the API token", source));
        }
        if (byte < 0x20 || byte >= 0x7f) {
            throw util::UsageError(fmt::format(
                "{} holds {} inside the token; an API token is one word of printable ASCII (a line break in it "
                "would add HTTP headers to every request). Nothing was sent.",
                source, describe_byte(byte)));
        }
    }
    return std::string(text);
}

std::string read_token_file(const std::string& path, bool allow_readable) {
    // Opened without blocking, so that a named pipe nobody writes to cannot hang the run; reads block again.
    const FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (file.fd < 0) {
        throw util::UsageError(fmt::format("cannot read the token file '{}': {}", path, std::strerror(errno)));
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || ::fcntl(file.fd, F_SETFL, ::fcntl(file.fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        throw util::UsageError(fmt::format("cannot read the token file '{}': {}", path, std::strerror(errno)));
    }
    if (S_ISDIR(st.st_mode)) {
        throw util::UsageError(
            fmt::format("the token file '{}' is a directory; name the file that holds the API token", path));
    }
    if (!allow_readable && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        throw util::UsageError(fmt::format(
            "the token file '{}' is readable by other users (mode {:04o}); make it private with chmod 600, or "
            "pass --allow-readable-token-file if it must stay so",
            path, st.st_mode & 07777));
    }
    std::string text;
    char buffer[1024];
    while (text.size() <= max_token_file_size) {
        const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw util::UsageError(fmt::format("cannot read the token file '{}': {}", path, std::strerror(errno)));
        }
        if (n == 0) {
            return checked_token(text, fmt::format("the token file '{}'", path));
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    throw util::UsageError(fmt::format("the token file '{}' is larger than {} bytes; it must hold only the API token",
                                       path, max_token_file_size));
}

}  // namespace fastly_accounts::cli
