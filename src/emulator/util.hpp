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
