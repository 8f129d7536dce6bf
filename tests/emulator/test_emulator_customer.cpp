// The customer's security settings (issue 16): contacts must be users, the login IP allowlist (parsing,
// the lockout refusal, enforcement with /_emulator/caller_ip), force_2fa and the 2FA control endpoint,
// force_sso, and their round trip through seed, dump and the state file.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "ip_allowlist.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

json customer_seed() {
    return json::parse(R"({
      "customer": {"id": "CUST000000000000000001", "name": "Acme"},
      "users": [{"login": "owner@example.com", "role": "superuser"},
                {"login": "eng@example.com", "role": "engineer"},
                {"login": "secure@example.com", "role": "engineer", "two_factor_auth_enabled": true},
                {"login": "off@example.com", "role": "user", "two_factor_auth_enabled": false}],
      "tokens": {"eng-token": "eng@example.com", "secure-token": "secure@example.com",
                 "off-token": "off@example.com"}
    })");
}

const std::string customer_path = "/customer/CUST000000000000000001";

std::string user_id_of(Harness& h, const std::string& login) {
    return h.emulator.with_store([&](Store& s) { return s.user_by_login(login)->id; });
}

json error_body(const std::string& msg, const std::string& detail) {
    return {{"msg", msg}, {"detail", detail}};
}

ApiResponse put_customer(Harness& h, const std::string& body, const std::string& token = default_superuser_token) {
    return h.call("PUT", customer_path, body, token);
}

void set_caller_ip(Harness& h, const json& ip) {
    ApiResponse response = h.call("PUT", "/_emulator/caller_ip", json{{"ip", ip}}.dump(), "");
    REQUIRE(response.status == 200);
    CHECK(Harness::body(response) == json{{"ip", ip}});
}

}  // namespace

TEST_CASE("the customer's security settings default to no restriction and no contacts") {
    Harness h({}, customer_seed());
    json customer = h.get("/current_customer");
    CHECK(customer["ip_whitelist"] == "0.0.0.0/0");
    CHECK(customer["force_2fa"] == false);
    CHECK(customer["force_sso"] == false);
    for (const char* key : {"security_contact_id", "technical_contact_id", "billing_contact_id", "legal_contact_id"}) {
        CAPTURE(key);
        CHECK(customer[key].is_null());
    }
}

TEST_CASE("PUT /customer: contacts must be user IDs of the customer; empty or null clears them") {
    Harness h({}, customer_seed());
    const std::string eng = user_id_of(h, "eng@example.com");
    const std::string secure = user_id_of(h, "secure@example.com");
    ApiResponse set = put_customer(h, "security_contact_id=" + eng + "&technical_contact_id=" + secure +
                                          "&billing_contact_id=" + eng + "&legal_contact_id=" + secure);
    REQUIRE(set.status == 200);
    json customer = Harness::body(set);
    CHECK(customer["security_contact_id"] == eng);
    CHECK(customer["technical_contact_id"] == secure);
    CHECK(customer["billing_contact_id"] == eng);
    CHECK(customer["legal_contact_id"] == secure);

    struct Case {
        const char* body;
        const char* detail;
    };
    const Case refused[] = {
        {"security_contact_id=NOPE00000000000000000&name=Renamed",
         "security_contact_id: user 'NOPE00000000000000000' is not a user of this customer"},
        {R"({"legal_contact_id": "eng@example.com", "force_2fa": true})",
         "legal_contact_id: user 'eng@example.com' is not a user of this customer"},
    };
    for (const Case& c : refused) {
        CAPTURE(c.body);
        ApiResponse response = put_customer(h, c.body);
        CHECK(response.status == 400);
        CHECK(Harness::body(response) == error_body("Bad request", c.detail));
    }
    // Nothing of a refused request was applied.
    customer = h.get("/current_customer");
    CHECK(customer["name"] == "Acme");
    CHECK(customer["force_2fa"] == false);
    CHECK(customer["legal_contact_id"] == secure);

    REQUIRE(put_customer(h, "security_contact_id=&technical_contact_id=null").status == 200);
    REQUIRE(put_customer(h, R"({"billing_contact_id": null})").status == 200);
    customer = h.get("/customer/CUST000000000000000001");
    CHECK(customer["security_contact_id"].is_null());
    CHECK(customer["technical_contact_id"].is_null());
    CHECK(customer["billing_contact_id"].is_null());
    CHECK(customer["legal_contact_id"] == secure);
    // Superusers only, as before.
    CHECK(put_customer(h, "legal_contact_id=", "eng-token").status == 403);
}

TEST_CASE("delete_contact_user: clear (the contact becomes null) or refuse (400 naming the roles)") {
    Harness h({}, customer_seed());
    const std::string eng = user_id_of(h, "eng@example.com");
    const std::string secure = user_id_of(h, "secure@example.com");
    REQUIRE(put_customer(h, "security_contact_id=" + eng + "&billing_contact_id=" + eng + "&legal_contact_id=" + eng +
                                "&technical_contact_id=" + secure)
                .status == 200);

    h.emulator.set_compat(compat_from_json({{"delete_contact_user", "refuse"}}, {}));
    ApiResponse refused = h.call("DELETE", "/user/" + eng);
    CHECK(refused.status == 400);
    CHECK(Harness::body(refused) ==
          error_body("Bad request",
                     "User 'eng@example.com' is the account's security, billing and legal contact; choose another "
                     "first"));
    ApiResponse one = h.call("DELETE", "/user/" + secure);
    CHECK(Harness::body(one)["detail"] ==
          "User 'secure@example.com' is the account's technical contact; choose another first");
    CHECK(h.get("/user/" + eng)["login"] == "eng@example.com");
    CHECK(h.get("/current_customer")["security_contact_id"] == eng);

    h.emulator.set_compat({});
    REQUIRE(h.call("DELETE", "/user/" + eng).status == 200);
    json customer = h.get("/current_customer");
    CHECK(customer["security_contact_id"].is_null());
    CHECK(customer["billing_contact_id"].is_null());
    CHECK(customer["legal_contact_id"].is_null());
    CHECK(customer["technical_contact_id"] == secure);
}

TEST_CASE("ip_whitelist: addresses, CIDR ranges and IPv4 wildcards, separated by commas and/or whitespace") {
    struct Case {
        const char* text;
        const char* address;
        bool allowed;
    };
    const Case cases[] = {
        {"0.0.0.0/0", "203.0.113.9", true},
        {"0.0.0.0/0", "2001:db8::1", true},
        {"10.0.0.0/8, 0.0.0.0/0", "2001:db8::1", true},
        {"127.0.0.1", "127.0.0.1", true},
        {"127.0.0.1", "127.0.0.2", false},
        {"198.51.100.0/24,192.0.2.7", "198.51.100.200", true},
        {"198.51.100.0/24,192.0.2.7", "198.51.101.1", false},
        {"198.51.100.77/24", "198.51.100.1", true},  // host bits are ignored
        {"  10.1.0.0/16 \n\t 192.0.2.7 ,, ", "192.0.2.7", true},
        {"192.168.*.1", "192.168.40.1", true},
        {"192.168.*.1", "192.168.40.2", false},
        {"192.168.*.*", "192.168.255.0", true},
        {"2001:db8::/32", "2001:db8:1::5", true},
        {"2001:db8::/32", "2001:db9::5", false},
        {"::1", "::1", true},
        {"::1", "127.0.0.1", false},
        {"127.0.0.0/8", "::ffff:127.0.0.5", true},  // an IPv4-mapped caller counts as its IPv4 address
        {"10.0.0.0/8", "not-an-address", false},
        {"", "127.0.0.1", false},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        CAPTURE(c.address);
        CHECK(IpAllowlist::parse(c.text).allows(c.address, false) == c.allowed);
    }
    CHECK(IpAllowlist::parse(" ,\n").allows("127.0.0.1", true));
    CHECK(IpAllowlist::parse("").empty());

    Harness h({}, customer_seed());
    const char* bad[] = {"10.0.0.300",  "10.0.0.0/33",       "2001:db8::/129",
                         "example.com", "10.0.0.0/",         "10.*.0.0/16",
                         "10.*.0",      "10.0.0.1;10.0.0.2", "*"};
    for (const char* entry : bad) {
        CAPTURE(entry);
        CHECK_THROWS_AS(IpAllowlist::parse(std::string("127.0.0.1, ") + entry), std::invalid_argument);
        ApiResponse response = put_customer(h, json{{"ip_whitelist", std::string("127.0.0.1, ") + entry}}.dump());
        CHECK(response.status == 400);
        CHECK(Harness::body(response) ==
              error_body("Bad request", std::string("ip_whitelist: '") + entry +
                                            "' is not an IPv4 or IPv6 address, a CIDR range or an IPv4 wildcard"));
    }
    CHECK(h.get("/current_customer")["ip_whitelist"] == "0.0.0.0/0");
    // Stored and answered as given, spacing included.
    const std::string text = "127.0.0.1,  198.51.100.0/24\n2001:db8::/32";
    ApiResponse stored = put_customer(h, json{{"ip_whitelist", text}}.dump());
    REQUIRE(stored.status == 200);
    CHECK(Harness::body(stored)["ip_whitelist"] == text);
    CHECK(h.get("/current_customer")["ip_whitelist"] == text);
}

TEST_CASE("a new allowlist that excludes the caller is refused and nothing changes") {
    Harness h({}, customer_seed());
    ApiResponse refused = put_customer(h, "ip_whitelist=10.0.0.0%2F8&force_sso=true");
    CHECK(refused.status == 400);
    CHECK(Harness::body(refused) ==
          error_body("Bad request", "The IP allowlist would lock you out: your address 127.0.0.1 is not in it"));
    json customer = h.get("/current_customer");
    CHECK(customer["ip_whitelist"] == "0.0.0.0/0");
    CHECK(customer["force_sso"] == false);

    // As seen from elsewhere, the caller's address is that one.
    set_caller_ip(h, "198.51.100.7");
    ApiResponse elsewhere = put_customer(h, "ip_whitelist=127.0.0.1");
    CHECK(Harness::body(elsewhere)["detail"] ==
          "The IP allowlist would lock you out: your address 198.51.100.7 is not in it");
    CHECK(put_customer(h, "ip_whitelist=198.51.100.0%2F24").status == 200);
    set_caller_ip(h, nullptr);
    CHECK(h.call("GET", "/current_customer").status == 403);
    set_caller_ip(h, "198.51.100.7");
    REQUIRE(put_customer(h, "ip_whitelist=0.0.0.0%2F0").status == 200);
    set_caller_ip(h, nullptr);

    SUBCASE("ip_whitelist_empty=none: an empty list allows no address, so it is refused") {
        for (const char* body : {"ip_whitelist=", R"({"ip_whitelist": null})", R"({"ip_whitelist": " , "})"}) {
            CAPTURE(body);
            ApiResponse empty = put_customer(h, body);
            CHECK(empty.status == 400);
            CHECK(Harness::body(empty)["detail"] ==
                  "The IP allowlist would lock you out: an empty list allows no address (0.0.0.0/0 allows every "
                  "address)");
        }
    }
    SUBCASE("ip_whitelist_empty=any: an empty list is no restriction") {
        h.emulator.set_compat(compat_from_json({{"ip_whitelist_empty", "any"}}, {}));
        set_caller_ip(h, "198.51.100.7");
        REQUIRE(put_customer(h, "ip_whitelist=").status == 200);
        set_caller_ip(h, "203.0.113.1");
        CHECK(h.get("/current_customer")["ip_whitelist"] == "");
    }
}

TEST_CASE("the allowlist refuses API requests from outside addresses with 403; control routes stay open") {
    Harness h({}, customer_seed());
    REQUIRE(put_customer(h, R"({"ip_whitelist": "127.0.0.1, 198.51.100.0/24, 2001:db8::/32"})").status == 200);
    CHECK(h.call("GET", "/current_user").status == 200);

    set_caller_ip(h, "203.0.113.9");
    CHECK(h.get("/_emulator/caller_ip") == json{{"ip", "203.0.113.9"}});
    const char* routes[][2] = {
        {"GET", "/current_user"}, {"GET", "/current_customer"}, {"PUT", "/customer/CUST000000000000000001"},
        {"GET", "/iam/v1/roles"}, {"GET", "/invitations"},      {"POST", "/user-groups"},
        {"GET", "/no/such/path"}};
    for (const auto& route : routes) {
        CAPTURE(route[1]);
        ApiResponse response = h.call(route[0], route[1], route[0][0] == 'G' ? "" : "{}");
        CHECK(response.status == 403);
        CHECK(Harness::body(response) ==
              error_body("Forbidden", "Your IP address 203.0.113.9 is not in the account's IP allowlist"));
        // A refused request spends no rate-limit budget.
        CHECK(response.header("Fastly-RateLimit-Remaining").empty());
    }
    // Other tokens too, and a bad token is still a 401.
    CHECK(h.call("GET", "/current_user", "", "secure-token").status == 403);
    CHECK(h.call("GET", "/current_user", "", "no-such-token").status == 401);
    CHECK(h.call("GET", "/_emulator/state", "", "").status == 200);
    CHECK(h.call("GET", "/_emulator/stats", "", "").status == 200);

    set_caller_ip(h, "198.51.100.7");
    CHECK(h.call("GET", "/current_user").status == 200);
    set_caller_ip(h, "2001:db8:5::1");
    CHECK(h.call("GET", "/current_user").status == 200);
    set_caller_ip(h, nullptr);
    CHECK(h.call("GET", "/current_user").status == 200);

    CHECK(h.call("PUT", "/_emulator/caller_ip", R"({"ip": "300.1.1.1"})", "").status == 400);
    CHECK(Harness::body(h.call("PUT", "/_emulator/caller_ip", R"({"ip": "300.1.1.1"})", ""))["detail"] ==
          "ip: '300.1.1.1' is not an IPv4 or IPv6 address");
    CHECK(h.call("PUT", "/_emulator/caller_ip", R"({})", "").status == 400);
    CHECK(h.get("/_emulator/caller_ip") == json{{"ip", nullptr}});
}

TEST_CASE("force_2fa: tokens of users without 2FA get 401 until 2FA is enabled for them") {
    Harness h({}, customer_seed());
    // The request that turns it on succeeds even though its own user (the owner) lacks 2FA.
    ApiResponse on = put_customer(h, "force_2fa=true");
    REQUIRE(on.status == 200);
    CHECK(Harness::body(on)["force_2fa"] == true);

    struct Case {
        const char* token;
        const char* login;
    };
    for (const Case& c : {Case{default_superuser_token, "owner@example.com"}, Case{"eng-token", "eng@example.com"},
                          Case{"off-token", "off@example.com"}}) {
        CAPTURE(c.login);
        ApiResponse refused = h.call("GET", "/current_user", "", c.token);
        CHECK(refused.status == 401);
        CHECK(Harness::body(refused) ==
              error_body("Provided credentials are missing or invalid",
                         std::string("Two-factor authentication is required on this account (force_2fa); user '") +
                             c.login + "' has not enabled it"));
    }
    CHECK(h.call("GET", "/current_user", "", "secure-token").status == 200);
    CHECK(h.call("PUT", "/user-groups/x", "{}", "eng-token").status == 401);

    // The control endpoint (a login or an ID) enables 2FA; it needs no token.
    ApiResponse enabled = h.call("PUT", "/_emulator/users/owner@example.com/two_factor_auth", R"({"enabled": true})",
                                 "");
    REQUIRE(enabled.status == 200);
    CHECK(Harness::body(enabled)["two_factor_auth_enabled"] == true);
    CHECK(h.call("GET", "/current_user").status == 200);
    const std::string eng = user_id_of(h, "eng@example.com");
    REQUIRE(h.call("PUT", "/_emulator/users/" + eng + "/two_factor_auth", R"({"enabled": true})", "").status == 200);
    CHECK(h.get("/user/" + eng)["two_factor_auth_enabled"] == true);
    CHECK(h.call("GET", "/current_user", "", "eng-token").status == 200);
    REQUIRE(h.call("PUT", "/_emulator/users/" + eng + "/two_factor_auth", R"({"enabled": null})", "").status == 200);
    CHECK(h.call("GET", "/current_user", "", "eng-token").status == 401);

    // Turned off again, every token works.
    REQUIRE(put_customer(h, "force_2fa=false").status == 200);
    CHECK(h.call("GET", "/current_user", "", "eng-token").status == 200);
    CHECK(h.call("GET", "/current_user", "", "off-token").status == 200);

    ApiResponse unknown = h.call("PUT", "/_emulator/users/nobody@example.com/two_factor_auth", R"({"enabled": true})",
                                 "");
    CHECK(unknown.status == 404);
    CHECK(Harness::body(unknown)["detail"] == "Cannot find user 'nobody@example.com'");
    CHECK(h.call("PUT", "/_emulator/users/" + eng + "/two_factor_auth", R"({"enabled": "yes"})", "").status == 400);
    CHECK(h.call("PUT", "/_emulator/users/" + eng + "/two_factor_auth", R"({})", "").status == 400);
}

TEST_CASE("force_sso is stored and reported; API tokens keep working") {
    Harness h({}, customer_seed());
    REQUIRE(put_customer(h, "force_sso=1").status == 200);
    CHECK(h.get("/current_customer")["force_sso"] == true);
    CHECK(h.call("GET", "/current_user", "", "eng-token").status == 200);
    CHECK(put_customer(h, "force_sso=maybe").status == 400);
}

TEST_CASE("PUT /customer is a write: rate limited, and subject to write faults") {
    EmulatorOptions options;
    options.rate_limit = 1;
    Harness h(options, customer_seed());
    ApiResponse first = put_customer(h, "force_sso=true");
    CHECK(first.status == 200);
    CHECK(first.header("Fastly-RateLimit-Remaining") == "0");
    CHECK(put_customer(h, "force_sso=false").status == 429);

    Harness faulty({}, customer_seed());
    REQUIRE(faulty.call("PUT", "/_emulator/faults", R"({"error_rate": 1, "writes_only": true})", "").status == 200);
    ApiResponse failed = faulty.call("PUT", customer_path, "force_2fa=true");
    CHECK((failed.status == 500 || failed.status == 503));
    CHECK(faulty.get("/current_customer")["force_2fa"] == false);
}

TEST_CASE("the settings round-trip through seed, dump and the state file; caller_ip is not state") {
    json seed = customer_seed();
    seed["customer"]["force_2fa"] = true;
    seed["customer"]["force_sso"] = true;
    seed["customer"]["ip_whitelist"] = "127.0.0.1, 198.51.100.0/24";
    seed["customer"]["security_contact_id"] = "secure@example.com";  // a login in a seed
    seed["customer"]["legal_contact_id"] = "";
    Harness h({}, seed);
    const std::string secure = user_id_of(h, "secure@example.com");
    set_caller_ip(h, "198.51.100.9");
    json dumped = h.emulator.dump();
    CHECK(dumped["customer"]["force_2fa"] == true);
    CHECK(dumped["customer"]["force_sso"] == true);
    CHECK(dumped["customer"]["ip_whitelist"] == "127.0.0.1, 198.51.100.0/24");
    CHECK(dumped["customer"]["security_contact_id"] == secure);
    CHECK(dumped["customer"]["legal_contact_id"].is_null());
    CHECK(dumped.dump().find("198.51.100.9") == std::string::npos);
    Harness again({}, dumped);
    CHECK(again.emulator.dump() == dumped);
    CHECK(again.call("GET", "/current_user", "", "secure-token").status == 200);
    CHECK(again.call("GET", "/current_user", "", "eng-token").status == 401);

    std::string dir = (std::filesystem::temp_directory_path() / "emulator-customer-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()) != nullptr);
    EmulatorOptions options;
    options.state_file = dir + "/state.json";
    {
        Harness first(options, customer_seed());
        first.emulator.open_state_file();
        const std::string eng = user_id_of(first, "eng@example.com");
        REQUIRE(
            first.call("PUT", customer_path, "technical_contact_id=" + eng + "&ip_whitelist=127.0.0.0%2F8").status ==
            200);
        std::ifstream in(options.state_file);
        CHECK(json::parse(in)["customer"]["technical_contact_id"] == eng);
    }
    Emulator second(options);
    second.open_state_file();
    json restored = second.dump();
    CHECK(restored["customer"]["ip_whitelist"] == "127.0.0.0/8");
    CHECK(restored["customer"]["technical_contact_id"].is_string());
    std::filesystem::remove_all(dir);
}

TEST_CASE("seeds: bad settings are errors naming the field") {
    struct Case {
        const char* customer;
        const char* error;
    };
    const Case cases[] = {
        {R"({"security_contact_id": "ghost@example.com"})",
         "customer.security_contact_id: no user \"ghost@example.com\""},
        {R"({"billing_contact_id": 7})", "customer.billing_contact_id: expected a login, a user ID or null"},
        {R"({"ip_whitelist": "10.0.0.0/8, 10.0.0.256"})",
         "customer.ip_whitelist: '10.0.0.256' is not an IPv4 or IPv6 address, a CIDR range or an IPv4 wildcard"},
        {R"({"ip_whitelist": ["10.0.0.0/8"]})",
         "customer.ip_whitelist: expected a string of addresses and CIDR ranges"},
        {R"({"force_2fa": "yes"})", "customer.force_2fa: expected true or false"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.customer);
        Store store;
        CHECK_THROWS_WITH_AS(load_state(store, {{"customer", json::parse(c.customer)}}, default_superuser_token),
                             c.error, StateError);
    }
}
