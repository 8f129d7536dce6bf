#pragma once

// Shared by guards.cpp and policy.cpp; private to src/plan.

#include <cstdint>
#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/model/state.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::plan {

/// Superusers (by legacy role or the IAM role) the account has once `plan` is applied.
struct SuperuserCount {
    int active = 0;
    int locked = 0;
};
SuperuserCount superusers_after(const Plan& plan, const model::LiveAccount& live, std::int64_t now);

/// What `plan` would make break a rule of desired.policy, one sentence each ("makes ... superuser, leaving
/// ..."); empty when nothing. The `policy` guard refuses the plan for them.
std::vector<std::string> policy_refusals(const Plan& plan, const model::AccountState& desired,
                                         const model::LiveAccount& live, std::int64_t now);

}  // namespace fastly_accounts::plan
