#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/live/json_parse.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <limits>

namespace fastly_accounts::live::json {

namespace {

// A string field, "" when missing or null; numbers are accepted as their text (ids seen as numbers).
std::string text(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return "";
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_number()) {
        return it->dump();
    }
    throw util::Error(fmt::format("field '{}' is {}, expected a string", key, it->type_name()));
}

// A boolean field, false when missing or null (the API writes "locked": null for "never locked").
bool flag(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return false;
    }
    if (it->is_boolean()) {
        return it->get<bool>();
    }
    if (it->is_number_integer()) {
        return it->get<long long>() != 0;
    }
    throw util::Error(fmt::format("field '{}' is {}, expected a boolean", key, it->type_name()));
}

const json& require_object(const json& value, std::string_view what) {
    if (!value.is_object()) {
        throw util::Error(fmt::format("expected {} as a JSON object, got {}", what, value.type_name()));
    }
    return value;
}

// The `id` of `object` (`what` it is, "a user"): what request paths are built from, so never empty.
std::string required_id(const json& object, std::string_view what) {
    std::string id = text(object, "id");
    if (id.empty()) {
        const bool given = object.contains("id") && !object["id"].is_null();
        throw util::Error(fmt::format("{} {} \"id\"", what, given ? "with an empty" : "without an"));
    }
    return id;
}

std::vector<std::string> id_list(const json& object, const char* key) {
    std::vector<std::string> out;
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return out;
    }
    if (!it->is_array()) {
        throw util::Error(fmt::format("field '{}' is {}, expected a list", key, it->type_name()));
    }
    for (const auto& entry : *it) {
        if (entry.is_string()) {
            out.push_back(entry.get<std::string>());
        } else if (entry.is_object()) {
            out.push_back(text(entry, "id"));
        }
    }
    return out;
}

std::optional<model::UserRole> role_of(const json& object) {
    const std::string name = text(object, "role");
    return name.empty() ? std::nullopt : model::parse_user_role(name);
}

std::vector<json> array_items(const json& value, std::string_view where) {
    if (!value.is_array()) {
        throw util::Error(fmt::format("expected {} to be a list, got {}", where, value.type_name()));
    }
    return std::vector<json>(value.begin(), value.end());
}

long long integer(const json& object, const char* key, long long fallback) {
    auto it = object.find(key);
    return (it != object.end() && it->is_number_integer()) ? it->get<long long>() : fallback;
}

// Walks a document without building it, stopping at the first value past max_answer_values or the first
// object or array past max_answer_containers. A syntax error just stops the walk: the parse that follows
// names it.
struct BoundsCheck {
    std::size_t values = 0;
    std::size_t containers = 0;
    bool too_many = false;

    bool value() {
        too_many = ++values > max_answer_values;
        return !too_many;
    }
    bool open() {
        too_many = ++containers > max_answer_containers;
        return !too_many && value();
    }
    bool close() { return true; }
    bool null() { return value(); }
    bool boolean(bool) { return value(); }
    bool number_integer(json::number_integer_t) { return value(); }
    bool number_unsigned(json::number_unsigned_t) { return value(); }
    bool number_float(json::number_float_t, const std::string&) { return value(); }
    bool string(std::string&) { return value(); }
    bool binary(json::binary_t&) { return value(); }
    bool start_object(std::size_t) { return open(); }
    bool key(std::string&) { return true; }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return open(); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }
};

}  // namespace

json parse(std::string_view body) {
    // The size cap bounds the text, not the document: 64 MiB of "[{},{},..." would take some 4 GB as a
    // document. So the text is first walked without building anything (nlohmann's callback parser is no
    // use here: it is quadratic on long arrays). Real answers spend some 15 bytes of text a value (a service
    // version: 230 bytes, 15 values), so 64 MiB of them is some 4.5 million values, within the bound. A
    // body too short to pass the bounds (an object or array takes 2 bytes at least, a value 1) is not
    // walked: most answers are pages far below that. Depth needs no bound of its own: nlohmann parses and
    // frees without recursion, and what a deep document costs is bounded with its containers.
    BoundsCheck bounds;
    if (body.size() >= 2 * max_answer_containers) {
        json::sax_parse(body.begin(), body.end(), &bounds);
    }
    if (bounds.too_many) {
        throw util::Error(
            fmt::format("the answer holds more than {} JSON values or {} objects and arrays, more "
                        "than any answer of the API; it was not read",
                        max_answer_values, max_answer_containers));
    }
    try {
        return json::parse(body.begin(), body.end());
    } catch (const json::parse_error& e) {
        throw NotJsonError(e.byte > body.size() ? std::string("cut short") : fmt::format("invalid at byte {}", e.byte));
    } catch (const json::exception&) {
        throw NotJsonError("a number out of range");  // out_of_range, for numbers no double holds (1e999)
    }
}

// meta.total_pages of a paginated answer; 0 when it states none, or no count that can be right.
long long stated_total_pages(const json& document) {
    const auto meta = document.find("meta");
    if (meta == document.end() || !meta->is_object()) {
        return 0;
    }
    return std::max(integer(*meta, "total_pages", 0), 0LL);
}

Page bare_array_page(std::string_view body) {
    return Page{array_items(parse(body), "the response"), false, ""};
}

// meta.current_page of a paginated answer; 0 when it states none.
long long stated_current_page(const json& document) {
    const auto meta = document.find("meta");
    if (meta == document.end() || !meta->is_object()) {
        return 0;
    }
    return std::max(integer(*meta, "current_page", 0), 0LL);
}

Page iam_page(std::string_view body, int per_page) {
    const json document = parse(body);
    Page page;
    page.asked_size = per_page;
    if (document.is_array()) {
        page.items = array_items(document, "the response");
        page.more = !page.items.empty();
        return page;
    }
    require_object(document, "a page");
    page.items = array_items(document.value("data", json::array()), "data");
    page.total_pages = stated_total_pages(document);
    page.current_page = stated_current_page(document);
    auto meta = document.find("meta");
    // An empty page ends the list whatever meta says, so a confused server cannot keep the reader looping.
    if (page.items.empty()) {
        page.more = false;
    } else if (meta != document.end() && meta->is_object() && meta->contains("total_pages")) {
        page.more = integer(*meta, "current_page", 1) < integer(*meta, "total_pages", 1);
    } else {
        page.more = true;
    }
    return page;
}

std::vector<json> whole_list(std::string_view body) {
    const json document = parse(body);
    if (document.is_array()) {
        return array_items(document, "the response");
    }
    require_object(document, "a list");
    return array_items(document.value("data", json::array()), "data");
}

std::string link_next(std::string_view header) {
    // Entries are `<target>; param; param`, separated by commas outside the angle brackets.
    std::size_t at = 0;
    while (at < header.size()) {
        const std::size_t open = header.find('<', at);
        if (open == std::string_view::npos) {
            return "";
        }
        const std::size_t close = header.find('>', open);
        if (close == std::string_view::npos) {
            return "";
        }
        std::size_t end = header.find('<', close);
        if (end == std::string_view::npos) {
            end = header.size();
        }
        std::string params = util::to_lower(header.substr(close + 1, end - close - 1));
        params.erase(std::remove_if(params.begin(), params.end(), [](char c) { return c == ' ' || c == '"'; }),
                     params.end());
        // rel may list several types: rel="next last".
        const std::size_t rel = params.find("rel=");
        if (rel != std::string::npos) {
            std::string_view types(params);
            types = types.substr(rel + 4);
            types = types.substr(0, types.find_first_of(";,"));
            if (types == "next") {
                return std::string(header.substr(open + 1, close - open - 1));
            }
        }
        at = end;
    }
    return "";
}

Page jsonapi_page(std::string_view body) {
    const json document = parse(body);
    require_object(document, "a page");
    Page page;
    page.items = array_items(document.value("data", json::array()), "data");
    auto links = document.find("links");
    const bool has_next = links != document.end() && links->is_object() && links->contains("next") &&
                          !(*links)["next"].is_null();
    auto meta = document.find("meta");
    const bool meta_more = meta != document.end() && meta->is_object() &&
                           integer(*meta, "current_page", 1) < integer(*meta, "total_pages", 1);
    page.more = (has_next || meta_more) && !page.items.empty();
    page.total_pages = stated_total_pages(document);
    page.current_page = stated_current_page(document);
    return page;
}

Page cursor_page(std::string_view body) {
    const json document = parse(body);
    require_object(document, "a page");
    Page page;
    page.items = array_items(document.value("data", json::array()), "data");
    page.next_cursor = text(document, "next_cursor");
    page.more = !page.next_cursor.empty() && !page.items.empty();
    return page;
}

std::string error_message(std::string_view body) {
    json document;
    try {
        document = json::parse(body.begin(), body.end());
    } catch (const json::exception&) {
        return "";
    }
    if (!document.is_object()) {
        return "";
    }
    auto join = [](const std::string& first, const std::string& second) {
        return second.empty() ? first : (first.empty() ? second : first + " (" + second + ")");
    };
    try {
        if (document.contains("msg")) {
            return join(text(document, "msg"), text(document, "detail"));
        }
        if (auto errors = document.find("errors"); errors != document.end() && errors->is_array() && !errors->empty()) {
            std::string out;
            for (const auto& error : *errors) {
                if (error.is_object()) {
                    out += (out.empty() ? "" : "; ") + join(text(error, "title"), text(error, "detail"));
                }
            }
            return out;
        }
        if (document.contains("title")) {
            return join(text(document, "title"), text(document, "detail"));
        }
    } catch (const util::Error&) {
        return "";
    }
    return "";
}

model::Customer customer(const json& object) {
    require_object(object, "a customer");
    model::Customer out{required_id(object, "a customer"), text(object, "name"), text(object, "owner_id"), {}};
    out.settings.force_2fa = flag(object, "force_2fa");
    out.settings.force_sso = flag(object, "force_sso");
    out.settings.ip_allowlist = model::split_allowlist(text(object, "ip_whitelist"));
    for (auto contact : model::all_contacts) {
        const std::string key = fmt::format("{}_contact_id", model::to_string(contact));
        const std::string id = text(object, key.c_str());
        out.settings.contacts[contact] = id.empty() ? std::nullopt : std::optional(id);
    }
    return out;
}

model::TokenUser token_user(const json& object) {
    require_object(object, "a user");
    return {required_id(object, "the token's user"), text(object, "login"),
            role_of(object).value_or(model::UserRole::user)};
}

model::User user(const json& object) {
    require_object(object, "a user");
    model::User out;
    out.id = required_id(object, "a user");
    out.login = text(object, "login");
    out.name = text(object, "name");
    out.role = role_of(object);
    out.roles = id_list(object, "roles");
    out.limit_services = flag(object, "limit_services");
    out.locked = flag(object, "locked");
    out.require_new_password = flag(object, "require_new_password");
    out.created_at = text(object, "created_at");
    if (auto it = object.find("two_factor_auth_enabled"); it != object.end() && !it->is_null()) {
        out.two_factor_auth_enabled = flag(object, "two_factor_auth_enabled");
    }
    return out;
}

model::Invitation invitation(const json& resource) {
    require_object(resource, "an invitation");
    const json attributes = resource.value("attributes", json::object());
    require_object(attributes, "the invitation's attributes");
    model::Invitation out;
    out.id = required_id(resource, "an invitation");
    out.email = text(attributes, "email");
    // A field the answer leaves out stays unknown (nullopt), never "none": a plan must not take an
    // invitation whose listing omits its access for one that departs from the files.
    out.role = role_of(attributes);
    if (attributes.contains("roles")) {
        out.roles = id_list(attributes, "roles");
    }
    if (attributes.contains("limit_services")) {
        out.limit_services = flag(attributes, "limit_services");
    }
    out.created_at = text(attributes, "created_at");
    out.active = integer(attributes, "status_code", 1) != 0 && text(attributes, "deleted_at").empty();
    return out;
}

namespace {

// The id of the relationship `name` of a JSON:API resource (`relationships.user.data.id`); "" when absent.
std::string relationship_id(const json& resource, const char* name) {
    const auto relationships = resource.find("relationships");
    if (relationships == resource.end() || !relationships->is_object()) {
        return "";
    }
    const auto related = relationships->find(name);
    if (related == relationships->end() || !related->is_object()) {
        return "";
    }
    const auto data = related->find("data");
    return data != related->end() && data->is_object() ? text(*data, "id") : "";
}

}  // namespace

model::ServiceAuthorization service_authorization(const json& resource) {
    require_object(resource, "a service authorization");
    const json attributes = resource.value("attributes", json::object());
    require_object(attributes, "the service authorization's attributes");
    model::ServiceAuthorization out;
    out.id = required_id(resource, "a service authorization");
    out.user_id = relationship_id(resource, "user");
    out.service_id = relationship_id(resource, "service");
    if (out.user_id.empty() || out.service_id.empty()) {
        throw util::Error(
            fmt::format("service authorization {} names no {}", out.id, out.user_id.empty() ? "user" : "service"));
    }
    const std::string permission = text(attributes, "permission");
    if (permission.empty()) {
        out.permission = model::ServicePermission::full;  // the API's default
    } else if (auto known = model::parse_service_permission(permission)) {
        out.permission = *known;
    } else {
        throw util::Error(
            fmt::format("service authorization {} has the permission '{}', which this version "
                        "does not know",
                        out.id, permission));
    }
    return out;
}

model::ApiToken api_token(const json& object) {
    require_object(object, "a token");
    model::ApiToken out;
    out.id = required_id(object, "a token");
    out.user_id = text(object, "user_id");
    out.name = text(object, "name");
    out.scope = text(object, "scope");
    out.created_at = text(object, "created_at");
    out.last_used_at = text(object, "last_used_at");
    out.expires_at = text(object, "expires_at");
    return out;
}

model::Event event(const json& resource) {
    require_object(resource, "an event");
    const json attributes = resource.value("attributes", json::object());
    require_object(attributes, "the event's attributes");
    model::Event out;
    out.id = required_id(resource, "an event");
    out.type = text(attributes, "event_type");
    out.user_id = text(attributes, "user_id");
    out.token_id = text(attributes, "token_id");
    out.ip = text(attributes, "ip");
    out.created_at = text(attributes, "created_at");
    out.description = text(attributes, "description");
    out.service_id = text(attributes, "service_id");
    // Only plain strings name a subject; a bound keeps a hostile answer from growing the plan.
    constexpr std::size_t most_subject_entries = 32;
    constexpr std::size_t longest_subject_value = 1024;
    const auto metadata = attributes.find("metadata");
    if (metadata != attributes.end() && metadata->is_object()) {
        for (const auto& item : metadata->items()) {
            const json& value = item.value();
            if (out.changed.size() < most_subject_entries && value.is_object() &&
                (value.contains("old") || value.contains("new"))) {
                out.changed.push_back(item.key());  // nlohmann's objects iterate sorted
            }
            if (out.subject.size() < most_subject_entries && value.is_string() &&
                value.get_ref<const std::string&>().size() <= longest_subject_value) {
                out.subject.emplace(item.key(), value.get<std::string>());
            }
        }
        std::sort(out.changed.begin(), out.changed.end());
    }
    return out;
}

model::CatalogRole catalog_role(const json& object) {
    require_object(object, "a role");
    model::CatalogRole out;
    out.id = required_id(object, "a role");
    out.name = text(object, "name");
    out.display_name = text(object, "display_name");
    out.description = text(object, "description");
    out.custom = flag(object, "custom");
    return out;
}

std::vector<std::string> role_permission_names(const json& role) {
    const json& object = role.is_object() && role.contains("data") && role["data"].is_object() ? role["data"] : role;
    require_object(object, "a role");
    std::vector<std::string> names;
    auto it = object.find("permissions");
    if (it == object.end() || it->is_null()) {
        return names;
    }
    for (const auto& entry : array_items(*it, "permissions")) {
        if (entry.is_string()) {
            names.push_back(entry.get<std::string>());
        } else if (entry.is_object()) {
            std::string name = text(entry, "name");
            names.push_back(name.empty() ? text(entry, "id") : name);
        } else {
            throw util::Error(fmt::format("expected permissions to hold names, got {}", entry.type_name()));
        }
    }
    return names;
}

model::Permission permission(const json& object) {
    require_object(object, "a permission");
    return {required_id(object, "a permission"), text(object, "name"), text(object, "scope")};
}

model::Service service(const json& object) {
    require_object(object, "a service");
    return {required_id(object, "a service"), text(object, "name")};
}

namespace {

// A `*_count` field: its value when it is a non-negative integer, else -1 (not stated).
long long count_field(const json& object, const char* key) {
    const long long value = integer(object, key, -1);
    return value < 0 ? -1 : value;
}

}  // namespace

NamedObject named_object(const json& object) {
    require_object(object, "a group or role");
    NamedObject out{required_id(object, "a group or role"), text(object, "name"), text(object, "description"), {}};
    const long long users = count_field(object, "users_count");
    const long long invitations = count_field(object, "invitations_count");
    // Members are users and invitations: their count is known only when both are given.
    const bool known = users >= 0 && invitations >= 0 && users <= std::numeric_limits<long long>::max() - invitations;
    out.counts.members = known ? users + invitations : -1;
    out.counts.roles = count_field(object, "roles_count");
    out.counts.service_groups = count_field(object, "service_groups_count");
    out.counts.services = count_field(object, "services_count");
    return out;
}

Link link(Relation relation, const json& object) {
    require_object(object, "a list entry");
    Link out;
    out.id = text(object, "id");
    switch (relation) {
        case Relation::user_group_members: {
            out.type = text(object, "object");
            if (out.type.empty()) {
                out.type = "user";
            }
            out.name = text(object, out.type == "invitation" ? "email" : "login");
            break;
        }
        case Relation::role_permissions:
        case Relation::user_group_roles:
        case Relation::user_group_service_groups:
        case Relation::service_group_services:
            out.name = text(object, "name");
            break;
    }
    if (out.id.empty() && out.name.empty()) {
        throw util::Error("a list entry with neither an \"id\" nor a name");
    }
    return out;
}

}  // namespace fastly_accounts::live::json
