// The terms of an access (owner, reason, expires, review_after) and the governance rules of `policy:` as the
// loader reads them into the model, and the offline policy checks on the result.
#include <doctest/doctest.h>

#include <algorithm>

#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/config/policy_rules.hpp>
#include <fastly_accounts/util/time.hpp>

#include "config_messages.hpp"

using namespace fastly_accounts;
using namespace fastly_accounts::config;
using testing::messages;
using List = std::vector<std::string>;

namespace {

constexpr std::int64_t jan_31_2027 = 1801353600;  // 2027-01-31T00:00:00Z

// What the offline policy checks say about `text`, a file the loader reads without a problem.
List policy_problems(const char* file, const char* text) {
    Diagnostics diagnostics;
    LoadedFile loaded = load_file({file, text}, diagnostics);
    REQUIRE(messages(diagnostics).empty());
    check_policy_rules(loaded.state, diagnostics);
    return messages(diagnostics);
}

}  // namespace

TEST_CASE("a date is its midnight UTC, a time is exact, and nothing else is either") {
    CHECK(util::parse_date_or_time("2027-01-31") == jan_31_2027);
    CHECK(util::parse_date_or_time("2027-01-31T00:00:00Z") == jan_31_2027);
    CHECK(util::parse_date_or_time("2027-01-31T18:00:00Z") == jan_31_2027 + 18 * 3600);
    CHECK(util::parse_date_or_time("2000-02-29") == 951782400);  // divisible by 400: a leap year
    CHECK(util::parse_date_or_time("2030-01-14T09:00:00Z") == 1894611600);
    for (const char* bad : {"2027-02-30",
                            "1900-02-29",
                            "2100-02-29",
                            "2027-13-01",
                            "2027-00-10",
                            "2027-01-00",
                            "2027-01-32",
                            "2027-01-31T24:00:00Z",
                            "2027-01-31T23:60:00Z",
                            "2027-01-31T23:59:60Z",
                            "2027-01-31T18:00:00",
                            "2027-01-31T18:00Z",
                            "2027-01-31T18:00:00.000Z",
                            "2027-01-31T18:00:00+00:00",
                            "2027-01-31 18:00:00Z",
                            "2027-1-31",
                            "27-01-31",
                            "02027-01-31",
                            " 2027-01-31",
                            "2027-01-31Z",
                            "",
                            "tomorrow"}) {
        CAPTURE(bad);
        CHECK_FALSE(util::parse_date_or_time(bad).has_value());
    }
}

TEST_CASE("terms on users, invitations, members and grants land in the model with their places") {
    const char* text = R"(version: 1
users:
  - login: alice@example.com
    role: engineer
    limit_services: true
    owner: security@example.com
    reason: on-call rotation
    expires: 2027-01-31
    review_after: 2027-01-31T18:00:00Z
    services:
      www: purge_all
      api: {permission: read_only, reason: CHG-1, expires: 2027-01-31T18:00:00Z}
invitations:
  - email: carol@example.com
    owner: alice@example.com
user_groups:
  - name: On-call
    members:
      - alice@example.com
      - {login: Carol@Example.com, expires: 2027-01-31, owner: alice@example.com}
)";
    Diagnostics diagnostics;
    LoadedFile file = load_file({"t.yaml", text}, diagnostics);
    REQUIRE(messages(diagnostics).empty());
    const model::AccountState& s = file.state;
    REQUIRE(s.users.size() == 1);
    const model::User& alice = s.users[0];
    CHECK(alice.terms.owner == "security@example.com");
    CHECK(alice.terms.reason == "on-call rotation");
    CHECK(alice.terms.expires == jan_31_2027);
    CHECK(alice.terms.review_after == jan_31_2027 + 18 * 3600);
    CHECK(alice.terms.where.line == 3);
    CHECK(alice.terms.where.column == 5);
    // Both forms of a grant grant; the mapping's terms are kept beside the permission.
    REQUIRE(alice.services.has_value());
    CHECK(alice.services->at("www") == model::ServicePermission::purge_all);
    CHECK(alice.services->at("api") == model::ServicePermission::read_only);
    REQUIRE(alice.service_terms.count("api") == 1);
    const model::Terms& api = alice.service_terms.at("api");
    CHECK(api.reason == "CHG-1");
    CHECK_FALSE(api.owner.has_value());
    CHECK(api.expires == jan_31_2027 + 18 * 3600);
    CHECK(api.where.line == 12);
    CHECK(api.where.column == 12);
    REQUIRE(alice.service_terms.count("www") == 1);  // a plain grant has its place, and no terms
    CHECK(alice.service_terms.at("www").empty());
    CHECK(alice.service_terms.at("www").where.line == 11);

    REQUIRE(s.invitations.size() == 1);
    CHECK(s.invitations[0].terms.owner == "alice@example.com");
    CHECK_FALSE(s.invitations[0].terms.expires.has_value());

    REQUIRE(s.user_groups.size() == 1);
    const model::UserGroup& group = s.user_groups[0];
    CHECK(group.members == List{"alice@example.com", "Carol@Example.com"});
    // Member terms are keyed as members are compared: by the folded email.
    REQUIRE(group.member_terms.size() == 2);
    const model::Terms& carol = group.member_terms.at(model::email_key("carol@example.com"));
    CHECK(carol.expires == jan_31_2027);
    CHECK(carol.owner == "alice@example.com");
    CHECK(carol.where.line == 20);
    CHECK(carol.where.column == 9);
    const model::Terms& plain = group.member_terms.at(model::email_key("alice@example.com"));
    CHECK(plain.empty());
    CHECK(plain.where.line == 19);
}

TEST_CASE("the governance rules of policy: are read, with the place of each") {
    const char* text = R"(version: 1
policy:
  allowed_email_domains: [Example.COM, partners.example.net]
  max_superusers: 3
  require_2fa_for: [superuser, TLS Admin]
  require: [reason]
  expiry_warning_days: 0
)";
    Diagnostics diagnostics;
    LoadedFile file = load_file({"p.yaml", text}, diagnostics);
    REQUIRE(messages(diagnostics).empty());
    const model::Policy& policy = file.state.policy;
    CHECK(policy.allowed_email_domains == List{"Example.COM", "partners.example.net"});
    CHECK(policy.max_superusers == 3);
    CHECK(policy.require_2fa_for == List{"superuser", "TLS Admin"});
    CHECK_FALSE(policy.require_owner);
    CHECK(policy.require_reason);
    CHECK(policy.expiry_warning_days == 0);
    REQUIRE(policy.rule_at.count("max_superusers") == 1);
    CHECK(policy.rule_at.at("max_superusers").line == 4);
    CHECK(policy.rule_at.at("max_superusers").column == 19);

    // Left out: no domain rule, no limit, nothing required, and a week's warning.
    Diagnostics none;
    const model::Policy defaults = load_file({"d.yaml", "version: 1\npolicy: {}\n"}, none).state.policy;
    CHECK(defaults.allowed_email_domains.empty());
    CHECK_FALSE(defaults.max_superusers.has_value());
    CHECK_FALSE(defaults.require_owner);
    CHECK_FALSE(defaults.require_reason);
    CHECK(defaults.expiry_warning_days == 7);
}

TEST_CASE("the offline policy checks point at what breaks a rule") {
    const char* text = R"(version: 1
policy:
  allowed_email_domains: [example.com]
  max_superusers: 1
  require: [owner, reason]
users:
  - login: owner@EXAMPLE.com
    role: superuser
    owner: cto@example.com
    reason: account owner
  - login: eve@mail.example.com
    role: superuser
    limit_services: true
    owner: cto@example.com
    reason: SRE
    services:
      www: {permission: full, owner: cto@example.com}
invitations:
  - email: new@example.com
    reason: new hire
user_groups:
  - name: SRE
    members:
      - owner@example.com
      - {login: eve@mail.example.com, owner: cto@example.com, reason: lead}
)";
    CHECK(policy_problems("r.yaml", text) ==
          List{"r.yaml:4:19: the files make 2 superusers (owner@EXAMPLE.com, eve@mail.example.com), more than "
               "policy.max_superusers 1",
               "r.yaml:11:5: the login 'eve@mail.example.com' is not in policy.allowed_email_domains (example.com)",
               "r.yaml:17:12: the grant of service 'www' to 'eve@mail.example.com' gives no reason, which "
               "policy.require asks of every user and every grant; write reason: on it",
               "r.yaml:19:5: the invitation of 'new@example.com' gives no owner, which policy.require asks of "
               "every user and every grant; write owner: on it",
               "r.yaml:24:9: the membership of 'owner@example.com' in the user group 'SRE' gives no owner or "
               "reason, which policy.require asks of every user and every grant; write owner: and reason: on it"});
}

TEST_CASE("max_superusers counts the legacy role, the IAM Superuser role and a group's, each person once") {
    const char* text = R"(version: 1
policy:
  max_superusers: 2
users:
  - login: a@example.com
    role: superuser
  - login: b@example.com
    roles: [SUPERUSER]
  - login: c@example.com
invitations:
  - email: d@example.com
    roles: [Superuser]
user_groups:
  - name: admins
    roles: [Superuser]
    members: [A@example.com, c@example.com]
)";
    CHECK(policy_problems("s.yaml", text) ==
          List{"s.yaml:3:19: the files make 4 superusers (a@example.com, b@example.com, d@example.com (invited), "
               "c@example.com (through admins)), more than policy.max_superusers 2"});
}

TEST_CASE("a member listed twice keeps the first entry's terms, and blank terms or spaced domains are refused") {
    Diagnostics diagnostics;
    LoadedFile loaded = load_file({"d.yaml", R"(version: 1
policy: {require: [owner], allowed_email_domains: [" example.com"]}
users: [{login: a@example.com, owner: x}]
user_groups: [{name: g, members: [{login: a@example.com, owner: me}, {login: A@example.com}]}]
invitations: [{email: b@example.com, owner: "\n"}]
)"},
                                  diagnostics);
    check_policy_rules(loaded.state, diagnostics);
    const List found = messages(diagnostics);
    // The repeat is reported; no "gives no owner" for the membership, whose first entry names one.
    CHECK(std::none_of(found.begin(), found.end(),
                       [](const std::string& m) { return m.find("membership of") != std::string::npos; }));
    CHECK(std::any_of(found.begin(), found.end(), [](const std::string& m) {
        return m.find("' example.com' is not an email domain") != std::string::npos;
    }));
    CHECK(std::any_of(found.begin(), found.end(),
                      [](const std::string& m) { return m.find("owner is empty") != std::string::npos; }));
}
