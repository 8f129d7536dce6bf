#include <doctest/doctest.h>

#include "harness.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::pinned_time;

namespace {

std::vector<std::string> ids_of(const Table<User>& table) {
    std::vector<std::string> ids;
    for (const User& user : table.rows()) {
        ids.push_back(user.id);
    }
    return ids;
}

std::vector<Member> members_of(const UserGroup& group) {
    return {group.members.begin(), group.members.end()};
}

User make_user(const std::string& id) {
    User user;
    user.id = id;
    user.login = id + "@example.com";
    return user;
}

Invitation make_invitation(const std::string& id, const std::string& email, EpochSeconds created_at) {
    Invitation invitation;
    invitation.id = id;
    invitation.email = email;
    invitation.created_at = created_at;
    return invitation;
}

UserGroup make_group(const std::string& id) {
    UserGroup group;
    group.id = id;
    group.name = id;
    return group;
}

// A store with users u1..u3, an invitation i1 and groups g1..g3, on the pinned clock.
struct Fixture {
    Store store;
    Member u1{MemberKind::user, "u1"};
    Member u2{MemberKind::user, "u2"};
    Member u3{MemberKind::user, "u3"};
    Member i1{MemberKind::invitation, "i1"};

    Fixture() {
        store.wall_clock = [] { return pinned_time; };
        for (const char* id : {"u1", "u2", "u3"}) {
            store.add_user(make_user(id));
        }
        store.add_invitation(make_invitation("i1", "new@example.com", pinned_time));
        for (const char* id : {"g1", "g2", "g3"}) {
            store.user_groups.insert(make_group(id));
        }
    }
    UserGroup& group(const char* id) { return *store.user_groups.find(id); }
};

}  // namespace

TEST_CASE("Table: erase keeps the order of the other rows, their index and their addresses") {
    Table<User> table;
    for (const char* id : {"a", "b", "c", "d"}) {
        table.insert(make_user(id));
    }
    const User* c = table.find("c");
    CHECK(table.erase("b"));
    CHECK_FALSE(table.erase("b"));
    CHECK(ids_of(table) == std::vector<std::string>{"a", "c", "d"});
    CHECK(table.find("b") == nullptr);
    CHECK(table.find("c") == c);
    CHECK(&table.rows()[1] == c);
    table.insert(make_user("b"));
    CHECK(ids_of(table) == std::vector<std::string>{"a", "c", "d", "b"});
    CHECK(table.find("d")->id == "d");
    CHECK(table.size() == 4);
}

TEST_CASE("membership cascades reach every group a member joined, and only those") {
    Fixture f;
    f.store.add_members(f.group("g1"), {f.u1, f.u2, f.i1, f.u1});
    f.store.add_members(f.group("g2"), {f.u2, f.u1});
    f.store.add_members(f.group("g3"), {f.u3, f.i1});
    CHECK(members_of(f.group("g1")) == std::vector<Member>{f.u1, f.u2, f.i1});

    SUBCASE("deleting a user removes it from its groups and keeps the others' order") {
        f.store.delete_user("u1");
        CHECK(members_of(f.group("g1")) == std::vector<Member>{f.u2, f.i1});
        CHECK(members_of(f.group("g2")) == std::vector<Member>{f.u2});
        CHECK(members_of(f.group("g3")) == std::vector<Member>{f.u3, f.i1});
    }
    SUBCASE("a member removed, then added again, is removed again by the cascade") {
        f.store.remove_members(f.group("g2"), {f.u1, f.u3});
        CHECK(members_of(f.group("g2")) == std::vector<Member>{f.u2});
        f.store.add_members(f.group("g2"), {f.u1});
        f.store.delete_user("u1");
        CHECK(members_of(f.group("g1")) == std::vector<Member>{f.u2, f.i1});
        CHECK(members_of(f.group("g2")) == std::vector<Member>{f.u2});
    }
    SUBCASE("a deleted group no longer counts among a member's groups") {
        f.store.delete_user_group("g1");
        f.store.user_groups.insert(make_group("g4"));
        f.store.add_members(f.group("g4"), {f.u2});
        f.store.delete_user("u2");
        CHECK(members_of(f.group("g2")) == std::vector<Member>{f.u1});
        CHECK(f.group("g4").members.empty());
    }
    SUBCASE("an accepted invitation's memberships move to its user, once per group") {
        f.store.add_members(f.group("g3"), {f.u1});
        f.store.move_memberships(f.i1, f.u1);
        f.store.delete_invitation("i1");
        CHECK(members_of(f.group("g1")) == std::vector<Member>{f.u1, f.u2});
        CHECK(members_of(f.group("g3")) == std::vector<Member>{f.u3, f.u1});
        f.store.delete_user("u1");
        CHECK(members_of(f.group("g1")) == std::vector<Member>{f.u2});
        CHECK(members_of(f.group("g2")) == std::vector<Member>{f.u2});
        CHECK(members_of(f.group("g3")) == std::vector<Member>{f.u3});
    }
    SUBCASE("deleting an invitation removes it from its groups") {
        f.store.delete_invitation("i1");
        CHECK(members_of(f.group("g1")) == std::vector<Member>{f.u1, f.u2});
        CHECK(members_of(f.group("g3")) == std::vector<Member>{f.u3});
    }
}

TEST_CASE("invitations by email: case-insensitive, oldest first, active ones for duplicates") {
    Fixture f;
    EpochSeconds expired = pinned_time - invitation_lifetime_seconds;
    f.store.add_invitation(make_invitation("old", "Carol@Example.com", expired));
    CHECK(f.store.active_invitation_by_email("carol@example.com") == nullptr);
    CHECK(f.store.invitation_by_email("carol@example.com")->id == "old");

    f.store.add_invitation(make_invitation("fresh", "carol@example.com", pinned_time));
    CHECK(f.store.active_invitation_by_email("CAROL@example.com")->id == "fresh");
    CHECK(f.store.invitation_by_email("carol@example.com")->id == "old");

    f.store.delete_invitation("old");
    CHECK(f.store.invitation_by_email("carol@example.com")->id == "fresh");
    f.store.delete_invitation("fresh");
    CHECK(f.store.invitation_by_email("carol@example.com") == nullptr);
    CHECK(f.store.active_invitation_by_email("new@example.com")->id == "i1");
}
