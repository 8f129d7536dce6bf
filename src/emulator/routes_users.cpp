// Classic endpoints: the customer, users, password resets and the service list.
#include <set>

#include "api.hpp"
#include "api_error.hpp"
#include "render.hpp"
#include "request_util.hpp"
#include "role_rules.hpp"
#include "state_io.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

const std::set<std::string>& customer_bool_fields() {
    static const std::set<std::string> fields{"force_2fa",
                                              "force_sso",
                                              "has_account_panel",
                                              "has_improved_events",
                                              "has_openstack_logging",
                                              "has_pci",
                                              "can_configure_wordpress",
                                              "can_reset_passwords",
                                              "can_upload_vcl",
                                              "has_improved_ssl_config",
                                              "has_pci_passwords"};
    return fields;
}

const std::set<std::string>& customer_text_fields() {
    static const std::set<std::string> fields{"billing_contact_id",  "billing_network_type", "billing_ref",
                                              "ip_whitelist",        "legal_contact_id",     "phone_number",
                                              "postal_address",      "pricing_plan",         "pricing_plan_id",
                                              "security_contact_id", "technical_contact_id"};
    return fields;
}

void require_customer(Context& ctx, const std::string& id) {
    if (id != ctx.store.customer.id) {
        throw record_not_found("customer", id);
    }
}

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

void update_customer(Context& ctx) {
    require_customer(ctx, ctx.params[0]);
    ctx.require_superuser("change the customer");
    InputFields fields = InputFields::from_request(ctx.request);
    Customer& customer = ctx.store.customer;
    if (auto name = fields.text("name")) {
        if (name->empty()) {
            throw bad_request("Name can't be blank");
        }
        customer.name = *name;
    }
    if (auto owner = fields.text("owner_id")) {
        if (!ctx.store.users.find(*owner)) {
            throw bad_request("owner_id '" + *owner + "' is not a user of this customer");
        }
        customer.owner_id = *owner;
    }
    for (const std::string& key : customer_bool_fields()) {
        if (auto value = fields.boolean(key)) {
            customer.attributes[key] = *value;
        }
    }
    for (const std::string& key : customer_text_fields()) {
        if (auto value = fields.text(key)) {
            if (key == "billing_network_type" && *value != "public" && *value != "private") {
                throw bad_request("billing_network_type must be public or private");
            }
            customer.attributes[key] = *value;
        }
    }
    customer.updated_at = ctx.store.now();
    ctx.committed = true;
    ctx.response.set_json(200, render_customer(ctx.store));
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
    user = std::move(updated);
    ctx.committed = true;
    ctx.response.set_json(200, render_user(ctx.store, user));
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
    user->require_new_password = true;
    user->updated_at = ctx.store.now();
    ctx.committed = true;
    ctx.response.set_json(200, {{"status", "ok"}});
}

}  // namespace

void add_customer_user_routes(Router& router) {
    router.add("GET", "/current_customer", Family::classic,
               [](Context& ctx) { ctx.response.set_json(200, render_customer(ctx.store)); });
    router.add("GET", "/customer/{customer_id}", Family::classic, [](Context& ctx) {
        require_customer(ctx, ctx.params[0]);
        ctx.response.set_json(200, render_customer(ctx.store));
    });
    router.add("PUT", "/customer/{customer_id}", Family::classic, update_customer);
    router.add("DELETE", "/customer/{customer_id}", Family::classic, [](Context& ctx) {
        require_customer(ctx, ctx.params[0]);
        ctx.require_superuser("delete the customer");
        ctx.store.customer.deleted_at = ctx.store.now();
        ctx.committed = true;
        ctx.response.set_json(200, {{"status", "ok"}});
    });
    router.add("GET", "/customer/{customer_id}/users", Family::classic, [](Context& ctx) {
        require_customer(ctx, ctx.params[0]);
        // Written as text: the 10,000-user array is about 4 MB, and a document of it would be ~10x that.
        const auto& rows = ctx.store.users.rows();
        std::string text;
        text.reserve(rows.size() * 420 + 2);
        JsonText out(text);
        out.begin_array();
        for (const User& user : rows) {
            write_user(out, ctx.store, user);
        }
        out.end_array();
        ctx.response.set_text(200, std::move(text));
    });
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
