#include <doctest/doctest.h>

#include <algorithm>
#include <ctime>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/time.hpp>
#include <functional>

using namespace fastly_accounts;
using model::Kind;
using model::UserRole;
using plan::Action;
using plan::Stage;

namespace {

constexpr std::int64_t now = 1'800'000'000;
constexpr std::int64_t day = 24 * 3600;

std::string iso(std::int64_t epoch) {
    std::time_t t = static_cast<std::time_t>(epoch);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return text;
}

using List = std::vector<std::string>;

model::User user(std::string login, std::string id, UserRole role, List roles = {}) {
    model::User u;
    u.login = std::move(login);
    u.id = std::move(id);
    u.name = "Name";
    u.role = role;
    u.roles = std::move(roles);
    u.limit_services = false;
    u.locked = false;
    u.require_new_password = false;
    return u;
}

model::Invitation invitation(std::string email, std::string id, std::int64_t created, bool active = true) {
    model::Invitation i;
    i.email = std::move(email);
    i.id = std::move(id);
    i.role = UserRole::engineer;
    i.roles = List{};
    i.limit_services = false;
    i.created_at = iso(created);
    i.active = active;
    return i;
}

// A small live account: the owner (also the token's user), alice, bob; carol invited yesterday, dave's
// invitation expired; one custom role, two service groups, two user groups.
model::LiveAccount live_account() {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    live.token_user = {"u-owner", "owner@example.com", UserRole::superuser};
    const char* predefined[][2] = {
        {"user", "User"},           {"billing", "Billing"},       {"engineer", "Engineer"},
        {"superuser", "Superuser"}, {"tls_viewer", "TLS Viewer"}, {"tls_admin", "TLS Admin"}};
    for (const auto& [name, display] : predefined) {
        live.role_catalog.push_back({std::string("r-") + name, name, display, "", false});
    }
    live.role_catalog.push_back({"r-purge", "Purge Operator", "", "Purges", true});
    live.permissions = {
        {"p1", "purge_all", "service"}, {"p2", "purge_select", "service"}, {"p3", "read_stats", "account"}};
    live.services = {{"s1", "www"}, {"s2", "api"}, {"s3", "static"}};
    live.state.users = {user("owner@example.com", "u-owner", UserRole::superuser),
                        user("alice@example.com", "u-alice", UserRole::engineer, {"Engineer"}),
                        user("bob@example.com", "u-bob", UserRole::user)};
    live.state.invitations = {invitation("carol@example.com", "i-carol", now - day),
                              invitation("dave@example.com", "i-dave", now - 10 * day)};
    live.state.roles = {{"Purge Operator", "Purges", List{"purge_all"}, "r-purge", {}}};
    live.state.service_groups = {{"production", "", List{"s1"}, "sg-prod", {}},
                                 {"staging", "", List{"s2"}, "sg-stage", {}}};
    live.state.user_groups = {
        {"SRE",
         "Site reliability",
         List{"Engineer", "Purge Operator"},
         List{"production"},
         List{"alice@example.com", "carol@example.com"},
         "ug-sre",
         {},
         {}},
        {"Old", "", List{}, List{}, List{"bob@example.com"}, "ug-old", {}, {}},
    };
    return live;
}

// The desired state that matches live_account() exactly, as export would write it.
model::AccountState matching_desired() {
    const model::LiveAccount live = live_account();
    model::AccountState d;
    d.users = live.state.users;
    d.invitations = {live.state.invitations[0]};
    d.roles = live.state.roles;
    d.service_groups = live.state.service_groups;
    d.user_groups = live.state.user_groups;
    d.invitations.push_back(live.state.invitations[1]);
    d.invitations.pop_back();  // dave's invitation expired; the files do not list him
    return d;
}

plan::Plan run(const model::AccountState& desired, const model::LiveAccount& live = live_account(),
               plan::DiffOptions options = {}) {
    options.now_epoch = now;
    return plan::diff(desired, live, options);
}

const plan::Change* find(const plan::Plan& p, Kind kind, const std::string& key, Stage stage) {
    auto it = std::find_if(p.changes.begin(), p.changes.end(),
                           [&](const plan::Change& c) { return c.kind == kind && c.key == key && c.stage == stage; });
    return it == p.changes.end() ? nullptr : &*it;
}

bool has_note(const plan::Plan& p, const std::string& note) {
    return std::find(p.notes.begin(), p.notes.end(), note) != p.notes.end();
}

const plan::Guard& guard(const plan::Plan& p, const std::string& name) {
    return *std::find_if(p.guards.begin(), p.guards.end(), [&](const plan::Guard& g) { return g.name == name; });
}

}  // namespace

TEST_CASE("a desired state equal to live plans nothing") {
    const plan::Plan p = run(matching_desired());
    CHECK(p.changes.empty());
    CHECK_FALSE(p.refused());
    CHECK(p.summary.write_requests == 0);
    // dave's expired invitation is neither listed nor pruned: left alone and not reported as unmanaged.
    CHECK(p.unmanaged.empty());
}

TEST_CASE("fields left out are not managed; spelling of keys and roles does not matter") {
    model::AccountState d = matching_desired();
    for (auto& u : d.users) {
        u = model::User{u.login, {}, {}, {}, {}, {}, {}, {}, {}, "", {}, {}, {}, {}};  // only the login
    }
    d.users[1].login = "ALICE@Example.com";
    d.users[1].roles = List{"engineer"};  // "Engineer" in live
    d.user_groups[0].roles = List{"ENGINEER", "Purge Operator"};
    d.user_groups[0].members = List{"Carol@example.com", "alice@EXAMPLE.com"};
    d.user_groups[0].description.reset();
    CHECK(run(d).changes.empty());
}

TEST_CASE("users: each field that differs is updated, from live to desired") {
    model::AccountState d = matching_desired();
    d.users[1].name = "Alice Example";
    d.users[1].role = UserRole::superuser;
    d.users[1].roles = List{"Engineer", "Purge Operator"};
    d.users[1].locked = true;
    const plan::Plan p = run(d);
    REQUIRE(p.changes.size() == 1);
    const plan::Change& c = p.changes[0];
    CHECK(c.stage == Stage::create_people);
    CHECK(c.action == Action::update);
    CHECK(c.id == "u-alice");
    REQUIRE(c.fields.size() == 4);
    CHECK(c.fields[0].field == plan::Field::name);
    CHECK(plan::display(c.fields[0].from) == "\"Name\"");
    CHECK(plan::display(c.fields[0].to) == "\"Alice Example\"");
    CHECK(c.fields[1].field == plan::Field::role);
    CHECK(c.fields[2].field == plan::Field::roles);
    CHECK(c.fields[3].field == plan::Field::locked);
    CHECK(c.requests.size() == 1);
    CHECK(c.requests[0].method == "PUT");
    CHECK(c.requests[0].path == "/user/u-alice");
    CHECK(p.summary.update == 1);
    CHECK(p.summary.write_requests == 1);
}

TEST_CASE("a listed user with no account is invited, or created, as policy.missing_users says") {
    model::AccountState d = matching_desired();
    model::User erin;
    erin.login = "erin@example.com";
    erin.role = UserRole::engineer;
    d.users.push_back(erin);

    const plan::Plan invited = run(d);
    REQUIRE(invited.changes.size() == 1);
    CHECK(invited.changes[0].kind == Kind::invitations);
    CHECK(invited.changes[0].action == Action::create);
    CHECK(invited.changes[0].requests[0].path == "/invitations");

    d.policy.missing_users = model::MissingUsers::create;
    const plan::Plan created = run(d);
    REQUIRE(created.changes.size() == 1);
    CHECK(created.changes[0].kind == Kind::users);
    CHECK(created.changes[0].action == Action::create);
    CHECK(created.changes[0].requests[0].path == "/user");
}

TEST_CASE("the invitation state machine") {
    SUBCASE("a listed user invited yesterday is awaiting acceptance, not a change") {
        model::AccountState d = matching_desired();
        d.invitations.clear();
        model::User carol;
        carol.login = "carol@example.com";
        d.users.push_back(carol);
        const plan::Plan p = run(d);
        CHECK(p.changes.empty());
        CHECK(has_note(p, "carol@example.com: invited, awaiting acceptance"));
    }
    SUBCASE("an expired invitation is deleted and sent again") {
        model::AccountState d = matching_desired();
        d.invitations.push_back(invitation("dave@example.com", "", 0));
        const plan::Plan p = run(d);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].action == Action::replace);
        CHECK(p.changes[0].id == "i-dave");
        REQUIRE(p.changes[0].requests.size() == 2);
        CHECK(p.changes[0].requests[0].method == "DELETE");
        CHECK(p.changes[0].requests[1].method == "POST");
    }
    SUBCASE("an invitation whose status_code is 0 is expired too, whatever its age") {
        model::LiveAccount live = live_account();
        live.state.invitations[0].active = false;
        const plan::Plan p = run(matching_desired(), live);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].action == Action::replace);
    }
    SUBCASE("an invitation accepted: the person is a user now, with a hint to move the entry") {
        model::AccountState d = matching_desired();
        d.invitations.push_back(invitation("Bob@example.com", "", now));
        const plan::Plan p = run(d);
        CHECK(p.changes.empty());
        CHECK(has_note(p,
                       "Bob@example.com: accepted the invitation and is now a user; move the entry from "
                       "invitations: to users:"));
    }
}

TEST_CASE("unlisted live objects: unmanaged, deleted when their kind is pruned, invisible when ignored") {
    model::AccountState d = matching_desired();
    d.users.pop_back();        // bob
    d.user_groups.pop_back();  // Old
    d.roles.clear();           // Purge Operator (still used by SRE: kept listed there)
    d.user_groups[0].roles = List{"Engineer"};
    {
        const plan::Plan p = run(d);
        CHECK(std::count_if(p.changes.begin(), p.changes.end(),
                            [](const auto& c) { return c.action == Action::remove; }) == 0);
        REQUIRE(p.unmanaged.size() == 3);
        CHECK(p.unmanaged[0].kind == Kind::users);
        CHECK(p.unmanaged[0].key == "bob@example.com");
        CHECK(p.unmanaged[1].kind == Kind::roles);
        CHECK(p.unmanaged[2].kind == Kind::user_groups);
    }
    d.policy.prune = {Kind::users, Kind::user_groups};
    {
        const plan::Plan p = run(d);
        const plan::Change* bob = find(p, Kind::users, "bob@example.com", Stage::delete_people_and_groups);
        REQUIRE(bob != nullptr);
        CHECK(bob->action == Action::remove);
        CHECK(bob->requests[0].path == "/user/u-bob");
        CHECK(find(p, Kind::user_groups, "Old", Stage::delete_people_and_groups) != nullptr);
        REQUIRE(p.unmanaged.size() == 1);  // roles are not pruned
    }
    d.ignore.patterns[Kind::users] = {"bob@*"};
    d.ignore.patterns[Kind::user_groups] = {"Ol?"};
    d.ignore.patterns[Kind::roles] = {"Purge *"};
    {
        const plan::Plan p = run(d);
        CHECK(p.changes.empty());  // an ignored role is never taken out of a group, even a managed one
        CHECK(p.unmanaged.empty());
    }
}

TEST_CASE("custom roles and service groups: create, update lists, delete when pruned") {
    model::AccountState d = matching_desired();
    d.roles[0].permissions = List{"purge_select", "read_stats"};
    d.roles.push_back({"Auditor", "Reads stats", List{"read_stats"}, "", {}});
    d.service_groups[0].services = List{"s1", "s3"};
    d.service_groups.push_back({"static", std::nullopt, List{"s3"}, "", {}});
    d.service_groups.erase(d.service_groups.begin() + 1);  // staging
    d.policy.prune = {Kind::service_groups};
    const plan::Plan p = run(d);

    const plan::Change* auditor = find(p, Kind::roles, "Auditor", Stage::create_roles_and_service_groups);
    REQUIRE(auditor != nullptr);
    CHECK(auditor->action == Action::create);
    REQUIRE(auditor->requests.size() == 2);
    CHECK(auditor->requests[1].path == "/roles/{id of role 'Auditor'}/permissions");

    const plan::Change* purge = find(p, Kind::roles, "Purge Operator", Stage::create_roles_and_service_groups);
    REQUIRE(purge != nullptr);
    REQUIRE(purge->lists.size() == 1);
    CHECK(purge->lists[0].add == List{"purge_select", "read_stats"});
    CHECK(purge->lists[0].remove == List{"purge_all"});
    CHECK(purge->requests.size() == 2);

    const plan::Change* prod = find(p, Kind::service_groups, "production", Stage::create_roles_and_service_groups);
    REQUIRE(prod != nullptr);
    CHECK(prod->lists[0].add == List{"s3"});
    CHECK(prod->lists[0].remove.empty());

    const plan::Change* staging = find(p, Kind::service_groups, "staging", Stage::delete_roles_and_service_groups);
    REQUIRE(staging != nullptr);
    CHECK(staging->action == Action::remove);
}

TEST_CASE("user groups: additions in stage 3, removals in stage 4; ignored members stay") {
    model::AccountState d = matching_desired();
    d.user_groups[0].members = List{"alice@example.com", "bob@example.com"};  // carol out, bob in
    d.user_groups[0].service_groups = List{"production", "staging"};
    d.user_groups.push_back({"Web", "Web team", List{"User"}, List{"staging"}, List{"bob@example.com"}, "", {}, {}});
    const plan::Plan p = run(d);

    const plan::Change* adds = find(p, Kind::user_groups, "SRE", Stage::create_user_groups);
    REQUIRE(adds != nullptr);
    CHECK(adds->action == Action::update);
    REQUIRE(adds->lists.size() == 2);
    CHECK(adds->lists[0].field == plan::Field::service_groups);
    CHECK(adds->lists[1].add == List{"bob@example.com"});
    const plan::Change* removes = find(p, Kind::user_groups, "SRE", Stage::remove_from_groups);
    REQUIRE(removes != nullptr);
    CHECK(removes->lists[0].remove == List{"carol@example.com"});
    CHECK(removes->requests[0].method == "DELETE");
    CHECK(removes->requests[0].path == "/user-groups/ug-sre/members");

    const plan::Change* web = find(p, Kind::user_groups, "Web", Stage::create_user_groups);
    REQUIRE(web != nullptr);
    CHECK(web->action == Action::create);
    CHECK(web->requests.size() == 4);  // create, roles, service groups, members
    CHECK(web->requests[3].path == "/user-groups/{id of user group 'Web'}/members");

    d.ignore.patterns[Kind::invitations] = {"carol@*"};
    CHECK(find(run(d), Kind::user_groups, "SRE", Stage::remove_from_groups) == nullptr);
}

TEST_CASE("changes are ordered by stage, then kind, then key") {
    model::AccountState d = matching_desired();
    d.users[2].name = "Bob";
    d.users[1].name = "Alice";
    d.roles.push_back({"Zeta", std::nullopt, std::nullopt, "", {}});
    d.service_groups.push_back({"alpha", std::nullopt, std::nullopt, "", {}});
    d.user_groups.pop_back();
    d.policy.prune = {Kind::user_groups};
    const plan::Plan p = run(d);
    std::vector<std::pair<int, std::string>> order;
    for (const auto& c : p.changes) {
        order.emplace_back(static_cast<int>(c.stage), c.key);
    }
    CHECK(order == std::vector<std::pair<int, std::string>>{
                       {1, "Zeta"}, {1, "alpha"}, {2, "alice@example.com"}, {2, "bob@example.com"}, {6, "Old"}});
}

TEST_CASE("guards") {
    SUBCASE("max_deletions, and --allow-deletions") {
        model::AccountState d = matching_desired();
        d.users.resize(1);
        d.user_groups.clear();
        d.policy.prune = {Kind::users, Kind::user_groups};
        d.policy.max_deletions = 3;
        const plan::Plan p = run(d);
        CHECK(guard(p, "max_deletions").tripped);
        CHECK(guard(p, "max_deletions").message ==
              "4 deletions planned, more than the 3 that policy.max_deletions allows; review them, then rerun with "
              "--allow-deletions 4 if they are intended");
        CHECK(p.refused());
        plan::DiffOptions allow;
        allow.allow_deletions = 4;
        CHECK_FALSE(run(d, live_account(), allow).refused());
    }
    SUBCASE("policy.protected: never updated or deleted") {
        model::AccountState d = matching_desired();
        d.users[2].name = "Robert";
        d.policy.protected_logins = {"BOB@example.com"};
        const plan::Plan p = run(d);
        CHECK(guard(p, "protected").tripped);
        CHECK(guard(p, "protected").message == "the plan changes name of bob@example.com (listed in policy.protected)");
    }
    SUBCASE("policy.protected: a group of theirs keeps its service groups, pruned or not") {
        model::AccountState d = matching_desired();
        d.policy.protected_logins = {"alice@example.com"};
        d.user_groups[0].service_groups = List{};
        CHECK(guard(run(d), "protected").message ==
              "the plan takes service group 'production' from user group 'SRE', of which alice@example.com is a "
              "member (listed in policy.protected)");
        model::AccountState pruned = matching_desired();
        pruned.policy.protected_logins = {"alice@example.com"};
        pruned.user_groups.erase(pruned.user_groups.begin());  // SRE is not managed
        pruned.service_groups.erase(pruned.service_groups.begin());
        pruned.policy.prune = {Kind::service_groups};
        CHECK(guard(run(pruned), "protected").message ==
              "the plan strips service group 'production' from user group 'SRE', of which alice@example.com is a "
              "member, by deleting it (listed in policy.protected)");
    }
    SUBCASE("policy.protected: a person only invited keeps the invitation as it is") {
        model::AccountState d = matching_desired();
        d.policy.protected_logins = {"carol@example.com"};
        d.invitations[0].role = UserRole::user;
        CHECK(guard(run(d), "protected").message ==
              "the plan replaces the invitation of carol@example.com (listed in policy.protected)");
        d.invitations.clear();
        d.policy.prune = {Kind::invitations};
        CHECK(guard(run(d), "protected")
                  .message.find("deletes the invitation of carol@example.com (listed in "
                                "policy.protected)") != std::string::npos);
    }
    SUBCASE("the owner and the token's user: never deleted, demoted or locked") {
        model::AccountState d = matching_desired();
        d.users[0].role = UserRole::engineer;
        d.users[0].locked = true;
        d.users.push_back(user("root@example.com", "", UserRole::superuser));
        d.policy.missing_users = model::MissingUsers::create;
        const plan::Plan p = run(d);
        CHECK(guard(p, "protected").tripped);
        CHECK(guard(p, "protected").message ==
              "the plan changes role, locked of owner@example.com (the token's own user and the account owner)");
        d.users[0] = matching_desired().users[0];
        d.users.erase(d.users.begin());
        d.policy.prune = {Kind::users};
        CHECK(guard(run(d), "protected").message ==
              "the plan deletes owner@example.com (the token's own user and the account owner)");
    }
    SUBCASE("min_superusers counts the superusers left after the plan") {
        model::AccountState d = matching_desired();
        d.policy.min_superusers = 2;
        CHECK(guard(run(d), "min_superusers").tripped);
        d.users[1].role = UserRole::superuser;
        const plan::Plan p = run(d);
        CHECK_FALSE(guard(p, "min_superusers").tripped);
        CHECK(guard(p, "min_superusers").message ==
              "2 superusers who can act after the plan; policy.min_superusers is 2");
    }
    SUBCASE("customer_id must be the token's customer") {
        model::AccountState d = matching_desired();
        d.customer_id = "C1";
        CHECK_FALSE(run(d).refused());
        d.customer_id = "C2";
        CHECK(guard(run(d), "customer_id").message ==
              "the files are for customer C2, but the token belongs to customer C1");
    }
}

TEST_CASE("names that do not resolve against the account make no plan") {
    model::AccountState d = matching_desired();
    d.roles[0].permissions = List{"purge_everything", "PURGE_SELECT"};
    d.roles[0].where = {"access.yaml", 12, 5};
    d.users[1].roles = List{"Release Manager", "tls viewr"};
    d.users[1].where = {"people.yaml", 3, 5};
    d.service_groups[0].services = List{"s1", "s9"};
    try {
        run(d);
        FAIL("diff did not throw");
    } catch (const plan::PlanError& e) {
        // Where the files name it, and what they probably meant: a case difference first, then a typo.
        List located;
        for (const auto& problem : e.problems()) {
            located.push_back(problem.located());
        }
        CHECK(located ==
              List{"access.yaml:12:5: role 'Purge Operator': permission 'purge_everything' does not exist (see GET "
                   "/permissions)",
                   "access.yaml:12:5: role 'Purge Operator': permission 'PURGE_SELECT' does not exist (see GET "
                   "/permissions); did you mean 'purge_select'?",
                   "service group 'production': service 's9' does not exist in the account; did you mean 's1'?",
                   "people.yaml:3:5: user 'alice@example.com': role 'Release Manager' does not exist in the account",
                   "people.yaml:3:5: user 'alice@example.com': role 'tls viewr' does not exist in the account; did "
                   "you mean 'TLS Viewer'?"});
    }
}

TEST_CASE("util::parse_utc") {
    CHECK(util::parse_utc("1970-01-01T00:00:00Z") == 0);
    CHECK(util::parse_utc("2022-11-04T18:02:15Z") == 1667584935);
    CHECK_FALSE(util::parse_utc("2022-11-04 18:02:15").has_value());
    CHECK_FALSE(util::parse_utc("").has_value());
}

// ---- Issue 12: nothing changes that the plan did not show, and no access is lost on the way ----

namespace {

const plan::ListChange* list_of(const plan::Change& c, const std::string& field) {
    auto it = std::find_if(c.lists.begin(), c.lists.end(),
                           [&](const plan::ListChange& l) { return plan::to_string(l.field) == field; });
    return it == c.lists.end() ? nullptr : &*it;
}

const plan::FieldChange* field_of(const plan::Change& c, const std::string& field) {
    auto it = std::find_if(c.fields.begin(), c.fields.end(),
                           [&](const plan::FieldChange& f) { return plan::to_string(f.field) == field; });
    return it == c.fields.end() ? nullptr : &*it;
}

List paths(const plan::Change& c) {
    List out;
    for (const auto& r : c.requests) {
        out.push_back(r.method + " " + r.path);
    }
    return out;
}

}  // namespace

TEST_CASE("a pending invitation that departs from the files is replaced, with its memberships") {
    SUBCASE("as the files say: nothing to do") {
        model::AccountState d = matching_desired();
        d.invitations = {invitation("carol@example.com", "", 0)};
        CHECK(run(d).changes.empty());
    }
    SUBCASE("role differs: replaced, the old role shown, carried back into SRE in the same change") {
        model::AccountState d = matching_desired();
        d.invitations = {invitation("carol@example.com", "", 0)};
        d.invitations[0].role = UserRole::user;
        d.invitations[0].roles.reset();  // not managed: the live value is carried
        d.invitations[0].limit_services.reset();
        const plan::Plan p = run(d);
        REQUIRE(p.changes.size() == 1);
        const plan::Change& c = p.changes[0];
        CHECK(c.action == Action::replace);
        CHECK(c.id == "i-carol");
        CHECK(c.note.find("departs from the files (role)") != std::string::npos);
        REQUIRE(field_of(c, "role"));
        CHECK(field_of(c, "role")->from == plan::Value(std::string("engineer")));
        CHECK(field_of(c, "role")->to == plan::Value(std::string("user")));
        REQUIRE(field_of(c, "limit_services"));  // carried, not lost
        CHECK(field_of(c, "limit_services")->to == plan::Value(false));
        CHECK(paths(c) == List{"DELETE /invitations/i-carol", "POST /invitations", "POST /user-groups/ug-sre/members"});
        REQUIRE(list_of(c, "user_groups"));
        CHECK(list_of(c, "user_groups")->add == List{"SRE"});
        // SRE itself needs no change: carol's membership is the invitation's business.
        CHECK(find(p, Kind::user_groups, "SRE", Stage::create_user_groups) == nullptr);
    }
    SUBCASE("roles and limit_services are compared too") {
        model::AccountState d = matching_desired();
        d.invitations = {invitation("carol@example.com", "", 0)};
        d.invitations[0].roles = List{"Engineer"};
        CHECK(run(d).changes.size() == 1);
        d.invitations[0].roles = List{};
        d.invitations[0].limit_services = true;
        CHECK(run(d).changes.at(0).note.find("(limit_services)") != std::string::npos);
    }
    SUBCASE("a listed user awaiting acceptance, whose invitation differs, is replaced as well") {
        model::AccountState d = matching_desired();
        d.invitations.clear();
        model::User carol;
        carol.login = "Carol@example.com";
        carol.role = UserRole::superuser;
        d.users.push_back(carol);
        const plan::Plan p = run(d);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].action == Action::replace);
        CHECK_FALSE(has_note(p, "carol@example.com: invited, awaiting acceptance"));
        CHECK(p.changes[0].sensitive == List{"privilege escalation: invited as superuser"});
    }
    SUBCASE("a group the files give without the person: the membership is let go, shown, no request") {
        model::AccountState d = matching_desired();
        d.invitations = {invitation("carol@example.com", "", 0)};
        d.invitations[0].role = UserRole::user;
        d.user_groups[0].members = List{"alice@example.com"};
        const plan::Plan p = run(d);
        const plan::Change* c = find(p, Kind::invitations, "carol@example.com", Stage::create_people);
        REQUIRE(c);
        CHECK(list_of(*c, "user_groups")->remove == List{"SRE"});
        CHECK(paths(*c) == List{"DELETE /invitations/i-carol", "POST /invitations"});
        CHECK(find(p, Kind::user_groups, "SRE", Stage::remove_from_groups) == nullptr);
        CHECK(p.summary.removals == 2);  // SRE let go, and engineer -> user
    }
    SUBCASE("an expired invitation is sent again into its groups, also those the files do not manage") {
        model::LiveAccount live = live_account();
        live.state.user_groups[1].members->push_back("dave@example.com");
        model::AccountState d = matching_desired();
        d.user_groups.pop_back();  // Old is unmanaged
        d.invitations.push_back(invitation("dave@example.com", "", 0));
        const plan::Plan p = run(d, live);
        REQUIRE(p.changes.size() == 1);
        CHECK(paths(p.changes[0]) ==
              List{"DELETE /invitations/i-dave", "POST /invitations", "POST /user-groups/ug-old/members"});
    }
}

TEST_CASE("revoking access is guarded: policy.max_removals and --allow-removals") {
    model::AccountState d = matching_desired();
    d.user_groups[0].members = List{};
    d.user_groups[0].roles = List{};
    d.user_groups[0].service_groups = List{};
    d.user_groups[1].members = List{};
    d.policy.max_deletions = 0;
    d.policy.max_removals = 5;
    const plan::Plan p = run(d);
    CHECK(p.summary.removals == 6);  // alice, carol, Engineer, Purge Operator, production; bob
    CHECK(guard(p, "max_removals").tripped);
    CHECK(guard(p, "max_removals").message ==
          "6 access removals planned, more than the 5 that policy.max_removals allows; review them, then rerun "
          "with --allow-removals 6 if they are intended");
    CHECK_FALSE(guard(p, "max_deletions").tripped);
    plan::DiffOptions allow;
    allow.allow_removals = 6;
    CHECK_FALSE(run(d, live_account(), allow).refused());
    SUBCASE("an IAM role taken from a user counts") {
        model::AccountState one = matching_desired();
        one.users[1].roles = List{};
        CHECK(run(one).summary.removals == 1);
    }
}

TEST_CASE("narrowing a person's access counts as a removal: a lock, a role that loses something, limit_services") {
    const model::LiveAccount live = live_account();
    // Live: alice is superuser, bob engineer (users[1], users[2] in the files).
    auto removals_of = [&](const std::function<void(model::AccountState&)>& edit) {
        model::AccountState d = matching_desired();
        edit(d);
        return run(d, live).summary.removals;
    };
    CHECK(removals_of([](model::AccountState&) {}) == 0);
    CHECK(removals_of([](model::AccountState& d) { d.users[1].locked = true; }) == 1);
    CHECK(removals_of([](model::AccountState& d) { d.users[1].limit_services = true; }) == 1);
    CHECK(removals_of([](model::AccountState& d) { d.users[1].role = UserRole::billing; }) == 1);
    CHECK(removals_of([](model::AccountState& d) { d.users[1].role = UserRole::superuser; }) == 0);
    CHECK(removals_of([](model::AccountState& d) { d.users[2].role = UserRole::engineer; }) == 0);  // from user
    CHECK(removals_of([](model::AccountState& d) { d.users[0].role = UserRole::engineer; }) == 1);  // superuser lost
    CHECK(removals_of([](model::AccountState& d) {
              for (auto& u : d.users) {
                  u.locked = true;
              }
          }) ==
          static_cast<std::size_t>(std::count_if(live.state.users.begin(), live.state.users.end(),
                                                 [](const model::User& u) { return !u.locked.value_or(false); })));
    SUBCASE("a mass lock trips max_removals like a mass removal does") {
        model::AccountState d = matching_desired();
        for (auto& u : d.users) {
            u.locked = true;
        }
        d.policy.max_removals = 1;
        CHECK(run(d, live).refused());
        CHECK(guard(run(d, live), "max_removals").tripped);
    }
}

TEST_CASE("pruning a role or service group lists the holders the files do not manage") {
    model::LiveAccount live = live_account();
    live.state.users[2].roles = List{"Purge Operator"};  // bob holds it directly
    model::AccountState d = matching_desired();
    d.roles.clear();
    d.user_groups.erase(d.user_groups.begin());  // SRE is not managed
    d.users[2].roles.reset();                    // bob's roles are not managed
    d.policy.prune = {Kind::roles};
    const plan::Plan p = run(d, live);
    const plan::Change* c = find(p, Kind::roles, "Purge Operator", Stage::delete_roles_and_service_groups);
    REQUIRE(c);
    REQUIRE(list_of(*c, "held_by"));
    CHECK(list_of(*c, "held_by")->remove == List{"user group 'SRE'", "user 'bob@example.com'"});
    CHECK(c->sensitive == List{"access lost through pruning: 2 holders the files do not manage lose it"});
    CHECK(p.summary.removals == 2);
    SUBCASE("a service group too") {
        model::AccountState s = matching_desired();
        s.service_groups.pop_back();
        s.service_groups.erase(s.service_groups.begin());
        s.user_groups.erase(s.user_groups.begin());
        s.policy.prune = {Kind::service_groups};
        const plan::Plan q = run(s);
        const plan::Change* g = find(q, Kind::service_groups, "production", Stage::delete_roles_and_service_groups);
        REQUIRE(g);
        CHECK(list_of(*g, "held_by")->remove == List{"user group 'SRE'"});
    }
    SUBCASE("stripping a protected user refuses the plan") {
        d.policy.protected_logins = {"bob@example.com"};
        CHECK(guard(run(d, live), "protected").message ==
              "the plan strips role 'Purge Operator' from bob@example.com by deleting it (listed in policy.protected)");
    }
}

TEST_CASE("ignored roles and service groups are never taken out of what the files manage") {
    model::LiveAccount live = live_account();
    live.state.user_groups[0].service_groups->push_back("staging");
    model::AccountState d = matching_desired();
    d.ignore.patterns[Kind::roles] = {"Purge*"};
    d.ignore.patterns[Kind::service_groups] = {"stag*"};
    d.roles.clear();
    d.service_groups.pop_back();
    d.user_groups[0].roles = List{"Engineer"};
    d.user_groups[0].service_groups = List{"production"};
    CHECK(run(d, live).changes.empty());
    SUBCASE("a user's roles keep the ignored role when the list is sent") {
        live.state.users[1].roles = List{"Engineer", "Purge Operator"};
        d.users[1].roles = List{};
        const plan::Plan p = run(d, live);
        REQUIRE(p.changes.size() == 1);
        CHECK(field_of(p.changes[0], "roles")->to == plan::Value(List{"Purge Operator"}));
    }
    SUBCASE("naming an ignored role in a group adds it like any other") {
        live.state.user_groups[1].roles = List{};
        d.user_groups[1].roles = List{"Purge Operator"};
        const plan::Plan p = run(d, live);
        REQUIRE(p.changes.size() == 1);
        CHECK(list_of(p.changes[0], "roles")->add == List{"Purge Operator"});
    }
}

TEST_CASE("privilege escalations and unlocks are marked") {
    SUBCASE("a user made superuser, given the Superuser role, unlocked") {
        model::LiveAccount live = live_account();
        live.state.users[1].locked = true;
        model::AccountState d = matching_desired();
        d.users[1].role = UserRole::superuser;
        d.users[1].roles = List{"Engineer", "superuser"};
        d.users[1].locked = false;
        const plan::Plan p = run(d, live);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].sensitive == List{"privilege escalation: role \"engineer\" → superuser",
                                             "privilege escalation: gains the Superuser role",
                                             "unlocks the user (a lock may have been set by hand, in an incident)"});
        CHECK(p.summary.sensitive == 1);
    }
    SUBCASE("a custom role gaining account-scope permissions, and the groups and members that get it") {
        model::AccountState d = matching_desired();
        d.roles[0].permissions = List{"purge_all", "read_stats"};
        d.user_groups[1].roles = List{"Purge Operator"};
        const plan::Plan p = run(d);
        const plan::Change* role = find(p, Kind::roles, "Purge Operator", Stage::create_roles_and_service_groups);
        REQUIRE(role);
        CHECK(role->sensitive == List{"privilege escalation: the role gains account-scope permissions (read_stats)"});
        const plan::Change* old = find(p, Kind::user_groups, "Old", Stage::create_user_groups);
        REQUIRE(old);
        CHECK(old->sensitive ==
              List{"privilege escalation: the group's members gain role 'Purge Operator' (account-scope: read_stats)"});
    }
    SUBCASE("a member added to a group that holds Superuser") {
        model::LiveAccount live = live_account();
        live.state.user_groups[1].roles = List{"Superuser"};
        model::AccountState d = matching_desired();
        d.user_groups[1].roles = List{"Superuser"};
        d.user_groups[1].members = List{"bob@example.com", "alice@example.com"};
        const plan::Plan p = run(d, live);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].sensitive ==
              List{"privilege escalation: alice@example.com added to a group with the Superuser role"});
    }
    SUBCASE("require_new_password: true asks once; false cancels nothing") {
        model::LiveAccount live = live_account();
        live.state.users[1].require_new_password = true;
        model::AccountState d = matching_desired();
        d.users[1].require_new_password = false;
        CHECK(run(d, live).changes.empty());
        d.users[2].require_new_password = true;
        CHECK(run(d, live).changes.size() == 1);
    }
}

TEST_CASE("one rule protects the owner, the token's user and policy.protected") {
    SUBCASE("no field of theirs changes, renaming included") {
        model::AccountState d = matching_desired();
        d.users[0].name = "The Owner";
        CHECK(guard(run(d), "protected").message ==
              "the plan changes name of owner@example.com (the token's own user and the account owner)");
        model::LiveAccount live = live_account();
        live.state.users[0].roles = List{"Superuser"};
        d.users[0] = matching_desired().users[0];
        d.users[0].roles = List{};
        CHECK(guard(run(d, live), "protected").message ==
              "the plan changes roles of owner@example.com (the token's own user and the account owner)");
    }
    SUBCASE("never taken out of a group, nor is their group deleted; added to one is fine") {
        model::AccountState d = matching_desired();
        d.policy.protected_logins = {"alice@example.com"};
        d.user_groups[0].members = List{"carol@example.com"};
        CHECK(guard(run(d), "protected").message ==
              "the plan removes alice@example.com from user group 'SRE' (listed in policy.protected)");
        d = matching_desired();
        d.user_groups[1].members = List{"bob@example.com", "owner@example.com"};
        CHECK_FALSE(run(d).refused());
        d = matching_desired();
        d.policy.protected_logins = {"bob@example.com"};
        d.user_groups.pop_back();
        d.policy.prune = {Kind::user_groups};
        CHECK(guard(run(d), "protected").message ==
              "the plan deletes user group 'Old', of which bob@example.com is a member (listed in policy.protected)");
    }
    SUBCASE("min_superusers counts only superusers who can act") {
        model::LiveAccount live = live_account();
        live.state.users[1].role = UserRole::superuser;
        live.state.users[1].locked = true;
        model::AccountState d = matching_desired();
        d.users[1].role = UserRole::superuser;
        d.users[1].locked = true;
        d.policy.min_superusers = 2;
        const plan::Plan p = run(d, live);
        CHECK(guard(p, "min_superusers").tripped);
        CHECK(guard(p, "min_superusers").message ==
              "1 superuser who can act after the plan (and 1 locked); policy.min_superusers is 2");
    }
}

TEST_CASE("policy.missing_users: create warns that POST /user is deprecated") {
    model::AccountState d = matching_desired();
    d.users.push_back(user("erin@example.com", "", UserRole::engineer));
    d.policy.missing_users = model::MissingUsers::create;
    const plan::Plan p = run(d);
    CHECK(std::any_of(p.notes.begin(), p.notes.end(), [](const std::string& note) {
        return note.find("POST /user, which Fastly deprecated in 2025") != std::string::npos;
    }));
}

TEST_CASE("a dead membership (an expired invitation nobody lists) is left alone, as export leaves it out") {
    model::LiveAccount live = live_account();
    live.state.user_groups[1].members->push_back("dave@example.com");
    CHECK(run(matching_desired(), live).changes.empty());
}

TEST_CASE("an expired invitation the files do not list is named in a note, not left invisible") {
    const plan::Plan p = run(matching_desired());
    CHECK(p.changes.empty());
    REQUIRE(p.notes.size() == 1);
    CHECK(p.notes[0].rfind("dave@example.com: an expired invitation (sent ", 0) == 0);
    CHECK(p.notes[0].find("prune invitations to delete it") != std::string::npos);
}

TEST_CASE("two live users whose logins fold alike make no plan: the files cannot tell them apart") {
    model::LiveAccount live = live_account();
    live.state.users.push_back(user("straße@example.com", "u-1", UserRole::user));
    live.state.users.push_back(user("STRASSE@example.com", "u-2", UserRole::user));
    try {
        run(matching_desired(), live);
        FAIL("expected a PlanError");
    } catch (const plan::PlanError& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].message.find("straße@example.com and STRASSE@example.com") != std::string::npos);
    }
}

TEST_CASE("red-team findings on issue 12: each closed") {
    SUBCASE("a second pending invitation for a listed person is deleted, and marked when it is superuser") {
        model::LiveAccount live = live_account();
        model::Invitation extra = invitation("CAROL@example.com", "i-carol-2", now - 2 * day);
        extra.role = UserRole::superuser;
        live.state.invitations.push_back(extra);
        model::AccountState d = matching_desired();
        d.invitations = {invitation("carol@example.com", "", 0)};
        const plan::Plan p = run(d, live);
        const plan::Change* c = find(p, Kind::invitations, "CAROL@example.com", Stage::delete_people_and_groups);
        REQUIRE(c);
        CHECK(c->id == "i-carol-2");
        CHECK(c->sensitive == List{"a pending invitation as superuser that the files do not describe"});
    }
    SUBCASE("a protected member loses no role through a group, nor through pruning a group's role") {
        model::LiveAccount live = live_account();
        model::AccountState d = matching_desired();
        d.policy.protected_logins = {"alice@example.com"};
        d.user_groups[0].roles = List{"Engineer"};
        CHECK(guard(run(d, live), "protected").message ==
              "the plan takes role 'Purge Operator' from user group 'SRE', of which alice@example.com is a member "
              "(listed in policy.protected)");
        d = matching_desired();
        d.policy.protected_logins = {"alice@example.com"};
        d.roles.clear();
        d.user_groups.erase(d.user_groups.begin());
        d.policy.prune = {Kind::roles};
        CHECK(guard(run(d, live), "protected").message ==
              "the plan strips role 'Purge Operator' from user group 'SRE', of which alice@example.com is a member, "
              "by deleting it (listed in policy.protected)");
    }
    SUBCASE("an IAM role a replaced invitation loses counts as a removal") {
        model::LiveAccount live = live_account();
        live.state.invitations[0].roles = List{"Engineer"};
        model::AccountState d = matching_desired();
        d.invitations = {invitation("carol@example.com", "", 0)};
        d.invitations[0].roles = List{};
        CHECK(run(d, live).summary.removals == 1);
    }
    SUBCASE("a role an ignored group holds is not pruned") {
        model::AccountState d = matching_desired();
        d.roles.clear();
        d.user_groups.erase(d.user_groups.begin());
        d.ignore.patterns[Kind::user_groups] = {"SRE"};
        d.policy.prune = {Kind::roles};
        const plan::Plan p = run(d);
        CHECK(find(p, Kind::roles, "Purge Operator", Stage::delete_roles_and_service_groups) == nullptr);
        CHECK(has_note(p,
                       "role 'Purge Operator' is not pruned: the ignored user group 'SRE' holds it, and ignored "
                       "objects are never changed"));
    }
    SUBCASE("lifting limit_services is marked") {
        model::LiveAccount live = live_account();
        live.state.users[1].limit_services = true;
        model::AccountState d = matching_desired();
        d.users[1].limit_services = false;
        const plan::Plan p = run(d, live);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].sensitive ==
              List{"privilege escalation: limit_services lifted, so every service is open to them"});
    }
}

TEST_CASE("replacing a service-limited invitation says its per-service grants are not carried") {
    model::LiveAccount live = live_account();
    live.state.invitations[0].limit_services = true;
    model::AccountState d = matching_desired();
    d.invitations = {invitation("carol@example.com", "", 0)};
    d.invitations[0].role = UserRole::user;
    d.invitations[0].limit_services.reset();
    const plan::Plan p = run(d, live);
    REQUIRE(p.changes.size() == 1);
    CHECK(p.changes[0].sensitive ==
          List{"access lost: the pending invitation is service-limited, and its per-service grants "
               "(service_invitations) cannot be read, so they are not sent again; list them under `services`"});
}
