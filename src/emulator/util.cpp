#include "util.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace fastly_emulator {

std::string format_timestamp(EpochSeconds t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<EpochSeconds> parse_timestamp(std::string_view text) {
    std::string s(text);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int consumed = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &consumed) !=
        6) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(static_cast<size_t>(consumed));
    if (!rest.empty() && rest.front() == '.') {
        size_t i = 1;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
            ++i;
        }
        rest.remove_prefix(i);
    }
    if (rest != "Z" && rest != "+00:00") {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<EpochSeconds>(timegm(&tm));
}

namespace {

// Reads exactly `digits` decimal digits at `at`, advancing it; nullopt otherwise.
std::optional<int> fixed_digits(std::string_view text, size_t& at, size_t digits) {
    if (at + digits > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (size_t i = 0; i < digits; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    at += digits;
    return value;
}

bool leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap_year(year) ? 29 : days[month - 1];
}

// The offset east of UTC in seconds of `Z`, `+HH:MM`, `-HHMM`, `+HH` (a space standing for `+`), or of
// nothing (UTC); nullopt when `text` from `at` is anything else.
std::optional<EpochSeconds> utc_offset(std::string_view text, size_t at) {
    if (at == text.size()) {
        return 0;
    }
    if (text.substr(at) == "Z" || text.substr(at) == "z") {
        return 0;
    }
    const char sign = text[at];
    if (sign != '+' && sign != '-' && sign != ' ') {
        return std::nullopt;
    }
    ++at;
    std::optional<int> hours = fixed_digits(text, at, 2);
    if (!hours || *hours > 23) {
        return std::nullopt;
    }
    int minutes = 0;
    if (at < text.size()) {
        if (text[at] == ':') {
            ++at;
        }
        std::optional<int> read = fixed_digits(text, at, 2);
        if (!read || *read > 59 || at != text.size()) {
            return std::nullopt;
        }
        minutes = *read;
    }
    const EpochSeconds seconds = *hours * 3600 + minutes * 60;
    return sign == '-' ? -seconds : seconds;
}

}  // namespace

std::optional<IsoTime> parse_iso8601(std::string_view text) {
    size_t at = 0;
    std::optional<int> year = fixed_digits(text, at, 4);
    if (!year || at >= text.size() || text[at++] != '-') {
        return std::nullopt;
    }
    std::optional<int> month = fixed_digits(text, at, 2);
    if (!month || *month < 1 || *month > 12 || at >= text.size() || text[at++] != '-') {
        return std::nullopt;
    }
    std::optional<int> day = fixed_digits(text, at, 2);
    if (!day || *day < 1 || *day > days_in_month(*year, *month)) {
        return std::nullopt;
    }
    int hour = 0, minute = 0, second = 0;
    EpochSeconds span = 86400;
    if (at < text.size() && (text[at] == 'T' || text[at] == 't' || text[at] == ' ')) {
        ++at;
        std::optional<int> h = fixed_digits(text, at, 2);
        if (!h || *h > 23 || at >= text.size() || text[at++] != ':') {
            return std::nullopt;
        }
        std::optional<int> m = fixed_digits(text, at, 2);
        if (!m || *m > 59) {
            return std::nullopt;
        }
        hour = *h;
        minute = *m;
        span = 60;
        if (at < text.size() && text[at] == ':') {
            ++at;
            std::optional<int> s = fixed_digits(text, at, 2);
            if (!s || *s > 59) {
                return std::nullopt;
            }
            second = *s;
            span = 1;
            if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
                const size_t digits = ++at;
                while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
                    ++at;
                }
                if (at == digits) {
                    return std::nullopt;
                }
            }
        }
    }
    std::optional<EpochSeconds> offset = utc_offset(text, at);
    if (!offset || (span == 86400 && at != text.size())) {
        return std::nullopt;  // an offset needs a time of day
    }
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return IsoTime{static_cast<EpochSeconds>(timegm(&tm)) - *offset, span};
}

EpochSeconds system_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

IdGenerator::IdGenerator() : m_rng(std::random_device{}()) {}

std::string IdGenerator::next() {
    static constexpr std::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    // Real IDs are base62 128-bit values, so a leading digit above 7 never occurs.
    std::uniform_int_distribution<size_t> first(0, 7);
    std::string id(22, '0');
    id[0] = alphabet[first(m_rng)];
    for (size_t i = 1; i < id.size(); ++i) {
        id[i] = alphabet[pick(m_rng)];
    }
    return id;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool looks_like_email(std::string_view text) {
    size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    std::string_view domain = text.substr(at + 1);
    size_t dot = domain.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) {
        return false;
    }
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
    }
    return true;
}

std::vector<std::string> split_list(std::string_view text, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(sep, start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view piece = text.substr(start, end - start);
        while (!piece.empty() && piece.front() == ' ') {
            piece.remove_prefix(1);
        }
        while (!piece.empty() && piece.back() == ' ') {
            piece.remove_suffix(1);
        }
        if (!piece.empty()) {
            out.emplace_back(piece);
        }
        start = end + 1;
    }
    return out;
}

}  // namespace fastly_emulator
