#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/model/api_paths.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <set>
#include <tuple>

namespace fastly_accounts::plan {

std::string_view describe(Stage stage) {
    switch (stage) {
        case Stage::create_roles_and_service_groups:
            return "create or update custom roles and service groups";
        case Stage::create_people:
            return "invite and create people; update users";
        case Stage::create_user_groups:
            return "create or update user groups; add roles, service groups, members";
        case Stage::remove_from_groups:
            return "remove members, roles and service groups from user groups";
        case Stage::customer_contacts:
            return "set the account's contacts";
        case Stage::delete_people_and_groups:
            return "delete user groups, invitations and users";
        case Stage::delete_roles_and_service_groups:
            return "delete service groups and custom roles";
        case Stage::customer_security:
            return "enforce the account's security settings (2FA, SSO, the IP allowlist)";
    }
    return "";
}

namespace {
constexpr std::pair<Field, std::string_view> field_names[] = {
    {Field::name, "name"},
    {Field::role, "role"},
    {Field::roles, "roles"},
    {Field::limit_services, "limit_services"},
    {Field::locked, "locked"},
    {Field::require_new_password, "require_new_password"},
    {Field::description, "description"},
    {Field::permissions, "permissions"},
    {Field::services, "services"},
    {Field::members, "members"},
    {Field::service_groups, "service_groups"},
    {Field::user_groups, "user_groups"},
    {Field::held_by, "held_by"},
    {Field::service_authorizations, "service_authorizations"},
    {Field::tokens, "tokens"},
    {Field::force_2fa, "force_2fa"},
    {Field::force_sso, "force_sso"},
    {Field::ip_allowlist, "ip_allowlist"},
    {Field::security_contact, "contacts.security"},
    {Field::technical_contact, "contacts.technical"},
    {Field::billing_contact, "contacts.billing"},
    {Field::legal_contact, "contacts.legal"},
};
}  // namespace

std::string_view to_string(Field field) {
    for (const auto& [value, name] : field_names) {
        if (value == field) {
            return name;
        }
    }
    return "";
}

std::optional<Field> parse_field(std::string_view name) {
    for (const auto& [value, text] : field_names) {
        if (text == name) {
            return value;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Action action) {
    switch (action) {
        case Action::create:
            return "create";
        case Action::update:
            return "update";
        case Action::remove:
            return "delete";
        case Action::replace:
            return "replace";
    }
    return "";
}

std::string display(const Value& value) {
    struct Visitor {
        std::string operator()(std::monostate) const { return "(not set)"; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(const std::string& s) const { return "\"" + s + "\""; }
        std::string operator()(const std::vector<std::string>& list) const {
            std::string out = "[";
            for (std::size_t i = 0; i < list.size(); ++i) {
                out += (i ? ", " : "") + list[i];
            }
            return out + "]";
        }
    };
    return std::visit(Visitor{}, value);
}

Field contact_field(model::Contact contact) {
    switch (contact) {
        case model::Contact::security:
            return Field::security_contact;
        case model::Contact::technical:
            return Field::technical_contact;
        case model::Contact::billing:
            return Field::billing_contact;
        case model::Contact::legal:
            return Field::legal_contact;
    }
    return Field::security_contact;
}

std::optional<model::Contact> field_contact(Field field) {
    for (auto contact : model::all_contacts) {
        if (contact_field(contact) == field) {
            return contact;
        }
    }
    return std::nullopt;
}

const std::vector<std::string>& acknowledgeable() {
    static const std::vector<std::string> names = {"force_2fa", "force_sso", "ip_allowlist"};
    return names;
}

std::string grant_entry(const std::string& service_id, model::ServicePermission permission) {
    return fmt::format("{}: {}", service_id, model::to_string(permission));
}

std::optional<std::pair<std::string, model::ServicePermission>> parse_grant_entry(std::string_view entry) {
    const auto colon = entry.find(": ");
    if (colon == std::string_view::npos || colon == 0) {
        return std::nullopt;
    }
    auto permission = model::parse_service_permission(entry.substr(colon + 2));
    if (!permission) {
        return std::nullopt;
    }
    return std::pair{std::string(entry.substr(0, colon)), *permission};
}

GrantDelta grant_delta(const ListChange& list) {
    GrantDelta out;
    std::map<std::string, model::ServicePermission> added;
    for (const auto& entry : list.add) {
        if (auto grant = parse_grant_entry(entry)) {
            added.insert(*grant);
        }
    }
    std::set<std::string> removed;
    for (const auto& entry : list.remove) {
        if (auto grant = parse_grant_entry(entry)) {
            removed.insert(grant->first);
            if (added.count(grant->first) == 0) {
                out.revoke.push_back(*grant);
            }
        }
    }
    for (const auto& entry : list.add) {
        if (auto grant = parse_grant_entry(entry)) {
            (removed.count(grant->first) > 0 ? out.change : out.grant).push_back(*grant);
        }
    }
    return out;
}

bool role_waits_for_limit(const Change& change) {
    bool to_user = false;
    bool unlimited = false;
    for (const auto& field : change.fields) {
        to_user = to_user || (field.field == Field::role && field.to == Value(std::string("user")));
        unlimited = unlimited || (field.field == Field::limit_services && field.to == Value(false));
    }
    return change.kind == model::Kind::users && change.action == Action::update && to_user && unlimited;
}

bool Plan::refused() const {
    return std::any_of(guards.begin(), guards.end(), [](const Guard& g) { return g.tripped; });
}

void summarize(Plan& plan) {
    Summary& s = plan.summary;
    s.create = s.update = s.remove = s.replace = s.write_requests = s.bulk_requests = s.removals = s.sensitive = 0;
    // Counts are of objects: a user group updated in two stages (additions, then removals) is one update.
    std::set<std::tuple<model::Kind, std::string, Action>> seen;
    for (const auto& change : plan.changes) {
        s.write_requests += static_cast<std::size_t>(std::count_if(change.requests.begin(), change.requests.end(),
                                                                   [](const Request& r) { return r.method != "GET"; }));
        s.bulk_requests += static_cast<std::size_t>(
            std::count_if(change.requests.begin(), change.requests.end(), [](const Request& r) {
                return r.method != "GET" && r.method != "POST" && r.path == model::api_path::service_authorizations();
            }));
        s.removals += count_removals(change);
        s.sensitive += change.sensitive.empty() ? 0 : 1;
        if (!seen.emplace(change.kind, change.key, change.action).second) {
            continue;
        }
        switch (change.action) {
            case Action::create:
                ++s.create;
                break;
            case Action::update:
                ++s.update;
                break;
            case Action::remove:
                ++s.remove;
                break;
            case Action::replace:
                ++s.replace;
                break;
        }
    }
}

std::string held_by_entry(model::Kind kind, std::string_view key) {
    return fmt::format("{} '{}'", model::noun(kind), key);
}

std::optional<std::pair<model::Kind, std::string>> parse_held_by_entry(std::string_view entry) {
    constexpr std::string_view ignored = " (ignored)";
    if (entry.size() >= ignored.size() && entry.substr(entry.size() - ignored.size()) == ignored) {
        entry.remove_suffix(ignored.size());
    }
    for (auto kind : model::all_kinds) {
        const std::string prefix = fmt::format("{} '", model::noun(kind));
        if (entry.size() > prefix.size() && entry.substr(0, prefix.size()) == prefix && entry.back() == '\'') {
            return std::pair{kind, std::string(entry.substr(prefix.size(), entry.size() - prefix.size() - 1))};
        }
    }
    return std::nullopt;
}

namespace {

// The account roles rank user < billing, engineer < superuser, and billing and engineer each allow
// what the other does not: leaving any role but `user` for any role but `superuser` loses something.
// `locked` and `limit_services` going from false to true take away sign-in and the services not
// granted one by one.
bool narrows_access(const FieldChange& field) {
    const auto* from_text = std::get_if<std::string>(&field.from);
    const auto* to_text = std::get_if<std::string>(&field.to);
    if (field.field == Field::role) {
        return from_text != nullptr && to_text != nullptr && *from_text != *to_text && *from_text != "user" &&
               *to_text != "superuser";
    }
    if (field.field == Field::locked || field.field == Field::limit_services) {
        return field.from == Value(false) && field.to == Value(true);
    }
    return false;
}

}  // namespace

std::size_t count_removals(const Change& change) {
    std::size_t count = 0;
    for (const auto& list : change.lists) {
        if (change.kind == model::Kind::user_groups || list.field == Field::held_by ||
            (change.kind == model::Kind::invitations && list.field == Field::user_groups)) {
            count += list.remove.size();
        }
    }
    // IAM roles taken from a user, or from a pending invitation that is sent again without them; and what
    // narrows a person's access without taking a listed entry: a lock, a role change that loses something,
    // being limited to the services granted one by one.
    if ((change.kind == model::Kind::users && change.action == Action::update) ||
        (change.kind == model::Kind::invitations && change.action == Action::replace)) {
        for (const auto& field : change.fields) {
            if (narrows_access(field)) {
                ++count;
                continue;
            }
            const auto* from = std::get_if<std::vector<std::string>>(&field.from);
            const auto* to = std::get_if<std::vector<std::string>>(&field.to);
            if (field.field != Field::roles || from == nullptr || to == nullptr) {
                continue;
            }
            std::set<std::string> kept;
            for (const auto& name : *to) {
                kept.insert(model::role_name_key(name));
            }
            count += static_cast<std::size_t>(std::count_if(from->begin(), from->end(), [&](const std::string& name) {
                return kept.count(model::role_name_key(name)) == 0;
            }));
        }
    }
    // Service authorizations revoked, and permissions lowered from `full` (the others are not ranked).
    for (const auto& list : change.lists) {
        if (list.field != Field::service_authorizations) {
            continue;
        }
        const GrantDelta delta = grant_delta(list);
        count += delta.revoke.size();
        std::map<std::string, model::ServicePermission> before;
        for (const auto& entry : list.remove) {
            if (auto grant = parse_grant_entry(entry)) {
                before.insert(*grant);
            }
        }
        for (const auto& [service, permission] : delta.change) {
            if (before[service] == model::ServicePermission::full && permission != model::ServicePermission::full) {
                ++count;
            }
        }
    }
    return count;
}

}  // namespace fastly_accounts::plan
