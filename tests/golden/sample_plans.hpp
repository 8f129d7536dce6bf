#pragma once

// The plans whose renderings are kept in this directory, and the comparison with those files. Shared by
// tests/unit/test_render_text.cpp, test_render_markdown.cpp and test_render_json.cpp.
//
// To regenerate the golden files after an intended change of a rendering, run
//     FA_UPDATE_GOLDEN=1 ./build/tests/unit_tests -tc='*render*'
// then read `git diff tests/golden` as a reviewer would before committing it.

#include <doctest/doctest.h>

#include <cstdlib>
#include <fastly_accounts/plan/plan.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace fastly_accounts::testing {

/// Compares `actual` byte for byte with tests/golden/`name`, or writes it there when the environment
/// has FA_UPDATE_GOLDEN=1.
inline void check_golden(const std::string& name, const std::string& actual) {
    const std::string path = std::string(FA_TEST_DATA_DIR) + "/golden/" + name;
    const char* update = std::getenv("FA_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
        MESSAGE("wrote " << path);
        return;
    }
    std::ifstream file(path, std::ios::binary);
    INFO("golden file " << path << " (FA_UPDATE_GOLDEN=1 regenerates it)");
    REQUIRE(file.good());
    const std::string expected((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    CHECK(actual == expected);
}

// The guards as plan::evaluate_guards words them when none trips.
inline const std::vector<plan::Guard>& passing_guards() {
    static const std::vector<plan::Guard> guards = {
        {"customer_id", false, "the token belongs to customer 51MumwLiSJyFTWhtbByYgR, as the files say"},
        {"protected", false,
         "the owner, the token's user and policy.protected are not changed, deleted or taken out of a group"},
        {"max_deletions", false, "5 deletions planned; policy.max_deletions allows 10"},
        {"max_removals", false, "2 access removals planned; policy.max_removals allows 25"},
        {"min_superusers", false, "2 superusers who can act after the plan; policy.min_superusers is 1"},
    };
    return guards;
}

/// No changes, nothing unmanaged, no notes; every guard passed.
inline plan::Plan empty_plan() {
    plan::Plan p;
    p.guards = passing_guards();
    p.guards[2].message = "0 deletions planned; policy.max_deletions allows 10";
    p.guards[3].message = "0 access removals planned; policy.max_removals allows 25";
    p.customer_id = "51MumwLiSJyFTWhtbByYgR";
    plan::summarize(p);
    return p;
}

/// Every kind created, updated and deleted, an invitation replaced, fields and list changes, a list
/// long enough to unfold, an unmanaged object of two kinds and two notes. Ordered as diff orders.
inline plan::Plan full_plan() {
    using plan::Action;
    using plan::Stage;
    using K = model::Kind;
    using List = std::vector<std::string>;
    plan::Plan p;
    p.changes = {
        {Stage::create_roles_and_service_groups,
         Action::create,
         K::roles,
         "Purge Operator",
         "",
         {{plan::Field::description, {}, std::string("Purges caches")},
          {plan::Field::permissions, {}, List{"purge_all", "purge_select"}}},
         {},
         {{"POST", "/roles"}},
         "",
         {}},
        {Stage::create_roles_and_service_groups,
         Action::update,
         K::roles,
         "Read Only",
         "r0L3x",
         {{plan::Field::description, std::string("Reads"), std::string("Reads everything")}},
         {{plan::Field::permissions, {"read_stats"}, {"purge_all"}}},
         {{"PATCH", "/roles/r0L3x"}, {"POST", "/roles/r0L3x/permissions"}, {"DELETE", "/roles/r0L3x/permissions"}},
         "",
         {}},
        {Stage::create_roles_and_service_groups,
         Action::create,
         K::service_groups,
         "production",
         "",
         {{plan::Field::description, {}, std::string("Production services")}},
         {{plan::Field::services, {"SU1Z0isxPaozGVKXdv0eY", "7i6HN3TK9wS159v2gPAZ8A"}, {}}},
         {{"POST", "/service-groups"}, {"POST", "/service-groups/{id of service group 'production'}/services"}},
         "",
         {}},
        {Stage::create_roles_and_service_groups,
         Action::update,
         K::service_groups,
         "staging",
         "sG9stg",
         {{plan::Field::description, std::string(""), std::string("Staging services")}},
         {{plan::Field::services, {}, {"4fXkmfS1nRhxUf8mVRiA5C"}}},
         {{"PATCH", "/service-groups/sG9stg"}, {"DELETE", "/service-groups/sG9stg/services"}},
         "",
         {}},
        {Stage::create_people,
         Action::update,
         K::users,
         "alice@example.com",
         "uAl1ce",
         {{plan::Field::name, std::string("Alice"), std::string("Alice Example")},
          {plan::Field::role, std::string("engineer"), std::string("superuser")},
          {plan::Field::roles, List{"Engineer"}, List{"Engineer", "Purge Operator"}},
          {plan::Field::locked, true, false}},
         {},
         {{"PUT", "/user/uAl1ce"}},
         "",
         {"privilege escalation: role \"engineer\" → superuser",
          "unlocks the user (a lock may have been set by hand, in an incident)"}},
        {Stage::create_people,
         Action::create,
         K::users,
         "erin@example.com",
         "",
         {{plan::Field::name, {}, std::string("Erin Example")}, {plan::Field::role, {}, std::string("user")}},
         {},
         {{"POST", "/user"}},
         "policy.missing_users: create",
         {}},
        {Stage::create_people,
         Action::replace,
         K::invitations,
         "carol@example.com",
         "inV1t3",
         {{plan::Field::role, {}, std::string("user")},
          {plan::Field::roles, {}, List{"Engineer"}},
          {plan::Field::limit_services, {}, false}},
         {},
         {{"DELETE", "/invitations/inV1t3"}, {"POST", "/invitations"}},
         "the invitation expired; it is sent again",
         {}},
        {Stage::create_people,
         Action::create,
         K::invitations,
         "dave@example.com",
         "",
         {{plan::Field::role, {}, std::string("engineer")}},
         {},
         {{"POST", "/invitations"}},
         "listed under users, has no account yet (policy.missing_users: invite)",
         {}},
        {Stage::create_user_groups,
         Action::create,
         K::user_groups,
         "all-engineers",
         "",
         {{plan::Field::description, {}, std::string("Everyone who builds things")}},
         {{plan::Field::members,
           {"alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com",
            "frank@example.com", "grace@example.com", "heidi@example.com"},
           {}}},
         {{"POST", "/user-groups"}, {"POST", "/user-groups/{id of user group 'all-engineers'}/members"}},
         "",
         {}},
        {Stage::create_user_groups,
         Action::update,
         K::user_groups,
         "SRE",
         "gSr3",
         {{plan::Field::description, std::string("SRE"), std::string("Site reliability")}},
         {{plan::Field::roles, {"Purge Operator"}, {}},
          {plan::Field::service_groups, {"production"}, {}},
          {plan::Field::members, {"carol@example.com", "dave@example.com"}, {}}},
         {{"PATCH", "/user-groups/gSr3"},
          {"POST", "/user-groups/gSr3/roles"},
          {"POST", "/user-groups/gSr3/service-groups"},
          {"POST", "/user-groups/gSr3/members"}},
         "",
         {}},
        {Stage::remove_from_groups,
         Action::update,
         K::user_groups,
         "SRE",
         "gSr3",
         {},
         {{plan::Field::members, {}, {"mallory@example.com"}}},
         {{"DELETE", "/user-groups/gSr3/members"}},
         "",
         {}},
        {Stage::delete_people_and_groups,
         Action::remove,
         K::users,
         "mallory@example.com",
         "uMa11",
         {},
         {},
         {{"DELETE", "/user/uMa11"}},
         "",
         {}},
        {Stage::delete_people_and_groups,
         Action::remove,
         K::invitations,
         "old@example.com",
         "inV0ld",
         {},
         {},
         {{"DELETE", "/invitations/inV0ld"}},
         "expired",
         {}},
        {Stage::delete_people_and_groups,
         Action::remove,
         K::user_groups,
         "legacy-admins",
         "gL3g",
         {},
         {},
         {{"DELETE", "/user-groups/gL3g"}},
         "",
         {}},
        {Stage::delete_roles_and_service_groups,
         Action::remove,
         K::roles,
         "Old Role",
         "r0ld",
         {},
         {},
         {{"DELETE", "/roles/r0ld"}},
         "",
         {}},
        {Stage::delete_roles_and_service_groups,
         Action::remove,
         K::service_groups,
         "sandbox",
         "sGsbx",
         {},
         {},
         {{"DELETE", "/service-groups/sGsbx"}},
         "",
         {}},
    };
    p.unmanaged = {{K::users, "contractor@partner.example"}, {K::user_groups, "okta-admins"}};
    p.notes = {"ivan@example.com: invited, awaiting acceptance",
               "judy@example.com: accepted the invitation and is now a user; move the entry from invitations: to "
               "users:"};
    p.guards = passing_guards();
    p.customer_id = "51MumwLiSJyFTWhtbByYgR";
    p.service_names = {{"4fXkmfS1nRhxUf8mVRiA5C", "staging.example.com"}};
    plan::summarize(p);
    return p;
}

/// Deletes the owner and locks a protected user: two guards trip, two pass.
inline plan::Plan refused_plan() {
    using plan::Action;
    using plan::Stage;
    using K = model::Kind;
    plan::Plan p;
    p.changes = {
        {Stage::create_people,
         Action::update,
         K::users,
         "bob@example.com",
         "uB0b",
         {{plan::Field::locked, false, true}},
         {},
         {{"PUT", "/user/uB0b"}},
         "",
         {}},
        {Stage::delete_people_and_groups,
         Action::remove,
         K::users,
         "owner@example.com",
         "uOwn",
         {},
         {},
         {{"DELETE", "/user/uOwn"}},
         "",
         {}},
    };
    p.guards = {
        {"customer_id", false, "the files name no customer_id"},
        {"protected", true,
         "the plan updates bob@example.com (listed in policy.protected); deletes owner@example.com (the "
         "account "
         "owner)"},
        {"max_deletions", false, "1 deletion planned; policy.max_deletions allows 10"},
        {"max_removals", false, "0 access removals planned; policy.max_removals allows 25"},
        {"min_superusers", true, "0 superusers who can act after the plan; policy.min_superusers is 1"},
    };
    plan::summarize(p);
    return p;
}

/// Nothing to change, but objects the files do not list and notes worth reading.
inline plan::Plan unmanaged_plan() {
    plan::Plan p = empty_plan();
    p.unmanaged = {{model::Kind::users, "contractor@partner.example"},
                   {model::Kind::invitations, "guest@example.com"},
                   {model::Kind::roles, "Legacy Purger"},
                   {model::Kind::service_groups, "experiments"},
                   {model::Kind::user_groups, "okta-admins"}};
    p.notes = {"ivan@example.com: invited, awaiting acceptance"};
    return p;
}

/// Every kind of change the plan model has, exactly as `plan` makes it from tests/golden/every-change/
/// (seed.json for fastly-emulator, access.yaml for the files; e2e_plan_apply checks that the binary prints
/// these golden files): each kind created, updated and deleted; invitations replaced because they expired
/// (and put back into their group) and because they depart from the files (fields kept), a second pending
/// invitation for one person deleted; a user's roles and a group's lists gaining and losing entries, one
/// group's changes over stages 3 and 4; sensitive marks of each sort; `held_by` on a pruned role and
/// service group; service names beside IDs; grants made, changed and revoked; a deleted user's token
/// revoked first; the account's contact changed (stage 5) and force_2fa turned off (stage 8); an empty list; an
/// unmanaged invitation; and the notes (awaiting acceptance, accepted, an expired invitation the files do not list,
/// missing_users: create).
inline plan::Plan every_change_plan() {
    using plan::Action;
    using plan::Stage;
    using K = model::Kind;
    using List = std::vector<std::string>;
    const std::string departs =
        "the pending invitation departs from the files (role); an invitation cannot be changed, so it is "
        "deleted "
        "and sent again, in the same user groups";
    plan::Plan p;
    p.changes = {
        {Stage::create_roles_and_service_groups,
         Action::create,
         K::roles,
         "Cache Admin",
         "",
         {{plan::Field::description, {}, std::string("Purges caches and manages users")}},
         {{plan::Field::permissions, {"purge_all", "manage_users"}, {}}},
         {{"POST", "/roles"}, {"POST", "/roles/{id of role 'Cache Admin'}/permissions"}},
         "",
         {"privilege escalation: the role gains account-scope permissions (manage_users)"}},
        {Stage::create_roles_and_service_groups,
         Action::update,
         K::roles,
         "Read Only",
         "6sBDpVuJCDOmXTHPPZYZrC",
         {{plan::Field::description, std::string("Reads"), std::string("Reads everything")}},
         {{plan::Field::permissions, {"read_service_configuration"}, {"read_service_stats"}}},
         {{"PATCH", "/roles/6sBDpVuJCDOmXTHPPZYZrC"},
          {"POST", "/roles/6sBDpVuJCDOmXTHPPZYZrC/permissions"},
          {"DELETE", "/roles/6sBDpVuJCDOmXTHPPZYZrC/permissions"}},
         "",
         {}},
        {Stage::create_roles_and_service_groups,
         Action::create,
         K::service_groups,
         "production",
         "",
         {{plan::Field::description, {}, std::string("Production services")}},
         {{plan::Field::services, {"SU1Z0isxPaozGVKXdv0eY", "7i6HN3TK9wS159v2gPAZ8A"}, {}}},
         {{"POST", "/service-groups"}, {"POST", "/service-groups/{id of service group 'production'}/services"}},
         "",
         {}},
        {Stage::create_roles_and_service_groups,
         Action::update,
         K::service_groups,
         "staging",
         "2vLuMQi7RdfGgvtE0A3FGx",
         {{plan::Field::description, std::string(""), std::string("Staging services")}},
         {{plan::Field::services, {}, {"4fXkmfS1nRhxUf8mVRiA5C"}}},
         {{"PATCH", "/service-groups/2vLuMQi7RdfGgvtE0A3FGx"},
          {"DELETE", "/service-groups/2vLuMQi7RdfGgvtE0A3FGx/services"}},
         "",
         {}},
        {Stage::create_people,
         Action::update,
         K::users,
         "alice@example.com",
         "3KAwb7wBFb4kE3cFeQTF6n",
         {{plan::Field::name, std::string("Alice"), std::string("Alice Example")},
          {plan::Field::role, std::string("engineer"), std::string("superuser")},
          {plan::Field::roles, List{"Engineer"}, List{"Superuser"}},
          {plan::Field::limit_services, true, false},
          {plan::Field::locked, true, false},
          {plan::Field::require_new_password, false, true}},
         {},
         {{"PUT", "/user/3KAwb7wBFb4kE3cFeQTF6n"}},
         "",
         {"privilege escalation: role \"engineer\" → superuser", "privilege escalation: gains the Superuser role",
          "privilege escalation: limit_services lifted, so every service is open to them",
          "unlocks the user (a lock may have been set by hand, in an incident)"}},
        {Stage::create_people,
         Action::create,
         K::users,
         "erin@example.com",
         "",
         {{plan::Field::name, {}, std::string("Erin Example")}, {plan::Field::role, {}, std::string("user")}},
         {},
         {{"POST", "/user"}},
         "policy.missing_users: create",
         {}},
        {Stage::create_people,
         Action::update,
         K::users,
         "lee@example.com",
         "2LeeServiceLimited0001",
         {},
         {{plan::Field::service_authorizations,
           {"7i6HN3TK9wS159v2gPAZ8A: purge_all", "SU1Z0isxPaozGVKXdv0eY: read_only"},
           {"4fXkmfS1nRhxUf8mVRiA5C: read_only", "SU1Z0isxPaozGVKXdv0eY: full"}}},
         {{"DELETE", "/service-authorizations/4SaLeeStaging000000002"},
          {"POST", "/service-authorizations"},
          {"PATCH", "/service-authorizations/4SaLeeWww0000000000001"}},
         "",
         {}},
        {Stage::create_people,
         Action::replace,
         K::invitations,
         "carol@example.com",
         "3MPMpTg403ka0yAoaabFBA",
         {{plan::Field::role, std::string("user"), std::string("user")},
          {plan::Field::roles, List{"Engineer"}, List{"Engineer"}},
          {plan::Field::limit_services, false, false}},
         {{plan::Field::user_groups, {"SRE"}, {}}},
         {{"DELETE", "/invitations/3MPMpTg403ka0yAoaabFBA"},
          {"POST", "/invitations"},
          {"POST", "/user-groups/3j3EveTH0xZ54RxPfqeVqk/members"}},
         "the invitation expired; it is sent again",
         {}},
        {Stage::create_people,
         Action::replace,
         K::invitations,
         "dave@example.com",
         "37duDermZ1qcJdE33iq5Gd",
         {{plan::Field::role, std::string("user"), std::string("engineer")},
          {plan::Field::roles, List{}, List{}},
          {plan::Field::limit_services, false, false}},
         {},
         {{"DELETE", "/invitations/37duDermZ1qcJdE33iq5Gd"}, {"POST", "/invitations"}},
         departs,
         {}},
        {Stage::create_people,
         Action::create,
         K::invitations,
         "frank@example.com",
         "",
         {{plan::Field::role, {}, std::string("superuser")}},
         {},
         {{"POST", "/invitations"}},
         "",
         {"privilege escalation: invited as superuser"}},
        {Stage::create_people,
         Action::replace,
         K::invitations,
         "zoë@example.com",
         "1M1hyJ7WirWB8oQSMwDGHE",
         {{plan::Field::role, std::string("superuser"), std::string("engineer")},
          {plan::Field::roles, List{}, List{}},
          {plan::Field::limit_services, false, false}},
         {},
         {{"DELETE", "/invitations/1M1hyJ7WirWB8oQSMwDGHE"}, {"POST", "/invitations"}},
         departs,
         {}},
        {Stage::create_user_groups,
         Action::create,
         K::user_groups,
         "all-engineers",
         "",
         {{plan::Field::description, {}, std::string("Everyone who builds things")}},
         {{plan::Field::members,
           {"alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com",
            "frank@example.com", "owner@example.com"},
           {}}},
         {{"POST", "/user-groups"}, {"POST", "/user-groups/{id of user group 'all-engineers'}/members"}},
         "",
         {}},
        {Stage::create_user_groups,
         Action::update,
         K::user_groups,
         "SRE",
         "3j3EveTH0xZ54RxPfqeVqk",
         {{plan::Field::description, std::string("SRE"), std::string("Site reliability")}},
         {{plan::Field::roles, {"Cache Admin", "Engineer"}, {}},
          {plan::Field::service_groups, {"production"}, {}},
          {plan::Field::members, {"alice@example.com", "dave@example.com"}, {}}},
         {{"PATCH", "/user-groups/3j3EveTH0xZ54RxPfqeVqk"},
          {"POST", "/user-groups/3j3EveTH0xZ54RxPfqeVqk/roles"},
          {"POST", "/user-groups/3j3EveTH0xZ54RxPfqeVqk/service-groups"},
          {"POST", "/user-groups/3j3EveTH0xZ54RxPfqeVqk/members"}},
         "",
         {"privilege escalation: the group's members gain role 'Cache Admin' (account-scope: manage_users)",
          "privilege escalation: alice@example.com, dave@example.com added to a group with role 'Cache "
          "Admin' (account-scope: manage_users)"}},
        {Stage::remove_from_groups,
         Action::update,
         K::user_groups,
         "SRE",
         "3j3EveTH0xZ54RxPfqeVqk",
         {},
         {{plan::Field::members, {}, {"bob@example.com"}}},
         {{"DELETE", "/user-groups/3j3EveTH0xZ54RxPfqeVqk/members"}},
         "",
         {}},
        {Stage::customer_contacts,
         Action::update,
         K::customer,
         "Acme",
         "51MumwLiSJyFTWhtbByYgR",
         {{plan::Field::security_contact, std::string("mallory@example.com"), std::string("alice@example.com")}},
         {},
         {{"PUT", "/customer/51MumwLiSJyFTWhtbByYgR"}},
         "",
         {}},
        {Stage::delete_people_and_groups,
         Action::remove,
         K::users,
         "mallory@example.com",
         "14hvDeM9G5h6PjcXToSXdC",
         {},
         {{plan::Field::tokens, {}, {"5TokMalloryCi000000001"}}},
         {{"DELETE", "/tokens/5TokMalloryCi000000001"}, {"DELETE", "/user/14hvDeM9G5h6PjcXToSXdC"}},
         "",
         {"revokes 1 API token first ('ci'): whatever uses it stops working"}},
        {Stage::delete_people_and_groups,
         Action::remove,
         K::invitations,
         "zoë@example.com",
         "58qR87mF1fGXqFz5ljrKjq",
         {},
         {},
         {{"DELETE", "/invitations/58qR87mF1fGXqFz5ljrKjq"}},
         "a second pending invitation for a person the files list once; only one is kept",
         {}},
        {Stage::delete_people_and_groups,
         Action::remove,
         K::user_groups,
         "legacy-admins",
         "0FJ3SK7J1oUiFNXWnC1KHM",
         {},
         {},
         {{"DELETE", "/user-groups/0FJ3SK7J1oUiFNXWnC1KHM"}},
         "",
         {}},
        {Stage::delete_roles_and_service_groups,
         Action::remove,
         K::roles,
         "Old Role",
         "5HtqWXoHLMmNQlUfrqAHge",
         {},
         {{plan::Field::held_by, {}, {"user group 'Ops'", "user 'bob@example.com'"}}},
         {{"DELETE", "/roles/5HtqWXoHLMmNQlUfrqAHge"}},
         "",
         {"access lost through pruning: 2 holders the files do not manage lose it"}},
        {Stage::delete_roles_and_service_groups,
         Action::remove,
         K::service_groups,
         "sandbox",
         "2hWaouMpAAQwYwLAZLJOGf",
         {},
         {{plan::Field::held_by, {}, {"user group 'Ops'"}}},
         {{"DELETE", "/service-groups/2hWaouMpAAQwYwLAZLJOGf"}},
         "",
         {"access lost through pruning: 1 holder the files do not manage loses it"}},
        {Stage::customer_security,
         Action::update,
         K::customer,
         "Acme",
         "51MumwLiSJyFTWhtbByYgR",
         {{plan::Field::force_2fa, true, false}},
         {},
         {{"PUT", "/customer/51MumwLiSJyFTWhtbByYgR"}},
         "",
         {"force_2fa off: signing in no longer needs two-factor authentication"}},
    };
    p.unmanaged = {{K::invitations, "guest@example.com"}};
    p.notes = {"ivan@example.com: invited, awaiting acceptance",
               "judy@example.com: accepted the invitation and is now a user; move the entry from invitations: to "
               "users:",
               "old@example.com: an expired invitation (sent 2020-03-01) that the files do not list; it can no "
               "longer be accepted (unmanaged: prune invitations to delete it, or list the person to invite them "
               "again)",
               "policy.missing_users: create uses POST /user, which Fastly deprecated in 2025: only accounts that "
               "used it before still have it; elsewhere the creates fail. Invitations (the default) always work.",
               // cli::add_authors, after the diff: the plan changes groups and roles.
               "Fastly records no events for user groups, service groups or roles; who changed them cannot be "
               "shown"};
    p.guards = {{"customer_id", false, "the token belongs to customer 51MumwLiSJyFTWhtbByYgR, as the files say"},
                {"protected", false,
                 "the owner, the token's user and policy.protected are not changed, deleted or taken out of a group"},
                {"max_deletions", false, "5 deletions planned; policy.max_deletions allows 10"},
                {"max_removals", false, "8 access removals planned; policy.max_removals allows 25"},
                {"min_superusers", false, "2 superusers who can act after the plan; policy.min_superusers is 1"}};
    p.customer_id = "51MumwLiSJyFTWhtbByYgR";
    p.service_names = {{"4fXkmfS1nRhxUf8mVRiA5C", "staging.example.com"},
                       {"7i6HN3TK9wS159v2gPAZ8A", "api.example.com"},
                       {"SU1Z0isxPaozGVKXdv0eY", "www.example.com"}};
    p.token_labels = {{"5TokMalloryCi000000001", "'ci' (scope global, last used 2026-11-30T10:00:00Z, never expires)"}};
    plan::summarize(p);
    return p;
}

/// The text of one rendering of `plan`.
template <typename Render, typename Options>
std::string rendered(Render render, const plan::Plan& plan, const Options& options) {
    std::ostringstream out;
    render(plan, out, options);
    return out.str();
}

}  // namespace fastly_accounts::testing
