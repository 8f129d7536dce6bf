#include <doctest/doctest.h>

#include "harness.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

json invitation_body(const std::string& email, const std::string& role = "", json roles = nullptr) {
    json attributes{{"email", email}};
    if (!role.empty()) {
        attributes["role"] = role;
    }
    if (!roles.is_null()) {
        attributes["roles"] = roles;
    }
    return {{"data", {{"type", "invitation"}, {"attributes", attributes}}}};
}

json engineer_seed() {
    return json::parse(R"({
      "users": [{"login": "owner@example.com", "role": "superuser"},
                {"login": "eng@example.com", "role": "engineer"},
                {"login": "bill@example.com", "role": "billing"}],
      "tokens": {"eng-token": "eng@example.com", "bill-token": "bill@example.com"}
    })");
}

}  // namespace

TEST_CASE("POST /invitations answers 200 with a JSON:API resource; errors are classic unless switched") {
    Harness h;
    ApiResponse created = h.call("POST", "/invitations", invitation_body("thelma@example.com", "engineer").dump(),
                                 default_superuser_token, "application/vnd.api+json");
    REQUIRE(created.status == 200);
    CHECK(created.content_type == "application/vnd.api+json");
    json data = Harness::body(created)["data"];
    CHECK(data["type"] == "invitation");
    CHECK(data["attributes"]["email"] == "thelma@example.com");
    CHECK(data["attributes"]["role"] == "engineer");
    CHECK(data["attributes"]["status_code"] == 1);
    CHECK(data["attributes"]["created_at"] == "2024-01-15T10:20:00Z");
    CHECK(data["attributes"]["deleted_at"].is_null());
    CHECK(data["relationships"]["customer"]["data"]["type"] == "customer");
    CHECK(created.header("Fastly-RateLimit-Remaining") == "999");

    ApiResponse again = h.call("POST", "/invitations", invitation_body("Thelma@example.com").dump());
    CHECK(again.status == 409);
    // The only recorded error of a JSON:API endpoint is classic
    // (real-api-evidence-2026-12.md, outside this repository: section 1, row 6).
    CHECK(Harness::body(again) ==
          json{{"msg", "Duplicate record"}, {"detail", "'Thelma@example.com' already has a pending invitation"}});
    CHECK(again.header("Fastly-RateLimit-Remaining") == "998");
    Compat jsonapi_errors;
    jsonapi_errors.error_bodies = Compat::ErrorBodies::jsonapi;
    h.emulator.set_compat(jsonapi_errors);
    again = h.call("POST", "/invitations", invitation_body("Thelma@example.com").dump());
    CHECK(again.content_type == "application/vnd.api+json");
    CHECK(Harness::body(again) == json{{"errors",
                                        {{{"title", "Duplicate record"},
                                          {"detail", "'Thelma@example.com' already has a pending invitation"},
                                          {"status", "409"}}}}});
    h.emulator.set_compat({});
    CHECK(h.call("POST", "/invitations", invitation_body("owner@example.com").dump()).status == 409);
    CHECK(h.call("POST", "/invitations", invitation_body("bad-email").dump()).status == 400);
    CHECK(h.call("POST", "/invitations", invitation_body("x@example.com", "root").dump()).status == 400);
    CHECK(h.call("POST", "/invitations", invitation_body("x@example.com", "", json::array({"bad"})).dump()).status ==
          400);

    std::string id = data["id"];
    ApiResponse deleted = h.call("DELETE", "/invitations/" + id);
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());
    ApiResponse missing = h.call("DELETE", "/invitations/" + id);
    CHECK(missing.status == 404);
    CHECK(Harness::body(missing) ==
          json{{"msg", "Record not found"}, {"detail", "Cannot find invitation '" + id + "'"}});
    CHECK_FALSE(missing.header("Fastly-RateLimit-Reset").empty());  // failed writes carry them too [REC]
}

TEST_CASE("GET /invitations pages with page[number]/page[size] and absolute links") {
    Harness h;
    for (int i = 0; i < 5; ++i) {
        h.send_json("POST", "/invitations", invitation_body("u" + std::to_string(i) + "@example.com"), 200);
    }
    json single = h.get("/invitations");
    CHECK(single["data"].size() == 5);
    CHECK(single["links"] == json{{"last", "http://emulator.test/invitations?page%5Bnumber%5D=1&page%5Bsize%5D=20"}});
    CHECK(single["meta"] == json{{"current_page", 1}, {"per_page", 20}, {"record_count", 5}, {"total_pages", 1}});

    json middle = h.get("/invitations?page%5Bnumber%5D=2&page%5Bsize%5D=2");
    CHECK(middle["data"].size() == 2);
    CHECK(middle["data"][0]["attributes"]["email"] == "u2@example.com");
    CHECK(middle["links"]["first"] == "http://emulator.test/invitations?page%5Bnumber%5D=1&page%5Bsize%5D=2");
    CHECK(middle["links"]["prev"] == "http://emulator.test/invitations?page%5Bnumber%5D=1&page%5Bsize%5D=2");
    CHECK(middle["links"]["next"] == "http://emulator.test/invitations?page%5Bnumber%5D=3&page%5Bsize%5D=2");
    CHECK(middle["links"]["last"] == "http://emulator.test/invitations?page%5Bnumber%5D=3&page%5Bsize%5D=2");
    CHECK(middle["meta"]["total_pages"] == 3);
    ApiResponse bad = h.call("GET", "/invitations?page[size]=0");
    CHECK(bad.status == 400);
    CHECK(Harness::body(bad)["msg"] == "Bad request");
}

TEST_CASE("engineers may invite user and engineer roles only; other roles may not invite") {
    Harness h({}, engineer_seed());
    CHECK(h.call("POST", "/invitations", invitation_body("a@example.com", "engineer").dump(), "eng-token").status ==
          200);
    CHECK(h.call("POST", "/invitations", invitation_body("b@example.com").dump(), "eng-token").status == 200);
    CHECK(h.call("POST", "/invitations", invitation_body("c@example.com", "superuser").dump(), "eng-token").status ==
          403);
    CHECK(h.call("POST", "/invitations",
                 invitation_body("d@example.com", "user", json::array({h.role_id("user")})).dump(), "eng-token")
              .status == 403);
    CHECK(h.call("POST", "/invitations", invitation_body("e@example.com").dump(), "bill-token").status == 403);
    std::string id = h.get("/invitations")["data"][0]["id"];
    CHECK(h.call("DELETE", "/invitations/" + id, "", "eng-token").status == 403);
}

TEST_CASE("accepting an invitation creates the user and moves its group memberships") {
    Harness h;
    std::string role = h.role_id("engineer");
    json inv = h.send_json("POST", "/invitations",
                           invitation_body("carol@example.com", "engineer", json::array({role})), 200);
    std::string inv_id = inv["data"]["id"];
    std::string group = h.send_json("POST", "/user-groups", {{"name", "SRE"}}, 201)["id"];
    h.send_json("POST", "/user-groups/" + group + "/members",
                {{"members", {{{"id", inv_id}, {"object", "invitation"}}}}}, 201);

    ApiResponse accepted = h.call("POST", "/_emulator/invitations/" + inv_id + "/accept", "", "");
    REQUIRE(accepted.status == 200);
    json user = Harness::body(accepted);
    CHECK(user["login"] == "carol@example.com");
    CHECK(user["role"] == "engineer");
    CHECK(user["roles"] == json::array({role}));
    json members = h.get("/user-groups/" + group + "/members")["data"];
    REQUIRE(members.size() == 1);
    CHECK(members[0]["object"] == "user");
    CHECK(members[0]["id"] == user["id"]);
    CHECK(h.get("/invitations")["data"].empty());
    CHECK(h.call("POST", "/_emulator/invitations/" + inv_id + "/accept", "", "").status == 404);
}

TEST_CASE("invitations expire after seven days on the emulator clock") {
    Harness h;
    std::string id = h.send_json("POST", "/invitations", invitation_body("late@example.com"), 200)["data"]["id"];
    ApiResponse clock = h.call("POST", "/_emulator/clock", R"({"advance_seconds": 604799})", "");
    CHECK(clock.status == 200);
    CHECK(Harness::body(clock)["offset_seconds"] == 604799);
    CHECK(h.get("/invitations")["data"][0]["attributes"]["status_code"] == 1);
    h.call("POST", "/_emulator/clock", R"({"advance_seconds": 1})", "");
    CHECK(h.get("/invitations")["data"][0]["attributes"]["status_code"] == 0);
    ApiResponse accept = h.call("POST", "/_emulator/invitations/" + id + "/accept", "", "");
    CHECK(accept.status == 400);
    CHECK(Harness::body(accept)["detail"] == "Invitation '" + id + "' has expired");
    // An expired invitation no longer blocks a new one for the same email.
    CHECK(h.call("POST", "/invitations", invitation_body("late@example.com").dump()).status == 200);
}
