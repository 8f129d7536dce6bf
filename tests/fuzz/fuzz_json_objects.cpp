// libFuzzer target: single objects (GET /current_customer, /current_user, /user/{id}, a created role or
// group, a list entry), read as each model type and as an entry of each relation.
#include "json_target.hpp"

using namespace fastly_accounts::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return run_json_target(data, size, [](std::string_view body) {
        const json::json object = json::parse(body);
        const json::Page one{{object}, false, ""};
        each_item(one, [](const json::json& item) { (void)json::customer(item); });
        each_item(one, [](const json::json& item) { (void)json::token_user(item); });
        each_item(one, [](const json::json& item) { (void)json::user(item); });
        each_item(one, [](const json::json& item) { (void)json::invitation(item); });
        each_item(one, [](const json::json& item) { (void)json::catalog_role(item); });
        each_item(one, [](const json::json& item) { (void)json::permission(item); });
        each_item(one, [](const json::json& item) { (void)json::service(item); });
        each_item(one, [](const json::json& item) { (void)json::named_object(item); });
        each_item(one, [](const json::json& item) { (void)json::role_permission_names(item); });
        for (auto relation : all_relations) {
            each_item(one, [relation](const json::json& item) { (void)json::link(relation, item); });
        }
    });
}
