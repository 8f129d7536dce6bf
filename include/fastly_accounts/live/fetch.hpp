#pragma once

#include <cstddef>
#include <fastly_accounts/live/api_client.hpp>
#include <fastly_accounts/model/live.hpp>

namespace fastly_accounts::live {

/// Reads the whole access state of the token's account: the customer, the token's user, users,
/// invitations, roles (with their permissions), permissions, services, service groups (with their
/// services) and user groups (with members, roles and service groups). Up to `concurrency` requests run
/// at once: first the lists, then every group's sub-lists in parallel. References come back as the
/// names desired-state files use (role names, service group names, logins and emails). Throws
/// ApiError when any read fails: a plan is never made from a partial view of the account.
model::LiveAccount fetch_account(ApiClient& api, std::size_t concurrency);

}  // namespace fastly_accounts::live
