#include <fmt/format.h>

#include <fastly_accounts/plan/capabilities.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::plan {

std::optional<Guard> custom_roles_guard(const Plan& plan, const model::LiveAccount& live) {
    if (live.custom_roles_writable) {
        return std::nullopt;
    }
    std::vector<std::string> changes;
    for (const auto& change : plan.changes) {
        if (change.kind == model::Kind::roles) {
            changes.push_back(fmt::format("{} role '{}'", to_string(change.action), change.key));
        }
    }
    Guard guard{"custom_roles", !changes.empty(), ""};
    guard.message = changes.empty()
                        ? "custom roles cannot be changed through the API (Fastly retired the legacy roles API); the "
                          "plan "
                          "changes none"
                        : fmt::format(
                              "the plan would {}, but Fastly retired the legacy roles API (GET /roles answers 404): "
                              "custom roles can only be read, through /iam/v1/roles. Make these changes in the "
                              "Fastly control panel, then bring the files in line with them",
                              fmt::join(changes, ", "));
    return guard;
}

}  // namespace fastly_accounts::plan
