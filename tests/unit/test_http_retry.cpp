#include <doctest/doctest.h>

#include <fastly_accounts/http/client.hpp>
#include <fastly_accounts/http/retry.hpp>
#include <fastly_accounts/util/error.hpp>

using namespace fastly_accounts;
using http::Request;
using http::Response;
using http::TransportError;
using std::chrono::milliseconds;

namespace {

Response status(long code, http::Headers headers = {}) {
    Response r;
    r.status = code;
    r.headers = std::move(headers);
    return r;
}

Response transport(TransportError error) {
    Response r;
    r.error = error;
    return r;
}

}  // namespace

std::optional<milliseconds> delay(const http::RetryPolicy& policy, const Request& request, const Response& response,
                                  int attempt, std::int64_t now, double jitter) {
    return policy.decide(request, response, attempt, now, jitter).delay;
}

TEST_CASE("what is retried, and after how long") {
    const http::RetryPolicy policy;  // 4 attempts, 200 ms base, 5 s cap, 60 s longest throttle, no reset wait
    const Request get{"GET", "/user-groups", {}, ""};
    const Request put{"PUT", "/user/1", {}, ""};
    const Request post{"POST", "/user-groups", {}, ""};
    constexpr std::int64_t now = 1'700'000'000;

    struct Case {
        const char* what;
        const Request& request;
        Response response;
        int attempt;
        std::optional<milliseconds> expected;
    };
    const Case cases[] = {
        {"200 is done", get, status(200), 1, std::nullopt},
        {"404 is an answer", get, status(404), 1, std::nullopt},
        {"409 is an answer", put, status(409), 1, std::nullopt},
        {"503 on GET: backoff", get, status(503), 1, milliseconds(200)},
        {"500 on PUT: doubled", put, status(500), 2, milliseconds(400)},
        {"timeout: backoff", get, transport(TransportError::timeout), 3, milliseconds(800)},
        {"dropped: backoff", get, transport(TransportError::dropped), 1, milliseconds(200)},
        {"TLS failure is not retried", get, transport(TransportError::tls), 1, std::nullopt},
        {"nor a body over the size limit", get, transport(TransportError::body_too_large), 1, std::nullopt},
        {"nor headers over theirs", put, transport(TransportError::headers_too_large), 1, std::nullopt},
        {"a POST is never resent", post, status(503), 1, std::nullopt},
        {"nor when its answer is lost", post, transport(TransportError::dropped), 1, std::nullopt},
        {"attempts are bounded", get, status(503), 4, std::nullopt},
        {"503 Retry-After is honoured", get, status(503, {{"Retry-After", "3"}}), 1, milliseconds(3000)},
        {"but not past the throttle bound", get, status(503, {{"Retry-After", "61"}}), 1, std::nullopt},
        {"429 Retry-After is honoured", get, status(429, {{"Retry-After", "3"}}), 1, milliseconds(3000)},
        {"as an HTTP date too", get, status(429, {{"Retry-After", "Tue, 14 Nov 2023 22:13:25 GMT"}}), 1,
         milliseconds(5000)},
        {"a 429 on a POST is resent: it was refused", post, status(429, {{"Retry-After", "1"}}), 1, milliseconds(1000)},
        {"so is the rate-limit reset", put, status(429, {{"Fastly-RateLimit-Reset", "1700000007"}}), 1,
         milliseconds(7000)},
        {"429 without a hint: backoff", get, status(429), 1, milliseconds(200)},
        {"a 429 counts as a send", put, status(429, {{"Retry-After", "1"}}), 4, std::nullopt},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        // jitter 1.0 gives the full step, so the expected values are exact.
        CHECK(delay(policy, c.request, c.response, c.attempt, now, 1.0) == c.expected);
    }
}

TEST_CASE("a short throttle is waited out; only a spent hourly budget stops the run") {
    constexpr std::int64_t now = 1'700'000'000;
    const std::string in_an_hour = std::to_string(now + 3600);
    const Request put{"PUT", "/user/1", {}, ""};
    const Request post{"POST", "/invitations", {}, ""};
    http::RetryPolicy apply;  // as apply --max-wait 120 sets it
    apply.max_reset_wait = milliseconds(120'000);
    const http::RetryPolicy plain;  // every other command: no wait for a spent budget

    struct Case {
        const char* what;
        const http::RetryPolicy& policy;
        const Request& request;
        Response response;
        int attempt;
        std::optional<milliseconds> delay;
        bool budget_spent;
        std::optional<std::int64_t> retry_at;
    };
    const Case cases[] = {
        {"Retry-After 1: wait a second and resend", plain, put, status(429, {{"Retry-After", "1"}}), 1,
         milliseconds(1000), false, std::nullopt},
        {"a POST too", plain, post, status(429, {{"Retry-After", "1"}}), 1, milliseconds(1000), false, std::nullopt},
        {"Retry-After 60 is still a short throttle", plain, put, status(429, {{"Retry-After", "60"}}), 1,
         milliseconds(60'000), false, std::nullopt},
        {"Retry-After 61 is not, without --max-wait", plain, put, status(429, {{"Retry-After", "61"}}), 1, std::nullopt,
         true, now + 61},
        {"--max-wait stretches the throttle bound", apply, put, status(429, {{"Retry-After", "90"}}), 1,
         milliseconds(90'000), false, std::nullopt},
        {"a throttle that outlasts the sends is a failure, not exit 5", plain, put, status(429, {{"Retry-After", "1"}}),
         4, std::nullopt, false, std::nullopt},
        {"Remaining 0, reset an hour away: stop", plain, put,
         status(429, {{"Fastly-RateLimit-Remaining", "0"}, {"Fastly-RateLimit-Reset", in_an_hour}}), 1, std::nullopt,
         true, now + 3600},
        {"also beyond --max-wait", apply, put,
         status(429, {{"Fastly-RateLimit-Remaining", "0"}, {"Fastly-RateLimit-Reset", in_an_hour}}), 1, std::nullopt,
         true, now + 3600},
        {"Remaining 0 ignores a short Retry-After without --max-wait", plain, put,
         status(429, {{"Fastly-RateLimit-Remaining", "0"}, {"Retry-After", "1"}}), 1, std::nullopt, true, now + 1},
        {"Remaining 0, reset within --max-wait: wait for it", apply, put,
         status(429, {{"Fastly-RateLimit-Remaining", "0"},
                      {"Fastly-RateLimit-Reset", std::to_string(now + 100)},
                      {"Retry-After", "100"}}),
         1, milliseconds(100'000), false, std::nullopt},
        {"Retry-After wins over a reset on another clock", apply, put,
         status(429,
                {{"Fastly-RateLimit-Remaining", "0"}, {"Fastly-RateLimit-Reset", in_an_hour}, {"Retry-After", "5"}}),
         1, milliseconds(5000), false, std::nullopt},
        {"still spent on the last send: stop", apply, put,
         status(429, {{"Fastly-RateLimit-Remaining", "0"}, {"Retry-After", "5"}}), 4, std::nullopt, true, now + 5},
        {"Remaining 0 and no time given: stop, reset unknown", apply, put,
         status(429, {{"Fastly-RateLimit-Remaining", "0"}}), 1, std::nullopt, true, std::nullopt},
        {"a reset beyond --max-wait without Remaining: stop", apply, put,
         status(429, {{"Fastly-RateLimit-Reset", in_an_hour}}), 1, std::nullopt, true, now + 3600},
        {"Remaining above 0 is a throttle", plain, put,
         status(429, {{"Fastly-RateLimit-Remaining", "12"}, {"Retry-After", "2"}}), 1, milliseconds(2000), false,
         std::nullopt},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const http::RetryDecision decision = c.policy.decide(c.request, c.response, c.attempt, now, 1.0);
        CHECK(decision.delay == c.delay);
        CHECK(decision.budget_spent == c.budget_spent);
        CHECK(decision.retry_at == c.retry_at);
    }
}

TEST_CASE("one request is sent at most max_attempts times, whatever the answers") {
    const http::RetryPolicy policy;
    const Request post{"POST", "/invitations", {}, ""};
    const Request put{"PUT", "/user/1", {}, ""};
    const Response answers[] = {status(429, {{"Retry-After", "1"}}), status(429), status(503),
                                transport(TransportError::dropped),
                                status(429, {{"Fastly-RateLimit-Remaining", "0"}, {"Retry-After", "0"}})};
    for (const Request& request : {post, put}) {
        for (const auto& answer : answers) {
            CAPTURE(request.method);
            CAPTURE(answer.status);
            int sends = 1;
            while (policy.decide(request, answer, sends, 0, 0.5).delay) {
                ++sends;
                REQUIRE(sends <= 100);
            }
            CHECK(sends <= policy.max_attempts);
        }
    }
    CHECK(policy.max_attempts == 4);  // the bound README "Apply" states
}

TEST_CASE("the rate-limit headers have one reader") {
    constexpr std::int64_t now = 1'700'000'000;
    const auto all = http::read_rate_limit(
        status(429,
               {{"fastly-ratelimit-remaining", "0"}, {"Fastly-RateLimit-Reset", "1700003600"}, {"Retry-After", "12"}}),
        now);
    CHECK(all.remaining == 0);
    CHECK(all.reset == 1'700'003'600);
    CHECK(all.retry_after == 12);
    const auto none = http::read_rate_limit(status(200), now);
    CHECK_FALSE(none.remaining);
    CHECK_FALSE(none.reset);
    CHECK_FALSE(none.retry_after);
    for (const char* bad : {"", "-1", "1.5", "12s", " 3", "99999999999999999999", "Tuesday"}) {
        CAPTURE(bad);
        const auto read = http::read_rate_limit(
            status(429, {{"Fastly-RateLimit-Remaining", bad}, {"Fastly-RateLimit-Reset", bad}, {"Retry-After", bad}}),
            now);
        CHECK_FALSE(read.remaining);
        CHECK_FALSE(read.reset);
        CHECK_FALSE(read.retry_after);
    }
    const Response past = status(429, {{"Retry-After", "Tue, 14 Nov 2023 22:13:15 GMT"}});
    CHECK(http::read_rate_limit(past, now + 10).retry_after == 0);  // a date in the past: now
}

TEST_CASE("jitter spreads the backoff between half and all of the step; the cap holds") {
    const http::RetryPolicy policy;
    const Request get{"GET", "/x", {}, ""};
    CHECK(delay(policy, get, status(503), 1, 0, 0.0) == milliseconds(100));
    CHECK(delay(policy, get, status(503), 1, 0, 0.5) == milliseconds(150));
    http::RetryPolicy many = policy;
    many.max_attempts = 20;
    CHECK(delay(many, get, status(503), 15, 0, 1.0) == milliseconds(5000));
}

TEST_CASE("endpoints: https anywhere, plain http only to loopback") {
    for (const char* ok : {"https://api.fastly.com", "http://127.0.0.1:8080", "http://127.9.9.9", "http://localhost:1",
                           "http://[::1]:9000/prefix"}) {
        CAPTURE(ok);
        CHECK_NOTHROW(http::check_endpoint(ok));
    }
    for (const char* refused : {"http://api.fastly.com", "http://10.0.0.1", "http://128.0.0.1",
                                "http://127.0.0.1.evil.example", "ftp://127.0.0.1", "not a url"}) {
        CAPTURE(refused);
        CHECK_THROWS_AS(http::check_endpoint(refused), util::UsageError);
    }
}

TEST_CASE("percent_encode keeps unreserved bytes and encodes the rest") {
    CHECK(http::percent_encode("abcXYZ019-._~") == "abcXYZ019-._~");
    CHECK(http::percent_encode("a+b@example.com") == "a%2Bb%40example.com");
    CHECK(http::percent_encode("50%/x y") == "50%25%2Fx%20y");
    CHECK(http::percent_encode("\xC3\xA9") == "%C3%A9");
}
