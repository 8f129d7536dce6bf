// libFuzzer target: IAM list pages `{data, meta{current_page, total_pages}}` (roles, permissions, service
// groups, user groups and their sub-lists), read as every kind of item they hold. The first byte picks
// the page size the client asked for, so that the "a full page means more" rule is exercised too.
#include "json_target.hpp"

using namespace fastly_accounts::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const int per_page = data[0] % 8;  // 0..7: small pages, including the degenerate 0
    return run_json_target(data + 1, size - 1, [per_page](std::string_view body) {
        try {
            (void)json::whole_list(body);  // GET /permissions: the same envelopes, read whole
        } catch (const fastly_accounts::util::Error&) {
        }
        const json::Page page = json::iam_page(body, per_page);
        each_item(page, [](const json::json& item) { (void)json::named_object(item); });
        each_item(page, [](const json::json& item) { (void)json::permission(item); });
        each_item(page, [](const json::json& item) { (void)json::catalog_role(item); });
        for (auto relation : all_relations) {
            each_item(page, [relation](const json::json& item) { (void)json::link(relation, item); });
        }
    });
}
