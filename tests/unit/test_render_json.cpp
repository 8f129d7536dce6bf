#include <doctest/doctest.h>

#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/render/render.hpp>
#include <fastly_accounts/util/error.hpp>
#include <functional>
#include <sstream>

#include "../golden/sample_plans.hpp"

using namespace fastly_accounts;

namespace {

plan::Plan sample() {
    plan::Plan p;
    p.customer_id = "C1";
    p.changes.push_back(
        {plan::Stage::create_people,
         plan::Action::update,
         model::Kind::users,
         "alice@example.com",
         "u1",
         {{plan::Field::name, std::string("Alice"), std::string("Alice Example")}, {plan::Field::locked, true, false}},
         {},
         {{"PUT", "/user/u1"}},
         "",
         {}});
    p.changes.push_back({plan::Stage::create_user_groups,
                         plan::Action::create,
                         model::Kind::user_groups,
                         "SRE",
                         "",
                         {{plan::Field::description, std::monostate{}, std::string("Site")}},
                         {{plan::Field::members, {"alice@example.com"}, {}}},
                         {{"POST", "/user-groups"}, {"POST", "/user-groups/{id of user group 'SRE'}/members"}},
                         "",
                         {}});
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
    CHECK(keys == std::vector<std::string>{"mode", "summary", "customer_id", "guards", "changes", "unmanaged", "notes",
                                           "service_names", "token_labels", "deadlines", "policy_violations"});
    CHECK(document["summary"]["write_requests"] == 3);
    CHECK(document["summary"]["update"] == 1);
    CHECK(document["summary"]["create"] == 1);
    CHECK(document["changes"][0]["expect"] ==
          nlohmann::ordered_json::parse(
              R"({"exists":true,"id":"u1","fields":{"name":"Alice","locked":true},"lists":{}})"));
    CHECK(document["changes"][1]["expect"] == nlohmann::ordered_json::parse(R"({"exists":false})"));
    CHECK(document["changes"][1]["fields"][0]["from"].is_null());
}

TEST_CASE("a saved plan reads back to the same plan, with the digest of each file and of the plan") {
    const plan::SavedPlan saved{sample(), "sha256:abc", {{"examples/people.yaml", "sha256:def"}}};
    const nlohmann::ordered_json document = plan::saved_plan_json(saved);
    CHECK(document["version"] == 3);
    CHECK(document["files"] ==
          nlohmann::ordered_json::parse(R"([{"path":"examples/people.yaml","sha256":"sha256:def"}])"));
    CHECK(document["digest"] == plan::plan_digest(document));
    const std::string text = document.dump(2);
    const plan::SavedPlan back = plan::parse_saved_plan(text);
    CHECK(back.fingerprint == "sha256:abc");
    CHECK(back.files == saved.files);
    CHECK(plan::saved_plan_json(back).dump(2) == text);
    // The digest covers what the document says, not its layout.
    CHECK_NOTHROW(plan::parse_saved_plan(document.dump()));
}

TEST_CASE("a plan naming a field no change has is refused, naming where") {
    nlohmann::ordered_json document = plan::to_json(sample());
    document["changes"][0]["fields"][0]["field"] = "superpowers";
    CHECK_THROWS_WITH_AS(plan::plan_from_json(document), "changes[0].field: unknown value 'superpowers'", util::Error);
}

TEST_CASE("a saved plan edited by hand is refused as edited") {
    const nlohmann::ordered_json document = plan::saved_plan_json({sample(), "sha256:abc", {{"a.yaml", "sha256:1"}}});
    struct Case {
        const char* name;
        std::function<void(nlohmann::ordered_json&)> edit;
        const char* message;
    };
    const char* const edited = "its digest does not match its content: it was edited after `plan --out` wrote it";
    const std::vector<Case> cases = {
        {"role: superuser added to a change",
         [](auto& d) {
             d["plan"]["changes"][0]["fields"].push_back({{"field", "role"}, {"from", "user"}, {"to", "superuser"}});
         },
         edited},
        {"a user deletion added",
         [](auto& d) {
             auto deletion = d["plan"]["changes"][0];
             deletion["stage"] = 5;
             deletion["action"] = "delete";
             deletion["fields"] = nlohmann::ordered_json::array();
             deletion["requests"] = {{{"method", "DELETE"}, {"path", "/user/u1"}}};
             d["plan"]["changes"].push_back(deletion);
         },
         edited},
        {"a file's digest changed", [](auto& d) { d["files"][0]["sha256"] = "sha256:2"; }, edited},
        {"the fingerprint changed", [](auto& d) { d["fingerprint"] = "sha256:other"; }, edited},
        {"the digest itself changed", [](auto& d) { d["digest"] = "sha256:0"; }, edited},
        {"the digest removed", [](auto& d) { d.erase("digest"); },
         "it has no digest: it was edited after `plan --out` wrote it"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        nlohmann::ordered_json copy = document;
        c.edit(copy);
        CHECK_THROWS_WITH_AS(plan::parse_saved_plan(copy.dump(2)), c.message, plan::EditedPlanError);
    }
}

TEST_CASE("what is not a saved plan says so") {
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan("nope"), doctest::Contains("not a plan file: it is not JSON"),
                         util::Error);
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(R"({"summary":{}})"),
                         "not a plan file: it was not written by `fastly-accounts plan --out`", util::Error);
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(R"({"format":7})"),
                         "not a plan file: it was not written by `fastly-accounts plan --out`", util::Error);
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(R"({"format":"fastly-accounts-plan","version":9})"),
                         "the plan file is version 9; this fastly-accounts reads version 3 only; make the plan again "
                         "with `fastly-accounts plan --out`",
                         util::Error);
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(R"({"format":"fastly-accounts-plan","version":1})"),
                         "the plan file is version 1; this fastly-accounts reads version 3 only (version 3 has eight "
                         "stages, service authorizations and tokens; version 2 added a digest of the plan and of each "
                         "file); make the plan again with `fastly-accounts plan --out`",
                         util::Error);
    // Malformed, with a digest that matches: the field is named.
    auto document = plan::saved_plan_json({sample(), "f", {}});
    document["plan"]["changes"][0]["stage"] = 9;
    document["digest"] = plan::plan_digest(document);
    CHECK_THROWS_WITH_AS(plan::parse_saved_plan(document.dump()), "changes[0].stage: 9 is not a stage (1 to 8)",
                         util::Error);
}

TEST_CASE("JSON rendering: golden files") {
    testing::check_golden("every-change-plan.json",
                          testing::rendered(render::json, testing::every_change_plan(), render::Options{}));
    testing::check_golden("every-change-drift.json", testing::rendered(render::json, testing::every_change_plan(),
                                                                       render::Options{render::Mode::drift, false}));
}
