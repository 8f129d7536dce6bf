#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace fastly_accounts::util {

/// Replaces the file at `path` with `content` so that readers see the old file or the new one, never a
/// part: writes a temporary file beside it, flushes it to disk, and renames it over `path`, keeping the
/// old file's permissions. A symbolic link is followed: its target is replaced and the link stays. A path
/// that exists but is not a regular file (a terminal, /dev/stdout, a pipe) is written in place, never
/// replaced; a directory is an error. `-` means standard output. Creates no directories. Throws
/// util::Error naming the path and the system's reason on failure.
void write_file_atomically(const std::string& path, std::string_view content);

/// Where writing `path` lands: a symbolic link is followed to its target, also a dangling one (whose target
/// writing then creates), so that the link stays a link; relative targets resolve against the link's
/// directory. `path` itself when it is not a link. Throws util::Error after 40 links (a loop).
std::filesystem::path resolve_links(const std::string& path);

/// Writes all of `text` to `fd`, going on after partial writes and EINTR. Returns false, with errno set,
/// when a write fails.
bool write_all(int fd, std::string_view text);

}  // namespace fastly_accounts::util
