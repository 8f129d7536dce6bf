#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

/// The account model. Desired state (from YAML) and live state (from the API) use these same types,
/// so the diff compares like with like. In desired state, an empty std::optional means "not managed":
/// the field was left out of the file and never produces a change. Live state fills every field.
namespace fastly_accounts::model {

/// The kinds of object the tool manages, in the order they appear in files and reports. `customer` is the
/// account's own settings (the `customer:` block): one object, never listed, pruned or ignored.
enum class Kind { users, invitations, roles, service_groups, user_groups, customer };

/// Every kind of listed object, in declaration order: the kinds `prune` and `ignore` name (not `customer`).
inline constexpr std::array<Kind, 5> all_kinds = {Kind::users, Kind::invitations, Kind::roles, Kind::service_groups,
                                                  Kind::user_groups};

/// all_kinds and `customer`: every kind a change can be of, in report order.
inline constexpr std::array<Kind, 6> change_kinds = {Kind::users,          Kind::invitations, Kind::roles,
                                                     Kind::service_groups, Kind::user_groups, Kind::customer};

/// The file-format name of a kind: "users", "service_groups", ...
std::string_view to_string(Kind kind);

/// How people name one object of a kind: "user", "invitation", "role", "service group", "user group".
std::string_view noun(Kind kind);

/// The kind named `name` in the file format, or nullopt for an unknown name.
std::optional<Kind> parse_kind(std::string_view name);

/// True for the kinds keyed by an email (users by login, invitations by email), whose keys and `ignore`
/// patterns compare ignoring case (email_key); the others are keyed by name, exactly.
constexpr bool keyed_by_email(Kind kind) {
    return kind == Kind::users || kind == Kind::invitations;
}

/// The legacy single `role` of a user or invitation.
enum class UserRole { user, billing, engineer, superuser, tls_viewer, tls_admin };

/// Every user role, in declaration order.
inline constexpr std::array<UserRole, 6> all_user_roles = {UserRole::user,       UserRole::billing,
                                                           UserRole::engineer,   UserRole::superuser,
                                                           UserRole::tls_viewer, UserRole::tls_admin};

/// The API spelling of a role: "user", "tls_viewer", ...
std::string_view to_string(UserRole role);

/// The role spelled `name` exactly as the API spells it, or nullopt.
std::optional<UserRole> parse_user_role(std::string_view name);

/// What a service authorization lets a service-limited user do on one service.
enum class ServicePermission { full, read_only, purge_select, purge_all };

/// Every service permission, in declaration order (`full` is the API's default).
inline constexpr std::array<ServicePermission, 4> all_service_permissions = {
    ServicePermission::full, ServicePermission::read_only, ServicePermission::purge_select,
    ServicePermission::purge_all};

/// The API spelling: "full", "read_only", "purge_select", "purge_all".
std::string_view to_string(ServicePermission permission);

/// The permission spelled `name` exactly as the API spells it, or nullopt.
std::optional<ServicePermission> parse_service_permission(std::string_view name);

/// The services a user with `limit_services: true` may reach, each with its permission: service -> permission.
/// In the files a service is named by its ID or by its name (when no other service of the account has it);
/// the plan resolves names to IDs. Live state holds IDs.
using ServiceGrants = std::map<std::string, ServicePermission>;

/// The entries of an allowlist as the API's `ip_whitelist` text holds them: separated by commas and/or
/// whitespace. No restriction (nothing, or an IPv4 /0 such as "0.0.0.0/0" anywhere in it) is the empty list.
std::vector<std::string> split_allowlist(std::string_view text);

/// The `ip_whitelist` text that sends `entries`: comma-separated; "0.0.0.0/0" (no restriction) for none.
std::string join_allowlist(const std::vector<std::string>& entries);

/// Why `entry` cannot be an allowlist entry in the files, or "" when it can: not an IPv4 or IPv6 address or
/// CIDR block; or an IPv4 /0, which Fastly reads as no restriction at all (the files write [] for that).
std::string allowlist_entry_problem(std::string_view entry);

/// The allowlist with each entry in canonical form (the network as inet_ntop writes it, host bits cleared,
/// a /32 or /128 prefix dropped), sorted, without repeats: two lists that allow the same addresses as
/// written compare equal.
std::vector<std::string> canonical_allowlist(const std::vector<std::string>& entries);

/// How a listed user that has no account yet is brought in.
enum class MissingUsers { invite, create };

std::string_view to_string(MissingUsers value);
std::optional<MissingUsers> parse_missing_users(std::string_view name);

/// Where an object was defined: a file position for desired state; empty (`file` == "") for live state.
struct SourceLocation {
    std::string file;
    int line = 0;    ///< 1-based; 0 when unknown
    int column = 0;  ///< 1-based; 0 when unknown
};

/// The account's contacts, as the `customer:` block names them.
enum class Contact { security, technical, billing, legal };

inline constexpr std::array<Contact, 4> all_contacts = {Contact::security, Contact::technical, Contact::billing,
                                                        Contact::legal};

/// "security", "technical", "billing", "legal".
std::string_view to_string(Contact contact);
std::optional<Contact> parse_contact(std::string_view name);

/// The account's security settings (`customer:` in the files; GET /current_customer live). A field left out
/// of the files is nullopt: not managed. Live state fills every field.
struct CustomerSettings {
    std::optional<bool> force_2fa;
    std::optional<bool> force_sso;
    /// Addresses and CIDRs allowed to log in and use the API; empty for no restriction (Fastly's
    /// "0.0.0.0/0"). As written in the files; live: as the API's `ip_whitelist` lists them.
    std::optional<std::vector<std::string>> ip_allowlist;
    /// Contact -> the login of a user, or nullopt for none. Only the contacts present are managed.
    std::map<Contact, std::optional<std::string>> contacts;
    SourceLocation where;                          ///< of the `customer:` block
    std::map<Contact, SourceLocation> contact_at;  ///< where the files name each contact
};

/// Why someone holds an access, who answers for it, and until when: the `owner`, `reason`, `expires` and
/// `review_after` the files write on a user, an invitation, a user-group membership or a service grant.
/// Desired state only; the API keeps none of it.
struct Terms {
    std::optional<std::string> owner;
    std::optional<std::string> reason;
    std::optional<std::int64_t> expires;       ///< epoch seconds (UTC): from then on the access is absent
    std::optional<std::int64_t> review_after;  ///< epoch seconds (UTC): when someone should look at it again
    SourceLocation where;                      ///< of the object or entry that carries them

    bool empty() const { return !owner && !reason && !expires && !review_after; }
};

struct User {
    std::string login;  ///< key, compared case-insensitively
    std::optional<std::string> name;
    std::optional<UserRole> role;
    std::optional<std::vector<std::string>> roles;  ///< IAM role names (desired) or names resolved from IDs (live)
    std::optional<bool> limit_services;
    std::optional<bool> locked;
    std::optional<bool> require_new_password;
    /// Authoritative when given: the service authorizations the user holds (live: every one read).
    std::optional<ServiceGrants> services;
    /// Live only: whether the user has two-factor authentication on; nullopt when the API does not say.
    std::optional<bool> two_factor_auth_enabled;
    std::string id;  ///< API id; empty in desired state
    SourceLocation where;
    Terms terms;  ///< desired only
    /// Desired only: the terms of each grant of `services` written as a mapping, by service as written.
    std::map<std::string, Terms> service_terms;
    std::string created_at;  ///< live only: ISO 8601 UTC, "" when the API does not say
};

struct Invitation {
    std::string email;  ///< key, compared case-insensitively
    std::optional<UserRole> role;
    std::optional<std::vector<std::string>> roles;
    std::optional<bool> limit_services;
    /// The grants sent with the invitation (`service_invitations`), which become service authorizations
    /// when it is accepted. Live: nullopt, since the invitations list does not say what they grant.
    std::optional<ServiceGrants> services;
    std::string id;
    std::string created_at;  ///< live only: ISO 8601 UTC
    bool active = true;      ///< live only: false once expired or used (the API's status_code 0)
    SourceLocation where;
    Terms terms;                                 ///< desired only
    std::map<std::string, Terms> service_terms;  ///< desired only, as on User
};

/// A custom IAM role. Predefined roles are only referenced by name, never defined.
struct Role {
    std::string name;  ///< key
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> permissions;  ///< permission names
    std::string id;
    SourceLocation where;
    /// Desired only: the names the object had before (`previously:`). When no live object has `name`, a live
    /// one with one of these names is renamed in place, keeping its id and what it holds.
    std::vector<std::string> previously = {};
};

struct ServiceGroup {
    std::string name;  ///< key
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> services;  ///< service IDs
    std::string id;
    SourceLocation where;
    /// Desired only: the names the object had before (`previously:`). When no live object has `name`, a live
    /// one with one of these names is renamed in place, keeping its id and what it holds.
    std::vector<std::string> previously = {};
};

struct UserGroup {
    std::string name;  ///< key
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> roles;           ///< IAM role names
    std::optional<std::vector<std::string>> service_groups;  ///< service group names
    std::optional<std::vector<std::string>> members;         ///< user logins or invitation emails
    std::string id;
    SourceLocation where;
    /// Desired only: the names the object had before (`previously:`). When no live object has `name`, a live
    /// one with one of these names is renamed in place, keeping its id and what it holds.
    std::vector<std::string> previously = {};
    /// Desired only: the terms of the members written as a mapping (`{login: x, expires: ...}`), by email_key.
    std::map<std::string, Terms> member_terms = {};
};

/// The `policy:` block, with the defaults of the file format.
struct Policy {
    std::set<Kind> prune;  ///< kinds whose unlisted live objects are deleted; empty: prune nothing
    int max_deletions = 10;
    /// Access removals (a member, role or service group taken out of a group, an IAM role taken from a
    /// user, what a pruned role or service group strips from others) a plan may make before it is refused.
    int max_removals = 25;
    std::vector<std::string> protected_logins;
    int min_superusers = 1;
    MissingUsers missing_users = MissingUsers::invite;
    /// Rules the account must keep (issue 17): checked offline where they can be, and against the account.
    /// Email domains every login and invitation must be in (compared ignoring case); empty: any.
    std::vector<std::string> allowed_email_domains;
    std::optional<int> max_superusers;  ///< at most this many superusers; nullopt: no limit
    /// Roles (a legacy role such as `superuser`, or an IAM role name) whose holders must have 2FA on.
    std::vector<std::string> require_2fa_for;
    bool require_owner = false;   ///< `require: [owner]`: every user and every grant names its owner
    bool require_reason = false;  ///< `require: [reason]`: every user and every grant gives its reason
    int expiry_warning_days = 7;  ///< warn this many days before an `expires`
    SourceLocation where;         ///< of the `policy:` block, "" when no file has one
    /// Where each rule is written, by rule name, for messages that point at it.
    std::map<std::string, SourceLocation> rule_at;
};

/// The `ignore:` block: glob patterns, per kind, of live objects never touched nor reported.
struct IgnoreRules {
    std::map<Kind, std::vector<std::string>> patterns;

    /// True when the object of `kind` with key `key` matches one of the patterns for that kind. Logins
    /// and emails are matched ignoring case as email_key does (Unicode case folding); names exactly.
    bool matches(Kind kind, std::string_view key) const;
};

/// The access state of one Fastly account: what the files want, or what the API has.
struct AccountState {
    std::optional<std::string> customer_id;
    /// The `customer:` block; nullopt when no file has one (nothing about the account's settings is managed).
    std::optional<CustomerSettings> customer;
    Policy policy;
    IgnoreRules ignore;
    std::vector<User> users;
    std::vector<Invitation> invitations;
    std::vector<Role> roles;
    std::vector<ServiceGroup> service_groups;
    std::vector<UserGroup> user_groups;
};

/// The canonical form of a login or email, used as its key wherever two are compared: util::fold_case
/// (Unicode full case folding, canonical equivalents alike), so "ZOË@example.com" and "zoë@example.com" are
/// one person.
std::string email_key(std::string_view email);

/// True when `text` looks like an email address: one `@`, something before it, a dot in the domain,
/// and no whitespace. Deliberately loose: Fastly is the judge of deliverability.
bool looks_like_email(std::string_view text);

/// True when the domain of `email` (after its last `@`) is one of `domains`, compared ignoring case; true
/// for any email when `domains` is empty. A subdomain is not its parent: list each domain allowed.
bool email_domain_allowed(const std::vector<std::string>& domains, std::string_view email);

/// The names of Fastly's predefined IAM roles as this tool knows them ("Engineer", "TLS Viewer", ...).
const std::vector<std::string>& predefined_role_names();

/// The canonical form used to compare predefined role names: ASCII lower case, with spaces and `-`
/// turned into `_`, so "TLS Viewer", "tls-viewer" and "tls_viewer" are the same role.
std::string role_name_key(std::string_view name);

/// True when `name` names one of the predefined IAM roles (see role_name_key).
bool is_predefined_role(std::string_view name);

}  // namespace fastly_accounts::model
