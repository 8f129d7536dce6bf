#pragma once

// The audit log's entries: how each write records them (README.md, "The audit log"), and their API shape.
#include <nlohmann/json.hpp>
#include <string>

#include "api.hpp"
#include "store.hpp"

namespace fastly_emulator {

/// A new event of the store's customer, at the emulator's `now`, without ID or actor.
Event new_event(const Store& store, std::string type, std::string description, nlohmann::json metadata);

/// Stores `event` in the audit log with a fresh ID (and the customer's ID when it has none); returns it as
/// stored.
Event store_event(Store& store, Event event);

/// Queues an event caused by the request: its actor is the caller (`user_id`) and the caller's token
/// (`token_id`), from the caller's address. It is stored when the request commits.
void record_event(Context& ctx, std::string type, std::string description, nlohmann::json metadata,
                  std::string service_id = {});

/// `{"user_id", "login"}` of `user`: how an event names the user it is about.
nlohmann::json user_subject(const User& user);

/// Records the events of a user's change from `before` to `after`: `user.lock` when it becomes locked,
/// `user.unlock` when a locked user stops being so, and `user.update` with `{old, new}` of every other
/// field that changed (name, role, roles, limit_services, require_new_password, locked from never set).
/// Nothing when nothing changed.
void record_user_change(Context& ctx, const User& before, const User& after);

/// Records `customer.update` with `{old, new}` of every customer field that changed (nothing when none).
void record_customer_change(Context& ctx, const Customer& before, const Customer& after);

/// Records `service_authorization.<action>` (create, update or delete) for `authorization`; for an
/// update, `old_permission` is the permission it had.
void record_service_authorization(Context& ctx, const char* action, const ServiceAuthorization& authorization,
                                  const std::string& old_permission = {});

/// Records `token.destroy` for `token` (before it is deleted).
void record_token_destroy(Context& ctx, const Token& token);

/// `token.create` for `token`, made by its own user from `ip` (the control endpoint's tokens).
Event token_create_event(const Store& store, const Token& token, const std::string& ip);

/// The event as the API answers it: `{"id", "type": "event", "attributes": {...}}`.
nlohmann::json render_event(const Event& event);

}  // namespace fastly_emulator
