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

}  // namespace fastly_emulator
