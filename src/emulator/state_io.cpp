#include "state_io.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <stdexcept>

#include "ip_allowlist.hpp"
#include "predefined.hpp"
#include "state_fields.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

using namespace seed;

void load_permissions(Store& store, const json& doc, std::set<std::string>& seen) {
    if (!field(doc, "permissions")) {
        for (const PredefinedPermission& p : predefined_permissions()) {
            store.permissions.insert(
                {store.new_id(), p.name, p.description, p.resource_name, p.resource_description, p.scope});
        }
        return;
    }
    const json& list = get_list(doc, "permissions");
    for (size_t i = 0; i < list.size(); ++i) {
        std::string path = item_path("permissions", i);
        const json& p = list[i];
        check_keys(p, path, {"id", "name", "description", "resource_name", "resource_description", "scope"});
        Permission permission{take_id(store, p, path, seen),
                              require_string(p, path, "name"),
                              get_string(p, path, "description"),
                              get_string(p, path, "resource_name"),
                              get_string(p, path, "resource_description"),
                              get_string(p, path, "scope", "account")};
        if (permission.scope != "service" && permission.scope != "account") {
            throw StateError(path + ".scope: must be \"service\" or \"account\"");
        }
        if (store.permission_by_ref(permission.name)) {
            throw StateError(path + ".name: duplicate permission " + quote_text(permission.name));
        }
        store.permissions.insert(std::move(permission));
    }
}

void load_roles(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json& list = get_list(doc, "roles");
    for (size_t i = 0; i < list.size(); ++i) {
        std::string path = item_path("roles", i);
        const json& r = list[i];
        check_keys(r, path,
                   {"id", "name", "display_name", "description", "custom", "security", "permissions", "created_at",
                    "updated_at"});
        Role role;
        role.id = take_id(store, r, path, seen);
        role.name = require_string(r, path, "name");
        role.display_name = get_string(r, path, "display_name", role.name);
        role.description = get_string(r, path, "description");
        role.custom = get_bool(r, path, "custom").value_or(true);
        role.security = get_bool(r, path, "security").value_or(false);
        role.created_at = get_time(r, path, "created_at").value_or(now);
        role.updated_at = get_time(r, path, "updated_at").value_or(role.created_at);
        for (const std::string& ref : get_string_list(r, path, "permissions")) {
            Permission* permission = store.permission_by_ref(ref);
            if (!permission) {
                throw StateError(path + ".permissions: unknown permission " + quote_text(ref));
            }
            role.permissions.push_back(permission->id);
        }
        if (store.role_by_ref(role.name)) {
            throw StateError(path + ".name: duplicate role " + quote_text(role.name));
        }
        store.roles.insert(std::move(role));
    }
    // Predefined roles are always present; a seed may restate them (a dumped state does, with IDs).
    for (const PredefinedRole& predefined : predefined_roles()) {
        if (store.role_by_ref(predefined.name)) {
            continue;
        }
        Role role{store.new_id(),
                  predefined.name,
                  predefined.display_name,
                  predefined.description,
                  false,
                  false,
                  {},
                  now,
                  now};
        for (const std::string& name : predefined.permissions) {
            if (Permission* permission = store.permission_by_ref(name)) {
                role.permissions.push_back(permission->id);
            }
        }
        store.roles.insert(std::move(role));
    }
}

void load_services(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    if (!doc.contains("services")) {
        for (const char* name : {"www.example.com", "api.example.com", "static.example.com"}) {
            store.services.insert({store.new_id(), name, now, now});
        }
        return;
    }
    const json& list = get_list(doc, "services");
    for (size_t i = 0; i < list.size(); ++i) {
        std::string path = item_path("services", i);
        const json& s = list[i];
        check_keys(s, path, {"id", "name", "created_at", "updated_at"});
        Service service{take_id(store, s, path, seen), require_string(s, path, "name"),
                        get_time(s, path, "created_at").value_or(now), 0};
        service.updated_at = get_time(s, path, "updated_at").value_or(service.created_at);
        store.services.insert(std::move(service));
    }
}

void load_users(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json& list = get_list(doc, "users");
    for (size_t i = 0; i < list.size(); ++i) {
        std::string path = item_path("users", i);
        const json& u = list[i];
        check_keys(u, path,
                   {"id", "login", "name", "role", "roles", "limit_services", "locked", "require_new_password",
                    "two_factor_auth_enabled", "created_at", "updated_at", "last_active_at", "services"});
        User user;
        user.id = take_id(store, u, path, seen);
        user.login = require_string(u, path, "login");
        if (!looks_like_email(user.login)) {
            throw StateError(path + ".login: " + quote_text(user.login) + " is not an email address");
        }
        if (store.user_by_login(user.login)) {
            throw StateError(path + ".login: duplicate login " + quote_text(user.login));
        }
        user.name = get_string(u, path, "name", user.login.substr(0, user.login.find('@')));
        user.role = check_role_enum(get_string(u, path, "role", "user"), path);
        user.roles = resolve_roles(store, get_string_list(u, path, "roles"), path);
        user.limit_services = get_bool(u, path, "limit_services").value_or(false);
        user.locked = get_bool(u, path, "locked");
        user.require_new_password = get_bool(u, path, "require_new_password");
        user.two_factor_auth_enabled = get_bool(u, path, "two_factor_auth_enabled");
        user.created_at = get_time(u, path, "created_at").value_or(now);
        user.updated_at = get_time(u, path, "updated_at").value_or(user.created_at);
        user.last_active_at = get_time(u, path, "last_active_at");
        const std::string user_id = store.add_user(std::move(user)).id;
        load_user_services(store, u, path, user_id, now);
    }
}

void load_customer(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json* c = field(doc, "customer");
    json customer = c ? *c : json::object();
    if (!customer.is_object()) {
        throw StateError("customer: expected an object");
    }
    store.customer.id = take_id(store, customer, "customer", seen);
    store.customer.name = get_string(customer, "customer", "name", "Example Customer");
    store.customer.created_at = get_time(customer, "customer", "created_at").value_or(now);
    store.customer.updated_at = get_time(customer, "customer", "updated_at").value_or(store.customer.created_at);
    store.customer.deleted_at = get_time(customer, "customer", "deleted_at");
    store.customer.attributes = default_customer_attributes();
    for (const auto& item : customer.items()) {
        static const std::set<std::string> handled{"id",         "name",       "owner",     "owner_id",
                                                   "created_at", "updated_at", "deleted_at"};
        if (!handled.count(item.key())) {
            store.customer.attributes[item.key()] = item.value();
        }
    }
    for (const char* key : {"force_2fa", "force_sso"}) {
        get_bool(customer, "customer", key);
    }
    if (customer.contains("ip_whitelist")) {
        const json& list = customer["ip_whitelist"];
        if (!list.is_string()) {
            throw StateError("customer.ip_whitelist: expected a string of addresses and CIDR ranges");
        }
        try {
            IpAllowlist::parse(list.get<std::string>());
        } catch (const std::invalid_argument& error) {
            throw StateError(std::string("customer.ip_whitelist: ") + error.what());
        }
    }
}

// The contacts name users (a login or an ID in a seed; a dump writes IDs), so they are read once the users
// are loaded. An empty string or null is no contact.
void resolve_contacts(Store& store) {
    for (const std::string& key : customer_contact_fields()) {
        json& value = store.customer.attributes[key];
        if (value.is_null() || (value.is_string() && value.get<std::string>().empty())) {
            value = nullptr;
            continue;
        }
        if (!value.is_string()) {
            throw StateError("customer." + key + ": expected a login, a user ID or null");
        }
        const User* user = user_by_ref(store, value.get<std::string>());
        if (!user) {
            throw StateError("customer." + key + ": no user " + quote_text(value.get<std::string>()));
        }
        value = user->id;
    }
}

void set_owner(Store& store, const json& doc, EpochSeconds now) {
    const json* c = field(doc, "customer");
    std::string owner_ref;
    if (c) {
        owner_ref = get_string(*c, "customer", "owner", get_string(*c, "customer", "owner_id"));
    }
    if (!owner_ref.empty()) {
        User* owner = store.users.find(owner_ref);
        if (!owner) {
            owner = store.user_by_login(owner_ref);
        }
        if (!owner) {
            throw StateError("customer.owner: no user " + quote_text(owner_ref));
        }
        store.customer.owner_id = owner->id;
        return;
    }
    for (const User& user : store.users.rows()) {
        if (user.role == "superuser") {
            store.customer.owner_id = user.id;
            return;
        }
    }
    if (store.users.size() > 0) {
        throw StateError("customer.owner: no superuser to own the account; name one with customer.owner");
    }
    User owner;
    owner.id = store.new_id();
    owner.login = "owner@example.com";
    owner.name = "Account Owner";
    owner.role = "superuser";
    if (Role* role = store.role_by_ref("superuser")) {
        owner.roles.push_back(role->id);
    }
    owner.created_at = owner.updated_at = now;
    store.customer.owner_id = store.add_user(std::move(owner)).id;
}

void load_invitations(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json& list = get_list(doc, "invitations");
    for (size_t i = 0; i < list.size(); ++i) {
        std::string path = item_path("invitations", i);
        const json& v = list[i];
        check_keys(
            v, path,
            {"id", "email", "role", "roles", "limit_services", "created_at", "updated_at", "service_invitations"});
        Invitation invitation;
        invitation.id = take_id(store, v, path, seen);
        invitation.email = require_string(v, path, "email");
        if (!looks_like_email(invitation.email)) {
            throw StateError(path + ".email: " + quote_text(invitation.email) + " is not an email address");
        }
        invitation.role = check_role_enum(get_string(v, path, "role", "user"), path);
        invitation.roles = resolve_roles(store, get_string_list(v, path, "roles"), path);
        invitation.limit_services = get_bool(v, path, "limit_services").value_or(false);
        invitation.created_at = get_time(v, path, "created_at").value_or(now);
        invitation.updated_at = get_time(v, path, "updated_at").value_or(invitation.created_at);
        const json& grants = get_list(v, "service_invitations");
        for (size_t k = 0; k < grants.size(); ++k) {
            std::string gpath = path + ".service_invitations[" + std::to_string(k) + "]";
            check_keys(grants[k], gpath, {"id", "service", "permission"});
            std::string ref = require_string(grants[k], gpath, "service");
            Service* service = service_by_ref(store, ref);
            if (!service) {
                throw StateError(gpath + ".service: unknown service " + quote_text(ref));
            }
            std::string id = get_string(grants[k], gpath, "id");
            const json* permission = field(grants[k], "permission");
            invitation.service_invitations.push_back(
                {id.empty() ? store.new_id() : id, service->id,
                 permission ? checked_permission(*permission, gpath + ".permission") : std::string("full")});
        }
        store.add_invitation(std::move(invitation));
    }
}

void load_service_groups(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json& list = get_list(doc, "service_groups");
    for (size_t i = 0; i < list.size(); ++i) {
        std::string path = item_path("service_groups", i);
        const json& g = list[i];
        check_keys(g, path, {"id", "name", "description", "services", "created_at", "updated_at"});
        ServiceGroup group;
        group.id = take_id(store, g, path, seen);
        group.name = require_string(g, path, "name");
        if (store.service_group_by_name(group.name)) {
            throw StateError(path + ".name: duplicate service group " + quote_text(group.name));
        }
        group.description = get_string(g, path, "description");
        for (const std::string& ref : get_string_list(g, path, "services")) {
            Service* service = service_by_ref(store, ref);
            if (!service) {
                throw StateError(path + ".services: unknown service " + quote_text(ref));
            }
            if (std::find(group.services.begin(), group.services.end(), service->id) == group.services.end()) {
                group.services.push_back(service->id);
            }
        }
        group.created_at = get_time(g, path, "created_at").value_or(now);
        group.updated_at = get_time(g, path, "updated_at").value_or(group.created_at);
        store.service_groups.insert(std::move(group));
    }
}

Member resolve_member(Store& store, const json& ref, const std::string& path) {
    if (ref.is_object()) {
        check_keys(ref, path, {"user", "invitation"});
        if (const json* user = field(ref, "user"); user && user->is_string()) {
            std::string key = user->get<std::string>();
            User* found = store.users.find(key) ? store.users.find(key) : store.user_by_login(key);
            if (!found) {
                throw StateError(path + ": unknown user " + quote_text(key));
            }
            return {MemberKind::user, found->id};
        }
        if (const json* inv = field(ref, "invitation"); inv && inv->is_string()) {
            std::string key = inv->get<std::string>();
            if (store.invitations.find(key)) {
                return {MemberKind::invitation, key};
            }
            if (const Invitation* invitation = store.invitation_by_email(key)) {
                return {MemberKind::invitation, invitation->id};
            }
            throw StateError(path + ": unknown invitation " + quote_text(key));
        }
        throw StateError(path + ": expected {\"user\": LOGIN} or {\"invitation\": EMAIL}");
    }
    if (!ref.is_string()) {
        throw StateError(path + ": expected a login, an invitation email or an ID");
    }
    std::string key = ref.get<std::string>();
    if (store.users.find(key)) {
        return {MemberKind::user, key};
    }
    if (store.invitations.find(key)) {
        return {MemberKind::invitation, key};
    }
    if (User* user = store.user_by_login(key)) {
        return {MemberKind::user, user->id};
    }
    if (const Invitation* invitation = store.invitation_by_email(key)) {
        return {MemberKind::invitation, invitation->id};
    }
    throw StateError(path + ": " + quote_text(key) + " is neither a user nor an invitation");
}

void load_user_groups(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json& list = get_list(doc, "user_groups");
    for (size_t i = 0; i < list.size(); ++i) {
        std::string path = item_path("user_groups", i);
        const json& g = list[i];
        check_keys(g, path,
                   {"id", "name", "description", "members", "roles", "service_groups", "created_at", "updated_at"});
        UserGroup group;
        group.id = take_id(store, g, path, seen);
        group.name = require_string(g, path, "name");
        if (store.user_group_by_name(group.name)) {
            throw StateError(path + ".name: duplicate user group " + quote_text(group.name));
        }
        group.description = get_string(g, path, "description");
        const json& member_refs = field(g, "members") ? g.at("members") : json::array();
        if (!member_refs.is_array()) {
            throw StateError(path + ".members: expected a list");
        }
        std::vector<Member> members;
        for (size_t k = 0; k < member_refs.size(); ++k) {
            members.push_back(resolve_member(store, member_refs[k], path + ".members[" + std::to_string(k) + "]"));
        }
        group.roles = resolve_roles(store, get_string_list(g, path, "roles"), path);
        for (const std::string& ref : get_string_list(g, path, "service_groups")) {
            ServiceGroup* sg = store.service_groups.find(ref) ? store.service_groups.find(ref)
                                                              : store.service_group_by_name(ref);
            if (!sg) {
                throw StateError(path + ".service_groups: unknown service group " + quote_text(ref));
            }
            if (std::find(group.service_groups.begin(), group.service_groups.end(), sg->id) ==
                group.service_groups.end()) {
                group.service_groups.push_back(sg->id);
            }
        }
        group.created_at = get_time(g, path, "created_at").value_or(now);
        group.updated_at = get_time(g, path, "updated_at").value_or(group.created_at);
        store.add_members(store.user_groups.insert(std::move(group)), members);
    }
}

void load_clock_and_rate(Store& store, const json& doc) {
    if (const json* clock = field(doc, "clock")) {
        check_keys(*clock, "clock", {"offset_seconds"});
        if (const json* offset = field(*clock, "offset_seconds")) {
            if (!offset->is_number_integer()) {
                throw StateError("clock.offset_seconds: expected an integer");
            }
            store.clock_offset = offset->get<EpochSeconds>();
        }
    }
    if (const json* rate = field(doc, "rate_limit")) {
        check_keys(*rate, "rate_limit", {"window_start", "used"});
        store.rate.window_start = get_time(*rate, "rate_limit", "window_start").value_or(0);
        if (const json* used = field(*rate, "used")) {
            if (!used->is_object()) {
                throw StateError("rate_limit.used: expected an object mapping logins to counts");
            }
            for (const auto& item : used->items()) {
                User* user = store.users.find(item.key()) ? store.users.find(item.key())
                                                          : store.user_by_login(item.key());
                if (!user || !item.value().is_number_integer()) {
                    throw StateError("rate_limit.used." + item.key() + ": expected a user and a count");
                }
                store.rate.used[user->id] = item.value().get<long long>();
            }
        }
    }
}

}  // namespace

const std::vector<std::string>& legacy_role_names() {
    static const std::vector<std::string> names{"user", "billing", "engineer", "superuser", "tls_viewer", "tls_admin"};
    return names;
}

bool is_legacy_role(const std::string& role) {
    const auto& names = legacy_role_names();
    return std::find(names.begin(), names.end(), role) != names.end();
}

void load_state(Store& store, const json& doc, const std::string& superuser_token) {
    if (!doc.is_object()) {
        throw StateError("expected a JSON object at the top level");
    }
    check_keys(doc, "(top level)",
               {"customer", "users", "tokens", "permissions", "roles", "services", "service_groups", "user_groups",
                "invitations", "service_authorizations", "events", "clock", "rate_limit"});
    auto wall_clock = store.wall_clock;
    store.reset();
    store.wall_clock = wall_clock;
    // The clock comes first so that defaulted timestamps use the emulator's time.
    load_clock_and_rate(store, json{{"clock", doc.value("clock", json(nullptr))}});
    EpochSeconds now = store.now();
    std::set<std::string> seen;
    load_customer(store, doc, seen, now);
    load_permissions(store, doc, seen);
    load_roles(store, doc, seen, now);
    load_services(store, doc, seen, now);
    load_users(store, doc, seen, now);
    set_owner(store, doc, now);
    resolve_contacts(store);
    load_invitations(store, doc, seen, now);
    load_service_groups(store, doc, seen, now);
    load_user_groups(store, doc, seen, now);
    load_service_authorizations(store, doc, seen, now);
    load_tokens(store, doc, superuser_token, seen, now);
    load_events(store, doc, seen, now);
    load_clock_and_rate(store, doc);
}

void load_default_state(Store& store, const std::string& superuser_token) {
    load_state(store, json::object(), superuser_token);
}

}  // namespace fastly_emulator
