#pragma once

#include <cstddef>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::config {

/// Desired-state files larger than this are refused before they are read.
inline constexpr std::size_t max_file_bytes = 8 * 1024 * 1024;

/// Expands `paths` and reads each file once, in order. A file is read as named. A directory stands for
/// the *.yaml and *.yml files directly inside it (extension in any case: `.YAML`, `.Yml`), sorted by name;
/// nothing in it is skipped unnoticed:
/// - hidden entries (`.git`, `.fastly-accounts/` where the journal lives, `.draft.yaml`), *.md and *.txt
///   files are passed over, by rule;
/// - a subdirectory is read only when it is named in `paths` too; otherwise it is reported;
/// - any other entry (`users.json`, `people.yaml.bak`, a broken link) is reported.
/// Reported as well, in `diagnostics`: a path that does not exist, a directory with nothing to read, an
/// unreadable or oversized file.
std::vector<SourceFile> read_sources(const std::vector<std::string>& paths, Diagnostics& diagnostics);

}  // namespace fastly_accounts::config
