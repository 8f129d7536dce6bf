// The customer: GET /current_customer, GET/PUT/DELETE /customer/{id}, GET /customer/{id}/users, and the effects of its
// security settings (contacts, the login IP allowlist, force_2fa) on every API request.
#include <set>
#include <stdexcept>

#include "api.hpp"
#include "api_error.hpp"
#include "customer_rules.hpp"
#include "events.hpp"
#include "ip_allowlist.hpp"
#include "render.hpp"
#include "request_util.hpp"

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

// Stored as sent; the contacts and ip_whitelist have rules of their own below.
const std::set<std::string>& customer_text_fields() {
    static const std::set<std::string> fields{"billing_network_type", "billing_ref",  "phone_number",
                                              "postal_address",       "pricing_plan", "pricing_plan_id"};
    return fields;
}

void require_customer(Context& ctx, const std::string& id) {
    if (id != ctx.store.customer.id) {
        throw record_not_found("customer", id);
    }
}

std::string ip_whitelist_text(const Store& store) {
    auto it = store.customer.attributes.find("ip_whitelist");
    return it != store.customer.attributes.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A new allowlist: every entry valid, and the caller's own address in it (the guide: "Fastly checks your
// current IP address against the list you provide").
void check_new_allowlist(const Context& ctx, const std::string& text) {
    IpAllowlist list;
    try {
        list = IpAllowlist::parse(text);
    } catch (const std::invalid_argument& error) {
        throw bad_request(std::string("ip_whitelist: ") + error.what());
    }
    const bool empty_allows_all = ctx.compat.ip_whitelist_empty == Compat::IpWhitelistEmpty::any;
    if (list.allows(ctx.caller_address, empty_allows_all)) {
        return;
    }
    if (list.empty()) {
        throw bad_request(
            "The IP allowlist would lock you out: an empty list allows no address (0.0.0.0/0 allows "
            "every address)");
    }
    throw bad_request("The IP allowlist would lock you out: your address " + ctx.caller_address + " is not in it");
}

// A contact field: empty or null clears it; anything else must be a user ID of this customer.
json checked_contact(const Context& ctx, const std::string& key, const std::string& value) {
    if (value.empty() || value == "null") {
        return nullptr;
    }
    if (!ctx.store.users.find(value)) {
        throw bad_request(key + ": user '" + value + "' is not a user of this customer");
    }
    return value;
}

void update_customer(Context& ctx) {
    require_customer(ctx, ctx.params[0]);
    ctx.require_superuser("change the customer");
    InputFields fields = InputFields::from_request(ctx.request);
    // Built on a copy and stored at the end: a refused request changes nothing.
    Customer updated = ctx.store.customer;
    if (auto name = fields.text("name")) {
        if (name->empty()) {
            throw bad_request("Name can't be blank");
        }
        updated.name = *name;
    }
    if (auto owner = fields.text("owner_id")) {
        if (!ctx.store.users.find(*owner)) {
            throw bad_request("owner_id '" + *owner + "' is not a user of this customer");
        }
        updated.owner_id = *owner;
    }
    for (const std::string& key : customer_bool_fields()) {
        if (auto value = fields.boolean(key)) {
            updated.attributes[key] = *value;
        }
    }
    for (const std::string& key : customer_contact_fields()) {
        if (auto value = fields.text(key)) {
            updated.attributes[key] = checked_contact(ctx, key, *value);
        }
    }
    if (auto value = fields.text("ip_whitelist")) {
        check_new_allowlist(ctx, *value);
        updated.attributes["ip_whitelist"] = *value;
    }
    for (const std::string& key : customer_text_fields()) {
        if (auto value = fields.text(key)) {
            if (key == "billing_network_type" && *value != "public" && *value != "private") {
                throw bad_request("billing_network_type must be public or private");
            }
            updated.attributes[key] = *value;
        }
    }
    updated.updated_at = ctx.store.now();
    record_customer_change(ctx, ctx.store.customer, updated);
    ctx.store.customer = std::move(updated);
    ctx.committed = true;
    ctx.response.set_json(200, render_customer(ctx.store));
}

}  // namespace

std::optional<std::string> allowlist_refusal(const Store& store, const Compat& compat, const std::string& address) {
    const std::string text = ip_whitelist_text(store);
    IpAllowlist list;
    try {
        list = IpAllowlist::parse(text);
    } catch (const std::invalid_argument&) {
        // Seeds and PUT /customer validate the list, so this is not reached; a list that cannot be read
        // allows nobody rather than everybody.
    }
    if (list.allows(address, compat.ip_whitelist_empty == Compat::IpWhitelistEmpty::any)) {
        return std::nullopt;
    }
    return "Your IP address " + (address.empty() ? std::string("(unknown)") : address) +
           " is not in the account's IP allowlist";
}

std::optional<std::string> two_factor_refusal(const Store& store, const User& user) {
    auto it = store.customer.attributes.find("force_2fa");
    const bool forced = it != store.customer.attributes.end() && it->is_boolean() && it->get<bool>();
    if (!forced || user.two_factor_auth_enabled.value_or(false)) {
        return std::nullopt;
    }
    return "Two-factor authentication is required on this account (force_2fa); user '" + user.login +
           "' has not enabled it";
}

void add_customer_routes(Router& router) {
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
}

}  // namespace fastly_emulator
