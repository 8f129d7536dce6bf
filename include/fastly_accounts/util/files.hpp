#pragma once

#include <string>
#include <string_view>

namespace fastly_accounts::util {

/// Replaces the file at `path` with `content` so that readers see the old file or the new one, never a
/// part: writes a temporary file beside it, flushes it to disk, and renames it over `path`. Creates
/// no directories. Throws util::Error naming the path and the system's reason on failure.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace fastly_accounts::util
