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
