#include <doctest/doctest.h>

#include <fastly_accounts/apply/preconditions.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/time.hpp>
#include <functional>

using namespace fastly_accounts;
using model::UserRole;

namespace {

// The plan is made a day after carol was invited.
const char* const invited_at = "2027-01-14T10:00:00Z";
const std::int64_t planned_at = util::parse_utc("2027-01-15T10:00:00Z").value();
constexpr std::int64_t day = 24 * 3600;

using List = std::vector<std::string>;

model::User person(const std::string& login, const std::string& id, UserRole role, const std::string& name) {
    model::User u;
    u.login = login;
    u.id = id;
    u.name = name;
    u.role = role;
    u.roles = List{};
    u.limit_services = false;
    u.locked = false;
    u.require_new_password = false;
    return u;
}

model::UserGroup group(const std::string& name, const std::string& id, List members) {
    model::UserGroup g;
    g.name = name;
    g.id = id;
    g.description = "";
    g.roles = List{};
    g.service_groups = List{};
    g.members = std::move(members);
    return g;
}

// The account when the plan was made: the owner, bob (an engineer named "Bob"), dave; carol invited a day
// before; the user group SRE with bob in it.
model::LiveAccount account() {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    live.token_user = {"u-owner", "owner@example.com", UserRole::superuser};
    live.state.users = {person("owner@example.com", "u-owner", UserRole::superuser, "Owner"),
                        person("bob@example.com", "u-bob", UserRole::engineer, "Bob"),
                        person("dave@example.com", "u-dave", UserRole::user, "Dave")};
    model::Invitation carol;
    carol.email = "carol@example.com";
    carol.id = "i-carol";
    carol.role = UserRole::user;
    carol.roles = List{};
    carol.limit_services = false;
    carol.created_at = invited_at;
    live.state.invitations = {carol};
    live.state.user_groups = {group("SRE", "ug-sre", {"bob@example.com"})};
    return live;
}

// The files: bob renamed "Bob B" (role engineer, as he is), carol awaiting acceptance, dave gone (users are
// pruned), SRE with carol added, a new group Ops.
model::AccountState files() {
    model::AccountState d;
    d.policy.prune = {model::Kind::users};
    d.users = {account().state.users[0], person("bob@example.com", "", UserRole::engineer, "Bob B")};
    model::User carol;
    carol.login = "carol@example.com";
    d.users.push_back(carol);
    d.user_groups = {group("SRE", "", {"bob@example.com", "carol@example.com"}), group("Ops", "", {"bob@example.com"})};
    return d;
}

plan::Plan planned(const model::LiveAccount& live, std::int64_t now = planned_at) {
    plan::DiffOptions options;
    options.now_epoch = now;
    return plan::diff(files(), live, options);
}

model::User& user(model::LiveAccount& live, const std::string& login) {
    for (auto& u : live.state.users) {
        if (u.login == login) {
            return u;
        }
    }
    throw std::logic_error("no user " + login);
}

}  // namespace

TEST_CASE("the plan made again from an unchanged account is the saved plan") {
    const plan::Plan saved = planned(account());
    REQUIRE(saved.changes.size() == 4);  // bob's name, SRE's new member, Ops, dave's deletion
    CHECK(apply::plan_differences(saved, planned(account())).empty());

    // The order of lists is the API's, which need not repeat itself; the plan is the same.
    model::LiveAccount reordered = account();
    reordered.state.user_groups[0].members = List{"BOB@example.com"};
    std::reverse(reordered.state.users.begin(), reordered.state.users.end());
    CHECK(apply::plan_differences(saved, planned(reordered)).empty());
}

TEST_CASE("what changed in the account since the plan was made, object by object") {
    struct Case {
        const char* name;
        std::function<void(model::LiveAccount&)> change_by_hand;
        std::int64_t apply_at;
        List expected;
    };
    const std::vector<Case> cases = {
        {"a user promoted to superuser, in a field the plan did not change",
         [](model::LiveAccount& live) { user(live, "bob@example.com").role = UserRole::superuser; },
         planned_at,
         {"update user 'bob@example.com': role is \"superuser\" now, the plan expected \"engineer\""}},
        {"a field the plan changes, changed by hand to something else",
         [](model::LiveAccount& live) { user(live, "bob@example.com").name = "Robert"; },
         planned_at,
         {"update user 'bob@example.com': name is \"Robert\" now, the plan expected \"Bob\""}},
        {"a field the plan changes, changed by hand to what the files want",
         [](model::LiveAccount& live) { user(live, "bob@example.com").name = "Bob B"; },
         planned_at,
         {"a change in the plan that is no longer needed: update user 'bob@example.com' "
          "(name: \"Bob\" → \"Bob B\")"}},
        {"a user deleted and made again",
         [](model::LiveAccount& live) { user(live, "bob@example.com").id = "u-bob-2"; },
         planned_at,
         {"update user 'bob@example.com': it was deleted and made again (its id is u-bob-2 now, the plan "
          "expected u-bob)"}},
        {"a user the plan deletes, deleted by hand",
         [](model::LiveAccount& live) { live.state.users.pop_back(); },
         planned_at,
         {"a change in the plan that is no longer needed: delete user 'dave@example.com'"}},
        {"a user added by hand, which the files prune",
         [](model::LiveAccount& live) {
             live.state.users.push_back(person("eve@example.com", "u-eve", UserRole::superuser, "Eve"));
         },
         planned_at,
         {"a change the plan did not show: delete user 'eve@example.com'"}},
        {"a group the plan creates, created by hand",
         [](model::LiveAccount& live) { live.state.user_groups.push_back(group("Ops", "ug-ops", {})); },
         planned_at,
         {"create user group 'Ops': it exists now"}},
        {"a member the plan adds, added by hand; another removed by hand",
         [](model::LiveAccount& live) { live.state.user_groups[0].members = List{"carol@example.com"}; },
         planned_at,
         {"update user group 'SRE': members has carol@example.com now; members no longer has bob@example.com"}},
        {"a member added by hand that the files do not list",
         [](model::LiveAccount& live) { live.state.user_groups[0].members->push_back("dave@example.com"); },
         planned_at,
         {"a change the plan did not show: update user group 'SRE' (members -dave@example.com)"}},
        {"an invitation that expired between plan and apply",
         [](model::LiveAccount&) {},
         planned_at + 7 * day,
         {"a change the plan did not show: replace invitation 'carol@example.com' (role: \"user\", roles: [], "
          "limit_services: false)"}},
    };
    const plan::Plan saved = planned(account());
    for (const auto& c : cases) {
        model::LiveAccount live = account();
        c.change_by_hand(live);
        const List got = apply::plan_differences(saved, planned(live, c.apply_at));
        INFO(std::string(c.name), " -> ", got.empty() ? std::string("(none)") : got.front());
        CHECK(got == c.expected);
    }
}

TEST_CASE("a plan for another customer is named as such, and nothing else") {
    plan::Plan saved = planned(account());
    saved.customer_id = "C2";
    CHECK(apply::plan_differences(saved, planned(account())) ==
          List{"the plan was made for customer C2, the token belongs to C1"});
}

TEST_CASE("a saved plan edited by hand is not the plan made again, even with a digest made to match") {
    const plan::Plan now = planned(account());
    SUBCASE("role: superuser added to a change") {
        plan::Plan edited = now;
        edited.changes[0].fields.push_back({plan::Field::role, std::string("engineer"), std::string("superuser")});
        CHECK(apply::plan_differences(edited, now) ==
              List{"update user 'bob@example.com': role needs no change now, the plan changed it from "
                   "\"engineer\" to \"superuser\""});
    }
    SUBCASE("a whole user deletion added") {
        plan::Plan edited = now;
        edited.changes.push_back({plan::Stage::delete_people_and_groups,
                                  plan::Action::remove,
                                  model::Kind::users,
                                  "bob@example.com",
                                  "u-bob",
                                  {},
                                  {},
                                  {{"DELETE", "/user/u-bob"}},
                                  "",
                                  {}});
        CHECK(apply::plan_differences(edited, now) ==
              List{"a change in the plan that is no longer needed: delete user 'bob@example.com'"});
    }
    SUBCASE("a request changed") {
        plan::Plan edited = now;
        edited.changes[0].requests[0].path = "/user/u-owner";
        CHECK(apply::plan_differences(edited, now) ==
              List{"update user 'bob@example.com': it would send PUT /user/u-bob, the plan sent PUT /user/u-owner"});
    }
}

TEST_CASE("the files of a saved plan compared with those given now") {
    const std::vector<plan::SavedFile> saved = {{"a.yaml", "sha256:1"}, {"b.yaml", "sha256:2"}};
    CHECK(apply::changed_files(saved, saved).empty());
    CHECK(apply::changed_files(saved, {{"a.yaml", "sha256:1"}, {"b.yaml", "sha256:3"}, {"c.yaml", "sha256:4"}}) ==
          List{"b.yaml changed since the plan was made", "c.yaml is new: the plan was made without it"});
    CHECK(apply::changed_files(saved, {{"b.yaml", "sha256:2"}}) ==
          List{"a.yaml is no longer given: the plan was made with it"});
    // The same files in another order (-f given in another order) make the same desired state.
    CHECK(apply::changed_files(saved, {{"b.yaml", "sha256:2"}, {"a.yaml", "sha256:1"}}).empty());
}

TEST_CASE("a note that changed alone is not a difference: notes explain, they do not act") {
    plan::Plan saved;
    saved.customer_id = "C1";
    saved.changes.push_back({plan::Stage::delete_people_and_groups,
                             plan::Action::remove,
                             model::Kind::invitations,
                             "x@example.com",
                             "i-x",
                             {},
                             {},
                             {{"DELETE", "/invitations/i-x"}},
                             "",
                             {}});
    plan::Plan now = saved;
    now.changes[0].note = "expired";  // it expired between plan and apply; it is deleted all the same
    CHECK(apply::plan_differences(saved, now).empty());
    now.changes[0].id = "i-y";
    CHECK(apply::plan_differences(saved, now) ==
          List{"delete invitation 'x@example.com': it was deleted and made again (its id is i-y now, the plan "
               "expected i-x)"});
}

TEST_CASE("several objects under one key are told apart by id") {
    plan::Plan saved;
    saved.customer_id = "C1";
    for (const char* id : {"i-1", "i-2"}) {
        saved.changes.push_back({plan::Stage::delete_people_and_groups,
                                 plan::Action::remove,
                                 model::Kind::invitations,
                                 "x@example.com",
                                 id,
                                 {},
                                 {},
                                 {{"DELETE", std::string("/invitations/") + id}},
                                 "",
                                 {}});
    }
    plan::Plan now = saved;
    now.changes[0].id = "i-3";  // i-1 is gone; another invitation for the same email came instead
    now.changes[0].requests[0].path = "/invitations/i-3";
    std::swap(now.changes[0], now.changes[1]);
    CHECK(apply::plan_differences(saved, now) ==
          List{"delete invitation 'x@example.com': it was deleted and made again (its id is i-3 now, the plan "
               "expected i-1)"});
}

TEST_CASE("a saved rename whose new name was made by hand since is told as that, not as a group made again") {
    model::LiveAccount live = account();
    live.state.user_groups = {group("Ops", "ug-ops", {"bob@example.com"})};
    model::AccountState desired = files();
    desired.user_groups = {group("SRE", "", {"bob@example.com", "carol@example.com"})};
    desired.user_groups[0].previously = {"Ops"};
    plan::DiffOptions options;
    options.now_epoch = planned_at;
    const plan::Plan saved = plan::diff(desired, live, options);
    live.state.user_groups.push_back(group("SRE", "ug-new", {}));
    const List got = apply::plan_differences(saved, plan::diff(desired, live, options));
    CHECK(got == List{"update user group 'SRE': a user group named 'SRE' exists now (id ug-new); 'Ops' would no "
                      "longer be renamed"});
}
