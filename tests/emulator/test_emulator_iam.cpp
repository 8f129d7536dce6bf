#include <doctest/doctest.h>

#include "harness.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

std::string permission_id(Harness& h, const std::string& name) {
    return h.emulator.with_store([&](Store& store) { return store.permission_by_ref(name)->id; });
}

json ids(std::initializer_list<std::string> values) {
    json out = json::array();
    for (const std::string& value : values) {
        out.push_back({{"id", value}});
    }
    return out;
}

}  // namespace

TEST_CASE("legacy /roles: page/per_page listing with {data, meta}, CRUD and role permissions") {
    Harness h;
    json page = h.get("/roles?page=2&per_page=4");
    CHECK(page["data"].size() == 2);
    CHECK(page["meta"] == json{{"current_page", 2}, {"per_page", 4}, {"record_count", 6}, {"total_pages", 2}});
    CHECK(page["data"][0]["object"] == "role");
    CHECK(page["data"][0]["custom"] == false);

    json role = h.send_json("POST", "/roles", {{"name", "Security Engineer"}, {"description", "Sec"}}, 201);
    std::string id = role["id"];
    CHECK(role["custom"] == true);
    CHECK(role["permissions_count"] == 0);
    CHECK(h.send_json("POST", "/roles", {{"name", "Security Engineer"}}, 409)["msg"] == "Duplicate record");

    json patched = h.send_json("PATCH", "/roles/" + id, {{"name", "Account Manager"}, {"description", "Manage users."}},
                               200);
    CHECK(patched["name"] == "Account Manager");

    std::string purge_all = permission_id(h, "purge_all");
    std::string purge_select = permission_id(h, "purge_select");
    json added = h.send_json("POST", "/roles/" + id + "/permissions", {{"permissions", ids({purge_all, purge_select})}},
                             201);
    CHECK(added["permissions_count"] == 2);
    h.send_json("POST", "/roles/" + id + "/permissions", {{"permissions", ids({purge_all})}}, 201);
    json listed = h.get("/roles/" + id + "/permissions");
    REQUIRE(listed["data"].size() == 2);
    CHECK(listed["data"][0]["name"] == "purge_all");
    CHECK(listed["data"][0]["object"] == "permission");

    ApiResponse removed = h.call("DELETE", "/roles/" + id + "/permissions",
                                 json{{"permissions", ids({purge_all})}}.dump());
    CHECK(removed.status == 204);
    CHECK(removed.body.empty());
    CHECK(h.get("/roles/" + id)["permissions_count"] == 1);
    CHECK(h.send_json("POST", "/roles/" + id + "/permissions", {{"permissions", ids({"nope"})}}, 404)["msg"] ==
          "Record not found");

    CHECK(h.call("PATCH", "/roles/" + h.role_id("engineer"), R"({"name":"x"})").status == 400);
    CHECK(h.call("DELETE", "/roles/" + id).status == 204);
    CHECK(h.call("GET", "/roles/" + id).status == 404);
}

TEST_CASE("/iam/v1/roles pages by limit and cursor with top-level limit and next_cursor") {
    Harness h;
    json first = h.get("/iam/v1/roles?limit=4&cursor=");
    CHECK(first["limit"] == 4);
    CHECK(first["data"].size() == 4);
    CHECK_FALSE(first["data"][0].contains("permissions"));
    std::string cursor = first["next_cursor"];
    REQUIRE_FALSE(cursor.empty());
    json second = h.get("/iam/v1/roles?limit=4&cursor=" + cursor);
    CHECK(second["data"].size() == 2);
    CHECK(second["next_cursor"] == "");
    CHECK(h.get("/iam/v1/roles")["limit"] == 100);
    CHECK(h.call("GET", "/iam/v1/roles?limit=1001").status == 400);

    json engineer = h.get("/iam/v1/roles/" + h.role_id("engineer") + "?include=permissions");
    CHECK(engineer["display_name"] == "Engineer");
    REQUIRE(engineer["permissions"].is_array());
    CHECK(std::find(engineer["permissions"].begin(), engineer["permissions"].end(), "purge_all") !=
          engineer["permissions"].end());
}

TEST_CASE("GET /permissions lists the catalogue in {data, meta}") {
    Harness h;
    json permissions = h.get("/permissions");
    CHECK(permissions["meta"]["record_count"] == permissions["data"].size());
    CHECK(permissions["data"].size() >= 20);
    for (const json& p : permissions["data"]) {
        CHECK((p["scope"] == "service" || p["scope"] == "account"));
    }
}

TEST_CASE("service groups: create 201, duplicate 409, services added and removed incrementally") {
    Harness h;
    json services = h.get("/service");
    std::string s1 = services[0]["id"];
    std::string s2 = services[1]["id"];
    json group = h.send_json("POST", "/service-groups", {{"name", "Prod Services"}}, 201);
    std::string id = group["id"];
    CHECK(group["object"] == "service_group");
    CHECK(group["services_count"] == 0);
    CHECK(h.send_json("POST", "/service-groups", {{"name", "Prod Services"}}, 409)["detail"] ==
          "Duplicate service group: 'Prod Services'");
    CHECK(h.send_json("POST", "/service-groups", {{"description", "x"}}, 400)["detail"] == "Name can't be blank");

    CHECK(h.send_json("POST", "/service-groups/" + id + "/services", {{"services", ids({s1, s2})}},
                      201)["services_count"] == 2);
    CHECK(h.send_json("POST", "/service-groups/" + id + "/services", {{"services", ids({s1})}},
                      201)["services_count"] == 2);
    CHECK(h.send_json("POST", "/service-groups/" + id + "/services", {{"services", ids({"missing"})}}, 404)["msg"] ==
          "Record not found");
    json listed = h.get("/service-groups/" + id + "/services?per_page=1&page=2");
    CHECK(listed["data"] == json::array({{{"id", s2}, {"object", "service"}, {"name", services[1]["name"]}}}));
    CHECK(listed["meta"]["total_pages"] == 2);

    CHECK(h.call("DELETE", "/service-groups/" + id + "/services", json{{"services", ids({s1, "not-there"})}}.dump())
              .status == 204);
    CHECK(h.get("/service-groups/" + id)["services_count"] == 1);
    CHECK(h.send_json("PATCH", "/service-groups/" + id, {{"description", "Production"}}, 200)["description"] ==
          "Production");
    CHECK(h.call("DELETE", "/service-groups/" + id).status == 204);
    CHECK(h.call("GET", "/service-groups/" + id).status == 404);
}

TEST_CASE("user groups: members, roles and service groups; adding twice and removing non-members are no-ops") {
    Harness h;
    std::string owner = h.get("/current_user")["id"];
    json invitation = h.send_json("POST", "/invitations",
                                  {{"data", {{"type", "invitation"}, {"attributes", {{"email", "inv@example.com"}}}}}},
                                  200);
    std::string inv = invitation["data"]["id"];
    json sg = h.send_json("POST", "/service-groups", {{"name", "prod"}}, 201);
    json group = h.send_json("POST", "/user-groups", {{"name", "Security Engineers"}, {"description", "d"}}, 201);
    std::string id = group["id"];
    CHECK(group["users_count"] == 0);
    CHECK(group["invitations_count"] == 0);

    json members = {{"members", {{{"id", owner}, {"object", "user"}}, {{"id", inv}, {"object", "invitation"}}}}};
    CHECK(h.send_json("POST", "/user-groups/" + id + "/members", members, 201)["users_count"] == 1);
    json after = h.send_json("POST", "/user-groups/" + id + "/members", members, 201);
    CHECK(after["users_count"] == 1);
    CHECK(after["invitations_count"] == 1);
    json listed = h.get("/user-groups/" + id + "/members");
    CHECK(listed["data"][0] ==
          json{{"id", owner}, {"object", "user"}, {"name", "Account Owner"}, {"login", "owner@example.com"}});
    CHECK(listed["data"][1] == json{{"id", inv}, {"object", "invitation"}, {"email", "inv@example.com"}});
    CHECK(h.send_json("POST", "/user-groups/" + id + "/members", {{"members", {{{"id", owner}}}}}, 400)["msg"] ==
          "Bad request");
    CHECK(h.send_json("POST", "/user-groups/" + id + "/members", {{"members", {{{"id", "ghost"}, {"object", "user"}}}}},
                      404)["msg"] == "Record not found");

    std::string role = h.role_id("engineer");
    CHECK(h.send_json("POST", "/user-groups/" + id + "/roles", {{"roles", ids({role})}}, 201)["roles_count"] == 1);
    CHECK(h.get("/user-groups/" + id + "/roles")["data"][0]["id"] == role);
    // Fastly's user-group model has no service_groups_count [DOC]; the compat switch adds it.
    CHECK_FALSE(group.contains("service_groups_count"));
    Compat all_counts;
    all_counts.group_counts = Compat::GroupCounts::all;
    h.emulator.set_compat(all_counts);
    CHECK(h.send_json("POST", "/user-groups/" + id + "/service-groups", {{"service_groups", ids({sg["id"]})}},
                      201)["service_groups_count"] == 1);
    CHECK(h.get("/user-groups/" + id + "/service-groups")["data"][0]["name"] == "prod");

    CHECK(
        h.call("DELETE", "/user-groups/" + id + "/members",
               json{{"members", {{{"id", owner}, {"object", "user"}}, {{"id", "nobody"}, {"object", "user"}}}}}.dump())
            .status == 204);
    CHECK(h.get("/user-groups/" + id)["users_count"] == 0);
    CHECK(h.call("DELETE", "/user-groups/" + id + "/roles", json{{"roles", ids({role})}}.dump()).status == 204);
    CHECK(h.get("/user-groups/" + id)["roles_count"] == 0);

    CHECK(h.call("DELETE", "/service-groups/" + sg["id"].get<std::string>()).status == 204);
    CHECK(h.get("/user-groups/" + id)["service_groups_count"] == 0);
    CHECK(h.send_json("PATCH", "/user-groups/" + id, {{"name", "Renamed"}}, 200)["name"] == "Renamed");
    h.send_json("POST", "/user-groups", {{"name", "Other"}}, 201);
    CHECK(h.send_json("PATCH", "/user-groups/" + id, {{"name", "Other"}}, 409)["msg"] == "Duplicate record");
}

TEST_CASE("IAM lists paginate with page/per_page and also accept a cursor") {
    Harness h;
    for (int i = 0; i < 45; ++i) {
        h.send_json("POST", "/user-groups", {{"name", "group-" + std::to_string(i)}}, 201);
    }
    json first = h.get("/user-groups");
    CHECK(first["data"].size() == 20);
    CHECK(first["meta"] == json{{"current_page", 1}, {"per_page", 20}, {"record_count", 45}, {"total_pages", 3}});
    json last = h.get("/user-groups?page=3&per_page=20");
    CHECK(last["data"].size() == 5);
    CHECK(last["data"][4]["name"] == "group-44");
    json beyond = h.get("/user-groups?page=9");
    CHECK(beyond["data"].empty());

    json by_cursor = h.get("/user-groups?per_page=40&cursor=");
    CHECK(by_cursor["data"].size() == 40);
    json rest = h.get("/user-groups?per_page=40&cursor=" + by_cursor["next_cursor"].get<std::string>());
    CHECK(rest["data"].size() == 5);
    CHECK(rest["next_cursor"] == "");
    CHECK(h.call("GET", "/user-groups?page=0").status == 400);
    CHECK(h.call("GET", "/user-groups?per_page=abc").status == 400);
}

TEST_CASE("malformed JSON bodies are 400 Bad request") {
    Harness h;
    ApiResponse response = h.call("POST", "/user-groups", "{not json", default_superuser_token, "application/json");
    CHECK(response.status == 400);
    CHECK(Harness::body(response) == json{{"msg", "Bad request"}, {"detail", "the request body is not valid JSON"}});
}
