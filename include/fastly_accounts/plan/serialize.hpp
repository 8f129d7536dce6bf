#pragma once

#include <fastly_accounts/plan/plan.hpp>
#include <fastly_accounts/util/error.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_accounts::plan {

/// The plan as JSON, keys in a fixed order (summary, guards, changes, unmanaged, notes) so that the same
/// plan always serializes to the same bytes. Each change carries `expect`: the live state it was planned
/// against (exists or not, its id, the `from` of each field, list entries still to add or remove).
nlohmann::ordered_json to_json(const Plan& plan);

/// One change as to_json writes it in `changes`.
nlohmann::ordered_json change_to_json(const Change& change);

/// The plan written by to_json. Throws util::Error naming the first field that is missing or malformed.
Plan plan_from_json(const nlohmann::ordered_json& document);

/// The version of the saved-plan format this build writes and reads. Version 2 added the digest of the
/// plan and the digest of each file; version 3 eight stages (the customer's contacts in 5, its security
/// settings in 8), service authorizations, tokens and `token_labels`. An older file is refused with a
/// message saying to plan again.
inline constexpr int saved_plan_version = 3;

/// One desired-state file a saved plan was made from, as `-f` named it, and the digest of its text.
struct SavedFile {
    std::string path;
    std::string sha256;  ///< "sha256:" and 64 hex digits
    bool operator==(const SavedFile&) const = default;
};

/// A plan saved by `plan --out`, to be applied exactly by `apply --plan`.
struct SavedPlan {
    Plan plan;
    std::string fingerprint;  ///< of the desired-state files the plan was made from, all together
    std::vector<SavedFile> files;
};

/// The saved plan was changed after `plan --out` wrote it: its digest does not match its content.
class EditedPlanError : public util::Error {
public:
    using util::Error::Error;
};

/// The document `plan --out` writes: format marker and version, fingerprint, files with their digests,
/// the plan, and last `digest`, the plan_digest of everything before it.
nlohmann::ordered_json saved_plan_json(const SavedPlan& saved);

/// "sha256:" over the canonical text of `document` without its `digest` member: keys sorted, no
/// whitespace, so that re-indenting a file does not change it but any edit of a value or a key does.
std::string plan_digest(const nlohmann::ordered_json& document);

/// Reads a document written by saved_plan_json. Throws EditedPlanError when it is a saved plan of this
/// version whose digest does not match its content (it was edited, or its digest was removed), and
/// util::Error when `text` is not a saved plan, is of another version, or is malformed, naming what is
/// wrong.
SavedPlan parse_saved_plan(std::string_view text);

}  // namespace fastly_accounts::plan
