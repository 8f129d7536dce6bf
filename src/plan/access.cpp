// What a reviewer must not miss: the privilege escalations of a change, and the access pruning takes from
// holders the files do not manage.
#include "differ.hpp"

namespace fastly_accounts::plan::detail {

// Why holding the role `name` is a privilege escalation, or "" when it is not: the predefined
// Superuser role, or a custom role with account-scope permissions (as the files define it, else as
// the account has it).
std::string Differ::escalating_role(const std::string& name) const {
    if (model::role_name_key(name) == "superuser") {
        return "the Superuser role";
    }
    const std::vector<std::string>* permissions = nullptr;
    if (auto d = m_desired_role_objects.find(name); d != m_desired_role_objects.end() && d->second->permissions) {
        permissions = &*d->second->permissions;
    } else if (const model::Role* l = m_index.custom_role(name); l != nullptr && l->permissions) {
        permissions = &*l->permissions;
    }
    const auto account = account_scope(permissions ? *permissions : std::vector<std::string>{});
    return account.empty() ? "" : fmt::format("role '{}' (account-scope: {})", name, util::join(account, ", "));
}

std::vector<std::string> Differ::account_scope(const std::vector<std::string>& permissions) const {
    std::vector<std::string> out;
    std::copy_if(permissions.begin(), permissions.end(), std::back_inserter(out),
                 [&](const std::string& p) { return m_account_permissions.count(p) > 0; });
    return out;
}

// The escalations of going from the role list `from` to `to` (names): each role gained that escalates.
std::vector<std::string> Differ::escalations(const std::vector<std::string>& from, const std::vector<std::string>& to) {
    std::set<std::string> had;
    for (const auto& name : from) {
        had.insert(role_identity(name, ""));
    }
    std::vector<std::string> out;
    for (const auto& name : to) {
        if (had.count(role_identity(name, "")) == 0) {
            if (auto why = escalating_role(name); !why.empty()) {
                out.push_back(why);
            }
        }
    }
    return out;
}

// Marks what a reviewer must not miss on a user's change: becoming superuser, gaining the Superuser
// role or a role with account-scope permissions, being unlocked.
void Differ::mark_user_escalations(Change& change, bool created) {
    for (const auto& f : change.fields) {
        if (f.field == Field::role && f.to == Value(std::string("superuser"))) {
            change.sensitive.push_back(created
                                           ? "privilege escalation: created as superuser"
                                           : fmt::format("privilege escalation: role {} → superuser", display(f.from)));
        } else if (f.field == Field::roles) {
            const auto* from = std::get_if<std::vector<std::string>>(&f.from);
            const auto* to = std::get_if<std::vector<std::string>>(&f.to);
            for (const auto& why :
                 escalations(from ? *from : std::vector<std::string>{}, to ? *to : std::vector<std::string>{})) {
                change.sensitive.push_back("privilege escalation: gains " + why);
            }
        } else if (f.field == Field::limit_services && f.from == Value(true) && f.to == Value(false)) {
            change.sensitive.push_back("privilege escalation: limit_services lifted, so every service is open to them");
        } else if (f.field == Field::locked && f.from == Value(true) && f.to == Value(false)) {
            change.sensitive.push_back("unlocks the user (a lock may have been set by hand, in an incident)");
        }
    }
}

// Adding roles or members to a group whose roles escalate is an escalation for those members.
void Differ::mark_group_escalations(Change& adds, const model::UserGroup& group, const model::UserGroup& have) {
    const auto have_roles = have.roles.value_or(std::vector<std::string>{});
    const auto after = group.roles ? *group.roles : have_roles;
    for (const auto& why : escalations(have_roles, after)) {
        adds.sensitive.push_back("privilege escalation: the group's members gain " + why);
    }
    const auto members = std::find_if(adds.lists.begin(), adds.lists.end(),
                                      [](const ListChange& l) { return l.field == Field::members; });
    if (members == adds.lists.end() || members->add.empty()) {
        return;
    }
    for (const auto& why : escalations({}, after)) {
        adds.sensitive.push_back(
            fmt::format("privilege escalation: {} added to a group with {}", util::join(members->add, ", "), why));
    }
}

// Deleting a custom role or a service group strips it from everything that holds it. Holders the files
// manage lose it through changes of their own (counted there); the others are listed on the deletion,
// as `held_by`, so the reviewer sees who loses access and the revocation guard counts them.
void Differ::strip_pruned() {
    std::set<const Change*> kept;  // deletions not made: an ignored object holds what they would delete
    for (auto& change : m_plan.changes) {
        if (change.action != Action::remove || (change.kind != Kind::roles && change.kind != Kind::service_groups)) {
            continue;
        }
        ListChange held{Field::held_by, {}, {}};
        auto holds = [&](const std::optional<std::vector<std::string>>& list) {
            const auto& entries = list.value_or(std::vector<std::string>{});
            return std::find(entries.begin(), entries.end(), change.key) != entries.end();
        };
        auto suffix = [&](Kind kind, const std::string& key) { return ignored(kind, key) ? " (ignored)" : ""; };
        for (const auto& group : m_live.state.user_groups) {
            const bool has = change.kind == Kind::roles ? holds(group.roles) : holds(group.service_groups);
            if (!has || group_deleted(group.name)) {
                continue;
            }
            auto desired = m_desired_user_groups.find(group.name);
            const bool managed = desired != m_desired_user_groups.end() &&
                                 (change.kind == Kind::roles ? desired->second->roles
                                                             : desired->second->service_groups);
            if (!managed) {
                held.remove.push_back(held_by_entry(Kind::user_groups, group.name) +
                                      suffix(Kind::user_groups, group.name));
            }
        }
        if (change.kind == Kind::roles) {
            for (const auto& user : m_live.state.users) {
                const std::string key = model::email_key(user.login);
                auto desired = m_desired_users.find(key);
                const bool managed = desired != m_desired_users.end() && desired->second->roles;
                const bool deleted = pruned(Kind::users) && m_desired_people.count(key) == 0 &&
                                     !ignored(Kind::users, user.login);
                if (holds(user.roles) && !managed && !deleted) {
                    held.remove.push_back(held_by_entry(Kind::users, user.login) + suffix(Kind::users, user.login));
                }
            }
            for (const auto& invitation : m_live.state.invitations) {
                if (usable(invitation) && holds(invitation.roles) &&
                    m_replaced.count(model::email_key(invitation.email)) == 0) {
                    held.remove.push_back(held_by_entry(Kind::invitations, invitation.email) +
                                          suffix(Kind::invitations, invitation.email));
                }
            }
        }
        const auto ignored_holder = std::find_if(held.remove.begin(), held.remove.end(), [](const std::string& entry) {
            return entry.size() > 10 && entry.compare(entry.size() - 10, 10, " (ignored)") == 0;
        });
        if (ignored_holder != held.remove.end()) {
            // Ignored objects are never changed, and deleting this would change one: it stays, as unmanaged.
            m_plan.notes.push_back(fmt::format(
                "{} '{}' is not pruned: the ignored {} holds it, and ignored objects are "
                "never changed",
                model::noun(change.kind), change.key, ignored_holder->substr(0, ignored_holder->size() - 10)));
            m_plan.unmanaged.push_back({change.kind, change.key});
            kept.insert(&change);
            continue;
        }
        if (!held.remove.empty()) {
            change.sensitive.push_back(fmt::format("access lost through pruning: {} the files do not manage {} it",
                                                   util::plural(held.remove.size(), "holder", "holders"),
                                                   held.remove.size() == 1 ? "loses" : "lose"));
            change.lists.push_back(std::move(held));
        }
    }
    std::erase_if(m_plan.changes, [&](const Change& c) { return kept.count(&c) > 0; });
}

}  // namespace fastly_accounts::plan::detail
