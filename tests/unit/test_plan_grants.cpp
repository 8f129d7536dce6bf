// Service authorizations and tokens: the `services` of users and invitations as files write them, as the
// plan changes them (in the order Fastly accepts), and as the executor sends them.
#include <doctest/doctest.h>

#include "config_messages.hpp"
#include "recording_api.hpp"

#include <fastly_accounts/apply/executor.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/plan/diff.hpp>

using namespace fastly_accounts;
using model::ServicePermission;
using model::UserRole;
using plan::Field;
using List = std::vector<std::string>;

namespace {

constexpr std::int64_t now = 1'800'000'000;

model::User person(std::string login, std::string id, UserRole role, bool limited) {
    model::User u;
    u.login = std::move(login);
    u.id = std::move(id);
    u.name = "Name";
    u.role = role;
    u.roles = List{};
    u.limit_services = limited;
    u.locked = false;
    u.require_new_password = false;
    u.services = model::ServiceGrants{};
    return u;
}

// The owner, and lee: a service-limited engineer with full access to www and read_only on api. Two
// services are both named "static".
model::LiveAccount account() {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    live.token_user = {"u-owner", "owner@example.com", UserRole::superuser};
    live.services = {{"s1", "www"}, {"s2", "api"}, {"s3", "static"}, {"s4", "static"}, {"s5", "docs"}};
    live.state.users = {person("owner@example.com", "u-owner", UserRole::superuser, false),
                        person("lee@example.com", "u-lee", UserRole::engineer, true)};
    live.service_authorizations = {{"a-www", "u-lee", "s1", ServicePermission::full},
                                   {"a-api", "u-lee", "s2", ServicePermission::read_only}};
    live.state.users[1].services = model::ServiceGrants{{"s1", ServicePermission::full},
                                                        {"s2", ServicePermission::read_only}};
    live.tokens = std::vector<model::ApiToken>{
        {"t-1", "u-lee", "deploy", "global", "2026-11-01T00:00:00Z", "2026-11-30T10:00:00Z", ""},
        {"t-2", "u-owner", "ci", "global", "2026-11-01T00:00:00Z", "", ""}};
    return live;
}

// The files' view of lee, fields left out unless set.
model::User lee() {
    model::User u;
    u.login = "lee@example.com";
    return u;
}

model::AccountState desired_with(model::User wanted) {
    model::AccountState d;
    d.users.push_back(person("owner@example.com", "", UserRole::superuser, false));
    d.users.back().services.reset();
    d.users.push_back(std::move(wanted));
    return d;
}

plan::Plan run(const model::AccountState& d, const model::LiveAccount& live = account()) {
    plan::DiffOptions options;
    options.now_epoch = now;
    return plan::diff(d, live, options);
}

List requests_of(const plan::Change& change) {
    List out;
    for (const auto& r : change.requests) {
        out.push_back(r.method + " " + r.path);
    }
    return out;
}

const plan::ListChange* list(const plan::Change& change, Field field) {
    for (const auto& l : change.lists) {
        if (l.field == field) {
            return &l;
        }
    }
    return nullptr;
}

std::vector<std::string> problems_of(const model::AccountState& d) {
    try {
        run(d);
    } catch (const plan::PlanError& e) {
        std::vector<std::string> out;
        for (const auto& p : e.problems()) {
            out.push_back(p.message);
        }
        return out;
    }
    return {};
}

}  // namespace

TEST_CASE("services: a mapping of a service to a permission, which needs limit_services: true beside it") {
    const char* text = R"(version: 1
users:
  - login: lee@example.com
    limit_services: true
    services:
      www: full
      s2: read_only
  - login: kim@example.com
    services:
      www: purge_all
  - login: ash@example.com
    limit_services: false
    services: {api: full}
  - login: bo@example.com
    limit_services: true
    services: {www: write, "": full, api: [full]}
invitations:
  - email: new@example.com
    limit_services: true
    services: [www]
)";
    config::Diagnostics diagnostics;
    config::LoadedFile file = config::load_file({"g.yaml", text}, diagnostics);
    CHECK(testing::messages(diagnostics) ==
          List{"g.yaml:10:7: users[1].services: grants services, which needs limit_services: true beside it",
               "g.yaml:13:15: users[2].services: grants services, but limit_services is false: a user who is not "
               "service-limited reaches every service; set limit_services: true or remove the grants",
               "g.yaml:16:21: users[3].services.www: unknown permission 'write'; expected one of full, read_only, "
               "purge_select, purge_all",
               "g.yaml:16:28: users[3].services.: must not be empty",
               "g.yaml:16:43: users[3].services.api: expected a string, got a list",
               "g.yaml:20:15: invitations[0].services: expected a mapping from a service (its ID, or its name) to a "
               "permission, or to {permission, owner, reason, expires, review_after}, got a list"});
    REQUIRE(file.state.users.size() == 4);
    CHECK(file.state.users[0].services ==
          model::ServiceGrants{{"www", ServicePermission::full}, {"s2", ServicePermission::read_only}});
}

TEST_CASE("grants are made, changed and revoked around the user's PUT, with bulk requests for several") {
    model::User want = lee();
    want.services = model::ServiceGrants{{"api", ServicePermission::purge_all}, {"docs", ServicePermission::read_only}};
    const plan::Plan p = run(desired_with(want));
    REQUIRE(p.changes.size() == 1);
    const auto& change = p.changes[0];
    const auto* grants = list(change, Field::service_authorizations);
    REQUIRE(grants != nullptr);
    CHECK(grants->add == List{"s2: purge_all", "s5: read_only"});
    CHECK(grants->remove == List{"s1: full", "s2: read_only"});
    // www revoked (one DELETE), docs granted (POST), api's permission changed (one PATCH); no PUT.
    CHECK(requests_of(change) == List{"DELETE /service-authorizations/a-www", "POST /service-authorizations",
                                      "PATCH /service-authorizations/a-api"});
    CHECK(p.service_names.at("s5") == "docs");
    // The revocation of full access to www counts; lowering api from read_only is not ranked.
    CHECK(p.summary.removals == 1);
    CHECK(p.summary.bulk_requests == 0);

    // Two revocations go in one bulk DELETE, before the PUT that the other field needs.
    model::User none = lee();
    none.name = "Lee";
    none.services = model::ServiceGrants{};
    const plan::Plan revoked = run(desired_with(none));
    REQUIRE(revoked.changes.size() == 1);
    CHECK(requests_of(revoked.changes[0]) == List{"DELETE /service-authorizations", "PUT /user/u-lee"});
    CHECK(revoked.summary.bulk_requests == 1);
    CHECK(revoked.summary.removals == 2);

    // The same grants in other words: nothing to do.
    model::User same = lee();
    same.services = model::ServiceGrants{{"s1", ServicePermission::full}, {"api", ServicePermission::read_only}};
    CHECK(run(desired_with(same)).changes.empty());
}

TEST_CASE("services the account lacks, names two services share, and one service granted twice are refused") {
    model::User want = lee();
    want.services = model::ServiceGrants{{"wwww", ServicePermission::full},
                                         {"static", ServicePermission::full},
                                         {"s1", ServicePermission::full},
                                         {"www", ServicePermission::read_only}};
    const auto problems = problems_of(desired_with(want));
    REQUIRE(problems.size() == 3);
    CHECK(problems[0] ==
          "user 'lee@example.com': services: 2 services are named 'static' (s3, s4); name the one "
          "meant by its ID");
    CHECK(problems[1] == "user 'lee@example.com': services: 's1' and 'www' are the same service (s1); grant it once");
    CHECK(problems[2] ==
          "user 'lee@example.com': services: no service of the account is named or has the ID 'wwww'; did you mean "
          "'www'?");
}

TEST_CASE("an engineer with grants becomes `user` in one apply: revoke, clear limit_services, then the role") {
    model::User want = lee();
    want.role = UserRole::user;
    want.limit_services = false;
    const plan::Plan p = run(desired_with(want));
    REQUIRE(p.changes.size() == 1);
    const auto& change = p.changes[0];
    CHECK(requests_of(change) == List{"DELETE /service-authorizations", "PUT /user/u-lee", "PUT /user/u-lee"});
    CHECK(change.note.find("revoked first") != std::string::npos);
    CHECK(plan::role_waits_for_limit(change));

    testing::RecordingApi api;
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    const auto report = apply::execute(p, account(), api, journal, {});
    CHECK(report.failed == 0);
    CHECK(api.calls() == List{"DELETE service authorizations a-www,a-api", "PUT user u-lee limit_services=false",
                              "PUT user u-lee role=user"});

    // Left with limit_services true, `user` is refused before anything is sent.
    model::User stuck = lee();
    stuck.role = UserRole::user;
    CHECK(problems_of(desired_with(stuck)) ==
          List{"user 'lee@example.com': role 'user' cannot be service-limited (Fastly refuses it), and the account "
               "has limit_services: true for them; set limit_services: false, or another role"});
}

TEST_CASE("a user the plan deletes has their API tokens revoked first, each shown") {
    model::AccountState d = desired_with(lee());
    d.users.pop_back();
    d.policy.prune = {model::Kind::users};
    const plan::Plan p = run(d);
    REQUIRE(p.changes.size() == 1);
    const auto& deletion = p.changes[0];
    CHECK(requests_of(deletion) == List{"DELETE /tokens/t-1", "DELETE /user/u-lee"});
    const auto* tokens = list(deletion, Field::tokens);
    REQUIRE(tokens != nullptr);
    CHECK(tokens->remove == List{"t-1"});
    CHECK(p.token_labels.at("t-1") == "'deploy' (scope global, last used 2026-11-30T10:00:00Z, never expires)");
    CHECK(deletion.sensitive == List{"revokes 1 API token first ('deploy'): whatever uses it stops working"});

    testing::RecordingApi api;
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    apply::execute(p, account(), api, journal, {});
    CHECK(api.calls() == List{"DELETE token t-1", "DELETE user u-lee"});
}

TEST_CASE("grants of a user the files do not list are reported; an invitation sends the files' grants") {
    model::AccountState d = desired_with(lee());
    d.users.pop_back();
    model::Invitation invite;
    invite.email = "new@example.com";
    invite.role = UserRole::engineer;
    invite.limit_services = true;
    invite.services = model::ServiceGrants{{"www", ServicePermission::purge_select}};
    d.invitations.push_back(invite);
    const plan::Plan p = run(d);
    REQUIRE(p.changes.size() == 1);
    CHECK(requests_of(p.changes[0]) == List{"POST /invitations"});
    const auto* grants = list(p.changes[0], Field::service_authorizations);
    REQUIRE(grants != nullptr);
    CHECK(grants->add == List{"s1: purge_select"});
    CHECK(p.notes == List{"lee@example.com: not in the files, holds 2 service authorizations made by hand: s1 (www): "
                          "full, s2 (api): read_only"});

    testing::RecordingApi api;
    const apply::JournalLock lock("");
    apply::Journal journal(lock);
    apply::execute(p, account(), api, journal, {});
    CHECK(api.calls() == List{"POST invitation new@example.com services=s1:purge_select"});
}
