#include <algorithm>
#include <fastly_accounts/plan/plan.hpp>
#include <set>
#include <tuple>

namespace fastly_accounts::plan {

std::string_view describe(Stage stage) {
    switch (stage) {
        case Stage::create_roles_and_service_groups: return "create or update custom roles and service groups";
        case Stage::create_people: return "invite and create people; update users";
        case Stage::create_user_groups: return "create or update user groups; add roles, service groups, members";
        case Stage::remove_from_groups: return "remove members, roles and service groups from user groups";
        case Stage::delete_people_and_groups: return "delete user groups, invitations and users";
        case Stage::delete_roles_and_service_groups: return "delete service groups and custom roles";
    }
    return "";
}

std::string_view to_string(Action action) {
    switch (action) {
        case Action::create: return "create";
        case Action::update: return "update";
        case Action::remove: return "delete";
        case Action::replace: return "replace";
    }
    return "";
}

std::string display(const Value& value) {
    struct Visitor {
        std::string operator()(std::monostate) const { return "(not set)"; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(const std::string& s) const { return "\"" + s + "\""; }
        std::string operator()(const std::vector<std::string>& list) const {
            std::string out = "[";
            for (std::size_t i = 0; i < list.size(); ++i) {
                out += (i ? ", " : "") + list[i];
            }
            return out + "]";
        }
    };
    return std::visit(Visitor{}, value);
}

bool Plan::refused() const {
    return std::any_of(guards.begin(), guards.end(), [](const Guard& g) { return g.tripped; });
}

void summarize(Plan& plan) {
    Summary& s = plan.summary;
    s.create = s.update = s.remove = s.replace = s.write_requests = 0;
    // Counts are of objects: a user group updated in two stages (additions, then removals) is one update.
    std::set<std::tuple<model::Kind, std::string, Action>> seen;
    for (const auto& change : plan.changes) {
        s.write_requests += static_cast<std::size_t>(std::count_if(
            change.requests.begin(), change.requests.end(), [](const Request& r) { return r.method != "GET"; }));
        if (!seen.emplace(change.kind, change.key, change.action).second) {
            continue;
        }
        switch (change.action) {
            case Action::create: ++s.create; break;
            case Action::update: ++s.update; break;
            case Action::remove: ++s.remove; break;
            case Action::replace: ++s.replace; break;
        }
    }
}

}  // namespace fastly_accounts::plan
