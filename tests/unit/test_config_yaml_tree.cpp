#include <doctest/doctest.h>

#include <fastly_accounts/config/yaml_tree.hpp>

using namespace fastly_accounts::config;
using Type = YamlNode::Type;

namespace {

std::string first_message(const Diagnostics& diagnostics) {
    return diagnostics.empty() ? "" : format(diagnostics.sorted().front());
}

}  // namespace

TEST_CASE("plain scalars resolve with the YAML 1.2 core schema; quoted ones are strings") {
    struct Case {
        const char* value;
        Type expected;
    };
    const Case cases[] = {
        {"true", Type::boolean}, {"False", Type::boolean},   {"yes", Type::string},        {"on", Type::string},
        {"10", Type::integer},   {"-3", Type::integer},      {"0x1F", Type::integer},      {"1.5", Type::number},
        {"1e3", Type::number},   {".inf", Type::number},     {"'10'", Type::string},       {"\"true\"", Type::string},
        {"~", Type::null},       {"null", Type::null},       {"abc", Type::string},        {"6yrrdle", Type::string},
        {"1_000", Type::string}, {"!!str 10", Type::string}, {"2024-01-01", Type::string},
    };
    for (const auto& c : cases) {
        CAPTURE(c.value);
        Diagnostics diagnostics;
        auto document = parse_yaml(std::string("k: ") + c.value + "\n", "t.yaml", diagnostics);
        REQUIRE(document.has_value());
        const YamlNode& value = document->node(document->root().children.at(1));
        CHECK(value.type == c.expected);
    }
}

TEST_CASE("positions are 1-based and point at the node") {
    Diagnostics diagnostics;
    auto document = parse_yaml("version: 1\nusers:\n  - login: a@b.co\n", "t.yaml", diagnostics);
    REQUIRE(document.has_value());
    const YamlNode& root = document->root();
    REQUIRE(root.children.size() == 4);
    const YamlNode& users = document->node(root.children[3]);
    const YamlNode& first = document->node(users.children.at(0));
    const YamlNode& login = document->node(first.children.at(1));
    CHECK(login.text == "a@b.co");
    CHECK(login.line == 3);
    CHECK(login.column == 12);
}

TEST_CASE("aliases share one node and cost what they expand to") {
    Diagnostics diagnostics;
    auto document = parse_yaml("a: &x [1, 2]\nb: *x\n", "t.yaml", diagnostics);
    REQUIRE(document.has_value());
    const YamlNode& root = document->root();
    CHECK(root.children.at(1) == root.children.at(3));

    YamlLimits small;
    small.max_alias_expansion = 5;
    Diagnostics refused;
    CHECK_FALSE(parse_yaml("a: &x [1, 2]\nb: *x\nc: *x\n", "t.yaml", refused, small).has_value());
    CHECK(first_message(refused) ==
          "t.yaml:3:4: YAML aliases would expand to more than 5 nodes; refusing to expand them (an alias bomb?)");
}

TEST_CASE("hostile or broken input is refused with a located message") {
    struct Case {
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {"", "t.yaml: the file is empty; it needs at least `version: 1`"},
        {"a: 1\n\tb: 2\n", "t.yaml:2:1: tab character in indentation; YAML indents with spaces only"},
        {"a: \"\xC3\x28\"\n", "t.yaml:1:5: invalid UTF-8 (byte 0xC3); save the file as UTF-8"},
        {"a: [1, 2\n", "t.yaml:2:1: YAML syntax error: end of sequence flow not found"},
        {"a: 1\n---\nb: 2\n",
         "t.yaml:3:1: a second YAML document (after `---`); put each document in a file of its own"},
        {"? [a]\n: 1\n", "t.yaml:1:3: a mapping key must be a plain value, not a list or mapping"},
        {"a: !!binary aGVsbG8=\n",
         "t.yaml:1:4: unsupported YAML tag 'tag:yaml.org,2002:binary'; write the value without a tag"},
        {"a: *nope\n", "t.yaml:1:4: YAML syntax error: the referenced anchor is not defined"},
        {std::string(70, '[') + std::string(70, ']'),
         "t.yaml:1:65: nesting deeper than 64 levels; this format needs no more than 4"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        Diagnostics diagnostics;
        CHECK_FALSE(parse_yaml(c.text, "t.yaml", diagnostics).has_value());
        CHECK(first_message(diagnostics) == c.expected);
    }
}

TEST_CASE("a UTF-8 byte order mark is skipped") {
    Diagnostics diagnostics;
    CHECK(parse_yaml("\xEF\xBB\xBFversion: 1\n# a comment\n", "t.yaml", diagnostics).has_value());
    CHECK(diagnostics.empty());
}

TEST_CASE("parse_integer reads the core schema's integer forms") {
    CHECK(parse_integer("10") == 10);
    CHECK(parse_integer("-3") == -3);
    CHECK(parse_integer("+7") == 7);
    CHECK(parse_integer("0o17") == 15);
    CHECK(parse_integer("0x1F") == 31);
    CHECK_FALSE(parse_integer("1.0").has_value());
    CHECK_FALSE(parse_integer("0x").has_value());
    CHECK_FALSE(parse_integer("99999999999999999999").has_value());
    CHECK_FALSE(parse_integer("ten").has_value());
}
