#pragma once

// Loading a whole desired state: every file of the paths given, read, parsed, merged and checked.

#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/model/state.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::config {

/// A merged desired state and where it came from.
struct DesiredState {
    model::AccountState state;
    std::vector<std::string> files;    ///< every file read, in order
    std::string fingerprint;           ///< "sha256:" over the files' contents in order
    std::vector<std::string> digests;  ///< "sha256:" of each file's contents, in the order of `files`
};

/// As load_desired_state, also returning the files read, their fingerprint and their digests.
DesiredState load_desired(const std::vector<std::string>& paths);

/// Loads, merges and checks the files and directories in `paths` (a directory means every *.yaml and
/// *.yml file directly in it, sorted by name). Returns the merged desired state. Throws ConfigError
/// with every problem found (in any file, of any kind) when there is at least one.
model::AccountState load_desired_state(const std::vector<std::string>& paths);

}  // namespace fastly_accounts::config
