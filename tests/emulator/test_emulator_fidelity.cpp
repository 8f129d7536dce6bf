// Fidelity to the real API (issue 13): recorded behaviour by default, each compat switch's alternative.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "harness.hpp"

using namespace fastly_emulator;
using namespace fastly_emulator::testing;
using nlohmann::json;

namespace {

json many_services(int count) {
    json services = json::array();
    for (int i = 0; i < count; ++i) {
        services.push_back({{"name", "svc" + std::to_string(i) + ".example.com"}});
    }
    return {{"services", services}};
}

Compat switched(const std::string& key, const std::string& value) {
    Compat compat;
    set_compat(compat, key, value);
    return compat;
}

// The seed of the role tests: an engineer, a custom role and a Security (Next-Gen WAF) role.
json role_seed() {
    return {{"users",
             {{{"login", "owner@example.com"}, {"role", "superuser"}},
              {{"login", "eng@example.com"}, {"role", "engineer"}}}},
            {"roles",
             {{{"name", "Purge Operator"}, {"permissions", {"purge_all"}}},
              {{"name", "Security Admin"}, {"custom", false}, {"security", true}}}}};
}

}  // namespace

TEST_CASE("GET /service is paginated as recorded: a bare array, 20 a page, and a Link header") {
    Harness h({}, many_services(45));
    ApiResponse first = h.call("GET", "/service");
    REQUIRE(first.status == 200);
    CHECK(Harness::body(first).is_array());
    CHECK(Harness::body(first).size() == 20);
    CHECK(first.header("Link") ==
          "<http://emulator.test/service?page=3&per_page=20>; rel=\"last\", "
          "<http://emulator.test/service?page=2&per_page=20>; rel=\"next\"");
    ApiResponse middle = h.call("GET", "/service?page=2&per_page=20&direction=descend&sort=created");
    CHECK(middle.header("Link") ==
          "<http://emulator.test/service?direction=descend&page=1&per_page=20&sort=created>; rel=\"first\", "
          "<http://emulator.test/service?direction=descend&page=1&per_page=20&sort=created>; rel=\"prev\", "
          "<http://emulator.test/service?direction=descend&page=3&per_page=20&sort=created>; rel=\"last\", "
          "<http://emulator.test/service?direction=descend&page=3&per_page=20&sort=created>; rel=\"next\"");
    ApiResponse last = h.call("GET", "/service?page=3");
    CHECK(Harness::body(last).size() == 5);
    CHECK(last.header("Link").find("rel=\"next\"") == std::string::npos);
    // per_page=200 was honoured in a recording; one page has no Link.
    ApiResponse whole = h.call("GET", "/service?per_page=200");
    CHECK(Harness::body(whole).size() == 45);
    CHECK(whole.header("Link").empty());
    CHECK(h.call("GET", "/service?per_page=0").status == 400);
}

TEST_CASE("not-found answers use the recorded wording") {
    Harness h;
    ApiResponse user = h.call("GET", "/user/nope");
    CHECK(user.status == 404);
    CHECK(Harness::body(user) == json{{"msg", "Record not found"}, {"detail", "Cannot find user 'nope'"}});
    CHECK(Harness::body(h.call("GET", "/user-groups/x"))["detail"] == "Cannot find usergroup 'x'");
    // The invitations family answers classic errors by default, with the rate-limit headers of a write.
    ApiResponse invitation = h.call("DELETE", "/invitations/gone");
    CHECK(Harness::body(invitation) == json{{"msg", "Record not found"}, {"detail", "Cannot find invitation 'gone'"}});
    CHECK(invitation.content_type == "application/json");
    CHECK(invitation.header("Fastly-RateLimit-Remaining") == "999");
    CHECK_FALSE(invitation.header("Fastly-RateLimit-Reset").empty());
}

TEST_CASE("legacy_roles=retired: every /roles path answers 404 with the classic body; /iam/v1/roles stays") {
    Harness h({}, role_seed());
    const std::string custom = h.role_id("Purge Operator");
    CHECK(h.call("GET", "/roles").status == 200);
    h.emulator.set_compat(switched("legacy_roles", "retired"));
    for (const auto& request :
         std::vector<std::pair<std::string, std::string>>{{"GET", "/roles"},
                                                          {"POST", "/roles"},
                                                          {"GET", "/roles/" + custom},
                                                          {"PATCH", "/roles/" + custom},
                                                          {"DELETE", "/roles/" + custom},
                                                          {"GET", "/roles/" + custom + "/permissions"},
                                                          {"POST", "/roles/" + custom + "/permissions"}}) {
        // Named copies, not structured bindings: doctest's CAPTURE is a lambda, and clang 14 cannot capture those.
        const std::string& method = request.first;
        const std::string& target = request.second;
        CAPTURE(method + " " + target);
        ApiResponse response = h.call(method, target, method == "GET" ? "" : "{}");
        CHECK(response.status == 404);
        CHECK(Harness::body(response) == json{{"msg", "Not found"}});
    }
    json role = h.get("/iam/v1/roles/" + custom + "?include=permissions");
    CHECK(role["permissions"] == json::array({"purge_all"}));
    CHECK_FALSE(role.contains("custom"));
    CHECK(h.get("/iam/v1/roles")["data"].size() == 8);
}

TEST_CASE("role rules: Superuser combines only with Security roles; role user cannot be service limited") {
    Harness h({}, role_seed());
    const std::string eng = h.emulator.with_store([](Store& s) { return s.user_by_login("eng@example.com")->id; });
    const std::string superuser = h.role_id("superuser");
    const std::string engineer = h.role_id("engineer");
    const std::string security = h.role_id("Security Admin");
    const std::string custom = h.role_id("Purge Operator");

    auto put = [&](const std::string& body) { return h.call("PUT", "/user/" + eng, body); };
    ApiResponse both = put("roles=" + superuser + "," + engineer);
    CHECK(both.status == 400);
    CHECK(Harness::body(both) ==
          json{{"msg", "Record invalid"},
               {"detail",
                "Role 'Superuser' cannot be combined with 'Engineer'; Superuser combines only with the Security "
                "(Next-Gen WAF) roles"}});
    CHECK(put("roles=" + superuser + "," + custom).status == 400);
    CHECK(put("roles=" + superuser + "," + security).status == 200);
    CHECK(put("roles=" + engineer).status == 200);
    // The legacy role superuser is the Superuser role: it takes no other role either.
    CHECK(put("role=superuser").status == 400);
    CHECK(put("role=superuser&roles=" + security).status == 200);

    ApiResponse limited = put("role=user&roles=&limit_services=true");
    CHECK(limited.status == 400);
    CHECK(Harness::body(limited) ==
          json{{"msg", "Record invalid"}, {"detail", "Role 'user' is not allowed to be service limited"}});
    CHECK(put("role=engineer&roles=&limit_services=true").status == 200);
    CHECK(put("name=Still Limited").status == 200);  // a change that touches no role is not judged

    CHECK(h.call("POST", "/user", "login=new@example.com&name=N&role=user&limit_services=true").status == 400);
    json invitation{
        {"data",
         {{"type", "invitation"}, {"attributes", {{"email", "i@example.com"}, {"roles", {superuser, engineer}}}}}}};
    CHECK(
        h.call("POST", "/invitations", invitation.dump(), default_superuser_token, "application/vnd.api+json").status ==
        400);
}

TEST_CASE("the compat switches: from the command line's form, over /_emulator/compat, with their errors") {
    Harness h;
    json current = Harness::body(h.call("GET", "/_emulator/compat", "", ""));
    CHECK(current == json{{"legacy_roles", "available"},
                          {"iam_envelope", "meta"},
                          {"page_size_max", 1000},
                          {"page_size_over", "reject"},
                          {"paging", "honoured"},
                          {"permissions_envelope", "data"},
                          {"list_entries", "full"},
                          {"group_counts", "documented"},
                          {"error_bodies", "classic"},
                          {"delete_user_with_tokens", "cascade"},
                          {"invitation_attributes", "full"},
                          {"service_auth_bulk_delete", "empty"},
                          {"delete_contact_user", "clear"},
                          {"ip_whitelist_empty", "none"},
                          {"events_default_sort", "-created_at"},
                          {"events_sort", "honoured"},
                          {"events_meta", "present"},
                          {"events_metadata", "subjects"}});
    ApiResponse set = h.call("PUT", "/_emulator/compat", R"({"iam_envelope":"array","page_size_max":"50"})", "");
    CHECK(set.status == 200);
    CHECK(Harness::body(set)["iam_envelope"] == "array");
    CHECK(Harness::body(set)["page_size_max"] == 50);
    ApiResponse bad = h.call("PUT", "/_emulator/compat", R"({"iam_envelope":"xml"})", "");
    CHECK(bad.status == 400);
    CHECK(Harness::body(bad)["detail"] == "compat iam_envelope: 'xml' is not one of meta, data, array");
    CHECK(Harness::body(h.call("PUT", "/_emulator/compat", R"({"nope":"x"})", ""))["detail"] ==
          "unknown compat switch 'nope'; the switches are legacy_roles, iam_envelope, page_size_max, "
          "page_size_over, "
          "paging, permissions_envelope, list_entries, group_counts, error_bodies, delete_user_with_tokens, "
          "invitation_attributes, service_auth_bulk_delete, delete_contact_user, ip_whitelist_empty, "
          "events_default_sort, events_sort, events_meta, events_metadata");
    CHECK(Harness::body(h.call("GET", "/_emulator/compat", "", ""))["page_size_max"] == 50);  // unchanged by errors
    Compat compat;
    CHECK_THROWS_WITH_AS(set_compat(compat, "page_size_max", "0"),
                         "compat page_size_max: '0' is not a number from 1 to 1000000", std::invalid_argument);
}

TEST_CASE("IAM list shapes: envelopes, page-size caps, ignored paging, bare entries, counts") {
    json seed{{"user_groups", json::array()}};
    for (int i = 0; i < 7; ++i) {
        seed["user_groups"].push_back({{"name", "g" + std::to_string(i)}, {"roles", {"engineer"}}});
    }
    Harness h({}, seed);
    const std::string group = h.get("/user-groups")["data"][0]["id"];

    h.emulator.set_compat(switched("iam_envelope", "data"));
    json data = h.get("/user-groups?per_page=3&page=3");
    CHECK(data == json{{"data", data["data"]}});
    CHECK(data["data"].size() == 1);
    h.emulator.set_compat(switched("iam_envelope", "array"));
    CHECK(h.get("/user-groups?per_page=3").size() == 3);

    Compat capped;
    capped.page_size_max = 2;
    h.emulator.set_compat(capped);
    ApiResponse refused = h.call("GET", "/user-groups?per_page=3");
    CHECK(refused.status == 400);
    CHECK(Harness::body(refused)["detail"] == "per_page must be an integer between 1 and 2");
    capped.page_size_over = Compat::PageSizeOver::clamp;
    h.emulator.set_compat(capped);
    json clamped = h.get("/user-groups?per_page=100&page=2");
    CHECK(clamped["data"].size() == 2);
    CHECK(clamped["meta"] == json{{"current_page", 2}, {"per_page", 2}, {"record_count", 7}, {"total_pages", 4}});
    CHECK(h.get("/user-groups")["data"].size() == 2);  // the default 20 is over the cap as well

    h.emulator.set_compat(switched("paging", "ignored"));
    json ignored = h.get("/user-groups?per_page=3&page=2");
    CHECK(ignored["data"].size() == 7);
    CHECK(ignored["meta"] == json{{"current_page", 1}, {"per_page", 7}, {"record_count", 7}, {"total_pages", 1}});

    h.emulator.set_compat(switched("paging", "first_page"));
    json first = h.get("/user-groups?per_page=3&page=2");
    CHECK(first["data"] == h.get("/user-groups?per_page=3")["data"]);
    CHECK(first["meta"] == json{{"current_page", 1}, {"per_page", 3}, {"record_count", 7}, {"total_pages", 3}});

    h.emulator.set_compat(switched("list_entries", "minimal"));
    CHECK(h.get("/user-groups/" + group + "/roles")["data"] == json::array({{{"id", h.role_id("engineer")}}}));

    h.emulator.set_compat(switched("group_counts", "none"));
    json bare = h.get("/user-groups/" + group);
    CHECK_FALSE(bare.contains("users_count"));
    CHECK_FALSE(bare.contains("roles_count"));
    h.emulator.set_compat(switched("group_counts", "all"));
    CHECK(h.get("/user-groups/" + group)["service_groups_count"] == 0);
    CHECK(h.get("/user-groups/" + group)["roles_count"] == 1);

    h.emulator.set_compat(switched("permissions_envelope", "array"));
    json permissions = h.get("/permissions");
    CHECK(permissions.is_array());
    CHECK(permissions.size() == 22);
    h.emulator.set_compat({});
    CHECK(h.get("/permissions?page=2&per_page=1")["data"].size() == 22);  // it takes no paging parameters
}

TEST_CASE("error_bodies=jsonapi: the IAM and JSON:API families answer {errors}; the classic family stays") {
    Harness h;
    h.emulator.set_compat(switched("error_bodies", "jsonapi"));
    ApiResponse group = h.call("GET", "/user-groups/x");
    CHECK(Harness::body(group) ==
          json{{"errors",
                {{{"title", "Record not found"}, {"status", "404"}, {"detail", "Cannot find usergroup 'x'"}}}}});
    CHECK(group.content_type == "application/json");
    CHECK(h.call("DELETE", "/invitations/x").content_type == "application/vnd.api+json");
    CHECK(Harness::body(h.call("GET", "/user/x"))["msg"] == "Record not found");
}

TEST_CASE("delete_user_with_tokens: the tokens go with the user, or the delete is refused") {
    json seed = role_seed();
    seed["tokens"] = {{"eng-token", "eng@example.com"}};
    Harness h({}, seed);
    const std::string eng = h.emulator.with_store([](Store& s) { return s.user_by_login("eng@example.com")->id; });
    h.emulator.set_compat(switched("delete_user_with_tokens", "refuse"));
    ApiResponse refused = h.call("DELETE", "/user/" + eng);
    CHECK(refused.status == 400);
    CHECK(Harness::body(refused)["detail"] ==
          "User 'eng@example.com' has API tokens; revoke them before deleting the user");
    h.emulator.set_compat({});
    CHECK(h.call("DELETE", "/user/" + eng).status == 200);
    CHECK(h.call("GET", "/current_user", "", "eng-token").status == 401);
}

TEST_CASE("src/emulator/README.md documents every compat switch with its values") {
    std::ifstream in(EMULATOR_README);
    REQUIRE(in);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const json defaults = to_json(Compat{});
    for (const std::string& key : compat_keys()) {
        CAPTURE(key);
        CHECK(text.find("| `" + key + "` |") != std::string::npos);
        if (defaults[key].is_string()) {
            // The default comes first in the values column.
            CHECK(text.find("| `" + key + "` | `" + defaults[key].get<std::string>() + "`") != std::string::npos);
        }
    }
}
