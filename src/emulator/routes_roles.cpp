// IAM roles (legacy /roles CRUD and the read-only /iam/v1/roles) and the permission catalogue.
#include <algorithm>

#include "api.hpp"
#include "api_error.hpp"
#include "render.hpp"
#include "request_util.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

Role& find_role(Context& ctx, const std::string& id) {
    Role* role = ctx.store.roles.find(id);
    if (!role) {
        throw record_not_found("role", id);
    }
    return *role;
}

Role& find_custom_role(Context& ctx, const std::string& id, const std::string& action) {
    Role& role = find_role(ctx, id);
    ctx.require_superuser(action);
    if (!role.custom) {
        throw bad_request("Role '" + role.name + "' is predefined by Fastly and cannot be changed");
    }
    return role;
}

void check_unique_name(Context& ctx, const std::string& name, const std::string& own_id) {
    for (const Role& role : ctx.store.roles.rows()) {
        if (role.name == name && role.id != own_id) {
            throw duplicate("Duplicate role: '" + name + "'");
        }
    }
}

std::vector<std::string> checked_permission_ids(Context& ctx, const json& body) {
    std::vector<std::string> ids = id_list(body, "permissions");
    for (const std::string& id : ids) {
        if (!ctx.store.permissions.find(id)) {
            throw record_not_found("permission", id);
        }
    }
    return ids;
}

void create_role(Context& ctx) {
    ctx.require_superuser("create roles");
    json body = json_body(ctx.request);
    Role role;
    role.name = optional_text(body, "name");
    if (role.name.empty()) {
        throw bad_request("Name can't be blank");
    }
    check_unique_name(ctx, role.name, "");
    role.description = optional_text(body, "description");
    role.display_name = optional_text(body, "display_name");
    if (role.display_name.empty()) {
        role.display_name = role.name;
    }
    if (body.contains("permissions")) {
        role.permissions = checked_permission_ids(ctx, body);
    }
    role.custom = true;
    role.id = ctx.store.new_id();
    role.created_at = role.updated_at = ctx.store.now();
    const Role& stored = ctx.store.roles.insert(std::move(role));
    ctx.committed = true;
    ctx.response.set_json(201, render_role(stored));
}

void update_role(Context& ctx) {
    Role& role = find_custom_role(ctx, ctx.params[0], "change roles");
    json body = json_body(ctx.request);
    if (body.contains("name")) {
        std::string name = optional_text(body, "name");
        if (name.empty()) {
            throw bad_request("Name can't be blank");
        }
        check_unique_name(ctx, name, role.id);
        role.name = name;
    }
    if (body.contains("description")) {
        role.description = optional_text(body, "description");
    }
    if (body.contains("display_name")) {
        role.display_name = optional_text(body, "display_name");
    }
    role.updated_at = ctx.store.now();
    ctx.committed = true;
    ctx.response.set_json(200, render_role(role));
}

void change_role_permissions(Context& ctx, bool add) {
    Role& role = find_custom_role(ctx, ctx.params[0], "change role permissions");
    edit(role.permissions, checked_permission_ids(ctx, json_body(ctx.request)), add);
    role.updated_at = ctx.store.now();
    answer_change(ctx, add, render_role(role));
}

bool include_permissions(const ApiRequest& request) {
    const std::string* include = request.query_value("include");
    if (!include || include->empty()) {
        return false;
    }
    if (*include != "permissions") {
        throw bad_request("include must be \"permissions\"");
    }
    return true;
}

void list_roles_v1(Context& ctx) {
    // Documented: limit up to 1000 (default 100), cursor paging; no compat switch applies.
    PageRequest page = iam_page_request(ctx.request, Compat{}, 100);
    bool with_permissions = include_permissions(ctx.request);
    const auto& rows = ctx.store.roles.rows();
    json data = json::array();
    for (size_t i = page.offset; i < rows.size() && i < page.offset + page.size; ++i) {
        data.push_back(render_role_v1(ctx.store, rows[i], with_permissions));
    }
    std::string next = page.offset + page.size < rows.size() ? std::to_string(page.offset + page.size) : "";
    ctx.response.set_json(200, {{"data", data}, {"limit", page.size}, {"next_cursor", next}});
}

}  // namespace

void add_role_routes(Router& router) {
    router.add("GET", "/roles", Family::iam, [](Context& ctx) {
        const auto& rows = ctx.store.roles.rows();
        ctx.response.set_json(200, iam_page(rows.size(), iam_page_request(ctx.request, ctx.compat),
                                            [&](size_t i) { return render_role(rows[i]); }));
    });
    router.add("POST", "/roles", Family::iam, create_role);
    router.add("GET", "/roles/{role_id}", Family::iam,
               [](Context& ctx) { ctx.response.set_json(200, render_role(find_role(ctx, ctx.params[0]))); });
    router.add("PATCH", "/roles/{role_id}", Family::iam, update_role);
    router.add("DELETE", "/roles/{role_id}", Family::iam, [](Context& ctx) {
        Role& role = find_custom_role(ctx, ctx.params[0], "delete roles");
        ctx.store.delete_role(role.id);
        ctx.committed = true;
        ctx.response.status = 204;
    });
    router.add("GET", "/roles/{role_id}/permissions", Family::iam, [](Context& ctx) {
        const Role& role = find_role(ctx, ctx.params[0]);
        ctx.response.set_json(
            200, iam_page(role.permissions.size(), iam_page_request(ctx.request, ctx.compat), [&](size_t i) {
                return render_list_entry(render_permission(*ctx.store.permissions.find(role.permissions[i])),
                                         ctx.compat.list_entries);
            }));
    });
    router.add("POST", "/roles/{role_id}/permissions", Family::iam,
               [](Context& ctx) { change_role_permissions(ctx, true); });
    router.add("DELETE", "/roles/{role_id}/permissions", Family::iam,
               [](Context& ctx) { change_role_permissions(ctx, false); });
    router.add("GET", "/iam/v1/roles", Family::iam, list_roles_v1);
    router.add("GET", "/iam/v1/roles/{role_id}", Family::iam, [](Context& ctx) {
        const Role& role = find_role(ctx, ctx.params[0]);
        ctx.response.set_json(200, render_role_v1(ctx.store, role, include_permissions(ctx.request)));
    });
    router.add("GET", "/permissions", Family::iam, [](Context& ctx) {
        // It takes no parameters [DOC]: the whole catalogue, in the envelope the compat switch names.
        const auto& rows = ctx.store.permissions.rows();
        PageRequest page;
        page.whole = true;
        page.envelope = ctx.compat.permissions_envelope == Compat::PermissionsEnvelope::array
                            ? Compat::IamEnvelope::array
                            : Compat::IamEnvelope::meta;
        ctx.response.set_json(200, iam_page(rows.size(), page, [&](size_t i) { return render_permission(rows[i]); }));
    });
}

}  // namespace fastly_emulator
