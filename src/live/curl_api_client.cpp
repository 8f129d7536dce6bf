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
#include "paging.hpp"

namespace fastly_accounts::live {

namespace {

namespace api_path = model::api_path;
using http::percent_encode;
using http::Request;

constexpr const char* form_type = "application/x-www-form-urlencoded";
constexpr const char* json_type = "application/json";
constexpr const char* jsonapi_type = "application/vnd.api+json";

Request get(std::string target, const char* accept = json_type) {
    return Request{"GET", std::move(target), {{"Accept", accept}}, ""};
}

Request with_body(std::string method, std::string target, const char* type, std::string body) {
    return Request{
        std::move(method), std::move(target), {{"Content-Type", type}, {"Accept", json_type}}, std::move(body)};
}

// Every path comes from the one table (model/api_paths.hpp) the plan's requests come from, with the ids
// percent-encoded. Ids come from the API's answers, whose readers refuse an empty one (json_parse.hpp);
// the table is the last line: it never builds a path with an empty segment (`/customer//users` is no
// customer's users, `DELETE /user/` no user).
model::Kind kind_of(Collection collection) {
    switch (collection) {
        case Collection::user_groups:
            return model::Kind::user_groups;
        case Collection::service_groups:
            return model::Kind::service_groups;
        case Collection::roles:
            return model::Kind::roles;
    }
    return model::Kind::roles;
}

std::string collection_path(Collection collection) {
    return api_path::collection(kind_of(collection));
}

// The sub-resource path and the body key under which its entries are sent.
std::pair<std::string, std::string> relation_path(Relation relation, const std::string& owner) {
    const std::string id = percent_encode(owner);
    switch (relation) {
        case Relation::user_group_members:
            return {api_path::user_group_members(id), "members"};
        case Relation::user_group_roles:
            return {api_path::user_group_roles(id), "roles"};
        case Relation::user_group_service_groups:
            return {api_path::user_group_service_groups(id), "service_groups"};
        case Relation::service_group_services:
            return {api_path::service_group_services(id), "services"};
        case Relation::role_permissions:
            return {api_path::role_permissions(id), "permissions"};
    }
    return {"", ""};
}

// "200 OK", or the bare number when the status has no standard reason phrase.
std::string status_line(long status) {
    const std::string_view reason = http::reason_phrase(status);
    return reason.empty() ? std::to_string(status) : fmt::format("{} {}", status, reason);
}

// Form fields for POST /user and PUT /user/{id}: only the fields that are set.
std::string user_form(const model::User& user, bool with_login) {
    std::vector<std::string> fields;
    auto add = [&](std::string_view key, std::string_view value) {
        fields.push_back(fmt::format("{}={}", key, percent_encode(value)));
    };
    auto add_flag = [&](std::string_view key, const std::optional<bool>& value) {
        if (value) {
            add(key, *value ? "true" : "false");
        }
    };
    if (with_login) {
        add("login", user.login);
    }
    if (user.name) {
        add("name", *user.name);
    }
    if (user.role) {
        add("role", model::to_string(*user.role));
    }
    if (user.roles) {
        std::string csv;
        for (const auto& id : *user.roles) {
            csv += (csv.empty() ? "" : ",") + id;
        }
        add("roles", csv);
    }
    add_flag("limit_services", user.limit_services);
    add_flag("locked", user.locked);
    add_flag("require_new_password", user.require_new_password);
    std::string body;
    for (const auto& field : fields) {
        body += (body.empty() ? "" : "&") + field;
    }
    return body;
}

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

template <typename Read>
auto CurlApiClient::read_body(const http::Request& request, const http::Response& response, Read read)
    -> decltype(read(response.body)) {
    // The answer arrived: the error carries its status, so that a create whose answer cannot be read is
    // not taken for one whose outcome is unknown and sent again.
    const auto unreadable = [&](const std::string& problem) {
        return ApiError(fmt::format("{} -> {}: {} {}", request.describe(), status_line(response.status), problem,
                                    describe_content(response)),
                        response.status, request.method, request.target);
    };
    try {
        return read(response.body);
    } catch (const ApiError&) {
        throw;
    } catch (const json::NotJsonError& e) {
        throw unreadable(describe_not_json(response, e.what()));
    } catch (const util::Error& e) {
        throw unreadable(e.what());
    } catch (const nlohmann::json::exception& e) {
        spdlog::debug("{}: {}", request.describe(), e.what());
        throw unreadable("JSON of an unexpected shape");
    }
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

namespace {

// Converts each item of a list with `convert`, naming the request when an item is malformed.
template <typename T, typename Convert>
std::vector<T> convert_all(const std::vector<json::json>& items, const std::string& path, Convert convert) {
    std::vector<T> out;
    out.reserve(items.size());
    for (const auto& item : items) {
        try {
            out.push_back(convert(item));
        } catch (const util::Error& e) {
            throw ApiError(
                fmt::format("GET {} -> an entry could not be read: {}: {}", path, e.what(),
                            util::escape_excerpt(item.dump(-1, ' ', false, json::json::error_handler_t::replace),
                                                 excerpt_bytes)),
                0, "GET", path);
        }
    }
    return out;
}

}  // namespace

template <typename T, typename Convert>
ListPage<T> CurlApiClient::list_page_of(const std::string& path, Paging paging, int number, Convert convert) {
    json::Page page = fetch_page(path, paging, number, "");
    // Only a page with more to follow states a count the reader acts on; past max_list_pages it is cut to
    // max_list_pages + 1, still too many for any reader.
    const int total_pages = page.more ? static_cast<int>(std::min<long long>(page.total_pages, max_list_pages + 1LL))
                                      : 0;
    return {convert_all<T>(page.items, path, convert), page.more, total_pages, page.asked_size};
}

model::Customer CurlApiClient::current_customer() {
    const Request request = get(api_path::current_customer());
    return read_body(request, call(request), [](const std::string& b) { return json::customer(json::parse(b)); });
}

model::TokenUser CurlApiClient::current_user() {
    const Request request = get(api_path::current_user());
    return read_body(request, call(request), [](const std::string& b) { return json::token_user(json::parse(b)); });
}

std::vector<model::User> CurlApiClient::list_users(const std::string& customer_id) {
    const std::string path = api_path::customer_users(percent_encode(customer_id));
    return convert_all<model::User>(list_all(path, Paging::none), path, json::user);
}

std::string CurlApiClient::create_user(const model::User& user) {
    const Request request = with_body("POST", api_path::users(), form_type, user_form(user, true));
    return read_body(request, call(request), [](const std::string& b) { return json::user(json::parse(b)).id; });
}

void CurlApiClient::update_user(const std::string& id, const model::User& user) {
    call(with_body("PUT", api_path::user(percent_encode(id)), form_type, user_form(user, false)));
}

void CurlApiClient::delete_user(const std::string& id) {
    call(Request{"DELETE", api_path::user(percent_encode(id)), {}, ""});
}

std::vector<model::Invitation> CurlApiClient::list_invitations() {
    return convert_all<model::Invitation>(list_all(api_path::invitations(), Paging::jsonapi), api_path::invitations(),
                                          json::invitation);
}

ListPage<model::Invitation> CurlApiClient::list_invitations_page(int number) {
    return list_page_of<model::Invitation>(api_path::invitations(), Paging::jsonapi, number, json::invitation);
}

std::string CurlApiClient::create_invitation(const std::string& customer_id, const model::Invitation& invitation) {
    json::json attributes = {{"email", invitation.email}};
    if (invitation.role) {
        attributes["role"] = model::to_string(*invitation.role);
    }
    if (invitation.roles) {
        attributes["roles"] = *invitation.roles;
    }
    if (invitation.limit_services) {
        attributes["limit_services"] = *invitation.limit_services;
    }
    const json::json document = {
        {"data",
         {{"type", "invitation"},
          {"attributes", attributes},
          {"relationships", {{"customer", {{"data", {{"id", customer_id}, {"type", "customer"}}}}}}}}}};
    Request request = with_body("POST", api_path::invitations(), jsonapi_type, document.dump());
    request.headers[1].second = jsonapi_type;  // Accept
    return read_body(request, call(request), [](const std::string& b) {
        const json::json parsed = json::parse(b);
        return json::invitation(parsed.is_object() && parsed.contains("data") ? parsed["data"] : parsed).id;
    });
}

void CurlApiClient::delete_invitation(const std::string& id) {
    call(Request{"DELETE", api_path::invitation(percent_encode(id)), {{"Accept", jsonapi_type}}, ""});
}

std::vector<model::CatalogRole> CurlApiClient::list_role_catalog() {
    return convert_all<model::CatalogRole>(list_all(api_path::iam_roles(), Paging::cursor), api_path::iam_roles(),
                                           json::catalog_role);
}

std::optional<std::vector<model::CatalogRole>> CurlApiClient::list_legacy_roles() {
    try {
        return convert_all<model::CatalogRole>(list_all(api_path::collection(model::Kind::roles), Paging::iam),
                                               api_path::collection(model::Kind::roles), json::catalog_role);
    } catch (const AuthError&) {
        throw;
    } catch (const ApiError& e) {
        // Gone from Fastly's documentation and clients since 2025-10-31; an API that no longer serves it
        // answers 404 (or 410).
        if (e.status() == 404 || e.status() == 410) {
            spdlog::info("{}: the legacy roles API is gone; custom roles can be read, not changed", e.what());
            return std::nullopt;
        }
        throw;
    }
}

std::vector<std::string> CurlApiClient::role_permission_names(const std::string& role_id) {
    const Request request = get(api_path::iam_role(percent_encode(role_id)) + "?include=permissions");
    return read_body(request, call(request),
                     [](const std::string& b) { return json::role_permission_names(json::parse(b)); });
}

std::vector<model::Permission> CurlApiClient::list_permissions() {
    // GET /permissions takes no parameters: one request, the whole catalogue, in whichever envelope.
    const Request request = get(api_path::permissions());
    const auto items = read_body(request, call(request), [](const std::string& b) { return json::whole_list(b); });
    return convert_all<model::Permission>(items, api_path::permissions(), json::permission);
}

std::vector<model::Service> CurlApiClient::list_services() {
    return convert_all<model::Service>(list_all(api_path::services(), Paging::link), api_path::services(),
                                       json::service);
}

std::vector<NamedObject> CurlApiClient::list(Collection collection) {
    const std::string path = collection_path(collection);
    return convert_all<NamedObject>(list_all(path, Paging::iam), path, json::named_object);
}

ListPage<NamedObject> CurlApiClient::list_page(Collection collection, int number) {
    return list_page_of<NamedObject>(collection_path(collection), Paging::iam, number, json::named_object);
}

std::string CurlApiClient::create(Collection collection, const std::string& name,
                                  const std::optional<std::string>& description) {
    json::json document = {{"name", name}};
    if (description) {
        document["description"] = *description;
    }
    const Request request = with_body("POST", collection_path(collection), json_type, document.dump());
    return read_body(request, call(request), [](const std::string& b) {
        const json::json parsed = json::parse(b);
        return json::named_object(parsed.is_object() && parsed.contains("data") ? parsed["data"] : parsed).id;
    });
}

void CurlApiClient::update(Collection collection, const std::string& id, const std::optional<std::string>& name,
                           const std::optional<std::string>& description) {
    json::json document = json::json::object();
    if (name) {
        document["name"] = *name;
    }
    if (description) {
        document["description"] = *description;
    }
    call(with_body("PATCH", api_path::object(kind_of(collection), percent_encode(id)), json_type, document.dump()));
}

void CurlApiClient::remove(Collection collection, const std::string& id) {
    call(Request{"DELETE", api_path::object(kind_of(collection), percent_encode(id)), {}, ""});
}

namespace {

// Reads one entry of `relation`'s list.
auto link_reader(Relation relation) {
    return [relation](const json::json& item) { return json::link(relation, item); };
}

}  // namespace

std::vector<Link> CurlApiClient::list_links(Relation relation, const std::string& owner_id) {
    const auto [path, key] = relation_path(relation, owner_id);
    return convert_all<Link>(list_all(path, Paging::iam), path, link_reader(relation));
}

ListPage<Link> CurlApiClient::list_links_page(Relation relation, const std::string& owner_id, int number) {
    const auto [path, key] = relation_path(relation, owner_id);
    return list_page_of<Link>(path, Paging::iam, number, link_reader(relation));
}

namespace {

std::string links_body(Relation relation, const std::string& key, const std::vector<Link>& links) {
    json::json entries = json::json::array();
    for (const auto& link : links) {
        if (link.id.empty()) {
            throw util::Error(
                fmt::format("refusing to send an entry without an id for '{}' to {} (this is a bug; "
                            "please report it)",
                            util::escape_disguising(link.name), key));
        }
        json::json entry = {{"id", link.id}};
        if (relation == Relation::user_group_members) {
            entry["object"] = link.type.empty() ? "user" : link.type;
        }
        entries.push_back(entry);
    }
    return json::json{{key, entries}}.dump();
}

}  // namespace

void CurlApiClient::add_links(Relation relation, const std::string& owner_id, const std::vector<Link>& links) {
    const auto [path, key] = relation_path(relation, owner_id);
    call(with_body("POST", path, json_type, links_body(relation, key, links)));
}

void CurlApiClient::remove_links(Relation relation, const std::string& owner_id, const std::vector<Link>& links) {
    const auto [path, key] = relation_path(relation, owner_id);
    call(with_body("DELETE", path, json_type, links_body(relation, key, links)));
}

}  // namespace fastly_accounts::live
