#pragma once

// The paths of the Fastly API that the tool reads and writes, in one table: the plan shows its requests
// with them and the live client sends its requests with them, so what a reviewer approves names exactly
// the path that is sent (e2e: the plan's requests, the journal's and the emulator's received ones agree).
//
// An `id` goes into the path as given: the client passes it percent-encoded, the plan passes a live ID or
// a placeholder ("{id of user group 'x'}") for an object the plan makes. An empty `id` throws util::Error:
// a path such as /user-groups//members is never built.

#include <cstddef>
#include <fastly_accounts/model/state.hpp>
#include <string>
#include <string_view>

namespace fastly_accounts::model::api_path {

// Reads of the account itself.
std::string current_customer();                            // GET /current_customer
std::string current_user();                                // GET /current_user
std::string customer_users(std::string_view customer_id);  // GET /customer/{id}/users
std::string customer(std::string_view customer_id);        // PUT /customer/{id}
std::string services();                                    // GET /service
std::string permissions();                                 // GET /permissions
std::string iam_roles();                                   // GET /iam/v1/roles (every role, predefined and custom)
std::string iam_role(std::string_view id);                 // GET /iam/v1/roles/{id}

// Users and invitations.
std::string users();                          // POST /user (deprecated create)
std::string user(std::string_view id);        // PUT, DELETE /user/{id}
std::string invitations();                    // GET, POST /invitations
std::string invitation(std::string_view id);  // DELETE /invitations/{id}

// Service authorizations (JSON:API) and API tokens.
std::string service_authorizations();                       // GET, POST, bulk PATCH and DELETE /service-authorizations
std::string service_authorization(std::string_view id);     // PATCH, DELETE /service-authorizations/{id}
std::string customer_tokens(std::string_view customer_id);  // GET /customer/{id}/tokens
std::string token(std::string_view id);                     // DELETE /tokens/{id}
inline constexpr const char* token_self = "/tokens/self";   // GET: the token in use
inline constexpr std::string_view events = "/events";       // GET, JSON:API, with filter[...] and sort

/// The most service authorizations one bulk PATCH or DELETE carries. Fastly documents no bound; the plan
/// and the client split larger sets alike, so the plan's request count is what is sent.
inline constexpr std::size_t service_authorizations_per_bulk = 100;

// The named collections: custom roles (the legacy /roles API), service groups and user groups, and the
// lists they hold. `kind` is one of Kind::roles, Kind::service_groups, Kind::user_groups.
std::string collection(Kind kind);                           // GET, POST /roles, /service-groups, /user-groups
std::string object(Kind kind, std::string_view id);          // PATCH, DELETE /user-groups/{id}, ...
std::string role_permissions(std::string_view id);           // /roles/{id}/permissions
std::string service_group_services(std::string_view id);     // /service-groups/{id}/services
std::string user_group_members(std::string_view id);         // /user-groups/{id}/members
std::string user_group_roles(std::string_view id);           // /user-groups/{id}/roles
std::string user_group_service_groups(std::string_view id);  // /user-groups/{id}/service-groups

}  // namespace fastly_accounts::model::api_path
