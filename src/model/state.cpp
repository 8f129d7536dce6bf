#include <algorithm>
#include <fastly_accounts/model/state.hpp>
#include <fastly_accounts/util/strings.hpp>

namespace fastly_accounts::model {

std::string_view to_string(Kind kind) {
    switch (kind) {
        case Kind::users:
            return "users";
        case Kind::invitations:
            return "invitations";
        case Kind::roles:
            return "roles";
        case Kind::service_groups:
            return "service_groups";
        case Kind::user_groups:
            return "user_groups";
    }
    return "?";
}

std::string_view noun(Kind kind) {
    switch (kind) {
        case Kind::users:
            return "user";
        case Kind::invitations:
            return "invitation";
        case Kind::roles:
            return "role";
        case Kind::service_groups:
            return "service group";
        case Kind::user_groups:
            return "user group";
    }
    return "object";
}

std::optional<Kind> parse_kind(std::string_view name) {
    for (Kind kind : all_kinds) {
        if (to_string(kind) == name) {
            return kind;
        }
    }
    return std::nullopt;
}

std::string_view to_string(UserRole role) {
    switch (role) {
        case UserRole::user:
            return "user";
        case UserRole::billing:
            return "billing";
        case UserRole::engineer:
            return "engineer";
        case UserRole::superuser:
            return "superuser";
        case UserRole::tls_viewer:
            return "tls_viewer";
        case UserRole::tls_admin:
            return "tls_admin";
    }
    return "?";
}

std::optional<UserRole> parse_user_role(std::string_view name) {
    for (UserRole role : all_user_roles) {
        if (to_string(role) == name) {
            return role;
        }
    }
    return std::nullopt;
}

std::string_view to_string(ServicePermission permission) {
    switch (permission) {
        case ServicePermission::full:
            return "full";
        case ServicePermission::read_only:
            return "read_only";
        case ServicePermission::purge_select:
            return "purge_select";
        case ServicePermission::purge_all:
            return "purge_all";
    }
    return "?";
}

std::optional<ServicePermission> parse_service_permission(std::string_view name) {
    for (auto permission : all_service_permissions) {
        if (to_string(permission) == name) {
            return permission;
        }
    }
    return std::nullopt;
}

std::string_view to_string(MissingUsers value) {
    return value == MissingUsers::invite ? "invite" : "create";
}

std::optional<MissingUsers> parse_missing_users(std::string_view name) {
    if (name == "invite") {
        return MissingUsers::invite;
    }
    if (name == "create") {
        return MissingUsers::create;
    }
    return std::nullopt;
}

bool IgnoreRules::matches(Kind kind, std::string_view key) const {
    auto it = patterns.find(kind);
    if (it == patterns.end()) {
        return false;
    }
    const bool ignore_case = keyed_by_email(kind);
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::string& pattern) { return util::glob_match(pattern, key, ignore_case); });
}

std::string email_key(std::string_view email) {
    return util::fold_case(email);
}

bool looks_like_email(std::string_view text) {
    if (text.find_first_of(" \t\r\n\f\v") != std::string_view::npos) {
        return false;
    }
    const auto at = text.find('@');
    if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    // Same rule as the schema's pattern: some dot in the domain with text on both sides of it.
    const auto domain = text.substr(at + 1);
    return domain.size() >= 3 && domain.substr(1, domain.size() - 2).find('.') != std::string_view::npos;
}

const std::vector<std::string>& predefined_role_names() {
    static const std::vector<std::string> names = {"User",      "Billing",    "Engineer",
                                                   "Superuser", "TLS Viewer", "TLS Admin"};
    return names;
}

std::string role_name_key(std::string_view name) {
    std::string key = util::to_lower(name);
    std::replace(key.begin(), key.end(), ' ', '_');
    std::replace(key.begin(), key.end(), '-', '_');
    return key;
}

bool is_predefined_role(std::string_view name) {
    const std::string key = role_name_key(name);
    const auto& names = predefined_role_names();
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return role_name_key(n) == key; });
}

}  // namespace fastly_accounts::model
