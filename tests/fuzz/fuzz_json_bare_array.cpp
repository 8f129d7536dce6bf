// libFuzzer target: classic endpoints answering a bare JSON array (GET /customer/{id}/users, GET /service),
// read page by page and then item by item as users and services.
#include "json_target.hpp"

using namespace fastly_accounts::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return run_json_target(data, size, [](std::string_view body) {
        const json::Page page = json::bare_array_page(body);
        each_item(page, [](const json::json& item) { (void)json::user(item); });
        each_item(page, [](const json::json& item) { (void)json::service(item); });
    });
}
