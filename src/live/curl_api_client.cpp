#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <ctime>
#include <fastly_accounts/live/answer.hpp>
#include <fastly_accounts/live/curl_api_client.hpp>
#include <fastly_accounts/live/json_parse.hpp>
#include <fastly_accounts/model/api_paths.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <iterator>
#include "curl_shared.hpp"
#include "paging.hpp"

namespace fastly_accounts::live {

namespace {

namespace api_path = model::api_path;
using detail::get;
using detail::json_type;
using detail::jsonapi_type;
using detail::status_line;
using http::percent_encode;
using http::Request;

}  // namespace

std::string_view noun(Collection collection) {
    switch (collection) {
        case Collection::user_groups:
            return "user group";
        case Collection::service_groups:
            return "service group";
        case Collection::roles:
            return "role";
    }
    return "";
}

ApiError make_api_error(const http::Request& request, const http::Response& response) {
    const FailureDetail detail{response.attempts, response.budget_spent, response.retry_at};
    const std::string attempts = response.attempts > 1 ? fmt::format(" (after {} attempts)", response.attempts) : "";
    if (response.error != http::TransportError::none) {
        std::string message = fmt::format("{} -> {}: {}{}", request.describe(), http::to_string(response.error),
                                          response.error_message, attempts);
        if (response.error == http::TransportError::body_too_large) {
            message +=
                "; the transfer was stopped and is not retried. If the account's answers are really this "
                "large, raise the limit with --max-response-size MIB";
        } else if (response.error == http::TransportError::headers_too_large) {
            message += "; the transfer was stopped and is not retried (no API answer comes near this limit)";
        }
        return ApiError(message, 0, request.method, request.target, detail);
    }
    std::string message = fmt::format("{} -> {}", request.describe(), status_line(response.status));
    if (response.status >= 300 && response.status < 400) {
        return ApiError(fmt::format("{} {}{}", message, describe_redirect(response), attempts), response.status,
                        request.method, request.target, detail);
    }
    // What the API said, escaped: a message is the server's text, and it reaches a terminal.
    const std::string said = util::escape_excerpt(json::error_message(response.body), 300);
    const BodyKind kind = classify_body(response.header("Content-Type").value_or(""), response.body);
    if (!said.empty()) {
        message += ": " + said + attempts;
    } else if (kind == BodyKind::empty) {
        message += attempts;
    } else {
        // Not one of the API's error bodies (a proxy's or a load balancer's page): show what it is.
        message += fmt::format("{}: {} {}", attempts,
                               kind == BodyKind::json ? "JSON without an error message" : describe(kind),
                               describe_content(response));
    }
    if (response.status == 401) {
        return AuthError(fmt::format("the API token was refused ({}); check FASTLY_API_TOKEN or the file given to "
                                     "--token-file",
                                     message),
                         401, request.method, request.target, detail);
    }
    if (response.status == 403) {
        message +=
            "; the token's user is not allowed to do this (changing other users, groups, roles and "
            "invitations needs a superuser)";
    }
    if (response.budget_spent) {
        message += "; the hourly write budget is spent";
    }
    return ApiError(message, response.status, request.method, request.target, detail);
}

http::Response CurlApiClient::send(const http::Request& request) {
    http::Response response = m_client.send(request);
    RequestRecorder::note({request.method, request.target, response.status, response.attempts});
    return response;
}

http::Response CurlApiClient::call(const http::Request& request) {
    http::Response response = send(request);
    if (!response.ok()) {
        throw make_api_error(request, response);
    }
    return response;
}

namespace {

// The key under which lists of one route share a page size: ids replaced, "/user-groups/*/members".
std::string route_key(const std::string& path) {
    std::string key;
    std::size_t segment = 0;
    for (std::size_t at = 1; at <= path.size(); ++segment) {
        std::size_t end = path.find('/', at);
        if (end == std::string::npos) {
            end = path.size();
        }
        key += "/" + (segment % 2 == 1 ? std::string("*") : path.substr(at, end - at));
        at = end + 1;
    }
    return key;
}

// The request target of one page: page `number` for numbered paging, the page at `cursor` for cursors.
std::string page_target(const std::string& path, CurlApiClient::Paging paging, int number, const std::string& cursor,
                        int size) {
    using Paging = CurlApiClient::Paging;
    const char separator = path.find('?') == std::string::npos ? '?' : '&';
    switch (paging) {
        case Paging::none:
            return path;
        case Paging::iam:
        case Paging::link:
            return path + fmt::format("{}page={}&per_page={}", separator, number, size);
        case Paging::jsonapi:
            return path + fmt::format("{}page%5Bnumber%5D={}&page%5Bsize%5D={}", separator, number, size);
        case Paging::cursor:
            return path + fmt::format("{}limit=1000&cursor={}", separator, percent_encode(cursor));
    }
    return path;
}

json::Page parse_page(const std::string& body, CurlApiClient::Paging paging, int size) {
    using Paging = CurlApiClient::Paging;
    switch (paging) {
        case Paging::none:
        case Paging::link:
            return json::bare_array_page(body);
        case Paging::iam:
            return json::iam_page(body, size);
        case Paging::jsonapi:
            return json::jsonapi_page(body);
        case Paging::cursor:
            return json::cursor_page(body);
    }
    return json::Page{};
}

// The id of a list item, for telling pages apart; its text when it has none.
std::string item_id(const json::json& item) {
    if (item.is_object()) {
        if (auto it = item.find("id"); it != item.end() && it->is_string()) {
            return it->get<std::string>();
        }
    }
    return item.dump();
}

// The request target of a Link header's `next` URL: its path and query only, sent to the configured
// endpoint (the token never travels to a host the Link names), and only if the path is the list's own.
std::optional<std::string> link_target(const std::string& url, const std::string& path) {
    std::string rest = url;
    if (const auto scheme = rest.find("://"); scheme != std::string::npos) {
        const auto slash = rest.find('/', scheme + 3);
        rest = slash == std::string::npos ? "/" : rest.substr(slash);
    }
    const auto query = rest.find('?');
    const std::string link_path = rest.substr(0, query);
    // The endpoint may carry a path prefix of its own: the Link's path must end with the list's.
    if (link_path.size() < path.size() || link_path.compare(link_path.size() - path.size(), path.size(), path) != 0) {
        return std::nullopt;
    }
    return path + (query == std::string::npos ? "" : rest.substr(query));
}

}  // namespace

int CurlApiClient::page_size_for(const std::string& path, Paging paging) const {
    if (paging != Paging::iam && paging != Paging::jsonapi && paging != Paging::link) {
        return 0;
    }
    std::lock_guard lock(m_sizes_mutex);
    auto it = m_page_sizes.find(route_key(path));
    if (it != m_page_sizes.end()) {
        return it->second;
    }
    return paging == Paging::link ? service_page_size : page_size;
}

bool CurlApiClient::fall_back(const std::string& path, int refused) {
    if (refused <= fallback_page_size) {
        return false;
    }
    spdlog::info("GET {}: the API refused {} entries a page; asking {} from now on", path, refused, fallback_page_size);
    std::lock_guard lock(m_sizes_mutex);
    m_page_sizes[route_key(path)] = fallback_page_size;
    return true;
}

json::Page CurlApiClient::fetch_page(const std::string& path, Paging paging, int number, const std::string& cursor) {
    for (;;) {
        const int size = page_size_for(path, paging);
        const Request request = get(page_target(path, paging, number, cursor, size),
                                    paging == Paging::jsonapi ? jsonapi_type : json_type);
        http::Response response = send(request);
        // The largest page size the API accepts is documented nowhere; one that refuses ours with 400
        // gets the documented default from then on, for every list of that route (so the pages of one
        // list are always numbered by one size).
        if (!response.ok() && response.status == 400 && size > 0 && fall_back(path, size)) {
            continue;
        }
        if (!response.ok()) {
            throw make_api_error(request, response);
        }
        json::Page page = read_body(request, response,
                                    [paging, size](const std::string& b) { return parse_page(b, paging, size); });
        page.asked_size = size;
        if (paging == Paging::link) {
            follow_link(page, response);
        }
        if ((paging == Paging::iam || paging == Paging::jsonapi) && page.current_page != 0 &&
            page.current_page != number) {
            throw ApiError(fmt::format("{} -> the answer is page {}: the API ignores the page parameter, so the "
                                       "list cannot be read whole; stopping",
                                       request.describe(), page.current_page),
                           0, request.method, request.target);
        }
        if (paging == Paging::iam && page.total_pages == 0 && repeats_last_page(path, number, page)) {
            return after_repeat(path, request, page);
        }
        return page;
    }
}

bool CurlApiClient::repeats_last_page(const std::string& path, int number, const json::Page& page) {
    const paging::PageMark mark = paging::mark_of(page.items, item_id);
    const std::string text = fmt::format("{}\n{}\n{}", mark.size, mark.first, mark.last);
    std::lock_guard lock(m_last_pages_mutex);
    auto it = m_last_pages.find(path);
    const bool repeated = number > 1 && mark.size > 0 && it != m_last_pages.end() && it->second.first == number - 1 &&
                          it->second.second == text;
    if (page.more && !repeated) {
        m_last_pages[path] = {number, text};
    } else if (it != m_last_pages.end()) {
        m_last_pages.erase(it);
    }
    return repeated;
}

json::Page CurlApiClient::after_repeat(const std::string& path, const Request& request, const json::Page& page) {
    // Page `number` is page `number - 1` again: the API ignores `page`. Whether the first page was the
    // whole list (the API ignores the page size too) or only its first entries (it caps the size, and
    // nothing past them can be read) shows when a page of one entry is asked for.
    const Request probe = get(page_target(path, Paging::iam, 1, "", 1));
    const json::Page one = read_body(probe, call(probe), [](const std::string& b) { return json::iam_page(b, 1); });
    if (one.items.size() < page.items.size()) {
        throw ApiError(fmt::format("{} -> the same {} entries as the page before: the API ignores the page "
                                   "parameter but not the page size, so whether more entries follow cannot be "
                                   "told; stopping",
                                   request.describe(), page.items.size()),
                       0, request.method, request.target);
    }
    spdlog::info("{}: the API answers the whole list whatever page is asked; the first page held it all",
                 request.describe());
    return json::Page{};
}

json::Page CurlApiClient::fetch_link_page(const std::string& path, const std::string& target) {
    const Request request = get(target);
    http::Response response = send(request);
    if (!response.ok()) {
        throw make_api_error(request, response);
    }
    json::Page page = read_body(request, response, [](const std::string& b) { return json::bare_array_page(b); });
    page.asked_size = page_size_for(path, Paging::link);
    follow_link(page, response);
    return page;
}

void CurlApiClient::follow_link(json::Page& page, const http::Response& response) {
    page.next_cursor = json::link_next(response.header("Link").value_or(""));
    page.more = !page.next_cursor.empty() && !page.items.empty();
}

std::vector<json::json> CurlApiClient::list_all(const std::string& path, Paging paging) {
    std::vector<json::json> items;
    std::string cursor;
    paging::PageMark previous;
    for (int number = 1; number <= max_list_pages; ++number) {
        // Link paging follows the `next` URL the API gave; the first page is asked like numbered ones.
        json::Page page = paging == Paging::link && number > 1 ? fetch_link_page(path, cursor)
                                                               : fetch_page(path, paging, number, cursor);
        const paging::PageMark mark = paging::mark_of(page.items, item_id);
        if (paging::repeats_previous(previous, mark, number, page.asked_size, "GET " + path)) {
            return items;
        }
        previous = mark;
        std::move(page.items.begin(), page.items.end(), std::back_inserter(items));
        if (!page.more) {
            return items;
        }
        cursor = page.next_cursor;
        if (paging == Paging::link) {
            auto target = link_target(cursor, path);
            if (!target) {
                throw ApiError(fmt::format("GET {} -> its Link header names {} as the next page, not a page of {}; "
                                           "stopping",
                                           path, util::escape_excerpt(cursor, 200), path),
                               0, "GET", path);
            }
            cursor = *target;
        }
    }
    throw ApiError(fmt::format("GET {} -> more than {} pages; stopping", path, max_list_pages), 0, "GET", path);
}

}  // namespace fastly_accounts::live
