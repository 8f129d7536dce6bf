#pragma once

#include <nlohmann/json.hpp>

#include "json_text.hpp"
#include "store.hpp"

namespace fastly_emulator {

/// API representations of stored objects, in the shapes of the API notes. Unset fields are `null`.

/// The flat customer object of GET /current_customer.
nlohmann::json render_customer(const Store& store);
/// The flat user object of the classic user endpoints.
nlohmann::json render_user(const Store& store, const User& user);
/// A role in the legacy `/roles` style: `object`, `custom`, `permissions_count`, timestamps.
nlohmann::json render_role(const Role& role);
/// A role in the `/iam/v1/roles` style; `permissions` (names) only when `include_permissions`.
nlohmann::json render_role_v1(const Store& store, const Role& role, bool include_permissions);
nlohmann::json render_permission(const Permission& permission);
nlohmann::json render_service_group(const ServiceGroup& group);
nlohmann::json render_user_group(const UserGroup& group);
/// A member list item: a user (`id, object, name, login`) or an invitation (`id, object, email`).
nlohmann::json render_member(const Store& store, const Member& member);
/// A service as listed in a service group: `{id, object:"service", name}`.
nlohmann::json render_service_item(const Service& service);
/// A service in the classic GET /service list.
nlohmann::json render_service_classic(const Store& store, const Service& service);
/// A JSON:API invitation resource (the value of `data`).
nlohmann::json render_invitation(const Store& store, const Invitation& invitation);

/// The same objects written straight as JSON text (for list answers); each gives exactly the bytes of
/// `render_*(...).dump()`.
void write_user(JsonText& out, const Store& store, const User& user);
void write_service_group(JsonText& out, const ServiceGroup& group);
void write_user_group(JsonText& out, const UserGroup& group);
void write_member(JsonText& out, const Store& store, const Member& member);
void write_invitation(JsonText& out, const Store& store, const Invitation& invitation);

}  // namespace fastly_emulator
