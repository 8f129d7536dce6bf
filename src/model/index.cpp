#include <fastly_accounts/model/index.hpp>
#include <fastly_accounts/util/time.hpp>

namespace fastly_accounts::model {

bool usable(const Invitation& invitation, std::int64_t now_epoch) {
    if (!invitation.active) {
        return false;
    }
    const auto created = util::parse_utc(invitation.created_at);
    return !created || now_epoch - *created < invitation_lifetime_seconds;
}

namespace {

template <typename Map, typename Key>
auto lookup(const Map& map, const Key& key) -> typename Map::mapped_type {
    auto it = map.find(key);
    return it == map.end() ? nullptr : it->second;
}

}  // namespace

LiveIndex::LiveIndex(const LiveAccount& live, std::int64_t now_epoch) : m_live(live), m_now(now_epoch) {
    for (const auto& u : live.state.users) {
        auto [it, inserted] = m_users.emplace(email_key(u.login), &u);
        if (!inserted) {
            m_ambiguous.push_back(it->second->login + " and " + u.login);
        }
    }
    for (const auto& i : live.state.invitations) {
        auto& slot = m_invitations[email_key(i.email)];
        // Usable beats unusable; between equals, the newest (ISO 8601 UTC times compare as text).
        const bool better = slot == nullptr || (usable(i) && !usable(*slot)) ||
                            (usable(i) == usable(*slot) && i.created_at > slot->created_at);
        if (better) {
            slot = &i;
        }
    }
    for (const auto& g : live.state.user_groups) {
        m_user_groups.emplace(g.name, &g);
    }
    for (const auto& g : live.state.service_groups) {
        m_service_groups.emplace(g.name, &g);
    }
    for (const auto& r : live.state.roles) {
        m_roles.emplace(r.name, &r);
    }
}

const User* LiveIndex::user(std::string_view login) const {
    return lookup(m_users, email_key(login));
}

const Invitation* LiveIndex::invitation(std::string_view email) const {
    return lookup(m_invitations, email_key(email));
}

const UserGroup* LiveIndex::user_group(const std::string& name) const {
    return lookup(m_user_groups, name);
}

const ServiceGroup* LiveIndex::service_group(const std::string& name) const {
    return lookup(m_service_groups, name);
}

const Role* LiveIndex::custom_role(const std::string& name) const {
    return lookup(m_roles, name);
}

}  // namespace fastly_accounts::model
