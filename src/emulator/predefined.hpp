#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fastly_emulator {

/// A permission of the default catalogue (GET /permissions).
struct PredefinedPermission {
    std::string name;
    std::string description;
    std::string resource_name;
    std::string resource_description;
    std::string scope;  ///< "service" or "account"
};

/// A Fastly-created IAM role: one per legacy role enum value.
struct PredefinedRole {
    std::string name;          ///< the legacy enum value, e.g. "tls_viewer"
    std::string display_name;  ///< e.g. "TLS Viewer"
    std::string description;
    std::vector<std::string> permissions;  ///< permission names
};

/// The default permission catalogue, used when a seed has no `permissions` section.
const std::vector<PredefinedPermission>& predefined_permissions();

/// The predefined roles, always present in the store.
const std::vector<PredefinedRole>& predefined_roles();

/// Customer fields the emulator does not interpret, with realistic defaults.
nlohmann::json default_customer_attributes();

}  // namespace fastly_emulator
