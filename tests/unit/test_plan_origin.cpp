// plan --base in isolation: where each change of a plan comes from, given the plan of the base files against
// the same account (plan::mark_origins).
#include <doctest/doctest.h>

#include <fastly_accounts/plan/diff.hpp>

using namespace fastly_accounts;
using plan::Action;
using plan::Change;
using plan::Field;
using plan::Origin;
using plan::Stage;

namespace {

Change user_update(std::string login, std::string id, Field field, std::string from, std::string to) {
    Change change;
    change.stage = Stage::create_people;
    change.action = Action::update;
    change.kind = model::Kind::users;
    change.key = std::move(login);
    change.id = std::move(id);
    change.fields.push_back({field, std::move(from), std::move(to)});
    return change;
}

Change group_members(std::string name, std::vector<std::string> add, std::vector<std::string> remove) {
    Change change;
    change.stage = Stage::create_user_groups;
    change.kind = model::Kind::user_groups;
    change.key = std::move(name);
    change.id = "G1";
    change.lists.push_back({Field::members, std::move(add), std::move(remove)});
    return change;
}

plan::Plan with(std::vector<Change> changes) {
    plan::Plan out;
    out.changes = std::move(changes);
    return out;
}

}  // namespace

TEST_CASE("a change the base files plan exactly so is drift; any other is this change's") {
    plan::Plan head = with({user_update("ana@example.com", "U1", Field::role, "engineer", "billing"),
                            user_update("bo@example.com", "U2", Field::name, "Bo By Hand", "Bo")});
    const plan::Plan base = with({user_update("bo@example.com", "U2", Field::name, "Bo By Hand", "Bo")});
    plan::mark_origins(head, base);
    CHECK(head.with_base);
    CHECK(head.changes[0].origin == Origin::change);
    CHECK(head.changes[0].also_drift.empty());
    CHECK(head.changes[1].origin == Origin::drift);
    CHECK(head.adopted.empty());
}

TEST_CASE("another value for the same field is this change's, and so is one part more") {
    plan::Plan head = with({user_update("ana@example.com", "U1", Field::role, "superuser", "billing")});
    const plan::Plan base = with({user_update("ana@example.com", "U1", Field::role, "superuser", "engineer")});
    plan::mark_origins(head, base);
    CHECK(head.changes[0].origin == Origin::change);
    CHECK(head.changes[0].also_drift.empty());

    // The group's additions are drift, but the pull request also removes a member in stage 4.
    plan::Plan two = with({group_members("Ops", {"ana"}, {}), group_members("Ops", {}, {"bo"})});
    two.changes[1].stage = Stage::remove_from_groups;
    plan::mark_origins(two, with({group_members("Ops", {"ana"}, {})}));
    CHECK(two.changes[0].origin == Origin::change);
    CHECK(two.changes[1].origin == Origin::change);
    CHECK(two.changes[0].also_drift == std::vector<Field>{Field::members});
    CHECK(two.changes[1].also_drift.empty());
}

TEST_CASE("the parts of a change that the base files make alike are named") {
    Change mine = user_update("ana@example.com", "U1", Field::role, "engineer", "billing");
    mine.fields.push_back({Field::name, std::string("Ana By Hand"), std::string("Ana")});
    plan::Plan head = with({mine});
    plan::mark_origins(head, with({user_update("ana@example.com", "U1", Field::name, "Ana By Hand", "Ana")}));
    CHECK(head.changes[0].origin == Origin::change);
    CHECK(head.changes[0].also_drift == std::vector<Field>{Field::name});

    // A list that shares one entry with the base's is named; one that shares none is not.
    plan::Plan members = with({group_members("Ops", {"ana", "bo"}, {})});
    plan::mark_origins(members, with({group_members("Ops", {"ana"}, {})}));
    CHECK(members.changes[0].also_drift == std::vector<Field>{Field::members});
    plan::Plan other = with({group_members("Ops", {"cy"}, {})});
    plan::mark_origins(other, with({group_members("Ops", {}, {"cy"})}));
    CHECK(other.changes[0].also_drift.empty());
}

TEST_CASE("what only the base files change is drift the head files adopt, in the base plan's order") {
    plan::Plan head = with({user_update("ana@example.com", "U1", Field::role, "engineer", "billing")});
    const plan::Plan base = with({user_update("cy@example.com", "U3", Field::role, "superuser", "engineer"),
                                  user_update("ana@example.com", "U1", Field::role, "engineer", "billing"),
                                  group_members("Ops", {}, {"mallory"})});
    plan::mark_origins(head, base);
    CHECK(head.changes[0].origin == Origin::drift);
    REQUIRE(head.adopted.size() == 2);
    CHECK(head.adopted[0].key == "cy@example.com");
    CHECK(head.adopted[1].key == "Ops");
    CHECK(head.adopted[0].origin == Origin::drift);
}

TEST_CASE("one login written in two cases is one object; two ids under one key are two") {
    plan::Plan head = with({user_update("Ana@Example.com", "U1", Field::name, "x", "Ana")});
    plan::mark_origins(head, with({user_update("ana@example.com", "U1", Field::name, "x", "Ana")}));
    CHECK(head.changes[0].origin == Origin::drift);
    CHECK(head.adopted.empty());

    plan::Plan invitations = with({user_update("new@example.com", "I2", Field::role, "user", "engineer")});
    plan::mark_origins(invitations, with({user_update("new@example.com", "I1", Field::role, "user", "engineer")}));
    CHECK(invitations.changes[0].origin == Origin::change);
    REQUIRE(invitations.adopted.size() == 1);
    CHECK(invitations.adopted[0].id == "I1");
}

TEST_CASE("marking again replaces the marks; without base files every change is this change's, with a note") {
    plan::Plan head = with({user_update("bo@example.com", "U2", Field::name, "Bo By Hand", "Bo")});
    plan::mark_origins(head, with({user_update("bo@example.com", "U2", Field::name, "Bo By Hand", "Bo"),
                                   user_update("cy@example.com", "U3", Field::name, "a", "b")}));
    CHECK(head.changes[0].origin == Origin::drift);
    CHECK(head.adopted.size() == 1);
    plan::mark_without_base(head, "the base files (--base) cannot be used: x.yaml:3:5: no login");
    CHECK(head.changes[0].origin == Origin::change);
    CHECK(head.adopted.empty());
    REQUIRE(head.notes.size() == 1);
    CHECK(head.notes[0].find("x.yaml:3:5: no login; every change is shown as this change's") != std::string::npos);
    CHECK(plan::to_string(Origin::drift) == "drift");
    CHECK(plan::to_string(Origin::change) == "change");
    CHECK(plan::to_string(Origin::unmarked).empty());
}

TEST_CASE("what the base files would change in an object the head plan also changes, and the head leaves, is kept") {
    // By hand, bo was made superuser and renamed; the pull request fixes the name and writes superuser in.
    plan::Plan head = with({user_update("bo@example.com", "U2", Field::name, "Bo By Hand", "Bo")});
    Change base_change = user_update("bo@example.com", "U2", Field::name, "Bo By Hand", "Bo");
    base_change.fields.push_back({Field::role, std::string("superuser"), std::string("engineer")});
    plan::mark_origins(head, with({base_change}));
    CHECK(head.changes[0].origin == Origin::drift);
    REQUIRE(head.adopted.size() == 1);
    REQUIRE(head.adopted[0].fields.size() == 1);
    CHECK(head.adopted[0].fields[0].field == Field::role);
    CHECK(head.adopted[0].requests.empty());
    // The role the base files would take away stays: a reviewer must not miss it.
    REQUIRE(head.adopted[0].sensitive.size() == 1);
    CHECK(head.adopted[0].sensitive[0].find("kept") == 0);

    // A field the head sets otherwise is the pull request's, not kept.
    plan::Plan other = with({user_update("bo@example.com", "U2", Field::role, "superuser", "billing")});
    plan::mark_origins(other, with({user_update("bo@example.com", "U2", Field::role, "superuser", "engineer")}));
    CHECK(other.changes[0].origin == Origin::change);
    CHECK(other.adopted.empty());

    // List entries: the ones the head does not add alike are kept out of the group.
    plan::Plan members = with({group_members("Ops", {"ana"}, {})});
    plan::mark_origins(members, with({group_members("Ops", {"ana", "bo"}, {"mallory"})}));
    CHECK(members.changes[0].origin == Origin::drift);
    REQUIRE(members.adopted.size() == 1);
    REQUIRE(members.adopted[0].lists.size() == 1);
    CHECK(members.adopted[0].lists[0].add == std::vector<std::string>{"bo"});
    CHECK(members.adopted[0].lists[0].remove == std::vector<std::string>{"mallory"});
    CHECK(!members.adopted[0].sensitive.empty());  // mallory stays in the group
}

TEST_CASE("a live object is one object by its id, whatever name each plan gives it (a rename)") {
    Change renamed = group_members("SRE", {}, {"bo"});
    renamed.fields.push_back({Field::name, std::string("Ops"), std::string("SRE")});
    plan::Plan head = with({renamed});
    plan::mark_origins(head, with({group_members("Ops", {}, {"bo"})}));
    CHECK(head.changes[0].origin == Origin::change);
    CHECK(head.changes[0].also_drift == std::vector<Field>{Field::members});
    CHECK(head.adopted.empty());

    // Two creates under keys that differ in case are two objects: the pull request's spelling is its own.
    Change create_lower;
    create_lower.action = Action::create;
    create_lower.key = "carl@example.com";
    Change create_upper = create_lower;
    create_upper.key = "Carl@example.com";
    plan::Plan creates = with({create_upper});
    plan::mark_origins(creates, with({create_lower}));
    CHECK(creates.changes[0].origin == Origin::change);
}

TEST_CASE("a deletion the base files would make and the head does not is kept, and marked") {
    Change deletion;
    deletion.stage = Stage::delete_people_and_groups;
    deletion.action = Action::remove;
    deletion.kind = model::Kind::users;
    deletion.key = "eve@example.com";
    deletion.id = "U9";
    deletion.sensitive = {"access lost through pruning"};
    plan::Plan head = with({});
    plan::mark_origins(head, with({deletion}));
    REQUIRE(head.adopted.size() == 1);
    REQUIRE(head.adopted[0].sensitive.size() == 1);
    CHECK(head.adopted[0].sensitive[0].find("would delete this user") != std::string::npos);
}
