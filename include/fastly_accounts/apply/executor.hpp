#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <fastly_accounts/apply/journal.hpp>
#include <fastly_accounts/live/api_client.hpp>
#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fastly_accounts::apply {

enum class Outcome { done, failed, skipped };

/// "done", "failed", "skipped".
std::string_view to_string(Outcome outcome);

/// What became of one change.
struct ChangeOutcome {
    const plan::Change* change = nullptr;
    Outcome outcome = Outcome::done;
    std::string message;  ///< the error for `failed`, the reason for `skipped`
};

/// What an apply did, change by change.
struct ApplyReport {
    std::vector<ChangeOutcome> outcomes;  ///< in plan order
    std::size_t done = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    bool rate_limited = false;          ///< stopped by the hourly write limit
    bool interrupted = false;           ///< stop_requested stopped the run before every change had started
    std::optional<long long> retry_at;  ///< when the limit resets (epoch seconds), when known
};

struct ExecuteOptions {
    std::size_t concurrency = 8;
    /// "Now" for telling a pending invitation from an expired one, as the plan was made.
    std::int64_t now_epoch = static_cast<std::int64_t>(std::time(nullptr));
    /// The API's last Fastly-RateLimit-Remaining, once a write has shown it; compared before each stage with
    /// the writes the rest of the plan needs, with a warning when they will not fit in this hour.
    std::function<std::optional<long long>()> writes_remaining;
    /// Asked before each change starts; once it returns true no change starts any more: the changes under
    /// way finish (their requests are bounded by the HTTP timeout), the rest are skipped as interrupted.
    /// Called from worker threads; must be cheap and thread-safe (it reads a signal flag).
    std::function<bool()> stop_requested;
    /// Called after each change completes (from worker threads, one call at a time).
    std::function<void(const ChangeOutcome& outcome, std::size_t completed, std::size_t total)> on_progress;
};

/// Carries out `plan` against the account `live` was read from: stage by stage, up to
/// `options.concurrency` changes at once inside a stage. A failed change does not stop the others;
/// changes that depend on it (members of a group that could not be created, a group's service
/// group whose rename failed) are skipped. A create whose
/// answer is lost is never blindly repeated: the live state is read to learn whether it happened. Every
/// change's outcome is appended to `journal` as it completes. 429s are waited out (or not) by the HTTP layer
/// alone (http::RetryPolicy, with apply's --max-wait); one that it gives up on as the hourly budget spent
/// stops the run: the remaining changes are skipped and the report says rate_limited; when
/// `options.stop_requested` says so, likewise, and the report says interrupted. One create, or one addition
/// of links, is sent at most 4 times in all, lookups between its rounds included. Never throws for a failed
/// change; throws util::Error only when the journal fails.
ApplyReport execute(const plan::Plan& plan, const model::LiveAccount& live, live::ApiClient& api, Journal& journal,
                    const ExecuteOptions& options);

}  // namespace fastly_accounts::apply
