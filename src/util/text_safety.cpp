#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <algorithm>
#include <fastly_accounts/util/text_safety.hpp>

namespace fastly_accounts::util {

namespace {

bool disguising(UChar32 c) {
    switch (u_charType(c)) {
        case U_CONTROL_CHAR:         // Cc: NUL, ESC, DEL, the C1 controls
        case U_FORMAT_CHAR:          // Cf: bidi controls, zero-width characters, BOM, soft hyphen
        case U_LINE_SEPARATOR:       // Zl
        case U_PARAGRAPH_SEPARATOR:  // Zp
            return true;
        default:
            return false;
    }
}

// Calls `each(code_point, begin, end)` for every code point of `text`; an ill-formed sequence is passed
// as a negative code point covering one byte.
template <typename Each>
void for_each_code_point(std::string_view text, Each each) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
    const auto length = static_cast<std::int32_t>(text.size());
    std::int32_t i = 0;
    while (i < length) {
        const std::int32_t begin = i;
        UChar32 c = 0;
        U8_NEXT(bytes, i, length, c);
        each(c, static_cast<std::size_t>(begin), static_cast<std::size_t>(i));
    }
}

}  // namespace

std::optional<char32_t> find_disguising(std::string_view text) {
    std::optional<char32_t> found;
    for_each_code_point(text, [&](UChar32 c, std::size_t, std::size_t) {
        if (!found && c >= 0 && disguising(c)) {
            found = static_cast<char32_t>(c);
        }
    });
    return found;
}

std::string describe_code_point(char32_t code_point) {
    char name[128];
    UErrorCode status = U_ZERO_ERROR;
    const auto c = static_cast<UChar32>(code_point);
    u_charName(c, U_UNICODE_CHAR_NAME, name, sizeof name, &status);
    if (U_FAILURE(status) || name[0] == '\0') {
        status = U_ZERO_ERROR;
        u_charName(c, U_EXTENDED_CHAR_NAME, name, sizeof name, &status);  // "<control-0000>"
    }
    return U_SUCCESS(status) && name[0] != '\0' ? fmt::format("U+{:04X} {}", static_cast<std::uint32_t>(c), name)
                                                : fmt::format("U+{:04X}", static_cast<std::uint32_t>(c));
}

std::string escape_disguising(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_code_point(text, [&](UChar32 c, std::size_t begin, std::size_t end) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0) {
            for (std::size_t i = begin; i < end; ++i) {
                out += fmt::format("\\x{:02x}", static_cast<unsigned>(static_cast<unsigned char>(text[i])));
            }
        } else if (c < 0x20) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
        } else if (disguising(c)) {
            out += c <= 0xffff ? fmt::format("\\u{:04x}", static_cast<std::uint32_t>(c))
                               : fmt::format("\\U{:08x}", static_cast<std::uint32_t>(c));
        } else {
            out.append(text.substr(begin, end - begin));
        }
    });
    return out;
}

std::string escape_excerpt(std::string_view bytes, std::size_t max_bytes) {
    // A code point is at most 4 bytes long, so whatever starts before the bound ends in this view: a
    // body of many megabytes is not walked to the end.
    const std::string_view view = bytes.substr(0, std::min(max_bytes, bytes.size()) + 4);
    std::size_t cut = 0;
    for_each_code_point(view, [&](UChar32, std::size_t begin, std::size_t end) {
        if (begin == cut && end <= max_bytes) {
            cut = end;
        }
    });
    std::string out = escape_disguising(bytes.substr(0, cut));
    if (cut < bytes.size()) {
        out += "…";
    }
    return out;
}

std::string escape_disguising_json(std::string_view json_text) {
    std::string out;
    out.reserve(json_text.size());
    for_each_code_point(json_text, [&](UChar32 c, std::size_t begin, std::size_t end) {
        if (c == 0x7f || (c >= 0x80 && disguising(c))) {
            if (c <= 0xffff) {
                out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(c));
            } else {
                out += fmt::format("\\u{:04x}\\u{:04x}", static_cast<std::uint32_t>(U16_LEAD(c)),
                                   static_cast<std::uint32_t>(U16_TRAIL(c)));
            }
        } else {
            out.append(json_text.substr(begin, end - begin));
        }
    });
    return out;
}

}  // namespace fastly_accounts::util
