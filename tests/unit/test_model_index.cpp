#include <doctest/doctest.h>

#include <fastly_accounts/model/index.hpp>

using namespace fastly_accounts;

namespace {

model::Invitation pending_invitation(std::string email, std::string id, std::string created, bool active = true) {
    model::Invitation i;
    i.email = std::move(email);
    i.id = std::move(id);
    i.created_at = std::move(created);
    i.active = active;
    return i;
}

constexpr std::int64_t index_now = 1'800'000'000;  // 2027-01-15T08:00:00Z

}  // namespace

TEST_CASE("LiveIndex: the invitation that speaks for an email is the usable one, then the newest") {
    model::LiveAccount live;
    // Listed in this order on purpose: the last active one is expired by age, and must not be picked.
    live.state.invitations = {pending_invitation("carol@example.com", "fresh", "2027-01-14T08:00:00Z"),
                              pending_invitation("Carol@Example.com", "old", "2027-01-01T08:00:00Z"),
                              pending_invitation("dave@example.com", "used", "2027-01-14T08:00:00Z", false),
                              pending_invitation("dave@example.com", "aged", "2026-12-01T08:00:00Z")};
    const model::LiveIndex index(live, index_now);
    REQUIRE(index.invitation("CAROL@example.com") != nullptr);
    CHECK(index.invitation("CAROL@example.com")->id == "fresh");
    CHECK(index.invitation("dave@example.com")->id == "used");  // neither usable: the newest
    CHECK(index.invitation("erin@example.com") == nullptr);
    CHECK(index.usable(live.state.invitations[0]));
    CHECK_FALSE(index.usable(live.state.invitations[1]));
    CHECK_FALSE(index.usable(live.state.invitations[2]));
}

TEST_CASE("LiveIndex: users by folded login, groups and custom roles by exact name") {
    model::LiveAccount live;
    model::User alice;
    alice.login = "Alice@Example.com";
    alice.id = "u1";
    live.state.users = {alice};
    live.state.user_groups = {{"SRE", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "g1", {}, {}}};
    live.state.roles = {{"Ops Admin", std::nullopt, std::nullopt, "r1", {}}};
    live.role_catalog = {{"r1", "Ops Admin", "", "", true}, {"r2", "engineer", "Engineer", "", false}};
    const model::LiveIndex index(live, index_now);
    CHECK(index.user("alice@example.com")->id == "u1");
    CHECK(index.user_group("SRE")->id == "g1");
    CHECK(index.user_group("sre") == nullptr);
    CHECK(index.custom_role("Ops Admin")->id == "r1");
    CHECK(index.custom_role("ops admin") == nullptr);  // custom role names are exact
    CHECK(index.role("ops admin") == nullptr);
    CHECK(index.role("ENGINEER")->id == "r2");  // predefined ones forgive case and spelling
}

TEST_CASE("LiveIndex: two live logins that fold alike are named, not silently merged") {
    model::LiveAccount live;
    model::User a;
    a.login = "straße@example.com";
    model::User b;
    b.login = "STRASSE@example.com";
    live.state.users = {a, b};
    const model::LiveIndex index(live, index_now);
    CHECK(index.ambiguous_users() == std::vector<std::string>{"straße@example.com and STRASSE@example.com"});
}
