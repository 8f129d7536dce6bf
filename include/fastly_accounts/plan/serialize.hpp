#pragma once

#include <fastly_accounts/plan/plan.hpp>
#include <nlohmann/json.hpp>

namespace fastly_accounts::plan {

/// The plan as JSON, keys in a fixed order (summary, guards, changes, unmanaged, notes) so that the same
/// plan always serializes to the same bytes. Each change carries `expect`: the live state it was planned
/// against (exists or not, its id, the `from` of each field, list entries still to add or remove).
nlohmann::ordered_json to_json(const Plan& plan);

/// The plan written by to_json. Throws util::Error naming the first field that is missing or malformed.
Plan plan_from_json(const nlohmann::ordered_json& document);

/// A plan saved by `plan --out`, to be applied exactly by `apply --plan`.
struct SavedPlan {
    Plan plan;
    std::string fingerprint;  ///< of the desired-state files the plan was made from
    std::vector<std::string> files;
};

/// The document `plan --out` writes: format marker, fingerprint and files, then the plan.
nlohmann::ordered_json saved_plan_json(const SavedPlan& saved);

/// Reads a document written by saved_plan_json. Throws util::Error when `text` is not one, naming what
/// is wrong.
SavedPlan parse_saved_plan(std::string_view text);

}  // namespace fastly_accounts::plan
