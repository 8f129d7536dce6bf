#pragma once

// The diff's working state, shared by the files that compute its parts (internal to plan/):
//   diff.cpp         roles, service groups, users and user groups; the order of the changes; diff()
//   invitations.cpp  invitations: sending, replacing one that departs, the memberships a replacement carries
//   access.cpp       what a reviewer must not miss: privilege escalations and what pruning takes away

#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/model/api_paths.hpp>
#include <fastly_accounts/model/index.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <map>
#include <set>
#include <unordered_map>

namespace fastly_accounts::plan::detail {

using model::Kind;
namespace api_path = model::api_path;

inline std::string placeholder(std::string_view noun, const std::string& name) {
    return fmt::format("{{id of {} '{}'}}", noun, name);
}

// Entries of `wanted` missing from `have`, and entries of `have` missing from `wanted`, both by `key`,
// each in its list's order.
template <typename Key>
std::pair<std::vector<std::string>, std::vector<std::string>> list_delta(const std::vector<std::string>& wanted,
                                                                         const std::vector<std::string>& have,
                                                                         Key key) {
    std::set<std::string> wanted_keys;
    std::set<std::string> have_keys;
    for (const auto& w : wanted) {
        wanted_keys.insert(key(w));
    }
    for (const auto& h : have) {
        have_keys.insert(key(h));
    }
    std::pair<std::vector<std::string>, std::vector<std::string>> out;
    for (const auto& w : wanted) {
        if (have_keys.count(key(w)) == 0) {
            out.first.push_back(w);
        }
    }
    for (const auto& h : have) {
        if (wanted_keys.count(key(h)) == 0) {
            out.second.push_back(h);
        }
    }
    return out;
}

inline std::string exact(const std::string& s) {
    return s;
}

// What a problem is about ("user 'alice@example.com'") and where the files define it. Empty for live
// names, which are never reported.
struct Where {
    model::SourceLocation at;
    std::string what;

    Where() = default;
    Where(const char* text) : what(text) {}  // NOLINT: "" for "not reported"
    Where(model::SourceLocation location, std::string text) : at(std::move(location)), what(std::move(text)) {}
    bool empty() const { return what.empty(); }
};

inline Where located(const model::SourceLocation& where, std::string what) {
    return {where, std::move(what)};
}

inline PlanError::Problem problem(const model::SourceLocation& where, std::string message) {
    return {where, std::move(message)};
}

// True when the list `names` (when given) holds an entry equal to `name` by `key`.
template <typename Key>
bool named(const std::optional<std::vector<std::string>>& names, const std::string& name, Key key) {
    if (!names) {
        return false;
    }
    const auto wanted = key(name);
    return std::any_of(names->begin(), names->end(), [&](const std::string& n) { return key(n) == wanted; });
}

// What the files want of a person's access: the fields of a `users:` or `invitations:` entry, with the
// services resolved to IDs. A field left out is nullopt: not managed.
struct Wanted {
    std::optional<model::UserRole> role;
    std::optional<std::vector<std::string>> roles;
    std::optional<bool> limit_services;
    std::optional<model::ServiceGrants> services;
};

// The renames the files ask for (`previously:`), and what is worth a note about the former names that are
// not renamed (renames.cpp).
struct Renames {
    std::vector<Rename> renames;
    std::vector<std::string> notes;
};
Renames find_renames(const model::AccountState& desired, const model::LiveAccount& live);

class Differ {
public:
    // `live` is the account with `renames` done (plan::renamed): the renamed objects are compared under
    // their new names, and each rename becomes the `name` field of its object's change.
    Differ(const model::AccountState& desired, const model::LiveAccount& live, const DiffOptions& options,
           Renames renames = {})
        : m_desired(desired), m_live(live), m_options(options), m_index(live, options.now_epoch),
          m_renames(std::move(renames.renames)) {
        index_live();
        m_plan.notes = std::move(renames.notes);
    }

    Plan run();

private:
    void index_live();

    // A live user group this plan deletes (pruned, not listed, not ignored).
    bool group_deleted(const std::string& name) const {
        return pruned(Kind::user_groups) && m_desired_user_groups.count(name) == 0 && !ignored(Kind::user_groups, name);
    }

    bool usable(const model::Invitation& invitation) const { return m_index.usable(invitation); }

    // Where the files name the person `email`: under users or under invitations.
    model::SourceLocation where_of(const std::string& email) const;

    // A person the files do not list whose only tie to the account is an invitation that can no longer be
    // accepted.
    bool expired_invitee(const std::string& key) const;

    bool ignored(Kind kind, const std::string& key) const { return m_desired.ignore.matches(kind, key); }
    bool pruned(Kind kind) const { return m_desired.policy.prune.count(kind) > 0; }

    // What a role name stands for, so that lists compare by role rather than by spelling: a custom role
    // of the files (by its live id, or "new:" when it is created by this plan), or a catalog role by id.
    // A name that resolves to nothing is reported against `where`, unless `where` is empty (live names).
    std::string role_identity(const std::string& name, const Where& where);

    // The role names the files could have meant: the account's, as plans name them, and the files' own.
    std::vector<std::string> role_candidates() const;

    // How plans name a role, whatever the files' spelling: a custom role of the files by its name; a role of
    // the account as the account names it ("TLS Viewer" for tls_viewer). So a list that changes shows only
    // the roles that really come and go.
    std::string canonical_role(const std::string& name) const;

    std::vector<std::string> canonical_roles(const std::vector<std::string>& names) const;

    static std::vector<std::string> sorted(std::vector<std::string> list) {
        std::sort(list.begin(), list.end());
        return list;
    }

    std::vector<std::string> role_identities(const std::vector<std::string>& names, const Where& where);

    // The role lists differ as sets of roles (spelling and order aside)?
    bool roles_differ(const std::vector<std::string>& wanted, const std::vector<std::string>& have, const Where& where);

    // Why holding the role `name` is a privilege escalation, or "" when it is not: the predefined
    // Superuser role, or a custom role with account-scope permissions (as the files define it, else as
    // the account has it).
    std::string escalating_role(const std::string& name) const;

    std::vector<std::string> account_scope(const std::vector<std::string>& permissions) const;

    // The escalations of going from the role list `from` to `to` (names): each role gained that escalates.
    std::vector<std::string> escalations(const std::vector<std::string>& from, const std::vector<std::string>& to);

    // The IAM roles a user or invitation holds that `ignore.roles` covers: never taken away, so they are
    // kept in a list the files give (which replaces the whole list when sent).
    std::vector<std::string> with_ignored_roles(const std::vector<std::string>& wanted,
                                                const std::vector<std::string>& have);

    void add(Change change) { m_plan.changes.push_back(std::move(change)); }

    // The names of the services the plan's lists name by ID.
    void name_services();

    template <typename Object>
    void diff_collection(Kind kind, const std::vector<Object>& desired, const std::vector<Object>& live,
                         std::optional<std::vector<std::string>> Object::*list, Field field,
                         std::string (*sub_list)(std::string_view id));
    void diff_roles();
    void diff_service_groups();
    void diff_users();
    void diff_invitations();
    void diff_user_groups();
    // The customer's settings (customer.cpp).
    void diff_customer();
    bool user_deleted(const std::string& login) const;
    // A user the plan deletes who is one of the account's contacts, and whom the files do not replace as that
    // contact: refused (Fastly may refuse the deletion after the tokens are gone, or leave no contact).
    void refuse_deleting_a_contact(const model::User& have);
    // Sends again the pending invitation `live` of `email` when it was sent before a grant of `terms` expired
    // (it still carries the grant); says so in a note when its age is unknown. Returns whether it did.
    bool resent_for_expired_grants(const std::string& email, const std::map<std::string, model::Terms>& terms,
                                   const Wanted& want, const model::Invitation& live);
    void pending(const std::string& email, const Wanted& want, const model::Invitation& live, const Where& where);
    void invite(const std::string& email, const Wanted& want, const model::Invitation* live, const std::string& note);

    // Service authorizations (grants.cpp).
    // What a users: or invitations: entry wants, its services resolved (problems reported against `where`).
    template <typename Person>
    Wanted wanted(const Person& person, const Where& where) {
        return {person.role, person.roles, person.limit_services,
                person.services ? std::optional(grants_by_id(*person.services, where)) : std::nullopt};
    }
    // The grants as the files write them, by service ID: each service named by its ID or by a name no other
    // service of the account has. Unknown, ambiguous and repeated services are reported against `where`.
    // `held`, a user's live grants: their service IDs are accepted even where GET /service does not list the
    // service (an export writes such a grant by ID).
    model::ServiceGrants grants_by_id(const model::ServiceGrants& written, const Where& where,
                                      const model::ServiceGrants* held = nullptr);
    // The grants of a listed user that change, or nullopt: those the files give under `services`; or, when
    // the files turn limit_services off (from true) and leave `services` out, every live grant, revoked.
    std::optional<ListChange> user_grants(const model::User& want, const model::User& have, const Where& where);
    // The requests of the service_authorizations list `grants` of user `user_id`: revocations, which go
    // before the user's own PUT, into `before`; grants and permission changes into `after`.
    void grant_requests(const ListChange& grants, const std::string& user_id, std::vector<Request>& before,
                        std::vector<Request>& after) const;
    // The tokens of a user the plan deletes, revoked first (Fastly will not delete a user who holds one).
    void revoke_tokens(Change& deletion, const model::User& have);
    // Live users the files do not list who hold grants: reported, never touched.
    void report_unmanaged_grants();
    void carry_memberships(Change& change, const std::string& email);
    void mark_user_escalations(Change& change, bool created);
    void mark_group_escalations(Change& adds, const model::UserGroup& group, const model::UserGroup& have);
    void strip_pruned();
    void mark_renames();
    void sort_changes();

    const model::AccountState& m_desired;
    const model::LiveAccount& m_live;
    const DiffOptions& m_options;
    Plan m_plan;
    std::vector<PlanError::Problem> m_problems;
    model::LiveIndex m_index;
    std::set<std::string> m_desired_roles;
    std::set<std::string> m_desired_service_groups;
    std::set<std::string> m_desired_people;                               // email keys of listed users and invitations
    std::unordered_map<std::string, const model::User*> m_desired_users;  // by email_key
    std::unordered_map<std::string, const model::UserGroup*> m_desired_user_groups;  // by name
    std::unordered_map<std::string, const model::Role*> m_desired_role_objects;      // by name
    std::set<std::string> m_account_permissions;  // names of account-scope permissions
    // Invitations this plan replaces (email key), with the live groups whose membership of the person the
    // replacing change handles (carries or lets go): the user-group diff leaves those alone.
    std::map<std::string, std::set<std::string>> m_replaced;
    bool m_creates_users = false;  // a user is created with POST /user
    std::vector<Rename> m_renames;
};

}  // namespace fastly_accounts::plan::detail
