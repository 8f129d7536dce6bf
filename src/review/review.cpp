// Building the access review (README "Access review") from the live account, the audit log's logins and,
// when given, the files.
#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/model/index.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/review/review.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/time.hpp>
#include <set>

namespace fastly_accounts::review {

namespace {

constexpr std::int64_t day = 24 * 60 * 60;
constexpr std::int64_t unused_after = 90 * day;

bool is_superuser(const model::User& user) {
    const auto roles = user.roles.value_or(std::vector<std::string>{});
    return user.role == model::UserRole::superuser || std::any_of(roles.begin(), roles.end(), [](const std::string& r) {
               return model::role_name_key(r) == "superuser";
           });
}

// What the files say about the people and groups, looked up by the live names.
class FilesView {
public:
    FilesView(const model::AccountState* desired, const model::LiveAccount& live) : m_desired(desired) {
        if (desired == nullptr) {
            return;
        }
        for (const auto& user : desired->users) {
            m_users[model::email_key(user.login)] = &user;
        }
        for (const auto& invitation : desired->invitations) {
            m_invitations[model::email_key(invitation.email)] = &invitation;
        }
        for (const auto& group : desired->user_groups) {
            m_groups[group.name] = &group;
            auto& keys = m_members[group.name];
            for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
                keys.insert(model::email_key(member));
            }
        }
        for (const auto& service : live.services) {
            m_service_names[service.id] = service.name;
        }
    }

    bool given() const { return m_desired != nullptr; }
    const model::User* user(const std::string& login) const { return find(m_users, model::email_key(login)); }
    const model::Invitation* invitation(const std::string& email) const {
        return find(m_invitations, model::email_key(email));
    }
    const model::UserGroup* group(const std::string& name) const { return find(m_groups, name); }

    // The files' entry for `service_id` in `grants` (named there by ID or by name), or nullptr.
    const std::string* service_key(const model::ServiceGrants& grants, const std::string& service_id) const {
        for (const auto& [key, permission] : grants) {
            auto name = m_service_names.find(service_id);
            if (key == service_id || (name != m_service_names.end() && key == name->second)) {
                return &key;
            }
        }
        return nullptr;
    }

private:
    template <typename Map>
    static typename Map::mapped_type find(const Map& map, const std::string& key) {
        auto it = map.find(key);
        return it == map.end() ? nullptr : it->second;
    }

    const model::AccountState* m_desired;
    std::map<std::string, const model::User*> m_users;
    std::map<std::string, const model::Invitation*> m_invitations;
    std::map<std::string, const model::UserGroup*> m_groups;
    std::map<std::string, std::string> m_service_names;
    std::map<std::string, std::set<std::string>> m_members;  // group name -> email keys of its members

public:
    /// Whether the files make `login` a member of `group` (which gives its members).
    bool member(const std::string& group, const std::string& login) const {
        auto it = m_members.find(group);
        return it != m_members.end() && it->second.count(model::email_key(login)) > 0;
    }
};

bool names_role(const std::vector<std::string>& roles, const std::string& role) {
    return std::any_of(roles.begin(), roles.end(),
                       [&](const std::string& r) { return model::role_name_key(r) == model::role_name_key(role); });
}

}  // namespace

void note_logins(const std::vector<model::Event>& events, std::map<std::string, std::string>& latest) {
    for (const auto& event : events) {
        if (event.type != "user.login" || event.user_id.empty()) {
            continue;
        }
        std::string& at = latest[event.user_id];
        at = std::max(at, event.created_at);  // ISO 8601 UTC compares as text
    }
}

Report build(const model::LiveAccount& live, const std::map<std::string, std::string>& logins,
             const model::AccountState* desired, std::int64_t now) {
    Report report;
    report.customer_id = live.customer.id;
    report.customer_name = live.customer.name;
    report.now = now;
    report.with_files = desired != nullptr;
    report.tokens_read = live.tokens.has_value();
    // The files as they stand at `now`: an access past its `expires` is not one they give.
    std::optional<model::AccountState> effective;
    if (desired != nullptr) {
        plan::check_policy_names(*desired, live);
        effective = plan::without_expired(*desired, now);
    }
    const FilesView files(effective ? &*effective : nullptr, live);
    std::map<std::string, std::string> service_name;
    for (const auto& service : live.services) {
        service_name[service.id] = service.name.empty() ? service.id : service.name;
    }
    const auto service_label = [&](const std::string& id) {
        auto it = service_name.find(id);
        return it == service_name.end() ? id : it->second;
    };
    std::map<std::string, const model::ServiceGroup*> service_groups;
    for (const auto& group : live.state.service_groups) {
        service_groups[group.name] = &group;
    }
    std::map<std::string, std::vector<const model::UserGroup*>> groups_of;  // email key -> groups
    std::set<std::string> held_roles;                                       // role_name_key of roles held
    for (const auto& group : live.state.user_groups) {
        for (const auto& member : group.members.value_or(std::vector<std::string>{})) {
            groups_of[model::email_key(member)].push_back(&group);
        }
        for (const auto& role : group.roles.value_or(std::vector<std::string>{})) {
            held_roles.insert(model::role_name_key(role));
        }
    }
    std::map<std::string, std::vector<const model::ApiToken*>> tokens_of;  // user id -> tokens
    if (live.tokens) {
        for (const auto& token : *live.tokens) {
            tokens_of[token.user_id].push_back(&token);
        }
    }
    for (const auto& user : live.state.users) {
        Person person;
        person.login = user.login;
        person.name = user.name.value_or("");
        person.role = user.role ? std::string(model::to_string(*user.role)) : "";
        person.two_factor = user.two_factor_auth_enabled;
        person.locked = user.locked.value_or(false);
        person.limit_services = user.limit_services.value_or(false);
        person.created_at = user.created_at;
        if (auto it = logins.find(user.id); it != logins.end()) {
            person.last_login = it->second;
        }
        person.superuser = is_superuser(user);
        for (const auto* group : groups_of[model::email_key(user.login)]) {
            const auto roles = group->roles.value_or(std::vector<std::string>{});
            person.superuser = person.superuser || std::any_of(roles.begin(), roles.end(), [](const std::string& r) {
                                   return model::role_name_key(r) == "superuser";
                               });
        }
        const model::User* listed = files.user(user.login);
        if (files.given()) {
            person.in_files = listed != nullptr;
            if (listed != nullptr) {
                person.terms = listed->terms;
            }
        }
        person.grants.push_back({Grant::Type::role,
                                 person.role,
                                 "",
                                 "",
                                 listed && listed->role ? std::optional(*listed->role == user.role) : std::nullopt,
                                 {}});
        for (const auto& role : user.roles.value_or(std::vector<std::string>{})) {
            held_roles.insert(model::role_name_key(role));
            person.grants.push_back(
                {Grant::Type::iam_role,
                 role,
                 "",
                 "",
                 listed && listed->roles ? std::optional(names_role(*listed->roles, role)) : std::nullopt,
                 {}});
        }
        for (const auto* group : groups_of[model::email_key(user.login)]) {
            person.groups.push_back(group->name);
            Grant membership{Grant::Type::group, group->name, "", "", std::nullopt, {}};
            if (const auto* wanted = files.group(group->name); wanted != nullptr && wanted->members) {
                const std::string key = model::email_key(user.login);
                membership.in_files = files.member(group->name, user.login);
                if (auto terms = wanted->member_terms.find(key); terms != wanted->member_terms.end()) {
                    membership.terms = terms->second;
                }
            }
            person.grants.push_back(std::move(membership));
            const std::string via = fmt::format("user group '{}'", group->name);
            for (const auto& role : group->roles.value_or(std::vector<std::string>{})) {
                person.grants.push_back({Grant::Type::iam_role, role, via, "", std::nullopt, {}});
            }
            const std::string roles = fmt::format("{}",
                                                  fmt::join(group->roles.value_or(std::vector<std::string>{}), ", "));
            for (const auto& name : group->service_groups.value_or(std::vector<std::string>{})) {
                auto found = service_groups.find(name);
                if (found == service_groups.end()) {
                    continue;
                }
                // One entry per service group, not per service: the account's section lists each service
                // group's services once (10k people in groups of hundreds of services would otherwise make
                // millions of lines).
                const std::size_t count = found->second->services.value_or(std::vector<std::string>{}).size();
                person.grants.push_back({Grant::Type::service_group,
                                         name,
                                         via,
                                         fmt::format("{}{}{}", util::plural(count, "service", "services"),
                                                     roles.empty() ? "" : ", as ", roles),
                                         std::nullopt,
                                         {}});
            }
        }
        for (const auto& [service, permission] : user.services.value_or(model::ServiceGrants{})) {
            Grant grant{Grant::Type::service,
                        service_label(service),
                        "",
                        std::string(model::to_string(permission)),
                        std::nullopt,
                        {}};
            if (listed && listed->services) {
                const std::string* key = files.service_key(*listed->services, service);
                grant.in_files = key != nullptr && listed->services->at(*key) == permission;
                if (key != nullptr) {
                    if (auto terms = listed->service_terms.find(*key); terms != listed->service_terms.end()) {
                        grant.terms = terms->second;
                    }
                }
            }
            person.grants.push_back(std::move(grant));
        }
        for (const auto* token : tokens_of[user.id]) {
            ++person.tokens;
            person.tokens_never_expiring += token->expires_at.empty() ? 1 : 0;
            // Never used: counted from its creation, so that a token made today is not "unused for 90 days".
            const auto used = util::parse_utc(token->last_used_at.empty() ? token->created_at : token->last_used_at);
            person.tokens_unused += !used || now - *used > unused_after ? 1 : 0;
        }
        if (person.superuser) {
            report.superusers.push_back(user.login);
            if (person.two_factor != true) {
                report.superusers_without_2fa.push_back(user.login);
            }
        }
        if (person.groups.empty()) {
            report.in_no_group.push_back(user.login);
        }
        report.people.push_back(std::move(person));
    }
    for (const auto& invitation : live.state.invitations) {
        Invited invited;
        invited.email = invitation.email;
        invited.role = invitation.role ? std::string(model::to_string(*invitation.role)) : "";
        invited.created_at = invitation.created_at;
        if (auto created = util::parse_utc(invitation.created_at)) {
            invited.age_days = (now - *created) / day;
        }
        invited.expired = !model::usable(invitation, now);
        for (const auto& role : invitation.roles.value_or(std::vector<std::string>{})) {
            held_roles.insert(model::role_name_key(role));
        }
        if (files.given()) {
            // Listed as an invitation, or as a user (who is invited until they sign up).
            const model::Invitation* listed = files.invitation(invitation.email);
            const model::User* as_user = files.user(invitation.email);
            invited.in_files = listed != nullptr || as_user != nullptr;
            if (listed != nullptr) {
                invited.terms = listed->terms;
            } else if (as_user != nullptr) {
                invited.terms = as_user->terms;
            }
        }
        report.invitations.push_back(std::move(invited));
    }
    for (const auto& group : live.state.service_groups) {
        std::vector<std::string> names;
        for (const auto& id : group.services.value_or(std::vector<std::string>{})) {
            names.push_back(service_label(id));
        }
        report.service_groups[group.name] = std::move(names);
    }
    for (const auto& role : live.role_catalog) {
        if (role.custom && held_roles.count(model::role_name_key(role.name)) == 0) {
            report.roles_unheld.push_back(role.name);
        }
    }
    if (desired != nullptr) {
        report.violations = plan::policy_violations(*desired, live, now);
        report.deadlines = plan::find_deadlines(*desired, now);
        plan::Plan deadlines;  // no changes: every expired person still in the account is reported
        deadlines.deadlines = report.deadlines;
        for (auto& violation : plan::expired_still_present(deadlines, live)) {
            report.violations.push_back(std::move(violation));
        }
    }
    if (!live.tokens) {
        report.notes.emplace_back("the account's API tokens could not be read: token counts are left out");
    }
    report.notes.insert(report.notes.end(), live.read_notes.begin(), live.read_notes.end());
    return report;
}

}  // namespace fastly_accounts::review
