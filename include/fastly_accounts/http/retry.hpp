#pragma once

#include <chrono>
#include <cstdint>
#include <fastly_accounts/http/http.hpp>
#include <optional>

namespace fastly_accounts::http {

/// What one answer says about the API's rate limit. Each field is nullopt when its header is absent or
/// unreadable (not a whole non-negative number, or a date that cannot be read).
struct RateLimitHeaders {
    std::optional<long long> remaining;       ///< Fastly-RateLimit-Remaining: writes left in this hour's window
    std::optional<std::int64_t> reset;        ///< Fastly-RateLimit-Reset: when the window ends (epoch seconds)
    std::optional<std::int64_t> retry_after;  ///< Retry-After, as seconds from now
};

/// Reads the rate-limit headers of `response`: the one reader of Fastly-RateLimit-Remaining,
/// Fastly-RateLimit-Reset and Retry-After in the tool. Retry-After may be seconds or an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`), which is turned into seconds from `now_epoch` (0 when past).
RateLimitHeaders read_rate_limit(const Response& response, std::int64_t now_epoch);

/// What to do after one send of a request.
struct RetryDecision {
    /// Send again after this long; nullopt: the answer is final.
    std::optional<std::chrono::milliseconds> delay;
    /// The final answer is a 429 that means the hourly write budget is spent: the run must stop (exit 5)
    /// rather than count the request as failed.
    bool budget_spent = false;
    /// With budget_spent: when the budget resets (epoch seconds), if the API said.
    std::optional<std::int64_t> retry_at;
};

/// When and how long to wait before sending a request again: the one place that decides retries, 429s
/// included (callers above the HTTP layer never resend on their own because of a 429). Pure: the clock
/// and randomness come in as arguments, so the policy is tested without sleeping.
///
/// Bound: one request is sent at most `max_attempts` times (4), whatever the answers.
///
/// - 500, 502, 503, 504 and transport errors: retried with exponential backoff, only for methods that
///   may be sent twice with the same effect (GET, HEAD, PUT, PATCH with the absolute values this tool
///   sends, DELETE). A POST is never resent here, since it may have created something. A 503's
///   Retry-After up to max_throttle_wait sets the wait; a longer one is not waited for. TLS failures are
///   final, and so is an answer stopped at the size limits (body_too_large, headers_too_large).
/// - 429, any method (POSTs too: the API refused the request before doing anything):
///   - the hourly budget is spent when Fastly-RateLimit-Remaining is 0. The wait is Retry-After, else the
///     time until Fastly-RateLimit-Reset. It is waited out only when known and no longer than
///     max_reset_wait (apply's --max-wait); otherwise the answer is final with budget_spent.
///   - otherwise it is a short throttle: Retry-After (else the time to the reset) is waited when no
///     longer than the larger of max_throttle_wait and max_reset_wait; with no hint, backoff. A wait
///     longer than that is treated as a spent budget (final, budget_spent), and so is a spent budget
///     that is still spent on the last send. A short throttle still there on the last send is a final
///     429 without budget_spent: the request failed.
struct RetryPolicy {
    int max_attempts = 4;                                 ///< sends per request, the first one included
    std::chrono::milliseconds base_delay{200};            ///< doubled on each attempt, with full jitter
    std::chrono::milliseconds max_delay{5000};            ///< cap of the computed backoff
    std::chrono::milliseconds max_throttle_wait{60'000};  ///< longest Retry-After waited for a short throttle
    std::chrono::milliseconds max_reset_wait{0};          ///< longest wait for a spent budget (apply's --max-wait)

    /// What to do after `response` to `request`, which has been sent `attempt` times; `now_epoch` is the
    /// time, `jitter` in [0, 1) picks the backoff.
    RetryDecision decide(const Request& request, const Response& response, int attempt, std::int64_t now_epoch,
                         double jitter) const;
};

/// True for methods that may be sent twice with the same effect (see RetryPolicy).
bool is_idempotent(std::string_view method);

}  // namespace fastly_accounts::http
