#pragma once

#include <cstddef>
#include <fastly_accounts/live/api_client.hpp>
#include <fastly_accounts/model/live.hpp>

namespace fastly_accounts::live {

/// Reads the whole access state of the token's account: the customer, the token's user, users,
/// invitations, roles (with their permissions), permissions, services, service groups (with their
/// services) and user groups (with members, roles and service groups). The customer is read first, on
/// its own; then up to `concurrency` requests run at once, never more. The pages of a list whose first
/// page gives the page count are read in parallel; a group's sub-lists start as soon as the page naming
/// the group arrives, except those its entry counts as empty (`users_count` + `invitations_count`,
/// `roles_count`, ...), which are not read. Roles come from /iam/v1/roles; the legacy /roles, read beside
/// it, says which are custom, and when it answers 404 custom roles are told by name, the account is
/// marked `custom_roles_writable = false` and `read_notes` says so. A custom role's permissions are read
/// once both lists are in. The result does not depend on `concurrency` or on the order in which answers
/// arrive. References come back as the names desired-state files use (role names, service group names,
/// logins and emails). Throws ApiError when any read fails, when the pages of a list disagree on where it
/// ends, or when an API that ignores `page` keeps part of a list out of reach: a plan is never made from
/// a partial view of the account.
model::LiveAccount fetch_account(ApiClient& api, std::size_t concurrency);

}  // namespace fastly_accounts::live
