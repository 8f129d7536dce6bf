#pragma once

#include <optional>
#include <string>

namespace fastly_emulator {

/// Replaces `path` by `content` atomically and durably: writes `path.tmp`, fsyncs it, renames it over
/// `path` and fsyncs the directory. After a crash the file holds either the old or the new content.
/// Throws std::runtime_error naming the path and the system error.
void write_file_atomically(const std::string& path, const std::string& content);

/// The file's content, or nullopt when it does not exist. Throws std::runtime_error on other errors.
std::optional<std::string> read_file_if_exists(const std::string& path);

}  // namespace fastly_emulator
