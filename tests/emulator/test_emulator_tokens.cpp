// API tokens as records (issue 15): the customer's list, revocation, expiry, last use, the seed forms,
// the control endpoint, and delete_user_with_tokens acting on them.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

json token_seed() {
    return json::parse(R"({
      "users": [{"login": "owner@example.com", "role": "superuser"},
                {"login": "eng@example.com", "role": "engineer"},
                {"login": "bot@example.com", "role": "engineer"}],
      "services": [{"id": "SVC0000000000000000001", "name": "www.example.com"}],
      "tokens": {
        "eng-secret": "eng@example.com",
        "bot-secret": {"user": "bot@example.com", "id": "TOK0000000000000000001", "name": "deploy bot",
                       "scope": "purge_select purge_all", "services": ["www.example.com"],
                       "created_at": "2023-01-01T00:00:00Z", "last_used_at": "2023-06-01T00:00:00Z",
                       "ip": "10.0.0.1", "user_agent": "ci/1.0"},
        "old-secret": {"user": "eng@example.com", "name": "expired", "expires_at": "2024-01-01T00:00:00Z"}
      }
    })");
}

std::string customer_id(Harness& h) {
    return h.emulator.with_store([](Store& s) { return s.customer.id; });
}

json tokens_of(Harness& h, const std::string& user_id) {
    json out = json::array();
    for (const json& token : h.get("/customer/" + customer_id(h) + "/tokens")) {
        if (token["user_id"] == user_id) {
            out.push_back(token);
        }
    }
    return out;
}

std::string id_of(Harness& h, const std::string& login) {
    return h.emulator.with_store([&](Store& s) { return s.user_by_login(login)->id; });
}

}  // namespace

TEST_CASE("GET /customer/{id}/tokens: the recorded entries, never a secret; superusers only") {
    Harness h({}, token_seed());
    const std::string customer = customer_id(h);
    ApiResponse listed = h.call("GET", "/customer/" + customer + "/tokens");
    REQUIRE(listed.status == 200);
    CHECK(listed.content_type == "application/json");
    for (const char* secret : {"eng-secret", "bot-secret", "old-secret", default_superuser_token}) {
        CHECK(listed.body.find(secret) == std::string::npos);
    }
    json tokens = Harness::body(listed);
    REQUIRE(tokens.size() == 4);
    // In the order of the seed's keys (JSON objects are sorted), then --token.
    const json& bot = tokens[0];
    CHECK(bot == json{{"id", "TOK0000000000000000001"},
                      {"user_id", id_of(h, "bot@example.com")},
                      {"customer_id", customer},
                      {"name", "deploy bot"},
                      {"last_used_at", "2023-06-01T00:00:00Z"},
                      {"created_at", "2023-01-01T00:00:00Z"},
                      {"expires_at", nullptr},
                      {"ip", "10.0.0.1"},
                      {"user_agent", "ci/1.0"},
                      {"sudo_expires_at", nullptr},
                      {"scopes", {"purge_select", "purge_all"}},
                      {"scope", "purge_select purge_all"},
                      {"services", {"SVC0000000000000000001"}},
                      {"service_id", "SVC0000000000000000001"}});
    const json& eng = tokens[1];  // the string form: defaults
    CHECK(eng["id"].get<std::string>().size() == 22);
    CHECK(eng["name"] == "emulator token");
    CHECK(eng["scope"] == "global");
    CHECK(eng["services"] == json::array());
    CHECK(eng["last_used_at"].is_null());
    CHECK(eng["created_at"] == "2024-01-15T10:20:00Z");
    CHECK(tokens[2]["expires_at"] == "2024-01-01T00:00:00Z");
    CHECK(tokens[3]["user_id"] == id_of(h, "owner@example.com"));  // --token, added last

    ApiResponse forbidden = h.call("GET", "/customer/" + customer + "/tokens", "", "eng-secret");
    CHECK(forbidden.status == 403);
    CHECK(Harness::body(forbidden)["msg"] == "Forbidden");
    ApiResponse other = h.call("GET", "/customer/nope/tokens");
    CHECK(other.status == 404);
    CHECK(Harness::body(other) == json{{"msg", "Record not found"}, {"detail", "Cannot find customer 'nope'"}});
}

TEST_CASE("a token's last use is stamped when it authenticates; /tokens/self is its record; expired ones get 401") {
    Harness h({}, token_seed());
    CHECK(tokens_of(h, id_of(h, "eng@example.com"))[0]["last_used_at"].is_null());
    h.emulator.with_store([](Store& s) {
        s.wall_clock = [] { return testing::pinned_time + 3600; };
        return 0;
    });
    ApiResponse self = h.call("GET", "/tokens/self", "", "eng-secret");
    REQUIRE(self.status == 200);
    json record = tokens_of(h, id_of(h, "eng@example.com"))[0];
    CHECK(record["last_used_at"] == "2024-01-15T11:20:00Z");
    CHECK(Harness::body(self) == record);
    CHECK(Harness::body(h.call("GET", "/verify", "", "eng-secret"))["token"]["id"] == record["id"]);

    ApiResponse expired = h.call("GET", "/current_user", "", "old-secret");
    CHECK(expired.status == 401);
    CHECK(Harness::body(expired)["msg"] == "Provided credentials are missing or invalid");
    CHECK(tokens_of(h, id_of(h, "eng@example.com"))[1]["last_used_at"].is_null());
    // The stamp is not state: a run that only reads leaves the dump as it was.
    CHECK(h.emulator.dump()["tokens"]["eng-secret"]["last_used_at"].is_null());
    CHECK(h.emulator.dump()["tokens"]["bot-secret"]["last_used_at"] == "2023-06-01T00:00:00Z");
}

TEST_CASE("DELETE /tokens/{id}: 204, then the token gets 401; a missing one is 404; others' need a superuser") {
    Harness h({}, token_seed());
    const std::string eng = id_of(h, "eng@example.com");
    const std::string eng_token = tokens_of(h, eng)[0]["id"];
    ApiResponse others = h.call("DELETE", "/tokens/TOK0000000000000000001", "", "eng-secret");
    CHECK(others.status == 403);
    CHECK_FALSE(others.header("Fastly-RateLimit-Remaining").empty());

    ApiResponse revoked = h.call("DELETE", "/tokens/TOK0000000000000000001");
    CHECK(revoked.status == 204);
    CHECK(revoked.body.empty());
    CHECK(h.call("GET", "/current_user", "", "bot-secret").status == 401);
    ApiResponse missing = h.call("DELETE", "/tokens/TOK0000000000000000001");
    CHECK(missing.status == 404);
    CHECK(Harness::body(missing) ==
          json{{"msg", "Record not found"}, {"detail", "Cannot find token 'TOK0000000000000000001'"}});

    CHECK(h.call("DELETE", "/tokens/" + eng_token, "", "eng-secret").status == 204);  // one's own
    CHECK(h.call("GET", "/current_user", "", "eng-secret").status == 401);
    CHECK(tokens_of(h, eng).size() == 1);  // the expired one is still listed
    CHECK_FALSE(h.emulator.dump()["tokens"].contains("eng-secret"));
}

TEST_CASE("POST /_emulator/tokens gives a user a token at run time") {
    Harness h({}, token_seed());
    ApiResponse added = h.call("POST", "/_emulator/tokens",
                               R"({"user": "eng@example.com", "name": "laptop", "secret": "new-secret"})", "");
    REQUIRE(added.status == 200);
    json record = Harness::body(added);
    CHECK(record["secret"] == "new-secret");
    CHECK(record["name"] == "laptop");
    CHECK(record["ip"] == "127.0.0.1");
    CHECK(record["last_used_at"].is_null());
    CHECK(Harness::body(h.call("GET", "/current_user", "", "new-secret"))["login"] == "eng@example.com");
    record.erase("secret");
    record["last_used_at"] = "2024-01-15T10:20:00Z";
    CHECK(tokens_of(h, id_of(h, "eng@example.com")).back() == record);

    json generated = Harness::body(h.call("POST", "/_emulator/tokens", R"({"user": "bot@example.com"})", ""));
    CHECK(generated["secret"].get<std::string>().size() == 44);
    CHECK(h.call("GET", "/current_user", "", generated["secret"].get<std::string>()).status == 200);

    ApiResponse duplicate = h.call("POST", "/_emulator/tokens",
                                   R"({"user": "bot@example.com", "secret": "eng-secret"})", "");
    CHECK(duplicate.status == 400);
    CHECK(Harness::body(duplicate)["detail"] == "secret: a token with this secret exists");
    CHECK(Harness::body(h.call("POST", "/_emulator/tokens", R"({"user": "ghost@example.com"})", ""))["detail"] ==
          R"(token: unknown user "ghost@example.com")");
    CHECK(Harness::body(h.call("POST", "/_emulator/tokens", R"({"name": "x"})", ""))["detail"] ==
          "user: required (a login or a user ID)");
    CHECK(Harness::body(
              h.call("POST", "/_emulator/tokens", R"({"user": "bot@example.com", "scope": "root"})", ""))["detail"] ==
          R"(token.scope: "root" is not made of global, global:read, purge_select, purge_all)");
}

TEST_CASE("the token seed forms: errors name the token, a dump loads back the same") {
    struct Case {
        const char* tokens;
        const char* message;
    };
    const std::vector<Case> cases{
        {R"({"t": {"user": "eng@example.com", "label": "x"}})", "tokens.t.label: unknown field"},
        {R"({"t": {"name": "x"}})", "tokens.t.user: required"},
        {R"({"t": {"user": "eng@example.com", "services": ["nosvc"]}})",
         R"(tokens.t.services: unknown service "nosvc")"},
        {R"({"t": {"user": "eng@example.com", "expires_at": "soon"}})",
         "tokens.t.expires_at: expected a timestamp like 2024-01-31T12:00:00Z"},
        {R"({"t": 5})", R"(tokens.t: expected a login or {"user": LOGIN, ...})"},
        {R"({"": "eng@example.com"})", "tokens: a token must not be empty"},
        {R"(["t"])", R"(tokens: expected an object mapping each token to a login or to {"user": LOGIN, ...})"},
    };
    for (const Case& c : cases) {
        json seed = token_seed();
        seed["tokens"] = json::parse(c.tokens);
        CAPTURE(c.tokens);
        CHECK_THROWS_WITH_AS(Harness({}, seed), c.message, StateError);
    }
    Harness h({}, token_seed());
    h.call("GET", "/current_user", "", "eng-secret");
    const json dumped = h.emulator.dump();
    CHECK(dumped["tokens"]["bot-secret"] == json{{"id", "TOK0000000000000000001"},
                                                 {"user", id_of(h, "bot@example.com")},
                                                 {"name", "deploy bot"},
                                                 {"scope", "purge_select purge_all"},
                                                 {"services", {"SVC0000000000000000001"}},
                                                 {"created_at", "2023-01-01T00:00:00Z"},
                                                 {"last_used_at", "2023-06-01T00:00:00Z"},
                                                 {"expires_at", nullptr},
                                                 {"ip", "10.0.0.1"},
                                                 {"user_agent", "ci/1.0"}});
    Harness again({}, dumped);
    CHECK(again.emulator.dump() == dumped);
}

TEST_CASE("delete_user_with_tokens acts on the records: cascade takes them, refuse waits for their revocation") {
    Harness h({}, token_seed());
    const std::string eng = id_of(h, "eng@example.com");
    const std::string bot = id_of(h, "bot@example.com");
    REQUIRE(tokens_of(h, eng).size() == 2);
    REQUIRE(h.call("DELETE", "/user/" + eng).status == 200);  // cascade, the default
    CHECK(tokens_of(h, eng).empty());
    CHECK(h.call("GET", "/current_user", "", "eng-secret").status == 401);

    Compat refuse;
    refuse.delete_user_with_tokens = Compat::DeleteUserWithTokens::refuse;
    h.emulator.set_compat(refuse);
    ApiResponse refused = h.call("DELETE", "/user/" + bot);
    CHECK(refused.status == 400);
    CHECK(Harness::body(refused) ==
          json{{"msg", "Bad request"},
               {"detail", "User 'bot@example.com' has API tokens; revoke them before deleting the user"}});
    CHECK(h.get("/user/" + bot)["login"] == "bot@example.com");
    REQUIRE(h.call("DELETE", "/tokens/TOK0000000000000000001").status == 204);
    CHECK(h.call("DELETE", "/user/" + bot).status == 200);
    CHECK(h.call("GET", "/user/" + bot).status == 404);
}
