#include "dependencies.hpp"

#include <fmt/format.h>
#include <utility>
#include <vector>

#include "change_fields.hpp"

namespace fastly_accounts::apply::detail {

namespace {

using model::Kind;
using plan::Action;
using plan::Change;

bool is_rename(const Change& change) {
    return change.action == Action::update && string_to(change, plan::Field::name).has_value() &&
           (change.kind == Kind::roles || change.kind == Kind::service_groups || change.kind == Kind::user_groups);
}

// The objects `change` names that a change of this plan may make or rename: its own (the removals of stage 4
// go to a group by the name stage 3 made or renamed it with), and those its lists add.
std::vector<std::pair<Kind, std::string>> named_by(const Change& change) {
    std::vector<std::pair<Kind, std::string>> needs{{change.kind, change.key}};
    auto added = [&](plan::Field name, Kind kind) {
        if (const auto* entries = list(change, name)) {
            for (const auto& entry : entries->add) {
                needs.emplace_back(kind, entry);
            }
        }
    };
    added(plan::Field::roles, Kind::roles);
    if (auto names = list_to(change, plan::Field::roles)) {  // a user's or an invitation's roles
        for (const auto& name : *names) {
            needs.emplace_back(Kind::roles, name);
        }
    }
    added(plan::Field::service_groups, Kind::service_groups);
    added(plan::Field::user_groups, Kind::user_groups);  // the groups a replaced invitation goes back into
    if (const auto* members = list(change, plan::Field::members)) {
        for (const auto& person : members->add) {
            needs.emplace_back(Kind::invitations, person);
            needs.emplace_back(Kind::users, person);
        }
    }
    return needs;
}

}  // namespace

Dependencies::Dependencies(const plan::Plan& plan) {
    for (const auto& change : plan.changes) {
        if (change.action == Action::create || change.action == Action::replace) {
            m_tracked[object_key(change.kind, change.key)] = Made::created;
        } else if (is_rename(change)) {
            m_tracked[object_key(change.kind, change.key)] = Made::renamed;
        }
    }
}

void Dependencies::record(const Change& change, Outcome outcome) {
    const std::string object = object_key(change.kind, change.key);
    if (m_tracked.count(object) > 0 &&
        (change.action == Action::create || change.action == Action::replace || is_rename(change))) {
        std::lock_guard lock(m_mutex);
        m_outcomes[object] = outcome;
    }
}

std::optional<std::string> Dependencies::failed(const Change& change) const {
    for (const auto& [kind, key] : named_by(change)) {
        const std::string object = object_key(kind, key);
        auto tracked = m_tracked.find(object);
        if (tracked == m_tracked.end()) {
            continue;
        }
        std::lock_guard lock(m_mutex);
        auto it = m_outcomes.find(object);
        if (it != m_outcomes.end() && it->second != Outcome::done) {
            return fmt::format("{} '{}' was not {}", model::noun(kind), key,
                               tracked->second == Made::created ? "created" : "renamed");
        }
    }
    return std::nullopt;
}

}  // namespace fastly_accounts::apply::detail
