#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <fastly_accounts/plan/diff.hpp>

using namespace fastly_accounts;
using model::Kind;
using plan::Action;
using plan::Field;
using plan::Stage;
using List = std::vector<std::string>;

namespace {

// One custom role (Purger), two service groups (prod, www), two user groups (Ops, which holds Purger on
// prod, and Legacy), alice and bob; bob holds Purger himself.
model::LiveAccount account() {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    live.token_user = {"u-owner", "owner@example.com", model::UserRole::superuser};
    live.role_catalog = {{"r-eng", "engineer", "Engineer", "", false}, {"r1", "Purger", "", "", true}};
    live.permissions = {{"p1", "purge_all", "service"}};
    live.services = {{"s1", "www"}};
    for (const char* login : {"owner@example.com", "alice@example.com", "bob@example.com"}) {
        model::User u;
        u.login = login;
        u.id = std::string("u-") + login;
        u.role = login[0] == 'o' ? model::UserRole::superuser : model::UserRole::engineer;
        u.roles = List{};
        live.state.users.push_back(u);
    }
    live.state.users[2].roles = List{"Purger"};
    live.state.roles = {{"Purger", "Purges", List{"purge_all"}, "r1", {}, {}}};
    live.state.service_groups = {{"prod", "", List{"s1"}, "sg1", {}, {}}, {"www", "", List{}, "sg2", {}, {}}};
    live.state.user_groups = {
        {"Ops", "Operations", List{"Purger"}, List{"prod"}, List{"alice@example.com"}, "ug1", {}, {}},
        {"Legacy", "", List{}, List{}, List{}, "ug2", {}, {}}};
    return live;
}

// The files that say what account() has, every object under its live name.
model::AccountState files() {
    const model::LiveAccount live = account();
    model::AccountState d;
    d.users = live.state.users;
    d.roles = live.state.roles;
    d.service_groups = live.state.service_groups;
    d.user_groups = live.state.user_groups;
    return d;
}

plan::Plan run(const model::AccountState& desired, const model::LiveAccount& live = account()) {
    plan::DiffOptions options;
    options.now_epoch = 1'800'000'000;
    return plan::diff(desired, live, options);
}

bool has_note(const plan::Plan& p, const std::string& note) {
    return std::find(p.notes.begin(), p.notes.end(), note) != p.notes.end();
}

}  // namespace

TEST_CASE("a rename is one update of the live object, keeping its id, even when its kind is pruned") {
    struct Case {
        const char* what;
        Kind kind;
        const char* from;
        const char* to;
        const char* id;
        const char* path;
        Stage stage;
    };
    const Case cases[] = {
        {"user group", Kind::user_groups, "Ops", "SRE", "ug1", "/user-groups/ug1", Stage::create_user_groups},
        {"service group", Kind::service_groups, "prod", "production", "sg1", "/service-groups/sg1",
         Stage::create_roles_and_service_groups},
        {"custom role", Kind::roles, "Purger", "Purge Operator", "r1", "/roles/r1",
         Stage::create_roles_and_service_groups},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        model::AccountState d = files();
        d.policy.prune = {model::all_kinds.begin(), model::all_kinds.end()};
        // The new name everywhere the files name the object.
        auto rename_in = [&](auto& objects) {
            for (auto& object : objects) {
                if (object.name == c.from) {
                    object.name = c.to;
                    object.previously = {"Never existed", c.from};
                }
            }
        };
        auto rename_entries = [&](std::optional<List>& list) {
            if (list) {
                std::replace(list->begin(), list->end(), std::string(c.from), std::string(c.to));
            }
        };
        if (c.kind == Kind::user_groups) {
            rename_in(d.user_groups);
        } else if (c.kind == Kind::service_groups) {
            rename_in(d.service_groups);
            rename_entries(d.user_groups[0].service_groups);
        } else {
            rename_in(d.roles);
            rename_entries(d.user_groups[0].roles);
            rename_entries(d.users[2].roles);
        }
        const plan::Plan p = run(d);
        REQUIRE(p.changes.size() == 1);  // no create, no deletion, no list that loses the old name
        const plan::Change& change = p.changes[0];
        CHECK(change.kind == c.kind);
        CHECK(change.stage == c.stage);
        CHECK(change.action == Action::update);
        CHECK(change.key == c.to);
        CHECK(change.id == c.id);
        REQUIRE(change.fields.size() == 1);
        CHECK(change.fields[0].field == Field::name);
        CHECK(plan::display(change.fields[0].from) == fmt::format("\"{}\"", c.from));
        CHECK(plan::display(change.fields[0].to) == fmt::format("\"{}\"", c.to));
        CHECK(change.lists.empty());
        REQUIRE(change.requests.size() == 1);
        CHECK(change.requests[0].method == "PATCH");
        CHECK(change.requests[0].path == c.path);
        CHECK(change.note == fmt::format("renamed from '{}' (previously:), keeping its ID", c.from));
        CHECK(p.unmanaged.empty());
        CHECK(p.summary.update == 1);
        CHECK(p.summary.remove == 0);
        CHECK(p.summary.removals == 0);
        CHECK_FALSE(p.refused());
        REQUIRE(plan::renames_of(p).size() == 1);
        CHECK(plan::renames_of(p)[0].id == c.id);
    }
}

TEST_CASE("a rename carries the object's other changes in the same change and the same PATCH") {
    model::AccountState d = files();
    d.user_groups[0].name = "SRE";
    d.user_groups[0].previously = {"Ops"};
    d.user_groups[0].description = "Site reliability";
    d.user_groups[0].members = List{"alice@example.com", "bob@example.com"};
    d.user_groups[0].roles = List{};
    const plan::Plan p = run(d);
    REQUIRE(p.changes.size() == 2);  // stage 3 gains, stage 4 losses: both of the same group, by its id
    const plan::Change& adds = p.changes[0];
    CHECK(adds.stage == Stage::create_user_groups);
    CHECK(adds.id == "ug1");
    REQUIRE(adds.fields.size() == 2);
    CHECK(adds.fields[0].field == Field::name);
    CHECK(adds.fields[1].field == Field::description);
    REQUIRE(adds.requests.size() == 2);
    CHECK(adds.requests[0].method == "PATCH");
    CHECK(adds.requests[1].path == "/user-groups/ug1/members");
    const plan::Change& removes = p.changes[1];
    CHECK(removes.stage == Stage::remove_from_groups);
    CHECK(removes.key == "SRE");
    CHECK(removes.id == "ug1");
    CHECK(removes.fields.empty());
    REQUIRE(removes.lists.size() == 1);
    CHECK(removes.lists[0].remove == List{"Purger"});
}

TEST_CASE("when the name and a former name both exist live, the name is matched and the other is unlisted") {
    model::AccountState d = files();
    d.user_groups.pop_back();  // Legacy
    d.user_groups[0].previously = {"Legacy"};
    SUBCASE("not pruned: unmanaged") {
        const plan::Plan p = run(d);
        CHECK(p.changes.empty());
        REQUIRE(p.unmanaged.size() == 1);
        CHECK(p.unmanaged[0].key == "Legacy");
        CHECK(has_note(p,
                       "user group 'Ops': 'Legacy', one of its former names, also exists in the account; 'Ops' "
                       "is matched by its name, and 'Legacy' is treated as any other user group the files do "
                       "not list"));
    }
    SUBCASE("pruned: deleted") {
        d.policy.prune = {Kind::user_groups};
        const plan::Plan p = run(d);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].action == Action::remove);
        CHECK(p.changes[0].key == "Legacy");
    }
    SUBCASE("two former names live: the first is renamed, the second unlisted") {
        d.user_groups[0].name = "SRE";
        d.user_groups[0].previously = {"Ops", "Legacy"};
        const plan::Plan p = run(d);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].id == "ug1");
        CHECK(has_note(p,
                       "user group 'SRE': 'Legacy', one of its former names, also exists in the account; 'SRE' "
                       "is renamed from 'Ops', and 'Legacy' is treated as any other user group the files do not "
                       "list"));
    }
}

TEST_CASE("an ignored live object is never renamed; the new name is made") {
    model::AccountState d = files();
    d.service_groups[0].name = "production";
    d.service_groups[0].previously = {"prod"};
    d.user_groups[0].service_groups = List{"production"};
    d.ignore.patterns[Kind::service_groups] = {"pro?"};
    const plan::Plan p = run(d);
    auto made = std::find_if(p.changes.begin(), p.changes.end(), [](const plan::Change& c) {
        return c.kind == Kind::service_groups && c.key == "production";
    });
    REQUIRE(made != p.changes.end());
    CHECK(made->action == Action::create);
    CHECK(plan::renames_of(p).empty());
    CHECK(has_note(p,
                   "service group 'production': 'prod', one of its former names, matches ignore.service_groups, "
                   "so it is not renamed"));
}

TEST_CASE("a custom role taken for a predefined one is never renamed") {
    model::LiveAccount live = account();
    live.role_catalog.push_back({"r-fake", "Billing", "", "", true});
    live.state.roles.push_back({"Billing", "", List{}, "r-fake", {}, {}});
    model::AccountState d = files();
    d.roles.push_back({"Billing Ops", {}, List{}, "", {}, {"Billing"}});
    const plan::Plan p = run(d, live);
    REQUIRE_FALSE(p.changes.empty());
    CHECK(p.changes[0].key == "Billing Ops");
    CHECK(p.changes[0].action == Action::create);
    CHECK(plan::renames_of(p).empty());
}

TEST_CASE("renamed: the account with each renamed object, and every list naming it, under the new name") {
    const model::LiveAccount live = account();
    const model::LiveAccount after = plan::renamed(
        live, {{Kind::roles, "r1", "Purger", "Purge Operator"}, {Kind::service_groups, "sg1", "prod", "production"}});
    CHECK(after.state.roles[0].name == "Purge Operator");
    CHECK(after.find_role("Purge Operator") != nullptr);
    CHECK(after.find_role("Purger") == nullptr);
    CHECK(*after.state.users[2].roles == List{"Purge Operator"});
    CHECK(*after.state.user_groups[0].roles == List{"Purge Operator"});
    CHECK(after.state.service_groups[0].name == "production");
    CHECK(*after.state.user_groups[0].service_groups == List{"production"});
    CHECK(after.state.service_groups[1].name == "www");
    CHECK(live.state.roles[0].name == "Purger");  // the account read is left as it was
}

TEST_CASE("a previously: that is done is noted, so that a future object of a former name is not taken for it") {
    model::AccountState d = files();
    SUBCASE("every former name gone: noted, once per object") {
        d.user_groups[0].previously = {"Operations"};
        d.service_groups[0].previously = {"production", "live"};
        d.roles[0].previously = {"Purge"};
        const plan::Plan p = run(d);
        CHECK(p.changes.empty());
        CHECK(has_note(p,
                       "user group 'Ops': previously: [Operations] is done (no 'Operations' in the account); "
                       "remove it so that a future 'Operations' is not renamed to 'Ops'"));
        CHECK(has_note(p,
                       "service group 'prod': previously: [production, live] is done (no 'production' or 'live' "
                       "in the account); remove it so that a future 'production' or 'live' is not renamed to "
                       "'prod'"));
        CHECK(has_note(p,
                       "role 'Purger': previously: [Purge] is done (no 'Purge' in the account); remove it "
                       "so that a future 'Purge' is not renamed to 'Purger'"));
        CHECK(p.notes.size() == 3);
    }
    SUBCASE("a rename still to do, or a former name still live: no such note") {
        d.user_groups[0].name = "SRE";
        d.user_groups[0].previously = {"Ops"};     // renamed by this plan
        d.service_groups[0].previously = {"www"};  // live: noted as also existing
        const plan::Plan p = run(d);
        CHECK(std::none_of(p.notes.begin(), p.notes.end(),
                           [](const std::string& n) { return n.find("is done") != std::string::npos; }));
    }
}
