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

}  // namespace fastly_accounts::util
