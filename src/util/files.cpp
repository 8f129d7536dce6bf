#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <filesystem>

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

std::filesystem::path resolve_links(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path current = path;
    for (int depth = 0; depth < 40; ++depth) {
        std::error_code ec;
        const fs::file_status status = fs::symlink_status(current, ec);
        if (ec || !fs::is_symlink(status)) {
            return current;
        }
        const fs::path target = fs::read_symlink(current, ec);
        if (ec) {
            return current;
        }
        current = target.is_absolute() ? target : current.parent_path() / target;
    }
    errno = ELOOP;
    fail(path, "following its symbolic links");
}

namespace {

// A path that exists and is not a regular file (a terminal, /dev/stdout, a pipe): written in place, as a
// shell redirection would, never replaced by a regular file.
void write_in_place(const std::string& path, const std::string& shown, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(shown, "opening it");
    }
    const bool ok = write_all(fd, content);
    const int error = errno;
    ::close(fd);
    if (!ok) {
        errno = error;
        fail(shown, "writing");
    }
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
    if (path == "-") {
        if (!write_all(STDOUT_FILENO, content)) {
            fail("-", "writing to standard output");
        }
        return;
    }
    struct stat existing {};
    const bool exists = ::stat(path.c_str(), &existing) == 0;  // follows links, /proc's magic ones too
    if (exists && S_ISDIR(existing.st_mode)) {
        errno = EISDIR;
        fail(path, "it is a directory; name a file");
    }
    if (exists && !S_ISREG(existing.st_mode)) {
        write_in_place(path, path, content);
        return;
    }
    std::error_code ec;
    const std::string target = exists ? std::filesystem::canonical(path, ec).string() : resolve_links(path).string();
    if (ec) {
        errno = ec.value();
        fail(path, "resolving its symbolic links");
    }
    const std::string temporary = target + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail(path, "creating a temporary file beside it");
    }
    // A file that is replaced keeps its permissions (a metrics file readable only by its exporter).
    if (exists) {
        (void)::fchmod(fd, existing.st_mode & 07777);
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
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
        ::unlink(temporary.c_str());
        fail(path, "renaming the temporary file over it");
    }
}

}  // namespace fastly_accounts::util
