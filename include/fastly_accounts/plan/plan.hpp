#pragma once

#include <cstddef>
#include <fastly_accounts/model/state.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// The plan: plain data saying what apply will do, in order. Made by `diff`, read by the renderers and
/// the executor; no I/O anywhere in this module.
namespace fastly_accounts::plan {

/// The eight stages, run in this order; changes inside one stage are independent of each other.
enum class Stage : int {
    create_roles_and_service_groups = 1,  ///< create/update custom roles and service groups (and their services)
    create_people = 2,                    ///< create invitations and users; update users and their grants
    create_user_groups = 3,               ///< create/update user groups; add roles, service groups, members
    remove_from_groups = 4,               ///< remove members, roles and service groups from groups
    customer_contacts = 5,                ///< the account's contacts: after people are in, before any goes
    delete_people_and_groups = 6,         ///< delete user groups, invitations and users
    delete_roles_and_service_groups = 7,  ///< delete service groups and custom roles
    customer_security = 8                 ///< enforce 2FA, SSO and the IP allowlist: last, once all else is done
};

inline constexpr int stage_count = 8;

/// "create or update custom roles and service groups", ...: what a stage does, for people.
std::string_view describe(Stage stage);

enum class Action {
    create,  ///< the object does not exist and will be made
    update,  ///< fields or lists of an existing object change
    remove,  ///< the object will be deleted
    replace  ///< deleted and made again (an expired invitation sent anew)
};

/// "create", "update", "delete", "replace".
std::string_view to_string(Action action);

/// Where a change comes from, when the plan is made with the base branch's files too (`plan --base`).
enum class Origin {
    unmarked,  ///< no base files: the plan says nothing of where its changes come from
    change,    ///< follows from the base files becoming the head files: what the pull request changes
    drift      ///< the account departs from the base files the same way: a hand edit the plan undoes
};

/// "change", "drift", "" (unmarked).
std::string_view to_string(Origin origin);

/// The fields and lists a change can touch: the one name for each, shared by diff, the executor, the
/// guards, the renderings and the saved plan (to_string gives the name they are written under).
enum class Field {
    name,
    role,
    roles,
    limit_services,
    locked,
    require_new_password,
    description,
    permissions,     ///< a custom role's
    services,        ///< a service group's
    members,         ///< a user group's
    service_groups,  ///< a user group's
    user_groups,     ///< the groups a replaced invitation is put back into (+) or let go from (-)
    held_by,         ///< on the deletion of a custom role or service group: the holders the files do not manage
    /// A user's or invitation's service grants (`services` in the files), entries "SERVICE_ID: permission"
    /// (grant_entry); a permission that changes is its old entry removed and its new one added.
    service_authorizations,
    tokens,  ///< on the deletion of a user: the IDs of the API tokens revoked first (Plan::token_labels)
    // The customer's settings (`customer:`).
    force_2fa,
    force_sso,
    ip_allowlist,       ///< a list value: the addresses and CIDRs, in canonical form
    security_contact,   ///< "contacts.security": a user's login, or not set
    technical_contact,  ///< "contacts.technical"
    billing_contact,    ///< "contacts.billing"
    legal_contact,      ///< "contacts.legal"
};

/// The field of a contact, and the contact of a field (nullopt for the other fields).
Field contact_field(model::Contact contact);
std::optional<model::Contact> field_contact(Field field);

/// The settings that lock people out when they change, each a guard that apply refuses unless the run
/// acknowledges it (`--ack NAME`): "force_2fa", "force_sso", "ip_allowlist".
const std::vector<std::string>& acknowledgeable();

/// A service_authorizations entry: "SU1Z0isxPaozGVKXdv0eY: read_only".
std::string grant_entry(const std::string& service_id, model::ServicePermission permission);
/// The service ID and permission of a grant_entry, or nullopt.
std::optional<std::pair<std::string, model::ServicePermission>> parse_grant_entry(std::string_view entry);

/// "limit_services", "user_groups", ...
std::string_view to_string(Field field);
/// The field named `name`, or nullopt.
std::optional<Field> parse_field(std::string_view name);

/// A field's value: not set, a boolean, a string, or a list of strings.
using Value = std::variant<std::monostate, bool, std::string, std::vector<std::string>>;

/// "(not set)", "true", "\"Alice\"", "[a, b]": a value as the text renderer shows it. Renderers clean
/// control characters themselves.
std::string display(const Value& value);

/// One field that changes, from its live value to the desired one.
struct FieldChange {
    Field field;
    Value from;
    Value to;
};

/// Entries added to and removed from one list of an object (a group's members, a role's permissions).
struct ListChange {
    Field field;
    std::vector<std::string> add;
    std::vector<std::string> remove;
};

/// One API request a change makes. `path` may name an object made earlier in the same apply with a
/// placeholder such as `{id of user group 'SRE'}`.
struct Request {
    std::string method;
    std::string path;
};

/// Who last changed an object, as the audit log says (plan/authors.hpp): the latest event about it within
/// the window read. Every string comes from the API; renderers escape them.
struct Author {
    std::string login;       ///< the actor's login; empty when user_id names no user of the account
    std::string user_id;     ///< the actor (the event's user_id); may be empty
    std::string at;          ///< the event's created_at, ISO 8601 UTC
    std::string ip;          ///< as the API gives it (may be a proxy chain "a, b")
    std::string token_id;    ///< empty for a change without a token (the web interface)
    std::string token_name;  ///< the token's name from the tokens list; empty when unknown. Never a secret
    bool own_token = false;  ///< token_id is the token this run uses
    std::string event_id;
    std::string event_type;  ///< "user.update", "customer.update", ...
};

/// One change to one object.
struct Change {
    Stage stage = Stage::create_roles_and_service_groups;
    Action action = Action::update;
    model::Kind kind = model::Kind::users;
    std::string key;  ///< login, email or name, as written in the files (or as live has it for deletions)
    std::string id;   ///< the live object's id; empty for a create
    std::vector<FieldChange> fields;
    std::vector<ListChange> lists;
    std::vector<Request> requests;
    std::string note;  ///< why, when the action alone does not say (a re-invitation, a user invited)
    /// What a reviewer must not miss, one line each, shown in every rendering: a privilege escalation
    /// ("role engineer → superuser"), a user unlocked, access lost through pruning. Empty for most changes.
    std::vector<std::string> sensitive;
    /// With base files (mark_origins): where the change comes from. Not saved with a plan, and not part of what
    /// apply compares: it says why a change is there, never what it does.
    Origin origin = Origin::unmarked;
    /// On a change of origin `change`: its fields that the account already departs from the base files in the
    /// same way, and its lists with an entry the base files add or remove too (this change also undoes that
    /// drift).
    std::vector<Field> also_drift = {};
    /// Who made the live state this change undoes, for drift and plan; nullopt when no event matched or
    /// the audit log was not read. Informational: apply never reads it.
    std::optional<Author> author = std::nullopt;
};

/// The services whose grants a service_authorizations change revokes (removed, not added back), changes the
/// permission of (removed and added), and makes (added only): each service ID with its new permission
/// (the old one for revokes), in the list's order.
struct GrantDelta {
    std::vector<std::pair<std::string, model::ServicePermission>> revoke;
    std::vector<std::pair<std::string, model::ServicePermission>> change;
    std::vector<std::pair<std::string, model::ServicePermission>> grant;
};
GrantDelta grant_delta(const ListChange& list);

/// True when a user change takes the role to `user` and limit_services to false: Fastly checks a role
/// against the limit_services the user has, so the change sends limit_services (with its other fields)
/// in one PUT and the role in a second (issue #816 of Fastly's Terraform provider).
bool role_waits_for_limit(const Change& change);

/// A live object the files do not list, left alone because its kind is not pruned.
struct Unmanaged {
    model::Kind kind;
    std::string key;
};

/// A safety guard, evaluated. A plan with a tripped guard is shown but never applied.
struct Guard {
    std::string name;  ///< max_deletions, protected, min_superusers, customer_id
    bool tripped = false;
    std::string message;
};

/// An `expires` or `review_after` the files give, as the plan saw it at its clock (DiffOptions::now_epoch).
struct Deadline {
    enum class Type { expires, review_after };
    Type type = Type::expires;
    model::Kind kind = model::Kind::users;  ///< users, invitations, or user_groups for a membership
    /// "the user 'a@example.com'", "the membership of 'a@example.com' in the user group 'Ops'", "the grant of
    /// service 'www' to 'a@example.com'"
    std::string subject;
    std::string person;  ///< the login or email whose access it is
    std::int64_t at = 0;
    bool passed = false;  ///< at or before the clock: an access past `expires` is treated as absent
    bool whole = false;   ///< the terms of the user or invitation itself, not of a membership or grant
    std::optional<std::string> owner;
    std::optional<std::string> reason;
};

/// A rule of `policy:` that the live account breaks (allowed_email_domains, max_superusers, require_2fa_for).
/// Drift reports it (exit 2); a plan that would break a rule itself is refused by the `policy` guard instead.
struct PolicyViolation {
    std::string rule;
    std::string message;
};

/// What the plan sums up to.
struct Summary {
    /// Objects per action; an object changed in two stages counts once.
    std::size_t create = 0;
    std::size_t update = 0;
    std::size_t remove = 0;
    std::size_t replace = 0;
    std::size_t write_requests = 0;  ///< non-GET requests apply will send
    std::size_t bulk_requests = 0;   ///< of those, bulk requests that each change several service authorizations
    std::size_t hourly_write_limit = 1000;
    std::optional<long long> writes_remaining;  ///< from the API's last rate-limit header, when known
    std::size_t removals = 0;                   ///< access removals (see plan::count_removals)
    std::size_t sensitive = 0;                  ///< changes with a `sensitive` mark
};

/// Everything `diff` found.
struct Plan {
    std::vector<Change> changes;  ///< ordered by stage, then kind, then key
    std::vector<Unmanaged> unmanaged;
    std::vector<std::string> notes;  ///< things worth knowing that are not changes ("awaiting acceptance")
    std::vector<Guard> guards;
    Summary summary;
    std::string customer_id;  ///< the live customer planned against
    /// The names of the services the changes name by ID, so that every rendering can show them.
    std::map<std::string, std::string> service_names;
    /// How the tokens the changes revoke are shown, by token ID: "name 'deploy' (scope global, last used ...)".
    std::map<std::string, std::string> token_labels;
    /// Every `expires` passed or within policy.expiry_warning_days, and every `review_after` passed.
    std::vector<Deadline> deadlines;
    std::vector<PolicyViolation> violations;  ///< of the live account
    std::int64_t now = 0;                     ///< the clock the plan was made at (epoch seconds)
    /// True when the plan was compared with base files (`plan --base`): every change carries its origin.
    bool with_base = false;
    /// With base files: the departures of the account from the base files that the head files no longer
    /// undo, so that merging keeps them (a hand edit the pull request adopts). Shown, never applied.
    std::vector<Change> adopted;

    bool has_changes() const { return !changes.empty(); }
    /// True when any guard tripped: apply must refuse.
    bool refused() const;
};

/// Recomputes `plan.summary` counts, write requests, removals and sensitive marks from `plan.changes`.
void summarize(Plan& plan);

/// How a `held_by` entry names a holder: "user 'bob@example.com'", "user group 'Ops'".
std::string held_by_entry(model::Kind kind, std::string_view key);

/// The kind and key a `held_by` entry names (a trailing " (ignored)" allowed), or nullopt.
std::optional<std::pair<model::Kind, std::string>> parse_held_by_entry(std::string_view entry);

/// How many access removals `change` makes: members, roles and service groups taken out of a user
/// group; IAM roles taken from a user or a replaced invitation; a user locked; a `role` change that
/// loses something (from any role but `user` to any but `superuser`); `limit_services` turned on; the
/// memberships a replaced invitation lets go; and the holders that lose a pruned role or service group
/// (its `held_by` list); service authorizations revoked, and permissions lowered from `full`. The
/// revocation guard (policy.max_removals) counts these.
std::size_t count_removals(const Change& change);

}  // namespace fastly_accounts::plan
