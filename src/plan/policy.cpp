// The rules of `policy:` checked against the account (README "Policy rules"): what the live account breaks
// (drift, review), and what a plan would break (the `policy` guard, which refuses it).
#include "policy.hpp"
#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <map>
#include <set>

namespace fastly_accounts::plan {

namespace {

using model::Kind;

bool is_superuser_role(std::string_view name) {
    return model::role_name_key(name) == "superuser";
}

// Whether a holder of `role` (legacy) and `roles` (IAM, their own and their groups') holds `rule_role`, a name
// of policy.require_2fa_for: a legacy role's API spelling or an IAM role's name.
bool holds(std::string_view rule_role, std::optional<model::UserRole> role, const std::vector<std::string>& roles) {
    const std::string key = model::role_name_key(rule_role);
    if (role && model::role_name_key(model::to_string(*role)) == key) {
        return true;
    }
    return std::any_of(roles.begin(), roles.end(),
                       [&](const std::string& n) { return model::role_name_key(n) == key; });
}

// What one person holds: the legacy role, IAM roles, and the user groups they are in.
struct Standing {
    std::optional<model::UserRole> role;
    std::vector<std::string> roles;
    std::vector<std::string> groups;
    const model::User* user = nullptr;  ///< the live user; nullptr for an invitation
};

// The IAM roles of each user group, by name.
using GroupRoles = std::map<std::string, std::vector<std::string>>;

// Every live user's standing (by email key), and the live groups' roles.
std::map<std::string, Standing> live_standings(const model::LiveAccount& live, GroupRoles& group_roles) {
    std::map<std::string, Standing> out;
    for (const auto& user : live.state.users) {
        out[model::email_key(user.login)] = {user.role, user.roles.value_or(std::vector<std::string>{}), {}, &user};
    }
    for (const auto& group : live.state.user_groups) {
        group_roles[group.name] = group.roles.value_or(std::vector<std::string>{});
        for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
            auto it = out.find(model::email_key(member));
            if (it != out.end()) {
                it->second.groups.push_back(group.name);
            }
        }
    }
    return out;
}

// The standings once `plan` is applied: users' roles as the changes set them, users deleted gone, the
// invitations it sends (as standings of their own, counted once accepted), and each user group's members and
// roles as the changes leave them.
std::map<std::string, Standing> standings_after(const Plan& plan, const model::LiveAccount& live,
                                                GroupRoles& group_roles) {
    std::map<std::string, Standing> out = live_standings(live, group_roles);
    for (const auto& change : plan.changes) {
        const std::string key = model::email_key(change.key);
        if (change.kind == Kind::users || change.kind == Kind::invitations) {
            if (change.action == Action::remove) {
                if (change.kind == Kind::users) {
                    out.erase(key);
                }
                continue;
            }
            Standing& standing = out[change.kind == Kind::users ? key : "invitation:" + key];
            for (const auto& f : change.fields) {
                if (f.field == Field::role) {
                    const auto* text = std::get_if<std::string>(&f.to);
                    standing.role = text ? model::parse_user_role(*text) : std::nullopt;
                } else if (f.field == Field::roles) {
                    if (const auto* to = std::get_if<std::vector<std::string>>(&f.to)) {
                        standing.roles = *to;
                    }
                }
            }
        } else if (change.kind == Kind::user_groups) {
            if (change.action == Action::remove) {
                group_roles.erase(change.key);
                continue;
            }
            std::vector<std::string>& roles = group_roles[change.key];
            for (const auto& list : change.lists) {
                if (list.field == Field::roles) {
                    std::erase_if(roles, [&](const std::string& r) {
                        return std::find(list.remove.begin(), list.remove.end(), r) != list.remove.end();
                    });
                    roles.insert(roles.end(), list.add.begin(), list.add.end());
                } else if (list.field == Field::members) {
                    for (const auto& member : list.add) {
                        out[model::email_key(member)].groups.push_back(change.key);
                    }
                    for (const auto& member : list.remove) {
                        auto it = out.find(model::email_key(member));
                        if (it != out.end()) {
                            std::erase(it->second.groups, change.key);
                        }
                    }
                }
            }
        }
    }
    return out;
}

// The IAM roles `standing` holds, its own and its groups'.
std::vector<std::string> all_roles(const Standing& standing, const GroupRoles& group_roles) {
    std::vector<std::string> roles = standing.roles;
    for (const auto& group : standing.groups) {
        auto it = group_roles.find(group);
        if (it != group_roles.end()) {
            roles.insert(roles.end(), it->second.begin(), it->second.end());
        }
    }
    return roles;
}

bool superuser(const Standing& standing, const GroupRoles& group_roles) {
    const auto roles = all_roles(standing, group_roles);
    return standing.role == model::UserRole::superuser || std::any_of(roles.begin(), roles.end(), is_superuser_role);
}

// The names of policy.require_2fa_for that `standing` holds.
std::vector<std::string> rule_roles_held(const model::Policy& policy, const Standing& standing,
                                         const GroupRoles& group_roles) {
    const auto roles = all_roles(standing, group_roles);
    std::vector<std::string> held;
    for (const auto& rule_role : policy.require_2fa_for) {
        if (holds(rule_role, standing.role, roles)) {
            held.push_back(rule_role);
        }
    }
    return held;
}

// The logins of the superusers among `standings` (locked ones too: a lock is one click from undone);
// invitations as "x (invited)".
std::vector<std::string> superusers(const std::map<std::string, Standing>& standings, const GroupRoles& group_roles) {
    std::vector<std::string> out;
    for (const auto& [key, standing] : standings) {
        if (superuser(standing, group_roles)) {
            out.push_back(standing.user ? standing.user->login : key.substr(key.find(':') + 1) + " (invited)");
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::vector<PolicyViolation> policy_violations(const model::AccountState& desired, const model::LiveAccount& live) {
    const model::Policy& policy = desired.policy;
    std::vector<PolicyViolation> out;
    const auto ignored_user = [&](const std::string& login) { return desired.ignore.matches(Kind::users, login); };
    if (!policy.allowed_email_domains.empty()) {
        const std::string allowed = util::join(policy.allowed_email_domains, ", ");
        for (const auto& user : live.state.users) {
            if (!ignored_user(user.login) && !model::email_domain_allowed(policy.allowed_email_domains, user.login)) {
                out.push_back(
                    {"allowed_email_domains",
                     fmt::format("the user '{}' is outside policy.allowed_email_domains ({})", user.login, allowed)});
            }
        }
        for (const auto& invitation : live.state.invitations) {
            if (invitation.active && !desired.ignore.matches(Kind::invitations, invitation.email) &&
                !model::email_domain_allowed(policy.allowed_email_domains, invitation.email)) {
                out.push_back({"allowed_email_domains",
                               fmt::format("the invitation of '{}' is outside policy.allowed_email_domains ({})",
                                           invitation.email, allowed)});
            }
        }
    }
    GroupRoles group_roles;
    const auto standings = live_standings(live, group_roles);
    if (policy.max_superusers) {
        const auto found = superusers(standings, group_roles);
        if (static_cast<int>(found.size()) > *policy.max_superusers) {
            out.push_back(
                {"max_superusers", fmt::format("the account has {} superusers ({}), more than "
                                               "policy.max_superusers {}",
                                               found.size(), util::join(found, ", "), *policy.max_superusers)});
        }
    }
    for (const auto& [key, standing] : standings) {
        // 2FA on, or not known: not shown as a violation.
        if (policy.require_2fa_for.empty() || ignored_user(standing.user->login) ||
            standing.user->two_factor_auth_enabled != false) {
            continue;
        }
        const auto held = rule_roles_held(policy, standing, group_roles);
        if (!held.empty()) {
            out.push_back({"require_2fa_for",
                           fmt::format("the user '{}' holds {} without two-factor authentication "
                                       "(policy.require_2fa_for); 2FA cannot be turned on through the API: ask "
                                       "them to enable it",
                                       standing.user->login, util::join(held, ", "))});
        }
    }
    return out;
}

// What the plan itself would make break a rule: more superusers than policy.max_superusers than before
// it, or a user whose 2FA is off holding more of the roles policy.require_2fa_for names than before.
std::vector<std::string> policy_refusals(const Plan& plan, const model::AccountState& desired,
                                         const model::LiveAccount& live) {
    const model::Policy& policy = desired.policy;
    std::vector<std::string> refusals;
    if (!policy.max_superusers && policy.require_2fa_for.empty()) {
        return refusals;
    }
    GroupRoles before_roles;
    const auto before = live_standings(live, before_roles);
    GroupRoles after_roles;
    const auto after = standings_after(plan, live, after_roles);
    if (policy.max_superusers) {
        const auto had = superusers(before, before_roles);
        const auto will = superusers(after, after_roles);
        if (static_cast<int>(will.size()) > *policy.max_superusers && will.size() > had.size()) {
            std::vector<std::string> made;
            std::set_difference(will.begin(), will.end(), had.begin(), had.end(), std::back_inserter(made));
            refusals.push_back(
                fmt::format("makes {} superuser, leaving {} superusers (invitations counted as "
                            "accepted), more than policy.max_superusers {}",
                            util::join(made, ", "), will.size(), *policy.max_superusers));
        }
    }
    for (const auto& [key, standing] : after) {
        if (standing.user == nullptr || standing.user->two_factor_auth_enabled != false) {
            continue;
        }
        const auto held = rule_roles_held(policy, standing, after_roles);
        auto was = before.find(key);
        const std::size_t held_before = was == before.end() ? 0
                                                            : rule_roles_held(policy, was->second, before_roles).size();
        if (held.size() > held_before) {
            refusals.push_back(
                fmt::format("gives {} to '{}', who has no two-factor authentication "
                            "(policy.require_2fa_for); they must enable 2FA first",
                            util::join(held, ", "), standing.user->login));
        }
    }
    return refusals;
}

}  // namespace fastly_accounts::plan
