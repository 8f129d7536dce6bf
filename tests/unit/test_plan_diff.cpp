#include <doctest/doctest.h>

#include <algorithm>
#include <ctime>
#include <fastly_accounts/plan/diff.hpp>

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
    live.customer = {"C1", "Acme", "u-owner"};
    live.token_user = {"u-owner", "owner@example.com", UserRole::superuser};
    const char* predefined[][2] = {{"user", "User"},         {"billing", "Billing"},       {"engineer", "Engineer"},
                                   {"superuser", "Superuser"}, {"tls_viewer", "TLS Viewer"}, {"tls_admin", "TLS Admin"}};
    for (const auto& [name, display] : predefined) {
        live.role_catalog.push_back({std::string("r-") + name, name, display, "", false});
    }
    live.role_catalog.push_back({"r-purge", "Purge Operator", "", "Purges", true});
    live.permissions = {{"p1", "purge_all", "service"}, {"p2", "purge_select", "service"}, {"p3", "read_stats", "account"}};
    live.services = {{"s1", "www"}, {"s2", "api"}, {"s3", "static"}};
    live.state.users = {user("owner@example.com", "u-owner", UserRole::superuser),
                        user("alice@example.com", "u-alice", UserRole::engineer, {"Engineer"}),
                        user("bob@example.com", "u-bob", UserRole::user)};
    live.state.invitations = {invitation("carol@example.com", "i-carol", now - day),
                              invitation("dave@example.com", "i-dave", now - 10 * day)};
    live.state.roles = {{"Purge Operator", "Purges", List{"purge_all"}, "r-purge", {}}};
    live.state.service_groups = {{"production", "", List{"s1"}, "sg-prod", {}}, {"staging", "", List{"s2"}, "sg-stage", {}}};
    live.state.user_groups = {
        {"SRE", "Site reliability", List{"Engineer", "Purge Operator"}, List{"production"},
         List{"alice@example.com", "carol@example.com"}, "ug-sre", {}},
        {"Old", "", List{}, List{}, List{"bob@example.com"}, "ug-old", {}},
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
        u = model::User{u.login, {}, {}, {}, {}, {}, {}, "", {}};  // only the login
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
    CHECK(c.fields[0].field == "name");
    CHECK(plan::display(c.fields[0].from) == "\"Name\"");
    CHECK(plan::display(c.fields[0].to) == "\"Alice Example\"");
    CHECK(c.fields[1].field == "role");
    CHECK(c.fields[2].field == "roles");
    CHECK(c.fields[3].field == "locked");
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
        CHECK(p.notes == List{"carol@example.com: invited, awaiting acceptance"});
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
        CHECK(p.notes == List{"Bob@example.com: accepted the invitation and is now a user; move the entry from "
                              "invitations: to users:"});
    }
}

TEST_CASE("unlisted live objects: unmanaged, deleted when their kind is pruned, invisible when ignored") {
    model::AccountState d = matching_desired();
    d.users.pop_back();         // bob
    d.user_groups.pop_back();   // Old
    d.roles.clear();            // Purge Operator (still used by SRE: kept listed there)
    d.user_groups[0].roles = List{"Engineer"};
    {
        const plan::Plan p = run(d);
        CHECK(std::count_if(p.changes.begin(), p.changes.end(), [](const auto& c) { return c.action == Action::remove; }) == 0);
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
        CHECK(p.changes.size() == 1);  // only SRE losing the Purge Operator role
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
    d.user_groups.push_back({"Web", "Web team", List{"User"}, List{"staging"}, List{"bob@example.com"}, "", {}});
    const plan::Plan p = run(d);

    const plan::Change* adds = find(p, Kind::user_groups, "SRE", Stage::create_user_groups);
    REQUIRE(adds != nullptr);
    CHECK(adds->action == Action::update);
    REQUIRE(adds->lists.size() == 2);
    CHECK(adds->lists[0].field == "service_groups");
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
                       {1, "Zeta"}, {1, "alpha"}, {2, "alice@example.com"}, {2, "bob@example.com"}, {5, "Old"}});
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
        CHECK(guard(p, "protected").message == "the plan updates bob@example.com (listed in policy.protected)");
    }
    SUBCASE("the owner and the token's user: never deleted, demoted or locked; renaming is fine") {
        model::AccountState d = matching_desired();
        d.users[0].name = "The Owner";
        CHECK_FALSE(run(d).refused());
        d.users[0].role = UserRole::engineer;
        d.users[0].locked = true;
        d.users.push_back(user("root@example.com", "", UserRole::superuser));
        d.policy.missing_users = model::MissingUsers::create;
        const plan::Plan p = run(d);
        CHECK(guard(p, "protected").tripped);
        CHECK(guard(p, "protected").message == "the plan demotes owner@example.com (the token's own user and the account owner)");
        d.users[0] = matching_desired().users[0];
        d.users.erase(d.users.begin());
        d.policy.prune = {Kind::users};
        CHECK(guard(run(d), "protected").message == "the plan deletes owner@example.com (the token's own user and the account owner)");
    }
    SUBCASE("min_superusers counts the superusers left after the plan") {
        model::AccountState d = matching_desired();
        d.policy.min_superusers = 2;
        CHECK(guard(run(d), "min_superusers").tripped);
        d.users[1].role = UserRole::superuser;
        const plan::Plan p = run(d);
        CHECK_FALSE(guard(p, "min_superusers").tripped);
        CHECK(guard(p, "min_superusers").message == "2 superusers after the plan; policy.min_superusers is 2");
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
    d.roles[0].permissions = List{"purge_everything"};
    d.users[1].roles = List{"Release Manager"};
    d.service_groups[0].services = List{"s1", "s9"};
    try {
        run(d);
        FAIL("diff did not throw");
    } catch (const plan::PlanError& e) {
        CHECK(e.problems() == List{"role 'Purge Operator': permission 'purge_everything' does not exist (see GET "
                                   "/permissions)",
                                   "service group 'production': service 's9' does not exist in the account",
                                   "user 'alice@example.com': role 'Release Manager' does not exist in the account"});
    }
}

TEST_CASE("parse_utc") {
    CHECK(plan::parse_utc("1970-01-01T00:00:00Z") == 0);
    CHECK(plan::parse_utc("2022-11-04T18:02:15Z") == 1667584935);
    CHECK_FALSE(plan::parse_utc("2022-11-04 18:02:15").has_value());
    CHECK_FALSE(plan::parse_utc("").has_value());
}
