#include "state_fields.hpp"

#include <algorithm>

#include "predefined.hpp"

namespace fastly_emulator::seed {

std::string quote_text(const std::string& s) {
    return "\"" + s + "\"";
}

// Strict keys catch typos in hand-written seeds, which would otherwise silently load as defaults.
void check_keys(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) {
    if (!obj.is_object()) {
        throw StateError(path + ": expected an object");
    }
    for (const auto& item : obj.items()) {
        bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* key) { return item.key() == key; });
        if (!known) {
            throw StateError(path + "." + item.key() + ": unknown field");
        }
    }
}

const json* field(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::string get_string(const json& obj, const std::string& path, const char* key, std::string fallback) {
    const json* value = field(obj, key);
    if (!value) {
        return fallback;
    }
    if (!value->is_string()) {
        throw StateError(path + "." + key + ": expected a string");
    }
    return value->get<std::string>();
}

std::string require_string(const json& obj, const std::string& path, const char* key) {
    std::string value = get_string(obj, path, key);
    if (value.empty()) {
        throw StateError(path + "." + key + ": required");
    }
    return value;
}

std::optional<bool> get_bool(const json& obj, const std::string& path, const char* key) {
    const json* value = field(obj, key);
    if (!value) {
        return std::nullopt;
    }
    if (!value->is_boolean()) {
        throw StateError(path + "." + key + ": expected true or false");
    }
    return value->get<bool>();
}

std::optional<EpochSeconds> get_time(const json& obj, const std::string& path, const char* key) {
    const json* value = field(obj, key);
    if (!value) {
        return std::nullopt;
    }
    if (value->is_number_integer()) {
        return value->get<EpochSeconds>();
    }
    if (value->is_string()) {
        if (auto t = parse_timestamp(value->get<std::string>())) {
            return t;
        }
    }
    throw StateError(path + "." + key + ": expected a timestamp like 2024-01-31T12:00:00Z");
}

std::vector<std::string> get_string_list(const json& obj, const std::string& path, const char* key) {
    const json* value = field(obj, key);
    std::vector<std::string> out;
    if (!value) {
        return out;
    }
    if (!value->is_array()) {
        throw StateError(path + "." + key + ": expected a list");
    }
    for (size_t i = 0; i < value->size(); ++i) {
        if (!(*value)[i].is_string()) {
            throw StateError(path + "." + key + "[" + std::to_string(i) + "]: expected a string");
        }
        out.push_back((*value)[i].get<std::string>());
    }
    return out;
}

const json& get_list(const json& doc, const char* key) {
    static const json empty = json::array();
    const json* value = field(doc, key);
    if (!value) {
        return empty;
    }
    if (!value->is_array()) {
        throw StateError(std::string(key) + ": expected a list");
    }
    return *value;
}

std::string item_path(const char* section, size_t i) {
    return std::string(section) + "[" + std::to_string(i) + "]";
}

std::string take_id(Store& store, const json& obj, const std::string& path, std::set<std::string>& seen) {
    std::string id = get_string(obj, path, "id");
    if (id.empty()) {
        return store.new_id();
    }
    if (!seen.insert(id).second) {
        throw StateError(path + ".id: duplicate ID " + quote_text(id));
    }
    return id;
}

Service* service_by_ref(Store& store, const std::string& ref) {
    if (Service* service = store.services.find(ref)) {
        return service;
    }
    for (Service& service : store.services.rows()) {
        if (service.name == ref) {
            return &service;
        }
    }
    return nullptr;
}

User* user_by_ref(Store& store, const std::string& ref) {
    User* user = store.users.find(ref);
    return user ? user : store.user_by_login(ref);
}

std::string check_role_enum(const std::string& role, const std::string& path) {
    if (!is_legacy_role(role)) {
        throw StateError(path + ".role: " + quote_text(role) +
                         " is not one of user, billing, engineer, superuser, tls_viewer, tls_admin");
    }
    return role;
}

std::vector<std::string> resolve_roles(Store& store, const std::vector<std::string>& refs, const std::string& path) {
    std::vector<std::string> ids;
    for (const std::string& ref : refs) {
        Role* role = store.role_by_ref(ref);
        if (!role) {
            throw StateError(path + ".roles: unknown role " + quote_text(ref));
        }
        if (std::find(ids.begin(), ids.end(), role->id) == ids.end()) {
            ids.push_back(role->id);
        }
    }
    return ids;
}

}  // namespace fastly_emulator::seed
