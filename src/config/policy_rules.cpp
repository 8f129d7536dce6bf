#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/config/policy_rules.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <set>

namespace fastly_accounts::config {

namespace {

Diagnostic at(const model::SourceLocation& where, std::string message) {
    return {where.file, where.line, where.column, "", std::move(message)};
}

// The terms `policy.require` asks for that `terms` lacks: {"owner"}, {"owner", "reason"}, ...
std::vector<std::string> missing_terms(const model::Policy& policy, const model::Terms& terms) {
    std::vector<std::string> missing;
    if (policy.require_owner && !terms.owner) {
        missing.emplace_back("owner");
    }
    if (policy.require_reason && !terms.reason) {
        missing.emplace_back("reason");
    }
    return missing;
}

void check_terms(const model::Policy& policy, const model::Terms& terms, std::string_view what,
                 Diagnostics& diagnostics) {
    const std::vector<std::string> missing = missing_terms(policy, terms);
    if (!missing.empty()) {
        diagnostics.add(at(terms.where, fmt::format("{} gives no {}, which policy.require asks of every user and "
                                                    "every grant; write {}: on it",
                                                    what, util::join(missing, " or "), util::join(missing, ": and "))));
    }
}

}  // namespace

void check_policy_rules(const model::AccountState& state, Diagnostics& diagnostics) {
    const model::Policy& policy = state.policy;
    const auto rule_place = [&](const char* rule) {
        auto it = policy.rule_at.find(rule);
        return it == policy.rule_at.end() ? policy.where : it->second;
    };
    if (!policy.allowed_email_domains.empty()) {
        const std::string allowed = util::join(policy.allowed_email_domains, ", ");
        const auto check = [&](const std::string& email, const model::SourceLocation& where, std::string_view what) {
            if (!model::email_domain_allowed(policy.allowed_email_domains, email)) {
                diagnostics.add(at(
                    where, fmt::format("{} '{}' is not in policy.allowed_email_domains ({})", what, email, allowed)));
            }
        };
        for (const auto& user : state.users) {
            check(user.login, user.where, "the login");
        }
        for (const auto& invitation : state.invitations) {
            check(invitation.email, invitation.where, "the invitation's email");
        }
    }
    if (policy.max_superusers) {
        std::vector<std::string> superusers;
        const auto iam_superuser = [](const std::optional<std::vector<std::string>>& roles) {
            return roles && std::any_of(roles->begin(), roles->end(),
                                        [](const std::string& r) { return model::role_name_key(r) == "superuser"; });
        };
        for (const auto& user : state.users) {
            if (user.role == model::UserRole::superuser || iam_superuser(user.roles)) {
                superusers.push_back(user.login);
            }
        }
        for (const auto& invitation : state.invitations) {
            if (invitation.role == model::UserRole::superuser || iam_superuser(invitation.roles)) {
                superusers.push_back(invitation.email + " (invited)");
            }
        }
        // The Superuser role through a user group makes its members superusers too.
        std::set<std::string> seen;  // email keys of the people counted so far
        for (const auto& user : state.users) {
            if (user.role == model::UserRole::superuser || iam_superuser(user.roles)) {
                seen.insert(model::email_key(user.login));
            }
        }
        for (const auto& invitation : state.invitations) {
            if (invitation.role == model::UserRole::superuser || iam_superuser(invitation.roles)) {
                seen.insert(model::email_key(invitation.email));
            }
        }
        for (const auto& group : state.user_groups) {
            if (iam_superuser(group.roles)) {
                for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
                    if (seen.insert(model::email_key(member)).second) {
                        superusers.push_back(fmt::format("{} (through {})", member, group.name));
                    }
                }
            }
        }
        if (static_cast<int>(superusers.size()) > *policy.max_superusers) {
            diagnostics.add(at(rule_place("max_superusers"),
                               fmt::format("the files make {} superusers ({}), more than policy.max_superusers {}",
                                           superusers.size(), util::join(superusers, ", "), *policy.max_superusers)));
        }
    }
    if (policy.require_owner || policy.require_reason) {
        for (const auto& user : state.users) {
            check_terms(policy, user.terms, fmt::format("the user '{}'", user.login), diagnostics);
            for (const auto& [service, terms] : user.service_terms) {
                check_terms(policy, terms, fmt::format("the grant of service '{}' to '{}'", service, user.login),
                            diagnostics);
            }
        }
        for (const auto& invitation : state.invitations) {
            check_terms(policy, invitation.terms, fmt::format("the invitation of '{}'", invitation.email), diagnostics);
            for (const auto& [service, terms] : invitation.service_terms) {
                check_terms(policy, terms, fmt::format("the grant of service '{}' to '{}'", service, invitation.email),
                            diagnostics);
            }
        }
        for (const auto& group : state.user_groups) {
            for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
                auto it = group.member_terms.find(model::email_key(member));
                if (it != group.member_terms.end()) {
                    check_terms(policy, it->second,
                                fmt::format("the membership of '{}' in the user group '{}'", member, group.name),
                                diagnostics);
                }
            }
        }
    }
}

}  // namespace fastly_accounts::config
