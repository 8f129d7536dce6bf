#include <algorithm>
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
    for (const auto& a : live.service_authorizations) {
        m_authorizations.emplace(a.user_id + "/" + a.service_id, &a);
    }
    if (live.tokens) {
        for (const auto& t : *live.tokens) {
            m_tokens.emplace(t.user_id, &t);
        }
    }
}

const ServiceAuthorization* LiveIndex::authorization(const std::string& user_id, const std::string& service_id) const {
    return lookup(m_authorizations, user_id + "/" + service_id);
}

std::vector<const ApiToken*> LiveIndex::tokens(const std::string& user_id) const {
    std::vector<const ApiToken*> out;
    auto [first, last] = m_tokens.equal_range(user_id);
    for (auto it = first; it != last; ++it) {
        out.push_back(it->second);
    }
    // An unordered_multimap keeps no order: the API's is the reader's.
    std::sort(out.begin(), out.end());
    return out;
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
