#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fastly_accounts/http/http.hpp>
#include <fastly_accounts/http/retry.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace fastly_accounts::http {

/// The default of ClientOptions::max_body_bytes, in MiB (README "Reliability" says why this much).
inline constexpr std::size_t default_max_body_mib = 64;

/// How the client reaches the API.
struct ClientOptions {
    std::string base_url = "https://api.fastly.com";
    std::string token;  ///< sent only as the Fastly-Key header; never logged
    std::chrono::milliseconds timeout{30'000};
    RetryPolicy retry;
    std::string user_agent = "fastly-accounts/0.1.0";
    /// The largest body one answer may have. A Content-Length above it, or a body growing past it, stops
    /// the transfer at once (nothing past it is kept) with TransportError::body_too_large, never retried.
    std::size_t max_body_bytes = default_max_body_mib << 20;
    /// The most bytes and lines the headers of one answer may take, status lines and interim (1xx)
    /// answers included; past either the transfer stops with TransportError::headers_too_large.
    std::size_t max_header_bytes = 256 << 10;
    std::size_t max_header_lines = 200;
};

/// Counters kept across every request a client sent.
struct ClientStats {
    std::map<std::string, int> requests_by_method;  ///< every send, retries included
    int retries = 0;
    std::optional<long long> ratelimit_remaining;  ///< last Fastly-RateLimit-Remaining seen
    std::optional<long long> ratelimit_reset;      ///< last Fastly-RateLimit-Reset seen (epoch seconds)
};

/// Checks that `url` is an endpoint the tool may send a token to: `https://`, or plain `http://` to a
/// loopback host only (127.0.0.0/8, ::1, localhost), with no `user:password@`, query or fragment. Throws
/// util::UsageError saying why otherwise (never echoing the user, password, query or fragment).
void check_endpoint(const std::string& url);

/// The HTTP client: libcurl underneath, TLS verification always on, redirects never followed (the
/// token must not travel to another host). Thread-safe: `send` may be called from many threads at once.
class Client {
public:
    /// Throws util::UsageError when `options.base_url` fails check_endpoint.
    explicit Client(ClientOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// Sends `request`, retrying as `options.retry` allows, and returns the last response.
    Response send(const Request& request);

    /// A snapshot of the counters.
    ClientStats stats() const;

    const ClientOptions& options() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fastly_accounts::http
