#pragma once

#include <cstddef>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::config {

/// Desired-state files larger than this are refused before they are read.
inline constexpr std::size_t max_file_bytes = 8 * 1024 * 1024;

/// Expands `paths` (files, or directories meaning every *.yaml/*.yml directly inside, sorted, hidden
/// files skipped) and reads each file once, in order. A path that does not exist, a directory with no
/// YAML file, an unreadable or oversized file is reported in `diagnostics` and skipped.
std::vector<SourceFile> read_sources(const std::vector<std::string>& paths, Diagnostics& diagnostics);

}  // namespace fastly_accounts::config
