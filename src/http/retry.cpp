#include <algorithm>
#include <cmath>
#include <ctime>
#include <fastly_accounts/http/retry.hpp>

namespace fastly_accounts::http {

namespace {

std::optional<std::int64_t> whole_number(const std::optional<std::string>& text) {
    if (!text || text->empty() || text->size() > 18 ||
        !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    return std::stoll(*text);
}

// An IMF-fixdate (RFC 9110 5.6.7), the only HTTP date form senders may produce: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::int64_t> http_date(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(timegm(&tm));
}

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt, double jitter) {
    const double exponential = static_cast<double>(policy.base_delay.count()) * std::pow(2.0, attempt - 1);
    const double capped = std::min(exponential, static_cast<double>(policy.max_delay.count()));
    // Full jitter, but never less than half the step, so that retries of many parallel requests spread
    // out without collapsing onto zero.
    return std::chrono::milliseconds{static_cast<std::int64_t>(capped * (0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0)))};
}

RetryDecision retry_after(std::chrono::milliseconds delay) {
    return RetryDecision{delay, false, std::nullopt};
}

RetryDecision spent(const RateLimitHeaders& limit, std::optional<std::int64_t> wait, std::int64_t now) {
    std::optional<std::int64_t> at = limit.reset;
    if (!at && wait) {
        at = now + *wait;
    }
    return RetryDecision{std::nullopt, true, at};
}

RetryDecision decide_429(const RetryPolicy& policy, const Response& response, int attempt, std::int64_t now,
                         double jitter) {
    using std::chrono::milliseconds;
    const RateLimitHeaders limit = read_rate_limit(response, now);
    // Retry-After is relative, so it holds even when the API's clock and ours disagree; the reset is a time
    // on the API's clock, used only when Retry-After is absent.
    std::optional<std::int64_t> wait = limit.retry_after;
    if (!wait && limit.reset) {
        wait = std::max<std::int64_t>(0, *limit.reset - now);
    }
    const bool budget_spent = limit.remaining == 0;
    const milliseconds bound = budget_spent ? policy.max_reset_wait
                                            : std::max(policy.max_throttle_wait, policy.max_reset_wait);
    if ((budget_spent && !wait) || (wait && milliseconds(*wait * 1000) > bound)) {
        return spent(limit, wait, now);
    }
    if (attempt >= policy.max_attempts) {
        return budget_spent ? spent(limit, wait, now) : RetryDecision{};
    }
    return retry_after(wait ? std::max(milliseconds(*wait * 1000), policy.base_delay)
                            : backoff(policy, attempt, jitter));
}

}  // namespace

RateLimitHeaders read_rate_limit(const Response& response, std::int64_t now_epoch) {
    RateLimitHeaders out;
    out.remaining = whole_number(response.header("Fastly-RateLimit-Remaining"));
    out.reset = whole_number(response.header("Fastly-RateLimit-Reset"));
    if (auto text = response.header("Retry-After")) {
        out.retry_after = whole_number(text);
        if (!out.retry_after) {
            if (auto date = http_date(*text)) {
                out.retry_after = std::max<std::int64_t>(0, *date - now_epoch);
            }
        }
    }
    return out;
}

bool is_idempotent(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

RetryDecision RetryPolicy::decide(const Request& request, const Response& response, int attempt, std::int64_t now_epoch,
                                  double jitter) const {
    using std::chrono::milliseconds;
    // An answer over the size limits would be as large again: sending it again only repeats the transfer.
    if (response.error == TransportError::body_too_large || response.error == TransportError::headers_too_large) {
        return {};
    }
    if (response.error == TransportError::none && response.status == 429) {
        return decide_429(*this, response, attempt, now_epoch, jitter);
    }
    if (attempt >= max_attempts || !is_idempotent(request.method)) {
        return {};
    }
    const long s = response.status;
    const bool transport = response.error != TransportError::none;
    const bool retryable_status = s == 500 || s == 502 || s == 503 || s == 504;
    // A TLS failure is a certificate problem, not a passing fault: retrying would only repeat it.
    if ((!transport && !retryable_status) || response.error == TransportError::tls) {
        return {};
    }
    if (s == 503) {
        if (auto wait = read_rate_limit(response, now_epoch).retry_after) {
            if (milliseconds(*wait * 1000) > max_throttle_wait) {
                return {};
            }
            return retry_after(std::max(milliseconds(*wait * 1000), base_delay));
        }
    }
    return retry_after(backoff(*this, attempt, jitter));
}

}  // namespace fastly_accounts::http
