#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <fastly_accounts/live/curl_api_client.hpp>
#include <fastly_accounts/model/api_paths.hpp>
#include <fastly_accounts/util/text_safety.hpp>

#include "curl_shared.hpp"

// The calls of CurlApiClient, one per endpoint: what each sends and how its answer is read. Sending, errors and
// paging are in curl_api_client.cpp.
namespace fastly_accounts::live {

namespace {

namespace api_path = model::api_path;
using detail::form_type;
using detail::get;
using detail::json_type;
using detail::jsonapi_type;
using detail::with_body;
using http::percent_encode;
using http::Request;

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
    json::json relationships = {{"customer", {{"data", {{"id", customer_id}, {"type", "customer"}}}}}};
    if (invitation.services && !invitation.services->empty()) {
        json::json grants = json::json::array();
        for (const auto& [service_id, permission] : *invitation.services) {
            grants.push_back({{"type", "service_invitation"},
                              {"attributes", {{"permission", model::to_string(permission)}}},
                              {"relationships", {{"service", {{"data", {{"type", "service"}, {"id", service_id}}}}}}}});
        }
        relationships["service_invitations"] = {{"data", grants}};
    }
    const json::json document = {
        {"data", {{"type", "invitation"}, {"attributes", attributes}, {"relationships", relationships}}}};
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

namespace {

// A JSON:API request to /service-authorizations: the media type both ways, and for a bulk request the
// `ext=bulk` extension the API asks for.
Request jsonapi_request(std::string method, std::string target, const json::json& document, bool bulk = false) {
    return Request{
        std::move(method),
        std::move(target),
        {{"Content-Type", bulk ? "application/vnd.api+json; ext=bulk" : jsonapi_type}, {"Accept", jsonapi_type}},
        document.dump()};
}

json::json authorization_resource(const std::string& id) {
    return {{"type", "service_authorization"}, {"id", id}};
}

json::json authorization_resource(const std::string& id, model::ServicePermission permission) {
    json::json resource = authorization_resource(id);
    resource["attributes"] = {{"permission", model::to_string(permission)}};
    return resource;
}

// `entries` in bulk requests of at most model::api_path::service_authorizations_per_bulk, each sent by `send`.
template <typename Entry, typename Send>
void in_bulk(const std::vector<Entry>& entries, Send send) {
    const std::size_t size = api_path::service_authorizations_per_bulk;
    for (std::size_t at = 0; at < entries.size(); at += size) {
        send(std::vector<Entry>(entries.begin() + static_cast<std::ptrdiff_t>(at),
                                entries.begin() + static_cast<std::ptrdiff_t>(std::min(entries.size(), at + size))));
    }
}

}  // namespace

std::vector<model::ServiceAuthorization> CurlApiClient::list_service_authorizations() {
    return convert_all<model::ServiceAuthorization>(list_all(api_path::service_authorizations(), Paging::jsonapi),
                                                    api_path::service_authorizations(), json::service_authorization);
}

ListPage<model::ServiceAuthorization> CurlApiClient::list_service_authorizations_page(int number) {
    return list_page_of<model::ServiceAuthorization>(api_path::service_authorizations(), Paging::jsonapi, number,
                                                     json::service_authorization);
}

std::string CurlApiClient::create_service_authorization(const std::string& user_id, const std::string& service_id,
                                                        model::ServicePermission permission) {
    const json::json document = {{"data",
                                  {{"type", "service_authorization"},
                                   {"attributes", {{"permission", model::to_string(permission)}}},
                                   {"relationships",
                                    {{"service", {{"data", {{"type", "service"}, {"id", service_id}}}}},
                                     {"user", {{"data", {{"type", "user"}, {"id", user_id}}}}}}}}}};
    const Request request = jsonapi_request("POST", api_path::service_authorizations(), document);
    return read_body(request, call(request), [](const std::string& b) {
        const json::json parsed = json::parse(b);
        return json::service_authorization(parsed.is_object() && parsed.contains("data") ? parsed["data"] : parsed).id;
    });
}

void CurlApiClient::update_service_authorizations(
    const std::vector<std::pair<std::string, model::ServicePermission>>& updates) {
    if (updates.size() == 1) {
        const auto& [id, permission] = updates.front();
        call(jsonapi_request("PATCH", api_path::service_authorization(percent_encode(id)),
                             {{"data", authorization_resource(id, permission)}}));
        return;
    }
    in_bulk(updates, [&](const std::vector<std::pair<std::string, model::ServicePermission>>& part) {
        json::json data = json::json::array();
        for (const auto& [id, permission] : part) {
            data.push_back(authorization_resource(id, permission));
        }
        call(jsonapi_request("PATCH", api_path::service_authorizations(), {{"data", data}}, true));
    });
}

void CurlApiClient::delete_service_authorizations(const std::vector<std::string>& ids) {
    if (ids.size() == 1) {
        call(Request{
            "DELETE", api_path::service_authorization(percent_encode(ids.front())), {{"Accept", jsonapi_type}}, ""});
        return;
    }
    in_bulk(ids, [&](const std::vector<std::string>& part) {
        json::json data = json::json::array();
        for (const auto& id : part) {
            data.push_back(authorization_resource(id));
        }
        call(jsonapi_request("DELETE", api_path::service_authorizations(), {{"data", data}}, true));
    });
}

void CurlApiClient::update_customer(const std::string& customer_id, const model::CustomerSettings& settings) {
    std::vector<std::string> fields;
    auto add = [&](const std::string& key, std::string_view value) {
        fields.push_back(fmt::format("{}={}", key, percent_encode(value)));
    };
    if (settings.force_2fa) {
        add("force_2fa", *settings.force_2fa ? "true" : "false");
    }
    if (settings.force_sso) {
        add("force_sso", *settings.force_sso ? "true" : "false");
    }
    if (settings.ip_allowlist) {
        add("ip_whitelist", model::join_allowlist(*settings.ip_allowlist));
    }
    for (const auto& [contact, user_id] : settings.contacts) {
        add(fmt::format("{}_contact_id", model::to_string(contact)), user_id.value_or(""));
    }
    std::string body;
    for (const auto& field : fields) {
        body += (body.empty() ? "" : "&") + field;
    }
    call(with_body("PUT", api_path::customer(percent_encode(customer_id)), form_type, body));
}

std::vector<model::ApiToken> CurlApiClient::list_tokens(const std::string& customer_id) {
    const std::string path = api_path::customer_tokens(percent_encode(customer_id));
    return convert_all<model::ApiToken>(list_all(path, Paging::none), path, json::api_token);
}

CurlApiClient::EventsRead CurlApiClient::list_events(
    const std::string& customer_id, const std::string& event_type, const std::string& since, int max_pages,
    const std::function<bool(const std::vector<model::Event>&)>& page) {
    // Newest first, so that what a bounded read leaves out is the oldest.
    const std::string path = fmt::format(
        "{}?filter%5Bcustomer_id%5D={}&filter%5Bevent_type%5D={}&filter%5Bcreated_at%5D%5Bgte%5D={}&sort=-created_at",
        api_path::events, percent_encode(customer_id), percent_encode(event_type), percent_encode(since));
    EventsRead out;
    for (int number = 1; number <= max_pages; ++number) {
        const ListPage<model::Event> read = list_page_of<model::Event>(path, Paging::jsonapi, number, json::event);
        for (const auto& event : read.items) {
            if (out.oldest.empty() || (!event.created_at.empty() && event.created_at < out.oldest)) {
                out.oldest = event.created_at;
            }
        }
        const bool go_on = page(read.items);
        if (!read.more) {
            out.complete = true;
            return out;
        }
        if (!go_on) {
            return out;
        }
    }
    return out;
}

std::string CurlApiClient::current_token_id() {
    const Request request = get(api_path::token_self);
    return read_body(request, call(request), [](const std::string& b) { return json::api_token(json::parse(b)).id; });
}

void CurlApiClient::delete_token(const std::string& id) {
    call(Request{"DELETE", api_path::token(percent_encode(id)), {}, ""});
}

}  // namespace fastly_accounts::live
