#include <cstdio>
#include <ctime>
#include <fastly_accounts/util/time.hpp>
#include <string>

namespace fastly_accounts::util {

std::optional<std::int64_t> parse_utc(std::string_view text) {
    const std::string copy(text);
    std::tm tm{};
    char z = 0;
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &z) != 7 ||
        z != 'Z') {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::optional<std::int64_t> parse_date_or_time(std::string_view text) {
    // Positions of the digits in "YYYY-MM-DDTHH:MM:SSZ"; a date is its first 10 characters.
    const bool date_only = text.size() == 10;
    if (!date_only && text.size() != 20) {
        return std::nullopt;
    }
    constexpr std::string_view pattern = "dddd-dd-ddTdd:dd:ddZ";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char want = pattern[i];
        if (want == 'd' ? (text[i] < '0' || text[i] > '9') : text[i] != want) {
            return std::nullopt;
        }
    }
    const auto number = [&](std::size_t at, std::size_t length) {
        int value = 0;
        for (std::size_t i = at; i < at + length; ++i) {
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    std::tm tm{};
    tm.tm_year = number(0, 4) - 1900;
    tm.tm_mon = number(5, 2) - 1;
    tm.tm_mday = number(8, 2);
    if (!date_only) {
        tm.tm_hour = number(11, 2);
        tm.tm_min = number(14, 2);
        tm.tm_sec = number(17, 2);
    }
    const std::tm asked = tm;
    const std::time_t epoch = timegm(&tm);
    // timegm normalises 2027-02-30 to March 2nd: a field that moved was out of range.
    if (tm.tm_year != asked.tm_year || tm.tm_mon != asked.tm_mon || tm.tm_mday != asked.tm_mday ||
        tm.tm_hour != asked.tm_hour || tm.tm_min != asked.tm_min || tm.tm_sec != asked.tm_sec) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(epoch);
}

std::string format_utc(std::int64_t epoch) {
    const auto seconds = static_cast<std::time_t>(epoch);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string format_moment(std::int64_t epoch) {
    std::string text = format_utc(epoch);
    return text.substr(11) == "00:00:00Z" ? text.substr(0, 10) : text;
}

}  // namespace fastly_accounts::util
