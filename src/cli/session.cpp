#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <fastly_accounts/cli/session.hpp>
#include <fastly_accounts/cli/token.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/time.hpp>

namespace fastly_accounts::cli {

namespace {

// The API token: from --token-file when given, else from FASTLY_API_TOKEN; checked either way.
std::string read_token(const GlobalOptions& options) {
    if (options.token_file) {
        if (options.token_file->empty()) {
            throw util::UsageError(
                "--token-file is empty (an unset variable?); name the file that holds the API "
                "token, or leave the option out to use FASTLY_API_TOKEN");
        }
        return read_token_file(*options.token_file, options.allow_readable_token_file);
    }
    const char* token = std::getenv("FASTLY_API_TOKEN");
    if (token == nullptr || *token == '\0') {
        throw util::UsageError(
            "no API token: set FASTLY_API_TOKEN, or pass --token-file PATH (the token is never accepted as an "
            "argument)");
    }
    return checked_token(token, "FASTLY_API_TOKEN");
}

// The endpoint: --endpoint, else FASTLY_API_ENDPOINT, else production. Given but empty is refused rather than
// taken to mean production: an unset CI variable must not send a test run to the real account.
std::string choose_endpoint(const GlobalOptions& options) {
    if (options.endpoint) {
        if (options.endpoint->empty()) {
            throw util::UsageError(
                "--endpoint is empty (an unset variable?); give the API's URL, or leave the "
                "option out to use https://api.fastly.com");
        }
        return *options.endpoint;
    }
    const char* variable = std::getenv("FASTLY_API_ENDPOINT");
    if (variable == nullptr) {
        return "https://api.fastly.com";
    }
    if (*variable == '\0') {
        throw util::UsageError(
            "FASTLY_API_ENDPOINT is set but empty (an unset CI variable?); set it to the API's "
            "URL, or unset it to use https://api.fastly.com");
    }
    return variable;
}

}  // namespace

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.add_option("--endpoint", options.endpoint,
                   "API base URL (env FASTLY_API_ENDPOINT; default https://api.fastly.com). Plain http:// is "
                   "accepted only for loopback hosts; an empty value, user:password@, a query or a fragment is "
                   "refused.")
        ->type_name("URL");
    app.add_option("--token-file", options.token_file,
                   "Read the API token from this file (otherwise env FASTLY_API_TOKEN). Never printed or logged. "
                   "Refused when readable by group or others, unless --allow-readable-token-file.")
        ->type_name("PATH");
    app.add_flag("--allow-readable-token-file", options.allow_readable_token_file,
                 "Accept a --token-file that other users can read (refused by default, as ssh refuses a loose key)");
    app.add_option("--concurrency", options.concurrency, "Parallel API requests")
        ->type_name("N")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--timeout", options.timeout_seconds, "Per-request timeout in seconds")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--max-response-size", options.max_response_mib,
                   "Largest API answer accepted, in MiB; a larger one stops the transfer and fails the "
                   "request (never retried). A page of 100 users is about 0.1 MiB.")
        ->type_name("MIB")
        ->check(CLI::Range(std::size_t{1}, std::size_t{4096}))
        ->capture_default_str();
    app.add_option("--log-level", options.log_level, "Logging to stderr: trace|debug|info|warn|error")
        ->type_name("LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
        ->capture_default_str();
    app.add_flag("--no-color", options.no_color,
                 "No colours in output (also: env NO_COLOR not empty, or stdout not a terminal)");
    app.add_option_function<std::string>(
           "--now", [&options](const std::string& text) { options.now = util::parse_date_or_time(text); },
           "The clock for expiry (`expires`, `review_after`) and invitation age: a UTC date or time such as "
           "2027-01-31 or 2027-01-31T18:00:00Z, to test a policy or replay a decision. Default: the system clock")
        ->type_name("TIME")
        ->check(
            [](const std::string& text) {
                return util::parse_date_or_time(text)
                           ? std::string()
                           : "expected a UTC date (2027-01-31) or time (2027-01-31T18:00:00Z), got '" + text + "'";
            },
            "TIME");
}

std::int64_t now_epoch(const GlobalOptions& options) {
    return options.now.value_or(static_cast<std::int64_t>(std::time(nullptr)));
}

void configure_logging(const GlobalOptions& options) {
    // Not registered by name, so that running the CLI several times in one process (tests) is fine.
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("fastly-accounts", sink);
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(options.log_level));
}

bool use_color(const GlobalOptions& options, int fd) {
    const char* no_color = std::getenv("NO_COLOR");  // set but empty leaves colour on (no-color.org)
    return !options.no_color && (no_color == nullptr || *no_color == '\0') && isatty(fd) == 1;
}

Session::Session(const GlobalOptions& options, std::optional<std::chrono::milliseconds> max_reset_wait)
    : m_concurrency(static_cast<std::size_t>(options.concurrency)) {
    m_endpoint = choose_endpoint(options);
    http::check_endpoint(m_endpoint);  // before reading the token: a refused endpoint never sees it
    http::ClientOptions client_options;
    client_options.base_url = m_endpoint;
    client_options.token = read_token(options);
    client_options.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
    client_options.max_body_bytes = options.max_response_mib << 20;
    if (max_reset_wait) {
        client_options.retry.max_reset_wait = *max_reset_wait;
    }
    m_http = std::make_unique<http::Client>(std::move(client_options));
    m_api = std::make_unique<live::CurlApiClient>(*m_http);
    spdlog::debug("endpoint {}", m_endpoint);
}

Session::~Session() = default;

http::ClientStats Session::stats() const {
    return m_http->stats();
}

void Session::log_summary() const {
    const http::ClientStats stats = m_http->stats();
    std::string by_method;
    int total = 0;
    for (const auto& [method, count] : stats.requests_by_method) {
        by_method += fmt::format("{}{} {}", by_method.empty() ? "" : ", ", method, count);
        total += count;
    }
    std::string limit = "no rate-limit headers seen";
    if (stats.ratelimit_remaining) {
        limit = fmt::format("rate limit: {} writes left", *stats.ratelimit_remaining);
        if (stats.ratelimit_reset) {
            limit += fmt::format(", window resets at epoch {}", *stats.ratelimit_reset);
        }
    }
    spdlog::debug("{} requests ({}), {} retries; {}", total, by_method.empty() ? "none" : by_method, stats.retries,
                  limit);
}

}  // namespace fastly_accounts::cli
