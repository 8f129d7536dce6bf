// The audit log, recorded (over HTTP): each write's event with its actor, token, address, subject and
// {old, new}; what records nothing; the login and 2FA control endpoints.
#include <doctest/doctest.h>

#include "events_fixture.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Acme;
using fastly_emulator::testing::Answer;
using fastly_emulator::testing::EventsFixture;
using nlohmann::json;

namespace {

// The attributes every event of a request by the owner's token from loopback has, plus `fields`.
json by_owner(json fields) {
    json out{{"admin", false},           {"created_at", Acme::pinned_text}, {"customer_id", Acme::customer_id},
             {"ip", "127.0.0.1"},        {"service_id", nullptr},           {"token_id", Acme::owner_token_id},
             {"user_id", Acme::owner_id}};
    out.update(fields);
    return out;
}

json subject(const std::string& id, const std::string& login) {
    return {{"user_id", id}, {"login", login}};
}

json with(json base, const json& more) {
    base.update(more);
    return base;
}

json old_new(const json& before, const json& after) {
    return {{"old", before}, {"new", after}};
}

std::string new_user(EventsFixture& f, const std::string& body) {
    Answer created = f.call("POST", "/user", body);
    REQUIRE(created.status == 200);
    return created.body["id"];
}

}  // namespace

TEST_CASE(
    "user writes: user.create, user.update, user.lock, user.unlock and user.destroy with subject and {old, new}") {
    EventsFixture f;
    const std::string carol = new_user(f, "login=carol%40example.com&name=Carol&role=engineer");
    const json carol_is = subject(carol, "carol@example.com");
    json events = f.recorded_since(0);
    REQUIRE(events.size() == 1);
    CHECK(events[0] == by_owner({{"event_type", "user.create"},
                                 {"description", "User carol@example.com was created"},
                                 {"metadata", with(carol_is, {{"name", "Carol"},
                                                              {"role", "engineer"},
                                                              {"roles", json::array()},
                                                              {"limit_services", false}})}}));

    struct Case {
        const char* body;
        json expected;  // the events the PUT records, oldest first
    };
    const Case cases[] = {
        {"role=superuser",
         json::array({by_owner({{"event_type", "user.update"},
                                {"description", "User carol@example.com was updated"},
                                {"metadata", with(carol_is, {{"role", old_new("engineer", "superuser")}})}})})},
        {"locked=true", json::array({by_owner({{"event_type", "user.lock"},
                                               {"description", "User carol@example.com was locked"},
                                               {"metadata", with(carol_is, {{"locked", old_new(nullptr, true)}})}})})},
        // A lock change and another change: both events.
        {"locked=false&name=Caroline",
         json::array({by_owner({{"event_type", "user.unlock"},
                                {"description", "User carol@example.com was unlocked"},
                                {"metadata", with(carol_is, {{"locked", old_new(true, false)}})}}),
                      by_owner({{"event_type", "user.update"},
                                {"description", "User carol@example.com was updated"},
                                {"metadata", with(carol_is, {{"name", old_new("Carol", "Caroline")}})}})})},
        // Nothing changes: no event.
        {"name=Caroline&role=superuser", json::array()},
        {"require_new_password=false",
         json::array({by_owner({{"event_type", "user.update"},
                                {"description", "User carol@example.com was updated"},
                                {"metadata", with(carol_is, {{"require_new_password", old_new(nullptr, false)}})}})})},
    };
    for (const Case& c : cases) {
        CAPTURE(c.body);
        const size_t before = f.count();
        REQUIRE(f.call("PUT", "/user/" + carol, c.body).status == 200);
        CHECK(f.recorded_since(before) == c.expected);
    }

    size_t before = f.count();
    REQUIRE(f.call("POST", "/user/carol%40example.com/password/request_reset").status == 200);
    CHECK(f.recorded_since(before) ==
          json::array({by_owner({{"event_type", "user.update"},
                                 {"description", "User carol@example.com was updated"},
                                 {"metadata", with(carol_is, {{"require_new_password", old_new(false, true)}})}})}));
    before = f.count();
    REQUIRE(f.call("POST", "/user/carol%40example.com/password/request_reset").status == 200);
    CHECK(f.count() == before);  // already required

    REQUIRE(f.call("DELETE", "/user/" + carol).status == 200);
    CHECK(f.recorded_since(before) == json::array({by_owner({{"event_type", "user.destroy"},
                                                             {"description", "User carol@example.com was deleted"},
                                                             {"metadata", with(carol_is, {{"role", "superuser"}})}})}));
}

TEST_CASE("the actor: the user and token of the request, from the caller's address (PUT /_emulator/caller_ip)") {
    EventsFixture f;
    REQUIRE(f.call("PUT", "/_emulator/caller_ip", R"({"ip": "198.51.100.7"})", "").status == 200);
    REQUIRE(f.call("PUT", std::string("/user/") + Acme::alice_id, "name=Alicia", "alice-token").status == 200);
    json events = f.recorded_since(0);
    REQUIRE(events.size() == 1);
    CHECK(events[0]["user_id"] == Acme::alice_id);
    CHECK(events[0]["token_id"] == Acme::alice_token_id);
    CHECK(events[0]["ip"] == "198.51.100.7");
    CHECK(events[0]["metadata"] ==
          with(subject(Acme::alice_id, "alice@example.com"), {{"name", old_new("Alice", "Alicia")}}));
    // created_at is the emulator clock, which POST /_emulator/clock moves.
    f.advance(3600);
    REQUIRE(f.call("PUT", std::string("/user/") + Acme::alice_id, "name=Alice", "alice-token").status == 200);
    CHECK(f.recorded_since(1)[0]["created_at"] == "2024-01-15T11:20:00Z");
}

TEST_CASE("invitations: invitation.sent; invitation.accept by the invitee on the control accept; no event on DELETE") {
    EventsFixture f;
    json invitation{
        {"data", {{"type", "invitation"}, {"attributes", {{"email", "dan@example.com"}, {"role", "engineer"}}}}}};
    Answer sent = f.call("POST", "/invitations", invitation.dump(), default_superuser_token, jsonapi_media_type);
    REQUIRE(sent.status == 200);
    const std::string id = sent.body["data"]["id"];
    json events = f.recorded_since(0);
    REQUIRE(events.size() == 1);
    CHECK(events[0] == by_owner({{"event_type", "invitation.sent"},
                                 {"description", "Invitation was sent to dan@example.com"},
                                 {"metadata",
                                  {{"invitation_id", id},
                                   {"email", "dan@example.com"},
                                   {"role", "engineer"},
                                   {"roles", json::array()},
                                   {"limit_services", false}}}}));

    Answer accepted = f.call("POST", "/_emulator/invitations/" + id + "/accept", "", "");
    REQUIRE(accepted.status == 200);
    const std::string dan = accepted.body["id"];
    events = f.recorded_since(1);
    REQUIRE(events.size() == 1);
    CHECK(events[0] == json{{"admin", false},
                            {"created_at", Acme::pinned_text},
                            {"customer_id", Acme::customer_id},
                            {"description", "Invitation for dan@example.com was accepted"},
                            {"event_type", "invitation.accept"},
                            {"ip", "127.0.0.1"},
                            {"metadata", with(subject(dan, "dan@example.com"),
                                              {{"invitation_id", id}, {"email", "dan@example.com"}})},
                            {"service_id", nullptr},
                            {"token_id", nullptr},
                            {"user_id", dan}});

    invitation["data"]["attributes"]["email"] = "erin@example.com";
    Answer again = f.call("POST", "/invitations", invitation.dump(), default_superuser_token, jsonapi_media_type);
    REQUIRE(again.status == 200);
    const size_t before = f.count();
    REQUIRE(f.call("DELETE", "/invitations/" + again.body["data"]["id"].get<std::string>()).status == 204);
    CHECK(f.count() == before);  // Fastly has no invitation.destroy event type
}

TEST_CASE("customer.update names each changed field with {old, new}; nothing when nothing changed") {
    EventsFixture f;
    const std::string path = std::string("/customer/") + Acme::customer_id;
    REQUIRE(f.call("PUT", path, std::string("name=Acme+Corp&force_sso=true&security_contact_id=") + Acme::alice_id)
                .status == 200);
    json events = f.recorded_since(0);
    REQUIRE(events.size() == 1);
    CHECK(events[0] == by_owner({{"event_type", "customer.update"},
                                 {"description", "Customer Acme Corp was updated"},
                                 {"metadata",
                                  {{"customer_id", Acme::customer_id},
                                   {"name", old_new("Acme", "Acme Corp")},
                                   {"force_sso", old_new(false, true)},
                                   {"security_contact_id", old_new(nullptr, Acme::alice_id)}}}}));
    REQUIRE(f.call("PUT", path, "name=Acme+Corp&force_sso=true").status == 200);
    CHECK(f.count() == 1);
}

TEST_CASE("service authorizations: one event per created, changed or deleted grant, single or bulk, with service_id") {
    EventsFixture f;
    auto grant = [&](const std::string& user) {
        json body{{"data",
                   {{"type", "service_authorization"},
                    {"attributes", {{"permission", "read_only"}}},
                    {"relationships",
                     {{"service", {{"data", {{"type", "service"}, {"id", Acme::service_id}}}}},
                      {"user", {{"data", {{"type", "user"}, {"id", user}}}}}}}}}};
        Answer created = f.call("POST", "/service-authorizations", body.dump(), default_superuser_token,
                                jsonapi_media_type);
        REQUIRE(created.status == 200);
        return created.body["data"]["id"].get<std::string>();
    };
    const std::string alices = grant(Acme::alice_id);
    json metadata{{"service_authorization_id", alices},
                  {"user_id", Acme::alice_id},
                  {"login", "alice@example.com"},
                  {"service_id", Acme::service_id},
                  {"permission", "read_only"}};
    auto expected = [&](const char* type, const char* verb, const json& meta) {
        return by_owner({{"event_type", type},
                         {"description", std::string("Service authorization of alice@example.com for service "
                                                     "www.example.com was ") +
                                             verb},
                         {"metadata", meta},
                         {"service_id", Acme::service_id}});
    };
    CHECK(f.recorded_since(0) == json::array({expected("service_authorization.create", "created", metadata)}));

    const std::string path = "/service-authorizations/" + alices;
    json patch{{"data", {{"type", "service_authorization"}, {"attributes", {{"permission", "purge_all"}}}}}};
    REQUIRE(f.call("PATCH", path, patch.dump(), default_superuser_token, jsonapi_media_type).status == 200);
    CHECK(f.recorded_since(1) ==
          json::array({expected("service_authorization.update", "updated",
                                with(metadata, {{"permission", old_new("read_only", "purge_all")}}))}));
    REQUIRE(f.call("PATCH", path, patch.dump(), default_superuser_token, jsonapi_media_type).status == 200);
    CHECK(f.count() == 2);  // the same permission: no change, no event

    const std::string bobs = grant(Acme::bob_id);
    json bulk_body{{"data",
                    {{{"id", alices}, {"type", "service_authorization"}, {"attributes", {{"permission", "full"}}}},
                     {{"id", bobs}, {"type", "service_authorization"}, {"attributes", {{"permission", "full"}}}}}}};
    const char* bulk_type = "application/vnd.api+json; ext=bulk";
    REQUIRE(f.call("PATCH", "/service-authorizations", bulk_body.dump(), default_superuser_token, bulk_type).status ==
            200);
    json events = f.recorded_since(3);
    REQUIRE(events.size() == 2);
    CHECK(events[0]["metadata"]["permission"] == old_new("purge_all", "full"));
    CHECK(events[1]["metadata"]["login"] == "bob@example.com");
    CHECK(events[1]["metadata"]["permission"] == old_new("read_only", "full"));

    REQUIRE(f.call("DELETE", "/service-authorizations/" + bobs).status == 204);
    CHECK(f.recorded_since(5)[0]["event_type"] == "service_authorization.delete");
    json gone{{"data", {{{"id", alices}, {"type", "service_authorization"}}}}};
    REQUIRE(f.call("DELETE", "/service-authorizations", gone.dump(), default_superuser_token, bulk_type).status == 200);
    CHECK(f.recorded_since(6) ==
          json::array({expected("service_authorization.delete", "deleted", with(metadata, {{"permission", "full"}}))}));
}

TEST_CASE("tokens: token.create for POST /_emulator/tokens, token.destroy for DELETE /tokens/{id} and /tokens/self") {
    EventsFixture f;
    REQUIRE(f.call("PUT", "/_emulator/caller_ip", R"({"ip": "203.0.113.5"})", "").status == 200);
    Answer created = f.call("POST", "/_emulator/tokens",
                            R"({"user": "bob@example.com", "secret": "bob-token", "name": "deploy"})", "");
    REQUIRE(created.status == 200);
    const std::string bobs = created.body["id"];
    json token_metadata{{"token_id", bobs},
                        {"name", "deploy"},
                        {"owner_id", Acme::bob_id},
                        {"scope", "global"},
                        {"services", json::array()}};
    CHECK(f.recorded_since(0) == json::array({{{"admin", false},
                                               {"created_at", Acme::pinned_text},
                                               {"customer_id", Acme::customer_id},
                                               {"description", "API Token (deploy) has been created"},
                                               {"event_type", "token.create"},
                                               {"ip", "203.0.113.5"},
                                               {"metadata", token_metadata},
                                               {"service_id", nullptr},
                                               {"token_id", nullptr},
                                               {"user_id", Acme::bob_id}}}));
    REQUIRE(f.call("DELETE", "/tokens/" + bobs).status == 204);
    CHECK(f.recorded_since(1) == json::array({by_owner({{"event_type", "token.destroy"},
                                                        {"description", "API Token (deploy) has been deleted"},
                                                        {"ip", "203.0.113.5"},
                                                        {"metadata", token_metadata}})}));
    REQUIRE(f.call("DELETE", "/tokens/self", "", "alice-token").status == 204);
    json self = f.recorded_since(2);
    REQUIRE(self.size() == 1);
    CHECK(self[0]["event_type"] == "token.destroy");
    CHECK(self[0]["token_id"] == Acme::alice_token_id);  // the token revoked its own self
    CHECK(self[0]["metadata"]["token_id"] == Acme::alice_token_id);
}

TEST_CASE("no events: groups, service groups and IAM roles; refused writes; reads (the state stays as it was)") {
    EventsFixture f;
    Answer role = f.call("POST", "/roles", R"({"name": "Purger", "description": "Purges"})");
    REQUIRE(role.status == 201);
    Answer group = f.call("POST", "/user-groups", R"({"name": "SRE"})");
    REQUIRE(group.status == 201);
    const std::string group_id = group.body["id"];
    REQUIRE(f.call("POST", "/service-groups", R"({"name": "Prod"})").status == 201);
    REQUIRE(f.call("POST", "/user-groups/" + group_id + "/members",
                   json{{"members", {{{"id", Acme::alice_id}, {"object", "user"}}}}}.dump())
                .status == 201);
    REQUIRE(f.call("PATCH", "/user-groups/" + group_id, R"({"description": "Site reliability"})").status == 200);
    REQUIRE(f.call("DELETE", "/user-groups/" + group_id).status == 204);
    CHECK(f.count() == 0);

    // Refused writes change nothing and record nothing.
    CHECK(f.call("PUT", std::string("/user/") + Acme::bob_id, "name=Robert", "alice-token").status == 403);
    CHECK(f.call("POST", "/user", "login=not-an-email&name=X").status == 400);
    CHECK(f.call("PUT", std::string("/user/") + Acme::bob_id, "role=admin").status == 400);
    CHECK(f.call("DELETE", std::string("/user/") + Acme::owner_id).status == 400);
    CHECK(f.count() == 0);

    REQUIRE(f.call("PUT", std::string("/user/") + Acme::bob_id, "name=Robert").status == 200);
    const json before = f.call("GET", "/_emulator/state", "", "").body;
    const std::string customer = std::string("/customer/") + Acme::customer_id;
    for (const std::string& target :
         std::vector<std::string>{"/current_user", "/current_customer", customer + "/users", "/events",
                                  "/events?filter[event_type]=user.update", "/invitations", "/user-groups",
                                  "/service-authorizations", customer + "/tokens"}) {
        CAPTURE(target);
        CHECK(f.call("GET", target).status == 200);
    }
    CHECK(f.call("GET", "/_emulator/state", "", "").body == before);
    CHECK(before["events"].size() == 1);
}

TEST_CASE("PUT /_emulator/users/{user}/two_factor_auth records two_factor_auth.enable and .disable when it changes") {
    EventsFixture f;
    struct Case {
        const char* body;
        const char* type;  // nullptr: no event
    };
    const Case cases[] = {
        {R"({"enabled": false})", nullptr},  // null -> false: still not enabled
        {R"({"enabled": true})", "two_factor_auth.enable"},
        {R"({"enabled": true})", nullptr},
        {R"({"enabled": null})", "two_factor_auth.disable"},
        {R"({"enabled": true})", "two_factor_auth.enable"},
        {R"({"enabled": false})", "two_factor_auth.disable"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.body);
        const size_t before = f.count();
        REQUIRE(f.call("PUT", "/_emulator/users/alice@example.com/two_factor_auth", c.body, "").status == 200);
        json events = f.recorded_since(before);
        REQUIRE(events.size() == (c.type ? 1 : 0));
        if (c.type) {
            const bool on = std::string(c.type).ends_with("enable");
            CHECK(events[0] == json{{"admin", false},
                                    {"created_at", Acme::pinned_text},
                                    {"customer_id", Acme::customer_id},
                                    {"description", std::string("Two-factor authentication was ") +
                                                        (on ? "enabled" : "disabled") + " for alice@example.com"},
                                    {"event_type", c.type},
                                    {"ip", "127.0.0.1"},
                                    {"metadata", subject(Acme::alice_id, "alice@example.com")},
                                    {"service_id", nullptr},
                                    {"token_id", nullptr},
                                    {"user_id", Acme::alice_id}});
        }
    }
}

TEST_CASE("POST /_emulator/users/{user}/login records user.login by that user, from ip at at") {
    EventsFixture f;
    Answer now = f.call("POST", "/_emulator/users/alice@example.com/login", "", "");
    REQUIRE(now.status == 200);
    const json& event = now.body["data"];
    CHECK(event["type"] == "event");
    CHECK(event["attributes"] == json{{"admin", false},
                                      {"created_at", Acme::pinned_text},
                                      {"customer_id", Acme::customer_id},
                                      {"description", "User alice@example.com logged in"},
                                      {"event_type", "user.login"},
                                      {"ip", "127.0.0.1"},
                                      {"metadata", subject(Acme::alice_id, "alice@example.com")},
                                      {"service_id", nullptr},
                                      {"token_id", nullptr},
                                      {"user_id", Acme::alice_id}});
    CHECK(f.call("GET", "/events/" + event["id"].get<std::string>()).body == now.body);
    const std::string alice = std::string("/user/") + Acme::alice_id;
    CHECK(f.call("GET", alice).body["last_active_at"] == Acme::pinned_text);

    // By ID, an address and a time of its own: an old login leaves last_active_at at the latest.
    Answer old = f.call("POST", std::string("/_emulator/users/") + Acme::alice_id + "/login",
                        R"({"ip": "2001:db8::1", "at": "2023-06-01T08:00:00+02:00"})", "");
    REQUIRE(old.status == 200);
    CHECK(old.body["data"]["attributes"]["ip"] == "2001:db8::1");
    CHECK(old.body["data"]["attributes"]["created_at"] == "2023-06-01T06:00:00Z");
    CHECK(f.call("GET", alice).body["last_active_at"] == Acme::pinned_text);
    CHECK(f.types("filter[event_type]=user.login&sort=created_at").size() == 2);

    struct Bad {
        const char* target;
        const char* body;
        int status;
        const char* detail;
    };
    const Bad bad[] = {
        {"/_emulator/users/alice@example.com/login", R"({"ip": "300.1.1.1"})", 400,
         "ip: \"300.1.1.1\" is not an IPv4 or IPv6 address"},
        {"/_emulator/users/alice@example.com/login", R"({"at": "yesterday"})", 400,
         "at: \"yesterday\" is not an ISO 8601 time like 2024-01-15T10:20:00Z"},
        {"/_emulator/users/alice@example.com/login", R"({"at": 5})", 400,
         "at: 5 is not an ISO 8601 time like 2024-01-15T10:20:00Z"},
        {"/_emulator/users/alice@example.com/login", R"({"when": "now"})", 400,
         "unknown field 'when'; a login takes ip and at"},
        {"/_emulator/users/nobody@example.com/login", "", 404, "Cannot find user 'nobody@example.com'"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.body);
        Answer answer = f.call("POST", b.target, b.body, "");
        CHECK(answer.status == b.status);
        CHECK(answer.body["detail"] == b.detail);
    }
    CHECK(f.count() == 2);
}
