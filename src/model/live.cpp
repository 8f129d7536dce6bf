#include <fastly_accounts/model/live.hpp>

namespace fastly_accounts::model {

const CatalogRole* LiveAccount::find_role(std::string_view name) const {
    for (const auto& role : role_catalog) {
        if (role.custom && role.name == name) {
            return &role;
        }
    }
    const std::string key = role_name_key(name);
    for (const auto& role : role_catalog) {
        if (!role.custom && (role_name_key(role.name) == key ||
                             (!role.display_name.empty() && role_name_key(role.display_name) == key))) {
            return &role;
        }
    }
    return nullptr;
}

std::string LiveAccount::role_name(std::string_view id) const {
    for (const auto& role : role_catalog) {
        if (role.id == id) {
            return role.custom || role.display_name.empty() ? role.name : role.display_name;
        }
    }
    return "";
}

const Permission* LiveAccount::find_permission(std::string_view name) const {
    for (const auto& permission : permissions) {
        if (permission.name == name) {
            return &permission;
        }
    }
    return nullptr;
}

}  // namespace fastly_accounts::model
