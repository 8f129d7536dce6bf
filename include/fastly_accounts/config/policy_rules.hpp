#pragma once

#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/model/state.hpp>

namespace fastly_accounts::config {

/// Checks the rules of `policy:` that need no account, on the merged files (README "Policy rules"): every
/// login and invitation email is in policy.allowed_email_domains; the files make no more superusers than
/// policy.max_superusers; and every user, invitation, member written and service grant carries the terms
/// policy.require names. The rest (live users, require_2fa_for) is checked by plan, drift and review.
void check_policy_rules(const model::AccountState& state, Diagnostics& diagnostics);

}  // namespace fastly_accounts::config
