// Access that expires (README "Access that expires"): what the files bound in time, and the files as they
// stand at a given moment.
#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/time.hpp>
#include <set>

namespace fastly_accounts::plan {

namespace {

constexpr std::int64_t day = 24 * 60 * 60;

bool expired(const model::Terms& terms, std::int64_t now) {
    return terms.expires && *terms.expires <= now;
}

// Calls `visit(kind, person, subject, terms, whole)` for every access of `desired` that carries terms; `whole`
// for a user's or invitation's own.
template <typename Visit>
void for_each_terms(const model::AccountState& desired, Visit&& visit) {
    for (const auto& user : desired.users) {
        visit(model::Kind::users, user.login, fmt::format("the user '{}'", user.login), user.terms, true);
        for (const auto& [service, terms] : user.service_terms) {
            visit(model::Kind::users, user.login, fmt::format("the grant of service '{}' to '{}'", service, user.login),
                  terms, false);
        }
    }
    for (const auto& invitation : desired.invitations) {
        visit(model::Kind::invitations, invitation.email, fmt::format("the invitation of '{}'", invitation.email),
              invitation.terms, true);
        for (const auto& [service, terms] : invitation.service_terms) {
            visit(model::Kind::invitations, invitation.email,
                  fmt::format("the grant of service '{}' to '{}'", service, invitation.email), terms, false);
        }
    }
    for (const auto& group : desired.user_groups) {
        for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
            auto it = group.member_terms.find(model::email_key(member));
            if (it != group.member_terms.end()) {
                visit(model::Kind::user_groups, member,
                      fmt::format("the membership of '{}' in the user group '{}'", member, group.name), it->second,
                      false);
            }
        }
    }
}

// Removes the grants of `services` whose terms have expired.
void drop_expired_grants(std::optional<model::ServiceGrants>& services,
                         const std::map<std::string, model::Terms>& terms, std::int64_t now) {
    if (!services) {
        return;
    }
    for (const auto& [service, grant_terms] : terms) {
        if (expired(grant_terms, now)) {
            services->erase(service);
        }
    }
}

}  // namespace

std::vector<Deadline> find_deadlines(const model::AccountState& desired, std::int64_t now) {
    std::vector<Deadline> out;
    const std::int64_t horizon = now + static_cast<std::int64_t>(desired.policy.expiry_warning_days) * day;
    for_each_terms(desired, [&](model::Kind kind, const std::string& person, std::string subject,
                                const model::Terms& terms, bool whole) {
        if (terms.expires && *terms.expires <= horizon) {
            out.push_back({Deadline::Type::expires, kind, subject, person, *terms.expires, *terms.expires <= now, whole,
                           terms.owner, terms.reason});
        }
        if (terms.review_after && *terms.review_after <= now) {
            out.push_back({Deadline::Type::review_after, kind, std::move(subject), person, *terms.review_after, true,
                           whole, terms.owner, terms.reason});
        }
    });
    return out;
}

bool has_expired(const model::AccountState& desired, std::int64_t now) {
    bool found = false;
    for_each_terms(desired, [&](model::Kind, const std::string&, const std::string&, const model::Terms& terms, bool) {
        found = found || expired(terms, now);
    });
    return found;
}

model::AccountState without_expired(const model::AccountState& desired, std::int64_t now) {
    model::AccountState out = desired;
    std::set<std::string> gone;  // email keys of the users and invitations left out
    std::erase_if(out.users, [&](const model::User& user) {
        return expired(user.terms, now) && gone.insert(model::email_key(user.login)).second;
    });
    std::erase_if(out.invitations, [&](const model::Invitation& invitation) {
        return expired(invitation.terms, now) && gone.insert(model::email_key(invitation.email)).second;
    });
    for (auto& user : out.users) {
        drop_expired_grants(user.services, user.service_terms, now);
    }
    for (auto& invitation : out.invitations) {
        drop_expired_grants(invitation.services, invitation.service_terms, now);
    }
    for (auto& group : out.user_groups) {
        if (!group.members) {
            continue;
        }
        std::erase_if(*group.members, [&](const std::string& member) {
            const std::string key = model::email_key(member);
            auto it = group.member_terms.find(key);
            return gone.count(key) > 0 || (it != group.member_terms.end() && expired(it->second, now));
        });
    }
    return out;
}

std::string describe(const Deadline& deadline, std::int64_t now) {
    std::vector<std::string> why;
    if (deadline.reason) {
        why.push_back("reason: " + *deadline.reason);
    }
    if (deadline.owner) {
        why.push_back("owner: " + *deadline.owner);
    }
    const std::string terms = why.empty() ? "" : fmt::format(" ({})", util::join(why, "; "));
    const std::string when = util::format_moment(deadline.at);
    if (deadline.type == Deadline::Type::review_after) {
        return fmt::format("review due since {}: {}{}", when, deadline.subject, terms);
    }
    if (deadline.passed) {
        const bool person = deadline.subject.rfind("the user ", 0) == 0 ||
                            deadline.subject.rfind("the invitation ", 0) == 0;
        return fmt::format("expired {}: {}{}; treated as absent{}", when, deadline.subject, terms,
                           person ? ", as if no file listed it (and out of every user group)" : "");
    }
    const std::int64_t days = (deadline.at - now + day - 1) / day;
    return fmt::format("expires {}, {}: {}{}", when,
                       days <= 1 ? std::string("within a day") : fmt::format("in {} days", days), deadline.subject,
                       terms);
}

}  // namespace fastly_accounts::plan
