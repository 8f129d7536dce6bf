#pragma once

#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <functional>
#include <string>
#include <vector>

namespace fastly_accounts::config {

/// Checks, offline, the role rules Fastly's API enforces on users and invitations, reporting each
/// breach at its field (`FILE:LINE:COL: users[3].roles[1]: ...`):
/// - `role: user` with `limit_services: true`: Fastly answers "Role 'user' is not allowed to be service
///   limited";
/// - the Superuser role, in `roles` or as the legacy `role: superuser`, with another predefined role or a
///   custom role (`is_custom_role`): Superuser combines only with the Security (Next-Gen WAF) roles.
///   Role names that are neither are left to the unknown-role check.
/// Only what the files set is judged: a field left out is not managed.
void check_role_rules(const std::vector<LoadedFile>& files,
                      const std::function<bool(const std::string&)>& is_custom_role, Diagnostics& diagnostics);

}  // namespace fastly_accounts::config
