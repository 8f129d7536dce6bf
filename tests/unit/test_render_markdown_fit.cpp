#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fastly_accounts/render/render.hpp>
#include <string>

#include "../golden/sample_plans.hpp"

// The bound on a markdown rendering (render::Options::max_chars): what is kept, what is cut, and that the
// result is never longer than the bound.

using namespace fastly_accounts;
using plan::Action;
using plan::Stage;

namespace {

std::string bounded(const plan::Plan& plan, std::size_t max_chars, std::string url = "") {
    render::Options options(render::Mode::plan, false);
    options.max_chars = max_chars;
    options.full_plan_url = std::move(url);
    return testing::rendered(render::markdown, plan, options);
}

plan::Change change(Action action, model::Kind kind, std::string key, std::vector<std::string> sensitive = {}) {
    const Stage stage = action == Action::remove ? Stage::delete_people_and_groups : Stage::create_people;
    plan::Change c{stage, action, kind, std::move(key), action == Action::create ? "" : "id-1", {}, {}, {}, "", {}};
    c.fields.push_back({plan::Field::name, std::monostate{}, std::string("Somebody with a fairly long name")});
    c.requests.push_back({action == Action::remove ? "DELETE" : "POST", "/user"});
    c.sensitive = std::move(sensitive);
    return c;
}

// `creates` users created, `deletes` users deleted, one invitation made a superuser (sensitive) and
// `small` roles created: a plan with one large section and small ones.
plan::Plan large_plan(int creates, int deletes = 0, int small = 2) {
    plan::Plan p;
    for (int i = 0; i < small; ++i) {
        p.changes.push_back(change(Action::create, model::Kind::roles, "role-" + std::to_string(i)));
    }
    p.changes.push_back(change(Action::create, model::Kind::invitations, "boss@example.com",
                               {"privilege escalation: invited as superuser"}));
    for (int i = 0; i < creates; ++i) {
        p.changes.push_back(change(Action::create, model::Kind::users, fmt::format("user{:04}@example.com", i)));
    }
    for (int i = 0; i < deletes; ++i) {
        p.changes.push_back(change(Action::remove, model::Kind::users, fmt::format("gone{:04}@example.com", i)));
    }
    plan::summarize(p);
    return p;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool valid_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const std::size_t length = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

}  // namespace

TEST_CASE("render markdown bound: comment_length counts UTF-16 code units") {
    struct Case {
        const char* text;
        std::size_t length;
    };
    const Case cases[] = {
        {"", 0},
        {"plan", 4},
        {"zoë", 3},           // U+00EB: two bytes, one unit
        {"\xe2\x9c\x85", 1},  // U+2705 WHITE HEAVY CHECK MARK
        {"⚠️", 2},        // U+26A0 and the variation selector U+FE0F
        {"日本", 2},
        {"\xf0\x9f\x98\x80", 2},  // U+1F600, beyond the BMP: a surrogate pair
        {"a\nb", 3},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        CHECK(render::comment_length(c.text) == c.length);
    }
}

TEST_CASE("render markdown bound: a plan within the bound renders as without one") {
    const plan::Plan plans[] = {testing::every_change_plan(), testing::full_plan(), large_plan(40, 3)};
    for (const auto& p : plans) {
        const std::string whole = bounded(p, 0);
        CHECK(bounded(p, render::comment_length(whole)) == whole);
        CHECK(bounded(p, render::github_comment_limit) == whole);
        const std::string cut = bounded(p, render::comment_length(whole) - 1);
        CHECK(cut != whole);
        CHECK(render::comment_length(cut) <= render::comment_length(whole) - 1);
    }
}

TEST_CASE("render markdown bound: the largest section is cut, the summary and the sensitive change kept") {
    const plan::Plan p = large_plan(60, 5);
    REQUIRE(render::comment_length(bounded(p, 0)) > 6000);
    const std::string out = bounded(p, 6000);
    CHECK(render::comment_length(out) <= 6000 - 6000 / 64);
    // The summary: the table, the sensitive mark, every section's heading with its counts.
    CHECK(contains(out, "| 63 | 0 | 5 | 0 |"));
    CHECK(contains(out, "> - ⚠️ invitation 'boss@example.com': privilege escalation: invited as superuser\n"));
    CHECK(contains(out, "<details open><summary><b>Users</b>: 65 changes (60 create, 5 delete)</summary>"));
    // The small sections whole, the sensitive change whole in its section.
    CHECK(contains(out, "- **create** `role-0`\n"));
    CHECK(contains(out, "- **create** `role-1`\n"));
    CHECK(
        contains(out, "- **create** `boss@example.com`\n  - ⚠️ **privilege escalation: invited as superuser**\n"));
    // In the cut section, the deletions first, then the creations, then a line counting what was left out.
    const auto first_delete = out.find("- **delete** `gone0000@example.com`");
    const auto first_create = out.find("- **create** `user0000@example.com`");
    REQUIRE(first_delete != std::string::npos);
    REQUIRE(first_create != std::string::npos);
    CHECK(first_delete < first_create);
    CHECK(contains(out, "more changes not shown here ("));
    CHECK(!contains(out, "`user0059@example.com`"));
    // Said at the top, and pointed at the full plan at the end.
    CHECK(contains(out, "> [!NOTE]\n> Shortened to fit a comment of 6000 characters: "));
    CHECK(out.substr(out.rfind('\n', out.size() - 2) + 1) ==
          "*Shortened to fit 6000 characters;* the full plan: `fastly-accounts plan --format markdown "
          "--max-markdown-chars 0` (or the plan saved with `--out`).\n");
}

TEST_CASE("render markdown bound: the count of what is left out adds up") {
    const plan::Plan p = large_plan(100, 0, 0);
    const std::string out = bounded(p, 3000);
    std::size_t shown = 0;
    for (auto at = out.find("- **create** `user"); at != std::string::npos;
         at = out.find("- **create** `user", at + 1)) {
        ++shown;
    }
    CHECK(shown > 0);
    CHECK(contains(out, fmt::format("- … and {} more changes not shown here ({} create)\n", 100 - shown, 100 - shown)));
    CHECK(contains(out, fmt::format(": {} of 101 changes are not shown below.", 100 - shown)));
}

TEST_CASE("render markdown bound: a link to the full plan, its URL percent-encoded") {
    const std::string out = bounded(large_plan(60), 4000, "https://ci.example.com/run/1/artifact (plan)<x>");
    CHECK(contains(out,
                   "[the saved plan](https://ci.example.com/run/1/artifact%20%28plan%29%3Cx%3E), or "
                   "`fastly-accounts plan --format markdown --max-markdown-chars 0`"));
    // Not a web URL: not linked.
    CHECK(!contains(bounded(large_plan(60), 4000, "javascript:alert(1)"), "javascript"));
}

TEST_CASE("render markdown bound: sensitive changes that do not fit are said to be cut, loudly") {
    plan::Plan p;
    for (int i = 0; i < 200; ++i) {
        p.changes.push_back(change(
            Action::create, model::Kind::invitations, fmt::format("boss{:03}@example.com", i),
            {"privilege escalation: invited as superuser", "privilege escalation: invited with the Superuser role"}));
    }
    plan::summarize(p);
    // Room for every one on a line of its own: each mark shortened, none left out.
    const std::string compact = bounded(p, 30000);
    CHECK(render::comment_length(compact) <= 30000);
    CHECK(
        contains(compact, "> - ⚠️ invitation 'boss199@example.com': privilege escalation: invited as superuser; "));
    CHECK(contains(compact, "every sensitive change on one line of its own"));
    CHECK(!contains(compact, "CAUTION"));
    // No room for them all: as many as fit, and a caution on top.
    const std::string loud = bounded(p, 8000);
    CHECK(render::comment_length(loud) <= 8000);
    CHECK(loud.find("> [!CAUTION]\n> **Too large for a comment of 8000 characters, even with only its sensitive "
                    "changes: ") == loud.find('\n', loud.find('\n') + 1) + 2);
    CHECK(contains(loud, "> - ⚠️ invitation 'boss000@example.com'"));
    CHECK(contains(loud, "more sensitive marks not shown here\n"));
    CHECK(!contains(loud, "boss199@example.com"));
}

TEST_CASE("render markdown bound: never longer than the bound, whatever the names and the bound") {
    plan::Plan p = large_plan(30, 3);
    // A hostile name: long, with markup, a newline, a bidi override and characters beyond the BMP.
    const std::string hostile = "<b>*x*</b>\n\u202e" + std::string(30000, 'n') + "\U0001F600|`";
    p.changes.push_back(change(Action::update, model::Kind::users, hostile, {"unlocks the user " + hostile}));
    p.changes.push_back(change(Action::create, model::Kind::user_groups, hostile));
    p.unmanaged.push_back({model::Kind::users, hostile});
    p.notes.push_back(hostile);
    p.guards.push_back({"max_deletions", true, "refused: " + hostile});
    plan::summarize(p);
    for (std::size_t bound : {1, 2, 10, 100, 500, 1000, 1024, 2000, 5000, 20000, 65536}) {
        CAPTURE(bound);
        const std::string out = bounded(p, bound);
        CHECK(render::comment_length(out) <= bound);
        CHECK(valid_utf8(out));
        CHECK(!contains(out, "\u202e"));
        if (bound >= 1000) {
            CHECK(contains(out, "### fastly-accounts plan"));
            CHECK(contains(out, "the full plan: `fastly-accounts plan --format markdown --max-markdown-chars 0`"));
            CHECK((contains(out, "**refused** by `max_deletions`") ||
                   contains(out, "**Refused: this plan will not be applied.**")));
        }
    }
}

TEST_CASE("render markdown bound: unmanaged objects and notes are cut like sections") {
    plan::Plan p = large_plan(3, 0, 0);
    for (int i = 0; i < 300; ++i) {
        p.unmanaged.push_back({model::Kind::users, fmt::format("left{:03}@example.com", i)});
        p.notes.push_back(fmt::format("note number {} about something worth knowing", i));
    }
    const std::string out = bounded(p, 6000);
    CHECK(render::comment_length(out) <= 6000);
    CHECK(contains(out, "<details><summary><b>Unmanaged</b>: 300 objects left alone</summary>"));
    CHECK(contains(out, "<details><summary><b>Notes</b>: 300 notes</summary>"));
    CHECK(contains(out, "more unmanaged objects not shown here\n"));
    CHECK(contains(out, "more notes not shown here\n"));
    // The changes, a small section, stay whole.
    CHECK(contains(out, "- **create** `user0002@example.com`\n"));
    CHECK(contains(out, " of 300 unmanaged objects and "));
}
