#pragma once

#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <optional>

namespace fastly_accounts::plan {

/// The guard `custom_roles`, when the account's custom roles cannot be changed through the API (the
/// legacy `/roles` API answered 404: `live.custom_roles_writable` is false). It trips when `plan` creates,
/// changes or deletes a custom role, naming them and saying why, so that apply refuses before any write
/// rather than failing in stage 1. Nullopt when custom roles can be changed: no guard is added then.
std::optional<Guard> custom_roles_guard(const Plan& plan, const model::LiveAccount& live);

}  // namespace fastly_accounts::plan
