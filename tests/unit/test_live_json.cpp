#include <doctest/doctest.h>

#include <fastly_accounts/live/json_parse.hpp>
#include <fastly_accounts/util/error.hpp>

using namespace fastly_accounts;
namespace json = fastly_accounts::live::json;

TEST_CASE("the four pagination styles") {
    SUBCASE("bare array: one page") {
        const json::Page page = json::bare_array_page(R"([{"id":"a"},{"id":"b"}])");
        CHECK(page.items.size() == 2);
        CHECK_FALSE(page.more);
    }
    SUBCASE("IAM: meta decides") {
        CHECK(json::iam_page(
                  R"({"data":[{"id":"a"}],"meta":{"current_page":1,"per_page":1,"record_count":2,"total_pages":2}})", 1)
                  .more);
        CHECK_FALSE(json::iam_page(R"({"data":[{"id":"a"}],"meta":{"current_page":2,"total_pages":2}})", 1).more);
        // Without meta any page but an empty one may have a successor: a short page may be the API's own
        // maximum page size (the IAM maximum is documented nowhere), not the end.
        CHECK(json::iam_page(R"({"data":[{"id":"a"},{"id":"b"}]})", 2).more);
        CHECK(json::iam_page(R"({"data":[{"id":"a"}]})", 2).more);
        CHECK_FALSE(json::iam_page(R"({"data":[]})", 2).more);
        // A bare array is read the same way (the IAM envelope is not documented either).
        CHECK(json::iam_page(R"([{"id":"a"}])", 100).items.size() == 1);
        CHECK(json::iam_page(R"([{"id":"a"}])", 100).more);
        CHECK_FALSE(json::iam_page(R"([])", 100).more);
        CHECK_FALSE(json::iam_page(R"({"data":[],"meta":{"current_page":1,"total_pages":5}})", 1).more);
        // The page the answer says it is, for a reader to notice an API that ignores `page`.
        const char* paged = R"({"data":[{"id":"a"}],"meta":{"current_page":1,"total_pages":5}})";
        CHECK(json::iam_page(paged, 1).current_page == 1);
        CHECK(json::iam_page(R"({"data":[{"id":"a"}]})", 1).current_page == 0);
        CHECK(json::iam_page(R"({"data":[{"id":"a"}]})", 7).asked_size == 7);
    }
    SUBCASE("JSON:API: links.next or meta") {
        CHECK(json::jsonapi_page(R"({"data":[{"id":"a"}],"links":{"next":"https://x/?page%5Bnumber%5D=2"},"meta":{}})")
                  .more);
        CHECK_FALSE(
            json::jsonapi_page(
                R"({"data":[{"id":"a"}],"links":{"last":"https://x"},"meta":{"current_page":1,"total_pages":1}})")
                .more);
        CHECK(json::jsonapi_page(R"({"data":[{"id":"a"}],"links":{},"meta":{"current_page":1,"total_pages":3}})").more);
        // The page count rides along for readers that fetch the later pages in parallel.
        CHECK(json::jsonapi_page(R"({"data":[{"id":"a"}],"links":{},"meta":{"current_page":1,"total_pages":3}})")
                  .total_pages == 3);
        CHECK(json::iam_page(R"({"data":[{"id":"a"}],"meta":{"current_page":1,"total_pages":7}})", 1).total_pages == 7);
        CHECK(json::iam_page(R"({"data":[{"id":"a"}],"meta":{"total_pages":-2}})", 1).total_pages == 0);
        CHECK(json::iam_page(R"({"data":[{"id":"a"}]})", 2).total_pages == 0);
    }
    SUBCASE("cursor: next_cursor") {
        const json::Page page = json::cursor_page(R"({"data":[{"id":"a"}],"limit":100,"next_cursor":"abc"})");
        CHECK(page.more);
        CHECK(page.next_cursor == "abc");
        CHECK_FALSE(json::cursor_page(R"({"data":[{"id":"a"}],"limit":100,"next_cursor":""})").more);
        CHECK_FALSE(json::cursor_page(R"({"data":[{"id":"a"}],"next_cursor":null})").more);
    }
}

TEST_CASE("a recorded user: nulls where booleans belong, unknown fields ignored") {
    const auto object = json::parse(R"({"id":"1Iyp7cXku3sEDtOBxnhLaL","created_at":"2022-11-04T18:02:15Z",
        "name":"test user","customer_id":"51MumwLiSJyFTWhtbByYgR","require_new_password":null,"role":"engineer",
        "login":"go-fastly-test+user+20221104@example.com","deleted_at":null,"locked":null,
        "two_factor_auth_enabled":null,"limit_services":false,"last_active_at":null})");
    const model::User user = json::user(object);
    CHECK(user.id == "1Iyp7cXku3sEDtOBxnhLaL");
    CHECK(user.login == "go-fastly-test+user+20221104@example.com");
    CHECK(user.role == model::UserRole::engineer);
    CHECK(user.locked == false);
    CHECK(user.require_new_password == false);
    CHECK(user.roles == std::vector<std::string>{});
}

TEST_CASE("invitations, roles, links") {
    const model::Invitation invitation = json::invitation(json::parse(R"({"id":"i1","type":"invitation",
        "attributes":{"email":"thelma@example.com","role":"engineer","roles":["r1"],"limit_services":true,
        "status_code":0,"created_at":"2024-01-01T00:00:00Z","deleted_at":null},"relationships":{}})"));
    CHECK(invitation.email == "thelma@example.com");
    CHECK(invitation.roles == std::vector<std::string>{"r1"});
    CHECK_FALSE(invitation.active);
    CHECK(invitation.created_at == "2024-01-01T00:00:00Z");
    CHECK(invitation.limit_services == true);
    // What the answer leaves out is unknown, not "none".
    const model::Invitation bare = json::invitation(json::parse(R"({"id":"i2","type":"invitation",
        "attributes":{"email":"x@example.com","status_code":1}})"));
    CHECK_FALSE(bare.role.has_value());
    CHECK_FALSE(bare.roles.has_value());
    CHECK_FALSE(bare.limit_services.has_value());

    const model::CatalogRole role = json::catalog_role(
        json::parse(R"({"id":"r","name":"tls_viewer","display_name":"TLS Viewer","custom":false})"));
    CHECK(role.display_name == "TLS Viewer");
    CHECK_FALSE(role.custom);

    const live::Link member = json::link(live::Relation::user_group_members,
                                         json::parse(R"({"id":"i9","object":"invitation","email":"x@example.com"})"));
    CHECK(member.type == "invitation");
    CHECK(member.name == "x@example.com");
    const live::Link user = json::link(live::Relation::user_group_members,
                                       json::parse(R"({"id":"u1","login":"a@b.co"})"));
    CHECK(user.type == "user");
    CHECK(user.name == "a@b.co");
}

TEST_CASE("error bodies in all three formats") {
    CHECK(json::error_message(R"({"msg":"Record not found","detail":"Cannot find user 'x'"})") ==
          "Record not found (Cannot find user 'x')");
    CHECK(json::error_message(R"({"msg":"Provided credentials are missing or invalid"})") ==
          "Provided credentials are missing or invalid");
    CHECK(json::error_message(R"({"errors":[{"title":"Not found","detail":"gone"},{"title":"Bad"}]})") ==
          "Not found (gone); Bad");
    CHECK(json::error_message(R"({"title":"Forbidden","detail":"no","status":403,"type":"about:blank"})") ==
          "Forbidden (no)");
    CHECK(json::error_message("<html>502</html>").empty());
    CHECK(json::error_message(R"({"msg":1e999})").empty());  // found by fuzzing: a number no double holds
    CHECK(json::error_message(R"({"msg":42})") == "42");
    CHECK(json::error_message(R"({"msg":{"nested":true}})").empty());
}

TEST_CASE("malformed bodies are errors that say what was expected") {
    // Where the parser stopped, never its own message: the caller describes what the body held.
    CHECK_THROWS_WITH_AS(json::parse("{"), "cut short", json::NotJsonError);
    CHECK_THROWS_WITH_AS(json::parse("{\"a\":,}"), "invalid at byte 6", json::NotJsonError);
    CHECK_THROWS_WITH_AS(json::parse("<html>"), "invalid at byte 1", json::NotJsonError);
    CHECK_THROWS_WITH_AS(json::parse("[1e999]"), "a number out of range", json::NotJsonError);
    CHECK_THROWS_WITH_AS(json::parse(""), "cut short", json::NotJsonError);
    // A document past the bounds is refused while it is parsed, so what it could cost stays bounded.
    std::string many = "[";
    for (std::size_t i = 0; i < json::max_answer_values; ++i) {
        many += "0,";
    }
    many += "0]";
    CHECK_THROWS_WITH_AS(json::parse(many),
                         "the answer holds more than 8000000 JSON values or 1000000 objects and arrays, more than any "
                         "answer of the API; it was not read",
                         util::Error);
    std::string objects = "[";
    for (std::size_t i = 0; i < json::max_answer_containers; ++i) {
        objects += "{},";
    }
    objects += "{}]";  // one past the bound, with the array around them
    CHECK_THROWS_AS(json::parse(objects), util::Error);
    objects.erase(1, 6);  // the array and 999,999 objects: exactly the bound
    CHECK(json::parse(objects).size() == json::max_answer_containers - 1);
    // Deep nesting is parsed and freed without recursion: a million levels cost their containers only.
    const std::size_t levels = json::max_answer_containers - 1;
    CHECK(json::parse(std::string(levels, '[') + std::string(levels, ']')).is_array());
    CHECK_THROWS_WITH_AS(json::bare_array_page(R"({"data":[]})"), "expected the response to be a list, got object",
                         util::Error);
    CHECK_THROWS_WITH_AS(json::user(json::parse(R"({"id":"u","login":["a"]})")),
                         "field 'login' is array, expected a string", util::Error);
    CHECK_THROWS_WITH_AS(json::iam_page(R"({"data":{}})", 10), "expected data to be a list, got object", util::Error);
}

TEST_CASE("Link headers: the rel=\"next\" target, in any order and spelling") {
    // As recorded for GET /service (go-fastly fixtures/services/list_paginator.yaml): last before next.
    CHECK(json::link_next(R"(<https://api.fastly.com/service?direction=descend&page=51&per_page=1&sort=created>; )"
                          R"(rel="last", )"
                          R"(<https://api.fastly.com/service?direction=descend&page=2&per_page=1&sort=created>; )"
                          R"(rel="next")") ==
          "https://api.fastly.com/service?direction=descend&page=2&per_page=1&sort=created");
    CHECK(json::link_next(R"(<http://h/service?page=1>; rel="first", <http://h/service?page=2>;rel=next)") ==
          "http://h/service?page=2");
    CHECK(json::link_next(R"(<http://h/a?page=3>; REL="Next")") == "http://h/a?page=3");
    CHECK(json::link_next(R"(<http://h/a?page=9>; rel="last")").empty());
    CHECK(json::link_next(R"(<http://h/a?page=9>; rel="nextish")").empty());
    CHECK(json::link_next("").empty());
    CHECK(json::link_next("<unterminated; rel=\"next\"").empty());
}

TEST_CASE("a list answered whole: a bare array or {data}, meta ignored") {
    CHECK(json::whole_list(R"([{"id":"p1"},{"id":"p2"}])").size() == 2);
    CHECK(json::whole_list(R"({"data":[{"id":"p1"}],"meta":{"current_page":1,"total_pages":9}})").size() == 1);
    CHECK(json::whole_list(R"({"meta":{}})").empty());
    CHECK_THROWS_WITH_AS(json::whole_list(R"("x")"), "expected a list as a JSON object, got string", util::Error);
}

TEST_CASE("group entries carry their sub-lists' counts when the API gives them") {
    const live::NamedObject group = json::named_object(json::parse(
        R"({"id":"g","name":"SRE","users_count":2,"invitations_count":1,"roles_count":0,"object":"user_group"})"));
    CHECK(group.counts.members == 3);
    CHECK(group.counts.roles == 0);
    CHECK(group.counts.service_groups == -1);  // not in Fastly's user-group model
    CHECK(group.counts.services == -1);
    // Members are known only when both counts are: users alone say nothing of invitations.
    CHECK(json::named_object(json::parse(R"({"id":"g","users_count":0})")).counts.members == -1);
    CHECK(json::named_object(json::parse(R"({"id":"g","users_count":-1,"invitations_count":0})")).counts.members == -1);
    CHECK(json::named_object(json::parse(R"({"id":"g","users_count":"2","invitations_count":0})")).counts.members ==
          -1);
    CHECK(json::named_object(json::parse(R"({"id":"s","services_count":0})")).counts.services == 0);
    CHECK(json::named_object(json::parse(R"({"id":"g","users_count":9223372036854775807,"invitations_count":1})"))
              .counts.members == -1);
}

TEST_CASE("the permissions of GET /iam/v1/roles/{id}?include=permissions") {
    const char* names = R"({"id":"r","name":"P","permissions":["purge_all","purge_select"]})";
    CHECK(json::role_permission_names(json::parse(names)) == std::vector<std::string>{"purge_all", "purge_select"});
    const char* objects = R"({"data":{"id":"r","permissions":[{"id":"p1","name":"purge_all"},{"id":"p2"}]}})";
    CHECK(json::role_permission_names(json::parse(objects)) == std::vector<std::string>{"purge_all", "p2"});
    CHECK(json::role_permission_names(json::parse(R"({"id":"r"})")).empty());
    CHECK_THROWS_WITH_AS(json::role_permission_names(json::parse(R"({"permissions":[1]})")),
                         "expected permissions to hold names, got number", util::Error);
}

TEST_CASE("list entries with nothing but an id") {
    const live::Link member = json::link(live::Relation::user_group_members, json::parse(R"({"id":"u1"})"));
    CHECK(member.id == "u1");
    CHECK(member.name.empty());
    CHECK(json::link(live::Relation::user_group_roles, json::parse(R"({"id":"r1"})")).id == "r1");
}

TEST_CASE("an object whose id a request would carry has one, or is malformed") {
    // Before, a customer without an id made the next request GET /customer//users.
    using Read = void (*)(const json::json&);
    struct Case {
        const char* what;
        Read read;
    };
    const Case cases[] = {
        {"a customer", [](const json::json& o) { (void)json::customer(o); }},
        {"the token's user", [](const json::json& o) { (void)json::token_user(o); }},
        {"a user", [](const json::json& o) { (void)json::user(o); }},
        {"an invitation", [](const json::json& o) { (void)json::invitation(o); }},
        {"a role", [](const json::json& o) { (void)json::catalog_role(o); }},
        {"a permission", [](const json::json& o) { (void)json::permission(o); }},
        {"a service", [](const json::json& o) { (void)json::service(o); }},
        {"a group or role", [](const json::json& o) { (void)json::named_object(o); }},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const std::string missing = std::string(c.what) + " without an \"id\"";
        const std::string empty = std::string(c.what) + " with an empty \"id\"";
        CHECK_THROWS_WITH_AS(c.read(json::parse(R"({"name":"n","login":"a@b.co"})")), missing.c_str(), util::Error);
        CHECK_THROWS_WITH_AS(c.read(json::parse(R"({"id":null,"name":"n"})")), missing.c_str(), util::Error);
        CHECK_THROWS_WITH_AS(c.read(json::parse(R"({"id":"","name":"n"})")), empty.c_str(), util::Error);
        CHECK_NOTHROW(c.read(json::parse(R"({"id":"x1","name":"n","login":"a@b.co"})")));
        // Ids seen as numbers are read as their text.
        CHECK_NOTHROW(c.read(json::parse(R"({"id":17,"name":"n"})")));
    }
    // A list entry may be named without an id (readers fall back on the name), not with neither.
    CHECK(json::link(live::Relation::user_group_members, json::parse(R"({"login":"a@b.co"})")).name == "a@b.co");
    CHECK_THROWS_WITH_AS(json::link(live::Relation::user_group_roles, json::parse(R"({"description":"x"})")),
                         "a list entry with neither an \"id\" nor a name", util::Error);
}
