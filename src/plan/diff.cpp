// The diff itself: roles, service groups, users and user groups, compared and put in order. The class and
// what its parts share are in differ.hpp; invitations.cpp and access.cpp hold the other parts.
#include <fastly_accounts/util/time.hpp>
#include "differ.hpp"

namespace fastly_accounts::plan::detail {

Plan Differ::run() {
    m_plan.customer_id = m_live.customer.id;
    for (const auto& pair : m_index.ambiguous_users()) {
        m_problems.push_back({{},
                              fmt::format("the account has two users whose logins are the same ignoring case: "
                                          "{}; the files cannot tell them apart (rename or delete one in "
                                          "Fastly)",
                                          pair)});
    }
    diff_roles();
    diff_service_groups();
    diff_users();
    diff_invitations();
    diff_user_groups();
    diff_customer();
    strip_pruned();
    mark_renames();
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

void Differ::index_live() {
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

// Where the files name the person `email`: under users or under invitations.
model::SourceLocation Differ::where_of(const std::string& email) const {
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
bool Differ::expired_invitee(const std::string& key) const {
    if (m_desired_people.count(key) > 0 || m_index.user(key) != nullptr) {
        return false;
    }
    const model::Invitation* invitation = m_index.invitation(key);
    return invitation != nullptr && !usable(*invitation);
}

// What a role name stands for, so that lists compare by role rather than by spelling: a custom role
// of the files (by its live id, or "new:" when it is created by this plan), or a catalog role by id.
// A name that resolves to nothing is reported against `where`, unless `where` is empty (live names).
std::string Differ::role_identity(const std::string& name, const Where& where) {
    if (m_desired_roles.count(name) > 0) {
        const model::Role* live = m_index.custom_role(name);
        return live != nullptr ? live->id : "new:" + name;
    }
    if (const auto* role = m_index.role(name)) {
        return role->id;
    }
    if (!where.empty()) {
        m_problems.push_back({where.at, fmt::format("{}: role '{}' does not exist in the account{}", where.what, name,
                                                    util::did_you_mean(name, role_candidates()))});
    }
    return "unknown:" + name;
}

// The role names the files could have meant: the account's, as plans name them, and the files' own.
std::vector<std::string> Differ::role_candidates() const {
    std::vector<std::string> out(m_desired_roles.begin(), m_desired_roles.end());
    for (const auto& role : m_live.role_catalog) {
        out.push_back(m_live.role_name(role.id));
    }
    return out;
}

// How plans name a role, whatever the files' spelling: a custom role of the files by its name; a role of
// the account as the account names it ("TLS Viewer" for tls_viewer). So a list that changes shows only
// the roles that really come and go.
std::string Differ::canonical_role(const std::string& name) const {
    if (m_desired_roles.count(name) > 0) {
        return name;
    }
    if (const auto* role = m_index.role(name)) {
        return m_live.role_name(role->id);
    }
    return name;
}

std::vector<std::string> Differ::canonical_roles(const std::vector<std::string>& names) const {
    std::vector<std::string> out;
    for (const auto& name : names) {
        out.push_back(canonical_role(name));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::string> Differ::role_identities(const std::vector<std::string>& names, const Where& where) {
    std::vector<std::string> out;
    for (const auto& name : names) {
        out.push_back(role_identity(name, where));
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The role lists differ as sets of roles (spelling and order aside)?
bool Differ::roles_differ(const std::vector<std::string>& wanted, const std::vector<std::string>& have,
                          const Where& where) {
    return role_identities(wanted, where) != role_identities(have, "");
}

// The IAM roles a user or invitation holds that `ignore.roles` covers: never taken away, so they are
// kept in a list the files give (which replaces the whole list when sent).
std::vector<std::string> Differ::with_ignored_roles(const std::vector<std::string>& wanted,
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

// The names of the services the plan's lists name by ID.
void Differ::name_services() {
    std::unordered_map<std::string, const std::string*> names;
    for (const auto& service : m_live.services) {
        names.emplace(service.id, &service.name);
    }
    for (const auto& change : m_plan.changes) {
        for (const auto& list : change.lists) {
            if (list.field != Field::services && list.field != Field::service_authorizations) {
                continue;
            }
            for (const auto* entries : {&list.add, &list.remove}) {
                for (const auto& entry : *entries) {
                    const auto grant = list.field == Field::service_authorizations ? parse_grant_entry(entry)
                                                                                   : std::nullopt;
                    const std::string& id = grant ? grant->first : entry;
                    if (auto it = names.find(id); it != names.end() && !it->second->empty()) {
                        m_plan.service_names[id] = *it->second;
                    }
                }
            }
        }
    }
}

// Custom roles and service groups are alike: a name, a description and one authoritative list (permissions,
// services); made and changed in stage 1, deleted in stage 7.
template <typename Object>
void Differ::diff_collection(Kind kind, const std::vector<Object>& desired, const std::vector<Object>& live,
                             std::optional<std::vector<std::string>> Object::*list, Field field,
                             std::string (*sub_list)(std::string_view id)) {
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
        const std::string object_id = exists ? id : placeholder(model::noun(kind), want.name);
        Change change{Stage::create_roles_and_service_groups,
                      exists ? Action::update : Action::create,
                      kind,
                      want.name,
                      id,
                      {},
                      {},
                      {},
                      "",
                      {}};
        if (!exists) {
            change.requests.push_back({"POST", api_path::collection(kind)});
            if (want.description) {
                change.fields.push_back({Field::description, {}, *want.description});
            }
        } else if (want.description && *want.description != found->second->description.value_or("")) {
            change.fields.push_back({Field::description, found->second->description.value_or(""), *want.description});
            change.requests.push_back({"PATCH", api_path::object(kind, object_id)});
        }
        if (want.*list) {
            const auto have = exists ? (found->second->*list).value_or(std::vector<std::string>{})
                                     : std::vector<std::string>{};
            auto [plus, minus] = list_delta(*(want.*list), have, exact);
            if (!plus.empty()) {
                change.requests.push_back({"POST", sub_list(object_id)});
            }
            if (!minus.empty()) {
                change.requests.push_back({"DELETE", sub_list(object_id)});
            }
            if (kind == Kind::roles) {
                if (const auto account = account_scope(plus); !account.empty()) {
                    change.sensitive.push_back(
                        fmt::format("privilege escalation: the role gains account-scope "
                                    "permissions ({})",
                                    util::join(account, ", ")));
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
            add({Stage::delete_roles_and_service_groups,
                 Action::remove,
                 kind,
                 have.name,
                 have.id,
                 {},
                 {},
                 {{"DELETE", api_path::object(kind, have.id)}},
                 "",
                 {}});
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
                m_problems.push_back(
                    problem(role.where, fmt::format("role '{}': permission '{}' does not exist (see GET "
                                                    "/permissions){}",
                                                    role.name, permission, util::did_you_mean(permission, names))));
            }
        }
    }
    diff_collection(Kind::roles, m_desired.roles, m_live.state.roles, &model::Role::permissions, Field::permissions,
                    api_path::role_permissions);
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
                m_problems.push_back(
                    problem(group.where, fmt::format("service group '{}': service '{}' does not exist in the "
                                                     "account{}",
                                                     group.name, id, util::did_you_mean(id, ids))));
            }
        }
    }
    diff_collection(Kind::service_groups, m_desired.service_groups, m_live.state.service_groups,
                    &model::ServiceGroup::services, Field::services, api_path::service_group_services);
}

void Differ::diff_users() {
    for (const auto& user : m_desired.users) {
        const std::string key = model::email_key(user.login);
        const Where where = located(user.where, fmt::format("user '{}'", user.login));
        const model::User* live = m_index.user(key);
        if (live == nullptr) {
            const model::Invitation* found = m_index.invitation(key);
            if (found != nullptr && usable(*found) &&
                resent_for_expired_grants(user.login, user.service_terms, wanted(user, where), *found)) {
                continue;
            }
            if (found != nullptr && usable(*found)) {
                if (user.roles) {
                    role_identities(*user.roles, where);
                }
                const std::size_t before = m_plan.changes.size();
                pending(user.login, wanted(user, where), *found, where);
                if (m_plan.changes.size() == before) {
                    m_plan.notes.push_back(fmt::format("{}: invited, awaiting acceptance", user.login));
                }
                continue;
            }
            if (m_desired.policy.missing_users == model::MissingUsers::invite) {
                invite(user.login, wanted(user, where), found,
                       found != nullptr ? "listed under users; the invitation expired, so it is sent again"
                                        : "listed under users, has no account yet (policy.missing_users: invite)");
                continue;
            }
            Change change{Stage::create_people,
                          Action::create,
                          Kind::users,
                          user.login,
                          "",
                          {},
                          {},
                          {{"POST", api_path::users()}},
                          "policy.missing_users: create",
                          {}};
            if (user.name) {
                change.fields.push_back({Field::name, {}, *user.name});
            }
            if (user.role) {
                change.fields.push_back({Field::role, {}, std::string(model::to_string(*user.role))});
            }
            if (user.roles) {
                role_identities(*user.roles, where);
                change.fields.push_back({Field::roles, {}, canonical_roles(*user.roles)});
            }
            for (auto [name, value] :
                 {std::pair{Field::limit_services, &user.limit_services}, std::pair{Field::locked, &user.locked},
                  std::pair{Field::require_new_password, &user.require_new_password}}) {
                if (*value) {
                    change.fields.push_back({name, {}, **value});
                }
            }
            if (user.services && !user.services->empty()) {
                if (auto grants = user_grants(user, model::User{}, where)) {
                    std::vector<Request> before;
                    grant_requests(*grants, "", before, change.requests);
                    change.lists.push_back(std::move(*grants));
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
            change.fields.push_back({Field::name, have.name.value_or(""), *user.name});
        }
        if (user.role && user.role != have.role) {
            change.fields.push_back({Field::role,
                                     have.role ? Value(std::string(model::to_string(*have.role))) : Value{},
                                     std::string(model::to_string(*user.role))});
        }
        const std::vector<std::string> have_roles = have.roles.value_or(std::vector<std::string>{});
        if (user.roles) {
            const auto wanted = with_ignored_roles(*user.roles, have_roles);
            if (roles_differ(wanted, have_roles, where)) {
                change.fields.push_back({Field::roles, sorted(have_roles), canonical_roles(wanted)});
            }
        }
        if (user.limit_services && *user.limit_services != have.limit_services.value_or(false)) {
            change.fields.push_back({Field::limit_services, have.limit_services.value_or(false), *user.limit_services});
        }
        if (user.locked && *user.locked != have.locked.value_or(false)) {
            change.fields.push_back({Field::locked, have.locked.value_or(false), *user.locked});
        }
        // require_new_password is an action, not a state: `true` asks for a reset when none is pending;
        // `false` never cancels one an administrator asked for.
        if (user.require_new_password == true && !have.require_new_password.value_or(false)) {
            change.fields.push_back({Field::require_new_password, false, true});
        }
        const model::UserRole role_after = user.role ? *user.role : have.role.value_or(model::UserRole::user);
        const bool limited_after = user.limit_services ? *user.limit_services : have.limit_services.value_or(false);
        if (role_after == model::UserRole::user && limited_after && (user.role || user.limit_services)) {
            m_problems.push_back({where.at, fmt::format("{}: role 'user' cannot be service-limited (Fastly refuses "
                                                        "it), and the account has limit_services: {} for them; "
                                                        "set limit_services: false, or another role",
                                                        where.what, have.limit_services.value_or(false))});
        }
        std::vector<Request> before;
        std::vector<Request> after;
        if (auto grants = user_grants(user, have, where)) {
            grant_requests(*grants, have.id, before, after);
            if (!user.services) {
                change.note =
                    "limit_services is turned off: the user's service authorizations, which would limit "
                    "nobody, are revoked first";
            }
            change.lists.push_back(std::move(*grants));
        }
        change.requests = std::move(before);
        if (!change.fields.empty()) {
            change.requests.push_back({"PUT", api_path::user(have.id)});
            if (role_waits_for_limit(change)) {
                change.requests.push_back({"PUT", api_path::user(have.id)});
            }
        }
        change.requests.insert(change.requests.end(), after.begin(), after.end());
        if (!change.requests.empty()) {
            mark_user_escalations(change, false);
            add(std::move(change));
        }
    }
    report_unmanaged_grants();
    for (const auto& have : m_live.state.users) {
        const std::string key = model::email_key(have.login);
        if (m_desired_people.count(key) > 0 || ignored(Kind::users, have.login)) {
            continue;
        }
        if (pruned(Kind::users)) {
            refuse_deleting_a_contact(have);
            Change deletion{
                Stage::delete_people_and_groups, Action::remove, Kind::users, have.login, have.id, {}, {}, {}, "", {}};
            revoke_tokens(deletion, have);
            deletion.requests.push_back({"DELETE", api_path::user(have.id)});
            add(std::move(deletion));
        } else {
            m_plan.unmanaged.push_back({Kind::users, have.login});
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

}  // namespace fastly_accounts::plan::detail

namespace fastly_accounts::plan {

std::string PlanError::Problem::located() const {
    if (where.file.empty()) {
        return message;
    }
    return where.line > 0 ? fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message)
                          : fmt::format("{}: {}", where.file, message);
}

PlanError::PlanError(std::vector<Problem> problems)
    : util::Error(
          fmt::format("the files name {} the account does not have", problems.size() == 1 ? "something" : "things")),
      m_problems(std::move(problems)) {}

Plan diff(const model::AccountState& desired, const model::LiveAccount& live, const DiffOptions& options) {
    // The account is compared with the files as it stands once the renames they ask for are done.
    detail::Renames renames = detail::find_renames(desired, live);
    std::optional<model::LiveAccount> renamed_live;
    if (!renames.renames.empty()) {
        renamed_live = renamed(live, renames.renames);
    }
    const model::LiveAccount& seen = renamed_live ? *renamed_live : live;
    check_policy_names(desired, seen);
    const std::int64_t now = options.now_epoch;
    // What has expired is planned as if the files did not give it.
    Plan plan = has_expired(desired, now)
                    ? detail::Differ(without_expired(desired, now), seen, options, std::move(renames)).run()
                    : detail::Differ(desired, seen, options, std::move(renames)).run();
    plan.now = now;
    plan.deadlines = find_deadlines(desired, now);
    for (const auto& deadline : plan.deadlines) {
        plan.notes.push_back(describe(deadline, now));
    }
    plan.violations = policy_violations(desired, seen, now);
    for (auto& violation : expired_still_present(plan, seen)) {
        plan.violations.push_back(std::move(violation));
    }
    for (const auto& violation : plan.violations) {
        plan.notes.push_back(fmt::format("policy: {}", violation.message));
    }
    return plan;
}

}  // namespace fastly_accounts::plan
