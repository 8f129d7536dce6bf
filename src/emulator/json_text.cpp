#include "json_text.hpp"

#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

namespace fastly_emulator {

namespace {

void put_two_digits(char* out, unsigned value) {
    out[0] = static_cast<char>('0' + value / 10);
    out[1] = static_cast<char>('0' + value % 10);
}

}  // namespace

void JsonText::separate() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first) {
        m_out.push_back(',');
    }
    m_first = false;
}

void JsonText::open(char c) {
    separate();
    m_out.push_back(c);
    m_first = true;
}

void JsonText::close(char c) {
    m_out.push_back(c);
    m_first = false;
}

void JsonText::key(std::string_view name) {
    separate();
    // Keys are the emulator's own ASCII names: no escaping needed.
    m_out.push_back('"');
    m_out.append(name);
    m_out.append("\":", 2);
    m_after_key = true;
}

void JsonText::string(std::string_view value) {
    separate();
    quoted(value);
}

void JsonText::quoted(std::string_view value) {
    if (!needs_escaping(value)) {
        m_out.push_back('"');
        m_out.append(value);
        m_out.push_back('"');
        return;
    }
    // Escapes and UTF-8 (including its validation, which throws on invalid input) exactly as dump() does.
    m_out += nlohmann::json(std::string(value)).dump();
}

bool JsonText::needs_escaping(std::string_view value) {
    // Eight bytes at a time: a control byte (< 0x20), a non-ASCII byte, '"' or '\\'.
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    const char* p = value.data();
    size_t n = value.size();
    while (n >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        // With no high bit set, subtracting 0x20 from every byte borrows exactly when one is below 0x20.
        if ((word & highs) != 0 || ((word - 0x20 * ones) & highs) != 0 || has_zero(word ^ (0x22 * ones)) != 0 ||
            has_zero(word ^ (0x5C * ones)) != 0) {
            return true;
        }
        p += 8;
        n -= 8;
    }
    for (; n > 0; ++p, --n) {
        auto byte = static_cast<unsigned char>(*p);
        if (byte < 0x20 || byte >= 0x80 || byte == '"' || byte == '\\') {
            return true;
        }
    }
    return false;
}

void JsonText::boolean(bool value) {
    separate();
    m_out += value ? "true" : "false";
}

void JsonText::null() {
    separate();
    m_out += "null";
}

void JsonText::number(std::int64_t value) {
    separate();
    char buf[24];
    auto result = std::to_chars(buf, buf + sizeof buf, value);
    m_out.append(buf, result.ptr);
}

void JsonText::number(std::uint64_t value) {
    separate();
    char buf[24];
    auto result = std::to_chars(buf, buf + sizeof buf, value);
    m_out.append(buf, result.ptr);
}

void JsonText::timestamp(EpochSeconds value) {
    separate();
    // Days to civil date (proleptic Gregorian), as gmtime would; avoids strftime on the hot path.
    std::int64_t days = value / 86400;
    std::int64_t seconds = value % 86400;
    if (seconds < 0) {
        seconds += 86400;
        days -= 1;
    }
    std::int64_t z = days + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    auto doe = static_cast<unsigned>(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned day = doy - (153 * mp + 2) / 5 + 1;
    unsigned month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2) {
        year += 1;
    }
    if (year < 1000 || year > 9999) {
        // strftime's %Y neither pads nor limits the year: leave other years to the general formatter.
        m_out.push_back('"');
        m_out += format_timestamp(value);
        m_out.push_back('"');
        return;
    }
    auto secs = static_cast<unsigned>(seconds);
    char buf[22];
    put_two_digits(buf + 1, static_cast<unsigned>(year / 100));
    put_two_digits(buf + 3, static_cast<unsigned>(year % 100));
    put_two_digits(buf + 6, month);
    put_two_digits(buf + 9, day);
    put_two_digits(buf + 12, secs / 3600);
    put_two_digits(buf + 15, secs / 60 % 60);
    put_two_digits(buf + 18, secs % 60);
    buf[0] = '"';
    buf[5] = buf[8] = '-';
    buf[11] = 'T';
    buf[14] = buf[17] = ':';
    buf[20] = 'Z';
    buf[21] = '"';
    m_out.append(buf, sizeof buf);
}

nlohmann::json& JsonTree::put(nlohmann::json value) {
    if (m_open.empty()) {
        m_root = std::move(value);
        return m_root;
    }
    nlohmann::json& container = *m_open.back();
    if (container.is_array()) {
        // Only the innermost open container grows, so the pointers to the ones around it stay valid.
        container.push_back(std::move(value));
        return container.back();
    }
    nlohmann::json& slot = container[m_key];
    slot = std::move(value);
    return slot;
}

}  // namespace fastly_emulator
