#include <nlohmann/json.hpp>

#include "render.hpp"
#include "state_fields.hpp"
#include "state_io.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

json dump_customer(const Store& store) {
    json out = store.customer.attributes;
    out["id"] = store.customer.id;
    out["name"] = store.customer.name;
    out["owner"] = store.customer.owner_id;
    out["created_at"] = format_timestamp(store.customer.created_at);
    out["updated_at"] = format_timestamp(store.customer.updated_at);
    if (store.customer.deleted_at) {
        out["deleted_at"] = format_timestamp(*store.customer.deleted_at);
    }
    return out;
}

json dump_user(const User& user) {
    json out{{"id", user.id},
             {"login", user.login},
             {"name", user.name},
             {"role", user.role},
             {"roles", user.roles},
             {"limit_services", user.limit_services},
             {"locked", bool_or_null(user.locked)},
             {"require_new_password", bool_or_null(user.require_new_password)},
             {"two_factor_auth_enabled", bool_or_null(user.two_factor_auth_enabled)},
             {"created_at", format_timestamp(user.created_at)},
             {"updated_at", format_timestamp(user.updated_at)}};
    if (user.last_active_at) {
        out["last_active_at"] = format_timestamp(*user.last_active_at);
    }
    return out;
}

json dump_invitation(const Invitation& invitation) {
    json grants = json::array();
    for (const ServiceInvitation& grant : invitation.service_invitations) {
        grants.push_back({{"id", grant.id}, {"service", grant.service_id}, {"permission", grant.permission}});
    }
    return {{"id", invitation.id},
            {"email", invitation.email},
            {"role", invitation.role},
            {"roles", invitation.roles},
            {"limit_services", invitation.limit_services},
            {"service_invitations", grants},
            {"created_at", format_timestamp(invitation.created_at)},
            {"updated_at", format_timestamp(invitation.updated_at)}};
}

json dump_user_group(const UserGroup& group) {
    json members = json::array();
    for (const Member& member : group.members) {
        members.push_back(json{{member.kind == MemberKind::user ? "user" : "invitation", member.id}});
    }
    return {{"id", group.id},
            {"name", group.name},
            {"description", group.description},
            {"members", members},
            {"roles", group.roles},
            {"service_groups", group.service_groups},
            {"created_at", format_timestamp(group.created_at)},
            {"updated_at", format_timestamp(group.updated_at)}};
}

}  // namespace

json dump_state(const Store& store) {
    json doc = json::object();
    doc["customer"] = dump_customer(store);
    json& users = doc["users"] = json::array();
    for (const User& user : store.users.rows()) {
        users.push_back(dump_user(user));
    }
    json& tokens = doc["tokens"] = json::object();
    for (const Token& token : store.tokens.rows()) {
        tokens[token.secret] = {{"id", token.id},
                                {"user", token.user_id},
                                {"name", token.name},
                                {"scope", token.scope},
                                {"services", token.services},
                                {"created_at", format_timestamp(token.created_at)},
                                {"last_used_at", time_or_null(token.last_used_at)},
                                {"expires_at", time_or_null(token.expires_at)},
                                {"ip", text_or_null(token.ip)},
                                {"user_agent", text_or_null(token.user_agent)}};
    }
    json& permissions = doc["permissions"] = json::array();
    for (const Permission& p : store.permissions.rows()) {
        permissions.push_back({{"id", p.id},
                               {"name", p.name},
                               {"description", p.description},
                               {"resource_name", p.resource_name},
                               {"resource_description", p.resource_description},
                               {"scope", p.scope}});
    }
    json& roles = doc["roles"] = json::array();
    for (const Role& role : store.roles.rows()) {
        json entry{{"id", role.id},
                   {"name", role.name},
                   {"display_name", role.display_name},
                   {"description", role.description},
                   {"custom", role.custom},
                   {"permissions", role.permissions},
                   {"created_at", format_timestamp(role.created_at)},
                   {"updated_at", format_timestamp(role.updated_at)}};
        if (role.security) {
            entry["security"] = true;
        }
        roles.push_back(std::move(entry));
    }
    json& services = doc["services"] = json::array();
    for (const Service& service : store.services.rows()) {
        services.push_back({{"id", service.id},
                            {"name", service.name},
                            {"created_at", format_timestamp(service.created_at)},
                            {"updated_at", format_timestamp(service.updated_at)}});
    }
    json& service_groups = doc["service_groups"] = json::array();
    for (const ServiceGroup& group : store.service_groups.rows()) {
        service_groups.push_back({{"id", group.id},
                                  {"name", group.name},
                                  {"description", group.description},
                                  {"services", group.services},
                                  {"created_at", format_timestamp(group.created_at)},
                                  {"updated_at", format_timestamp(group.updated_at)}});
    }
    json& invitations = doc["invitations"] = json::array();
    for (const Invitation& invitation : store.invitations.rows()) {
        invitations.push_back(dump_invitation(invitation));
    }
    json& user_groups = doc["user_groups"] = json::array();
    for (const UserGroup& group : store.user_groups.rows()) {
        user_groups.push_back(dump_user_group(group));
    }
    json& authorizations = doc["service_authorizations"] = json::array();
    for (const ServiceAuthorization& authorization : store.service_authorizations.rows()) {
        authorizations.push_back({{"id", authorization.id},
                                  {"user", authorization.user_id},
                                  {"service", authorization.service_id},
                                  {"permission", authorization.permission},
                                  {"created_at", format_timestamp(authorization.created_at)},
                                  {"updated_at", format_timestamp(authorization.updated_at)}});
    }
    doc["events"] = seed::dump_events(store);
    doc["clock"] = {{"offset_seconds", store.clock_offset}};
    json used = json::object();
    for (const auto& [user_id, count] : store.rate.used) {
        used[user_id] = count;
    }
    doc["rate_limit"] = {{"window_start", store.rate.window_start}, {"used", used}};
    return doc;
}

}  // namespace fastly_emulator
