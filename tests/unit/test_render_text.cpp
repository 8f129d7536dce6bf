#include <doctest/doctest.h>

#include <fastly_accounts/render/render.hpp>
#include <string>

#include "../golden/sample_plans.hpp"

// Golden files: tests/golden/*.txt. Regenerate with FA_UPDATE_GOLDEN=1 (see sample_plans.hpp).

using namespace fastly_accounts;
using render::Mode;

namespace {

std::string text_of(const plan::Plan& plan, Mode mode = Mode::plan, bool color = false) {
    return testing::rendered(render::text, plan, render::Options{mode, color});
}

// A plan with one change and the given summary, for the closing line alone.
plan::Plan summarized(std::size_t create, std::size_t update, std::size_t remove, std::size_t replace,
                      std::size_t writes, std::optional<long long> remaining = std::nullopt) {
    plan::Plan p;
    p.changes.push_back({plan::Stage::create_people,
                         plan::Action::create,
                         model::Kind::users,
                         "a@example.com",
                         "",
                         {},
                         {},
                         {{"POST", "/user"}},
                         "",
                         {}});
    p.summary = {create, update, remove, replace, writes, 0, 1000, remaining};
    return p;
}

std::string last_line(const std::string& text) {
    const std::string trimmed = text.substr(0, text.size() - 1);
    return trimmed.substr(trimmed.rfind('\n') + 1);
}

}  // namespace

TEST_CASE("render text: golden files") {
    struct Case {
        const char* golden;
        plan::Plan plan;
        Mode mode;
        bool color;
    };
    const Case cases[] = {
        {"empty-plan.txt", testing::empty_plan(), Mode::plan, false},
        {"plan.txt", testing::full_plan(), Mode::plan, false},
        {"plan-color.txt", testing::full_plan(), Mode::plan, true},
        {"refused-plan.txt", testing::refused_plan(), Mode::plan, false},
        {"unmanaged-plan.txt", testing::unmanaged_plan(), Mode::plan, false},
        {"drift.txt", testing::full_plan(), Mode::drift, false},
        {"drift-color.txt", testing::full_plan(), Mode::drift, true},
        {"empty-drift.txt", testing::empty_plan(), Mode::drift, false},
        {"every-change-plan.txt", testing::every_change_plan(), Mode::plan, false},
        {"every-change-plan-color.txt", testing::every_change_plan(), Mode::plan, true},
        {"every-change-drift.txt", testing::every_change_plan(), Mode::drift, false},
    };
    for (const auto& c : cases) {
        CAPTURE(c.golden);
        testing::check_golden(c.golden, text_of(c.plan, c.mode, c.color));
    }
}

TEST_CASE("render text: escape codes only with colour") {
    const plan::Plan plans[] = {testing::empty_plan(), testing::full_plan(), testing::refused_plan(),
                                testing::unmanaged_plan(), testing::every_change_plan()};
    for (const auto& p : plans) {
        for (Mode mode : {Mode::plan, Mode::drift}) {
            CHECK(text_of(p, mode, false).find('\x1b') == std::string::npos);
        }
    }
    const std::string coloured = text_of(testing::full_plan(), Mode::plan, true);
    CHECK(coloured.find("\x1b[32m+ role 'Purge Operator'\x1b[0m\n") != std::string::npos);
    CHECK(coloured.find("\x1b[33m~ user 'alice@example.com'\x1b[0m\n") != std::string::npos);
    CHECK(coloured.find("\x1b[31m- user 'mallory@example.com'\x1b[0m\n") != std::string::npos);
    CHECK(coloured.find("\x1b[1mStage 1: create or update custom roles and service groups\x1b[0m\n") !=
          std::string::npos);
}

TEST_CASE("render text: the closing line") {
    struct Case {
        plan::Plan plan;
        Mode mode;
        const char* expected;
    };
    const Case cases[] = {
        {summarized(1, 0, 0, 0, 1), Mode::plan,
         "Plan: 1 to create, 0 to update, 0 to delete, 0 to replace; 1 write request (of 1000 per hour assumed, "
         "Fastly's default)."},
        {summarized(2, 3, 1, 1, 14), Mode::plan,
         "Plan: 2 to create, 3 to update, 1 to delete, 1 to replace; 14 write requests (of 1000 per hour assumed, "
         "Fastly's default)."},
        {summarized(0, 1, 0, 0, 0), Mode::plan,
         "Plan: 0 to create, 1 to update, 0 to delete, 0 to replace; 0 write requests (of 1000 per hour assumed, "
         "Fastly's default)."},
        {summarized(2, 3, 1, 1, 14, 950), Mode::plan,
         "Plan: 2 to create, 3 to update, 1 to delete, 1 to replace; 14 write requests (950 left in the current "
         "hour, as the API said)."},
        {summarized(2, 3, 1, 1, 14), Mode::drift,
         "Drift: 2 missing from the account, 3 changed, 1 not in the files, 1 to re-create; fixing it takes "
         "14 write "
         "requests (of 1000 per hour assumed, Fastly's default)."},
        {summarized(0, 0, 1, 0, 1), Mode::drift,
         "Drift: 0 missing from the account, 0 changed, 1 not in the files, 0 to re-create; fixing it takes "
         "1 write "
         "request (of 1000 per hour assumed, Fastly's default)."},
        {summarized(1200, 0, 0, 0, 1200), Mode::plan,
         "Warning: 1200 write requests are more than the 1000 per hour Fastly allows by default; apply will "
         "meet the rate limit before it finishes."},
        {summarized(20, 0, 0, 0, 20, 5), Mode::plan,
         "Warning: 20 write requests are more than the 5 left in the current hour; apply will meet the rate "
         "limit "
         "before it finishes."},
        {testing::empty_plan(), Mode::plan, "No changes. The account matches the files."},
        {testing::empty_plan(), Mode::drift, "No drift: the account matches the files."},
    };
    for (const auto& c : cases) {
        CHECK(last_line(text_of(c.plan, c.mode)) == c.expected);
    }
}

TEST_CASE("render text: an empty plan is one line") {
    CHECK(text_of(testing::empty_plan()) == "No changes. The account matches the files.\n");
    CHECK(text_of(testing::empty_plan(), Mode::drift) == "No drift: the account matches the files.\n");
    CHECK(text_of(plan::Plan{}) == "No changes. The account matches the files.\n");
}

TEST_CASE("render text: tripped guards come first, and their status last") {
    const std::string out = text_of(testing::refused_plan());
    CHECK(out.rfind("Refused: this plan will not be applied.\n"
                    "  protected: the plan updates bob@example.com (listed in policy.protected); deletes "
                    "owner@example.com (the account owner)\n"
                    "  min_superusers: 0 superusers who can act after the plan; policy.min_superusers is 1\n\n",
                    0) == 0);
    CHECK(out.find("Guards: refused by protected, min_superusers; passed: customer_id, max_deletions, "
                   "max_removals.\n") != std::string::npos);
    CHECK(text_of(testing::full_plan())
              .find("Guards: passed: customer_id, protected, max_deletions, max_removals, min_superusers.\n") !=
          std::string::npos);
}

TEST_CASE("render text: lists and values") {
    using List = std::vector<std::string>;
    plan::Plan p;
    List many;
    for (int i = 1; i <= 12; ++i) {
        many.push_back("member" + std::to_string(i) + "@example.com");
    }
    p.changes.push_back({plan::Stage::create_user_groups,
                         plan::Action::update,
                         model::Kind::user_groups,
                         "G",
                         "g1",
                         {{plan::Field::description, std::monostate{}, std::string("x")}},
                         {{plan::Field::members, {"a", "b"}, {"c"}}, {plan::Field::roles, many, {}}},
                         {},
                         "",
                         {}});
    plan::summarize(p);
    const std::string out = text_of(p);
    // An update whose live value is unset still shows where it comes from.
    CHECK(out.find("      description: (not set) → \"x\"\n") != std::string::npos);
    CHECK(out.find("      members: + a, b\n      members: - c\n") != std::string::npos);
    // Too long for one line: one entry a line.
    CHECK(out.find("      roles:\n        + member1@example.com\n        + member2@example.com\n") !=
          std::string::npos);
    CHECK(out.find("        + member12@example.com\n") != std::string::npos);
}

TEST_CASE("render text: control characters in names are shown, never sent to the terminal") {
    plan::Plan p;
    p.changes.push_back({plan::Stage::create_user_groups,
                         plan::Action::create,
                         model::Kind::user_groups,
                         "evil\x1b[2J\nname\xc2\x9b",
                         "",
                         {{plan::Field::description, {}, std::string("tab\there")}},
                         {},
                         {},
                         "",
                         {}});
    p.notes = {"bell\x07"};
    plan::summarize(p);
    const std::string out = text_of(p);
    CHECK(out.find("  + user group 'evil\\x1b[2J\\nname\\u009b'\n") != std::string::npos);
    CHECK(out.find("      description: \"tab\\there\"\n") != std::string::npos);
    CHECK(out.find("  bell\\x07\n") != std::string::npos);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
}

TEST_CASE("render text: the same plan renders the same bytes") {
    CHECK(text_of(testing::full_plan(), Mode::plan, true) == text_of(testing::full_plan(), Mode::plan, true));
}

TEST_CASE("render text: the legend names the symbols the plan uses, and only when it has changes") {
    struct Case {
        plan::Plan plan;
        Mode mode;
        const char* legend;  // the first line, or "" for none
    };
    plan::Plan deletes_only = summarized(0, 0, 1, 0, 1);
    deletes_only.changes.front().action = plan::Action::remove;
    const Case cases[] = {
        {summarized(1, 0, 0, 0, 1), Mode::plan, "+ create"},
        {deletes_only, Mode::plan, "- delete"},
        {deletes_only, Mode::drift, "- not in the files"},
        {testing::every_change_plan(), Mode::plan, "+ create   ~ update   - delete   ± replace   ! look closely"},
        {testing::every_change_plan(), Mode::drift,
         "+ missing from the account   ~ changed   - not in the files   ± to re-create   ! look closely"},
        {testing::unmanaged_plan(), Mode::plan, ""},
    };
    for (const auto& c : cases) {
        const std::string out = text_of(c.plan, c.mode);
        if (*c.legend != '\0') {
            CHECK(out.substr(0, out.find('\n')) == c.legend);
        } else {
            CHECK(out.find("+ create") == std::string::npos);
            CHECK(out.find("~ update   ") == std::string::npos);
        }
    }
    CHECK(text_of(testing::refused_plan()).find("\n\n~ update   - delete\n\n") != std::string::npos);
}

TEST_CASE("render text and markdown: an empty list reads the same in both") {
    plan::Plan p = summarized(1, 0, 0, 0, 1);
    p.changes.front().fields = {{plan::Field::roles, {}, std::vector<std::string>{}}};
    CHECK(text_of(p).find("      roles: (none)\n") != std::string::npos);
    CHECK(testing::rendered(render::markdown, p, render::Options{}).find("  - `roles`: *none*\n") != std::string::npos);
}

TEST_CASE("render text: two live objects under one key are two changes") {
    // A second pending invitation for a person is deleted (stage 6) while the first is replaced (stage 2):
    // the deletion is its own line with its own symbol, not a part of the replacement.
    const std::string out = text_of(testing::every_change_plan());
    CHECK(out.find("  - invitation 'zoë@example.com'\n"
                   "      note: a second pending invitation for a person the files list once; only one is kept\n") !=
          std::string::npos);
    CHECK(out.find("then in stage 6") == std::string::npos);
    const std::string drift = text_of(testing::every_change_plan(), Mode::drift);
    CHECK(drift.find("  - invitation 'zoë@example.com'\n") != std::string::npos);
}

TEST_CASE("render text: the rate-limit warning counts in words") {
    CHECK(last_line(text_of(summarized(1, 0, 0, 0, 1, 0))) ==
          "Warning: 1 write request is more than the 0 left in the current hour; apply will meet the rate "
          "limit "
          "before it finishes.");
}
