#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fastly_accounts::util {

/// Seconds since the epoch of an ISO 8601 UTC time `YYYY-MM-DDTHH:MM:SSZ`, or nullopt.
std::optional<std::int64_t> parse_utc(std::string_view text);

}  // namespace fastly_accounts::util
