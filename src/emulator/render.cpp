#include "render.hpp"

namespace fastly_emulator {

using nlohmann::json;

json text_or_null(const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
}

json bool_or_null(const std::optional<bool>& value) {
    return value ? json(*value) : json(nullptr);
}

json time_or_null(const std::optional<EpochSeconds>& value) {
    return value ? json(format_timestamp(*value)) : json(nullptr);
}

namespace {}  // namespace

json render_customer(const Store& store) {
    const Customer& customer = store.customer;
    json out = customer.attributes;
    out["id"] = customer.id;
    out["name"] = customer.name;
    out["owner_id"] = customer.owner_id;
    out["created_at"] = format_timestamp(customer.created_at);
    out["updated_at"] = format_timestamp(customer.updated_at);
    out["deleted_at"] = time_or_null(customer.deleted_at);
    return out;
}

json render_service_authorization(const ServiceAuthorization& authorization) {
    return {{"id", authorization.id},
            {"type", "service_authorization"},
            {"attributes",
             {{"created_at", format_timestamp(authorization.created_at)},
              {"updated_at", format_timestamp(authorization.updated_at)},
              {"deleted_at", nullptr},
              {"permission", authorization.permission}}},
            {"relationships",
             {{"service", {{"data", {{"id", authorization.service_id}, {"type", "service"}}}}},
              {"user", {{"data", {{"id", authorization.user_id}, {"type", "user"}}}}}}}};
}

json render_token(const Store& store, const Token& token) {
    return {{"id", token.id},
            {"user_id", token.user_id},
            {"customer_id", store.customer.id},
            {"name", token.name},
            {"last_used_at", time_or_null(token.last_use())},
            {"created_at", format_timestamp(token.created_at)},
            {"expires_at", time_or_null(token.expires_at)},
            {"ip", text_or_null(token.ip)},
            {"user_agent", text_or_null(token.user_agent)},
            {"sudo_expires_at", nullptr},
            {"scopes", split_list(token.scope, ' ')},
            {"scope", token.scope},
            {"services", token.services},
            {"service_id", token.services.empty() ? json(nullptr) : json(token.services.front())}};
}

json render_role(const Role& role) {
    return {{"id", role.id},
            {"object", "role"},
            {"name", role.name},
            {"display_name", role.display_name},
            {"description", role.description},
            {"custom", role.custom},
            {"permissions_count", role.permissions.size()},
            {"created_at", format_timestamp(role.created_at)},
            {"updated_at", format_timestamp(role.updated_at)}};
}

json render_role_v1(const Store& store, const Role& role, bool include_permissions) {
    json out{
        {"id", role.id}, {"name", role.name}, {"display_name", role.display_name}, {"description", role.description}};
    if (include_permissions) {
        json names = json::array();
        for (const std::string& id : role.permissions) {
            if (const Permission* permission = store.permissions.find(id)) {
                names.push_back(permission->name);
            }
        }
        out["permissions"] = names;
    }
    return out;
}

json render_permission(const Permission& permission) {
    return {{"id", permission.id},
            {"object", "permission"},
            {"name", permission.name},
            {"description", permission.description},
            {"resource_name", permission.resource_name},
            {"resource_description", permission.resource_description},
            {"scope", permission.scope}};
}

json render_service_item(const Service& service, Compat::ListEntries entries) {
    if (entries == Compat::ListEntries::minimal) {
        return {{"id", service.id}};
    }
    return {{"id", service.id}, {"object", "service"}, {"name", service.name}};
}

json render_list_entry(const json& full, Compat::ListEntries entries) {
    if (entries == Compat::ListEntries::minimal) {
        return {{"id", full.at("id")}};
    }
    return full;
}

json render_service_classic(const Store& store, const Service& service) {
    return {{"id", service.id},
            {"name", service.name},
            {"customer_id", store.customer.id},
            {"type", "vcl"},
            {"comment", ""},
            {"version", 1},
            {"created_at", format_timestamp(service.created_at)},
            {"updated_at", format_timestamp(service.updated_at)},
            {"deleted_at", nullptr}};
}

// ---- objects written to either sink -------------------------------------------------------------------
// Each object is written once, here, for both JsonText (list answers) and JsonTree (single answers).
// Keys come in sorted order, as JsonText needs to give the bytes nlohmann::json::dump() gives.

namespace {

template <class Sink>
void emit_user(Sink& out, const Store& store, const User& user) {
    out.begin_object();
    out.key("created_at");
    out.timestamp(user.created_at);
    out.member("customer_id", store.customer.id);
    out.member("deleted_at", nullptr);
    out.member("id", user.id);
    out.key("last_active_at");
    out.optional_timestamp(user.last_active_at);
    out.member("limit_services", user.limit_services);
    out.member("locked", user.locked);
    out.member("login", user.login);
    out.member("name", user.name);
    out.member("require_new_password", user.require_new_password);
    out.member("role", user.role);
    out.member("roles", user.roles);
    out.member("two_factor_auth_enabled", user.two_factor_auth_enabled);
    out.member("two_factor_setup_required", false);
    out.key("updated_at");
    out.timestamp(user.updated_at);
    out.end_object();
}

template <class Sink>
void emit_service_group(Sink& out, const ServiceGroup& group, Compat::GroupCounts counts) {
    out.begin_object();
    out.key("created_at");
    out.timestamp(group.created_at);
    out.member("description", group.description);
    out.member("id", group.id);
    out.member("name", group.name);
    out.member("object", "service_group");
    if (counts != Compat::GroupCounts::none) {
        out.member("services_count", static_cast<std::uint64_t>(group.services.size()));
    }
    out.key("updated_at");
    out.timestamp(group.updated_at);
    out.end_object();
}

template <class Sink>
void emit_user_group(Sink& out, const UserGroup& group, Compat::GroupCounts counts) {
    std::uint64_t users = 0;
    std::uint64_t invitations = 0;
    for (const Member& member : group.members) {
        (member.kind == MemberKind::user ? users : invitations) += 1;
    }
    const bool with_counts = counts != Compat::GroupCounts::none;
    out.begin_object();
    out.key("created_at");
    out.timestamp(group.created_at);
    out.member("description", group.description);
    out.member("id", group.id);
    if (with_counts) {
        out.member("invitations_count", invitations);
    }
    out.member("name", group.name);
    out.member("object", "user_group");
    if (with_counts) {
        out.member("roles_count", static_cast<std::uint64_t>(group.roles.size()));
    }
    if (counts == Compat::GroupCounts::all) {
        out.member("service_groups_count", static_cast<std::uint64_t>(group.service_groups.size()));
    }
    out.key("updated_at");
    out.timestamp(group.updated_at);
    if (with_counts) {
        out.member("users_count", users);
    }
    out.end_object();
}

template <class Sink>
void emit_member(Sink& out, const Store& store, const Member& member, Compat::ListEntries entries) {
    out.begin_object();
    if (entries == Compat::ListEntries::minimal) {
        out.member("id", member.id);
    } else if (member.kind == MemberKind::user) {
        const User* user = store.users.find(member.id);
        out.member("id", member.id);
        out.key("login");
        user ? out.string(user->login) : out.null();
        out.key("name");
        user ? out.string(user->name) : out.null();
        out.member("object", "user");
    } else {
        const Invitation* invitation = store.invitations.find(member.id);
        out.key("email");
        invitation ? out.string(invitation->email) : out.null();
        out.member("id", member.id);
        out.member("object", "invitation");
    }
    out.end_object();
}

template <class Sink>
void emit_invitation(Sink& out, const Store& store, const Invitation& invitation,
                     Compat::InvitationAttributes attributes) {
    const bool full = attributes == Compat::InvitationAttributes::full;
    out.begin_object();
    out.key("attributes");
    out.begin_object();
    out.key("created_at");
    out.timestamp(invitation.created_at);
    out.member("deleted_at", nullptr);
    out.member("email", invitation.email);
    if (full) {
        out.member("limit_services", invitation.limit_services);
        out.member("role", invitation.role);
        out.member("roles", invitation.roles);
    }
    out.member("status_code", store.invitation_status_code(invitation));
    out.key("updated_at");
    out.timestamp(invitation.updated_at);
    out.end_object();
    out.member("id", invitation.id);
    out.key("relationships");
    out.begin_object();
    out.key("customer");
    out.begin_object();
    out.key("data");
    out.begin_object();
    out.member("id", store.customer.id);
    out.member("type", "customer");
    out.end_object();
    out.end_object();
    out.key("service_invitations");
    out.begin_object();
    out.key("data");
    out.begin_array();
    for (const ServiceInvitation& grant : invitation.service_invitations) {
        out.begin_object();
        out.member("id", grant.id);
        out.member("type", "service_invitation");
        out.end_object();
    }
    out.end_array();
    out.end_object();
    out.end_object();
    out.member("type", "invitation");
    out.end_object();
}

}  // namespace

template <class Emit>
json tree_of(Emit emit) {
    JsonTree tree;
    emit(tree);
    return tree.take();
}

json render_user(const Store& store, const User& user) {
    return tree_of([&](JsonTree& out) { emit_user(out, store, user); });
}
void write_user(JsonText& out, const Store& store, const User& user) {
    emit_user(out, store, user);
}

json render_service_group(const ServiceGroup& group, Compat::GroupCounts counts) {
    return tree_of([&](JsonTree& out) { emit_service_group(out, group, counts); });
}
void write_service_group(JsonText& out, const ServiceGroup& group, Compat::GroupCounts counts) {
    emit_service_group(out, group, counts);
}

json render_user_group(const UserGroup& group, Compat::GroupCounts counts) {
    return tree_of([&](JsonTree& out) { emit_user_group(out, group, counts); });
}
void write_user_group(JsonText& out, const UserGroup& group, Compat::GroupCounts counts) {
    emit_user_group(out, group, counts);
}

json render_member(const Store& store, const Member& member, Compat::ListEntries entries) {
    return tree_of([&](JsonTree& out) { emit_member(out, store, member, entries); });
}
void write_member(JsonText& out, const Store& store, const Member& member, Compat::ListEntries entries) {
    emit_member(out, store, member, entries);
}

json render_invitation(const Store& store, const Invitation& invitation, Compat::InvitationAttributes attributes) {
    return tree_of([&](JsonTree& out) { emit_invitation(out, store, invitation, attributes); });
}
void write_invitation(JsonText& out, const Store& store, const Invitation& invitation,
                      Compat::InvitationAttributes attributes) {
    emit_invitation(out, store, invitation, attributes);
}

}  // namespace fastly_emulator
