#include <doctest/doctest.h>

#include <fastly_accounts/util/text_safety.hpp>

using namespace fastly_accounts;

TEST_CASE("find_disguising: controls, format characters and separators, by Unicode category") {
    CHECK_FALSE(util::find_disguising("Zoë Ångström <zoe@example.com>").has_value());
    CHECK_FALSE(util::find_disguising("Платформа 運用").has_value());
    CHECK(util::find_disguising(std::string("ad\0min", 6)) == U'\0');
    CHECK(util::find_disguising("ops\x1b[31m") == U'\x1b');
    CHECK(util::find_disguising("admin\u202Egpj.exe") == U'\u202E');  // RIGHT-TO-LEFT OVERRIDE
    CHECK(util::find_disguising("pay\u200Bpal") == U'\u200B');        // ZERO WIDTH SPACE
    CHECK(util::find_disguising("\uFEFFops") == U'\uFEFF');           // BOM
    CHECK(util::find_disguising("a\u2028b") == U'\u2028');            // LINE SEPARATOR
    CHECK(util::find_disguising("x\u0085y") == U'\u0085');            // NEXT LINE (C1)
    CHECK(util::find_disguising("tag\U000E0041") == U'\U000E0041');   // TAG LATIN CAPITAL LETTER A
    CHECK_FALSE(util::find_disguising("\xff\xfe").has_value());       // not UTF-8: not this check's business
}

TEST_CASE("describe_code_point names the character") {
    CHECK(util::describe_code_point(U'\u202E') == "U+202E RIGHT-TO-LEFT OVERRIDE");
    CHECK(util::describe_code_point(U'\u200B') == "U+200B ZERO WIDTH SPACE");
    CHECK(util::describe_code_point(U'\0') == "U+0000 <control-0000>");
}

TEST_CASE("escape_disguising and escape_disguising_json") {
    CHECK(util::escape_disguising("a\nb\tc\x1b"
                                  "d\u202Ee\u200Bf\U000E0041ë") == "a\\nb\\tc\\x1bd\\u202ee\\u200bf\\U000e0041ë");
    CHECK(util::escape_disguising("plain") == "plain");
    CHECK(util::escape_disguising_json("{\"k\": \"a\u202Eb\U000E0041 ë\x7f\"}") ==
          "{\"k\": \"a\\u202eb\\udb40\\udc41 ë\\u007f\"}");
}

TEST_CASE("escape_disguising shows bytes that are not UTF-8 as \\xNN") {
    CHECK(util::escape_disguising("caf\xe9 \xff\xfe ok") == "caf\\xe9 \\xff\\xfe ok");
    CHECK(util::escape_disguising("\xc3") == "\\xc3");                    // a sequence cut short
    CHECK(util::escape_disguising("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate, ill-formed in UTF-8
}

TEST_CASE("escape_excerpt: the first bytes, cut between characters, marked when cut") {
    CHECK(util::escape_excerpt("short", 10) == "short");
    CHECK(util::escape_excerpt("exactly10!", 10) == "exactly10!");
    CHECK(util::escape_excerpt("longer than ten", 10) == "longer tha…");
    CHECK(util::escape_excerpt("", 10).empty());
    // "ë" is 2 bytes: it does not fit in the last byte of the bound, and is not split.
    CHECK(util::escape_excerpt("abcdefghië", 10) == "abcdefghi…");
    // The bound counts the bytes sent, not the escapes shown.
    CHECK(util::escape_excerpt("\x1b\x1b\x1bX", 3) == "\\x1b\\x1b\\x1b…");
    CHECK(util::escape_excerpt("a\u202eb", 100) == "a\\u202eb");
    const std::string huge(64 << 20, '<');
    CHECK(util::escape_excerpt(huge, 4) == "<<<<…");
}
