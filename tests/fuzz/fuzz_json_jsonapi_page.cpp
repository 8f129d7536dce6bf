// libFuzzer target: JSON:API pages `{data, links, meta}` (GET /invitations), read item by item as
// invitation resources.
#include "json_target.hpp"

using namespace fastly_accounts::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return run_json_target(data, size, [](std::string_view body) {
        const json::Page page = json::jsonapi_page(body);
        each_item(page, [](const json::json& item) { (void)json::invitation(item); });
    });
}
