// Classic endpoints: users, password resets and the service list.
#include <set>

#include "api.hpp"
#include "api_error.hpp"
#include "events.hpp"
#include "render.hpp"
#include "request_util.hpp"
#include "role_rules.hpp"
#include "state_io.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

User& find_user(Context& ctx, const std::string& id) {
    User* user = ctx.store.users.find(id);
    if (!user) {
        throw record_not_found("user", id);
    }
    return *user;
}

std::string checked_role(const std::string& role) {
    if (!is_legacy_role(role)) {
        throw bad_request("Role '" + role +
                          "' is not valid; valid roles are user, billing, engineer, superuser, tls_viewer, "
                          "tls_admin");
    }
    return role;
}

// `roles` holds IAM role IDs, as the real API does; names are refused so a client bug shows here.
std::vector<std::string> checked_role_ids(Store& store, const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const std::string& id : ids) {
        if (!store.roles.find(id)) {
            throw bad_request("Role '" + id + "' is not a role ID of this customer");
        }
        if (std::find(out.begin(), out.end(), id) == out.end()) {
            out.push_back(id);
        }
    }
    return out;
}

void create_user(Context& ctx) {
    ctx.require_superuser("create users");
    InputFields fields = InputFields::from_request(ctx.request);
    User user;
    user.login = fields.text("login").value_or("");
    if (user.login.empty()) {
        throw bad_request("Login can't be blank");
    }
    if (!looks_like_email(user.login)) {
        throw bad_request("Login '" + user.login + "' is not a valid email address");
    }
    if (ctx.store.user_by_login(user.login)) {
        throw duplicate("Duplicate user: '" + user.login + "'");
    }
    user.name = fields.text("name").value_or("");
    if (user.name.empty()) {
        throw bad_request("Name can't be blank");
    }
    user.role = checked_role(fields.text("role").value_or("user"));
    user.roles = checked_role_ids(ctx.store, fields.list("roles"));
    user.limit_services = fields.boolean("limit_services").value_or(false);
    user.locked = fields.boolean("locked");
    user.require_new_password = fields.boolean("require_new_password");
    check_role_rules(ctx.store, user.role, user.roles, user.limit_services);
    user.id = ctx.store.new_id();
    user.created_at = user.updated_at = ctx.store.now();
    const User& stored = ctx.store.add_user(std::move(user));
    json metadata = user_subject(stored);
    metadata.update({{"name", stored.name},
                     {"role", stored.role},
                     {"roles", stored.roles},
                     {"limit_services", stored.limit_services}});
    record_event(ctx, "user.create", "User " + stored.login + " was created", std::move(metadata));
    ctx.committed = true;
    ctx.response.set_json(200, render_user(ctx.store, stored));
}

void update_user(Context& ctx) {
    User& user = find_user(ctx, ctx.params[0]);
    bool self = ctx.caller->id == user.id;
    if (!self && !ctx.caller_is_superuser()) {
        throw forbidden("only a superuser may change another user");
    }
    InputFields fields = InputFields::from_request(ctx.request);
    User updated = user;
    if (auto name = fields.text("name")) {
        if (name->empty()) {
            throw bad_request("Name can't be blank");
        }
        updated.name = *name;
    }
    if (auto role = fields.text("role")) {
        updated.role = checked_role(*role);
    }
    if (fields.has("roles")) {
        updated.roles = checked_role_ids(ctx.store, fields.list("roles"));
    }
    if (auto value = fields.boolean("limit_services")) {
        updated.limit_services = *value;
    }
    if (auto value = fields.boolean("locked")) {
        updated.locked = value;
    }
    if (auto value = fields.boolean("require_new_password")) {
        updated.require_new_password = value;
    }
    if (!ctx.caller_is_superuser() &&
        (updated.role != user.role || updated.roles != user.roles || updated.limit_services != user.limit_services ||
         updated.locked != user.locked)) {
        throw forbidden("only a superuser may change roles, service limits or locking");
    }
    if (fields.has("role") || fields.has("roles") || fields.has("limit_services")) {
        check_role_rules(ctx.store, updated.role, updated.roles, updated.limit_services);
    }
    updated.updated_at = ctx.store.now();
    record_user_change(ctx, user, updated);
    user = std::move(updated);
    ctx.committed = true;
    ctx.response.set_json(200, render_user(ctx.store, user));
}

// "security contact", "security and billing contact", "security, technical and legal contact".
std::string contact_names(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == fields.size() ? " and " : ", ") + fields[i].substr(0, fields[i].find('_'));
    }
    return out + " contact";
}

void delete_user(Context& ctx) {
    User& user = find_user(ctx, ctx.params[0]);
    ctx.require_superuser("delete users");
    if (user.id == ctx.store.customer.owner_id) {
        throw bad_request("The account owner cannot be deleted");
    }
    if (ctx.compat.delete_user_with_tokens == Compat::DeleteUserWithTokens::refuse) {
        if (!ctx.store.tokens_of(user.id).empty()) {
            throw bad_request("User '" + user.login + "' has API tokens; revoke them before deleting the user");
        }
    }
    if (ctx.compat.delete_contact_user == Compat::DeleteContactUser::refuse) {
        if (std::vector<std::string> contacts = ctx.store.contacts_of(user.id); !contacts.empty()) {
            throw bad_request("User '" + user.login + "' is the account's " + contact_names(contacts) +
                              "; choose another first");
        }
    }
    json metadata = user_subject(user);
    metadata["role"] = user.role;
    record_event(ctx, "user.destroy", "User " + user.login + " was deleted", std::move(metadata));
    ctx.store.delete_user(user.id);
    ctx.committed = true;
    ctx.response.set_json(200, {{"status", "ok"}});
}

void request_password_reset(Context& ctx) {
    const std::string& login = ctx.params[0];
    User* user = ctx.store.user_by_login(login);
    if (!user) {
        throw record_not_found("user", login);
    }
    if (user->id != ctx.caller->id && !ctx.caller_is_superuser()) {
        throw forbidden("only a superuser may reset another user's password");
    }
    const User before = *user;
    user->require_new_password = true;
    user->updated_at = ctx.store.now();
    record_user_change(ctx, before, *user);
    ctx.committed = true;
    ctx.response.set_json(200, {{"status", "ok"}});
}

}  // namespace

void add_user_routes(Router& router) {
    router.add("GET", "/current_user", Family::classic,
               [](Context& ctx) { ctx.response.set_json(200, render_user(ctx.store, *ctx.caller)); });
    router.add("GET", "/user/{user_id}", Family::classic,
               [](Context& ctx) { ctx.response.set_json(200, render_user(ctx.store, find_user(ctx, ctx.params[0]))); });
    router.add("POST", "/user", Family::classic, create_user);
    router.add("PUT", "/user/{user_id}", Family::classic, update_user);
    router.add("DELETE", "/user/{user_id}", Family::classic, delete_user);
    router.add("POST", "/user/{user_login}/password/request_reset", Family::classic, request_password_reset);
    router.add("GET", "/service", Family::classic, [](Context& ctx) {
        // Paginated as recorded: a bare array, `page`/`per_page` (default 20), and a Link header.
        const auto& rows = ctx.store.services.rows();
        const auto [first, last] = link_header_page(rows.size(), ctx.request, "/service", ctx.response);
        json services = json::array();
        for (size_t i = first; i < last; ++i) {
            services.push_back(render_service_classic(ctx.store, rows[i]));
        }
        ctx.response.set_json(200, services);
    });
}

}  // namespace fastly_emulator
