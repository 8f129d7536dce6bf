#include <doctest/doctest.h>

#include <fastly_accounts/http/client.hpp>
#include <fastly_accounts/live/curl_api_client.hpp>
#include <fastly_accounts/util/error.hpp>
#include <functional>

using namespace fastly_accounts;

TEST_CASE("no request is built with an empty id") {
    // Port 9 (discard) on loopback: were anything sent, it would fail to connect; nothing is, and the
    // client's counters show it.
    http::ClientOptions options;
    options.base_url = "http://127.0.0.1:9";
    options.token = "token";
    http::Client client(options);
    live::CurlApiClient api(client);
    const model::User user;
    struct Case {
        const char* shape;
        std::function<void()> call;
    };
    const Case cases[] = {
        {"/customer/{id}/users", [&] { api.list_users(""); }},
        {"/user/{id}", [&] { api.update_user("", user); }},
        {"/user/{id}", [&] { api.delete_user(""); }},
        {"/invitations/{id}", [&] { api.delete_invitation(""); }},
        {"/iam/v1/roles/{id}", [&] { api.role_permission_names(""); }},
        {"/user-groups/{id}", [&] { api.update(live::Collection::user_groups, "", "n", std::nullopt); }},
        {"/service-groups/{id}", [&] { api.remove(live::Collection::service_groups, ""); }},
        {"/user-groups/{id}/members",
         [&] {
             api.add_links(live::Relation::user_group_members, "", {{"u1", "user", "a@b.co"}});
         }},
    };
    for (const auto& c : cases) {
        CAPTURE(c.shape);
        // The one table of paths refuses it (model/api_paths.hpp), for the plan and the client alike.
        const std::string message = std::string("refusing to send a request to ") + c.shape +
                                    " with an empty ID: the API listed an object without one";
        CHECK_THROWS_WITH_AS(c.call(), message.c_str(), util::Error);
    }
    // An entry of a body is refused the same way.
    CHECK_THROWS_WITH_AS(api.add_links(live::Relation::service_group_services, "sg1", {{"", "", "www"}}),
                         "refusing to send an entry without an id for 'www' to services (this is a bug; please "
                         "report it)",
                         util::Error);
    CHECK(client.stats().requests_by_method.empty());
}
