#include <algorithm>
#include <fastly_accounts/apply/preconditions.hpp>
#include <fmt/format.h>
#include <optional>
#include <unordered_map>

namespace fastly_accounts::apply {

namespace {

using model::Kind;
using plan::Action;
using plan::Value;

// What a live object looks like to a precondition: its id, its fields as plan values, its lists.
struct Snapshot {
    std::string id;
    std::vector<std::pair<std::string, Value>> fields;
    std::vector<std::pair<std::string, std::vector<std::string>>> lists;
};

Value opt(const std::optional<std::string>& value) {
    return value ? Value(*value) : Value(std::string());
}

std::vector<std::string> list_or_empty(const std::optional<std::vector<std::string>>& list) {
    return list.value_or(std::vector<std::string>{});
}

using UserIndex = std::unordered_map<std::string, const model::User*>;  // by email_key(login)

std::optional<Snapshot> find(const model::LiveAccount& live, const UserIndex& users, Kind kind, const std::string& key) {
    const std::string email = model::email_key(key);
    switch (kind) {
        case Kind::users:
            if (auto found = users.find(email); found != users.end()) {
                const model::User& u = *found->second;
                Value role = u.role ? Value(std::string(model::to_string(*u.role))) : Value{};
                return Snapshot{u.id,
                                {{"name", opt(u.name)},
                                 {"role", role},
                                 {"roles", list_or_empty(u.roles)},
                                 {"limit_services", u.limit_services.value_or(false)},
                                 {"locked", u.locked.value_or(false)},
                                 {"require_new_password", u.require_new_password.value_or(false)}},
                                {}};
            }
            return std::nullopt;
        case Kind::invitations:
            for (const auto& i : live.state.invitations) {
                if (model::email_key(i.email) == email && i.active) {
                    return Snapshot{i.id, {}, {}};
                }
            }
            return std::nullopt;
        case Kind::roles:
            for (const auto& r : live.state.roles) {
                if (r.name == key) {
                    return Snapshot{r.id, {{"description", opt(r.description)}}, {{"permissions", list_or_empty(r.permissions)}}};
                }
            }
            return std::nullopt;
        case Kind::service_groups:
            for (const auto& g : live.state.service_groups) {
                if (g.name == key) {
                    return Snapshot{g.id, {{"description", opt(g.description)}}, {{"services", list_or_empty(g.services)}}};
                }
            }
            return std::nullopt;
        case Kind::user_groups:
            for (const auto& g : live.state.user_groups) {
                if (g.name == key) {
                    return Snapshot{g.id,
                                    {{"description", opt(g.description)}},
                                    {{"roles", list_or_empty(g.roles)},
                                     {"service_groups", list_or_empty(g.service_groups)},
                                     {"members", list_or_empty(g.members)}}};
                }
            }
            return std::nullopt;
    }
    return std::nullopt;
}

// List entries compare as the diff compares them: people ignoring case, role names as roles.
std::string entry_key(const std::string& list, const std::string& entry) {
    if (list == "members") {
        return model::email_key(entry);
    }
    if (list == "roles") {
        return model::role_name_key(entry);
    }
    return entry;
}

bool same(const Value& a, const Value& b, bool as_roles) {
    const auto* la = std::get_if<std::vector<std::string>>(&a);
    const auto* lb = std::get_if<std::vector<std::string>>(&b);
    if (la && lb) {
        auto normalized = [&](std::vector<std::string> list) {
            for (auto& entry : list) {
                entry = as_roles ? model::role_name_key(entry) : entry;
            }
            std::sort(list.begin(), list.end());
            return list;
        };
        return normalized(*la) == normalized(*lb);
    }
    return a == b;
}

}  // namespace

std::vector<std::string> stale_changes(const plan::Plan& plan, const model::LiveAccount& live) {
    std::vector<std::string> stale;
    UserIndex users;  // built once: a saved plan of a large account touches thousands of users
    for (const auto& user : live.state.users) {
        users.emplace(model::email_key(user.login), &user);
    }
    for (const auto& change : plan.changes) {
        const std::string what = fmt::format("{} {} '{}'", plan::to_string(change.action),
                                             model::noun(change.kind), change.key);
        auto report = [&](const std::string& why) { stale.push_back(what + ": " + why); };
        std::optional<Snapshot> now = find(live, users, change.kind, change.key);
        if (change.kind == Kind::invitations && change.action == Action::create) {
            if (now) {
                report("a pending invitation for this email exists now");
            } else if (users.count(model::email_key(change.key)) > 0) {
                report("this person is a user now");
            }
            continue;
        }
        if (change.action == Action::create) {
            if (now) {
                report("it exists now");
            }
            continue;
        }
        if (change.kind == Kind::invitations) {
            const bool present = std::any_of(live.state.invitations.begin(), live.state.invitations.end(),
                                              [&](const model::Invitation& i) { return i.id == change.id; });
            if (!present) {
                report("the invitation it replaces or deletes is gone");
            }
            continue;
        }
        if (!now) {
            report("it no longer exists");
            continue;
        }
        if (now->id != change.id) {
            report(fmt::format("it was re-created (id {} was {})", now->id, change.id));
            continue;
        }
        for (const auto& f : change.fields) {
            auto it = std::find_if(now->fields.begin(), now->fields.end(), [&](const auto& p) { return p.first == f.field; });
            if (it != now->fields.end() && !same(it->second, f.from, f.field == "roles")) {
                report(fmt::format("{} is {} now, the plan expected {}", f.field, plan::display(it->second),
                                   plan::display(f.from)));
            }
        }
        for (const auto& l : change.lists) {
            auto it = std::find_if(now->lists.begin(), now->lists.end(), [&](const auto& p) { return p.first == l.field; });
            if (it == now->lists.end()) {
                continue;
            }
            std::vector<std::string> keys;
            for (const auto& entry : it->second) {
                keys.push_back(entry_key(l.field, entry));
            }
            auto has = [&](const std::string& entry) {
                return std::find(keys.begin(), keys.end(), entry_key(l.field, entry)) != keys.end();
            };
            for (const auto& entry : l.add) {
                if (has(entry)) {
                    report(fmt::format("{} already has {}", l.field, entry));
                }
            }
            for (const auto& entry : l.remove) {
                if (!has(entry)) {
                    report(fmt::format("{} no longer has {}", l.field, entry));
                }
            }
        }
    }
    return stale;
}

}  // namespace fastly_accounts::apply
