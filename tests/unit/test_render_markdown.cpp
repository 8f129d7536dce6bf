#include <doctest/doctest.h>

#include <fastly_accounts/render/render.hpp>
#include <string>

#include "../golden/sample_plans.hpp"

// Golden files: tests/golden/*.md. Regenerate with FA_UPDATE_GOLDEN=1 (see sample_plans.hpp).

using namespace fastly_accounts;
using render::Mode;

namespace {

std::string markdown_of(const plan::Plan& plan, Mode mode = Mode::plan) {
    return testing::rendered(render::markdown, plan, render::Options{mode, false});
}

plan::Plan with_key(std::string key) {
    plan::Plan p;
    p.changes.push_back({plan::Stage::create_user_groups,
                         plan::Action::create,
                         model::Kind::user_groups,
                         std::move(key),
                         "",
                         {},
                         {},
                         {{"POST", "/user-groups"}},
                         "",
                         {}});
    plan::summarize(p);
    return p;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("render markdown: golden files") {
    struct Case {
        const char* golden;
        plan::Plan plan;
        Mode mode;
    };
    const Case cases[] = {
        {"empty-plan.md", testing::empty_plan(), Mode::plan},
        {"plan.md", testing::full_plan(), Mode::plan},
        {"refused-plan.md", testing::refused_plan(), Mode::plan},
        {"unmanaged-plan.md", testing::unmanaged_plan(), Mode::plan},
        {"drift.md", testing::full_plan(), Mode::drift},
        {"empty-drift.md", testing::empty_plan(), Mode::drift},
        {"every-change-plan.md", testing::every_change_plan(), Mode::plan},
        {"every-change-drift.md", testing::every_change_plan(), Mode::drift},
    };
    for (const auto& c : cases) {
        CAPTURE(c.golden);
        testing::check_golden(c.golden, markdown_of(c.plan, c.mode));
    }
}

TEST_CASE("render markdown: an empty plan is a title and one line") {
    CHECK(markdown_of(testing::empty_plan()) ==
          "<!-- fastly-accounts plan -->\n### fastly-accounts plan\n\nNo changes. The account matches the "
          "files.\n");
    CHECK(markdown_of(testing::empty_plan(), Mode::drift) ==
          "<!-- fastly-accounts drift -->\n### fastly-accounts drift\n\nNo drift: the account matches the "
          "files.\n");
}

TEST_CASE("render markdown: text from the files is escaped") {
    struct Case {
        const char* note;
        const char* expected;
    };
    const Case cases[] = {
        {"a|b", "- a\\|b\n"},
        {"*bold* _it_ ~strike~", "- \\*bold\\* \\_it\\_ \\~strike\\~\n"},
        {"<img src=x onerror=alert(1)>", "- \\<img src=x onerror=alert(1)\\>\n"},
        {"[link](https://example.com) `code` $x$ &amp; \\",
         "- \\[link\\](https://example.com) \\`code\\` \\$x\\$ \\&amp; \\\\\n"},
        {"line\nbreak", "- line\\\\nbreak\n"},
    };
    for (const auto& c : cases) {
        plan::Plan p = testing::empty_plan();
        p.notes = {c.note};
        CAPTURE(c.note);
        CHECK(contains(markdown_of(p), c.expected));
    }
}

TEST_CASE("render markdown: keys and values are code spans that survive backticks") {
    struct Case {
        const char* key;
        const char* expected;
    };
    const Case cases[] = {
        {"a|b *c* _d_ <e>", "- **create** `a|b *c* _d_ <e>`\n"},
        {"a`b", "- **create** ``a`b``\n"},
        {"`x`", "- **create** `` `x` ``\n"},
        {" padded", "- **create** `  padded `\n"},
        {"", "- **create** *empty*\n"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.key);
        CHECK(contains(markdown_of(with_key(c.key)), c.expected));
    }
}

TEST_CASE("render markdown: guards on top") {
    const std::string refused = markdown_of(testing::refused_plan());
    CHECK(contains(refused,
                   "### fastly-accounts plan\n\n> [!CAUTION]\n> **Refused: this plan will not be applied.**\n"
                   ">\n> - `protected`: the plan updates bob@example.com (listed in policy.protected); "
                   "deletes owner@example.com (the account owner)\n"));
    CHECK(contains(refused, "**Safety guards**\n\n- ✅ `customer_id`: the files name no customer\\_id\n"));
    CHECK_FALSE(contains(markdown_of(testing::full_plan()), "CAUTION"));
}

TEST_CASE("render markdown: summary table and sections") {
    const std::string out = markdown_of(testing::full_plan());
    CHECK(contains(out,
                   "| Create | Update | Delete | Replace | Write requests |\n"
                   "| ---: | ---: | ---: | ---: | :--- |\n"
                   "| 5 | 4 | 5 | 1 | 25 of 1000 per hour assumed, Fastly's default |\n"));
    // Sections that delete something are open; the rest are folded.
    CHECK(contains(out, "<details open><summary><b>Users</b>: 3 changes (1 create, 1 update, 1 delete)</summary>\n"));
    CHECK(contains(out,
                   "<details open><summary><b>Invitations</b>: 3 changes (1 create, 1 delete, 1 replace)</summary>\n"));
    CHECK(contains(out, "  - `members`: remove `mallory@example.com`\n"));
    plan::Plan additions_only = with_key("G");
    CHECK(
        contains(markdown_of(additions_only), "<details><summary><b>User groups</b>: 1 change (1 create)</summary>\n"));
}
