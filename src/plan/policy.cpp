// The rules of `policy:` checked against the account (README "Policy rules"): what the live account breaks
// (drift, review), and what a plan would break (the `policy` guard, which refuses it).
#include "policy.hpp"
#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/model/index.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/time.hpp>
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
    std::string label;  ///< the login, or "email (invited)"
    bool locked = false;
    bool invited = false;               ///< a pending invitation: holds nothing until accepted
    const model::User* user = nullptr;  ///< the live user, when there is one
};

// The IAM roles of each user group, by name.
using GroupRoles = std::map<std::string, std::vector<std::string>>;

// Where standings are kept: users by email key, pending invitations by "invitation:" and the email key.
std::string invitation_key(const std::string& email) {
    return "invitation:" + model::email_key(email);
}

// The standing of the member `member` of a user group: the user's, else the pending invitation's, else a new
// one (a person the plan creates).
Standing& member_standing(std::map<std::string, Standing>& standings, const std::string& member) {
    auto user = standings.find(model::email_key(member));
    if (user != standings.end()) {
        return user->second;
    }
    auto invitation = standings.find(invitation_key(member));
    if (invitation != standings.end()) {
        return invitation->second;
    }
    Standing& fresh = standings[model::email_key(member)];
    fresh.label = member;
    return fresh;
}

// Every live user's and pending invitation's standing, and the live groups' roles.
std::map<std::string, Standing> live_standings(const model::LiveAccount& live, std::int64_t now,
                                               GroupRoles& group_roles) {
    std::map<std::string, Standing> out;
    for (const auto& user : live.state.users) {
        Standing& standing = out[model::email_key(user.login)];
        standing.role = user.role;
        standing.roles = user.roles.value_or(std::vector<std::string>{});
        standing.label = user.login;
        standing.locked = user.locked.value_or(false);
        standing.user = &user;
    }
    for (const auto& invitation : live.state.invitations) {
        if (model::usable(invitation, now) && out.count(model::email_key(invitation.email)) == 0) {
            Standing& standing = out[invitation_key(invitation.email)];
            standing.role = invitation.role;
            standing.roles = invitation.roles.value_or(std::vector<std::string>{});
            standing.label = invitation.email + " (invited)";
            standing.invited = true;
        }
    }
    for (const auto& group : live.state.user_groups) {
        group_roles[group.name] = group.roles.value_or(std::vector<std::string>{});
        for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
            member_standing(out, member).groups.push_back(group.name);
        }
    }
    return out;
}

// The standings once `plan` is applied: users' roles and locks as the changes set them, users deleted gone,
// the invitations it sends or deletes, and each user group's members and roles as the changes leave them.
std::map<std::string, Standing> standings_after(const Plan& plan, const model::LiveAccount& live, std::int64_t now,
                                                GroupRoles& group_roles) {
    std::map<std::string, Standing> out = live_standings(live, now, group_roles);
    for (const auto& change : plan.changes) {
        if (change.kind == Kind::users || change.kind == Kind::invitations) {
            const bool invitation = change.kind == Kind::invitations;
            const std::string key = invitation ? invitation_key(change.key) : model::email_key(change.key);
            if (change.action == Action::remove) {
                out.erase(key);
                continue;
            }
            Standing& standing = out[key];
            if (standing.label.empty()) {
                standing.label = invitation ? change.key + " (invited)" : change.key;
                standing.invited = invitation;
            }
            for (const auto& f : change.fields) {
                if (f.field == Field::role) {
                    const auto* text = std::get_if<std::string>(&f.to);
                    standing.role = text ? model::parse_user_role(*text) : std::nullopt;
                } else if (f.field == Field::roles) {
                    if (const auto* to = std::get_if<std::vector<std::string>>(&f.to)) {
                        standing.roles = *to;
                    }
                } else if (f.field == Field::locked) {
                    standing.locked = f.to == Value(true);
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
                        member_standing(out, member).groups.push_back(change.key);
                    }
                    for (const auto& member : list.remove) {
                        std::erase(member_standing(out, member).groups, change.key);
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
            out.push_back(standing.label);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

// Superusers who can act once `plan` is applied (not locked, not only invited), and the locked ones: by the
// legacy role, the IAM Superuser role, or a user group's.
SuperuserCount superusers_after(const Plan& plan, const model::LiveAccount& live, std::int64_t now) {
    GroupRoles group_roles;
    SuperuserCount out;
    for (const auto& [key, standing] : standings_after(plan, live, now, group_roles)) {
        if (!standing.invited && superuser(standing, group_roles)) {
            ++(standing.locked ? out.locked : out.active);
        }
    }
    return out;
}

std::vector<PolicyViolation> policy_violations(const model::AccountState& desired, const model::LiveAccount& live,
                                               std::int64_t now) {
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
    const auto standings = live_standings(live, now, group_roles);
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
        if (policy.require_2fa_for.empty() || standing.user == nullptr || ignored_user(standing.user->login) ||
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
                                         const model::LiveAccount& live, std::int64_t now) {
    const model::Policy& policy = desired.policy;
    std::vector<std::string> refusals;
    if (!policy.max_superusers && policy.require_2fa_for.empty()) {
        return refusals;
    }
    GroupRoles before_roles;
    const auto before = live_standings(live, now, before_roles);
    GroupRoles after_roles;
    const auto after = standings_after(plan, live, now, after_roles);
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
    for (const auto& entry : after) {  // not a structured binding: the lambda below names it (clang 14)
        const std::string& key = entry.first;
        const Standing& standing = entry.second;
        if (standing.user == nullptr || standing.user->two_factor_auth_enabled != false) {
            continue;
        }
        // Only the roles the plan adds count. One exception: taking someone down from superuser to another
        // legacy role the rule names is a demotion, never refused (it is how a 2FA-less superuser is dealt with).
        std::vector<std::string> added = rule_roles_held(policy, standing, after_roles);
        auto was = before.find(key);
        if (was != before.end()) {
            const auto held_before = rule_roles_held(policy, was->second, before_roles);
            const bool demoted = was->second.role == model::UserRole::superuser &&
                                 standing.role != model::UserRole::superuser;
            std::erase_if(added, [&](const std::string& r) {
                const bool the_new_role = demoted && standing.role &&
                                          model::role_name_key(r) ==
                                              model::role_name_key(model::to_string(*standing.role));
                return the_new_role || std::find(held_before.begin(), held_before.end(), r) != held_before.end();
            });
        }
        if (!added.empty()) {
            refusals.push_back(
                fmt::format("gives {} to '{}', who has no two-factor authentication "
                            "(policy.require_2fa_for); they must enable 2FA first",
                            util::join(added, ", "), standing.user->login));
        }
    }
    return refusals;
}

// The names of policy.require_2fa_for that are neither a legacy role nor a role of the account.
void check_policy_names(const model::AccountState& desired, const model::LiveAccount& live) {
    std::vector<PlanError::Problem> problems;
    for (const auto& name : desired.policy.require_2fa_for) {
        if (!model::parse_user_role(model::role_name_key(name)) && live.find_role(name) == nullptr) {
            auto at = desired.policy.rule_at.find("require_2fa_for");
            problems.push_back({at == desired.policy.rule_at.end() ? desired.policy.where : at->second,
                                fmt::format("policy.require_2fa_for names '{}', which is neither a role (user, "
                                            "billing, engineer, superuser, tls_viewer, tls_admin) nor an IAM role "
                                            "of the account",
                                            name)});
        }
    }
    if (!problems.empty()) {
        throw PlanError(std::move(problems));
    }
}

std::vector<PolicyViolation> expired_still_present(const Plan& plan, const model::LiveAccount& live) {
    std::vector<PolicyViolation> out;
    // An expired person the plan does not delete (their kind is not pruned) keeps every access in Fastly: say
    // so as a violation, which drift reports, rather than only as a note.
    std::set<std::string> users;        // email keys of the live users
    std::set<std::string> invitations;  // and of the pending invitations, made at the first expired person
    std::set<std::string> deleted;      // and of the people the plan deletes
    for (const auto& deadline : plan.deadlines) {
        if (!deadline.whole || !deadline.passed || deadline.type != Deadline::Type::expires) {
            continue;
        }
        if (users.empty() && invitations.empty()) {
            for (const auto& user : live.state.users) {
                users.insert(model::email_key(user.login));
            }
            for (const auto& invitation : live.state.invitations) {
                if (invitation.active) {
                    invitations.insert(model::email_key(invitation.email));
                }
            }
            for (const auto& change : plan.changes) {
                if (change.action == Action::remove &&
                    (change.kind == Kind::users || change.kind == Kind::invitations)) {
                    deleted.insert(fmt::format("{}:{}", model::to_string(change.kind), model::email_key(change.key)));
                }
            }
        }
        const std::string key = model::email_key(deadline.person);
        const bool live_user = users.count(key) > 0 && deleted.count("users:" + key) == 0;
        const bool live_invitation = invitations.count(key) > 0 && deleted.count("invitations:" + key) == 0;
        if (live_user || live_invitation) {
            out.push_back(
                {"expires", fmt::format("{} expired on {} but {} still in the account (this plan does not delete "
                                        "it: its kind is not pruned, or it is ignored); delete it in Fastly, or add "
                                        "{} to policy.prune",
                                        deadline.subject, util::format_moment(deadline.at),
                                        live_user ? "the user is" : "an invitation for them is",
                                        live_user ? "users" : "invitations")});
        }
    }
    return out;
}

}  // namespace fastly_accounts::plan
