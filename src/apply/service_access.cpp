#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <set>

#include "service_access.hpp"

namespace fastly_accounts::apply::detail {

namespace {

// The ID of the authorization giving `user_id` the service `service_id` (with `permission`, when given) as
// the API lists it now, or nullopt.
std::optional<std::string> listed_authorization(live::ApiClient& api, const std::string& user_id,
                                                const std::string& service_id,
                                                std::optional<model::ServicePermission> permission = std::nullopt) {
    for (const auto& authorization : api.list_service_authorizations()) {
        if (authorization.user_id == user_id && authorization.service_id == service_id &&
            (!permission || authorization.permission == *permission)) {
            return authorization.id;
        }
    }
    return std::nullopt;
}

// The ID of the authorization giving `user_id` the service `service_id`: as the plan read it, else (one
// made by hand since) as the API lists it now.
std::string authorization_id(live::ApiClient& api, const model::LiveIndex& index, const std::string& user_id,
                             const std::string& service_id) {
    if (const auto* found = index.authorization(user_id, service_id)) {
        return found->id;
    }
    if (auto listed = listed_authorization(api, user_id, service_id)) {
        return *listed;
    }
    throw util::Error(fmt::format("user {} has no service authorization for service {}", user_id, service_id));
}

}  // namespace

void revoke_grants(live::ApiClient& api, const model::LiveIndex& index, const std::string& user_id,
                   const std::vector<std::pair<std::string, model::ServicePermission>>& revoke) {
    std::vector<std::string> ids;
    for (const auto& grant : revoke) {
        if (const auto* found = index.authorization(user_id, grant.first)) {
            ids.push_back(found->id);
        }
    }
    if (ids.empty()) {
        return;
    }
    try {
        api.delete_service_authorizations(ids);
    } catch (const live::ApiError& e) {
        if (e.status() != 404) {
            throw;
        }
        // Bulk deletes are all or nothing: one authorization gone (an earlier attempt, or by hand) fails them all.
        spdlog::info("{}; reading the service authorizations again to revoke only those still there", e.what());
        std::set<std::string> wanted(ids.begin(), ids.end());
        std::vector<std::string> present;
        for (const auto& authorization : api.list_service_authorizations()) {
            if (wanted.count(authorization.id) > 0) {
                present.push_back(authorization.id);
            }
        }
        if (!present.empty()) {
            api.delete_service_authorizations(present);
        }
    }
}

void grant(live::ApiClient& api, const model::LiveIndex& index, const std::string& user_id,
           const plan::GrantDelta& delta, const CreateChecked& create_checked) {
    for (const auto& entry : delta.grant) {
        const std::string& service = entry.first;  // not a structured binding: lambdas capture it (clang 14)
        const model::ServicePermission permission = entry.second;
        create_checked([&] { return api.create_service_authorization(user_id, service, permission); },
                       // Ours only when it grants what was sent.
                       [&] { return listed_authorization(api, user_id, service, permission); });
    }
    if (!delta.change.empty()) {
        std::vector<std::pair<std::string, model::ServicePermission>> updates;
        for (const auto& [service, permission] : delta.change) {
            updates.emplace_back(authorization_id(api, index, user_id, service), permission);
        }
        api.update_service_authorizations(updates);
    }
}

void revoke_tokens(live::ApiClient& api, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        try {
            api.delete_token(id);
        } catch (const live::ApiError& e) {
            if (e.status() != 404) {
                throw;
            }
        }
    }
}

}  // namespace fastly_accounts::apply::detail
