#pragma once

#include <chrono>
#include <cstddef>
#include <fastly_accounts/http/client.hpp>
#include <fastly_accounts/live/curl_api_client.hpp>
#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace fastly_accounts::cli {

/// The options every command that talks to the API shares (README.md, "What each command does": global options).
struct GlobalOptions {
    std::optional<std::string> endpoint;     ///< --endpoint, else env FASTLY_API_ENDPOINT, else https://api.fastly.com
    std::optional<std::string> token_file;   ///< --token-file; else env FASTLY_API_TOKEN
    bool allow_readable_token_file = false;  ///< --allow-readable-token-file
    int concurrency = 8;
    double timeout_seconds = 30;
    /// --max-response-size: the largest body one answer may have, in MiB
    /// (http::ClientOptions::max_body_bytes).
    std::size_t max_response_mib = http::default_max_body_mib;
    std::string log_level = "warn";
    bool no_color = false;
    std::optional<std::int64_t> now;  ///< --now: the clock (epoch seconds) instead of the system's
};

/// The clock of this run: --now, else the system clock (epoch seconds).
std::int64_t now_epoch(const GlobalOptions& options);

/// Adds the global options to `app`, writing into `options`.
void add_global_options(CLI::App& app, GlobalOptions& options);

/// Sets up logging to stderr at `options.log_level`.
void configure_logging(const GlobalOptions& options);

/// True when output to `fd` (stdout by default) may use colour: a terminal, no --no-color, and NO_COLOR
/// unset or empty.
bool use_color(const GlobalOptions& options, int fd = 1);

/// A connection to the API for one command: the endpoint checked, the token read, the client ready.
class Session {
public:
    /// Checks the endpoint, then reads the token (from --token-file, else FASTLY_API_TOKEN). Throws
    /// util::UsageError when the endpoint is given but empty or is refused (http::check_endpoint), or when
    /// there is no token or it is refused (read_token_file, checked_token).
    /// `max_reset_wait` bounds how long a request waits for a spent hourly write budget to reset (apply's
    /// --max-wait; see http::RetryPolicy). Without it, a spent budget is not waited for.
    explicit Session(const GlobalOptions& options, std::optional<std::chrono::milliseconds> max_reset_wait = {});
    ~Session();

    live::ApiClient& api() { return *m_api; }
    std::size_t concurrency() const { return m_concurrency; }
    const std::string& endpoint() const { return m_endpoint; }

    /// Logs, at debug level, the requests sent by method, the retries and the last rate-limit figures.
    void log_summary() const;

    /// The counters of every request sent so far.
    http::ClientStats stats() const;

private:
    std::string m_endpoint;
    std::size_t m_concurrency;
    std::unique_ptr<http::Client> m_http;
    std::unique_ptr<live::CurlApiClient> m_api;
};

}  // namespace fastly_accounts::cli
