// Service authorizations: the JSON:API family, plus the bulk extension (`ext=bulk`) on the collection.
// Shapes and status codes as recorded in go-fastly's fixtures/service_authorizations (README.md).
#include "api.hpp"
#include "api_error.hpp"
#include "events.hpp"
#include "render.hpp"
#include "request_util.hpp"
#include "role_rules.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

constexpr const char* bulk_type = "application/vnd.api+json; ext=bulk";
constexpr const char* resource_type = "service_authorization";

ServiceAuthorization& find_authorization(Store& store, const std::string& id) {
    ServiceAuthorization* authorization = store.service_authorizations.find(id);
    if (!authorization) {
        throw record_not_found("serviceauthorization", id);
    }
    return *authorization;
}

// `data.type`, when sent, must be "service_authorization".
void check_type(const json& data, const std::string& path) {
    auto it = data.find("type");
    if (it != data.end() && !it->is_null() && *it != resource_type) {
        throw bad_request(path + ".type must be \"service_authorization\"");
    }
}

// The permission in `attributes`, or `fallback` when none is sent (empty fallback: it is required).
std::string permission_in(const json& item, const std::string& path, const std::string& fallback) {
    const json& attributes = object_member(item, "attributes", path + ".attributes");
    auto it = attributes.find("permission");
    if (it == attributes.end() || it->is_null()) {
        if (fallback.empty()) {
            throw bad_request(path + ".attributes.permission is required");
        }
        return fallback;
    }
    if (!it->is_string()) {
        throw bad_request(path + ".attributes.permission must be a string");
    }
    return checked_service_permission(it->get<std::string>());
}

// The ID of relationship `name` ("service" or "user"): `relationships.<name>.data.id`.
std::string relationship_id(const json& data, const std::string& name) {
    const std::string path = "data.relationships." + name + ".data";
    const json& relationship = object_member(object_member(data, "relationships", "data.relationships"), name.c_str(),
                                             "data.relationships." + name);
    const json& target = object_member(relationship, "data", path);
    auto type = target.find("type");
    if (type != target.end() && !type->is_null() && *type != name) {
        throw bad_request(path + ".type must be \"" + name + "\"");
    }
    std::string id = optional_text(target, "id");
    if (id.empty()) {
        throw bad_request(path + ".id is required");
    }
    return id;
}

// The body's `data` object (single-resource requests).
json single_data(const ApiRequest& request) {
    json body = json_body(request);
    json data = object_member(body, "data", "data");
    if (data.empty()) {
        throw bad_request("data is required");
    }
    check_type(data, "data");
    return data;
}

// A bulk body `{"data":[{"id","type"(,"attributes")}, ...]}`: each entry with its authorization. Every ID
// must exist (else 404, and nothing changes).
std::vector<std::pair<json, ServiceAuthorization*>> bulk_entries(Context& ctx) {
    if (to_lower(ctx.request.header("content-type")).find("ext=bulk") == std::string::npos) {
        throw ApiError(415, "Unsupported Media Type",
                       "a change of several service authorizations needs Content-Type: " + std::string(bulk_type));
    }
    json body = json_body(ctx.request);
    auto data = body.find("data");
    if (data == body.end() || !data->is_array()) {
        throw bad_request("data must be a list of service authorizations");
    }
    std::vector<std::pair<json, ServiceAuthorization*>> entries;
    for (size_t i = 0; i < data->size(); ++i) {
        const json& item = (*data)[i];
        const std::string path = "data[" + std::to_string(i) + "]";
        if (!item.is_object()) {
            throw bad_request(path + " must be an object");
        }
        check_type(item, path);
        std::string id = optional_text(item, "id");
        if (id.empty()) {
            throw bad_request(path + ".id is required");
        }
        for (const auto& earlier : entries) {
            if (earlier.second->id == id) {
                throw bad_request(path + ".id: service authorization '" + id + "' is listed twice");
            }
        }
        entries.emplace_back(item, &find_authorization(ctx.store, id));
    }
    return entries;
}

// Sets the permission (and updated_at); a change of permission is a `service_authorization.update`.
void set_permission(Context& ctx, ServiceAuthorization& authorization, const std::string& permission) {
    const std::string before = authorization.permission;
    authorization.permission = permission;
    authorization.updated_at = ctx.store.now();
    if (before != permission) {
        record_service_authorization(ctx, "update", authorization, before);
    }
}

void create_authorization(Context& ctx) {
    ctx.require_superuser("authorize users for services");
    json data = single_data(ctx.request);
    ServiceAuthorization authorization;
    authorization.permission = permission_in(data, "data", "full");
    authorization.service_id = relationship_id(data, "service");
    authorization.user_id = relationship_id(data, "user");
    if (!ctx.store.services.find(authorization.service_id)) {
        throw record_not_found("service", authorization.service_id);
    }
    if (!ctx.store.users.find(authorization.user_id)) {
        throw record_not_found("user", authorization.user_id);
    }
    if (ctx.store.service_authorization_for(authorization.user_id, authorization.service_id)) {
        // The real answer to a second authorization of a user for a service is not recorded.
        throw ApiError(400, "Record invalid", "Service has already been taken");
    }
    authorization.id = ctx.store.new_id();
    authorization.created_at = authorization.updated_at = ctx.store.now();
    const ServiceAuthorization& stored = ctx.store.add_service_authorization(std::move(authorization));
    record_service_authorization(ctx, "create", stored);
    ctx.committed = true;
    ctx.response.set_json(200, {{"data", render_service_authorization(stored)}}, jsonapi_media_type);
}

void update_authorization(Context& ctx) {
    ServiceAuthorization& authorization = find_authorization(ctx.store, ctx.params[0]);
    ctx.require_superuser("change service authorizations");
    json data = single_data(ctx.request);
    std::string id = optional_text(data, "id");
    if (!id.empty() && id != authorization.id) {
        throw bad_request("data.id '" + id + "' is not the service authorization of the path");
    }
    set_permission(ctx, authorization, permission_in(data, "data", authorization.permission));
    ctx.committed = true;
    ctx.response.set_json(200, {{"data", render_service_authorization(authorization)}}, jsonapi_media_type);
}

void bulk_update(Context& ctx) {
    ctx.require_superuser("change service authorizations");
    auto entries = bulk_entries(ctx);
    std::vector<std::string> permissions;
    for (size_t i = 0; i < entries.size(); ++i) {
        permissions.push_back(permission_in(entries[i].first, "data[" + std::to_string(i) + "]", ""));
    }
    // Everything is valid: only now does anything change.
    json data = json::array();
    for (size_t i = 0; i < entries.size(); ++i) {
        ServiceAuthorization& authorization = *entries[i].second;
        set_permission(ctx, authorization, permissions[i]);
        data.push_back(render_service_authorization(authorization));
    }
    ctx.committed = true;
    ctx.response.set_json(200, {{"data", data}}, bulk_type);
}

void bulk_delete(Context& ctx) {
    ctx.require_superuser("delete service authorizations");
    auto entries = bulk_entries(ctx);
    json data = json::array();
    for (const auto& entry : entries) {
        if (ctx.compat.service_auth_bulk_delete == Compat::ServiceAuthBulkDelete::deleted) {
            json record = render_service_authorization(*entry.second);
            record["attributes"]["deleted_at"] = format_timestamp(ctx.store.now());
            data.push_back(std::move(record));
        }
        record_service_authorization(ctx, "delete", *entry.second);
        ctx.store.delete_service_authorization(std::string(entry.second->id));
    }
    ctx.committed = true;
    if (ctx.compat.service_auth_bulk_delete == Compat::ServiceAuthBulkDelete::no_content) {
        ctx.response.status = 204;
        return;
    }
    ctx.response.set_json(200, {{"data", data}}, bulk_type);
}

}  // namespace

void add_service_authorization_routes(Router& router) {
    router.add("GET", "/service-authorizations", Family::jsonapi, [](Context& ctx) {
        const auto& rows = ctx.store.service_authorizations.rows();
        ctx.response.set_json(200,
                              jsonapi_page(rows.size(), ctx.request, ctx.compat, "/service-authorizations",
                                           [&](size_t i) { return render_service_authorization(rows[i]); }),
                              jsonapi_media_type);
    });
    router.add("POST", "/service-authorizations", Family::jsonapi, create_authorization);
    router.add("PATCH", "/service-authorizations", Family::jsonapi, bulk_update);
    router.add("DELETE", "/service-authorizations", Family::jsonapi, bulk_delete);
    router.add("GET", "/service-authorizations/{service_authorization_id}", Family::jsonapi, [](Context& ctx) {
        ctx.response.set_json(200,
                              {{"data", render_service_authorization(find_authorization(ctx.store, ctx.params[0]))}},
                              jsonapi_media_type);
    });
    router.add("PATCH", "/service-authorizations/{service_authorization_id}", Family::jsonapi, update_authorization);
    router.add("DELETE", "/service-authorizations/{service_authorization_id}", Family::jsonapi, [](Context& ctx) {
        const ServiceAuthorization& authorization = find_authorization(ctx.store, ctx.params[0]);
        ctx.require_superuser("delete service authorizations");
        record_service_authorization(ctx, "delete", authorization);
        ctx.store.delete_service_authorization(std::string(authorization.id));
        ctx.committed = true;
        ctx.response.status = 204;
    });
}

}  // namespace fastly_emulator
