#include <algorithm>
#include <fastly_accounts/model/index.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fmt/format.h>
#include <map>
#include <set>
#include <unordered_map>

namespace fastly_accounts::plan {

namespace {

using model::Kind;

std::string placeholder(std::string_view noun, const std::string& name) {
    return fmt::format("{{id of {} '{}'}}", noun, name);
}

// Entries of `wanted` missing from `have`, and entries of `have` missing from `wanted`, both by `key`,
// each in its list's order.
template <typename Key>
std::pair<std::vector<std::string>, std::vector<std::string>> list_delta(const std::vector<std::string>& wanted,
                                                                         const std::vector<std::string>& have, Key key) {
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

std::string exact(const std::string& s) {
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

Where located(const model::SourceLocation& where, std::string what) {
    return {where, std::move(what)};
}

PlanError::Problem problem(const model::SourceLocation& where, std::string message) {
    return {where, std::move(message)};
}

// "; did you mean 'x'?" for the candidate `name` most likely meant (the same ignoring case first, then
// the closest spelling), or "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
    const std::string folded = util::to_lower(name);
    for (const auto& candidate : candidates) {
        if (util::to_lower(candidate) == folded) {
            return fmt::format("; did you mean '{}'?", candidate);
        }
    }
    if (auto closest = util::closest_match(name, candidates)) {
        return fmt::format("; did you mean '{}'?", *closest);
    }
    return "";
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

class Differ {
public:
    Differ(const model::AccountState& desired, const model::LiveAccount& live, const DiffOptions& options)
        : m_desired(desired), m_live(live), m_options(options), m_index(live, options.now_epoch) {
        index_live();
    }

    Plan run() {
        m_plan.customer_id = m_live.customer.id;
        for (const auto& pair : m_index.ambiguous_users()) {
            m_problems.push_back({{}, fmt::format("the account has two users whose logins are the same ignoring case: "
                                                  "{}; the files cannot tell them apart (rename or delete one in "
                                                  "Fastly)",
                                                  pair)});
        }
        diff_roles();
        diff_service_groups();
        diff_users();
        diff_invitations();
        diff_user_groups();
        strip_pruned();
        if (m_creates_users) {
            m_plan.notes.push_back(
                "policy.missing_users: create uses POST /user, which Fastly deprecated in 2025: only accounts that "
                "used it before still have it; elsewhere the creates fail. Invitations (the default) always work.");
        }
        if (!m_problems.empty()) {
            // One name used in several places is one problem each place, once.
            std::set<std::string> seen;
            std::erase_if(m_problems, [&](const PlanError::Problem& p) {
                return !seen.insert(fmt::format("{}:{}:{}:{}", p.where.file, p.where.line, p.where.column, p.message))
                            .second;
            });
            throw PlanError(std::move(m_problems));
        }
        sort_changes();
        name_services();
        evaluate_guards(m_plan, m_desired, m_live, m_options);
        summarize(m_plan);
        m_plan.summary.hourly_write_limit = m_options.hourly_write_limit;
        m_plan.summary.writes_remaining = m_options.writes_remaining;
        return std::move(m_plan);
    }

private:
    void index_live() {
        for (const auto& r : m_desired.roles) {
            m_desired_roles.insert(r.name);
        }
        for (const auto& g : m_desired.service_groups) {
            m_desired_service_groups.insert(g.name);
        }
        for (const auto& u : m_desired.users) {
            m_desired_people.insert(model::email_key(u.login));
        }
        for (const auto& i : m_desired.invitations) {
            m_desired_people.insert(model::email_key(i.email));
        }
        for (const auto& u : m_desired.users) {
            m_desired_users[model::email_key(u.login)] = &u;
        }
        for (const auto& g : m_desired.user_groups) {
            m_desired_user_groups[g.name] = &g;
        }
        for (const auto& r : m_desired.roles) {
            m_desired_role_objects[r.name] = &r;
        }
        for (const auto& p : m_live.permissions) {
            if (p.scope == "account") {
                m_account_permissions.insert(p.name);
            }
        }
    }

    // A live user group this plan deletes (pruned, not listed, not ignored).
    bool group_deleted(const std::string& name) const {
        return pruned(Kind::user_groups) && m_desired_user_groups.count(name) == 0 && !ignored(Kind::user_groups, name);
    }

    bool usable(const model::Invitation& invitation) const { return m_index.usable(invitation); }

    // Where the files name the person `email`: under users or under invitations.
    model::SourceLocation where_of(const std::string& email) const {
        const std::string key = model::email_key(email);
        if (auto user = m_desired_users.find(key); user != m_desired_users.end()) {
            return user->second->where;
        }
        for (const auto& invitation : m_desired.invitations) {
            if (model::email_key(invitation.email) == key) {
                return invitation.where;
            }
        }
        return {};
    }

    // A person the files do not list whose only tie to the account is an invitation that can no longer be
    // accepted.
    bool expired_invitee(const std::string& key) const {
        if (m_desired_people.count(key) > 0 || m_index.user(key) != nullptr) {
            return false;
        }
        const model::Invitation* invitation = m_index.invitation(key);
        return invitation != nullptr && !usable(*invitation);
    }

    bool ignored(Kind kind, const std::string& key) const { return m_desired.ignore.matches(kind, key); }
    bool pruned(Kind kind) const { return m_desired.policy.prune.count(kind) > 0; }

    // What a role name stands for, so that lists compare by role rather than by spelling: a custom role
    // of the files (by its live id, or "new:" when it is created by this plan), or a catalog role by id.
    // A name that resolves to nothing is reported against `where`, unless `where` is empty (live names).
    std::string role_identity(const std::string& name, const Where& where) {
        if (m_desired_roles.count(name) > 0) {
            const model::Role* live = m_index.custom_role(name);
            return live != nullptr ? live->id : "new:" + name;
        }
        if (const auto* role = m_index.role(name)) {
            return role->id;
        }
        if (!where.empty()) {
            m_problems.push_back({where.at, fmt::format("{}: role '{}' does not exist in the account{}", where.what,
                                                        name, did_you_mean(name, role_candidates()))});
        }
        return "unknown:" + name;
    }

    // The role names the files could have meant: the account's, as plans name them, and the files' own.
    std::vector<std::string> role_candidates() const {
        std::vector<std::string> out(m_desired_roles.begin(), m_desired_roles.end());
        for (const auto& role : m_live.role_catalog) {
            out.push_back(m_live.role_name(role.id));
        }
        return out;
    }

    // How plans name a role, whatever the files' spelling: a custom role of the files by its name; a role of
    // the account as the account names it ("TLS Viewer" for tls_viewer). So a list that changes shows only
    // the roles that really come and go.
    std::string canonical_role(const std::string& name) const {
        if (m_desired_roles.count(name) > 0) {
            return name;
        }
        if (const auto* role = m_index.role(name)) {
            return m_live.role_name(role->id);
        }
        return name;
    }

    std::vector<std::string> canonical_roles(const std::vector<std::string>& names) const {
        std::vector<std::string> out;
        for (const auto& name : names) {
            out.push_back(canonical_role(name));
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    static std::vector<std::string> sorted(std::vector<std::string> list) {
        std::sort(list.begin(), list.end());
        return list;
    }

    std::vector<std::string> role_identities(const std::vector<std::string>& names, const Where& where) {
        std::vector<std::string> out;
        for (const auto& name : names) {
            out.push_back(role_identity(name, where));
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    // The role lists differ as sets of roles (spelling and order aside)?
    bool roles_differ(const std::vector<std::string>& wanted, const std::vector<std::string>& have,
                      const Where& where) {
        return role_identities(wanted, where) != role_identities(have, "");
    }

    // Why holding the role `name` is a privilege escalation, or "" when it is not: the predefined
    // Superuser role, or a custom role with account-scope permissions (as the files define it, else as
    // the account has it).
    std::string escalating_role(const std::string& name) const {
        if (model::role_name_key(name) == "superuser") {
            return "the Superuser role";
        }
        const std::vector<std::string>* permissions = nullptr;
        if (auto d = m_desired_role_objects.find(name); d != m_desired_role_objects.end() && d->second->permissions) {
            permissions = &*d->second->permissions;
        } else if (const model::Role* l = m_index.custom_role(name); l != nullptr && l->permissions) {
            permissions = &*l->permissions;
        }
        const auto account = account_scope(permissions ? *permissions : std::vector<std::string>{});
        return account.empty() ? "" : fmt::format("role '{}' (account-scope: {})", name, util::join(account, ", "));
    }

    std::vector<std::string> account_scope(const std::vector<std::string>& permissions) const {
        std::vector<std::string> out;
        std::copy_if(permissions.begin(), permissions.end(), std::back_inserter(out),
                     [&](const std::string& p) { return m_account_permissions.count(p) > 0; });
        return out;
    }

    // The escalations of going from the role list `from` to `to` (names): each role gained that escalates.
    std::vector<std::string> escalations(const std::vector<std::string>& from, const std::vector<std::string>& to) {
        std::set<std::string> had;
        for (const auto& name : from) {
            had.insert(role_identity(name, ""));
        }
        std::vector<std::string> out;
        for (const auto& name : to) {
            if (had.count(role_identity(name, "")) == 0) {
                if (auto why = escalating_role(name); !why.empty()) {
                    out.push_back(why);
                }
            }
        }
        return out;
    }

    // The IAM roles a user or invitation holds that `ignore.roles` covers: never taken away, so they are
    // kept in a list the files give (which replaces the whole list when sent).
    std::vector<std::string> with_ignored_roles(const std::vector<std::string>& wanted,
                                                const std::vector<std::string>& have) {
        std::vector<std::string> out = wanted;
        std::set<std::string> present;
        for (const auto& name : wanted) {
            present.insert(role_identity(name, ""));
        }
        for (const auto& name : have) {
            if (ignored(Kind::roles, name) && present.insert(role_identity(name, "")).second) {
                out.push_back(name);
            }
        }
        return out;
    }

    void add(Change change) { m_plan.changes.push_back(std::move(change)); }

    // The names of the services the plan's lists name by ID.
    void name_services() {
        std::unordered_map<std::string, const std::string*> names;
        for (const auto& service : m_live.services) {
            names.emplace(service.id, &service.name);
        }
        for (const auto& change : m_plan.changes) {
            for (const auto& list : change.lists) {
                if (list.field != "services") {
                    continue;
                }
                for (const auto* entries : {&list.add, &list.remove}) {
                    for (const auto& id : *entries) {
                        if (auto it = names.find(id); it != names.end() && !it->second->empty()) {
                            m_plan.service_names[id] = *it->second;
                        }
                    }
                }
            }
        }
    }

    template <typename Object>
    void diff_collection(Kind kind, const std::vector<Object>& desired, const std::vector<Object>& live,
                         std::optional<std::vector<std::string>> Object::*list, const char* field,
                         const std::string& path, const char* sub);
    void diff_roles();
    void diff_service_groups();
    void diff_users();
    void diff_invitations();
    void diff_user_groups();
    void pending(const std::string& email, const std::optional<model::UserRole>& role,
                 const std::optional<std::vector<std::string>>& roles, const std::optional<bool>& limit_services,
                 const model::Invitation& live, const Where& where);
    void invite(const std::string& email, const std::optional<model::UserRole>& role,
                const std::optional<std::vector<std::string>>& roles, const std::optional<bool>& limit_services,
                const model::Invitation* live, const std::string& note);
    void carry_memberships(Change& change, const std::string& email);
    void mark_user_escalations(Change& change, bool created);
    void mark_group_escalations(Change& adds, const model::UserGroup& group, const model::UserGroup& have);
    void strip_pruned();
    void sort_changes();

    const model::AccountState& m_desired;
    const model::LiveAccount& m_live;
    const DiffOptions& m_options;
    Plan m_plan;
    std::vector<PlanError::Problem> m_problems;
    model::LiveIndex m_index;
    std::set<std::string> m_desired_roles;
    std::set<std::string> m_desired_service_groups;
    std::set<std::string> m_desired_people;  // email keys of listed users and invitations
    std::unordered_map<std::string, const model::User*> m_desired_users;             // by email_key
    std::unordered_map<std::string, const model::UserGroup*> m_desired_user_groups;  // by name
    std::unordered_map<std::string, const model::Role*> m_desired_role_objects;      // by name
    std::set<std::string> m_account_permissions;  // names of account-scope permissions
    // Invitations this plan replaces (email key), with the live groups whose membership of the person the
    // replacing change handles (carries or lets go): the user-group diff leaves those alone.
    std::map<std::string, std::set<std::string>> m_replaced;
    bool m_creates_users = false;  // a user is created with POST /user
};

// Custom roles and service groups are alike: a name, a description and one authoritative list (permissions,
// services); made and changed in stage 1, deleted in stage 6.
template <typename Object>
void Differ::diff_collection(Kind kind, const std::vector<Object>& desired, const std::vector<Object>& live,
                             std::optional<std::vector<std::string>> Object::*list, const char* field,
                             const std::string& path, const char* sub) {
    std::unordered_map<std::string, const Object*> by_name;
    for (const auto& have : live) {
        by_name[have.name] = &have;
    }
    std::set<std::string> listed;
    for (const auto& want : desired) {
        listed.insert(want.name);
        const auto found = by_name.find(want.name);
        const bool exists = found != by_name.end();
        const std::string id = exists ? found->second->id : "";
        const std::string object_path = path + "/" + (exists ? id : placeholder(model::noun(kind), want.name));
        Change change{Stage::create_roles_and_service_groups, exists ? Action::update : Action::create, kind, want.name,
                      id, {}, {}, {}, "", {}};
        if (!exists) {
            change.requests.push_back({"POST", path});
            if (want.description) {
                change.fields.push_back({"description", {}, *want.description});
            }
        } else if (want.description && *want.description != found->second->description.value_or("")) {
            change.fields.push_back({"description", found->second->description.value_or(""), *want.description});
            change.requests.push_back({"PATCH", object_path});
        }
        if (want.*list) {
            const auto have = exists ? (found->second->*list).value_or(std::vector<std::string>{}) : std::vector<std::string>{};
            auto [plus, minus] = list_delta(*(want.*list), have, exact);
            if (!plus.empty()) {
                change.requests.push_back({"POST", object_path + "/" + sub});
            }
            if (!minus.empty()) {
                change.requests.push_back({"DELETE", object_path + "/" + sub});
            }
            if (kind == Kind::roles) {
                if (const auto account = account_scope(plus); !account.empty()) {
                    change.sensitive.push_back(fmt::format("privilege escalation: the role gains account-scope "
                                                           "permissions ({})", util::join(account, ", ")));
                }
            }
            if (!plus.empty() || !minus.empty()) {
                change.lists.push_back({field, std::move(plus), std::move(minus)});
            }
        }
        if (!change.requests.empty()) {
            add(std::move(change));
        }
    }
    for (const auto& have : live) {
        if (listed.count(have.name) > 0 || ignored(kind, have.name)) {
            continue;
        }
        if (pruned(kind)) {
            add({Stage::delete_roles_and_service_groups, Action::remove, kind, have.name, have.id, {}, {},
                 {{"DELETE", path + "/" + have.id}}, "", {}});
        } else {
            m_plan.unmanaged.push_back({kind, have.name});
        }
    }
}

void Differ::diff_roles() {
    for (const auto& role : m_desired.roles) {
        for (const auto& permission : role.permissions.value_or(std::vector<std::string>{})) {
            if (m_live.find_permission(permission) == nullptr) {
                std::vector<std::string> names;
                for (const auto& p : m_live.permissions) {
                    names.push_back(p.name);
                }
                m_problems.push_back(problem(role.where,
                                             fmt::format("role '{}': permission '{}' does not exist (see GET "
                                                         "/permissions){}",
                                                         role.name, permission, did_you_mean(permission, names))));
            }
        }
    }
    diff_collection(Kind::roles, m_desired.roles, m_live.state.roles, &model::Role::permissions, "permissions", "/roles",
                    "permissions");
}

void Differ::diff_service_groups() {
    std::set<std::string> services;
    for (const auto& service : m_live.services) {
        services.insert(service.id);
    }
    for (const auto& group : m_desired.service_groups) {
        for (const auto& id : group.services.value_or(std::vector<std::string>{})) {
            if (services.count(id) == 0) {
                std::vector<std::string> ids(services.begin(), services.end());
                m_problems.push_back(problem(group.where,
                                             fmt::format("service group '{}': service '{}' does not exist in the "
                                                         "account{}",
                                                         group.name, id, did_you_mean(id, ids))));
            }
        }
    }
    diff_collection(Kind::service_groups, m_desired.service_groups, m_live.state.service_groups,
                    &model::ServiceGroup::services, "services", "/service-groups", "services");
}

// A person's invitation as the files want it, from the fields the files give and, for the ones they
// leave out, the live invitation's (a replacement must not lose what was not managed). Sent as a new
// invitation; `live` is the one it replaces, or null.
void Differ::invite(const std::string& email, const std::optional<model::UserRole>& role,
                    const std::optional<std::vector<std::string>>& roles, const std::optional<bool>& limit_services,
                    const model::Invitation* live, const std::string& note) {
    const bool replace = live != nullptr;
    Change change{Stage::create_people, replace ? Action::replace : Action::create, Kind::invitations, email,
                  replace ? live->id : "", {}, {}, {}, note, {}};
    const auto role_text = [](const std::optional<model::UserRole>& r) {
        return r ? Value(std::string(model::to_string(*r))) : Value{};
    };
    const std::optional<model::UserRole> send_role = role ? role : (replace ? live->role : std::nullopt);
    if (send_role) {
        change.fields.push_back({"role", replace ? role_text(live->role) : Value{}, role_text(send_role)});
    }
    std::optional<std::vector<std::string>> send_roles = roles;
    if (roles) {
        role_identities(*roles, located(where_of(email), fmt::format("invitation '{}'", email)));  // unknown roles
        if (replace) {
            send_roles = with_ignored_roles(*roles, live->roles.value_or(std::vector<std::string>{}));
        }
    } else if (replace && live->roles) {
        send_roles = live->roles;
    }
    if (send_roles) {
        change.fields.push_back({"roles", replace ? Value(sorted(live->roles.value_or(std::vector<std::string>{})))
                                                  : Value{},
                                 canonical_roles(*send_roles)});
    }
    const std::optional<bool> send_limit = limit_services ? limit_services : (replace ? live->limit_services : std::nullopt);
    if (send_limit) {
        change.fields.push_back({"limit_services", replace ? Value(live->limit_services.value_or(false)) : Value{},
                                 *send_limit});
    }
    if (send_role == model::UserRole::superuser) {
        change.sensitive.push_back("privilege escalation: invited as superuser");
    }
    for (const auto& why : escalations({}, send_roles.value_or(std::vector<std::string>{}))) {
        change.sensitive.push_back("privilege escalation: invited with " + why);
    }
    if (replace && live->limit_services == true) {
        // Not yet modelled (issue 15): what such an invitation grants per service is lost with it.
        change.sensitive.push_back("access lost: the pending invitation is service-limited, and its per-service "
                                   "grants (service_invitations) are not read, so they are not sent again");
    }
    if (replace) {
        change.requests.push_back({"DELETE", "/invitations/" + live->id});
    }
    change.requests.push_back({"POST", "/invitations"});
    if (replace) {
        carry_memberships(change, email);
    }
    add(std::move(change));
}

// Deleting an invitation takes it out of its user groups. The replacement is put back into each of them
// in the same change, unless the files give that group's members without this person; either way the
// change lists the groups (`user_groups`: + carried, - let go), so one apply converges and nobody who
// accepts in between lands without access.
void Differ::carry_memberships(Change& change, const std::string& email) {
    const std::string key = model::email_key(email);
    auto& handled = m_replaced[key];
    ListChange groups{"user_groups", {}, {}};
    for (const auto& group : m_live.state.user_groups) {
        const auto& members = group.members.value_or(std::vector<std::string>{});
        const bool member = std::any_of(members.begin(), members.end(),
                                        [&](const std::string& m) { return model::email_key(m) == key; });
        if (!member || group_deleted(group.name)) {
            continue;
        }
        handled.insert(group.name);
        bool keep = true;
        if (auto d = m_desired_user_groups.find(group.name); d != m_desired_user_groups.end() && d->second->members) {
            const auto& wanted = *d->second->members;
            keep = std::any_of(wanted.begin(), wanted.end(), [&](const std::string& m) { return model::email_key(m) == key; });
        }
        if (keep) {
            groups.add.push_back(group.name);
            change.requests.push_back({"POST", "/user-groups/" + group.id + "/members"});
        } else {
            groups.remove.push_back(group.name);
        }
    }
    if (!groups.add.empty() || !groups.remove.empty()) {
        change.lists.push_back(std::move(groups));
    }
}

// A pending invitation is compared with what the files want for the person (role, roles,
// limit_services). The API cannot update an invitation, so one that departs is replaced.
void Differ::pending(const std::string& email, const std::optional<model::UserRole>& role,
                     const std::optional<std::vector<std::string>>& roles, const std::optional<bool>& limit_services,
                     const model::Invitation& live, const Where& where) {
    std::vector<std::string> departs;
    if (role && role != live.role) {
        departs.push_back("role");
    }
    if (roles && roles_differ(with_ignored_roles(*roles, live.roles.value_or(std::vector<std::string>{})),
                              live.roles.value_or(std::vector<std::string>{}), where)) {
        departs.push_back("roles");
    }
    if (limit_services && *limit_services != live.limit_services.value_or(false)) {
        departs.push_back("limit_services");
    }
    if (departs.empty()) {
        return;
    }
    invite(email, role, roles, limit_services, &live,
           fmt::format("the pending invitation departs from the files ({}); an invitation cannot be changed, so it is "
                       "deleted and sent again, in the same user groups",
                       util::join(departs, ", ")));
}

void Differ::diff_users() {
    for (const auto& user : m_desired.users) {
        const std::string key = model::email_key(user.login);
        const Where where = located(user.where, fmt::format("user '{}'", user.login));
        const model::User* live = m_index.user(key);
        if (live == nullptr) {
            const model::Invitation* found = m_index.invitation(key);
            if (found != nullptr && usable(*found)) {
                if (user.roles) {
                    role_identities(*user.roles, where);
                }
                const std::size_t before = m_plan.changes.size();
                pending(user.login, user.role, user.roles, user.limit_services, *found, where);
                if (m_plan.changes.size() == before) {
                    m_plan.notes.push_back(fmt::format("{}: invited, awaiting acceptance", user.login));
                }
                continue;
            }
            if (m_desired.policy.missing_users == model::MissingUsers::invite) {
                invite(user.login, user.role, user.roles, user.limit_services, found,
                       found != nullptr ? "listed under users; the invitation expired, so it is sent again"
                                        : "listed under users, has no account yet (policy.missing_users: invite)");
                continue;
            }
            Change change{Stage::create_people, Action::create, Kind::users, user.login, "", {}, {}, {{"POST", "/user"}},
                          "policy.missing_users: create", {}};
            if (user.name) {
                change.fields.push_back({"name", {}, *user.name});
            }
            if (user.role) {
                change.fields.push_back({"role", {}, std::string(model::to_string(*user.role))});
            }
            if (user.roles) {
                role_identities(*user.roles, where);
                change.fields.push_back({"roles", {}, canonical_roles(*user.roles)});
            }
            for (auto [name, value] : {std::pair{"limit_services", &user.limit_services}, std::pair{"locked", &user.locked},
                                       std::pair{"require_new_password", &user.require_new_password}}) {
                if (*value) {
                    change.fields.push_back({name, {}, **value});
                }
            }
            mark_user_escalations(change, true);
            add(std::move(change));
            m_creates_users = true;
            continue;
        }
        const model::User& have = *live;
        Change change{Stage::create_people, Action::update, Kind::users, user.login, have.id, {}, {}, {}, "", {}};
        if (user.name && *user.name != have.name.value_or("")) {
            change.fields.push_back({"name", have.name.value_or(""), *user.name});
        }
        if (user.role && user.role != have.role) {
            change.fields.push_back({"role", have.role ? Value(std::string(model::to_string(*have.role))) : Value{},
                                     std::string(model::to_string(*user.role))});
        }
        const std::vector<std::string> have_roles = have.roles.value_or(std::vector<std::string>{});
        if (user.roles) {
            const auto wanted = with_ignored_roles(*user.roles, have_roles);
            if (roles_differ(wanted, have_roles, where)) {
                change.fields.push_back({"roles", sorted(have_roles), canonical_roles(wanted)});
            }
        }
        if (user.limit_services && *user.limit_services != have.limit_services.value_or(false)) {
            change.fields.push_back({"limit_services", have.limit_services.value_or(false), *user.limit_services});
        }
        if (user.locked && *user.locked != have.locked.value_or(false)) {
            change.fields.push_back({"locked", have.locked.value_or(false), *user.locked});
        }
        // require_new_password is an action, not a state: `true` asks for a reset when none is pending;
        // `false` never cancels one an administrator asked for.
        if (user.require_new_password == true && !have.require_new_password.value_or(false)) {
            change.fields.push_back({"require_new_password", false, true});
        }
        if (!change.fields.empty()) {
            change.requests.push_back({"PUT", "/user/" + have.id});
            mark_user_escalations(change, false);
            add(std::move(change));
        }
    }
    for (const auto& have : m_live.state.users) {
        const std::string key = model::email_key(have.login);
        if (m_desired_people.count(key) > 0 || ignored(Kind::users, have.login)) {
            continue;
        }
        if (pruned(Kind::users)) {
            add({Stage::delete_people_and_groups, Action::remove, Kind::users, have.login, have.id, {}, {},
                 {{"DELETE", "/user/" + have.id}}, "", {}});
        } else {
            m_plan.unmanaged.push_back({Kind::users, have.login});
        }
    }
}

// Marks what a reviewer must not miss on a user's change: becoming superuser, gaining the Superuser
// role or a role with account-scope permissions, being unlocked.
void Differ::mark_user_escalations(Change& change, bool created) {
    for (const auto& f : change.fields) {
        if (f.field == "role" && f.to == Value(std::string("superuser"))) {
            change.sensitive.push_back(created ? "privilege escalation: created as superuser"
                                               : fmt::format("privilege escalation: role {} → superuser", display(f.from)));
        } else if (f.field == "roles") {
            const auto* from = std::get_if<std::vector<std::string>>(&f.from);
            const auto* to = std::get_if<std::vector<std::string>>(&f.to);
            for (const auto& why : escalations(from ? *from : std::vector<std::string>{},
                                               to ? *to : std::vector<std::string>{})) {
                change.sensitive.push_back("privilege escalation: gains " + why);
            }
        } else if (f.field == "limit_services" && f.from == Value(true) && f.to == Value(false)) {
            change.sensitive.push_back("privilege escalation: limit_services lifted, so every service is open to them");
        } else if (f.field == "locked" && f.from == Value(true) && f.to == Value(false)) {
            change.sensitive.push_back("unlocks the user (a lock may have been set by hand, in an incident)");
        }
    }
}

void Differ::diff_invitations() {
    std::set<std::string> desired_invitations;
    for (const auto& invitation : m_desired.invitations) {
        const std::string key = model::email_key(invitation.email);
        desired_invitations.insert(key);
        if (m_index.user(key) != nullptr) {
            m_plan.notes.push_back(fmt::format(
                "{}: accepted the invitation and is now a user; move the entry from invitations: to users:",
                invitation.email));
            continue;
        }
        const Where where = located(invitation.where, fmt::format("invitation '{}'", invitation.email));
        const model::Invitation* found = m_index.invitation(key);
        if (found != nullptr && usable(*found)) {
            if (invitation.roles) {
                role_identities(*invitation.roles, where);
            }
            pending(invitation.email, invitation.role, invitation.roles, invitation.limit_services, *found, where);
            continue;
        }
        invite(invitation.email, invitation.role, invitation.roles, invitation.limit_services, found,
               found != nullptr ? "the invitation expired; it is sent again" : "");
    }
    std::set<std::string> desired_users;
    for (const auto& user : m_desired.users) {
        desired_users.insert(model::email_key(user.login));
    }
    for (const auto& have : m_live.state.invitations) {
        const std::string key = model::email_key(have.email);
        if (ignored(Kind::invitations, have.email)) {
            continue;
        }
        // A listed person's invitation (pending or replaced above) is theirs. Another pending one for the same
        // person (ZOË@ beside zoë@) would let them accept with what the files do not say: it goes.
        if (desired_invitations.count(key) > 0 || desired_users.count(key) > 0) {
            if (usable(have) && m_index.invitation(key) != &have) {
                Change extra{Stage::delete_people_and_groups, Action::remove, Kind::invitations, have.email, have.id,
                             {}, {}, {{"DELETE", "/invitations/" + have.id}},
                             "a second pending invitation for a person the files list once; only one is kept", {}};
                if (have.role == model::UserRole::superuser) {
                    extra.sensitive.push_back("a pending invitation as superuser that the files do not describe");
                }
                add(std::move(extra));
            }
            continue;
        }
        if (pruned(Kind::invitations)) {
            add({Stage::delete_people_and_groups, Action::remove, Kind::invitations, have.email, have.id, {}, {},
                 {{"DELETE", "/invitations/" + have.id}}, usable(have) ? "" : "expired", {}});
        } else if (usable(have)) {
            m_plan.unmanaged.push_back({Kind::invitations, have.email});
        } else {
            // Invisible otherwise: expired invitations pile up unseen.
            m_plan.notes.push_back(fmt::format(
                "{}: an expired invitation{} that the files do not list; it can no longer be accepted (unmanaged: "
                "prune invitations to delete it, or list the person to invite them again)",
                have.email, have.created_at.size() >= 10 ? " (sent " + have.created_at.substr(0, 10) + ")" : ""));
        }
    }
}

// Adding roles or members to a group whose roles escalate is an escalation for those members.
void Differ::mark_group_escalations(Change& adds, const model::UserGroup& group, const model::UserGroup& have) {
    const auto have_roles = have.roles.value_or(std::vector<std::string>{});
    const auto after = group.roles ? *group.roles : have_roles;
    for (const auto& why : escalations(have_roles, after)) {
        adds.sensitive.push_back("privilege escalation: the group's members gain " + why);
    }
    const auto members = std::find_if(adds.lists.begin(), adds.lists.end(),
                                       [](const ListChange& l) { return l.field == "members"; });
    if (members == adds.lists.end() || members->add.empty()) {
        return;
    }
    for (const auto& why : escalations({}, after)) {
        adds.sensitive.push_back(fmt::format("privilege escalation: {} added to a group with {}",
                                             util::join(members->add, ", "), why));
    }
}

void Differ::diff_user_groups() {
    std::set<std::string> desired_groups;
    for (const auto& group : m_desired.user_groups) {
        desired_groups.insert(group.name);
        const Where where = located(group.where, fmt::format("user group '{}'", group.name));
        for (const auto& name : group.service_groups.value_or(std::vector<std::string>{})) {
            if (m_desired_service_groups.count(name) == 0 && m_index.service_group(name) == nullptr) {
                m_problems.push_back({where.at, fmt::format("{}: service group '{}' does not exist", where.what, name)});
            }
        }
        const model::UserGroup* live = m_index.user_group(group.name);
        const bool exists = live != nullptr;
        const std::string id = exists ? live->id : "";
        const std::string path = "/user-groups/" + (exists ? id : placeholder("user group", group.name));
        Change adds{Stage::create_user_groups, exists ? Action::update : Action::create, Kind::user_groups, group.name,
                    id, {}, {}, {}, "", {}};
        Change removes{Stage::remove_from_groups, Action::update, Kind::user_groups, group.name, id, {}, {}, {}, "", {}};
        if (!exists) {
            adds.requests.push_back({"POST", "/user-groups"});
            if (group.description) {
                adds.fields.push_back({"description", {}, *group.description});
            }
        } else if (group.description && *group.description != live->description.value_or("")) {
            adds.fields.push_back({"description", live->description.value_or(""), *group.description});
            adds.requests.push_back({"PATCH", path});
        }
        const model::UserGroup empty;
        const model::UserGroup& have = exists ? *live : empty;

        auto relation = [&](const char* field, const char* sub, const std::optional<std::vector<std::string>>& wanted,
                            const std::optional<std::vector<std::string>>& got, auto key, auto keep) {
            if (!wanted) {
                return;
            }
            auto [plus, minus] = list_delta(*wanted, got.value_or(std::vector<std::string>{}), key);
            std::erase_if(plus, keep);
            std::erase_if(minus, keep);
            if (!plus.empty()) {
                adds.lists.push_back({field, plus, {}});
                adds.requests.push_back({"POST", path + "/" + sub});
            }
            if (!minus.empty()) {
                removes.lists.push_back({field, {}, minus});
                removes.requests.push_back({"DELETE", path + "/" + sub});
            }
        };
        if (group.roles) {
            role_identities(*group.roles, where);  // reports the names that resolve to nothing
        }
        auto role_key = [&](const std::string& name) { return role_identity(name, ""); };
        // Ignored roles and service groups are never taken out of a group the files manage; listing them
        // there is allowed, and then they are added like any other.
        auto ignored_role = [&](const std::string& name) {
            return ignored(Kind::roles, name) && !named(group.roles, name, role_key);
        };
        auto ignored_service_group = [&](const std::string& name) {
            return ignored(Kind::service_groups, name) && !named(group.service_groups, name, exact);
        };
        // Ignored people are never taken out of a group: they are not the files' business. A person whose
        // invitation this plan replaces is put back by the replacing change.
        auto handled_person = [&](const std::string& login) {
            const std::string key = model::email_key(login);
            if (auto replaced = m_replaced.find(key); replaced != m_replaced.end() && replaced->second.count(group.name)) {
                return true;
            }
            if (expired_invitee(key)) {
                return true;  // a dead membership: nothing to give, nothing worth a request to take
            }
            return (ignored(Kind::users, login) || ignored(Kind::invitations, login)) && !named(group.members, login, model::email_key);
        };
        relation("roles", "roles", group.roles, have.roles, role_key, ignored_role);
        for (auto& list : adds.lists) {
            if (list.field == "roles") {
                list.add = canonical_roles(list.add);
            }
        }
        relation("service_groups", "service-groups", group.service_groups, have.service_groups, exact,
                 ignored_service_group);
        relation("members", "members", group.members, have.members, model::email_key, handled_person);
        mark_group_escalations(adds, group, have);
        if (!adds.requests.empty()) {
            add(std::move(adds));
        }
        if (!removes.requests.empty()) {
            add(std::move(removes));
        }
    }
    for (const auto& have : m_live.state.user_groups) {
        if (desired_groups.count(have.name) > 0 || ignored(Kind::user_groups, have.name)) {
            continue;
        }
        if (pruned(Kind::user_groups)) {
            add({Stage::delete_people_and_groups, Action::remove, Kind::user_groups, have.name, have.id, {}, {},
                 {{"DELETE", "/user-groups/" + have.id}}, "", {}});
        } else {
            m_plan.unmanaged.push_back({Kind::user_groups, have.name});
        }
    }
}

// Deleting a custom role or a service group strips it from everything that holds it. Holders the files
// manage lose it through changes of their own (counted there); the others are listed on the deletion,
// as `held_by`, so the reviewer sees who loses access and the revocation guard counts them.
void Differ::strip_pruned() {
    std::set<const Change*> kept;  // deletions not made: an ignored object holds what they would delete
    for (auto& change : m_plan.changes) {
        if (change.action != Action::remove || (change.kind != Kind::roles && change.kind != Kind::service_groups)) {
            continue;
        }
        ListChange held{std::string(held_by_list), {}, {}};
        auto holds = [&](const std::optional<std::vector<std::string>>& list) {
            const auto& entries = list.value_or(std::vector<std::string>{});
            return std::find(entries.begin(), entries.end(), change.key) != entries.end();
        };
        auto suffix = [&](Kind kind, const std::string& key) { return ignored(kind, key) ? " (ignored)" : ""; };
        for (const auto& group : m_live.state.user_groups) {
            const bool has = change.kind == Kind::roles ? holds(group.roles) : holds(group.service_groups);
            if (!has || group_deleted(group.name)) {
                continue;
            }
            auto desired = m_desired_user_groups.find(group.name);
            const bool managed = desired != m_desired_user_groups.end() &&
                                 (change.kind == Kind::roles ? desired->second->roles : desired->second->service_groups);
            if (!managed) {
                held.remove.push_back(held_by_entry(Kind::user_groups, group.name) + suffix(Kind::user_groups, group.name));
            }
        }
        if (change.kind == Kind::roles) {
            for (const auto& user : m_live.state.users) {
                const std::string key = model::email_key(user.login);
                auto desired = m_desired_users.find(key);
                const bool managed = desired != m_desired_users.end() && desired->second->roles;
                const bool deleted = pruned(Kind::users) && m_desired_people.count(key) == 0 && !ignored(Kind::users, user.login);
                if (holds(user.roles) && !managed && !deleted) {
                    held.remove.push_back(held_by_entry(Kind::users, user.login) + suffix(Kind::users, user.login));
                }
            }
            for (const auto& invitation : m_live.state.invitations) {
                if (usable(invitation) && holds(invitation.roles) && m_replaced.count(model::email_key(invitation.email)) == 0) {
                    held.remove.push_back(held_by_entry(Kind::invitations, invitation.email) +
                                          suffix(Kind::invitations, invitation.email));
                }
            }
        }
        const auto ignored_holder = std::find_if(held.remove.begin(), held.remove.end(), [](const std::string& entry) {
            return entry.size() > 10 && entry.compare(entry.size() - 10, 10, " (ignored)") == 0;
        });
        if (ignored_holder != held.remove.end()) {
            // Ignored objects are never changed, and deleting this would change one: it stays, as unmanaged.
            m_plan.notes.push_back(fmt::format("{} '{}' is not pruned: the ignored {} holds it, and ignored objects are "
                                               "never changed",
                                               model::noun(change.kind), change.key,
                                               ignored_holder->substr(0, ignored_holder->size() - 10)));
            m_plan.unmanaged.push_back({change.kind, change.key});
            kept.insert(&change);
            continue;
        }
        if (!held.remove.empty()) {
            change.sensitive.push_back(fmt::format("access lost through pruning: {} the files do not manage {} it",
                                                   util::plural(held.remove.size(), "holder", "holders"),
                                                   held.remove.size() == 1 ? "loses" : "lose"));
            change.lists.push_back(std::move(held));
        }
    }
    std::erase_if(m_plan.changes, [&](const Change& c) { return kept.count(&c) > 0; });
}

void Differ::sort_changes() {
    auto order = [](const Change& c) {
        return std::tuple(static_cast<int>(c.stage), static_cast<int>(c.kind), util::to_lower(c.key), c.key);
    };
    std::stable_sort(m_plan.changes.begin(), m_plan.changes.end(),
                     [&](const Change& a, const Change& b) { return order(a) < order(b); });
    std::stable_sort(m_plan.unmanaged.begin(), m_plan.unmanaged.end(), [](const Unmanaged& a, const Unmanaged& b) {
        return std::tuple(static_cast<int>(a.kind), util::to_lower(a.key)) <
               std::tuple(static_cast<int>(b.kind), util::to_lower(b.key));
    });
    std::sort(m_plan.notes.begin(), m_plan.notes.end());
}

}  // namespace

std::string PlanError::Problem::located() const {
    if (where.file.empty()) {
        return message;
    }
    return where.line > 0 ? fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message)
                          : fmt::format("{}: {}", where.file, message);
}

PlanError::PlanError(std::vector<Problem> problems)
    : util::Error(fmt::format("the files name {} the account does not have",
                              problems.size() == 1 ? "something" : "things")),
      m_problems(std::move(problems)) {}

Plan diff(const model::AccountState& desired, const model::LiveAccount& live, const DiffOptions& options) {
    return Differ(desired, live, options).run();
}

}  // namespace fastly_accounts::plan
