#include <doctest/doctest.h>

#include <fastly_accounts/plan/capabilities.hpp>
#include <fastly_accounts/plan/diff.hpp>

using namespace fastly_accounts;

namespace {

plan::Change change(model::Kind kind, plan::Action action, std::string key) {
    plan::Change out;
    out.kind = kind;
    out.action = action;
    out.key = std::move(key);
    return out;
}

}  // namespace

TEST_CASE("custom_roles: no guard while the legacy roles API answers; a refusal naming the changes when not") {
    plan::Plan plan;
    plan.changes = {change(model::Kind::roles, plan::Action::create, "Purge Operator"),
                    change(model::Kind::user_groups, plan::Action::update, "SRE"),
                    change(model::Kind::roles, plan::Action::remove, "Old Role")};
    model::LiveAccount live;
    CHECK_FALSE(plan::custom_roles_guard(plan, live).has_value());

    live.custom_roles_writable = false;
    const auto guard = plan::custom_roles_guard(plan, live);
    REQUIRE(guard.has_value());
    CHECK(guard->name == "custom_roles");
    CHECK(guard->tripped);
    CHECK(guard->message ==
          "the plan would create role 'Purge Operator', delete role 'Old Role', but Fastly retired the legacy "
          "roles API (GET /roles answers 404): custom roles can only be read, through /iam/v1/roles. Make "
          "these "
          "changes in the Fastly control panel, then bring the files in line with them");

    plan.changes.erase(plan.changes.begin());
    plan.changes.pop_back();
    const auto quiet = plan::custom_roles_guard(plan, live);
    REQUIRE(quiet.has_value());
    CHECK_FALSE(quiet->tripped);

    // evaluate_guards adds it, so apply re-checks it on a saved plan too.
    plan.changes.push_back(change(model::Kind::roles, plan::Action::update, "Purge Operator"));
    plan::evaluate_guards(plan, model::AccountState{}, live, plan::DiffOptions{});
    CHECK(plan.refused());
    CHECK(plan.guards.back().name == "custom_roles");
}
