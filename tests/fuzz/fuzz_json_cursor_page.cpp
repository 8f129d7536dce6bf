// libFuzzer target: cursor pages `{data, limit, next_cursor}` (GET /iam/v1/roles), read item by item as
// catalogue roles and their permissions.
#include "json_target.hpp"

using namespace fastly_accounts::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return run_json_target(data, size, [](std::string_view body) {
        const json::Page page = json::cursor_page(body);
        each_item(page, [](const json::json& item) { (void)json::catalog_role(item); });
        each_item(page, [](const json::json& item) { (void)json::permission(item); });
    });
}
