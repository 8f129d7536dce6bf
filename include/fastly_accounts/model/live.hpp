#pragma once

#include <fastly_accounts/model/state.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_accounts::model {

/// An IAM role as the API lists it: predefined (custom == false) or custom.
struct CatalogRole {
    std::string id;
    std::string name;
    std::string display_name;  ///< empty when the API gives none
    std::string description;
    bool custom = false;
};

/// An IAM permission from GET /permissions.
struct Permission {
    std::string id;
    std::string name;
    std::string scope;  ///< "service" or "account"
};

/// A service of the customer, from GET /service.
struct Service {
    std::string id;
    std::string name;
};

/// A service authorization: user `user_id` may reach service `service_id` with `permission`.
struct ServiceAuthorization {
    std::string id;
    std::string user_id;
    std::string service_id;
    ServicePermission permission = ServicePermission::full;
};

/// An API token of a user of the customer, from GET /customer/{id}/tokens. Never the secret: the API
/// does not list it and the tool never asks.
struct ApiToken {
    std::string id;
    std::string user_id;
    std::string name;
    std::string scope;         ///< "global", "purge_select purge_all", ...
    std::string created_at;    ///< ISO 8601 UTC, or empty
    std::string last_used_at;  ///< empty when never used or not said
    std::string expires_at;    ///< empty when it never expires
};

/// One entry of the account's audit log (GET /events).
struct Event {
    std::string id;
    std::string type;      ///< "user.login", "user.update", ...
    std::string user_id;   ///< the actor: the user whose login or token did it ("" when none)
    std::string token_id;  ///< the token used ("" for a login in the web interface)
    std::string ip;
    std::string created_at;  ///< ISO 8601 UTC
    std::string description;
    std::string service_id;  ///< the service it concerns ("" when none)
    /// The plain string values at the top of `metadata`: what names the event's subject ("user_id",
    /// "login", "invitation_id", "email", "customer_id", "service_id", ...). Changed fields (`{old, new}`)
    /// and other values are left out; empty when the API gives no metadata.
    std::map<std::string, std::string> subject;
    /// The keys of `metadata` whose value is `{old, new}`: the fields the event says it changed ("role",
    /// "ip_whitelist", ...), sorted; empty when it says none.
    std::vector<std::string> changed;
};

/// The customer the token belongs to.
struct Customer {
    std::string id;
    std::string name;
    std::string owner_id;  ///< the owner's user id; the owner is always protected
    /// force_2fa, force_sso, the allowlist; `contacts` by user ID here (fetch names them by login in
    /// LiveAccount::settings).
    CustomerSettings settings;
};

/// The user the token belongs to; always protected.
struct TokenUser {
    std::string id;
    std::string login;
    UserRole role = UserRole::user;
};

/// Everything read from the API for one plan: the account's access state in the same model the files
/// use (ids filled in, references as names), plus the catalogs that turn names into ids.
struct LiveAccount {
    Customer customer;
    TokenUser token_user;
    AccountState state;
    std::vector<CatalogRole> role_catalog;  ///< every role, predefined and custom
    std::vector<Permission> permissions;
    std::vector<Service> services;
    /// The customer's settings with each contact named by its user's login ("(user ID …)" for an ID that
    /// names no user of the account).
    CustomerSettings settings;
    /// Every service authorization of the customer; the users' `services` hold the same grants by service.
    std::vector<ServiceAuthorization> service_authorizations;
    /// The customer's API tokens; nullopt when they could not be read (a note in read_notes says why).
    std::optional<std::vector<ApiToken>> tokens;
    /// False when the legacy `/roles` API answered 404: Fastly retired it, so custom roles can be read
    /// (through /iam/v1/roles) but not created, changed or deleted.
    bool custom_roles_writable = true;
    /// What the reader could not read or had to infer, one sentence each, for the commands to pass on.
    std::vector<std::string> read_notes;

    /// The role that `name` refers to, as desired-state files name roles: a custom role by its exact
    /// name; a predefined role by its name or display name compared with role_name_key. Null when none.
    const CatalogRole* find_role(std::string_view name) const;

    /// The name desired-state files use for the role with `id`: a custom role's name; a predefined role's
    /// display name when it has one, else its name. Empty when the id is unknown.
    std::string role_name(std::string_view id) const;

    /// The permission called `name`, or null.
    const Permission* find_permission(std::string_view name) const;
};

}  // namespace fastly_accounts::model
