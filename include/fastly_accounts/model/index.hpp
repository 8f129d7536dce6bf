#pragma once

#include <cstdint>
#include <fastly_accounts/model/live.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fastly_accounts::model {

/// Invitations older than this are expired: Fastly's invitations can be accepted for seven days.
inline constexpr std::int64_t invitation_lifetime_seconds = 7 * 24 * 3600;

/// True when `invitation` can still be accepted at `now_epoch`: active and younger than seven days (an
/// unreadable created_at counts as young: the API's status says more than a guess).
bool usable(const Invitation& invitation, std::int64_t now_epoch);

/// The live account looked up by key, built once and shared by diff and the executor, so both pick the
/// same object: users by login and invitations by email (both folded as email_key), groups and custom
/// roles by name, roles named as the files name them through LiveAccount::find_role.
class LiveIndex {
public:
    LiveIndex(const LiveAccount& live, std::int64_t now_epoch);

    const User* user(std::string_view login) const;
    /// The invitation that speaks for `email` when there are several: a usable one (the newest), else the
    /// newest of the others. Null when there is none.
    const Invitation* invitation(std::string_view email) const;
    const UserGroup* user_group(const std::string& name) const;
    const ServiceGroup* service_group(const std::string& name) const;
    const Role* custom_role(const std::string& name) const;
    /// The catalog role the name in a file stands for (LiveAccount::find_role).
    const CatalogRole* role(std::string_view name) const { return m_live.find_role(name); }
    bool usable(const Invitation& invitation) const { return model::usable(invitation, m_now); }
    /// The service authorization that gives user `user_id` the service `service_id`, or null.
    const ServiceAuthorization* authorization(const std::string& user_id, const std::string& service_id) const;
    /// The API tokens of user `user_id`, in the order the API listed them: none when the tokens could
    /// not be read (LiveAccount::tokens).
    std::vector<const ApiToken*> tokens(const std::string& user_id) const;
    /// Live users whose logins are the same key (straße@ and STRASSE@ fold alike): "a and b", one line
    /// each. The files cannot name one of them apart from the other, so a plan must not guess.
    const std::vector<std::string>& ambiguous_users() const { return m_ambiguous; }
    std::int64_t now() const { return m_now; }

private:
    const LiveAccount& m_live;
    std::int64_t m_now;
    std::unordered_map<std::string, const User*> m_users;
    std::unordered_map<std::string, const Invitation*> m_invitations;
    std::unordered_map<std::string, const UserGroup*> m_user_groups;
    std::unordered_map<std::string, const ServiceGroup*> m_service_groups;
    std::unordered_map<std::string, const Role*> m_roles;
    std::unordered_map<std::string, const ServiceAuthorization*> m_authorizations;  // by "user id/service id"
    std::unordered_multimap<std::string, const ApiToken*> m_tokens;                 // by user id
    std::vector<std::string> m_ambiguous;
};

}  // namespace fastly_accounts::model
