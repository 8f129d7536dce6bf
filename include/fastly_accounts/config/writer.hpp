#pragma once

#include <fastly_accounts/model/state.hpp>
#include <ostream>
#include <string>

namespace fastly_accounts::config {

/// Writes `state` as a version-1 desired-state file that `load_desired_state` reads back to the same
/// state: a `yaml-language-server` comment naming `schema_path` (omitted when empty), `version: 1`,
/// `customer_id` when set, then users, invitations, roles, service groups and user groups in the order
/// given. Fields left unset are left out. Policy and ignore are not written (export leaves them to you).
void write_desired_state(const model::AccountState& state, const std::string& schema_path, std::ostream& out);

}  // namespace fastly_accounts::config
