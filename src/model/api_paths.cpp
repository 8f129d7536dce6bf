#include <fmt/format.h>
#include <fastly_accounts/model/api_paths.hpp>
#include <fastly_accounts/util/error.hpp>

namespace fastly_accounts::model::api_path {

namespace {

// `before` + id + `after`, refusing an empty id: an object the API listed without one.
std::string with_id(std::string_view before, std::string_view id, std::string_view after = "") {
    if (id.empty()) {
        throw util::Error(
            fmt::format("refusing to send a request to {}{{id}}{} with an empty ID: the API listed an "
                        "object without one",
                        before, after));
    }
    return fmt::format("{}{}{}", before, id, after);
}

}  // namespace

std::string current_customer() {
    return "/current_customer";
}
std::string current_user() {
    return "/current_user";
}
std::string customer_users(std::string_view customer_id) {
    return with_id("/customer/", customer_id, "/users");
}
std::string customer(std::string_view customer_id) {
    return with_id("/customer/", customer_id);
}
std::string services() {
    return "/service";
}
std::string permissions() {
    return "/permissions";
}
std::string iam_roles() {
    return "/iam/v1/roles";
}
std::string iam_role(std::string_view id) {
    return with_id("/iam/v1/roles/", id);
}

std::string users() {
    return "/user";
}
std::string user(std::string_view id) {
    return with_id("/user/", id);
}
std::string invitations() {
    return "/invitations";
}
std::string invitation(std::string_view id) {
    return with_id("/invitations/", id);
}

std::string service_authorizations() {
    return "/service-authorizations";
}
std::string service_authorization(std::string_view id) {
    return with_id("/service-authorizations/", id);
}
std::string customer_tokens(std::string_view customer_id) {
    return with_id("/customer/", customer_id, "/tokens");
}
std::string token(std::string_view id) {
    return with_id("/tokens/", id);
}

std::string collection(Kind kind) {
    switch (kind) {
        case Kind::roles:
            return "/roles";
        case Kind::service_groups:
            return "/service-groups";
        case Kind::user_groups:
            return "/user-groups";
        case Kind::users:
        case Kind::invitations:
        case Kind::customer:
            break;
    }
    throw util::Error(fmt::format("internal: {} are not a named collection of the API", to_string(kind)));
}
std::string object(Kind kind, std::string_view id) {
    return with_id(collection(kind) + "/", id);
}
std::string role_permissions(std::string_view id) {
    return with_id("/roles/", id, "/permissions");
}
std::string service_group_services(std::string_view id) {
    return with_id("/service-groups/", id, "/services");
}
std::string user_group_members(std::string_view id) {
    return with_id("/user-groups/", id, "/members");
}
std::string user_group_roles(std::string_view id) {
    return with_id("/user-groups/", id, "/roles");
}
std::string user_group_service_groups(std::string_view id) {
    return with_id("/user-groups/", id, "/service-groups");
}

}  // namespace fastly_accounts::model::api_path
