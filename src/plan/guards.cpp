#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/plan/capabilities.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <map>
#include <set>
#include "policy.hpp"

namespace fastly_accounts::plan {

namespace {

using model::Kind;

// A count against its limit: `flag` overrides the policy's `limit` for this run.
Guard limit_guard(const char* name, int count, std::optional<int> flag, int limit, std::string_view flag_name,
                  std::string_view singular, std::string_view plural) {
    const int allowed = flag.value_or(limit);
    const std::string source = flag ? std::string(flag_name) : fmt::format("policy.{}", name);
    const std::string counted = util::plural(static_cast<std::size_t>(count), singular, plural);
    Guard guard{name, count > allowed, ""};
    guard.message = guard.tripped ? fmt::format(
                                        "{} planned, more than the {} that {} allows; review them, then rerun "
                                        "with {} {} if they are intended",
                                        counted, allowed, source, flag_name, count)
                                  : fmt::format("{} planned; {} allows {}", counted, source, allowed);
    return guard;
}

Guard customer_guard(const model::AccountState& desired, const model::LiveAccount& live) {
    Guard guard{"customer_id", false, "the files name no customer_id"};
    if (desired.customer_id) {
        guard.tripped = *desired.customer_id != live.customer.id;
        guard.message = guard.tripped
                            ? fmt::format("the files are for customer {}, but the token belongs to customer {}",
                                          *desired.customer_id, live.customer.id)
                            : fmt::format("the token belongs to customer {}, as the files say", live.customer.id);
    }
    return guard;
}

// One rule for the account owner, the token's own user and the logins of policy.protected: the plan
// never changes them (no field, no IAM role), never deletes them (nor, for one only invited, deletes or
// replaces the invitation), never takes them out of a user group (nor deletes a group they are in), and
// never takes from a group of theirs a role or service group, directly or by pruning it. Adding them to a
// group is allowed: it takes nothing away.
Guard protected_guard(const Plan& plan, const model::AccountState& desired, const model::LiveAccount& live) {
    std::map<std::string, std::string> why;  // email key -> why it is protected
    auto protect = [&](const std::string& login, std::string_view reason) {
        std::string& text = why[model::email_key(login)];
        text += fmt::format("{}{}", text.empty() ? "" : " and ", reason);
    };
    if (!live.token_user.login.empty()) {
        protect(live.token_user.login, "the token's own user");
    }
    for (const auto& user : live.state.users) {
        if (!live.customer.owner_id.empty() && user.id == live.customer.owner_id) {
            protect(user.login, "the account owner");
        }
    }
    for (const auto& login : desired.policy.protected_logins) {
        protect(login, "listed in policy.protected");
    }
    auto reason = [&](const std::string& login) -> const std::string* {
        auto it = why.find(model::email_key(login));
        return it == why.end() ? nullptr : &it->second;
    };
    std::vector<std::string> refusals;
    for (const auto& change : plan.changes) {
        if (change.kind == Kind::users && change.action != Action::create) {
            if (const auto* because = reason(change.key)) {
                if (change.action == Action::remove) {
                    refusals.push_back(fmt::format("deletes {} ({})", change.key, *because));
                } else {
                    std::vector<std::string> fields;
                    for (const auto& f : change.fields) {
                        fields.emplace_back(to_string(f.field));
                    }
                    for (const auto& l : change.lists) {
                        fields.emplace_back(to_string(l.field));
                    }
                    refusals.push_back(
                        fmt::format("changes {} of {} ({})", util::join(fields, ", "), change.key, *because));
                }
            }
        }
        // A protected person who is only invited: their invitation is not deleted or sent again differently.
        if (change.kind == Kind::invitations && change.action != Action::create) {
            if (const auto* because = reason(change.key)) {
                refusals.push_back(fmt::format("{} the invitation of {} ({})",
                                               change.action == Action::remove ? "deletes" : "replaces", change.key,
                                               *because));
            }
        }
        // The live members of the user group `name`: who loses what the group loses.
        auto members_of = [&](const std::string& name) {
            for (const auto& group : live.state.user_groups) {
                if (group.name == name) {
                    return group.members.value_or(std::vector<std::string>{});
                }
            }
            return std::vector<std::string>{};
        };
        if (change.kind == Kind::user_groups) {
            for (const auto& list : change.lists) {
                for (const auto& person : list.field == Field::members ? list.remove : std::vector<std::string>{}) {
                    if (const auto* because = reason(person)) {
                        refusals.push_back(
                            fmt::format("removes {} from user group '{}' ({})", person, change.key, *because));
                    }
                }
                // A role or service group the group loses is lost by its members too.
                const bool roles = list.field == Field::roles;
                if (!roles && list.field != Field::service_groups) {
                    continue;
                }
                for (const auto& entry : list.remove) {
                    for (const auto& person : members_of(change.key)) {
                        if (const auto* because = reason(person)) {
                            refusals.push_back(
                                fmt::format("takes {} '{}' from user group '{}', of which {} is a "
                                            "member ({})",
                                            roles ? "role" : "service group", entry, change.key, person, *because));
                        }
                    }
                }
            }
            if (change.action == Action::remove) {
                for (const auto& group : live.state.user_groups) {
                    if (group.id != change.id) {
                        continue;
                    }
                    for (const auto& person : group.members.value_or(std::vector<std::string>{})) {
                        if (const auto* because = reason(person)) {
                            refusals.push_back(fmt::format("deletes user group '{}', of which {} is a member ({})",
                                                           change.key, person, *because));
                        }
                    }
                }
            }
        }
        for (const auto& list : change.lists) {
            if (list.field != Field::held_by) {
                continue;
            }
            for (const auto& entry : list.remove) {
                const auto holder = parse_held_by_entry(entry);
                if (holder && holder->first == Kind::users) {
                    if (const auto* because = reason(holder->second)) {
                        refusals.push_back(fmt::format("strips {} '{}' from {} by deleting it ({})",
                                                       model::noun(change.kind), change.key, holder->second, *because));
                    }
                }
                // A role or service group pruned from a group is lost by the group's members.
                if (holder && holder->first == Kind::user_groups) {
                    for (const auto& person : members_of(holder->second)) {
                        if (const auto* because = reason(person)) {
                            refusals.push_back(
                                fmt::format("strips {} '{}' from user group '{}', of which {} is a "
                                            "member, by deleting it ({})",
                                            model::noun(change.kind), change.key, holder->second, person, *because));
                        }
                    }
                }
            }
        }
    }
    Guard guard{"protected", !refusals.empty(), ""};
    guard.message =
        refusals.empty()
            ? "the owner, the token's user and policy.protected are not changed, deleted or taken out of a group"
            : "the plan " + util::join(refusals, "; ");
    return guard;
}

Guard deletions_guard(const Plan& plan, const model::AccountState& desired, const DiffOptions& options) {
    const auto deletions = static_cast<int>(std::count_if(plan.changes.begin(), plan.changes.end(),
                                                          [](const Change& c) { return c.action == Action::remove; }));
    return limit_guard("max_deletions", deletions, options.allow_deletions, desired.policy.max_deletions,
                       "--allow-deletions", "deletion", "deletions");
}

// Revoking access counts, whether or not an object is deleted: members, roles and service groups taken
// out of groups, IAM roles taken from users, and what a pruned role or service group strips from others.
Guard removals_guard(const Plan& plan, const model::AccountState& desired, const DiffOptions& options) {
    std::size_t removals = 0;
    for (const auto& change : plan.changes) {
        removals += count_removals(change);
    }
    return limit_guard("max_removals", static_cast<int>(removals), options.allow_removals, desired.policy.max_removals,
                       "--allow-removals", "access removal", "access removals");
}

}  // namespace

namespace {

Guard superusers_guard(const Plan& plan, const model::AccountState& desired, const model::LiveAccount& live,
                       std::int64_t now) {
    const auto [count, locked] = superusers_after(plan, live, now);
    const int minimum = desired.policy.min_superusers;
    Guard guard{"min_superusers", count < minimum, ""};
    guard.message = fmt::format("{} who can act after the plan{}; policy.min_superusers is {}",
                                util::plural(static_cast<std::size_t>(count), "superuser", "superusers"),
                                locked > 0 ? fmt::format(" (and {} locked)", locked) : "", minimum);
    return guard;
}

// Turning on force_2fa or force_sso, or changing the IP allowlist, can shut people (and this run) out: each
// is refused unless this run acknowledges it (--ack NAME). The change's sensitive mark says what happens.
std::vector<Guard> lockout_guards(const Plan& plan, const DiffOptions& options) {
    std::vector<Guard> out;
    for (const auto& change : plan.changes) {
        if (change.kind != Kind::customer || change.stage != Stage::customer_security) {
            continue;
        }
        for (const auto& name : acknowledgeable()) {
            // "force_2fa on: ...", "force_sso on: ...", "ip_allowlist: ..."; turning 2FA or SSO off shuts nobody out.
            const std::string prefix = name == "ip_allowlist" ? name + ":" : name + " on:";
            const auto mark = std::find_if(change.sensitive.begin(), change.sensitive.end(),
                                           [&](const std::string& m) { return m.rfind(prefix, 0) == 0; });
            if (mark == change.sensitive.end()) {
                continue;
            }
            const bool acked = options.acks.count(name) > 0;
            // The mark reads "force_2fa on: what happens"; the guard is already named.
            const auto colon = mark->find(": ");
            const std::string what = colon == std::string::npos ? *mark : mark->substr(colon + 2);
            out.push_back({name, !acked,
                           acked ? fmt::format("acknowledged for this run (--ack {}): {}", name, what)
                                 : fmt::format("{}; apply refuses this unless run with --ack {}", what, name)});
        }
    }
    return out;
}

}  // namespace

void evaluate_guards(Plan& plan, const model::AccountState& desired, const model::LiveAccount& live,
                     const DiffOptions& options) {
    plan.guards = {customer_guard(desired, live), protected_guard(plan, desired, live),
                   deletions_guard(plan, desired, options), removals_guard(plan, desired, options),
                   superusers_guard(plan, desired, live, options.now_epoch)};
    if (auto guard = custom_roles_guard(plan, live)) {
        plan.guards.push_back(std::move(*guard));
    }
    for (auto& guard : lockout_guards(plan, options)) {
        plan.guards.push_back(std::move(guard));
    }
    if (auto refusals = policy_refusals(plan, desired, live, options.now_epoch); !refusals.empty()) {
        plan.guards.push_back({"policy", true,
                               fmt::format("the plan {}; change the files (or the policy) and plan again",
                                           util::join(refusals, "; it "))});
    }
}

}  // namespace fastly_accounts::plan
