#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "store.hpp"

namespace fastly_emulator {

/// A seed or state document that cannot be loaded. `what()` names the JSON path and the problem,
/// e.g. `users[2].role: "admin" is not one of user, billing, engineer, superuser, tls_viewer, tls_admin`.
class StateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The token that `--token` defaults to.
inline constexpr const char* default_superuser_token = "emulator-superuser-token";

/// The legacy role enum, in the order the API documents it.
const std::vector<std::string>& legacy_role_names();

/// True when `role` is one of the legacy role enum values.
bool is_legacy_role(const std::string& role);

/// Replaces `store`'s content by the document `doc` (the seed/state format of src/emulator/README.md).
/// Missing sections get defaults: predefined roles and permissions, and an owner `owner@example.com`
/// when there are no users. `superuser_token` is added for the owner unless the document maps it
/// already. Throws StateError, leaving `store` in an unspecified state, when the document is invalid.
void load_state(Store& store, const nlohmann::json& doc, const std::string& superuser_token);

/// The default account: `load_state(store, {}, superuser_token)`.
void load_default_state(Store& store, const std::string& superuser_token);

/// A token from its seed form: a login or user ID, or `{"user": LOGIN or ID, "id", "name", "scope",
/// "services", "created_at", "last_used_at", "expires_at", "ip", "user_agent"}`. `seen` collects explicit
/// IDs; `path` names the token in errors (StateError).
Token read_token(Store& store, const std::string& secret, const nlohmann::json& spec, const std::string& path,
                 std::set<std::string>& seen);

/// The whole state as a document that `load_state` reads back to the same state (IDs included).
nlohmann::json dump_state(const Store& store);

}  // namespace fastly_emulator
