#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <fastly_accounts/http/client.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <mutex>
#include <new>
#include <random>
#include <thread>
#include <vector>

namespace fastly_accounts::http {

namespace {

// RAII owners of libcurl handles.
struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

struct UrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

TransportError classify(CURLcode code) {
    switch (code) {
        case CURLE_OK:
            return TransportError::none;
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError::timeout;
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError::connect;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return TransportError::tls;
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
            return TransportError::dropped;
        default:
            return TransportError::other;
    }
}

bool is_loopback(std::string host) {
    host = util::to_lower(host);
    if (host == "localhost" || host == "[::1]" || host == "::1") {
        return true;
    }
    // 127.0.0.0/8, written as a dotted IPv4 address.
    unsigned a = 0, b = 0, c = 0, d = 0;
    char rest = 0;
    return std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &rest) == 4 && a == 127 && b < 256 && c < 256 &&
           d < 256;
}

std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
    char* value = nullptr;
    if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) {
        return std::nullopt;
    }
    std::string out(value);
    curl_free(value);
    return out;
}

// What one transfer has received so far, and the limits it is held to: every byte libcurl hands over is
// counted against them before it is kept, so a body or headers without end never grow past the limits.
struct Transfer {
    Response& response;
    const ClientOptions& options;
    std::size_t header_bytes = 0;  // every header line, status lines and interim answers included
    std::size_t header_lines = 0;
    TransportError overflow = TransportError::none;  // why a callback stopped the transfer
};

std::string size_text(std::size_t bytes) {
    if (bytes % (1 << 20) == 0) {
        return fmt::format("{} MiB", bytes >> 20);
    }
    return bytes % (1 << 10) == 0 ? fmt::format("{} KiB", bytes >> 10) : fmt::format("{} bytes", bytes);
}

// What stopped a transfer that `transfer`'s callbacks stopped (or libcurl, for a Content-Length over
// the limit), for Response::error_message.
std::string overflow_message(const Transfer& transfer, CURLcode code) {
    const ClientOptions& options = transfer.options;
    if (code == CURLE_FILESIZE_EXCEEDED) {
        return fmt::format("its Content-Length, {}, passes {}, the limit on one answer",
                           util::escape_excerpt(transfer.response.header("Content-Length").value_or("?"), 40),
                           size_text(options.max_body_bytes));
    }
    switch (transfer.overflow) {
        case TransportError::body_too_large:
            return fmt::format("its body passed {}, the limit on one answer", size_text(options.max_body_bytes));
        case TransportError::headers_too_large:
            return transfer.header_bytes > options.max_header_bytes
                       ? fmt::format("its headers passed {}, the limit on one answer",
                                     size_text(options.max_header_bytes))
                       : fmt::format("it sent more than {} header lines, the limit on one answer",
                                     options.max_header_lines);
        default:
            return "out of memory while receiving the answer";
    }
}

// Calls `keep` from a libcurl callback, where no exception may pass (libcurl is C): one that runs out of
// memory stops the transfer instead, as an answer too large for this machine.
template <typename Keep>
size_t from_callback(Transfer* transfer, Keep keep) {
    try {
        return keep();
    } catch (const std::bad_alloc&) {
        transfer->overflow = TransportError::other;
        return 0;
    }
}

// Returning anything but the size handed over makes libcurl stop the transfer with CURLE_WRITE_ERROR.
size_t write_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    std::string& body = transfer->response.body;
    const std::size_t n = size * count;
    const std::size_t limit = transfer->options.max_body_bytes;
    if (n > limit - body.size()) {
        transfer->overflow = TransportError::body_too_large;
        return 0;
    }
    return from_callback(transfer, [&] {
        if (body.size() + n > body.capacity()) {
            // Grown by doubling as append would, but never to more than the limit.
            body.reserve(std::min(limit, std::max(body.size() + n, 2 * body.capacity())));
        }
        body.append(data, n);
        return n;
    });
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    transfer->header_bytes += n;
    ++transfer->header_lines;
    const ClientOptions& options = transfer->options;
    if (transfer->header_bytes > options.max_header_bytes || transfer->header_lines > options.max_header_lines) {
        transfer->overflow = TransportError::headers_too_large;
        return 0;
    }
    Headers& headers = transfer->response.headers;
    const std::string_view line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        headers.clear();  // a new response (after 1xx): keep only the final one's headers
        return n;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
        return n;
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
        value.remove_suffix(1);
    }
    return from_callback(transfer, [&] {
        headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        return n;
    });
}

std::int64_t now_epoch() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void check_endpoint(const std::string& url) {
    global_init();
    std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
    if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        throw util::UsageError(fmt::format("the endpoint '{}' is not a valid URL", url));
    }
    const std::string scheme = util::to_lower(url_part(parsed.get(), CURLUPART_SCHEME).value_or(""));
    const std::string host = url_part(parsed.get(), CURLUPART_HOST).value_or("");
    // Not echoed: what sits in these parts may be a secret.
    if (url_part(parsed.get(), CURLUPART_USER) || url_part(parsed.get(), CURLUPART_PASSWORD)) {
        throw util::UsageError(fmt::format(
            "the endpoint for '{}' carries a user name or password ('user:password@'): the API token, sent as the "
            "Fastly-Key header, is the only credential; remove them from the URL",
            host));
    }
    // Every request path is appended to the endpoint: after a '?' or '#', even a bare one, it would land in
    // the query or the fragment.
    if (const auto mark = url.find_first_of("?#"); mark != std::string::npos) {
        throw util::UsageError(
            fmt::format("the endpoint for '{}' has {}, which every request path would land in; "
                        "give the API's base URL only, such as https://api.fastly.com",
                        host, url[mark] == '?' ? "a query ('?...')" : "a fragment ('#...')"));
    }
    if (scheme == "https") {
        return;
    }
    if (scheme == "http") {
        if (is_loopback(host)) {
            return;
        }
        throw util::UsageError(fmt::format(
            "refusing plain http:// to '{}': the API token would cross the network unencrypted; use https://, "
            "or http:// only to a loopback address such as 127.0.0.1",
            host));
    }
    throw util::UsageError(
        fmt::format("the endpoint '{}' must start with https:// (or http:// to a loopback address)", url));
}

struct Client::Impl {
    ClientOptions options;
    std::string base;  // base_url without a trailing '/'
    mutable std::mutex mutex;
    std::vector<EasyHandle> idle;  // reused handles keep their connections open
    ClientStats stats;

    EasyHandle acquire() {
        {
            std::lock_guard lock(mutex);
            if (!idle.empty()) {
                EasyHandle handle = std::move(idle.back());
                idle.pop_back();
                return handle;
            }
        }
        EasyHandle handle(curl_easy_init());
        if (!handle) {
            throw util::Error("libcurl could not create a handle (out of memory?)");
        }
        return handle;
    }

    void release(EasyHandle handle) {
        std::lock_guard lock(mutex);
        idle.push_back(std::move(handle));
    }

    Response perform_once(CURL* curl, const Request& request) {
        curl_easy_reset(curl);
        Response response;
        const std::string url = base + request.target;
        std::vector<std::string> lines;
        lines.push_back("Fastly-Key: " + options.token);
        bool has_accept = false;
        for (const auto& [name, value] : request.headers) {
            has_accept = has_accept || util::iequals(name, "Accept");
            lines.push_back(name + ": " + value);
        }
        if (!has_accept) {
            lines.push_back("Accept: application/json");
        }
        lines.push_back("Expect:");  // no 100-continue round trip
        HeaderList header_list;
        for (const auto& line : lines) {
            curl_slist* grown = curl_slist_append(header_list.get(), line.c_str());
            if (grown == nullptr) {
                throw util::Error("libcurl could not build the request headers (out of memory?)");
            }
            header_list.release();
            header_list.reset(grown);
        }
        const long timeout_ms = static_cast<long>(options.timeout.count());
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
        curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10'000L));
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        Transfer transfer{response, options, 0, 0, TransportError::none};
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
        // A Content-Length above the limit stops the transfer before any of the body is read.
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));
        if (request.method == "GET") {
            curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        } else {
            // libcurl silently re-sends a request whose reused connection dies before any answer. For a
            // POST that could create something twice, so a POST always gets a connection of its own, closed
            // after it (so that it does not linger in the cache holding a server worker).
            if (!is_idempotent(request.method)) {
                curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
                curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
            }
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        }
        const auto start = std::chrono::steady_clock::now();
        const CURLcode code = curl_easy_perform(curl);
        response.elapsed_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        response.error = classify(code);
        if (code == CURLE_FILESIZE_EXCEEDED) {
            transfer.overflow = TransportError::body_too_large;
        }
        if (response.error != TransportError::none && transfer.overflow != TransportError::none) {
            long status = 0;
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
            response.error = transfer.overflow;
            response.error_message = overflow_message(transfer, code) +
                                     (status > 0 ? fmt::format(" (status {})", status) : "");
            response.body.clear();
            response.body.shrink_to_fit();
        }
        if (response.error != TransportError::none) {
            response.status = 0;
            if (response.error_message.empty()) {
                response.error_message = curl_easy_strerror(code);
            }
            return response;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
        return response;
    }

    void record(const Request& request, const Response& response, bool retry, std::int64_t now) {
        std::lock_guard lock(mutex);
        ++stats.requests_by_method[request.method];
        if (retry) {
            ++stats.retries;
        }
        // Fastly sends these on answers to writes only; any answer that carries them is believed.
        const RateLimitHeaders limit = read_rate_limit(response, now);
        if (limit.remaining) {
            stats.ratelimit_remaining = limit.remaining;
        }
        if (limit.reset) {
            stats.ratelimit_reset = limit.reset;
        }
    }
};

Client::Client(ClientOptions options) : m_impl(std::make_unique<Impl>()) {
    check_endpoint(options.base_url);
    m_impl->options = std::move(options);
    m_impl->base = m_impl->options.base_url;
    while (!m_impl->base.empty() && m_impl->base.back() == '/') {
        m_impl->base.pop_back();
    }
}

Client::~Client() = default;

const ClientOptions& Client::options() const {
    return m_impl->options;
}

Response Client::send(const Request& request) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    EasyHandle handle = m_impl->acquire();
    Response response;
    for (int attempt = 1;; ++attempt) {
        response = m_impl->perform_once(handle.get(), request);
        response.attempts = attempt;
        const std::int64_t now = now_epoch();
        m_impl->record(request, response, attempt > 1, now);
        const std::string outcome = response.error == TransportError::none ? std::to_string(response.status)
                                                                           : std::string(to_string(response.error));
        spdlog::debug("{} -> {} ({:.0f} ms)", request.describe(), outcome, response.elapsed_ms);
        const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(random);
        const RetryDecision decision = m_impl->options.retry.decide(request, response, attempt, now, jitter);
        if (!decision.delay) {
            response.budget_spent = decision.budget_spent;
            response.retry_at = decision.retry_at;
            break;
        }
        spdlog::info("{} -> {}; retrying in {} ms (attempt {} of {})", request.describe(), outcome,
                     decision.delay->count(), attempt + 1, m_impl->options.retry.max_attempts);
        std::this_thread::sleep_for(*decision.delay);
    }
    m_impl->release(std::move(handle));
    return response;
}

ClientStats Client::stats() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->stats;
}

}  // namespace fastly_accounts::http
