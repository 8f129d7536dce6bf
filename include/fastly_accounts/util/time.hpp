#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fastly_accounts::util {

/// Seconds since the epoch of an ISO 8601 UTC time `YYYY-MM-DDTHH:MM:SSZ`, or nullopt.
std::optional<std::int64_t> parse_utc(std::string_view text);

/// Seconds since the epoch of a UTC date `YYYY-MM-DD` (its midnight) or time `YYYY-MM-DDTHH:MM:SSZ`, written
/// exactly so (digits where digits go, a real day of a real month); nullopt for anything else.
std::optional<std::int64_t> parse_date_or_time(std::string_view text);

/// `YYYY-MM-DDTHH:MM:SSZ` of `epoch`.
std::string format_utc(std::int64_t epoch);

/// `YYYY-MM-DD` of `epoch`, and the time after it unless it is midnight: "2027-01-31", "2027-01-31T18:00:00Z".
std::string format_moment(std::int64_t epoch);

}  // namespace fastly_accounts::util
