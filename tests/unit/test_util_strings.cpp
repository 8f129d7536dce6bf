#include <doctest/doctest.h>

#include <fastly_accounts/util/strings.hpp>

using namespace fastly_accounts::util;

TEST_CASE("glob_match") {
    struct Case {
        const char* pattern;
        const char* text;
        bool ignore_case;
        bool expected;
    };
    const Case cases[] = {
        {"*@contractor.example.com", "ann@contractor.example.com", false, true},
        {"*@contractor.example.com", "ann@example.com", false, false},
        {"*@Contractor.example.com", "ann@contractor.EXAMPLE.com", true, true},
        {"*@Contractor.example.com", "ann@contractor.EXAMPLE.com", false, false},
        {"okta-*", "okta-", false, true},
        {"okta-*", "okta", false, false},
        {"team-?", "team-a", false, true},
        {"team-?", "team-ab", false, false},
        {"team-[ab]", "team-b", false, true},
        {"team-[!ab]", "team-b", false, false},
        {"team-[a-c]x", "team-cx", false, true},
        {"a\\*b", "a*b", false, true},
        {"a\\*b", "axb", false, false},
        {"[unclosed", "[unclosed", false, true},
        {"*", "", false, true},
        {"", "", false, true},
        {"", "x", false, false},
        {"a*b*c*d*e*f*g*h", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
    };
    for (const auto& c : cases) {
        CAPTURE(c.pattern);
        CAPTURE(c.text);
        CHECK(glob_match(c.pattern, c.text, c.ignore_case) == c.expected);
    }
}

TEST_CASE("find_invalid_utf8") {
    CHECK_FALSE(find_invalid_utf8("plain ascii").has_value());
    CHECK_FALSE(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80").has_value());
    CHECK(find_invalid_utf8("ab\xFF").value() == 2);
    CHECK(find_invalid_utf8("\xC0\xAF").value() == 0);          // overlong '/'
    CHECK(find_invalid_utf8("x\xED\xA0\x80").value() == 1);     // surrogate
    CHECK(find_invalid_utf8("\xF4\x90\x80\x80").value() == 0);  // above U+10FFFF
    CHECK(find_invalid_utf8("\xE2\x82").value() == 0);          // truncated
}

TEST_CASE("edit_distance and closest_match") {
    CHECK(edit_distance("name", "nmae") == 1);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("Engineer", "engineer") == 0);
    CHECK(closest_match("nmae", {"login", "name", "role"}) == "name");
    CHECK(closest_match("usres", {"users", "user_groups"}) == "users");
    CHECK_FALSE(closest_match("zzz", {"users", "roles"}).has_value());
}

TEST_CASE("to_lower, iequals, join, plural") {
    CHECK(to_lower("Alice@Example.COM") == "alice@example.com");
    CHECK(to_lower("\xC3\x89mile") == "\xC3\x89mile");  // non-ASCII bytes are left alone
    CHECK(iequals("ABC", "abc"));
    CHECK_FALSE(iequals("abc", "abcd"));
    CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
    CHECK(join({}, ", ").empty());
    CHECK(plural(1, "user", "users") == "1 user");
    CHECK(plural(0, "user", "users") == "0 users");
}
