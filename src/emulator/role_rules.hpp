#pragma once

#include <string>
#include <vector>

#include "store.hpp"

namespace fastly_emulator {

/// Throws 400 `{"msg":"Record invalid","detail":...}` when the roles a user or an invitation would hold
/// break a rule Fastly enforces:
/// - the legacy `role` "user" with `limit_services` ("Role 'user' is not allowed to be service limited",
///   the wording a user reported in terraform-provider-fastly#816);
/// - the Superuser role, in `role_ids` or as the legacy `role` "superuser", together with any role of
///   `role_ids` that is neither Superuser nor a Security (Next-Gen WAF) role (`Role::security`) (Fastly's
///   guide "Managing users": Superuser combines only with the Security roles).
/// `role_ids` must name roles of `store`.
void check_role_rules(const Store& store, const std::string& role, const std::vector<std::string>& role_ids,
                      bool limit_services);

/// The permissions a service authorization or a service invitation may carry, "full" first (the default).
const std::vector<std::string>& service_permissions();
/// Throws 400 `{"msg":"Bad request","detail":"Permission '<p>' is not one of full, read_only, ..."}` unless
/// `permission` is one of service_permissions(); returns it.
const std::string& checked_service_permission(const std::string& permission);
/// True when `scope` is one or more of global, global:read, purge_select, purge_all, space-separated.
bool is_token_scope(const std::string& scope);

}  // namespace fastly_emulator
