#include <cerrno>
#include <cstring>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

namespace fastly_accounts::util {

namespace {

[[noreturn]] void fail(const std::string& path, std::string_view what) {
    throw Error(fmt::format("cannot write '{}': {} ({})", path, what, std::strerror(errno)));
}

}  // namespace

bool write_all(int fd, std::string_view text) {
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        written += static_cast<std::size_t>(n);
    }
    return true;
}

void write_file_atomically(const std::string& path, std::string_view content) {
    const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail(path, "creating a temporary file beside it");
    }
    if (!write_all(fd, content)) {
        const int error = errno;
        ::close(fd);
        ::unlink(temporary.c_str());
        errno = error;
        fail(path, "writing");
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(temporary.c_str());
        fail(path, "flushing to disk");
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        fail(path, "renaming the temporary file over it");
    }
}

}  // namespace fastly_accounts::util
