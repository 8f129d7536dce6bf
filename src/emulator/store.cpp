#include "store.hpp"

#include <algorithm>

namespace fastly_emulator {

namespace {

// Removes `value` from the list an index files under `key`, and the key once its list is empty.
template <class Index, class Key>
void unindex(Index& index, const Key& key, const std::string& value) {
    auto it = index.find(key);
    if (it == index.end()) {
        return;
    }
    std::erase(it->second, value);
    if (it->second.empty()) {
        index.erase(it);
    }
}

}  // namespace

bool MemberList::contains(const Member& member) const {
    return std::find(m_members.begin(), m_members.end(), member) != m_members.end();
}

Store::Store() = default;

std::string Store::new_id() {
    // Collisions are astronomically unlikely, but a seed may carry arbitrary IDs, so check anyway.
    for (;;) {
        std::string id = m_ids.next();
        if (!users.find(id) && !roles.find(id) && !permissions.find(id) && !services.find(id) &&
            !service_groups.find(id) && !user_groups.find(id) && !invitations.find(id) && !tokens.find(id) &&
            !service_authorizations.find(id) && !events.find(id) && id != customer.id) {
            return id;
        }
    }
}

User& Store::add_user(User user) {
    m_login_index[to_lower(user.login)] = user.id;
    return users.insert(std::move(user));
}

User* Store::user_by_login(std::string_view login) {
    auto it = m_login_index.find(to_lower(login));
    return it == m_login_index.end() ? nullptr : users.find(it->second);
}

Role* Store::role_by_ref(const std::string& ref) {
    if (Role* role = roles.find(ref)) {
        return role;
    }
    for (Role& role : roles.rows()) {
        if (role.name == ref) {
            return &role;
        }
    }
    return nullptr;
}

Permission* Store::permission_by_ref(const std::string& ref) {
    if (Permission* permission = permissions.find(ref)) {
        return permission;
    }
    for (Permission& permission : permissions.rows()) {
        if (permission.name == ref) {
            return &permission;
        }
    }
    return nullptr;
}

ServiceGroup* Store::service_group_by_name(const std::string& name) {
    for (ServiceGroup& group : service_groups.rows()) {
        if (group.name == name) {
            return &group;
        }
    }
    return nullptr;
}

UserGroup* Store::user_group_by_name(const std::string& name) {
    for (UserGroup& group : user_groups.rows()) {
        if (group.name == name) {
            return &group;
        }
    }
    return nullptr;
}

Invitation& Store::add_invitation(Invitation invitation) {
    m_invitation_email_index[to_lower(invitation.email)].push_back(invitation.id);
    return invitations.insert(std::move(invitation));
}

std::vector<Invitation*> Store::invitations_by_email(std::string_view email) {
    std::vector<Invitation*> found;
    if (auto it = m_invitation_email_index.find(to_lower(email)); it != m_invitation_email_index.end()) {
        for (const std::string& id : it->second) {
            found.push_back(invitations.find(id));
        }
    }
    return found;
}

Invitation* Store::invitation_by_email(std::string_view email) {
    std::vector<Invitation*> found = invitations_by_email(email);
    return found.empty() ? nullptr : found.front();
}

Invitation* Store::active_invitation_by_email(std::string_view email) {
    for (Invitation* invitation : invitations_by_email(email)) {
        if (invitation_status_code(*invitation) == 1) {
            return invitation;
        }
    }
    return nullptr;
}

int Store::invitation_status_code(const Invitation& invitation) const {
    return now() - invitation.created_at < invitation_lifetime_seconds ? 1 : 0;
}

void Store::add_members(UserGroup& group, const std::vector<Member>& members) {
    for (const Member& member : members) {
        if (!group.members.contains(member)) {
            group.members.m_members.push_back(member);
            m_groups_by_member[member].push_back(group.id);
        }
    }
}

void Store::remove_members(UserGroup& group, const std::vector<Member>& members) {
    for (const Member& member : members) {
        if (std::erase(group.members.m_members, member) > 0) {
            unindex(m_groups_by_member, member, group.id);
        }
    }
}

void Store::move_memberships(const Member& from, const Member& to) {
    for (const std::string& group_id : take_groups_of(from)) {
        if (UserGroup* group = user_groups.find(group_id)) {
            std::vector<Member>& members = group->members.m_members;
            if (group->members.contains(to)) {
                std::erase(members, from);
            } else {
                std::replace(members.begin(), members.end(), from, to);
                m_groups_by_member[to].push_back(group_id);
            }
        }
    }
}

const std::vector<std::string>& customer_contact_fields() {
    static const std::vector<std::string> fields{"security_contact_id", "technical_contact_id", "billing_contact_id",
                                                 "legal_contact_id"};
    return fields;
}

std::vector<std::string> Store::contacts_of(const std::string& user_id) const {
    std::vector<std::string> out;
    for (const std::string& key : customer_contact_fields()) {
        auto it = customer.attributes.find(key);
        if (it != customer.attributes.end() && it->is_string() && it->get<std::string>() == user_id) {
            out.push_back(key);
        }
    }
    return out;
}

void Store::delete_user(const std::string& id) {
    const User* user = users.find(id);
    if (!user) {
        return;
    }
    for (const std::string& key : contacts_of(id)) {
        customer.attributes[key] = nullptr;
    }
    m_login_index.erase(to_lower(user->login));
    for (const Token* token : tokens_of(id)) {
        delete_token(std::string(token->id));
    }
    if (auto node = m_authorizations_by_user.extract(id); !node.empty()) {
        for (const std::string& authorization_id : node.mapped()) {
            service_authorizations.erase(authorization_id);
        }
    }
    remove_from_all_groups({MemberKind::user, id});
    rate.used.erase(id);
    users.erase(id);
}

Token& Store::add_token(Token token) {
    m_token_secret_index[token.secret] = token.id;
    return tokens.insert(std::move(token));
}

const Token* Store::token_by_secret(const std::string& secret) const {
    auto it = m_token_secret_index.find(secret);
    return it == m_token_secret_index.end() ? nullptr : tokens.find(it->second);
}

std::vector<const Token*> Store::tokens_of(const std::string& user_id) const {
    std::vector<const Token*> found;
    for (const Token& token : tokens.rows()) {
        if (token.user_id == user_id) {
            found.push_back(&token);
        }
    }
    return found;
}

void Store::delete_token(const std::string& id) {
    if (const Token* token = tokens.find(id)) {
        m_token_secret_index.erase(token->secret);
        tokens.erase(id);
    }
}

ServiceAuthorization& Store::add_service_authorization(ServiceAuthorization authorization) {
    m_authorizations_by_user[authorization.user_id].push_back(authorization.id);
    return service_authorizations.insert(std::move(authorization));
}

ServiceAuthorization* Store::service_authorization_for(const std::string& user_id, const std::string& service_id) {
    auto it = m_authorizations_by_user.find(user_id);
    if (it == m_authorizations_by_user.end()) {
        return nullptr;
    }
    for (const std::string& id : it->second) {
        ServiceAuthorization* authorization = service_authorizations.find(id);
        if (authorization && authorization->service_id == service_id) {
            return authorization;
        }
    }
    return nullptr;
}

void Store::delete_service_authorization(const std::string& id) {
    if (const ServiceAuthorization* authorization = service_authorizations.find(id)) {
        unindex(m_authorizations_by_user, authorization->user_id, id);
        service_authorizations.erase(id);
    }
}

void Store::delete_invitation(const std::string& id) {
    const Invitation* invitation = invitations.find(id);
    if (!invitation) {
        return;
    }
    unindex(m_invitation_email_index, to_lower(invitation->email), id);
    remove_from_all_groups({MemberKind::invitation, id});
    invitations.erase(id);
}

void Store::delete_role(const std::string& id) {
    for (User& user : users.rows()) {
        std::erase(user.roles, id);
    }
    for (Invitation& invitation : invitations.rows()) {
        std::erase(invitation.roles, id);
    }
    for (UserGroup& group : user_groups.rows()) {
        std::erase(group.roles, id);
    }
    roles.erase(id);
}

void Store::delete_service_group(const std::string& id) {
    for (UserGroup& group : user_groups.rows()) {
        std::erase(group.service_groups, id);
    }
    service_groups.erase(id);
}

void Store::delete_user_group(const std::string& id) {
    if (const UserGroup* group = user_groups.find(id)) {
        for (const Member& member : group->members) {
            unindex(m_groups_by_member, member, id);
        }
    }
    user_groups.erase(id);
}

void Store::reset() {
    customer = Customer{};
    users.clear();
    permissions.clear();
    roles.clear();
    services.clear();
    service_groups.clear();
    user_groups.clear();
    invitations.clear();
    tokens.clear();
    service_authorizations.clear();
    events.clear();
    rate = RateCounters{};
    clock_offset = 0;
    m_login_index.clear();
    m_token_secret_index.clear();
    m_authorizations_by_user.clear();
    m_groups_by_member.clear();
    m_invitation_email_index.clear();
}

std::vector<std::string> Store::take_groups_of(const Member& member) {
    auto node = m_groups_by_member.extract(member);
    return node.empty() ? std::vector<std::string>{} : std::move(node.mapped());
}

void Store::remove_from_all_groups(const Member& member) {
    for (const std::string& group_id : take_groups_of(member)) {
        if (UserGroup* group = user_groups.find(group_id)) {
            std::erase(group->members.m_members, member);
        }
    }
}

}  // namespace fastly_emulator
