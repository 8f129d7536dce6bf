#include <doctest/doctest.h>
#include <fastly_accounts/model/api_paths.hpp>
#include <fastly_accounts/util/error.hpp>

using namespace fastly_accounts;
namespace api_path = model::api_path;

TEST_CASE("api_path: every path of the table, with the id where it goes") {
    CHECK(api_path::customer_users("c1") == "/customer/c1/users");
    CHECK(api_path::user("u1") == "/user/u1");
    CHECK(api_path::invitation("i1") == "/invitations/i1");
    CHECK(api_path::collection(model::Kind::user_groups) == "/user-groups");
    CHECK(api_path::object(model::Kind::service_groups, "s1") == "/service-groups/s1");
    CHECK(api_path::object(model::Kind::roles, "r1") == "/roles/r1");
    CHECK(api_path::role_permissions("r1") == "/roles/r1/permissions");
    CHECK(api_path::service_group_services("s1") == "/service-groups/s1/services");
    CHECK(api_path::user_group_members("g1") == "/user-groups/g1/members");
    CHECK(api_path::user_group_roles("g1") == "/user-groups/g1/roles");
    CHECK(api_path::user_group_service_groups("g1") == "/user-groups/g1/service-groups");
    CHECK(api_path::iam_role("r1") == "/iam/v1/roles/r1");
    // A plan's placeholder goes in as it is.
    CHECK(api_path::user_group_members("{id of user group 'SRE'}") == "/user-groups/{id of user group 'SRE'}/members");
}

TEST_CASE("api_path: an empty id is refused, never a path with an empty segment") {
    CHECK_THROWS_WITH_AS(api_path::user_group_members(""),
                         "refusing to send a request to /user-groups/{id}/members with an empty ID: the API listed "
                         "an object without one",
                         util::Error);
    CHECK_THROWS_AS(api_path::customer_users(""), util::Error);
    CHECK_THROWS_AS(api_path::invitation(""), util::Error);
    CHECK_THROWS_AS(api_path::object(model::Kind::roles, ""), util::Error);
    CHECK_THROWS_AS(api_path::collection(model::Kind::users), util::Error);
}
