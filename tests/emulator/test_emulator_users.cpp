#include <doctest/doctest.h>

#include "harness.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

json team_seed() {
    return json::parse(R"({
      "users": [
        {"login": "owner@example.com", "name": "Owner", "role": "superuser"},
        {"login": "eng@example.com", "name": "Eng", "role": "engineer"},
        {"login": "viewer@example.com", "name": "Viewer", "role": "user"}
      ],
      "tokens": {"eng-token": "eng@example.com", "viewer-token": "viewer@example.com"}
    })");
}

std::string user_id(Harness& h, const std::string& login) {
    return h.emulator.with_store([&](Store& store) { return store.user_by_login(login)->id; });
}

}  // namespace

TEST_CASE("a missing or unknown Fastly-Key is answered 401 with the credentials message") {
    Harness h;
    for (const std::string token : {"", "wrong-token"}) {
        ApiResponse response = h.call("GET", "/current_user", "", token);
        CHECK(response.status == 401);
        CHECK(Harness::body(response) == json{{"msg", "Provided credentials are missing or invalid"}});
    }
}

TEST_CASE("customer endpoints: current customer, users as a bare array, update and 404") {
    Harness h;
    json customer = h.get("/current_customer");
    std::string id = customer["id"];
    CHECK(customer["owner_id"] == h.get("/current_user")["id"]);
    CHECK(customer["deleted_at"].is_null());
    CHECK(h.get("/customer/" + id) == customer);

    json users = h.get("/customer/" + id + "/users");
    REQUIRE(users.is_array());
    CHECK(users.size() == 1);
    CHECK(users[0]["login"] == "owner@example.com");

    ApiResponse updated = h.call("PUT", "/customer/" + id, "name=Acme+Inc&force_sso=true&unknown_field=1");
    CHECK(updated.status == 200);
    CHECK(Harness::body(updated)["name"] == "Acme Inc");
    CHECK(Harness::body(updated)["force_sso"] == true);
    CHECK(updated.header("Fastly-RateLimit-Remaining") == "999");

    ApiResponse missing = h.call("GET", "/customer/0000000000000000000000");
    CHECK(missing.status == 404);
    CHECK(Harness::body(missing)["msg"] == "Record not found");
}

TEST_CASE("POST /user creates with 200 and the recorded user shape; validation errors match the API") {
    Harness h;
    std::string engineer_role = h.role_id("engineer");
    ApiResponse created = h.call(
        "POST", "/user",
        "login=go-fastly-test%2Buser%40example.com&name=test+user&role=engineer&roles%5B%5D=" + engineer_role);
    REQUIRE(created.status == 200);
    json user = Harness::body(created);
    CHECK(user["login"] == "go-fastly-test+user@example.com");
    CHECK(user["name"] == "test user");
    CHECK(user["role"] == "engineer");
    CHECK(user["roles"] == json::array({engineer_role}));
    CHECK(user["locked"].is_null());
    CHECK(user["require_new_password"].is_null());
    CHECK(user["limit_services"] == false);
    CHECK(user["created_at"] == "2024-01-15T10:20:00Z");
    CHECK(user["id"].get<std::string>().size() == 22);

    struct Case {
        std::string body;
        int status;
        json expected;
    };
    const Case cases[] = {
        {"login=GO-FASTLY-TEST%2Buser%40example.com&name=x",
         409,
         {{"msg", "Duplicate record"}, {"detail", "Duplicate user: 'GO-FASTLY-TEST+user@example.com'"}}},
        {"login=not-an-email&name=x",
         400,
         {{"msg", "Bad request"}, {"detail", "Login 'not-an-email' is not a valid email address"}}},
        {"login=b%40example.com&name=x&role=admin",
         400,
         {{"msg", "Bad request"},
          {"detail",
           "Role 'admin' is not valid; valid roles are user, billing, engineer, superuser, tls_viewer, "
           "tls_admin"}}},
        {"login=b%40example.com&name=x&roles=Engineer",
         400,
         {{"msg", "Bad request"}, {"detail", "Role 'Engineer' is not a role ID of this customer"}}},
        {"login=b%40example.com&name=x&limit_services=maybe",
         400,
         {{"msg", "Bad request"}, {"detail", "limit_services must be true or false, not 'maybe'"}}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.body);
        ApiResponse response = h.call("POST", "/user", c.body);
        CHECK(response.status == c.status);
        CHECK(Harness::body(response) == c.expected);
    }
}

TEST_CASE("roles may be sent as roles, roles[], repeated keys or comma-separated values") {
    Harness h;
    std::string a = h.role_id("engineer");
    std::string b = h.role_id("tls_viewer");
    const std::string bodies[] = {
        "roles=" + a + "%2C" + b,
        "roles%5B%5D=" + a + "%2C" + b,
        "roles=" + a + "&roles=" + b,
        "roles[]=" + a + "&roles[]=" + b,
        "{\"roles\":[\"" + a + "\",\"" + b + "\"]}",
    };
    // Not the owner: a superuser's roles may hold only Superuser and the Security roles.
    std::string id = h.send_json("POST", "/user", {{"login", "eng@example.com"}, {"name", "Eng"}, {"role", "engineer"}},
                                 200)["id"];
    for (const std::string& body : bodies) {
        CAPTURE(body);
        h.call("PUT", "/user/" + id, "roles=");
        ApiResponse response = h.call("PUT", "/user/" + id, body);
        REQUIRE(response.status == 200);
        CHECK(Harness::body(response)["roles"] == json::array({a, b}));
    }
}

TEST_CASE("authorisation: only superusers change others; everyone may edit their own profile") {
    Harness h({}, team_seed());
    std::string eng = user_id(h, "eng@example.com");
    std::string viewer = user_id(h, "viewer@example.com");

    ApiResponse other = h.call("PUT", "/user/" + viewer, "name=Hacked", "eng-token");
    CHECK(other.status == 403);
    CHECK(Harness::body(other)["msg"] == "Forbidden");
    CHECK(h.call("DELETE", "/user/" + viewer, "", "eng-token").status == 403);
    CHECK(h.call("POST", "/user", "login=x%40example.com&name=x", "eng-token").status == 403);
    CHECK(h.send_json("POST", "/user-groups", {{"name", "G"}}, 403, "eng-token")["msg"] == "Forbidden");

    ApiResponse own = h.call("PUT", "/user/" + eng, "name=Engineer+Renamed", "eng-token");
    CHECK(own.status == 200);
    CHECK(Harness::body(own)["name"] == "Engineer Renamed");
    CHECK(h.call("PUT", "/user/" + eng, "role=superuser", "eng-token").status == 403);
    CHECK(h.call("PUT", "/user/" + eng, "role=engineer", "eng-token").status == 200);
    CHECK(h.call("GET", "/current_user", "", "viewer-token").status == 200);

    CHECK(h.call("PUT", "/user/" + viewer, "role=billing").status == 200);
    CHECK(h.get("/user/" + viewer)["role"] == "billing");
}

TEST_CASE("DELETE /user answers {status: ok}, removes memberships and tokens; the owner is protected") {
    Harness h({}, team_seed());
    std::string eng = user_id(h, "eng@example.com");
    json group = h.send_json("POST", "/user-groups", {{"name", "G"}}, 201);
    std::string gid = group["id"];
    h.send_json("POST", "/user-groups/" + gid + "/members", {{"members", {{{"id", eng}, {"object", "user"}}}}}, 201);

    ApiResponse deleted = h.call("DELETE", "/user/" + eng);
    CHECK(deleted.status == 200);
    CHECK(Harness::body(deleted) == json{{"status", "ok"}});
    CHECK(h.call("GET", "/user/" + eng).status == 404);
    CHECK(h.get("/user-groups/" + gid)["users_count"] == 0);
    CHECK(h.call("GET", "/current_user", "", "eng-token").status == 401);

    std::string owner = h.get("/current_user")["id"];
    CHECK(h.call("DELETE", "/user/" + owner).status == 400);
}

TEST_CASE("password reset takes the login from the path") {
    Harness h({}, team_seed());
    ApiResponse response = h.call("POST", "/user/eng%40example.com/password/request_reset");
    CHECK(response.status == 200);
    CHECK(Harness::body(response) == json{{"status", "ok"}});
    CHECK(h.call("POST", "/user/nobody%40example.com/password/request_reset").status == 404);
    CHECK(h.call("POST", "/user/viewer%40example.com/password/request_reset", "", "eng-token").status == 403);
}

TEST_CASE("GET /service lists services as a bare array") {
    Harness h;
    json services = h.get("/service");
    REQUIRE(services.is_array());
    CHECK(services.size() == 3);
    CHECK(services[0].contains("id"));
    CHECK(services[0]["name"] == "www.example.com");
}
