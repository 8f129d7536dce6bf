#include <doctest/doctest.h>

#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/render/render.hpp>
#include <fastly_accounts/util/error.hpp>
#include <sstream>

using namespace fastly_accounts;

namespace {

plan::Plan sample() {
    plan::Plan p;
    p.customer_id = "C1";
    p.changes.push_back({plan::Stage::create_people, plan::Action::update, model::Kind::users, "alice@example.com", "u1",
                         {{"name", std::string("Alice"), std::string("Alice Example")}, {"locked", true, false}},
                         {},
                         {{"PUT", "/user/u1"}},
                         ""});
    p.changes.push_back({plan::Stage::create_user_groups, plan::Action::create, model::Kind::user_groups, "SRE", "",
                         {{"description", std::monostate{}, std::string("Site")}},
                         {{"members", {"alice@example.com"}, {}}},
                         {{"POST", "/user-groups"}, {"POST", "/user-groups/{id of user group 'SRE'}/members"}},
                         ""});
    p.unmanaged.push_back({model::Kind::users, "bob@example.com"});
    p.notes.push_back("carol@example.com: invited, awaiting acceptance");
    p.guards.push_back({"max_deletions", false, "0 deletions planned; policy.max_deletions allows 10"});
    plan::summarize(p);
    return p;
}

}  // namespace

TEST_CASE("JSON rendering: stable order, every part of the plan, expectations per change") {
    std::ostringstream first;
    std::ostringstream second;
    render::json(sample(), first, {});
    render::json(sample(), second, {});
    CHECK(first.str() == second.str());
    const auto document = nlohmann::ordered_json::parse(first.str());
    std::vector<std::string> keys;
    for (const auto& [key, value] : document.items()) {
        keys.push_back(key);
    }
    CHECK(keys == std::vector<std::string>{"mode", "summary", "customer_id", "guards", "changes", "unmanaged", "notes"});
    CHECK(document["summary"]["write_requests"] == 3);
    CHECK(document["summary"]["update"] == 1);
    CHECK(document["summary"]["create"] == 1);
    CHECK(document["changes"][0]["expect"] ==
          nlohmann::ordered_json::parse(R"({"exists":true,"id":"u1","fields":{"name":"Alice","locked":true},"lists":{}})"));
    CHECK(document["changes"][1]["expect"] == nlohmann::ordered_json::parse(R"({"exists":false})"));
    CHECK(document["changes"][1]["fields"][0]["from"].is_null());
}

TEST_CASE("a saved plan reads back to the same plan") {
    const plan::SavedPlan saved{sample(), "sha256:abc", {"examples/people.yaml"}};
    const std::string text = plan::saved_plan_json(saved).dump(2);
    const plan::SavedPlan back = plan::parse_saved_plan(text);
    CHECK(back.fingerprint == "sha256:abc");
    CHECK(back.files == saved.files);
    CHECK(plan::saved_plan_json(back).dump(2) == text);
}

TEST_CASE("what is not a saved plan says so") {
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan("nope"), doctest::Contains("not a plan file: it is not JSON"), util::Error);
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(R"({"summary":{}})"),
                         "not a plan file: it was not written by `fastly-accounts plan --out`", util::Error);
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(R"({"format":"fastly-accounts-plan","version":9})"),
                         "the plan file is version 9; this fastly-accounts reads version 1", util::Error);
    std::string text = plan::saved_plan_json({sample(), "f", {}}).dump();
    text.replace(text.find("\"stage\":2"), 9, "\"stage\":9");
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(text), "changes[0].stage: 9 is not a stage (1 to 6)", util::Error);
}
