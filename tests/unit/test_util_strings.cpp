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
        // By character, not byte: "ë" is two bytes of UTF-8, "😀" four.
        {"zo?@example.com", "zo\xC3\xAB@example.com", false, true},
        {"zo??@example.com", "zo\xC3\xAB@example.com", false, false},
        {"?", "\xF0\x9F\x98\x80", false, true},
        {"[\xC3\xA0-\xC3\xBF]x", "\xC3\xABx", false, true},  // [à-ÿ] holds ë
        {"[!\xC3\xAB]", "\xC3\xAB", false, false},
        {"*\xC3\xAB", "zo\xC3\xAB", false, true},
        // Unicode case folding when ignoring case.
        {"ZO\xC3\x8B@*", "zo\xC3\xAB@example.com", true, true},  // ZOË@* matches zoë@
        {"ZO\xC3\x8B@*", "zo\xC3\xAB@example.com", false, false},
        {"zo?@*", "ZOE\xCC\x88@example.com", true, true},  // a decomposed Ë is one character
        {"*@stra\xC3\x9F"
         "e.example",
         "ann@STRASSE.example", true, true},  // ß folds to ss
        {"\xC4\xB1*", "i", true, false},      // dotless ı is not i
        // Not UTF-8: each stray byte is one character and matches only itself.
        {"a?b",
         "a\xFF"
         "b",
         false, true},
        {"a?b",
         "a\xFF\xFE"
         "b",
         false, false},
        {"a\xFF*", "a\xFFz", true, true},
    };
    for (const auto& c : cases) {
        CAPTURE(c.pattern);
        CAPTURE(c.text);
        CHECK(glob_match(c.pattern, c.text, c.ignore_case) == c.expected);
    }
}

TEST_CASE("glob_problem: patterns that cannot match as written") {
    struct Case {
        const char* pattern;
        bool ignore_case;
        const char* problem;  // nullptr: well formed
    };
    const char* const unclosed = "'[' opens a set of characters that no ']' closes; write '\\[' for a literal '['";
    const char* const backwards =
        "a range in a [set] runs backwards (its first character comes after its last), so it matches nothing";
    const Case cases[] = {
        {"*@contractor.example.com", false, nullptr},
        {"team-[a-c]x", false, nullptr},
        {"team-[!ab]", false, nullptr},
        {"[]]", false, nullptr},  // a ']' first in a set is a member
        {"a\\[b", false, nullptr},
        {"a\\\\", false, nullptr},
        {"[\xC3\xA0-\xC3\xBF]", false, nullptr},  // [à-ÿ], by code point
        {"", false, nullptr},
        {"[unclosed", false, unclosed},
        {"okta-[ab", false, unclosed},
        {"[]", false, unclosed},
        {"[!]", false, unclosed},
        {"team-[z-a]", false, backwards},
        {"[Z-a]", false, nullptr},
        {"[Z-a]", true, backwards},  // folded as it is matched: [z-a]
        {"trailing\\", false, "it ends with a lone '\\', which escapes nothing; write '\\\\' for a backslash"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.pattern);
        const auto problem = glob_problem(c.pattern, c.ignore_case);
        if (c.problem == nullptr) {
            CHECK_FALSE(problem.has_value());
        } else {
            REQUIRE(problem.has_value());
            CHECK(*problem == c.problem);
        }
    }
}

TEST_CASE("fold_case: full Unicode case folding of canonical equivalents") {
    struct Case {
        const char* what;
        const char* a;
        const char* b;
        bool same;
    };
    const Case cases[] = {
        {"ASCII", "Alice@Example.COM", "alice@example.com", true},
        {"ZO\u00cb and zo\u00eb", "ZO\xC3\x8B@example.com", "zo\xC3\xAB@example.com", true},
        {"composed and decomposed \u00eb", "zo\xC3\xAB@example.com", "zoe\xCC\x88@example.com", true},
        {"decomposed \u00cb and composed \u00eb", "ZOE\xCC\x88@example.com", "zo\xC3\xAB@example.com", true},
        {"\u00e9 is not e", "jos\xC3\xA9@example.com", "jose@example.com", false},
        {"full folding: \u00df is ss",
         "stra\xC3\x9F"
         "e@example.com",
         "STRASSE@example.com", true},
        {"\u1e9e (capital sharp s) is ss", "\xE1\xBA\x9E", "ss", true},
        {"Greek final sigma folds to sigma", "\xCF\x82", "\xCF\x83", true},
        {"Cyrillic", "\xD0\x90\xD0\x9D\xD0\x9D\xD0\x90", "\xD0\xB0\xD0\xBD\xD0\xBD\xD0\xB0", true},
        {"Kelvin sign is k", "\xE2\x84\xAA", "k", true},
        // Turkish, stated: the default folding, not the Turkic one.
        {"I is i", "I", "i", true},
        {"dotless \u0131 is not i", "\xC4\xB1", "i", false},
        {"dotless \u0131 is not I", "\xC4\xB1", "I", false},
        {"\u0130 is not i", "\xC4\xB0", "i", false},
        {"\u0130 is i + U+0307", "\xC4\xB0", "i\xCC\x87", true},
        {"full folding: the ligature \ufb01 is fi", "\xEF\xAC\x81", "fi", true},
        {"no compatibility mapping: fullwidth A is not A", "\xEF\xBC\xA1", "a", false},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        CHECK((fold_case(c.a) == fold_case(c.b)) == c.same);
    }
    CHECK(fold_case("ZO\xC3\x8B@Example.com") == "zo\xC3\xAB@example.com");  // NFC out, one code point
    CHECK(fold_case("") == "");
    CHECK(fold_case("A\xFF\xC3") == "a\xFF\xC3");  // not UTF-8: ASCII lowered, the rest kept as it is
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

TEST_CASE("did_you_mean: a case difference first (Unicode too), then the closest spelling") {
    // "ÉQUIPE" and "équipe" differ only in case, which the ASCII-only edit distance counts as one edit,
    // as many as "ÉQUIPO" listed first: the case match wins.
    CHECK(closest_match("\xC3\x89QUIPE", {"\xC3\x89QUIPO", "\xC3\xA9quipe"}) == "\xC3\x89QUIPO");
    CHECK(did_you_mean("\xC3\x89QUIPE", {"\xC3\x89QUIPO", "\xC3\xA9quipe"}) == "; did you mean '\xC3\xA9quipe'?");
    CHECK(did_you_mean("nmae", {"login", "name"}) == "; did you mean 'name'?");
    CHECK(did_you_mean("zzz", {"users"}).empty());
    CHECK(did_you_mean("zzz", {"users"}, "expected one of users") == "; expected one of users");
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
