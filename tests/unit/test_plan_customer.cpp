// The account's settings (`customer:`): allowlist entries as the API's text holds them, the plan's two
// customer changes (contacts in stage 5, enforcement in stage 8) with their consequences and lock-out
// guards, and the one PUT the executor sends.
#include <doctest/doctest.h>

#include "recording_api.hpp"

#include <fastly_accounts/apply/executor.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/plan/serialize.hpp>

using namespace fastly_accounts;
using model::Contact;
using model::UserRole;
using plan::Field;
using List = std::vector<std::string>;

namespace {

model::User person(std::string login, std::string id, std::optional<bool> two_factor) {
    model::User u;
    u.login = std::move(login);
    u.id = std::move(id);
    u.role = UserRole::engineer;
    u.two_factor_auth_enabled = two_factor;
    return u;
}

model::LiveAccount account() {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    live.token_user = {"u-owner", "owner@example.com", UserRole::superuser};
    live.state.users = {person("owner@example.com", "u-owner", std::nullopt), person("ann@example.com", "u-ann", true),
                        person("ben@example.com", "u-ben", false), person("cy@example.com", "u-cy", true)};
    live.state.users[0].role = UserRole::superuser;
    live.settings.force_2fa = false;
    live.settings.force_sso = false;
    live.settings.ip_allowlist = List{};
    live.settings.contacts = {{Contact::security, "cy@example.com"}, {Contact::billing, std::nullopt}};
    return live;
}

model::AccountState desired(model::CustomerSettings settings) {
    model::AccountState d;
    d.customer = std::move(settings);
    return d;
}

plan::Plan run(const model::AccountState& d, std::set<std::string> acks = {}) {
    plan::DiffOptions options;
    options.acks = std::move(acks);
    return plan::diff(d, account(), options);
}

const plan::Guard* guard(const plan::Plan& p, const std::string& name) {
    for (const auto& g : p.guards) {
        if (g.name == name) {
            return &g;
        }
    }
    return nullptr;
}

}  // namespace

TEST_CASE("allowlist entries: addresses and CIDRs, split as the API's text holds them, compared by what they allow") {
    CHECK(model::split_allowlist("203.0.113.0/24, 198.51.100.7\t2001:db8::/48,,") ==
          List{"203.0.113.0/24", "198.51.100.7", "2001:db8::/48"});
    CHECK(model::split_allowlist("0.0.0.0/0").empty());
    CHECK(model::join_allowlist({}) == "0.0.0.0/0");
    CHECK(model::join_allowlist({"203.0.113.0/24", "198.51.100.7"}) == "203.0.113.0/24,198.51.100.7");
    CHECK(model::allowlist_entry_problem("203.0.113.0/24").empty());
    CHECK(model::allowlist_entry_problem("2001:DB8::1").empty());
    CHECK(model::allowlist_entry_problem("office.example.com") ==
          "'office.example.com' is not an IPv4 or IPv6 address");
    CHECK(model::allowlist_entry_problem("10.0.0.0/33") == "'/33' is not a prefix length of an IPv4 address (0 to 32)");
    CHECK(model::allowlist_entry_problem("10.0.0.0/") == "'/' is not a prefix length of an IPv4 address (0 to 32)");
    CHECK(model::canonical_allowlist({"2001:DB8:0::1/128", "198.51.100.7/32", "198.51.100.7", "203.0.113.5/24",
                                      "::/0"}) == List{"198.51.100.7", "2001:db8::1", "203.0.113.0/24", "::/0"});
    // An IPv4 /0, however written, allows everything: the whole list restricts nothing, and the files say [].
    CHECK(model::split_allowlist("10.0.0.0/8, 0.0.0.0/00").empty());
    CHECK(model::split_allowlist("::/0 10.0.0.0/8") == List{"::/0", "10.0.0.0/8"});
    CHECK(model::allowlist_entry_problem("10.0.0.0/0") ==
          "'10.0.0.0/0' allows every address, which Fastly reads as no restriction at all, whatever else the list "
          "holds; write `ip_allowlist: []` for no restriction");
    CHECK(model::allowlist_entry_problem("::/0").empty());
}

TEST_CASE("contacts change in stage 5 and the settings that shut people out in stage 8, each guarded") {
    model::CustomerSettings want;
    want.force_2fa = true;
    want.force_sso = true;
    want.ip_allowlist = List{"203.0.113.0/24"};
    want.contacts = {{Contact::security, "ANN@example.com"}, {Contact::billing, std::nullopt}};
    const plan::Plan p = run(desired(want));
    REQUIRE(p.changes.size() == 2);
    const auto& contacts = p.changes[0];
    CHECK(contacts.stage == plan::Stage::customer_contacts);
    CHECK(contacts.kind == model::Kind::customer);
    CHECK(contacts.key == "Acme");
    REQUIRE(contacts.fields.size() == 1);  // billing is already none
    CHECK(contacts.fields[0].field == Field::security_contact);
    CHECK(contacts.fields[0].from == plan::Value(std::string("cy@example.com")));
    CHECK(contacts.requests.size() == 1);
    const auto& security = p.changes[1];
    CHECK(security.stage == plan::Stage::customer_security);
    REQUIRE(security.sensitive.size() == 3);
    // The owner (2FA unknown) and ben (off) lack 2FA; the owner is this token's user.
    CHECK(security.sensitive[0] ==
          "force_2fa on: 2 users without 2FA (two_factor_auth_enabled false or not set) are logged out, and their API "
          "tokens refused, until they turn it on: owner@example.com, ben@example.com; among them this token's own "
          "user: this token stops working once the change is made");
    CHECK(security.sensitive[1].rfind("force_sso on: 4 users lose password login", 0) == 0);
    CHECK(security.sensitive[2] ==
          "ip_allowlist: from any address to 203.0.113.0/24: logins and API requests from any other address are "
          "refused (Fastly refuses a list that leaves out the address this run comes from)");
    for (const char* name : {"force_2fa", "force_sso", "ip_allowlist"}) {
        CAPTURE(name);
        REQUIRE(guard(p, name) != nullptr);
        CHECK(guard(p, name)->tripped);
    }
    CHECK(p.refused());
    const plan::Plan acked = run(desired(want), {"force_2fa", "force_sso", "ip_allowlist"});
    CHECK_FALSE(acked.refused());
    CHECK(guard(acked, "force_2fa")->message.rfind("acknowledged for this run (--ack force_2fa): 2 users", 0) == 0);

    // Turning them off shuts nobody out: no guard.
    model::CustomerSettings off;
    off.force_2fa = false;
    CHECK(run(desired(off)).changes.empty());
}

TEST_CASE("the executor sends the settings in one PUT, contacts by their users' IDs") {
    model::CustomerSettings want;
    want.ip_allowlist = List{"203.0.113.0/24", "198.51.100.7"};
    want.contacts = {{Contact::security, "ann@example.com"},
                     {Contact::technical, std::nullopt},
                     {Contact::billing, "ben@example.com"}};
    const plan::Plan p = run(desired(want), {"ip_allowlist"});
    REQUIRE(p.changes.size() == 2);
    testing::RecordingApi api;
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    const auto report = apply::execute(p, account(), api, journal, {});
    CHECK(report.failed == 0);
    CHECK(api.calls() == List{"PUT customer C1 security_contact_id=u-ann billing_contact_id=u-ben",
                              "PUT customer C1 ip_whitelist=198.51.100.7,203.0.113.0/24"});
}

TEST_CASE("a saved plan with the customer's changes, grants and tokens reads back the same") {
    model::CustomerSettings want;
    want.force_sso = true;
    want.contacts = {{Contact::legal, "ann@example.com"}};
    const plan::Plan p = run(desired(want), {"force_sso"});
    REQUIRE(p.changes.size() == 2);
    const std::string text = plan::saved_plan_json({p, "sha256:abc", {}}).dump(2);
    const plan::SavedPlan back = plan::parse_saved_plan(text);
    CHECK(plan::saved_plan_json(back).dump(2) == text);
    CHECK(back.plan.changes[1].kind == model::Kind::customer);
    CHECK(back.plan.changes[1].stage == plan::Stage::customer_security);
}
