#pragma once
// Shared by the libFuzzer targets for API response bodies: runs `read` on the input as a response body.
// The contract of live/json_parse.hpp is that a malformed body throws util::Error (which the API client
// turns into "the answer could not be read"); any other exception escaping is a finding, and so is a
// crash, a leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <fastly_accounts/live/json_parse.hpp>
#include <fastly_accounts/util/error.hpp>
#include <string_view>

namespace fastly_accounts::fuzz {

namespace json = live::json;

/// Every relation, so that a target can read a list entry in each of their shapes.
inline constexpr live::Relation all_relations[] = {
    live::Relation::user_group_members, live::Relation::user_group_roles, live::Relation::user_group_service_groups,
    live::Relation::service_group_services, live::Relation::role_permissions};

/// Calls `read(body)` and swallows util::Error, the one exception the parsing functions may throw.
template <typename Read>
int run_json_target(const std::uint8_t* data, std::size_t size, Read read) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    try {
        read(body);
    } catch (const util::Error&) {
    }
    return 0;
}

/// Converts one item with `convert`, swallowing util::Error, so that one bad item does not hide the rest.
template <typename Convert>
void each_item(const json::Page& page, Convert convert) {
    for (const auto& item : page.items) {
        try {
            convert(item);
        } catch (const util::Error&) {
        }
    }
}

}  // namespace fastly_accounts::fuzz
