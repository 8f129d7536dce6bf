#pragma once

// Typed reading of the seed/state JSON, each problem reported as a StateError naming its JSON path.
// Shared by the section loaders of state_io.cpp.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "state_io.hpp"
#include "store.hpp"

namespace fastly_emulator::seed {

using nlohmann::json;

/// `"text"`, for messages.
std::string quote_text(const std::string& s);
/// Throws unless `obj` is an object whose keys are all in `allowed`.
void check_keys(const json& obj, const std::string& path, std::initializer_list<const char*> allowed);
/// The member `key` of `obj`, or null when absent or JSON null.
const json* field(const json& obj, const char* key);
/// The string member `key`, or `fallback` when absent; throws when it is not a string.
std::string get_string(const json& obj, const std::string& path, const char* key, std::string fallback = {});
/// The string member `key`; throws when absent or empty.
std::string require_string(const json& obj, const std::string& path, const char* key);
/// The boolean member `key`, nullopt when absent or null.
std::optional<bool> get_bool(const json& obj, const std::string& path, const char* key);
/// The timestamp member `key` (ISO 8601 UTC or epoch seconds), nullopt when absent.
std::optional<EpochSeconds> get_time(const json& obj, const std::string& path, const char* key);
/// The list of strings `key`, empty when absent.
std::vector<std::string> get_string_list(const json& obj, const std::string& path, const char* key);
/// The top-level list `key` of the document; throws when it is not a list.
const json& get_list(const json& doc, const char* key);
/// `section[i]`.
std::string item_path(const char* section, size_t i);
/// The object's `id`, or a new one; throws on a duplicate id.
std::string take_id(Store& store, const json& obj, const std::string& path, std::set<std::string>& seen);
/// The service with this ID, else with this name, or nullptr.
Service* service_by_ref(Store& store, const std::string& ref);
/// The user with this ID, else with this login, or nullptr.
User* user_by_ref(Store& store, const std::string& ref);
/// `value` when it is a service permission (full, read_only, purge_select, purge_all); throws otherwise.
std::string checked_permission(const json& value, const std::string& path);
/// The user's `services` ({service ID or name: permission}) as service authorizations of `user_id`.
void load_user_services(Store& store, const json& u, const std::string& path, const std::string& user_id,
                        EpochSeconds now);
/// The top-level `service_authorizations` list.
void load_service_authorizations(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now);
/// The `tokens` section, then `superuser_token` for the owner unless the section has it.
void load_tokens(Store& store, const json& doc, const std::string& superuser_token, std::set<std::string>& seen,
                 EpochSeconds now);
/// The `events` section (the audit log), added oldest first; a `user_id` may be a login.
void load_events(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now);
/// The audit log as the `events` section.
json dump_events(const Store& store);
/// `role` when it is a legacy role name; throws otherwise.
std::string check_role_enum(const std::string& role, const std::string& path);
/// Role ids for `refs` (ids or names); throws on an unknown role.
std::vector<std::string> resolve_roles(Store& store, const std::vector<std::string>& refs, const std::string& path);

}  // namespace fastly_emulator::seed
