#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fastly_accounts/cli/session.hpp>
#include <fastly_accounts/util/error.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <unistd.h>

namespace fastly_accounts::cli {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? "" : value;
}

std::string read_token(const GlobalOptions& options) {
    if (!options.token_file.empty()) {
        std::ifstream in(options.token_file, std::ios::binary);
        if (!in) {
            throw util::UsageError(fmt::format("cannot read the token file '{}'", options.token_file));
        }
        std::ostringstream text;
        text << in.rdbuf();
        std::string token = text.str();
        const auto end = token.find_last_not_of(" \t\r\n");
        token.erase(end == std::string::npos ? 0 : end + 1);
        token.erase(0, token.find_first_not_of(" \t\r\n"));
        if (token.empty()) {
            throw util::UsageError(fmt::format("the token file '{}' is empty", options.token_file));
        }
        if (token.find_first_of(" \t\r\n") != std::string::npos) {
            throw util::UsageError(fmt::format("the token file '{}' holds more than one word; it must hold only the "
                                               "API token",
                                               options.token_file));
        }
        namespace fs = std::filesystem;
        std::error_code ec;
        const auto perms = fs::status(options.token_file, ec).permissions();
        if (!ec && (perms & (fs::perms::group_read | fs::perms::others_read)) != fs::perms::none) {
            spdlog::warn("the token file '{}' is readable by other users; consider chmod 600", options.token_file);
        }
        return token;
    }
    std::string token = env("FASTLY_API_TOKEN");
    if (token.empty()) {
        throw util::UsageError(
            "no API token: set FASTLY_API_TOKEN, or pass --token-file PATH (the token is never accepted as an "
            "argument)");
    }
    return token;
}

}  // namespace

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.add_option("--endpoint", options.endpoint,
                   "API base URL (env FASTLY_API_ENDPOINT; default https://api.fastly.com). Plain http:// is "
                   "accepted only for loopback hosts.")
        ->type_name("URL");
    app.add_option("--token-file", options.token_file,
                   "Read the API token from this file (otherwise env FASTLY_API_TOKEN). Never printed or logged.")
        ->type_name("PATH");
    app.add_option("--concurrency", options.concurrency, "Parallel API requests")
        ->type_name("N")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--timeout", options.timeout_seconds, "Per-request timeout in seconds")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--log-level", options.log_level, "Logging to stderr: trace|debug|info|warn|error")
        ->type_name("LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
        ->capture_default_str();
    app.add_flag("--no-color", options.no_color, "No colours in output (also: env NO_COLOR, or stdout not a terminal)");
}

void configure_logging(const GlobalOptions& options) {
    // Not registered by name, so that running the CLI several times in one process (tests) is fine.
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("fastly-accounts", sink);
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(options.log_level));
}

bool use_color(const GlobalOptions& options) {
    return !options.no_color && std::getenv("NO_COLOR") == nullptr && isatty(STDOUT_FILENO) == 1;
}

Session::Session(const GlobalOptions& options, std::optional<std::chrono::milliseconds> max_reset_wait)
    : m_concurrency(static_cast<std::size_t>(options.concurrency)) {
    m_endpoint = !options.endpoint.empty() ? options.endpoint : env("FASTLY_API_ENDPOINT");
    if (m_endpoint.empty()) {
        m_endpoint = "https://api.fastly.com";
    }
    http::check_endpoint(m_endpoint);  // before reading the token: a refused endpoint never sees it
    http::ClientOptions client_options;
    client_options.base_url = m_endpoint;
    client_options.token = read_token(options);
    client_options.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
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
