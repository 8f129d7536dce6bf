// IAM service groups and user groups, with their incremental membership sub-resources.
#include <algorithm>

#include "api.hpp"
#include "api_error.hpp"
#include "render.hpp"
#include "request_util.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

// PATCH of a service group or user group: `name` (unique, not blank) and `description`, each optional.
template <class Group, class CheckName, class Render>
void update_named(Context& ctx, Group& group, const char* action, CheckName check_name, Render render) {
    ctx.require_superuser(action);
    json body = json_body(ctx.request);
    if (body.contains("name")) {
        std::string name = optional_text(body, "name");
        check_name(ctx, name, group.id);
        group.name = name;
    }
    if (body.contains("description")) {
        group.description = optional_text(body, "description");
    }
    group.updated_at = ctx.store.now();
    ctx.committed = true;
    ctx.response.set_json(200, render(group));
}

// ---- service groups -------------------------------------------------------------------------------

ServiceGroup& find_service_group(Context& ctx, const std::string& id) {
    ServiceGroup* group = ctx.store.service_groups.find(id);
    if (!group) {
        throw record_not_found("servicegroup", id);
    }
    return *group;
}

std::vector<std::string> checked_service_ids(Context& ctx, const json& body) {
    std::vector<std::string> ids = id_list(body, "services");
    for (const std::string& id : ids) {
        if (!ctx.store.services.find(id)) {
            throw record_not_found("service", id);
        }
    }
    return ids;
}

void check_service_group_name(Context& ctx, const std::string& name, const std::string& own_id) {
    if (name.empty()) {
        throw bad_request("Name can't be blank");
    }
    ServiceGroup* other = ctx.store.service_group_by_name(name);
    if (other && other->id != own_id) {
        throw duplicate("Duplicate service group: '" + name + "'");
    }
}

void create_service_group(Context& ctx) {
    ctx.require_superuser("create service groups");
    json body = json_body(ctx.request);
    ServiceGroup group;
    group.name = optional_text(body, "name");
    check_service_group_name(ctx, group.name, "");
    group.description = optional_text(body, "description");
    // The seed OpenAPI creates with a list of service IDs; the real API adds them separately. Accept both.
    if (body.contains("services") && !body["services"].is_null()) {
        edit(group.services, checked_service_ids(ctx, body), true);
    }
    group.id = ctx.store.new_id();
    group.created_at = group.updated_at = ctx.store.now();
    const ServiceGroup& stored = ctx.store.service_groups.insert(std::move(group));
    ctx.committed = true;
    ctx.response.set_json(201, render_service_group(stored, ctx.compat.group_counts));
}

void update_service_group(Context& ctx) {
    update_named(ctx, find_service_group(ctx, ctx.params[0]), "change service groups", check_service_group_name,
                 [&ctx](const ServiceGroup& group) { return render_service_group(group, ctx.compat.group_counts); });
}

void change_services(Context& ctx, bool add) {
    ServiceGroup& group = find_service_group(ctx, ctx.params[0]);
    ctx.require_superuser("change service groups");
    json body = json_body(ctx.request);
    edit(group.services, add ? checked_service_ids(ctx, body) : id_list(body, "services"), add);
    group.updated_at = ctx.store.now();
    answer_change(ctx, add, render_service_group(group, ctx.compat.group_counts));
}

// ---- user groups ----------------------------------------------------------------------------------

UserGroup& find_user_group(Context& ctx, const std::string& id) {
    UserGroup* group = ctx.store.user_groups.find(id);
    if (!group) {
        throw record_not_found("usergroup", id);
    }
    return *group;
}

void check_user_group_name(Context& ctx, const std::string& name, const std::string& own_id) {
    if (name.empty()) {
        throw bad_request("Name can't be blank");
    }
    UserGroup* other = ctx.store.user_group_by_name(name);
    if (other && other->id != own_id) {
        throw duplicate("Duplicate user group: '" + name + "'");
    }
}

void create_user_group(Context& ctx) {
    ctx.require_superuser("create user groups");
    json body = json_body(ctx.request);
    UserGroup group;
    group.name = optional_text(body, "name");
    check_user_group_name(ctx, group.name, "");
    group.description = optional_text(body, "description");
    group.id = ctx.store.new_id();
    group.created_at = group.updated_at = ctx.store.now();
    const UserGroup& stored = ctx.store.user_groups.insert(std::move(group));
    ctx.committed = true;
    ctx.response.set_json(201, render_user_group(stored, ctx.compat.group_counts));
}

void update_user_group(Context& ctx) {
    update_named(ctx, find_user_group(ctx, ctx.params[0]), "change user groups", check_user_group_name,
                 [&ctx](const UserGroup& group) { return render_user_group(group, ctx.compat.group_counts); });
}

std::vector<Member> read_members(Context& ctx, const json& body, bool must_exist) {
    auto it = body.find("members");
    if (it == body.end() || !it->is_array()) {
        throw bad_request("members must be a list of objects with an id and an object");
    }
    std::vector<Member> members;
    for (const json& item : *it) {
        if (!item.is_object() || !item.contains("id") || !item["id"].is_string()) {
            throw bad_request("members must be a list of objects with an id and an object");
        }
        std::string id = item["id"].get<std::string>();
        std::string object = item.value("object", "");
        Member member;
        if (object == "user") {
            member = {MemberKind::user, id};
            if (must_exist && !ctx.store.users.find(id)) {
                throw record_not_found("user", id);
            }
        } else if (object == "invitation") {
            member = {MemberKind::invitation, id};
            if (must_exist && !ctx.store.invitations.find(id)) {
                throw record_not_found("invitation", id);
            }
        } else {
            throw bad_request("member object must be \"user\" or \"invitation\", not '" + object + "'");
        }
        members.push_back(member);
    }
    return members;
}

void change_members(Context& ctx, bool add) {
    UserGroup& group = find_user_group(ctx, ctx.params[0]);
    ctx.require_superuser("change user group members");
    std::vector<Member> members = read_members(ctx, json_body(ctx.request), add);
    if (add) {
        ctx.store.add_members(group, members);
    } else {
        ctx.store.remove_members(group, members);
    }
    group.updated_at = ctx.store.now();
    answer_change(ctx, add, render_user_group(group, ctx.compat.group_counts));
}

// Roles and service groups of a user group share one shape: `{"<key>":[{"id":...}]}`.
void change_group_links(Context& ctx, bool add, bool roles) {
    UserGroup& group = find_user_group(ctx, ctx.params[0]);
    ctx.require_superuser("change user groups");
    const char* key = roles ? "roles" : "service_groups";
    std::vector<std::string> ids = id_list(json_body(ctx.request), key);
    std::vector<std::string>& links = roles ? group.roles : group.service_groups;
    for (const std::string& id : ids) {
        if (add) {
            if (roles && !ctx.store.roles.find(id)) {
                throw record_not_found("role", id);
            }
            if (!roles && !ctx.store.service_groups.find(id)) {
                throw record_not_found("servicegroup", id);
            }
        }
    }
    edit(links, ids, add);
    group.updated_at = ctx.store.now();
    answer_change(ctx, add, render_user_group(group, ctx.compat.group_counts));
}

void list_group_links(Context& ctx, bool roles) {
    const UserGroup& group = find_user_group(ctx, ctx.params[0]);
    const std::vector<std::string>& links = roles ? group.roles : group.service_groups;
    ctx.response.set_json(
        200, iam_page(links.size(), iam_page_request(ctx.request, ctx.compat), [&](size_t i) {
            if (roles) {
                return render_list_entry(render_role(*ctx.store.roles.find(links[i])), ctx.compat.list_entries);
            }
            return render_list_entry(
                render_service_group(*ctx.store.service_groups.find(links[i]), ctx.compat.group_counts),
                ctx.compat.list_entries);
        }));
}

}  // namespace

void add_group_routes(Router& router) {
    router.add("GET", "/service-groups", Family::iam, [](Context& ctx) {
        const auto& rows = ctx.store.service_groups.rows();
        ctx.response.set_text(
            200, iam_page_text(rows.size(), iam_page_request(ctx.request, ctx.compat), [&](JsonText& out, size_t i) {
                write_service_group(out, rows[i], ctx.compat.group_counts);
            }));
    });
    router.add("POST", "/service-groups", Family::iam, create_service_group);
    router.add("GET", "/service-groups/{service_group_id}", Family::iam, [](Context& ctx) {
        ctx.response.set_json(200,
                              render_service_group(find_service_group(ctx, ctx.params[0]), ctx.compat.group_counts));
    });
    router.add("PATCH", "/service-groups/{service_group_id}", Family::iam, update_service_group);
    router.add("DELETE", "/service-groups/{service_group_id}", Family::iam, [](Context& ctx) {
        ServiceGroup& group = find_service_group(ctx, ctx.params[0]);
        ctx.require_superuser("delete service groups");
        ctx.store.delete_service_group(group.id);
        ctx.committed = true;
        ctx.response.status = 204;
    });
    router.add("GET", "/service-groups/{service_group_id}/services", Family::iam, [](Context& ctx) {
        const ServiceGroup& group = find_service_group(ctx, ctx.params[0]);
        ctx.response.set_json(
            200, iam_page(group.services.size(), iam_page_request(ctx.request, ctx.compat), [&](size_t i) {
                const Service* service = ctx.store.services.find(group.services[i]);
                return service ? render_service_item(*service, ctx.compat.list_entries)
                               : render_list_entry(json{{"id", group.services[i]}, {"object", "service"}},
                                                   ctx.compat.list_entries);
            }));
    });
    router.add("POST", "/service-groups/{service_group_id}/services", Family::iam,
               [](Context& ctx) { change_services(ctx, true); });
    router.add("DELETE", "/service-groups/{service_group_id}/services", Family::iam,
               [](Context& ctx) { change_services(ctx, false); });

    router.add("GET", "/user-groups", Family::iam, [](Context& ctx) {
        const auto& rows = ctx.store.user_groups.rows();
        ctx.response.set_text(
            200, iam_page_text(rows.size(), iam_page_request(ctx.request, ctx.compat), [&](JsonText& out, size_t i) {
                write_user_group(out, rows[i], ctx.compat.group_counts);
            }));
    });
    router.add("POST", "/user-groups", Family::iam, create_user_group);
    router.add("GET", "/user-groups/{user_group_id}", Family::iam, [](Context& ctx) {
        ctx.response.set_json(200, render_user_group(find_user_group(ctx, ctx.params[0]), ctx.compat.group_counts));
    });
    router.add("PATCH", "/user-groups/{user_group_id}", Family::iam, update_user_group);
    router.add("DELETE", "/user-groups/{user_group_id}", Family::iam, [](Context& ctx) {
        UserGroup& group = find_user_group(ctx, ctx.params[0]);
        ctx.require_superuser("delete user groups");
        ctx.store.delete_user_group(group.id);
        ctx.committed = true;
        ctx.response.status = 204;
    });
    router.add("GET", "/user-groups/{user_group_id}/members", Family::iam, [](Context& ctx) {
        const UserGroup& group = find_user_group(ctx, ctx.params[0]);
        ctx.response.set_text(200, iam_page_text(group.members.size(), iam_page_request(ctx.request, ctx.compat),
                                                 [&](JsonText& out, size_t i) {
                                                     write_member(out, ctx.store, group.members[i],
                                                                  ctx.compat.list_entries);
                                                 }));
    });
    router.add("POST", "/user-groups/{user_group_id}/members", Family::iam,
               [](Context& ctx) { change_members(ctx, true); });
    router.add("DELETE", "/user-groups/{user_group_id}/members", Family::iam,
               [](Context& ctx) { change_members(ctx, false); });
    router.add("GET", "/user-groups/{user_group_id}/roles", Family::iam,
               [](Context& ctx) { list_group_links(ctx, true); });
    router.add("POST", "/user-groups/{user_group_id}/roles", Family::iam,
               [](Context& ctx) { change_group_links(ctx, true, true); });
    router.add("DELETE", "/user-groups/{user_group_id}/roles", Family::iam,
               [](Context& ctx) { change_group_links(ctx, false, true); });
    router.add("GET", "/user-groups/{user_group_id}/service-groups", Family::iam,
               [](Context& ctx) { list_group_links(ctx, false); });
    router.add("POST", "/user-groups/{user_group_id}/service-groups", Family::iam,
               [](Context& ctx) { change_group_links(ctx, true, false); });
    router.add("DELETE", "/user-groups/{user_group_id}/service-groups", Family::iam,
               [](Context& ctx) { change_group_links(ctx, false, false); });
}

}  // namespace fastly_emulator
