// Issue 17 in isolation: the files as they stand at a moment (what expired is absent), the deadlines worth
// a note, the rules of the policy the live account breaks, and what the `policy` guard refuses.
#include <doctest/doctest.h>

#include <algorithm>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/time.hpp>

using namespace fastly_accounts;
using model::UserRole;
using plan::Field;
using List = std::vector<std::string>;

namespace {

constexpr std::int64_t day = 24 * 60 * 60;
const std::int64_t now = *util::parse_utc("2027-01-30T09:00:00Z");

model::User person(std::string login, std::string id, UserRole role, std::optional<bool> two_factor = true) {
    model::User u;
    u.login = std::move(login);
    u.id = std::move(id);
    u.role = role;
    u.two_factor_auth_enabled = two_factor;
    u.roles = List{};
    u.limit_services = false;
    u.locked = false;
    return u;
}

model::LiveAccount account() {
    model::LiveAccount live;
    live.customer = {"C1", "Acme", "u-owner", {}};
    live.token_user = {"u-owner", "owner@acme.test", UserRole::superuser};
    live.state.users = {person("owner@acme.test", "u-owner", UserRole::superuser),
                        person("ann@acme.test", "u-ann", UserRole::engineer),
                        person("ben@acme.test", "u-ben", UserRole::engineer, false)};
    model::UserGroup oncall;
    oncall.name = "On-call";
    oncall.id = "g1";
    oncall.description = "";
    oncall.roles = List{};
    oncall.service_groups = List{};
    oncall.members = List{"ann@acme.test", "ben@acme.test"};
    live.state.user_groups = {oncall};
    return live;
}

model::Terms expiring(std::int64_t at, std::string reason = "cover") {
    model::Terms terms;
    terms.expires = at;
    terms.reason = std::move(reason);
    return terms;
}

// The files: everyone listed, On-call with ann and ben, ben's membership bound by `ben_terms`.
model::AccountState files(model::Terms ben_terms = {}) {
    model::AccountState d;
    for (const char* login : {"owner@acme.test", "ann@acme.test", "ben@acme.test"}) {
        model::User u;
        u.login = login;
        d.users.push_back(u);
    }
    model::UserGroup oncall;
    oncall.name = "On-call";
    oncall.members = List{"ann@acme.test", "ben@acme.test"};
    oncall.member_terms[model::email_key("ben@acme.test")] = std::move(ben_terms);
    d.user_groups = {oncall};
    return d;
}

plan::Plan run(const model::AccountState& d, std::int64_t at = now) {
    plan::DiffOptions options;
    options.now_epoch = at;
    return plan::diff(d, account(), options);
}

bool has_guard(const plan::Plan& p, const std::string& name) {
    return std::any_of(p.guards.begin(), p.guards.end(),
                       [&](const plan::Guard& g) { return g.name == name && g.tripped; });
}

}  // namespace

TEST_CASE("a membership is kept until it expires, warned about ahead, then planned as absent") {
    const auto d = files(expiring(now + day));
    const plan::Plan before = run(d);
    CHECK_FALSE(before.has_changes());
    REQUIRE(before.deadlines.size() == 1);
    CHECK_FALSE(before.deadlines[0].passed);
    CHECK(plan::describe(before.deadlines[0], now) ==
          "expires 2027-01-31T09:00:00Z, within a day: the membership of 'ben@acme.test' in the user group "
          "'On-call' (reason: cover)");
    // Outside the warning window: nothing to say.
    CHECK(run(files(expiring(now + 8 * day))).deadlines.empty());
    // At the very moment it expires, it is gone.
    const plan::Plan after = run(d, now + day);
    REQUIRE(after.changes.size() == 1);
    CHECK(after.changes[0].lists.at(0).remove == List{"ben@acme.test"});
    CHECK(after.deadlines.at(0).passed);
    CHECK(after.notes.front().rfind("expired 2027-01-31T09:00:00Z: the membership", 0) == 0);
}

TEST_CASE("an expired user leaves every group the files give and is unlisted; a grant expires alone") {
    auto d = files();
    d.users[2].terms = expiring(now - day, "contract ended");
    const auto effective = plan::without_expired(d, now);
    CHECK(effective.users.size() == 2);
    CHECK(effective.user_groups[0].members == List{"ann@acme.test"});
    CHECK(plan::has_expired(d, now));
    CHECK_FALSE(plan::has_expired(d, now - 2 * day));
    const plan::Plan p = run(d);
    // Not pruned: ben is unmanaged, and taken out of On-call.
    CHECK(std::any_of(p.unmanaged.begin(), p.unmanaged.end(),
                      [](const plan::Unmanaged& u) { return u.key == "ben@acme.test"; }));

    auto granted = files();
    granted.users[1].limit_services = true;
    granted.users[1].services = model::ServiceGrants{{"S1", model::ServicePermission::full},
                                                     {"S2", model::ServicePermission::read_only}};
    granted.users[1].service_terms["S2"] = expiring(now);
    const auto left = plan::without_expired(granted, now);
    CHECK(left.users[1].services == model::ServiceGrants{{"S1", model::ServicePermission::full}});
}

TEST_CASE("review_after passed is a note; a date's midnight is the moment") {
    auto d = files();
    d.users[1].terms.review_after = *util::parse_date_or_time("2027-01-01");
    d.users[1].terms.owner = "cto@acme.test";
    const auto deadlines = plan::find_deadlines(d, now);
    REQUIRE(deadlines.size() == 1);
    CHECK(plan::describe(deadlines[0], now) ==
          "review due since 2027-01-01: the user 'ann@acme.test' (owner: cto@acme.test)");
    CHECK(util::parse_date_or_time("2027-01-31") == util::parse_utc("2027-01-31T00:00:00Z"));
    for (const char* bad : {"2027-02-30", "2027-1-31", "2027-01-31T25:00:00Z", "2027-01-31 00:00:00", "20270131",
                            "2027-01-31T00:00:00+01:00", ""}) {
        CHECK_FALSE(util::parse_date_or_time(bad));
    }
}

TEST_CASE("the live account breaking a rule is a violation; a plan breaking one is refused") {
    auto d = files();
    d.policy.require_2fa_for = {"superuser"};
    d.policy.max_superusers = 1;
    d.policy.allowed_email_domains = {"ACME.test"};
    CHECK(run(d).violations.empty());

    auto live = account();
    live.state.users[2].role = UserRole::superuser;  // ben, 2FA off
    live.state.users.push_back(person("eve@elsewhere.example", "u-eve", UserRole::user));
    const auto violations = plan::policy_violations(d, live, now);
    std::vector<std::string> rules;
    for (const auto& v : violations) {
        rules.push_back(v.rule);
    }
    CHECK(rules == List{"allowed_email_domains", "max_superusers", "require_2fa_for"});
    d.ignore.patterns[model::Kind::users] = {"*@elsewhere.example"};
    CHECK(plan::policy_violations(d, live, now).size() == 2);  // what ignore covers is not looked at

    // Making ben superuser through the files: two rules refused by the one `policy` guard.
    auto promote = files();
    promote.policy = d.policy;
    promote.users[2].role = UserRole::superuser;
    const plan::Plan p = run(promote);
    CHECK(has_guard(p, "policy"));
    // The IAM Superuser role counts as the legacy role does, given directly or through a user group.
    auto iam = files();
    iam.policy.max_superusers = 1;
    iam.users[1].roles = List{"Superuser"};
    auto live_iam = account();
    live_iam.role_catalog = {{"r-su", "superuser", "Superuser", "", false}};
    plan::DiffOptions at_now;
    at_now.now_epoch = now;
    CHECK(has_guard(plan::diff(iam, live_iam, at_now), "policy"));
    auto through_group = files();
    through_group.policy.max_superusers = 1;
    through_group.user_groups[0].roles = List{"Superuser"};
    CHECK(has_guard(plan::diff(through_group, live_iam, at_now), "policy"));
    live_iam.state.user_groups[0].roles = List{"Superuser"};
    CHECK(plan::policy_violations(through_group, live_iam, now).at(0).rule == "max_superusers");
    // Demoting a 2FA-less superuser to a role the rule also names takes nothing new: not refused.
    auto demote = files();
    demote.policy.require_2fa_for = {"superuser", "engineer"};
    demote.users[2].role = UserRole::engineer;
    auto live_super = account();
    live_super.state.users[2].role = UserRole::superuser;
    CHECK_FALSE(has_guard(plan::diff(demote, live_super, at_now), "policy"));
    // The other way round is a promotion: a 2FA-less engineer made superuser under the same rule is refused.
    auto promote_engineer = demote;
    promote_engineer.users[2].role = UserRole::superuser;
    CHECK(has_guard(run(promote_engineer), "policy"));
    // An invitation that makes a superuser counts once it would be accepted.
    auto invite = files();
    invite.policy.max_superusers = 1;
    model::Invitation boss;
    boss.email = "boss@acme.test";
    boss.role = UserRole::superuser;
    invite.invitations = {boss};
    CHECK(has_guard(run(invite), "policy"));
    invite.policy.max_superusers = 2;
    CHECK_FALSE(has_guard(run(invite), "policy"));
    // Adding a 2FA-less user to a group whose role policy.require_2fa_for names is refused too.
    auto group = files();
    group.policy.require_2fa_for = {"Engineer"};
    group.user_groups[0].roles = List{"Engineer"};
    group.user_groups[0].members = List{"ann@acme.test"};
    auto live_with_role = account();
    live_with_role.state.users[2].role = UserRole::user;  // the legacy engineer would already hold "Engineer"
    live_with_role.state.user_groups[0].members = List{"ann@acme.test"};
    plan::DiffOptions options;
    options.now_epoch = now;
    live_with_role.role_catalog = {{"r-eng", "engineer", "Engineer", "", false}};
    group.user_groups[0].members = List{"ann@acme.test", "ben@acme.test"};
    CHECK(has_guard(plan::diff(group, live_with_role, options), "policy"));
}

TEST_CASE("a pending invitation sent before its grant expired is sent again without it, once") {
    auto d = files();
    model::Invitation dana;
    dana.email = "dana@acme.test";
    dana.role = UserRole::engineer;
    dana.limit_services = true;
    dana.services = model::ServiceGrants{{"S1", model::ServicePermission::full}};
    dana.service_terms["S1"] = expiring(*util::parse_utc("2027-01-29T00:00:00Z"));
    d.invitations = {dana};
    auto live = account();
    live.services = {{"S1", "www"}};
    model::Invitation pending;
    pending.email = "dana@acme.test";
    pending.id = "i1";
    pending.role = UserRole::engineer;
    pending.roles = List{};
    pending.limit_services = true;
    pending.created_at = "2027-01-28T10:00:00Z";  // sent with the grant
    live.state.invitations = {pending};
    plan::DiffOptions options;
    options.now_epoch = now;
    const plan::Plan p = plan::diff(d, live, options);
    REQUIRE(p.changes.size() == 1);
    CHECK(p.changes[0].action == plan::Action::replace);
    CHECK(p.changes[0].note.find("its grant of S1 expired") != std::string::npos);
    // The invitation sent again after the expiry carries no such grant: nothing more to do.
    live.state.invitations[0].created_at = "2027-01-29T12:00:00Z";
    CHECK_FALSE(plan::diff(d, live, options).has_changes());
}

TEST_CASE("re-sending a superuser's invitation is no new superuser; a listed user's invitation is re-sent too") {
    auto live = account();
    live.services = {{"S1", "www"}};
    model::Invitation pending;
    pending.email = "carol@acme.test";
    pending.id = "i1";
    pending.role = UserRole::superuser;
    pending.roles = List{};
    pending.limit_services = false;
    pending.created_at = "2027-01-28T10:00:00Z";
    live.state.invitations = {pending};
    plan::DiffOptions options;
    options.now_epoch = now;
    for (bool as_user : {false, true}) {
        auto d = files();
        d.policy.max_superusers = 2;  // the owner, and carol once she accepts
        model::ServiceGrants grants{{"S1", model::ServicePermission::full}};
        std::map<std::string, model::Terms> terms{{"S1", expiring(*util::parse_utc("2027-01-29T00:00:00Z"))}};
        if (as_user) {  // listed under users, still only invited (policy.missing_users: invite)
            model::User carol;
            carol.login = "carol@acme.test";
            carol.role = UserRole::superuser;
            carol.services = grants;
            carol.service_terms = terms;
            d.users.push_back(carol);
        } else {
            model::Invitation carol;
            carol.email = "carol@acme.test";
            carol.role = UserRole::superuser;
            carol.services = grants;
            carol.service_terms = terms;
            d.invitations = {carol};
        }
        const plan::Plan p = plan::diff(d, live, options);
        CAPTURE(as_user);
        REQUIRE(p.changes.size() == 1);
        CHECK(p.changes[0].action == plan::Action::replace);
        CHECK_FALSE(has_guard(p, "policy"));
    }
}

TEST_CASE("min_superusers counts a superuser through a user group, as max_superusers does") {
    auto live = account();
    live.state.user_groups[0].roles = List{"Superuser"};  // ann and ben are superusers through On-call
    live.role_catalog = {{"r-su", "superuser", "Superuser", "", false}};
    auto d = files();
    d.policy.min_superusers = 3;
    d.users[1].name = "Ann";  // a change, so that the guard is looked at
    plan::DiffOptions options;
    options.now_epoch = now;
    const plan::Plan p = plan::diff(d, live, options);
    CHECK_FALSE(std::any_of(p.guards.begin(), p.guards.end(),
                            [](const plan::Guard& g) { return g.name == "min_superusers" && g.tripped; }));
    // Without the group's role, they are not: 1 superuser, fewer than 3.
    live.state.user_groups[0].roles = List{};
    const plan::Plan without = plan::diff(d, live, options);
    CHECK(std::any_of(without.guards.begin(), without.guards.end(),
                      [](const plan::Guard& g) { return g.name == "min_superusers" && g.tripped; }));
}
