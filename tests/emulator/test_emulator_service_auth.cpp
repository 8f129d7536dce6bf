// Service authorizations (issue 15): the recorded shapes and status codes, paging, the bulk extension
// (all or nothing), cascades, invitations' grants, the service-limited role rule, and the state.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

constexpr const char* jsonapi = "application/vnd.api+json";
constexpr const char* bulk = "application/vnd.api+json; ext=bulk";

// Five limited engineers, five services, and a token for the first engineer.
json limited_seed() {
    json seed{{"users", {{{"login", "owner@example.com"}, {"role", "superuser"}}}},
              {"services", json::array()},
              {"tokens", {{"eng-token", "eng0@example.com"}}}};
    for (int i = 0; i < 5; ++i) {
        const std::string n = std::to_string(i);
        seed["users"].push_back(
            {{"login", "eng" + n + "@example.com"}, {"role", "engineer"}, {"limit_services", true}});
        seed["services"].push_back({{"name", "svc" + n + ".example.com"}});
    }
    return seed;
}

std::string limited_user(Harness& h, const std::string& login) {
    return h.emulator.with_store([&](Store& s) { return s.user_by_login(login)->id; });
}

std::string service_id(Harness& h, size_t index) {
    return h.emulator.with_store([&](Store& s) { return s.services.rows()[index].id; });
}

json create_body(const std::string& user, const std::string& service, const std::string& permission = "") {
    json data{{"type", "service_authorization"},
              {"relationships",
               {{"service", {{"data", {{"type", "service"}, {"id", service}}}}},
                {"user", {{"data", {{"type", "user"}, {"id", user}}}}}}}};
    if (!permission.empty()) {
        data["attributes"] = {{"permission", permission}};
    }
    return {{"data", data}};
}

ApiResponse create(Harness& h, const std::string& user, const std::string& service, const std::string& permission = "",
                   const std::string& token = default_superuser_token) {
    return h.call("POST", "/service-authorizations", create_body(user, service, permission).dump(), token, jsonapi);
}

std::string created_id(Harness& h, const std::string& user, const std::string& service,
                       const std::string& permission = "") {
    ApiResponse response = create(h, user, service, permission);
    INFO(response.body);
    REQUIRE(response.status == 200);
    return Harness::body(response)["data"]["id"];
}

json bulk_body(const std::vector<std::string>& ids, const std::vector<std::string>& permissions = {}) {
    json data = json::array();
    for (size_t i = 0; i < ids.size(); ++i) {
        json item{{"id", ids[i]}, {"type", "service_authorization"}};
        if (i < permissions.size()) {
            item["attributes"] = {{"permission", permissions[i]}};
        }
        data.push_back(item);
    }
    return {{"data", data}};
}

std::string permission_of(Harness& h, const std::string& id) {
    return h.get("/service-authorizations/" + id)["data"]["attributes"]["permission"];
}

Compat with_switch(const std::string& key, const std::string& value) {
    Compat compat;
    set_compat(compat, key, value);
    return compat;
}

}  // namespace

TEST_CASE("POST /service-authorizations answers 200 with the recorded shape; its errors") {
    Harness h({}, limited_seed());
    const std::string eng = limited_user(h, "eng0@example.com");
    const std::string svc = service_id(h, 0);
    ApiResponse created = create(h, eng, svc);
    REQUIRE(created.status == 200);
    CHECK(created.content_type == jsonapi);
    CHECK(created.header("Fastly-RateLimit-Remaining") == "999");
    json body = Harness::body(created);
    const std::string id = body["data"]["id"];
    CHECK(id.size() == 22);
    CHECK(body == json{{"data",
                        {{"id", id},
                         {"type", "service_authorization"},
                         {"attributes",
                          {{"created_at", "2024-01-15T10:20:00Z"},
                           {"updated_at", "2024-01-15T10:20:00Z"},
                           {"deleted_at", nullptr},
                           {"permission", "full"}}},
                         {"relationships",
                          {{"service", {{"data", {{"id", svc}, {"type", "service"}}}}},
                           {"user", {{"data", {{"id", eng}, {"type", "user"}}}}}}}}}});
    CHECK(Harness::body(create(h, eng, service_id(h, 1), "purge_select"))["data"]["attributes"]["permission"] ==
          "purge_select");

    ApiResponse again = create(h, eng, svc, "read_only");
    CHECK(again.status == 400);
    CHECK(Harness::body(again) == json{{"msg", "Record invalid"}, {"detail", "Service has already been taken"}});
    ApiResponse bad = create(h, eng, service_id(h, 2), "admin");
    CHECK(bad.status == 400);
    CHECK(Harness::body(bad) ==
          json{{"msg", "Bad request"},
               {"detail", "Permission 'admin' is not one of full, read_only, purge_select, purge_all"}});
    ApiResponse no_user = create(h, "ghost", svc);
    CHECK(no_user.status == 404);
    CHECK(Harness::body(no_user) == json{{"msg", "Record not found"}, {"detail", "Cannot find user 'ghost'"}});
    ApiResponse no_service = create(h, eng, "nosvc");
    CHECK(no_service.status == 404);
    CHECK(Harness::body(no_service)["detail"] == "Cannot find service 'nosvc'");
    json missing = create_body(eng, svc);
    missing["data"]["relationships"].erase("user");
    ApiResponse incomplete = h.call("POST", "/service-authorizations", missing.dump(), default_superuser_token,
                                    jsonapi);
    CHECK(incomplete.status == 400);
    CHECK(Harness::body(incomplete)["detail"] == "data.relationships.user.data.id is required");
    json wrong_type = create_body(eng, svc);
    wrong_type["data"]["type"] = "invitation";
    CHECK(h.call("POST", "/service-authorizations", wrong_type.dump(), default_superuser_token, jsonapi).status == 400);
    CHECK(h.call("POST", "/service-authorizations", "{", default_superuser_token, jsonapi).status == 400);
    ApiResponse forbidden = create(h, eng, service_id(h, 3), "", "eng-token");
    CHECK(forbidden.status == 403);
    CHECK(h.get("/service-authorizations")["meta"]["record_count"] == 2);  // no error changed anything
}

TEST_CASE("GET /service-authorizations pages with page[number] and page[size] (default 20) as recorded") {
    Harness h({}, limited_seed());
    for (int u = 0; u < 5; ++u) {
        for (size_t s = 0; s < 5; ++s) {
            created_id(h, limited_user(h, "eng" + std::to_string(u) + "@example.com"), service_id(h, s));
        }
    }
    ApiResponse first = h.call("GET", "/service-authorizations", "", "eng-token");  // any user may read
    REQUIRE(first.status == 200);
    CHECK(first.content_type == jsonapi);
    json page = Harness::body(first);
    CHECK(page["data"].size() == 20);
    CHECK(page["meta"] == json{{"current_page", 1}, {"per_page", 20}, {"record_count", 25}, {"total_pages", 2}});
    CHECK(page["links"]["next"] == "http://emulator.test/service-authorizations?page%5Bnumber%5D=2&page%5Bsize%5D=20");
    json second = h.get("/service-authorizations?page[number]=2");
    CHECK(second["data"].size() == 5);
    CHECK(second["data"][0]["type"] == "service_authorization");
    json sized = h.get("/service-authorizations?page%5Bsize%5D=10&page%5Bnumber%5D=3");
    CHECK(sized["data"].size() == 5);
    CHECK(sized["meta"]["total_pages"] == 3);
    CHECK(h.call("GET", "/service-authorizations?page[size]=0").status == 400);

    Compat capped;
    capped.page_size_max = 7;
    h.emulator.set_compat(capped);
    CHECK(h.call("GET", "/service-authorizations?page[size]=8").status == 400);
    capped.page_size_over = Compat::PageSizeOver::clamp;
    h.emulator.set_compat(capped);
    CHECK(h.get("/service-authorizations?page[size]=100")["meta"]["per_page"] == 7);
}

TEST_CASE("GET, PATCH and DELETE /service-authorizations/{id}: 200, 200, 204; a missing one is the recorded 404") {
    Harness h({}, limited_seed());
    const std::string id = created_id(h, limited_user(h, "eng0@example.com"), service_id(h, 0));
    CHECK(h.get("/service-authorizations/" + id)["data"]["id"] == id);

    h.emulator.with_store([](Store& s) {
        s.wall_clock = [] { return testing::pinned_time + 60; };
        return 0;
    });
    json patch{
        {"data", {{"type", "service_authorization"}, {"id", id}, {"attributes", {{"permission", "purge_all"}}}}}};
    // fastly-js sends this one as application/json, go-fastly as application/vnd.api+json.
    ApiResponse patched = h.call("PATCH", "/service-authorizations/" + id, patch.dump(), default_superuser_token,
                                 "application/json");
    REQUIRE(patched.status == 200);
    CHECK(patched.content_type == jsonapi);
    json attributes = Harness::body(patched)["data"]["attributes"];
    CHECK(attributes["permission"] == "purge_all");
    CHECK(attributes["created_at"] == "2024-01-15T10:20:00Z");
    CHECK(attributes["updated_at"] == "2024-01-15T10:21:00Z");
    patch["data"]["attributes"]["permission"] = "everything";
    CHECK(h.call("PATCH", "/service-authorizations/" + id, patch.dump(), default_superuser_token, jsonapi).status ==
          400);
    patch["data"]["attributes"]["permission"] = "read_only";
    patch["data"]["id"] = "another";
    CHECK(h.call("PATCH", "/service-authorizations/" + id, patch.dump(), default_superuser_token, jsonapi).status ==
          400);
    CHECK(permission_of(h, id) == "purge_all");
    CHECK(h.call("PATCH", "/service-authorizations/" + id, patch.dump(), "eng-token", jsonapi).status == 403);
    CHECK(h.call("DELETE", "/service-authorizations/" + id, "", "eng-token").status == 403);

    ApiResponse deleted = h.call("DELETE", "/service-authorizations/" + id);
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());
    for (const char* method : {"GET", "PATCH", "DELETE"}) {
        CAPTURE(method);
        ApiResponse missing = h.call(method, "/service-authorizations/" + id, "", default_superuser_token, jsonapi);
        CHECK(missing.status == 404);
        CHECK(missing.content_type == "application/json");
        CHECK(Harness::body(missing) ==
              json{{"msg", "Record not found"}, {"detail", "Cannot find serviceauthorization '" + id + "'"}});
    }
    CHECK_FALSE(h.call("DELETE", "/service-authorizations/" + id).header("Fastly-RateLimit-Reset").empty());
}

TEST_CASE("bulk PATCH /service-authorizations (ext=bulk): 200 with the updated records, all or nothing") {
    Harness h({}, limited_seed());
    const std::string eng = limited_user(h, "eng0@example.com");
    const std::string a = created_id(h, eng, service_id(h, 0));
    const std::string b = created_id(h, eng, service_id(h, 1), "read_only");

    ApiResponse updated = h.call("PATCH", "/service-authorizations",
                                 bulk_body({a, b}, {"purge_select", "purge_all"}).dump(), default_superuser_token,
                                 bulk);
    REQUIRE(updated.status == 200);
    CHECK(updated.content_type == bulk);
    json data = Harness::body(updated)["data"];
    REQUIRE(data.size() == 2);
    CHECK(data[0]["id"] == a);
    CHECK(data[0]["attributes"]["permission"] == "purge_select");
    CHECK(data[1]["attributes"]["permission"] == "purge_all");
    CHECK(data[1]["relationships"]["user"]["data"]["id"] == eng);

    ApiResponse missing = h.call("PATCH", "/service-authorizations", bulk_body({a, "ghost"}, {"full", "full"}).dump(),
                                 default_superuser_token, bulk);
    CHECK(missing.status == 404);
    CHECK(Harness::body(missing)["detail"] == "Cannot find serviceauthorization 'ghost'");
    ApiResponse invalid = h.call("PATCH", "/service-authorizations", bulk_body({a, b}, {"full", "root"}).dump(),
                                 default_superuser_token, bulk);
    CHECK(invalid.status == 400);
    ApiResponse no_permission = h.call("PATCH", "/service-authorizations", bulk_body({a, b}, {"full"}).dump(),
                                       default_superuser_token, bulk);
    CHECK(no_permission.status == 400);
    CHECK(Harness::body(no_permission)["detail"] == "data[1].attributes.permission is required");
    CHECK(h.call("PATCH", "/service-authorizations", bulk_body({a, a}, {"full", "full"}).dump(),
                 default_superuser_token, bulk)
              .status == 400);
    CHECK(permission_of(h, a) == "purge_select");  // nothing changed by the refused ones
    CHECK(permission_of(h, b) == "purge_all");

    ApiResponse plain = h.call("PATCH", "/service-authorizations", bulk_body({a}, {"full"}).dump(),
                               default_superuser_token, jsonapi);
    CHECK(plain.status == 415);
    CHECK(Harness::body(plain)["detail"] ==
          "a change of several service authorizations needs Content-Type: application/vnd.api+json; ext=bulk");
    CHECK(h.call("PATCH", "/service-authorizations", bulk_body({a}, {"full"}).dump(), "eng-token", bulk).status == 403);
    CHECK(h.call("PATCH", "/service-authorizations", R"({"data":{}})", default_superuser_token, bulk).status == 400);
    CHECK(permission_of(h, a) == "purge_select");
}

TEST_CASE("bulk DELETE /service-authorizations (ext=bulk): 200 {data: []}, all or nothing; the compat answers") {
    Harness h({}, limited_seed());
    const std::string eng = limited_user(h, "eng0@example.com");
    std::vector<std::string> ids;
    for (size_t s = 0; s < 5; ++s) {
        ids.push_back(created_id(h, eng, service_id(h, s)));
    }
    ApiResponse missing = h.call("DELETE", "/service-authorizations", bulk_body({ids[0], "ghost"}).dump(),
                                 default_superuser_token, bulk);
    CHECK(missing.status == 404);
    CHECK(h.call("DELETE", "/service-authorizations", bulk_body({ids[0]}).dump(), default_superuser_token, jsonapi)
              .status == 415);
    CHECK(h.get("/service-authorizations")["meta"]["record_count"] == 5);

    ApiResponse deleted = h.call("DELETE", "/service-authorizations", bulk_body({ids[0], ids[1]}).dump(),
                                 default_superuser_token, bulk);
    CHECK(deleted.status == 200);
    CHECK(deleted.content_type == bulk);
    CHECK(Harness::body(deleted) == json{{"data", json::array()}});
    CHECK(h.get("/service-authorizations")["meta"]["record_count"] == 3);
    CHECK(h.call("GET", "/service-authorizations/" + ids[0]).status == 404);

    h.emulator.set_compat(with_switch("service_auth_bulk_delete", "deleted"));
    json echoed = Harness::body(
        h.call("DELETE", "/service-authorizations", bulk_body({ids[2]}).dump(), default_superuser_token, bulk));
    REQUIRE(echoed["data"].size() == 1);
    CHECK(echoed["data"][0]["id"] == ids[2]);
    CHECK(echoed["data"][0]["attributes"]["deleted_at"] == "2024-01-15T10:20:00Z");
    h.emulator.set_compat(with_switch("service_auth_bulk_delete", "no_content"));
    ApiResponse empty = h.call("DELETE", "/service-authorizations", bulk_body({ids[3]}).dump(), default_superuser_token,
                               bulk);
    CHECK(empty.status == 204);
    CHECK(empty.body.empty());
    CHECK(h.get("/service-authorizations")["data"][0]["id"] == ids[4]);
}

TEST_CASE("service-authorization writes count against the rate limit, and faults reach them") {
    EmulatorOptions options;
    options.rate_limit = 2;
    Harness h(options, limited_seed());
    const std::string eng = limited_user(h, "eng0@example.com");
    const std::string id = created_id(h, eng, service_id(h, 0));
    CHECK(h.call("DELETE", "/service-authorizations", bulk_body({id}).dump(), default_superuser_token, bulk).status ==
          200);
    ApiResponse limited = create(h, eng, service_id(h, 1));
    CHECK(limited.status == 429);
    CHECK(limited.header("Fastly-RateLimit-Remaining") == "0");
    CHECK(h.get("/service-authorizations")["data"].empty());

    REQUIRE(h.call("PUT", "/_emulator/faults", R"({"error_rate": 1.0})", "").status == 200);
    CHECK(h.call("GET", "/service-authorizations").status >= 500);
    json stats = Harness::body(h.call("GET", "/_emulator/stats", "", ""));
    CHECK(stats["requests"]["POST /service-authorizations"] == 2);
}

TEST_CASE("a user's authorizations go with the user") {
    Harness h({}, limited_seed());
    const std::string eng = limited_user(h, "eng1@example.com");
    const std::string kept = created_id(h, limited_user(h, "eng2@example.com"), service_id(h, 0));
    const std::string gone = created_id(h, eng, service_id(h, 0));
    created_id(h, eng, service_id(h, 1));
    REQUIRE(h.call("DELETE", "/user/" + eng).status == 200);
    json list = h.get("/service-authorizations");
    REQUIRE(list["data"].size() == 1);
    CHECK(list["data"][0]["id"] == kept);
    CHECK(h.call("GET", "/service-authorizations/" + gone).status == 404);
}

TEST_CASE("an accepted invitation's service_invitations become the new user's authorizations") {
    Harness h({}, limited_seed());
    const std::string svc0 = service_id(h, 0);
    const std::string svc1 = service_id(h, 1);
    auto grant = [](const std::string& service, const std::string& permission) {
        return json{{"type", "service_invitation"},
                    {"attributes", {{"permission", permission}}},
                    {"relationships", {{"service", {{"data", {{"type", "service"}, {"id", service}}}}}}}};
    };
    auto invite = [&](const std::string& email, json grants) {
        json body{{"data",
                   {{"type", "invitation"},
                    {"attributes", {{"email", email}, {"role", "engineer"}, {"limit_services", true}}},
                    {"relationships", {{"service_invitations", {{"data", grants}}}}}}}};
        return h.call("POST", "/invitations", body.dump(), default_superuser_token, jsonapi);
    };
    // POST /invitations checks the grants: the permission, the service, a service twice.
    ApiResponse bad = invite("x@example.com", json::array({grant(svc0, "root")}));
    CHECK(bad.status == 400);
    CHECK(Harness::body(bad)["detail"] == "Permission 'root' is not one of full, read_only, purge_select, purge_all");
    CHECK(invite("x@example.com", json::array({grant("nosvc", "full")})).status == 404);
    CHECK(invite("x@example.com", json::array({grant(svc0, "full"), grant(svc0, "read_only")})).status == 400);

    ApiResponse invited = invite("lim@example.com", json::array({grant(svc0, "purge_all"), grant(svc1, "read_only")}));
    REQUIRE(invited.status == 200);
    const std::string invitation = Harness::body(invited)["data"]["id"];
    ApiResponse accepted = h.call("POST", "/_emulator/invitations/" + invitation + "/accept", "", "");
    REQUIRE(accepted.status == 200);
    const std::string user = Harness::body(accepted)["id"];
    CHECK(Harness::body(accepted)["limit_services"] == true);
    json data = h.get("/service-authorizations")["data"];
    REQUIRE(data.size() == 2);
    CHECK(data[0]["relationships"]["user"]["data"]["id"] == user);
    CHECK(data[0]["relationships"]["service"]["data"]["id"] == svc0);
    CHECK(data[0]["attributes"]["permission"] == "purge_all");
    CHECK(data[1]["relationships"]["service"]["data"]["id"] == svc1);
    CHECK(data[1]["attributes"]["permission"] == "read_only");
}

TEST_CASE("the service-limited role rule: role user is never service limited") {
    Harness h({}, limited_seed());
    const std::string eng = limited_user(h, "eng3@example.com");  // limited, with no authorization at all
    const json refused{{"msg", "Record invalid"}, {"detail", "Role 'user' is not allowed to be service limited"}};
    ApiResponse to_user = h.call("PUT", "/user/" + eng, "role=user");
    CHECK(to_user.status == 400);
    CHECK(Harness::body(to_user) == refused);
    CHECK(h.get("/user/" + eng)["role"] == "engineer");
    // Clearing the limit in the same request is allowed.
    ApiResponse both = h.call("PUT", "/user/" + eng, "role=user&limit_services=false");
    CHECK(both.status == 200);
    CHECK(Harness::body(both)["role"] == "user");
    ApiResponse limit = h.call("PUT", "/user/" + eng, R"({"limit_services": true})");
    CHECK(limit.status == 400);
    CHECK(Harness::body(limit) == refused);
    CHECK(Harness::body(h.call("POST", "/user", "login=n@example.com&name=N&limit_services=true")) == refused);
    json invitation{{"data",
                     {{"type", "invitation"},
                      {"attributes", {{"email", "i@example.com"}, {"role", "user"}, {"limit_services", true}}}}}};
    ApiResponse invited = h.call("POST", "/invitations", invitation.dump(), default_superuser_token, jsonapi);
    CHECK(invited.status == 400);
    CHECK(Harness::body(invited) == refused);
}

TEST_CASE("service authorizations in the state: a user's services, the top-level list, a round trip") {
    json seed = limited_seed();
    seed["users"][1]["services"] = {{"svc0.example.com", "read_only"}, {"svc1.example.com", "full"}};
    seed["service_authorizations"] = json::array({{{"id", "SA000000000000000000ab"},
                                                   {"user", "eng2@example.com"},
                                                   {"service", "svc4.example.com"},
                                                   {"permission", "purge_select"},
                                                   {"created_at", "2023-05-01T00:00:00Z"}}});
    Harness h({}, seed);
    json list = h.get("/service-authorizations");
    REQUIRE(list["data"].size() == 3);
    CHECK(list["data"][0]["attributes"]["permission"] == "read_only");
    CHECK(list["data"][0]["relationships"]["service"]["data"]["id"] == service_id(h, 0));
    json listed = h.get("/service-authorizations/SA000000000000000000ab")["data"];
    CHECK(listed["attributes"]["created_at"] == "2023-05-01T00:00:00Z");
    CHECK(listed["relationships"]["user"]["data"]["id"] == limited_user(h, "eng2@example.com"));

    json dumped = h.emulator.dump();
    CHECK(dumped["service_authorizations"].size() == 3);
    Harness again({}, dumped);
    CHECK(again.emulator.dump() == dumped);

    struct Case {
        json authorizations;
        std::string message;
    };
    const std::vector<Case> cases{
        {{{"user", "ghost@example.com"}, {"service", "svc0.example.com"}},
         R"(service_authorizations[0].user: unknown user "ghost@example.com")"},
        {{{"user", "eng0@example.com"}, {"service", "nosvc"}},
         R"(service_authorizations[0].service: unknown service "nosvc")"},
        {{{"user", "eng0@example.com"}, {"service", "svc0.example.com"}, {"permission", "root"}},
         R"(service_authorizations[0].permission: "root" is not one of full, read_only, purge_select, purge_all)"},
        {{{"user", "eng0@example.com"}, {"service", "svc0.example.com"}, {"level", "full"}},
         "service_authorizations[0].level: unknown field"},
    };
    for (const Case& c : cases) {
        json bad = limited_seed();
        bad["service_authorizations"] = json::array({c.authorizations});
        CAPTURE(c.message);
        CHECK_THROWS_WITH_AS(Harness({}, bad), c.message.c_str(), StateError);
    }
    json twice = limited_seed();
    twice["users"][1]["services"] = {{"svc0.example.com", "full"}};
    twice["service_authorizations"] = json::array({{{"user", "eng0@example.com"}, {"service", "svc0.example.com"}}});
    std::string message;
    try {
        Harness loaded({}, twice);
    } catch (const StateError& error) {
        message = error.what();
    }
    CHECK(message.rfind("service_authorizations[0]: the user already has an authorization for service \"", 0) == 0);
    json bad_user = limited_seed();
    bad_user["users"][1]["services"] = {{"svc0.example.com", "root"}};
    CHECK_THROWS_WITH_AS(
        Harness({}, bad_user),
        R"(users[1].services.svc0.example.com: "root" is not one of full, read_only, purge_select, purge_all)",
        StateError);
    bad_user["users"][1]["services"] = {{"nosvc", "full"}};
    CHECK_THROWS_WITH_AS(Harness({}, bad_user), R"(users[1].services.nosvc: unknown service "nosvc")", StateError);
}
