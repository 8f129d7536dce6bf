// Invitations: the JSON:API family (vnd.api+json bodies, page[number]/page[size], errors lists).
#include "api.hpp"
#include "api_error.hpp"
#include "events.hpp"
#include "render.hpp"
#include "request_util.hpp"
#include "role_rules.hpp"
#include "state_io.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

std::vector<ServiceInvitation> read_service_invitations(Store& store, const json& relationships) {
    std::vector<ServiceInvitation> grants;
    const json& rel = object_member(relationships, "service_invitations", "data.relationships.service_invitations");
    auto data = rel.find("data");
    if (data == rel.end() || data->is_null()) {
        return grants;
    }
    if (!data->is_array()) {
        throw bad_request("data.relationships.service_invitations.data must be a list");
    }
    for (const json& item : *data) {
        if (!item.is_object()) {
            throw bad_request("service_invitations entries must be objects");
        }
        std::string permission = "full";
        const json& attributes = object_member(item, "attributes", "service_invitation.attributes");
        if (attributes.contains("permission") && attributes["permission"].is_string()) {
            permission = attributes["permission"].get<std::string>();
        }
        checked_service_permission(permission);
        const json& service_rel = object_member(
            object_member(item, "relationships", "service_invitation.relationships"), "service",
            "service_invitation.relationships.service");
        const json& service_data = object_member(service_rel, "data", "service.data");
        std::string service_id = service_data.value("id", "");
        if (!store.services.find(service_id)) {
            throw record_not_found("service", service_id);
        }
        for (const ServiceInvitation& earlier : grants) {
            if (earlier.service_id == service_id) {
                throw ApiError(400, "Record invalid", "Service has already been taken");
            }
        }
        grants.push_back({store.new_id(), service_id, permission});
    }
    return grants;
}

void authorise_invitation(const Context& ctx, const Invitation& invitation) {
    if (ctx.caller_is_superuser()) {
        return;
    }
    if (ctx.caller->role == "engineer" && !ctx.caller->limit_services) {
        if (invitation.role != "user" && invitation.role != "engineer") {
            throw forbidden("an engineer may only invite the user and engineer roles");
        }
        if (!invitation.roles.empty() || !invitation.service_invitations.empty() || invitation.limit_services) {
            throw forbidden("an engineer may invite users but not set their permissions");
        }
        return;
    }
    throw forbidden("only a superuser or an engineer may invite users");
}

void create_invitation(Context& ctx) {
    json body = json_body(ctx.request);
    const json& data = object_member(body, "data", "data");
    if (data.empty()) {
        throw bad_request("data is required");
    }
    std::string type = data.value("type", "invitation");
    if (type != "invitation") {
        throw bad_request("data.type must be \"invitation\"");
    }
    const json& attributes = object_member(data, "attributes", "data.attributes");
    const json& relationships = object_member(data, "relationships", "data.relationships");
    Invitation invitation;
    invitation.email = attributes.value("email", "");
    if (invitation.email.empty()) {
        throw bad_request("Email can't be blank");
    }
    if (!looks_like_email(invitation.email)) {
        throw bad_request("Email '" + invitation.email + "' is not a valid email address");
    }
    invitation.role = attributes.contains("role") && attributes["role"].is_string()
                          ? attributes["role"].get<std::string>()
                          : "user";
    if (!is_legacy_role(invitation.role)) {
        throw bad_request("Role '" + invitation.role +
                          "' is not one of user, billing, engineer, superuser, tls_viewer, tls_admin");
    }
    if (attributes.contains("roles") && !attributes["roles"].is_null()) {
        for (const std::string& id : id_list(attributes, "roles")) {
            if (!ctx.store.roles.find(id)) {
                throw bad_request("Role '" + id + "' is not a role ID of this customer");
            }
            invitation.roles.push_back(id);
        }
    }
    if (attributes.contains("limit_services") && attributes["limit_services"].is_boolean()) {
        invitation.limit_services = attributes["limit_services"].get<bool>();
    }
    const json& customer = object_member(object_member(relationships, "customer", "data.relationships.customer"),
                                         "data", "data.relationships.customer.data");
    if (customer.contains("id") && customer["id"] != ctx.store.customer.id) {
        throw record_not_found("customer", customer["id"].dump());
    }
    invitation.service_invitations = read_service_invitations(ctx.store, relationships);
    check_role_rules(ctx.store, invitation.role, invitation.roles, invitation.limit_services);
    authorise_invitation(ctx, invitation);
    if (ctx.store.user_by_login(invitation.email)) {
        throw duplicate("'" + invitation.email + "' is already a user of this customer");
    }
    if (ctx.store.active_invitation_by_email(invitation.email)) {
        throw duplicate("'" + invitation.email + "' already has a pending invitation");
    }
    invitation.id = ctx.store.new_id();
    invitation.created_at = invitation.updated_at = ctx.store.now();
    const Invitation& stored = ctx.store.add_invitation(std::move(invitation));
    record_event(ctx, "invitation.sent", "Invitation was sent to " + stored.email,
                 {{"invitation_id", stored.id},
                  {"email", stored.email},
                  {"role", stored.role},
                  {"roles", stored.roles},
                  {"limit_services", stored.limit_services}});
    ctx.committed = true;
    ctx.response.set_json(200, {{"data", render_invitation(ctx.store, stored, ctx.compat.invitation_attributes)}},
                          jsonapi_media_type);
}

}  // namespace

void add_invitation_routes(Router& router) {
    router.add("GET", "/invitations", Family::jsonapi, [](Context& ctx) {
        const auto& rows = ctx.store.invitations.rows();
        ctx.response.set_text(200,
                              jsonapi_page_text(rows.size(), ctx.request, ctx.compat, "/invitations",
                                                [&](JsonText& out, size_t i) {
                                                    write_invitation(out, ctx.store, rows[i],
                                                                     ctx.compat.invitation_attributes);
                                                }),
                              jsonapi_media_type);
    });
    router.add("POST", "/invitations", Family::jsonapi, create_invitation);
    router.add("DELETE", "/invitations/{invitation_id}", Family::jsonapi, [](Context& ctx) {
        const std::string& id = ctx.params[0];
        if (!ctx.store.invitations.find(id)) {
            throw record_not_found("invitation", id);
        }
        ctx.require_superuser("delete invitations");
        ctx.store.delete_invitation(id);
        ctx.committed = true;
        ctx.response.status = 204;
    });
}

}  // namespace fastly_emulator
