#pragma once

// The writes of service-limited access, for the executor: service authorizations revoked, made and changed,
// and the API tokens revoked before a user is deleted. Internal to src/apply.

#include <fastly_accounts/live/api_client.hpp>
#include <fastly_accounts/model/index.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fastly_accounts::apply::detail {

/// Sends `post`; when its outcome is unknown, looks for what it made with `find_existing` before sending
/// it again (the executor's create_checked).
using CreateChecked = std::function<std::string(const std::function<std::string()>& post,
                                                const std::function<std::optional<std::string>()>& find_existing)>;

/// Revokes the grants `revoke` of user `user_id` (one DELETE, or bulk DELETEs). An authorization already
/// gone is success: when the API answers 404, the authorizations are read again and only those still
/// there are revoked.
void revoke_grants(live::ApiClient& api, const model::LiveIndex& index, const std::string& user_id,
                   const std::vector<std::pair<std::string, model::ServicePermission>>& revoke);

/// Makes the grants `delta.grant` and changes the permissions `delta.change` of user `user_id`.
void grant(live::ApiClient& api, const model::LiveIndex& index, const std::string& user_id,
           const plan::GrantDelta& delta, const CreateChecked& create_checked);

/// Revokes the tokens `ids`; a token already gone is success.
void revoke_tokens(live::ApiClient& api, const std::vector<std::string>& ids);

}  // namespace fastly_accounts::apply::detail
