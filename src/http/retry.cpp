#include <algorithm>
#include <cmath>
#include <fastly_accounts/http/retry.hpp>

namespace fastly_accounts::http {

namespace {

std::optional<std::int64_t> header_integer(const Response& response, std::string_view name) {
    auto value = response.header(name);
    if (!value) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        const long long number = std::stoll(*value, &used);
        return used == value->size() ? std::optional<std::int64_t>(number) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

bool is_idempotent(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::optional<std::chrono::milliseconds> RetryPolicy::delay_before_retry(const Request& request,
                                                                        const Response& response, int attempt,
                                                                        std::int64_t now_epoch,
                                                                        double jitter) const {
    using std::chrono::milliseconds;
    if (attempt >= max_attempts || !is_idempotent(request.method)) {
        return std::nullopt;
    }
    const long s = response.status;
    const bool transport = response.error != TransportError::none;
    const bool retryable_status = s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
    // A TLS failure is a certificate problem, not a passing fault: retrying would only repeat it.
    if ((!transport && !retryable_status) || response.error == TransportError::tls) {
        return std::nullopt;
    }
    if (s == 429 || s == 503) {
        std::optional<std::int64_t> wait_seconds = header_integer(response, "Retry-After");
        if (!wait_seconds) {
            if (auto reset = header_integer(response, "Fastly-RateLimit-Reset"); reset && s == 429) {
                wait_seconds = std::max<std::int64_t>(0, *reset - now_epoch);
            }
        }
        if (wait_seconds) {
            const milliseconds wait{*wait_seconds * 1000};
            const bool read = request.method == "GET" || request.method == "HEAD";
            if (wait > (read ? max_server_wait : max_write_wait)) {
                return std::nullopt;
            }
            return std::max(wait, base_delay);
        }
    }
    const double exponential = static_cast<double>(base_delay.count()) * std::pow(2.0, attempt - 1);
    const double capped = std::min(exponential, static_cast<double>(max_delay.count()));
    // Full jitter, but never less than half the step, so that retries of many parallel requests spread
    // out without collapsing onto zero.
    return milliseconds{static_cast<std::int64_t>(capped * (0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0)))};
}

}  // namespace fastly_accounts::http
