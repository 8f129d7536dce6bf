#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_emulator {

/// Seconds since the Unix epoch, UTC.
using EpochSeconds = std::int64_t;

/// Formats `t` as `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_timestamp(EpochSeconds t);

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (a `.fraction` before the Z is ignored); nullopt when malformed.
std::optional<EpochSeconds> parse_timestamp(std::string_view text);

/// An ISO 8601 time as a query filter names it: the first second it covers and how many seconds it
/// covers (86400 for a date, 60 for `HH:MM`, 1 for `HH:MM:SS`).
struct IsoTime {
    EpochSeconds start = 0;
    EpochSeconds span = 1;
};

/// Parses an ISO 8601 date or date-time: `YYYY-MM-DD`, optionally followed by `T` (or a space) and
/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction`, then optionally `Z`, `+HH:MM`, `-HH:MM`, `+HHMM` or
/// `+HH` (no offset: UTC; a space for the `+` of an offset is accepted, as an unencoded `+` in a query
/// string decodes to one). Nullopt when malformed or out of range (month 13, February 30, hour 24).
std::optional<IsoTime> parse_iso8601(std::string_view text);

/// The wall clock, in seconds.
EpochSeconds system_now();

/// Generates 22-character base62 IDs like Fastly's. Not thread-safe; the store owns one.
class IdGenerator {
public:
    /// Seeds from std::random_device.
    IdGenerator();
    /// Returns a fresh random ID of 22 characters from [0-9A-Za-z].
    std::string next();

private:
    std::mt19937_64 m_rng;
};

/// ASCII lower-casing, used for case-insensitive login and email comparison.
std::string to_lower(std::string_view text);

/// True when `text` looks like an email address: one '@', a non-empty local part, a dotted domain.
bool looks_like_email(std::string_view text);

/// Splits on `sep`, trimming spaces and dropping empty pieces.
std::vector<std::string> split_list(std::string_view text, char sep);

}  // namespace fastly_emulator
