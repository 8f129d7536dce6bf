#pragma once

#include <nlohmann/json.hpp>

#include "compat.hpp"
#include "json_text.hpp"
#include "store.hpp"

namespace fastly_emulator {

/// API representations of stored objects, in the shapes of fastly-account-api-notes.md (outside this repository). Unset
/// fields are `null`.

/// `text`, or null when it is empty (IDs, addresses and agents that may be unset).
nlohmann::json text_or_null(const std::string& text);
/// The value, or null when it was never set.
nlohmann::json bool_or_null(const std::optional<bool>& value);
/// The time as `YYYY-MM-DDTHH:MM:SSZ`, or null when unset.
nlohmann::json time_or_null(const std::optional<EpochSeconds>& value);

/// The flat customer object of GET /current_customer.
nlohmann::json render_customer(const Store& store);
/// The flat user object of the classic user endpoints.
nlohmann::json render_user(const Store& store, const User& user);
/// A role in the legacy `/roles` style: `object`, `custom`, `permissions_count`, timestamps.
nlohmann::json render_role(const Role& role);
/// A role in the `/iam/v1/roles` style; `permissions` (names) only when `include_permissions`.
nlohmann::json render_role_v1(const Store& store, const Role& role, bool include_permissions);
nlohmann::json render_permission(const Permission& permission);
/// A service group, with `services_count` unless `counts` is none.
nlohmann::json render_service_group(const ServiceGroup& group,
                                    Compat::GroupCounts counts = Compat::GroupCounts::documented);
/// A user group, with `users_count`, `invitations_count` and `roles_count` unless `counts` is none,
/// and `service_groups_count` too when it is all.
nlohmann::json render_user_group(const UserGroup& group, Compat::GroupCounts counts = Compat::GroupCounts::documented);
/// A member list item: a user (`id, object, name, login`) or an invitation (`id, object, email`); only
/// `{id}` when `entries` is minimal.
nlohmann::json render_member(const Store& store, const Member& member,
                             Compat::ListEntries entries = Compat::ListEntries::full);
/// A service as listed in a service group: `{id, object:"service", name}`; only `{id}` when minimal.
nlohmann::json render_service_item(const Service& service, Compat::ListEntries entries = Compat::ListEntries::full);
/// A role or a service group as listed under a user group: `full` (the object) or only `{id}`.
nlohmann::json render_list_entry(const nlohmann::json& full, Compat::ListEntries entries);
/// A service in the classic GET /service list.
nlohmann::json render_service_classic(const Store& store, const Service& service);
/// A JSON:API invitation resource (the value of `data`); without role, roles and limit_services when
/// `attributes` is email_only.
nlohmann::json render_invitation(const Store& store, const Invitation& invitation,
                                 Compat::InvitationAttributes attributes = Compat::InvitationAttributes::full);

/// A JSON:API service authorization resource (the value of `data`), as recorded: `{id, type:
/// "service_authorization", attributes{created_at, updated_at, deleted_at: null, permission},
/// relationships{service{data{id, type}}, user{data{id, type}}}}`.
nlohmann::json render_service_authorization(const ServiceAuthorization& authorization);
/// A token as GET /customer/{id}/tokens lists it (recorded): id, user_id, customer_id, name, last_used_at,
/// created_at, expires_at, ip, user_agent, sudo_expires_at, scopes, scope, services, service_id. Never the
/// secret.
nlohmann::json render_token(const Store& store, const Token& token);

/// The same objects written straight as JSON text (for list answers). A user, group, member or invitation
/// is described once (render.cpp) for both forms, so `write_*` gives exactly the bytes of
/// `render_*(...).dump()`.
void write_user(JsonText& out, const Store& store, const User& user);
void write_service_group(JsonText& out, const ServiceGroup& group,
                         Compat::GroupCounts counts = Compat::GroupCounts::documented);
void write_user_group(JsonText& out, const UserGroup& group,
                      Compat::GroupCounts counts = Compat::GroupCounts::documented);
void write_member(JsonText& out, const Store& store, const Member& member,
                  Compat::ListEntries entries = Compat::ListEntries::full);
void write_invitation(JsonText& out, const Store& store, const Invitation& invitation,
                      Compat::InvitationAttributes attributes = Compat::InvitationAttributes::full);

}  // namespace fastly_emulator
