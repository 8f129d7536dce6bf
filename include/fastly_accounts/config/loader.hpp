#pragma once

#include <array>
#include <cstddef>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/model/state.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fastly_accounts::config {

/// The only format version this build reads.
inline constexpr int format_version = 1;

/// One desired-state file's text.
struct SourceFile {
    std::string path;  ///< as the user named it, so messages point where they looked
    std::string text;
};

/// A 1-based line and column in a file.
struct Position {
    int line = 0;
    int column = 0;
};

/// What a list entry refers to, to be checked once every file is merged.
enum class RefersTo { role, service_group, person };

/// One entry of a list that names another object (`user_groups[1].members[3]`).
struct Reference {
    RefersTo target;
    std::string name;
    /// The field path of the list (`user_groups[1].members`), shared by its entries: an account has tens
    /// of thousands of references and, when valid, no message that needs their paths.
    std::shared_ptr<const std::string> list;
    std::size_t index = 0;  ///< in the list
    Position at;

    /// The entry's field path, `list[index]`.
    std::string path() const;
};

/// Where one object kept in a LoadedFile was read.
struct ObjectSource {
    std::string path;  ///< its field path, as `users[3]`
    Position key_at;   ///< where its key (login, email or name) is written
};

/// What the API's role rules look at in one user or invitation that sets `role`, `roles` or
/// `limit_services` (checked by check_role_rules once the files are merged).
struct RoleFacts {
    std::string path;  ///< the object's field path, as `users[3]`
    std::optional<model::UserRole> role;
    Position role_at;
    std::optional<bool> limit_services;
    Position limit_services_at;
    /// The object's `roles` entries: `references[first_role_ref, end_role_ref)` of its file.
    std::size_t first_role_ref = 0;
    std::size_t end_role_ref = 0;
};

/// One entry of a custom role's or a group's `previously:` list, checked once every file is merged.
struct PreviousName {
    model::Kind kind;
    std::string name;
    std::string owner;  ///< the name of the object whose list it is in
    std::string path;   ///< the entry's field path, as `user_groups[1].previously[0]`
    Position at;
};

/// What one file holds, before it is merged with the others.
struct LoadedFile {
    std::string path;
    /// False when the file could not be read as format version 1 at all (syntax error, wrong version, not
    /// a mapping); its objects are then left out of cross-file checks.
    bool usable = false;
    model::AccountState state;  ///< this file's objects only; policy/ignore hold defaults unless given
    bool has_policy = false;
    bool has_ignore = false;
    std::optional<Position> customer_id_at;
    std::optional<Position> policy_at;
    std::optional<Position> customer_at;  ///< of the `customer:` block, when the file has one
    std::optional<Position> ignore_at;
    /// Every entry that names another object, in file order.
    std::vector<Reference> references;
    /// Every `previously:` entry of the objects kept, in file order.
    std::vector<PreviousName> previous_names;
    /// The role facts of every user and invitation kept that sets role, roles or limit_services.
    std::vector<RoleFacts> role_facts;
    /// For each kind (indexed by model::Kind), where each object kept in `state` was read, in order:
    /// `objects[users][k]` tells where `state.users[k]` was read.
    std::array<std::vector<ObjectSource>, model::all_kinds.size()> objects;

    /// Where the `index`-th kept object of `kind` was read.
    const ObjectSource& object(model::Kind kind, std::size_t index) const {
        return objects[static_cast<std::size_t>(kind)][index];
    }
};

/// Reads `source` as a version-1 desired-state file. Every problem inside the file goes to
/// `diagnostics`; objects whose key could be read are kept even when other fields are bad, so that
/// one typo does not cascade into "unknown member" errors elsewhere.
LoadedFile load_file(const SourceFile& source, Diagnostics& diagnostics);

}  // namespace fastly_accounts::config
