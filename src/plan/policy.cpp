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

// The user groups of the live account each login (email key) is a member of.
std::map<std::string, std::vector<const model::UserGroup*>> groups_by_member(const model::LiveAccount& live) {
    std::map<std::string, std::vector<const model::UserGroup*>> out;
    for (const auto& group : live.state.user_groups) {
        for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
            out[model::email_key(member)].push_back(&group);
        }
    }
    return out;
}

// Whether a holder of `role` (legacy), `roles` (IAM) and the IAM roles of `groups` holds `rule_role`, a
// name of policy.require_2fa_for: a legacy role's API spelling or an IAM role's name.
bool holds(std::string_view rule_role, std::optional<model::UserRole> role, const std::vector<std::string>& roles,
           const std::vector<const model::UserGroup*>& groups) {
    const std::string key = model::role_name_key(rule_role);
    if (role && model::role_name_key(model::to_string(*role)) == key) {
        return true;
    }
    const auto named = [&](const std::vector<std::string>& names) {
        return std::any_of(names.begin(), names.end(),
                           [&](const std::string& n) { return model::role_name_key(n) == key; });
    };
    return named(roles) || std::any_of(groups.begin(), groups.end(), [&](const model::UserGroup* g) {
               return named(g->roles.value_or(std::vector<std::string>{}));
           });
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
    if (policy.max_superusers) {
        std::vector<std::string> superusers;
        for (const auto& user : live.state.users) {
            const auto& roles = user.roles.value_or(std::vector<std::string>{});
            if (user.role == model::UserRole::superuser || std::any_of(roles.begin(), roles.end(), is_superuser_role)) {
                superusers.push_back(user.login);
            }
        }
        if (static_cast<int>(superusers.size()) > *policy.max_superusers) {
            out.push_back({"max_superusers",
                           fmt::format("the account has {} superusers ({}), more than "
                                       "policy.max_superusers {}",
                                       superusers.size(), util::join(superusers, ", "), *policy.max_superusers)});
        }
    }
    if (!policy.require_2fa_for.empty()) {
        const auto groups = groups_by_member(live);
        static const std::vector<const model::UserGroup*> none;
        for (const auto& user : live.state.users) {
            if (ignored_user(user.login) || user.two_factor_auth_enabled != false) {
                continue;  // 2FA on, or not known: not a violation shown as one
            }
            auto it = groups.find(model::email_key(user.login));
            std::vector<std::string> held;
            for (const auto& rule_role : policy.require_2fa_for) {
                if (holds(rule_role, user.role, user.roles.value_or(std::vector<std::string>{}),
                          it == groups.end() ? none : it->second)) {
                    held.push_back(rule_role);
                }
            }
            if (!held.empty()) {
                out.push_back({"require_2fa_for",
                               fmt::format("the user '{}' holds {} without two-factor authentication "
                                           "(policy.require_2fa_for); 2FA cannot be turned on through the API: ask "
                                           "them to enable it",
                                           user.login, util::join(held, ", "))});
            }
        }
    }
    return out;
}

namespace {

// The roles a change grants: the new legacy role, IAM roles added, and (for a user group) its members added.
struct Granted {
    std::optional<std::string> role;
    std::vector<std::string> roles;
};

Granted granted(const Change& change) {
    Granted out;
    for (const auto& f : change.fields) {
        if (f.field == Field::role) {
            if (const auto* text = std::get_if<std::string>(&f.to)) {
                out.role = *text;
            }
        }
    }
    for (const auto& list : change.lists) {
        if (list.field == Field::roles) {
            out.roles.insert(out.roles.end(), list.add.begin(), list.add.end());
        }
    }
    return out;
}

}  // namespace

// What the plan itself would make break a rule: more superusers than policy.max_superusers with the plan
// making one more, or a role of policy.require_2fa_for given to a user whose 2FA is off.
std::vector<std::string> policy_refusals(const Plan& plan, const model::AccountState& desired,
                                         const model::LiveAccount& live) {
    const model::Policy& policy = desired.policy;
    std::vector<std::string> refusals;
    std::map<std::string, const model::User*> users;
    for (const auto& user : live.state.users) {
        users[model::email_key(user.login)] = &user;
    }
    std::map<std::string, const model::UserGroup*> live_groups;
    for (const auto& group : live.state.user_groups) {
        live_groups[group.name] = &group;
    }
    std::map<std::string, const model::UserGroup*> desired_groups;
    for (const auto& group : desired.user_groups) {
        desired_groups[group.name] = &group;
    }
    // The IAM roles a user group has after the plan: the files' when they give them, else the live ones.
    const auto group_roles = [&](const std::string& name) {
        auto d = desired_groups.find(name);
        if (d != desired_groups.end() && d->second->roles) {
            return *d->second->roles;
        }
        auto l = live_groups.find(name);
        return l != live_groups.end() ? l->second->roles.value_or(std::vector<std::string>{})
                                      : std::vector<std::string>{};
    };
    std::vector<std::string> made_superusers;
    static const std::vector<const model::UserGroup*> none;
    for (const auto& change : plan.changes) {
        const Granted gives = granted(change);
        if ((change.kind == Kind::users || change.kind == Kind::invitations) && change.action != Action::remove &&
            ((gives.role && *gives.role == "superuser") ||
             std::any_of(gives.roles.begin(), gives.roles.end(), is_superuser_role))) {
            made_superusers.push_back(change.key);
        }
        if (policy.require_2fa_for.empty()) {
            continue;
        }
        // Who gains which roles by this change, among users whose 2FA is known to be off.
        std::vector<std::pair<const model::User*, std::vector<std::string>>> gains;
        if (change.kind == Kind::users) {
            auto it = users.find(model::email_key(change.key));
            if (it != users.end()) {
                gains.emplace_back(it->second, gives.roles);
                if (gives.role) {
                    gains.back().second.push_back(*gives.role);
                }
            }
        } else if (change.kind == Kind::user_groups) {
            for (const auto& list : change.lists) {
                if (list.field == Field::members) {
                    for (const auto& member : list.add) {
                        auto it = users.find(model::email_key(member));
                        if (it != users.end()) {
                            gains.emplace_back(it->second, group_roles(change.key));
                        }
                    }
                } else if (list.field == Field::roles) {
                    auto group = live_groups.find(change.key);
                    if (group != live_groups.end()) {
                        for (const auto& member : group->second->members.value_or(std::vector<std::string>{})) {
                            auto it = users.find(model::email_key(member));
                            if (it != users.end()) {
                                gains.emplace_back(it->second, list.add);
                            }
                        }
                    }
                }
            }
        }
        for (const auto& [user, roles] : gains) {
            if (user->two_factor_auth_enabled != false) {
                continue;
            }
            for (const auto& rule_role : policy.require_2fa_for) {
                if (holds(rule_role, std::nullopt, roles, none)) {
                    refusals.push_back(
                        fmt::format("gives {} to '{}', who has no two-factor authentication "
                                    "(policy.require_2fa_for); they must enable 2FA first",
                                    rule_role, user->login));
                }
            }
        }
    }
    if (policy.max_superusers && !made_superusers.empty()) {
        const int after = superusers_after(plan, live).active;
        if (after > *policy.max_superusers) {
            refusals.push_back(
                fmt::format("makes {} superuser, leaving {} superusers, more than "
                            "policy.max_superusers {}",
                            util::join(made_superusers, ", "), after, *policy.max_superusers));
        }
    }
    return refusals;
}

}  // namespace fastly_accounts::plan
