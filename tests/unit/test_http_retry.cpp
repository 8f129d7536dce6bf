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

TEST_CASE("what is retried, and after how long") {
    const http::RetryPolicy policy;  // 4 attempts, 200 ms base, 5 s cap, 30 s longest server wait
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
        {"a POST is never resent", post, status(503), 1, std::nullopt},
        {"nor when its answer is lost", post, transport(TransportError::dropped), 1, std::nullopt},
        {"attempts are bounded", get, status(503), 4, std::nullopt},
        {"Retry-After is honoured", get, status(429, {{"Retry-After", "3"}}), 1, milliseconds(3000)},
        {"so is the rate-limit reset", put, status(429, {{"Fastly-RateLimit-Reset", "1700000007"}}), 1,
         milliseconds(7000)},
        {"but not a wait past the limit", get, status(429, {{"Retry-After", "3600"}}), 1, std::nullopt},
        {"429 without a hint: backoff", get, status(429), 1, milliseconds(200)},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        // jitter 1.0 gives the full step, so the expected values are exact.
        CHECK(policy.delay_before_retry(c.request, c.response, c.attempt, now, 1.0) == c.expected);
    }
}

TEST_CASE("jitter spreads the backoff between half and all of the step; the cap holds") {
    const http::RetryPolicy policy;
    const Request get{"GET", "/x", {}, ""};
    CHECK(policy.delay_before_retry(get, status(503), 1, 0, 0.0) == milliseconds(100));
    CHECK(policy.delay_before_retry(get, status(503), 1, 0, 0.5) == milliseconds(150));
    http::RetryPolicy many = policy;
    many.max_attempts = 20;
    CHECK(many.delay_before_retry(get, status(503), 15, 0, 1.0) == milliseconds(5000));
}

TEST_CASE("writes wait out a 429 only within max_write_wait (apply's --max-wait)") {
    http::RetryPolicy policy;
    policy.max_write_wait = milliseconds(0);
    const Request put{"PUT", "/user/1", {}, ""};
    const Request get{"GET", "/user/1", {}, ""};
    const Response limited = status(429, {{"Retry-After", "2"}});
    CHECK_FALSE(policy.delay_before_retry(put, limited, 1, 0, 1.0).has_value());
    CHECK(policy.delay_before_retry(get, limited, 1, 0, 1.0) == milliseconds(2000));
}

TEST_CASE("endpoints: https anywhere, plain http only to loopback") {
    for (const char* ok : {"https://api.fastly.com", "http://127.0.0.1:8080", "http://127.9.9.9", "http://localhost:1",
                           "http://[::1]:9000/prefix"}) {
        CAPTURE(ok);
        CHECK_NOTHROW(http::check_endpoint(ok));
    }
    for (const char* refused : {"http://api.fastly.com", "http://10.0.0.1", "http://128.0.0.1", "http://127.0.0.1.evil.example",
                                "ftp://127.0.0.1", "not a url"}) {
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
