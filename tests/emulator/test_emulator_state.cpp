#include <doctest/doctest.h>

#include <fstream>

#include "harness.hpp"

using namespace fastly_emulator;
using nlohmann::json;

namespace {

bool is_base62_id(const std::string& id) {
    if (id.size() != 22) {
        return false;
    }
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            return false;
        }
    }
    return true;
}

std::string load_error(const json& seed) {
    Store store;
    try {
        load_state(store, seed, default_superuser_token);
    } catch (const StateError& error) {
        return error.what();
    }
    return "(loaded)";
}

}  // namespace

TEST_CASE("the default state has a customer, its superuser owner, predefined roles and permissions") {
    Store store;
    load_default_state(store, "tok");
    CHECK(is_base62_id(store.customer.id));
    REQUIRE(store.users.size() == 1);
    const User& owner = store.users.rows()[0];
    CHECK(owner.login == "owner@example.com");
    CHECK(owner.role == "superuser");
    CHECK(store.customer.owner_id == owner.id);
    REQUIRE(store.token_by_secret("tok") != nullptr);
    CHECK(store.token_by_secret("tok")->user_id == owner.id);
    CHECK(is_base62_id(owner.id));

    REQUIRE(store.roles.size() == 6);
    for (const auto& [name, display] : std::vector<std::pair<std::string, std::string>>{{"user", "User"},
                                                                                        {"billing", "Billing"},
                                                                                        {"engineer", "Engineer"},
                                                                                        {"superuser", "Superuser"},
                                                                                        {"tls_viewer", "TLS Viewer"},
                                                                                        {"tls_admin", "TLS Admin"}}) {
        const Role* role = store.role_by_ref(name);
        REQUIRE(role != nullptr);
        CHECK(role->display_name == display);
        CHECK_FALSE(role->custom);
        CHECK(is_base62_id(role->id));
    }
    CHECK(store.permissions.size() >= 20);
    REQUIRE(store.permission_by_ref("purge_all") != nullptr);
    CHECK(store.permission_by_ref("purge_all")->scope == "service");
    CHECK(store.permission_by_ref("manage_users")->scope == "account");
    CHECK(store.services.size() == 3);
}

TEST_CASE("a hand-written seed resolves references by name, login and email") {
    json seed = json::parse(R"({
      "customer": {"name": "Acme", "owner": "boss@acme.test", "force_2fa": true},
      "users": [
        {"login": "boss@acme.test", "role": "superuser"},
        {"login": "eng@acme.test", "name": "Eng", "role": "engineer", "roles": ["engineer"], "locked": false}
      ],
      "tokens": {"eng-token": "eng@acme.test"},
      "services": [{"id": "SU1Z0isxPaozGVKXdv0eY", "name": "prod"}],
      "roles": [{"name": "Purge Operator", "permissions": ["purge_all"]}],
      "service_groups": [{"name": "production", "services": ["prod"]}],
      "invitations": [{"email": "new@acme.test", "created_at": "2024-01-10T00:00:00Z"}],
      "user_groups": [{"name": "SRE", "members": ["eng@acme.test", "new@acme.test"],
                       "roles": ["Purge Operator"], "service_groups": ["production"]}]
    })");
    Store store;
    load_state(store, seed, "owner-token");
    CHECK(store.customer.name == "Acme");
    CHECK(store.customer.attributes["force_2fa"] == true);
    CHECK(store.users.find(store.customer.owner_id)->login == "boss@acme.test");
    CHECK(store.token_by_secret("owner-token")->user_id == store.customer.owner_id);
    const User* eng = store.user_by_login("ENG@acme.test");
    REQUIRE(eng != nullptr);
    REQUIRE(store.token_by_secret("eng-token") != nullptr);
    CHECK(store.token_by_secret("eng-token")->user_id == eng->id);
    CHECK(eng->locked == std::optional<bool>(false));
    CHECK(eng->require_new_password == std::nullopt);
    CHECK(eng->roles == std::vector<std::string>{store.role_by_ref("engineer")->id});
    CHECK(store.roles.size() == 7);
    const Role* purge = store.role_by_ref("Purge Operator");
    REQUIRE(purge != nullptr);
    CHECK(purge->custom);
    CHECK(purge->permissions == std::vector<std::string>{store.permission_by_ref("purge_all")->id});
    REQUIRE(store.user_groups.size() == 1);
    const UserGroup& sre = store.user_groups.rows()[0];
    REQUIRE(sre.members.size() == 2);
    CHECK(sre.members[0] == Member{MemberKind::user, eng->id});
    CHECK(sre.members[1].kind == MemberKind::invitation);
    CHECK(sre.roles == std::vector<std::string>{purge->id});
    CHECK(store.service_groups.rows()[0].services == std::vector<std::string>{"SU1Z0isxPaozGVKXdv0eY"});
    CHECK(store.invitations.rows()[0].created_at == 1704844800);
}

TEST_CASE("dump_state and load_state round-trip every object with its ID") {
    testing::Harness h;
    h.send_json("POST", "/user-groups", {{"name", "SRE"}}, 201);
    h.call("POST", "/user", "login=a%40example.com&name=A&role=engineer");
    json first = h.emulator.dump();
    Store store;
    store.wall_clock = [] { return testing::pinned_time; };
    load_state(store, first, default_superuser_token);
    CHECK(dump_state(store) == first);
}

TEST_CASE("invalid seeds are refused with the JSON path and the problem") {
    struct Case {
        const char* seed;
        const char* message;
    };
    const Case cases[] = {
        {R"([])", "expected a JSON object at the top level"},
        {R"({"userz": []})", "(top level).userz: unknown field"},
        {R"({"users": [{"login": "a@b.co", "role": "admin"}]})",
         R"(users[0].role: "admin" is not one of user, billing, engineer, superuser, tls_viewer, tls_admin)"},
        {R"({"users": [{"login": "not-an-email", "role": "superuser"}]})",
         R"(users[0].login: "not-an-email" is not an email address)"},
        {R"({"users": [{"login": "a@b.co", "role": "superuser"}, {"login": "A@b.co"}]})",
         R"(users[1].login: duplicate login "A@b.co")"},
        {R"({"users": [{"login": "a@b.co", "role": "superuser", "roles": ["nope"]}]})",
         R"(users[0].roles: unknown role "nope")"},
        {R"({"users": [{"login": "a@b.co"}]})",
         "customer.owner: no superuser to own the account; name one with customer.owner"},
        {R"({"user_groups": [{"name": "g", "members": ["ghost@b.co"]}]})",
         R"(user_groups[0].members[0]: "ghost@b.co" is neither a user nor an invitation)"},
        {R"({"invitations": [{"email": "x@y.co", "created_at": "yesterday"}]})",
         "invitations[0].created_at: expected a timestamp like 2024-01-31T12:00:00Z"},
        {R"({"tokens": {"t": "ghost@b.co"}})", R"(tokens.t: unknown user "ghost@b.co")"},
        {R"({"service_groups": [{"name": "a"}, {"name": "a"}]})",
         R"(service_groups[1].name: duplicate service group "a")"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.seed);
        CHECK(load_error(json::parse(c.seed)) == c.message);
    }
}

TEST_CASE("timestamps format and parse as YYYY-MM-DDTHH:MM:SSZ") {
    CHECK(format_timestamp(1667588400) == "2022-11-04T19:00:00Z");
    CHECK(parse_timestamp("2022-11-04T19:00:00Z") == std::optional<EpochSeconds>(1667588400));
    CHECK(parse_timestamp("2022-11-04T19:00:00.123Z") == std::optional<EpochSeconds>(1667588400));
    CHECK(parse_timestamp("2022-11-04 19:00") == std::nullopt);
}

TEST_CASE("the example seed in src/emulator/README.md loads") {
    std::ifstream in(EMULATOR_README);
    REQUIRE(in);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t start = text.find("```json\n");
    REQUIRE(start != std::string::npos);
    start += 8;
    size_t end = text.find("```", start);
    Store store;
    load_state(store, json::parse(text.substr(start, end - start)), default_superuser_token);
    CHECK(store.customer.id == "51MumwLiSJyFTWhtbByYgR");
    CHECK(store.users.size() == 3);
    CHECK(store.service_authorizations.size() == 2);
    REQUIRE(store.token_by_secret("ci-token") != nullptr);
    CHECK(store.token_by_secret("ci-token")->name == "CI");
    CHECK(store.user_groups.rows()[0].members.size() == 2);
    CHECK(store.invitations.rows()[0].service_invitations[0].permission == "purge_all");
    CHECK(store.rate.used.size() == 1);
}
