#pragma once

#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "event_log.hpp"
#include "util.hpp"

namespace fastly_emulator {

/// The account that owns everything. Fields the emulator does not interpret live in `attributes`.
struct Customer {
    std::string id;
    std::string name;
    std::string owner_id;
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
    std::optional<EpochSeconds> deleted_at;
    nlohmann::json attributes = nlohmann::json::object();
};

/// The customer's contact attributes (`security_contact_id`, `technical_contact_id`, `billing_contact_id`,
/// `legal_contact_id`): each a user ID of this customer, or null.
const std::vector<std::string>& customer_contact_fields();

struct User {
    std::string id;
    std::string login;
    std::string name;
    std::string role = "user";
    std::vector<std::string> roles;  ///< IAM role IDs
    bool limit_services = false;
    std::optional<bool> locked;
    std::optional<bool> require_new_password;
    std::optional<bool> two_factor_auth_enabled;
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
    std::optional<EpochSeconds> last_active_at;
};

struct Permission {
    std::string id;
    std::string name;
    std::string description;
    std::string resource_name;
    std::string resource_description;
    std::string scope;  ///< "service" or "account"
};

struct Role {
    std::string id;
    std::string name;
    std::string display_name;
    std::string description;
    bool custom = true;
    bool security = false;                 ///< a Security (Next-Gen WAF) role: the only kind Superuser combines with
    std::vector<std::string> permissions;  ///< permission IDs
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
};

struct Service {
    std::string id;
    std::string name;
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
};

struct ServiceGroup {
    std::string id;
    std::string name;
    std::string description;
    std::vector<std::string> services;  ///< service IDs
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
};

enum class MemberKind { user, invitation };

struct Member {
    MemberKind kind = MemberKind::user;
    std::string id;
    bool operator==(const Member&) const = default;
};

/// Hashes a Member, for the index of the groups each member belongs to.
struct MemberHash {
    size_t operator()(const Member& member) const {
        return std::hash<std::string>{}(member.id) ^ static_cast<size_t>(member.kind);
    }
};

/// A user group's members, each once, in the order they were added. Anyone may read it; only Store
/// changes it, so that its index of the groups each member belongs to stays exact.
class MemberList {
public:
    std::vector<Member>::const_iterator begin() const { return m_members.begin(); }
    std::vector<Member>::const_iterator end() const { return m_members.end(); }
    size_t size() const { return m_members.size(); }
    bool empty() const { return m_members.empty(); }
    const Member& operator[](size_t index) const { return m_members[index]; }
    /// True when `member` is in the list (a scan of this group only).
    bool contains(const Member& member) const;

private:
    friend class Store;
    std::vector<Member> m_members;
};

struct UserGroup {
    std::string id;
    std::string name;
    std::string description;
    MemberList members;                       ///< changed only through Store
    std::vector<std::string> roles;           ///< role IDs
    std::vector<std::string> service_groups;  ///< service group IDs
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
};

struct ServiceInvitation {
    std::string id;
    std::string service_id;
    std::string permission = "full";
};

struct Invitation {
    std::string id;
    std::string email;
    std::string role = "user";
    std::vector<std::string> roles;  ///< role IDs
    bool limit_services = false;
    std::vector<ServiceInvitation> service_invitations;
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
};

/// A user's access to one service (a service authorization): `permission` is one of full, read_only,
/// purge_select, purge_all.
struct ServiceAuthorization {
    std::string id;
    std::string user_id;
    std::string service_id;
    std::string permission = "full";
    EpochSeconds created_at = 0;
    EpochSeconds updated_at = 0;
};

/// A time that requests may set while they hold the store lock shared (a token's last use): atomic, and
/// copied by value.
class SharedTime {
public:
    SharedTime() = default;
    SharedTime(const SharedTime& other) : m_value(other.m_value.load()) {}
    SharedTime& operator=(const SharedTime& other) {
        m_value.store(other.m_value.load());
        return *this;
    }
    std::optional<EpochSeconds> get() const {
        EpochSeconds value = m_value.load();
        return value == unset ? std::nullopt : std::optional<EpochSeconds>(value);
    }
    void set(std::optional<EpochSeconds> value) const { m_value.store(value ? *value : unset); }

private:
    static constexpr EpochSeconds unset = std::numeric_limits<EpochSeconds>::min();
    mutable std::atomic<EpochSeconds> m_value{unset};
};

/// An API token. `secret` is what a client sends as Fastly-Key; the API shows `id`, never the secret.
struct Token {
    std::string id;
    std::string secret;
    std::string user_id;
    std::string name;
    std::string scope = "global";       ///< space-separated: global, global:read, purge_select, purge_all
    std::vector<std::string> services;  ///< service IDs the token is limited to; empty: all
    EpochSeconds created_at = 0;
    std::optional<EpochSeconds> expires_at;
    std::string ip;          ///< empty: null
    std::string user_agent;  ///< empty: null
    /// The last use as the seed (or the control endpoint) says; part of the state.
    std::optional<EpochSeconds> last_used_at;
    /// Stamped whenever the token authenticates a request. Not state: a run that only reads must leave the
    /// dumped state as it was.
    SharedTime used_at;

    /// The last use as the API shows it: the latest request, else the recorded one.
    std::optional<EpochSeconds> last_use() const {
        std::optional<EpochSeconds> stamped = used_at.get();
        return stamped ? stamped : last_used_at;
    }
};

/// Rows in insertion order with an index by `id`. Each row lives in its own allocation and the index
/// points at it, so erasing a row compares and shifts pointers only and re-indexes nothing: rebuilding a
/// 10,000-row index on every erase made DELETE /user cost ~6 ms under the exclusive store lock. Pointers
/// and references to a row stay valid until that row is erased.
/// A Table's rows seen as `Row&` rather than as the pointers the table holds. Hand-written rather than a
/// std::views::transform, which clang 14 (the fuzz and sanitizer build) cannot compile against
/// libstdc++ 12's ranges.
template <class Row, class T>
class RowsView {
public:
    class iterator {
    public:
        explicit iterator(const std::unique_ptr<T>* at) : m_at(at) {}
        Row& operator*() const { return **m_at; }
        iterator& operator++() {
            ++m_at;
            return *this;
        }
        bool operator==(const iterator&) const = default;

    private:
        const std::unique_ptr<T>* m_at;
    };

    RowsView(const std::unique_ptr<T>* first, size_t size) : m_first(first), m_size(size) {}
    iterator begin() const { return iterator(m_first); }
    iterator end() const { return iterator(m_first + m_size); }
    size_t size() const { return m_size; }
    Row& operator[](size_t i) const { return *m_first[i]; }

private:
    const std::unique_ptr<T>* m_first;
    size_t m_size;
};

template <class T>
class Table {
public:
    /// The row with this ID, or nullptr.
    T* find(const std::string& id) {
        auto it = m_index.find(id);
        return it == m_index.end() ? nullptr : it->second;
    }
    const T* find(const std::string& id) const {
        auto it = m_index.find(id);
        return it == m_index.end() ? nullptr : it->second;
    }
    /// Appends `row`; the caller guarantees its ID is new. Returns the stored row.
    T& insert(T row) {
        T& stored = *m_rows.emplace_back(std::make_unique<T>(std::move(row)));
        m_index[stored.id] = &stored;
        return stored;
    }
    /// Removes the row with this ID; false when there was none.
    bool erase(const std::string& id) {
        auto it = m_index.find(id);
        if (it == m_index.end()) {
            return false;
        }
        const T* row = it->second;
        m_index.erase(it);
        std::erase_if(m_rows, [row](const std::unique_ptr<T>& held) { return held.get() == row; });
        return true;
    }
    /// The rows in insertion order (range-for, `size()`, `[i]`).
    RowsView<T, T> rows() { return RowsView<T, T>(m_rows.data(), m_rows.size()); }
    RowsView<const T, T> rows() const { return RowsView<const T, T>(m_rows.data(), m_rows.size()); }
    size_t size() const { return m_rows.size(); }
    void clear() {
        m_rows.clear();
        m_index.clear();
    }

private:
    std::vector<std::unique_ptr<T>> m_rows;
    std::unordered_map<std::string, T*> m_index;
};

/// Write counts of the current rate-limit window.
struct RateCounters {
    EpochSeconds window_start = 0;          ///< top of the hour the counts belong to
    std::map<std::string, long long> used;  ///< user ID -> writes in this window
};

/// How long an invitation stays active.
inline constexpr EpochSeconds invitation_lifetime_seconds = 7 * 24 * 3600;

/// The whole account. Not thread-safe: the server serialises access with one mutex.
class Store {
public:
    Store();

    Customer customer;
    // Users and invitations are added with add_user and add_invitation, and users, invitations and user
    // groups are deleted with the delete_* functions below, which keep the indexes.
    Table<User> users;
    Table<Permission> permissions;
    Table<Role> roles;
    Table<Service> services;
    Table<ServiceGroup> service_groups;
    Table<UserGroup> user_groups;
    Table<Invitation> invitations;
    // Tokens and service authorizations are added and deleted with the functions below (indexes).
    Table<Token> tokens;  ///< by token ID
    Table<ServiceAuthorization> service_authorizations;
    EventLog events;  ///< the audit log (GET /events); reset() empties it and keeps its capacity
    RateCounters rate;
    EpochSeconds clock_offset = 0;  ///< added to the wall clock; moved by /_emulator/clock

    /// Source of wall-clock time; tests replace it to pin time.
    std::function<EpochSeconds()> wall_clock = system_now;

    /// The emulator's clock: wall clock plus `clock_offset`.
    EpochSeconds now() const { return wall_clock() + clock_offset; }
    /// A fresh 22-character ID, unique in this store.
    std::string new_id();

    /// Adds a user and indexes its login. The login must be new (case-insensitively).
    User& add_user(User user);
    /// The user with this login (case-insensitive), or nullptr.
    User* user_by_login(std::string_view login);
    /// The role with this ID, else the role with this name, else nullptr.
    Role* role_by_ref(const std::string& ref);
    /// The permission with this ID, else with this name, else nullptr.
    Permission* permission_by_ref(const std::string& ref);
    ServiceGroup* service_group_by_name(const std::string& name);
    UserGroup* user_group_by_name(const std::string& name);
    /// Adds an invitation and indexes its email. The ID must be new.
    Invitation& add_invitation(Invitation invitation);
    /// The oldest invitation for this email (case-insensitive), active or expired, or nullptr.
    Invitation* invitation_by_email(std::string_view email);
    /// The oldest invitation for this email (case-insensitive) that is still active, or nullptr.
    Invitation* active_invitation_by_email(std::string_view email);
    /// 1 while the invitation is younger than seven days on the emulator clock, else 0.
    int invitation_status_code(const Invitation& invitation) const;

    /// Appends each of `members` that the group does not hold yet, in order.
    void add_members(UserGroup& group, const std::vector<Member>& members);
    /// Removes `members` from the group; those it does not hold are ignored.
    void remove_members(UserGroup& group, const std::vector<Member>& members);
    /// In every group holding `from`, puts `to` in its place, or just removes `from` where `to` is
    /// already a member (an accepted invitation becomes its user).
    void move_memberships(const Member& from, const Member& to);

    /// Adds a token and indexes its secret, which must be new.
    Token& add_token(Token token);
    /// The token whose secret this is, or nullptr.
    const Token* token_by_secret(const std::string& secret) const;
    /// The user's tokens, oldest first.
    std::vector<const Token*> tokens_of(const std::string& user_id) const;
    void delete_token(const std::string& id);

    /// Adds an authorization and indexes it by user; the (user, service) pair must be new.
    ServiceAuthorization& add_service_authorization(ServiceAuthorization authorization);
    /// The user's authorization for the service, or nullptr.
    ServiceAuthorization* service_authorization_for(const std::string& user_id, const std::string& service_id);
    void delete_service_authorization(const std::string& id);

    /// The contact attributes (customer_contact_fields) that name this user, in that order.
    std::vector<std::string> contacts_of(const std::string& user_id) const;

    /// Deletes and removes every reference: tokens, service authorizations, group memberships, rate counters,
    /// customer contacts naming the user (they become null). Deleting
    /// a user or an invitation visits only the groups it belongs to.
    void delete_user(const std::string& id);
    void delete_invitation(const std::string& id);
    void delete_role(const std::string& id);
    void delete_service_group(const std::string& id);
    void delete_user_group(const std::string& id);

    /// Replaces the whole state (used by PUT /_emulator/state); keeps `wall_clock`.
    void reset();

private:
    /// The invitations for this email (case-insensitive), oldest first.
    std::vector<Invitation*> invitations_by_email(std::string_view email);
    /// The IDs of the groups holding `member`, dropped from the index (the member leaves them all).
    std::vector<std::string> take_groups_of(const Member& member);
    void remove_from_all_groups(const Member& member);

    IdGenerator m_ids;
    std::unordered_map<std::string, std::string> m_login_index;         ///< lower-cased login -> user ID
    std::unordered_map<std::string, std::string> m_token_secret_index;  ///< secret -> token ID
    /// user ID -> IDs of the user's service authorizations, so a user's delete visits only their own
    std::unordered_map<std::string, std::vector<std::string>> m_authorizations_by_user;
    /// lower-cased email -> invitation IDs, oldest first; POST /invitations looks up the email it invites
    std::unordered_map<std::string, std::vector<std::string>> m_invitation_email_index;
    /// member -> IDs of the groups holding it, so deleting a user or an invitation visits its own groups
    /// instead of every member of every group (50,000 at 10k users)
    std::unordered_map<Member, std::vector<std::string>, MemberHash> m_groups_by_member;
};

}  // namespace fastly_emulator
