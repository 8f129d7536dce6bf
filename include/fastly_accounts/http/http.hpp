#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fastly_accounts::http {

/// Header name/value pairs, in the order given or received.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// One HTTP request to the API. `target` is the path and query (`/user-groups?page=2`), relative to
/// the client's base URL. The token is added by the client and is never part of a Request.
struct Request {
    std::string method = "GET";
    std::string target;
    Headers headers;
    std::string body;

    /// "GET /user-groups?page=2": how requests are named in logs and errors.
    std::string describe() const { return method + " " + target; }
};

/// Why no HTTP answer arrived.
enum class TransportError {
    none,               ///< an answer arrived (any status)
    timeout,            ///< no complete answer within the timeout
    connect,            ///< could not connect (refused, unreachable, name not resolved)
    tls,                ///< TLS handshake or certificate verification failed
    dropped,            ///< the connection closed before a complete answer (reset, empty reply, cut short)
    body_too_large,     ///< the body passed ClientOptions::max_body_bytes: the transfer was stopped there
    headers_too_large,  ///< the headers passed ClientOptions::max_header_bytes or max_header_lines
    other               ///< anything else libcurl reports
};

/// "timed out", "connection failed", "answer too large", ...
std::string_view to_string(TransportError error);

/// What came back for a Request: a value, never an exception. `ok()` is true only for a 2xx answer.
struct Response {
    long status = 0;  ///< 0 when no answer arrived
    std::string body;
    Headers headers;
    TransportError error = TransportError::none;
    std::string error_message;  ///< libcurl's words when `error` is set
    int attempts = 1;           ///< how many times the request was sent
    double elapsed_ms = 0;      ///< of the last attempt
    /// Set by Client::send on a final 429 that RetryPolicy read as a spent hourly write budget.
    bool budget_spent = false;
    std::optional<long long> retry_at;  ///< with budget_spent: when the budget resets (epoch seconds), if known

    bool ok() const { return error == TransportError::none && status >= 200 && status < 300; }

    /// The first header called `name` (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

/// `text` with every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~) written as %XX: safe as
/// one path segment or one query value, whatever it holds (`+`, `%`, `/`, `@`, non-ASCII).
std::string percent_encode(std::string_view text);

/// "OK", "Not Found", ...: the standard reason phrase of `status`, or "" when unknown.
std::string_view reason_phrase(long status);

}  // namespace fastly_accounts::http
