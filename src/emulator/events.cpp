#include "events.hpp"

#include <set>

#include "render.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

// Adds `{"old", "new"}` under `key` when the two differ.
void changed(json& metadata, const std::string& key, const json& before, const json& after) {
    if (before != after) {
        metadata[key] = {{"old", before}, {"new", after}};
    }
}

std::string login_of(const Store& store, const std::string& user_id) {
    const User* user = store.users.find(user_id);
    return user ? user->login : user_id;
}

}  // namespace

Event new_event(const Store& store, std::string type, std::string description, json metadata) {
    Event event;
    event.customer_id = store.customer.id;
    event.event_type = std::move(type);
    event.description = std::move(description);
    event.metadata = std::move(metadata);
    event.created_at = store.now();
    return event;
}

Event store_event(Store& store, Event event) {
    event.id = store.new_id();
    if (event.customer_id.empty()) {
        event.customer_id = store.customer.id;
    }
    store.events.add(event);
    return event;
}

void record_event(Context& ctx, std::string type, std::string description, json metadata, std::string service_id) {
    Event event = new_event(ctx.store, std::move(type), std::move(description), std::move(metadata));
    event.user_id = ctx.caller ? ctx.caller->id : std::string();
    event.token_id = ctx.token_id;
    event.ip = ctx.caller_address;
    event.service_id = std::move(service_id);
    ctx.events.push_back(std::move(event));
}

json user_subject(const User& user) {
    return {{"user_id", user.id}, {"login", user.login}};
}

void record_user_change(Context& ctx, const User& before, const User& after) {
    const bool was_locked = before.locked.value_or(false);
    const bool is_locked = after.locked.value_or(false);
    if (was_locked != is_locked) {
        json metadata = user_subject(after);
        changed(metadata, "locked", bool_or_null(before.locked), bool_or_null(after.locked));
        record_event(ctx, is_locked ? "user.lock" : "user.unlock",
                     "User " + after.login + (is_locked ? " was locked" : " was unlocked"), std::move(metadata));
    }
    json metadata = user_subject(after);
    changed(metadata, "name", before.name, after.name);
    changed(metadata, "role", before.role, after.role);
    changed(metadata, "roles", before.roles, after.roles);
    changed(metadata, "limit_services", before.limit_services, after.limit_services);
    changed(metadata, "require_new_password", bool_or_null(before.require_new_password),
            bool_or_null(after.require_new_password));
    if (was_locked == is_locked) {
        // From never set to false, or back: no lock or unlock, but a change all the same.
        changed(metadata, "locked", bool_or_null(before.locked), bool_or_null(after.locked));
    }
    if (metadata.size() > 2) {
        record_event(ctx, "user.update", "User " + after.login + " was updated", std::move(metadata));
    }
}

void record_customer_change(Context& ctx, const Customer& before, const Customer& after) {
    json metadata{{"customer_id", after.id}};
    changed(metadata, "name", before.name, after.name);
    changed(metadata, "owner_id", before.owner_id, after.owner_id);
    std::set<std::string> keys;
    for (const auto& item : before.attributes.items()) {
        keys.insert(item.key());
    }
    for (const auto& item : after.attributes.items()) {
        keys.insert(item.key());
    }
    for (const std::string& key : keys) {
        changed(metadata, key, before.attributes.value(key, json(nullptr)), after.attributes.value(key, json(nullptr)));
    }
    if (metadata.size() > 1) {
        record_event(ctx, "customer.update", "Customer " + after.name + " was updated", std::move(metadata));
    }
}

void record_service_authorization(Context& ctx, const char* action, const ServiceAuthorization& authorization,
                                  const std::string& old_permission) {
    const std::string verb = action == std::string("create")   ? "created"
                             : action == std::string("update") ? "updated"
                                                               : "deleted";
    const Service* service = ctx.store.services.find(authorization.service_id);
    const std::string login = login_of(ctx.store, authorization.user_id);
    json metadata{{"service_authorization_id", authorization.id},
                  {"user_id", authorization.user_id},
                  {"login", login},
                  {"service_id", authorization.service_id},
                  {"permission", authorization.permission}};
    if (!old_permission.empty()) {
        metadata["permission"] = {{"old", old_permission}, {"new", authorization.permission}};
    }
    record_event(ctx, std::string("service_authorization.") + action,
                 "Service authorization of " + login + " for service " +
                     (service ? service->name : authorization.service_id) + " was " + verb,
                 std::move(metadata), authorization.service_id);
}

namespace {

json token_metadata(const Token& token) {
    return {{"token_id", token.id},
            {"name", token.name},
            {"owner_id", token.user_id},
            {"scope", token.scope},
            {"services", token.services}};
}

}  // namespace

void record_token_destroy(Context& ctx, const Token& token) {
    record_event(ctx, "token.destroy", "API Token (" + token.name + ") has been deleted", token_metadata(token));
}

Event token_create_event(const Store& store, const Token& token, const std::string& ip) {
    Event event = new_event(store, "token.create", "API Token (" + token.name + ") has been created",
                            token_metadata(token));
    event.user_id = token.user_id;
    event.ip = ip;
    return event;
}

json render_event(const Event& event) {
    return {{"id", event.id},
            {"type", "event"},
            {"attributes",
             {{"admin", event.admin},
              {"created_at", format_timestamp(event.created_at)},
              {"customer_id", event.customer_id},
              {"description", event.description},
              {"event_type", event.event_type},
              {"ip", text_or_null(event.ip)},
              {"metadata", event.metadata},
              {"service_id", text_or_null(event.service_id)},
              {"token_id", text_or_null(event.token_id)},
              {"user_id", text_or_null(event.user_id)}}}};
}

}  // namespace fastly_emulator
