#include <doctest/doctest.h>

#include "recording_api.hpp"

#include <atomic>
#include <fastly_accounts/apply/executor.hpp>

using namespace fastly_accounts;
using model::Kind;
using plan::Action;
using plan::Stage;
using List = std::vector<std::string>;

namespace {

// Five users renamed in stage 2, a user group made with two members in stage 3, a user deleted in stage 6.
plan::Plan renames_then_a_group() {
    plan::Plan p;
    p.customer_id = "C1";
    for (int i = 1; i <= 5; ++i) {
        const std::string id = "u" + std::to_string(i);
        p.changes.push_back({Stage::create_people,
                             Action::update,
                             Kind::users,
                             id + "@example.com",
                             id,
                             {{plan::Field::name, std::string("Old"), std::string("New " + id)}},
                             {},
                             {{"PUT", "/user/" + id}},
                             "",
                             {}});
    }
    p.changes.push_back({Stage::create_user_groups,
                         Action::create,
                         Kind::user_groups,
                         "SRE",
                         "",
                         {},
                         {{plan::Field::members, {"u1@example.com", "u2@example.com"}, {}}},
                         {{"POST", "/user-groups"}, {"POST", "/user-groups/{id of user group 'SRE'}/members"}},
                         "",
                         {}});
    p.changes.push_back({Stage::delete_people_and_groups,
                         Action::remove,
                         Kind::users,
                         "u5@example.com",
                         "u5",
                         {},
                         {},
                         {{"DELETE", "/user/u5"}},
                         "",
                         {}});
    plan::summarize(p);
    return p;
}

model::LiveAccount live_with_five_users() {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    for (int i = 1; i <= 5; ++i) {
        model::User u;
        u.login = "u" + std::to_string(i) + "@example.com";
        u.id = "u" + std::to_string(i);
        live.state.users.push_back(u);
    }
    return live;
}

struct Run {
    apply::ApplyReport report;
    List calls;
};

// Runs the plan one change at a time; `stop_after` is the call after which apply is asked to stop (as a
// SIGTERM would), 0 for never.
Run run(const plan::Plan& plan, std::size_t stop_after) {
    testing::RecordingApi api;
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> calls{0};
    api.on_call = [&](const std::string&) {
        if (++calls == stop_after) {
            stop = true;
        }
    };
    const model::LiveAccount live = live_with_five_users();
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    apply::ExecuteOptions options;
    options.concurrency = 1;
    options.stop_requested = [&] { return stop.load(); };
    Run out{apply::execute(plan, live, api, journal, options), {}};
    out.calls = api.calls();
    return out;
}

}  // namespace

TEST_CASE("without a stop request every change is made, in stage order") {
    const Run r = run(renames_then_a_group(), 0);
    CHECK(r.report.done == 7);
    CHECK_FALSE(r.report.interrupted);
    CHECK(r.calls == List{"PUT user u1 name=New u1", "PUT user u2 name=New u2", "PUT user u3 name=New u3",
                          "PUT user u4 name=New u4", "PUT user u5 name=New u5", "POST user group SRE",
                          "POST links of new-1: u1,u2", "DELETE user u5"});
}

TEST_CASE("once a stop is requested no change starts; the one under way finishes") {
    SUBCASE("asked during the second change of stage 2") {
        const Run r = run(renames_then_a_group(), 2);
        CHECK(r.calls == List{"PUT user u1 name=New u1", "PUT user u2 name=New u2"});
        CHECK(r.report.done == 2);
        CHECK(r.report.skipped == 5);
        CHECK(r.report.interrupted);
        for (std::size_t i = 2; i < r.report.outcomes.size(); ++i) {
            CHECK(r.report.outcomes[i].outcome == apply::Outcome::skipped);
            CHECK(r.report.outcomes[i].message == "not attempted: apply was interrupted");
        }
    }
    SUBCASE("asked during the first request of a change that makes two") {
        const Run r = run(renames_then_a_group(), 6);
        // The group is made and its members added: a stop request never leaves a change half done.
        CHECK(r.calls.back() == "POST links of new-1: u1,u2");
        CHECK(r.report.done == 6);
        CHECK(r.report.skipped == 1);
        CHECK(r.report.outcomes.back().message == "not attempted: apply was interrupted");
        CHECK(r.report.interrupted);
    }
}

TEST_CASE("a replaced invitation whose new one cannot be sent says which groups went with the old one") {
    plan::Plan p;
    p.customer_id = "C1";
    p.changes.push_back(
        {Stage::create_people,
         Action::replace,
         Kind::invitations,
         "carol@example.com",
         "i-old",
         {{plan::Field::role, std::string("engineer"), std::string("user")}},
         {{plan::Field::user_groups, {"SRE"}, {}}},
         {{"DELETE", "/invitations/i-old"}, {"POST", "/invitations"}, {"POST", "/user-groups/g1/members"}},
         "",
         {}});
    plan::summarize(p);
    testing::RecordingApi api;
    api.on_call = [](const std::string& call) {
        if (call.rfind("POST invitation", 0) == 0) {
            throw live::ApiError("POST /invitations -> 400 Bad Request", 400, "POST", "/invitations");
        }
    };
    model::LiveAccount live = live_with_five_users();
    live.state.user_groups = {
        {"SRE", std::nullopt, std::nullopt, std::nullopt, List{"carol@example.com"}, "g1", {}, {}}};
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    apply::ExecuteOptions options;
    options.concurrency = 1;
    const apply::ApplyReport report = apply::execute(p, live, api, journal, options);
    REQUIRE(report.outcomes.size() == 1);
    CHECK(report.outcomes[0].outcome == apply::Outcome::failed);
    CHECK(report.outcomes[0].message ==
          "POST /invitations -> 400 Bad Request; the old invitation was deleted, and with it its place in user "
          "groups SRE: the next apply invites carol@example.com again, but puts the invitation back only into the "
          "groups whose members the files list");
}

TEST_CASE("renames are sent as PATCHes of the name, and later stages find the renamed objects by their new names") {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    live.role_catalog.push_back({"r1", "Purger", "", "", true});
    live.state.roles = {{"Purger", "", List{}, "r1", {}, {}}};
    live.state.service_groups = {{"prod", "", List{}, "sg1", {}, {}}};
    live.state.user_groups = {{"Ops", "", List{}, List{}, List{}, "ug1", {}, {}}};
    plan::Plan p;
    p.customer_id = "C1";
    auto rename = [](Stage stage, Kind kind, const std::string& from, const std::string& to, const std::string& id,
                     std::vector<plan::ListChange> lists) {
        return plan::Change{stage,
                            Action::update,
                            kind,
                            to,
                            id,
                            {{plan::Field::name, from, to}},
                            std::move(lists),
                            {{"PATCH", "/x/" + id}},
                            "renamed from '" + from + "' (previously:), keeping its ID",
                            {}};
    };
    p.changes.push_back(
        rename(Stage::create_roles_and_service_groups, Kind::roles, "Purger", "Purge Operator", "r1", {}));
    p.changes.push_back(
        rename(Stage::create_roles_and_service_groups, Kind::service_groups, "prod", "production", "sg1", {}));
    p.changes.push_back(
        rename(Stage::create_user_groups, Kind::user_groups, "Ops", "SRE", "ug1",
               {{plan::Field::roles, {"Purge Operator"}, {}}, {plan::Field::service_groups, {"production"}, {}}}));
    plan::summarize(p);
    testing::RecordingApi api;
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    apply::ExecuteOptions options;
    options.concurrency = 1;
    const apply::ApplyReport report = apply::execute(p, live, api, journal, options);
    CHECK(report.done == 3);
    CHECK(report.failed == 0);
    CHECK(api.calls() ==
          List{"PATCH role r1 name=Purge Operator description=", "PATCH service group sg1 name=production description=",
               "PATCH user group ug1 name=SRE description=", "POST links of ug1: r1", "POST links of ug1: sg1"});
}

TEST_CASE("a rename that fails holds back the later changes that name the object by its new name") {
    model::LiveAccount live = live_with_five_users();
    live.role_catalog.push_back({"r1", "Purger", "", "", true});
    live.state.roles = {{"Purger", "", List{}, "r1", {}, {}}};
    live.state.service_groups = {{"prod", "", List{}, "sg1", {}, {}}, {"staging", "", List{}, "sg2", {}, {}}};
    live.state.user_groups = {{"Ops", "", List{}, List{}, List{"u1@example.com"}, "ug1", {}, {}},
                              {"Dev", "", List{}, List{}, List{}, "ug2", {}, {}},
                              {"QA", "", List{}, List{}, List{}, "ug3", {}, {}}};
    auto change = [](Stage stage, Kind kind, const std::string& key, const std::string& id,
                     std::vector<plan::FieldChange> fields, std::vector<plan::ListChange> lists) {
        return plan::Change{
            stage, Action::update, kind, key, id, std::move(fields), std::move(lists), {{"PATCH", "/x/" + id}}, "", {}};
    };
    plan::Plan p;
    p.customer_id = "C1";
    p.changes = {
        change(Stage::create_roles_and_service_groups, Kind::roles, "Purge Operator", "r1",
               {{plan::Field::name, std::string("Purger"), std::string("Purge Operator")}}, {}),
        change(Stage::create_roles_and_service_groups, Kind::service_groups, "production", "sg1",
               {{plan::Field::name, std::string("prod"), std::string("production")}}, {}),
        change(Stage::create_people, Kind::users, "u1@example.com", "u1",
               {{plan::Field::roles, List{}, List{"Purge Operator"}}}, {}),
        change(Stage::create_user_groups, Kind::user_groups, "SRE", "ug1",
               {{plan::Field::name, std::string("Ops"), std::string("SRE")}}, {}),
        change(Stage::create_user_groups, Kind::user_groups, "Dev", "ug2", {},
               {{plan::Field::service_groups, {"production"}, {}}}),
        change(Stage::create_user_groups, Kind::user_groups, "QA", "ug3", {},
               {{plan::Field::service_groups, {"staging"}, {}}}),
        change(Stage::remove_from_groups, Kind::user_groups, "SRE", "ug1", {},
               {{plan::Field::members, {}, {"u1@example.com"}}}),
    };
    plan::summarize(p);
    testing::RecordingApi api;
    api.on_call = [](const std::string& call) {
        if (call.rfind("PATCH ", 0) == 0) {
            throw live::ApiError("PATCH -> 400 Bad Request", 400, "PATCH", "/x");
        }
    };
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    apply::ExecuteOptions options;
    options.concurrency = 1;
    const apply::ApplyReport report = apply::execute(p, live, api, journal, options);
    REQUIRE(report.outcomes.size() == 7);
    auto outcome = [&](std::size_t i) { return report.outcomes[i].outcome; };
    auto message = [&](std::size_t i) { return report.outcomes[i].message; };
    CHECK(outcome(0) == apply::Outcome::failed);
    CHECK(outcome(1) == apply::Outcome::failed);
    CHECK(outcome(2) == apply::Outcome::skipped);
    CHECK(message(2) == "skipped: role 'Purge Operator' was not renamed");
    CHECK(outcome(3) == apply::Outcome::failed);
    CHECK(outcome(4) == apply::Outcome::skipped);
    CHECK(message(4) == "skipped: service group 'production' was not renamed");
    CHECK(outcome(5) == apply::Outcome::done);  // staging was not renamed: nothing holds it back
    CHECK(outcome(6) == apply::Outcome::skipped);
    CHECK(message(6) == "skipped: user group 'SRE' was not renamed");
    CHECK(api.calls() ==
          List{"PATCH role r1 name=Purge Operator description=", "PATCH service group sg1 name=production description=",
               "PATCH user group ug1 name=SRE description=", "POST links of ug3: sg2"});
}
