#include "role_rules.hpp"

#include <algorithm>

#include "api_error.hpp"
#include "util.hpp"

namespace fastly_emulator {

namespace {

bool is_superuser_role(const Role& role) {
    return !role.custom && role.name == "superuser";
}

std::string shown_name(const Role& role) {
    return role.display_name.empty() ? role.name : role.display_name;
}

}  // namespace

void check_role_rules(const Store& store, const std::string& role, const std::vector<std::string>& role_ids,
                      bool limit_services) {
    if (role == "user" && limit_services) {
        throw ApiError(400, "Record invalid", "Role 'user' is not allowed to be service limited");
    }
    bool superuser = role == "superuser";
    const Role* other = nullptr;
    for (const std::string& id : role_ids) {
        const Role* held = store.roles.find(id);
        if (!held) {
            continue;
        }
        if (is_superuser_role(*held)) {
            superuser = true;
        } else if (!held->security && !other) {
            other = held;
        }
    }
    if (superuser && other) {
        throw ApiError(400, "Record invalid",
                       "Role 'Superuser' cannot be combined with '" + shown_name(*other) +
                           "'; Superuser combines only with the Security (Next-Gen WAF) roles");
    }
}

const std::vector<std::string>& service_permissions() {
    static const std::vector<std::string> values{"full", "read_only", "purge_select", "purge_all"};
    return values;
}

const std::string& checked_service_permission(const std::string& permission) {
    const auto& values = service_permissions();
    if (std::find(values.begin(), values.end(), permission) == values.end()) {
        throw bad_request("Permission '" + permission + "' is not one of full, read_only, purge_select, purge_all");
    }
    return permission;
}

bool is_token_scope(const std::string& scope) {
    static const std::vector<std::string> known{"global", "global:read", "purge_select", "purge_all"};
    const std::vector<std::string> words = split_list(scope, ' ');
    return !words.empty() && std::all_of(words.begin(), words.end(), [](const std::string& word) {
        return std::find(known.begin(), known.end(), word) != known.end();
    });
}

}  // namespace fastly_emulator
