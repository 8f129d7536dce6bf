#pragma once

#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::apply {

/// The changes of a saved `plan` whose expectations no longer hold in `live`, one line each saying which
/// change and what differs: an object to create that now exists, an object to change or delete that is
/// gone or has another id, a field whose live value is no longer the plan's `from`, a list entry to add
/// that is already there or one to remove that is already gone. Empty when the plan still applies as
/// reviewed.
std::vector<std::string> stale_changes(const plan::Plan& plan, const model::LiveAccount& live);

}  // namespace fastly_accounts::apply
