#include "store.hpp"

#include <algorithm>

namespace fastly_emulator {

namespace {

template <class T>
void erase_value(std::vector<T>& values, const T& value) {
    values.erase(std::remove(values.begin(), values.end(), value), values.end());
}

}  // namespace

Store::Store() = default;

std::string Store::new_id() {
    // Collisions are astronomically unlikely, but a seed may carry arbitrary IDs, so check anyway.
    for (;;) {
        std::string id = m_ids.next();
        if (!users.find(id) && !roles.find(id) && !permissions.find(id) && !services.find(id) &&
            !service_groups.find(id) && !user_groups.find(id) && !invitations.find(id) && id != customer.id) {
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

Invitation* Store::active_invitation_by_email(std::string_view email) {
    std::string wanted = to_lower(email);
    for (Invitation& invitation : invitations.rows()) {
        if (to_lower(invitation.email) == wanted && invitation_status_code(invitation) == 1) {
            return &invitation;
        }
    }
    return nullptr;
}

int Store::invitation_status_code(const Invitation& invitation) const {
    return now() - invitation.created_at < invitation_lifetime_seconds ? 1 : 0;
}

void Store::delete_user(const std::string& id) {
    const User* user = users.find(id);
    if (!user) {
        return;
    }
    m_login_index.erase(to_lower(user->login));
    for (auto it = tokens.begin(); it != tokens.end();) {
        it = it->second == id ? tokens.erase(it) : std::next(it);
    }
    Member member{MemberKind::user, id};
    for (UserGroup& group : user_groups.rows()) {
        erase_value(group.members, member);
    }
    rate.used.erase(id);
    users.erase(id);
}

void Store::delete_invitation(const std::string& id) {
    Member member{MemberKind::invitation, id};
    for (UserGroup& group : user_groups.rows()) {
        erase_value(group.members, member);
    }
    invitations.erase(id);
}

void Store::delete_role(const std::string& id) {
    for (User& user : users.rows()) {
        erase_value(user.roles, id);
    }
    for (Invitation& invitation : invitations.rows()) {
        erase_value(invitation.roles, id);
    }
    for (UserGroup& group : user_groups.rows()) {
        erase_value(group.roles, id);
    }
    roles.erase(id);
}

void Store::delete_service_group(const std::string& id) {
    for (UserGroup& group : user_groups.rows()) {
        erase_value(group.service_groups, id);
    }
    service_groups.erase(id);
}

void Store::delete_user_group(const std::string& id) {
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
    rate = RateCounters{};
    clock_offset = 0;
    m_login_index.clear();
}

}  // namespace fastly_emulator
