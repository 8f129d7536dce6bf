#pragma once

namespace fastly_accounts::cli {

/// One exit-code contract for every command (README.md "Exit codes").
enum ExitCode : int {
    exit_ok = 0,           ///< success; for plan/drift: live state already matches
    exit_error = 1,        ///< invalid input, authentication, network or API failure; nothing changed
    exit_changes = 2,      ///< plan --detailed-exitcode: changes pending; drift: drift found
    exit_partial = 3,      ///< apply finished, but some changes failed
    exit_refused = 4,      ///< refused by a safety guard or a stale saved plan; nothing changed
    exit_rate_limited = 5  ///< stopped by the API rate limit
};

}  // namespace fastly_accounts::cli
