#include "predefined.hpp"

namespace fastly_emulator {

const std::vector<PredefinedPermission>& predefined_permissions() {
    // No public source lists Fastly's catalogue; these names follow the documented permission levels
    // (full, read_only, purge_select, purge_all) and the account areas of the control panel.
    static const std::vector<PredefinedPermission> permissions{
        {"purge_all", "Purge all cached content of a service", "purge", "Cache purging", "service"},
        {"purge_select", "Purge cached content by URL or surrogate key", "purge", "Cache purging", "service"},
        {"read_service_configuration", "View a service's configuration", "service", "Service configuration", "service"},
        {"edit_service_configuration", "Edit a service's configuration", "service", "Service configuration", "service"},
        {"activate_service_version", "Activate and deactivate service versions", "service", "Service configuration",
         "service"},
        {"delete_service", "Delete a service", "service", "Service configuration", "service"},
        {"read_service_stats", "View real-time and historical stats", "stats", "Statistics", "service"},
        {"read_service_logs", "Configure and read log streaming", "logging", "Logging", "service"},
        {"manage_service_authorizations", "Grant users access to services", "service_authorization",
         "Service authorizations", "service"},
        {"create_services", "Create new services", "service", "Service configuration", "account"},
        {"read_users", "View users and invitations", "user", "Users", "account"},
        {"manage_users", "Create, update and delete users", "user", "Users", "account"},
        {"invite_users", "Invite new users", "invitation", "Invitations", "account"},
        {"manage_user_groups", "Create and change user groups", "user_group", "User groups", "account"},
        {"manage_service_groups", "Create and change service groups", "service_group", "Service groups", "account"},
        {"manage_roles", "Create and change custom roles", "role", "Roles", "account"},
        {"read_billing", "View invoices and bills", "billing", "Billing", "account"},
        {"manage_billing", "Change billing details and plans", "billing", "Billing", "account"},
        {"read_tls_configuration", "View TLS certificates and domains", "tls", "TLS", "account"},
        {"manage_tls_configuration", "Upload certificates and manage TLS domains", "tls", "TLS", "account"},
        {"manage_api_tokens", "Create and revoke API tokens", "token", "API tokens", "account"},
        {"read_audit_log", "View the account event log", "event", "Audit log", "account"},
    };
    return permissions;
}

const std::vector<PredefinedRole>& predefined_roles() {
    static const std::vector<PredefinedRole> roles{
        {"user",
         "User",
         "View service configuration and statistics",
         {"read_service_configuration", "read_service_stats"}},
        {"billing",
         "Billing",
         "View statistics and manage billing",
         {"read_service_configuration", "read_service_stats", "read_billing", "manage_billing"}},
        {"engineer",
         "Engineer",
         "Configure services, purge caches and invite users",
         {"read_service_configuration", "edit_service_configuration", "activate_service_version", "delete_service",
          "read_service_stats", "read_service_logs", "purge_all", "purge_select", "create_services", "invite_users",
          "read_users", "read_tls_configuration"}},
        {"superuser",
         "Superuser",
         "Full access to the account",
         {"purge_all",
          "purge_select",
          "read_service_configuration",
          "edit_service_configuration",
          "activate_service_version",
          "delete_service",
          "read_service_stats",
          "read_service_logs",
          "manage_service_authorizations",
          "create_services",
          "read_users",
          "manage_users",
          "invite_users",
          "manage_user_groups",
          "manage_service_groups",
          "manage_roles",
          "read_billing",
          "manage_billing",
          "read_tls_configuration",
          "manage_tls_configuration",
          "manage_api_tokens",
          "read_audit_log"}},
        {"tls_viewer", "TLS Viewer", "View TLS configuration", {"read_tls_configuration"}},
        {"tls_admin", "TLS Admin", "Manage TLS configuration", {"read_tls_configuration", "manage_tls_configuration"}},
    };
    return roles;
}

nlohmann::json default_customer_attributes() {
    return {{"billing_contact_id", nullptr},
            {"billing_network_type", "public"},
            {"billing_ref", nullptr},
            {"can_configure_wordpress", nullptr},
            {"can_reset_passwords", true},
            {"can_upload_vcl", true},
            {"force_2fa", false},
            {"force_sso", false},
            {"has_account_panel", true},
            {"has_improved_events", true},
            {"has_improved_ssl_config", true},
            {"has_openstack_logging", false},
            {"has_pci", false},
            {"has_pci_passwords", false},
            {"ip_whitelist", "0.0.0.0/0"},
            {"legal_contact_id", nullptr},
            {"phone_number", nullptr},
            {"postal_address", nullptr},
            {"pricing_plan", "developer"},
            {"pricing_plan_id", nullptr},
            {"security_contact_id", nullptr},
            {"technical_contact_id", nullptr}};
}

}  // namespace fastly_emulator
