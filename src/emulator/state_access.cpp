// The seed/state sections of access: tokens and service authorizations.
#include <algorithm>

#include "role_rules.hpp"
#include "state_fields.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace seed {

namespace {

void add_authorization(Store& store, ServiceAuthorization authorization, const std::string& path) {
    if (store.service_authorization_for(authorization.user_id, authorization.service_id)) {
        throw StateError(path + ": the user already has an authorization for service " +
                         quote_text(authorization.service_id));
    }
    store.add_service_authorization(std::move(authorization));
}

}  // namespace

std::string checked_permission(const json& value, const std::string& path) {
    if (!value.is_string()) {
        throw StateError(path + ": expected one of full, read_only, purge_select, purge_all");
    }
    const std::string permission = value.get<std::string>();
    const auto& known = service_permissions();
    if (std::find(known.begin(), known.end(), permission) == known.end()) {
        throw StateError(path + ": " + quote_text(permission) +
                         " is not one of full, read_only, purge_select, purge_all");
    }
    return permission;
}

void load_user_services(Store& store, const json& u, const std::string& path, const std::string& user_id,
                        EpochSeconds now) {
    const json* services = field(u, "services");
    if (!services) {
        return;
    }
    if (!services->is_object()) {
        throw StateError(path + ".services: expected an object mapping a service (ID or name) to a permission");
    }
    for (const auto& item : services->items()) {
        const std::string item_path = path + ".services." + item.key();
        const Service* service = service_by_ref(store, item.key());
        if (!service) {
            throw StateError(item_path + ": unknown service " + quote_text(item.key()));
        }
        add_authorization(store,
                          {store.new_id(), user_id, service->id, checked_permission(item.value(), item_path), now, now},
                          item_path);
    }
}

void load_service_authorizations(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json& list = get_list(doc, "service_authorizations");
    for (size_t i = 0; i < list.size(); ++i) {
        const std::string path = item_path("service_authorizations", i);
        const json& a = list[i];
        check_keys(a, path, {"id", "user", "service", "permission", "created_at", "updated_at"});
        ServiceAuthorization authorization;
        authorization.id = take_id(store, a, path, seen);
        const std::string user_ref = require_string(a, path, "user");
        const User* user = user_by_ref(store, user_ref);
        if (!user) {
            throw StateError(path + ".user: unknown user " + quote_text(user_ref));
        }
        const std::string service_ref = require_string(a, path, "service");
        const Service* service = service_by_ref(store, service_ref);
        if (!service) {
            throw StateError(path + ".service: unknown service " + quote_text(service_ref));
        }
        authorization.user_id = user->id;
        authorization.service_id = service->id;
        const json* permission = field(a, "permission");
        authorization.permission = permission ? checked_permission(*permission, path + ".permission") : "full";
        authorization.created_at = get_time(a, path, "created_at").value_or(now);
        authorization.updated_at = get_time(a, path, "updated_at").value_or(authorization.created_at);
        add_authorization(store, std::move(authorization), path);
    }
}

void load_tokens(Store& store, const json& doc, const std::string& superuser_token, std::set<std::string>& seen,
                 EpochSeconds now) {
    if (const json* tokens = field(doc, "tokens")) {
        if (!tokens->is_object()) {
            throw StateError("tokens: expected an object mapping each token to a login or to {\"user\": LOGIN, ...}");
        }
        for (const auto& item : tokens->items()) {
            if (item.key().empty()) {
                throw StateError("tokens: a token must not be empty");
            }
            Token token = read_token(store, item.key(), item.value(), "tokens." + item.key(), seen);
            if (token.created_at == 0) {
                token.created_at = now;
            }
            store.add_token(std::move(token));
        }
    }
    if (!superuser_token.empty() && !store.token_by_secret(superuser_token)) {
        Token token;
        token.id = store.new_id();
        token.secret = superuser_token;
        token.user_id = store.customer.owner_id;
        token.name = "emulator token";
        token.created_at = now;
        token.ip = "127.0.0.1";
        store.add_token(std::move(token));
    }
}

}  // namespace seed

using namespace seed;

Token read_token(Store& store, const std::string& secret, const json& spec, const std::string& path,
                 std::set<std::string>& seen) {
    Token token;
    token.secret = secret;
    std::string user_ref;
    if (spec.is_string()) {
        user_ref = spec.get<std::string>();
        token.id = store.new_id();
        token.name = "emulator token";
    } else if (spec.is_object()) {
        check_keys(spec, path,
                   {"user", "id", "name", "scope", "services", "created_at", "last_used_at", "expires_at", "ip",
                    "user_agent"});
        user_ref = require_string(spec, path, "user");
        token.id = take_id(store, spec, path, seen);
        if (store.tokens.find(token.id)) {
            throw StateError(path + ".id: duplicate ID " + quote_text(token.id));
        }
        token.name = get_string(spec, path, "name", "emulator token");
        token.scope = get_string(spec, path, "scope", "global");
        if (!is_token_scope(token.scope)) {
            throw StateError(path + ".scope: " + quote_text(token.scope) +
                             " is not made of global, global:read, purge_select, purge_all");
        }
        for (const std::string& ref : get_string_list(spec, path, "services")) {
            const Service* service = service_by_ref(store, ref);
            if (!service) {
                throw StateError(path + ".services: unknown service " + quote_text(ref));
            }
            token.services.push_back(service->id);
        }
        token.created_at = get_time(spec, path, "created_at").value_or(store.now());
        token.last_used_at = get_time(spec, path, "last_used_at");
        token.expires_at = get_time(spec, path, "expires_at");
        token.ip = get_string(spec, path, "ip");
        token.user_agent = get_string(spec, path, "user_agent");
    } else {
        throw StateError(path + ": expected a login or {\"user\": LOGIN, ...}");
    }
    const User* user = user_by_ref(store, user_ref);
    if (!user) {
        throw StateError(path + ": unknown user " + quote_text(user_ref));
    }
    token.user_id = user->id;
    return token;
}

}  // namespace fastly_emulator
