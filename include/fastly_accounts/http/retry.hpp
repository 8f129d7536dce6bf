#pragma once

#include <chrono>
#include <cstdint>
#include <fastly_accounts/http/http.hpp>
#include <optional>

namespace fastly_accounts::http {

/// When and how long to wait before sending a request again. Pure: the clock and randomness come in as
/// arguments, so the policy is tested without sleeping.
struct RetryPolicy {
    int max_attempts = 4;                                 ///< sends per request, the first one included
    std::chrono::milliseconds base_delay{200};            ///< doubled on each attempt, with full jitter
    std::chrono::milliseconds max_delay{5000};            ///< cap of the computed backoff
    std::chrono::milliseconds max_server_wait{30'000};    ///< longest Retry-After/reset honoured for reads
    std::chrono::milliseconds max_write_wait{30'000};     ///< the same for writes (apply sets --max-wait)

    /// The delay before attempt `attempt + 1`, or nullopt when `response` to `request` (after `attempt`
    /// sends) must not be retried. Only idempotent methods are retried (GET, HEAD, PUT, PATCH with the
    /// absolute values this tool sends, DELETE); a POST is never resent, since it may have created
    /// something. Retried: transport errors, 500/502/503/504 and 429. For 429 and 503, `Retry-After`
    /// (seconds) or `Fastly-RateLimit-Reset` (epoch seconds, compared with `now_epoch`) sets the wait;
    /// a wait longer than max_server_wait (GET, HEAD) or max_write_wait (other methods) is not retried. `jitter` in [0, 1) picks the backoff.
    std::optional<std::chrono::milliseconds> delay_before_retry(const Request& request, const Response& response,
                                                               int attempt, std::int64_t now_epoch,
                                                               double jitter) const;
};

/// True for methods that may be sent twice with the same effect (see RetryPolicy).
bool is_idempotent(std::string_view method);

}  // namespace fastly_accounts::http
