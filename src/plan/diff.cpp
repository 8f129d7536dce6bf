#include <algorithm>
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

class Differ {
public:
    Differ(const model::AccountState& desired, const model::LiveAccount& live, const DiffOptions& options)
        : m_desired(desired), m_live(live), m_options(options) {
        index_live();
    }

    Plan run() {
        m_plan.customer_id = m_live.customer.id;
        diff_roles();
        diff_service_groups();
        diff_users();
        diff_invitations();
        diff_user_groups();
        if (!m_problems.empty()) {
            throw PlanError(std::move(m_problems));
        }
        sort_changes();
        evaluate_guards(m_plan, m_desired, m_live, m_options);
        summarize(m_plan);
        m_plan.summary.hourly_write_limit = m_options.hourly_write_limit;
        m_plan.summary.writes_remaining = m_options.writes_remaining;
        return std::move(m_plan);
    }

private:
    void index_live() {
        for (const auto& u : m_live.state.users) {
            m_live_users[model::email_key(u.login)] = &u;
        }
        for (const auto& i : m_live.state.invitations) {
            // With several invitations for one email, the usable (active, newest) one speaks for it.
            auto& slot = m_live_invitations[model::email_key(i.email)];
            if (slot == nullptr || (!usable(*slot) && usable(i))) {
                slot = &i;
            }
        }
        for (const auto& r : m_live.state.roles) {
            m_live_roles[r.name] = &r;
        }
        for (const auto& g : m_live.state.service_groups) {
            m_live_service_groups[g.name] = &g;
        }
        for (const auto& g : m_live.state.user_groups) {
            m_live_user_groups[g.name] = &g;
        }
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
    }

    // An invitation that can still be accepted: active and younger than seven days.
    bool usable(const model::Invitation& invitation) const {
        if (!invitation.active) {
            return false;
        }
        const auto created = parse_utc(invitation.created_at);
        return !created || m_options.now_epoch - *created < invitation_lifetime_seconds;
    }

    bool ignored(Kind kind, const std::string& key) const { return m_desired.ignore.matches(kind, key); }
    bool pruned(Kind kind) const { return m_desired.policy.prune.count(kind) > 0; }

    // What a role name stands for, so that lists compare by role rather than by spelling: a custom role
    // of the files (by its live id, or "new:" when it is created by this plan), or a catalog role by id.
    // A name that resolves to nothing is reported against `where`, unless `where` is empty (live names).
    std::string role_identity(const std::string& name, const std::string& where) {
        if (m_desired_roles.count(name) > 0) {
            auto live = m_live_roles.find(name);
            return live != m_live_roles.end() ? live->second->id : "new:" + name;
        }
        if (const auto* role = m_live.find_role(name)) {
            return role->id;
        }
        if (!where.empty()) {
            m_problems.push_back(fmt::format("{}: role '{}' does not exist in the account", where, name));
        }
        return "unknown:" + name;
    }

    std::vector<std::string> role_identities(const std::vector<std::string>& names, const std::string& where) {
        std::vector<std::string> out;
        for (const auto& name : names) {
            out.push_back(role_identity(name, where));
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    // The role lists differ as sets of roles (spelling and order aside)?
    bool roles_differ(const std::vector<std::string>& wanted, const std::vector<std::string>& have,
                      const std::string& where) {
        return role_identities(wanted, where) != role_identities(have, "");
    }

    void add(Change change) { m_plan.changes.push_back(std::move(change)); }

    template <typename Object>
    void diff_collection(Kind kind, const std::vector<Object>& desired, const std::vector<Object>& live,
                         std::optional<std::vector<std::string>> Object::*list, const char* field,
                         const std::string& path, const char* sub);
    void diff_roles();
    void diff_service_groups();
    void diff_users();
    void diff_invitations();
    void diff_user_groups();
    void invite(const std::string& email, const std::optional<model::UserRole>& role,
                const std::optional<std::vector<std::string>>& roles, const std::optional<bool>& limit_services,
                const std::string& note);
    void sort_changes();

    const model::AccountState& m_desired;
    const model::LiveAccount& m_live;
    const DiffOptions& m_options;
    Plan m_plan;
    std::vector<std::string> m_problems;
    std::unordered_map<std::string, const model::User*> m_live_users;              // by email_key
    std::unordered_map<std::string, const model::Invitation*> m_live_invitations;  // by email_key
    std::unordered_map<std::string, const model::Role*> m_live_roles;              // custom, by name
    std::unordered_map<std::string, const model::ServiceGroup*> m_live_service_groups;
    std::unordered_map<std::string, const model::UserGroup*> m_live_user_groups;
    std::set<std::string> m_desired_roles;
    std::set<std::string> m_desired_service_groups;
    std::set<std::string> m_desired_people;  // email keys of listed users and invitations
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
                      id, {}, {}, {}, ""};
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
                 {{"DELETE", path + "/" + have.id}}, ""});
        } else {
            m_plan.unmanaged.push_back({kind, have.name});
        }
    }
}

void Differ::diff_roles() {
    for (const auto& role : m_desired.roles) {
        for (const auto& permission : role.permissions.value_or(std::vector<std::string>{})) {
            if (m_live.find_permission(permission) == nullptr) {
                m_problems.push_back(fmt::format("role '{}': permission '{}' does not exist (see GET /permissions)",
                                                 role.name, permission));
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
                m_problems.push_back(fmt::format("service group '{}': service '{}' does not exist in the account",
                                                 group.name, id));
            }
        }
    }
    diff_collection(Kind::service_groups, m_desired.service_groups, m_live.state.service_groups,
                    &model::ServiceGroup::services, "services", "/service-groups", "services");
}

void Differ::invite(const std::string& email, const std::optional<model::UserRole>& role,
                    const std::optional<std::vector<std::string>>& roles, const std::optional<bool>& limit_services,
                    const std::string& note) {
    const auto live = m_live_invitations.find(model::email_key(email));
    const bool replace = live != m_live_invitations.end();
    Change change{Stage::create_people, replace ? Action::replace : Action::create, Kind::invitations, email,
                  replace ? live->second->id : "", {}, {}, {}, note};
    if (role) {
        change.fields.push_back({"role", {}, std::string(model::to_string(*role))});
    }
    if (roles) {
        role_identities(*roles, fmt::format("invitation '{}'", email));  // reports unknown roles
        change.fields.push_back({"roles", {}, *roles});
    }
    if (limit_services) {
        change.fields.push_back({"limit_services", {}, *limit_services});
    }
    if (replace) {
        change.requests.push_back({"DELETE", "/invitations/" + live->second->id});
    }
    change.requests.push_back({"POST", "/invitations"});
    add(std::move(change));
}

void Differ::diff_users() {
    for (const auto& user : m_desired.users) {
        const std::string key = model::email_key(user.login);
        const std::string where = fmt::format("user '{}'", user.login);
        auto live = m_live_users.find(key);
        if (live == m_live_users.end()) {
            auto invitation = m_live_invitations.find(key);
            if (invitation != m_live_invitations.end() && usable(*invitation->second)) {
                if (user.roles) {
                    role_identities(*user.roles, where);
                }
                m_plan.notes.push_back(fmt::format("{}: invited, awaiting acceptance", user.login));
                continue;
            }
            if (m_desired.policy.missing_users == model::MissingUsers::invite) {
                const bool expired = invitation != m_live_invitations.end();
                invite(user.login, user.role, user.roles, user.limit_services,
                       expired ? "listed under users; the invitation expired, so it is sent again"
                               : "listed under users, has no account yet (policy.missing_users: invite)");
                continue;
            }
            Change change{Stage::create_people, Action::create, Kind::users, user.login, "", {}, {}, {{"POST", "/user"}},
                          "policy.missing_users: create"};
            if (user.name) {
                change.fields.push_back({"name", {}, *user.name});
            }
            if (user.role) {
                change.fields.push_back({"role", {}, std::string(model::to_string(*user.role))});
            }
            if (user.roles) {
                role_identities(*user.roles, where);
                change.fields.push_back({"roles", {}, *user.roles});
            }
            for (auto [name, value] : {std::pair{"limit_services", &user.limit_services}, std::pair{"locked", &user.locked},
                                       std::pair{"require_new_password", &user.require_new_password}}) {
                if (*value) {
                    change.fields.push_back({name, {}, **value});
                }
            }
            add(std::move(change));
            continue;
        }
        const model::User& have = *live->second;
        Change change{Stage::create_people, Action::update, Kind::users, user.login, have.id, {}, {}, {}, ""};
        if (user.name && *user.name != have.name.value_or("")) {
            change.fields.push_back({"name", have.name.value_or(""), *user.name});
        }
        if (user.role && user.role != have.role) {
            change.fields.push_back({"role", have.role ? Value(std::string(model::to_string(*have.role))) : Value{},
                                     std::string(model::to_string(*user.role))});
        }
        const std::vector<std::string> have_roles = have.roles.value_or(std::vector<std::string>{});
        if (user.roles && roles_differ(*user.roles, have_roles, where)) {
            change.fields.push_back({"roles", have_roles, *user.roles});
        }
        for (auto [name, want, got] :
             {std::tuple{"limit_services", &user.limit_services, &have.limit_services},
              std::tuple{"locked", &user.locked, &have.locked},
              std::tuple{"require_new_password", &user.require_new_password, &have.require_new_password}}) {
            if (*want && **want != got->value_or(false)) {
                change.fields.push_back({name, got->value_or(false), **want});
            }
        }
        if (!change.fields.empty()) {
            change.requests.push_back({"PUT", "/user/" + have.id});
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
                 {{"DELETE", "/user/" + have.id}}, ""});
        } else {
            m_plan.unmanaged.push_back({Kind::users, have.login});
        }
    }
}

void Differ::diff_invitations() {
    std::set<std::string> desired_invitations;
    for (const auto& invitation : m_desired.invitations) {
        const std::string key = model::email_key(invitation.email);
        desired_invitations.insert(key);
        if (m_live_users.count(key) > 0) {
            m_plan.notes.push_back(fmt::format(
                "{}: accepted the invitation and is now a user; move the entry from invitations: to users:",
                invitation.email));
            continue;
        }
        auto live = m_live_invitations.find(key);
        if (live != m_live_invitations.end() && usable(*live->second)) {
            if (invitation.roles) {
                role_identities(*invitation.roles, fmt::format("invitation '{}'", invitation.email));
            }
            continue;  // pending: nothing to do until it is accepted or expires
        }
        invite(invitation.email, invitation.role, invitation.roles, invitation.limit_services,
               live != m_live_invitations.end() ? "the invitation expired; it is sent again" : "");
    }
    std::set<std::string> desired_users;
    for (const auto& user : m_desired.users) {
        desired_users.insert(model::email_key(user.login));
    }
    for (const auto& have : m_live.state.invitations) {
        const std::string key = model::email_key(have.email);
        // A listed person's invitation (pending or replaced above) is theirs, not an extra one.
        if (desired_invitations.count(key) > 0 || desired_users.count(key) > 0 || ignored(Kind::invitations, have.email)) {
            continue;
        }
        if (pruned(Kind::invitations)) {
            add({Stage::delete_people_and_groups, Action::remove, Kind::invitations, have.email, have.id, {}, {},
                 {{"DELETE", "/invitations/" + have.id}}, usable(have) ? "" : "expired"});
        } else if (usable(have)) {
            m_plan.unmanaged.push_back({Kind::invitations, have.email});
        }
    }
}

void Differ::diff_user_groups() {
    std::set<std::string> desired_groups;
    for (const auto& group : m_desired.user_groups) {
        desired_groups.insert(group.name);
        const std::string where = fmt::format("user group '{}'", group.name);
        for (const auto& name : group.service_groups.value_or(std::vector<std::string>{})) {
            if (m_desired_service_groups.count(name) == 0 && m_live_service_groups.count(name) == 0) {
                m_problems.push_back(fmt::format("{}: service group '{}' does not exist", where, name));
            }
        }
        auto live = m_live_user_groups.find(group.name);
        const bool exists = live != m_live_user_groups.end();
        const std::string id = exists ? live->second->id : "";
        const std::string path = "/user-groups/" + (exists ? id : placeholder("user group", group.name));
        Change adds{Stage::create_user_groups, exists ? Action::update : Action::create, Kind::user_groups, group.name,
                    id, {}, {}, {}, ""};
        Change removes{Stage::remove_from_groups, Action::update, Kind::user_groups, group.name, id, {}, {}, {}, ""};
        if (!exists) {
            adds.requests.push_back({"POST", "/user-groups"});
            if (group.description) {
                adds.fields.push_back({"description", {}, *group.description});
            }
        } else if (group.description && *group.description != live->second->description.value_or("")) {
            adds.fields.push_back({"description", live->second->description.value_or(""), *group.description});
            adds.requests.push_back({"PATCH", path});
        }
        const model::UserGroup empty;
        const model::UserGroup& have = exists ? *live->second : empty;

        auto relation = [&](const char* field, const char* sub, const std::optional<std::vector<std::string>>& wanted,
                            const std::optional<std::vector<std::string>>& got, auto key, auto keep) {
            if (!wanted) {
                return;
            }
            auto [plus, minus] = list_delta(*wanted, got.value_or(std::vector<std::string>{}), key);
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
        auto never = [](const std::string&) { return false; };
        // Ignored people are never taken out of a group: they are not the files' business.
        auto ignored_person = [&](const std::string& login) {
            return ignored(Kind::users, login) || ignored(Kind::invitations, login);
        };
        relation("roles", "roles", group.roles, have.roles, role_key, never);
        relation("service_groups", "service-groups", group.service_groups, have.service_groups, exact, never);
        relation("members", "members", group.members, have.members, model::email_key, ignored_person);
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
                 {{"DELETE", "/user-groups/" + have.id}}, ""});
        } else {
            m_plan.unmanaged.push_back({Kind::user_groups, have.name});
        }
    }
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

PlanError::PlanError(std::vector<std::string> problems)
    : util::Error(fmt::format("the files name {} the account does not have",
                              problems.size() == 1 ? "something" : "things")),
      m_problems(std::move(problems)) {}

Plan diff(const model::AccountState& desired, const model::LiveAccount& live, const DiffOptions& options) {
    return Differ(desired, live, options).run();
}

}  // namespace fastly_accounts::plan
