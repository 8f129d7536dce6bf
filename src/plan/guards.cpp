#include <algorithm>
#include <ctime>
#include <fastly_accounts/plan/capabilities.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fmt/format.h>
#include <map>
#include <set>

namespace fastly_accounts::plan {

namespace {

using model::Kind;

const FieldChange* find_field(const Change& change, std::string_view name) {
    auto it = std::find_if(change.fields.begin(), change.fields.end(),
                           [&](const FieldChange& f) { return f.field == name; });
    return it == change.fields.end() ? nullptr : &*it;
}

bool is_superuser(const Value& role) {
    const auto* text = std::get_if<std::string>(&role);
    return text != nullptr && *text == "superuser";
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

// Who may never be deleted, demoted or locked (the token's user and the owner), and who may never be
// changed at all (policy.protected).
Guard protected_guard(const Plan& plan, const model::AccountState& desired, const model::LiveAccount& live) {
    std::map<std::string, std::string> always;  // email key -> why
    always[model::email_key(live.token_user.login)] = "the token's own user";
    for (const auto& user : live.state.users) {
        if (!live.customer.owner_id.empty() && user.id == live.customer.owner_id) {
            std::string& why = always[model::email_key(user.login)];
            why += why.empty() ? "the account owner" : " and the account owner";
        }
    }
    std::set<std::string> listed;
    for (const auto& login : desired.policy.protected_logins) {
        listed.insert(model::email_key(login));
    }
    std::vector<std::string> refusals;
    for (const auto& change : plan.changes) {
        if (change.kind != Kind::users || change.action == Action::create) {
            continue;
        }
        const std::string key = model::email_key(change.key);
        if (listed.count(key) > 0) {
            refusals.push_back(fmt::format("{} {} (listed in policy.protected)",
                                           change.action == Action::remove ? "deletes" : "updates", change.key));
            continue;
        }
        auto why = always.find(key);
        if (why == always.end()) {
            continue;
        }
        if (change.action == Action::remove) {
            refusals.push_back(fmt::format("deletes {} ({})", change.key, why->second));
        } else if (const auto* role = find_field(change, "role"); role && is_superuser(role->from) && !is_superuser(role->to)) {
            refusals.push_back(fmt::format("demotes {} ({})", change.key, why->second));
        } else if (const auto* locked = find_field(change, "locked"); locked && locked->to == Value(true)) {
            refusals.push_back(fmt::format("locks {} ({})", change.key, why->second));
        }
    }
    Guard guard{"protected", !refusals.empty(), ""};
    guard.message = refusals.empty() ? "no protected user is deleted, demoted, locked or changed"
                                     : "the plan " + fmt::format("{}", fmt::join(refusals, "; "));
    return guard;
}

Guard deletions_guard(const Plan& plan, const model::AccountState& desired, const DiffOptions& options) {
    const auto deletions = static_cast<int>(std::count_if(plan.changes.begin(), plan.changes.end(),
                                                          [](const Change& c) { return c.action == Action::remove; }));
    const int allowed = options.allow_deletions.value_or(desired.policy.max_deletions);
    const std::string source = options.allow_deletions ? "--allow-deletions" : "policy.max_deletions";
    Guard guard{"max_deletions", deletions > allowed, ""};
    guard.message = guard.tripped
                        ? fmt::format("{} planned, more than the {} that {} allows; review them, then rerun "
                                      "with --allow-deletions {} if they are intended",
                                      util::plural(static_cast<std::size_t>(deletions), "deletion", "deletions"),
                                      allowed, source, deletions)
                        : fmt::format("{} planned; {} allows {}",
                                      util::plural(static_cast<std::size_t>(deletions), "deletion", "deletions"),
                                      source, allowed);
    return guard;
}

Guard superusers_guard(const Plan& plan, const model::AccountState& desired, const model::LiveAccount& live) {
    std::map<std::string, bool> superuser;  // email key -> superuser after the plan
    for (const auto& user : live.state.users) {
        superuser[model::email_key(user.login)] = user.role == model::UserRole::superuser;
    }
    for (const auto& change : plan.changes) {
        if (change.kind != Kind::users) {
            continue;
        }
        const std::string key = model::email_key(change.key);
        if (change.action == Action::remove) {
            superuser.erase(key);
        } else if (const auto* role = find_field(change, "role")) {
            superuser[key] = is_superuser(role->to);
        }
    }
    const auto count = static_cast<int>(
        std::count_if(superuser.begin(), superuser.end(), [](const auto& entry) { return entry.second; }));
    const int minimum = desired.policy.min_superusers;
    Guard guard{"min_superusers", count < minimum, ""};
    guard.message = fmt::format("{} after the plan; policy.min_superusers is {}",
                                util::plural(static_cast<std::size_t>(count), "superuser", "superusers"), minimum);
    return guard;
}

}  // namespace

void evaluate_guards(Plan& plan, const model::AccountState& desired, const model::LiveAccount& live,
                     const DiffOptions& options) {
    plan.guards = {customer_guard(desired, live), protected_guard(plan, desired, live),
                   deletions_guard(plan, desired, options), superusers_guard(plan, desired, live)};
    if (auto guard = custom_roles_guard(plan, live)) {
        plan.guards.push_back(std::move(*guard));
    }
}

std::optional<std::int64_t> parse_utc(const std::string& text) {
    std::tm tm{};
    char z = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &z) != 7 ||
        z != 'Z') {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace fastly_accounts::plan
