#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>
#include <algorithm>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/strings.hpp>

namespace fastly_accounts::util {

namespace {

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool bytes_equal(char a, char b, bool ignore_case) {
    return ignore_case ? ascii_lower(a) == ascii_lower(b) : a == b;
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The code points of `text`. A byte that is not part of well-formed UTF-8 becomes U+DC00 + the byte, a lone
// surrogate that no valid text holds, so it still matches only itself.
std::u32string code_points(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto rest = text.substr(i);
        const auto bad = find_invalid_utf8(rest.substr(0, std::min<std::size_t>(4, rest.size())));
        const auto lead = static_cast<unsigned char>(rest[0]);
        const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        if ((bad && *bad == 0) || len > rest.size()) {
            out.push_back(static_cast<char32_t>(0xDC00 + lead));
            ++i;
            continue;
        }
        char32_t cp = len == 1 ? lead : lead & (0x3F >> (len - 1));
        for (std::size_t k = 1; k < len; ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(rest[k]) & 0x3F);
        }
        out.push_back(cp);
        i += len;
    }
    return out;
}

// Matches the code point c against the set starting at pattern[p] (just after '['). Returns the index just
// past the closing ']' and whether it matched, or nullopt when the set is not closed.
std::optional<std::pair<std::size_t, bool>> match_set(std::u32string_view pattern, std::size_t p, char32_t c) {
    bool negate = false;
    if (p < pattern.size() && (pattern[p] == U'!' || pattern[p] == U'^')) {
        negate = true;
        ++p;
    }
    bool matched = false;
    bool first = true;
    while (p < pattern.size() && (first || pattern[p] != U']')) {
        first = false;
        const char32_t lo = pattern[p];
        char32_t hi = lo;
        if (p + 2 < pattern.size() && pattern[p + 1] == U'-' && pattern[p + 2] != U']') {
            hi = pattern[p + 2];
            p += 3;
        } else {
            p += 1;
        }
        if (lo <= c && c <= hi) {
            matched = true;
        }
    }
    if (p >= pattern.size()) {
        return std::nullopt;
    }
    return std::make_pair(p + 1, matched != negate);
}

bool glob_code_points(std::u32string_view pattern, std::u32string_view text) {
    // Iterative matcher with one backtrack point for the last '*': linear in practice and never
    // exponential, whatever the pattern (globs come from user files).
    std::size_t p = 0;
    std::size_t t = 0;
    std::optional<std::size_t> star_p;
    std::size_t star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size()) {
            char32_t pc = pattern[p];
            if (pc == U'*') {
                star_p = ++p;
                star_t = t;
                continue;
            }
            if (pc == U'?') {
                ++p;
                ++t;
                continue;
            }
            if (pc == U'[') {
                if (auto set = match_set(pattern, p + 1, text[t])) {
                    if (set->second) {
                        p = set->first;
                        ++t;
                        continue;
                    }
                } else if (text[t] == U'[') {
                    ++p;
                    ++t;
                    continue;
                }
            } else {
                if (pc == U'\\' && p + 1 < pattern.size()) {
                    if (pattern[p + 1] == text[t]) {
                        p += 2;
                        ++t;
                        continue;
                    }
                } else if (pc == text[t]) {
                    ++p;
                    ++t;
                    continue;
                }
            }
        }
        if (!star_p) {
            return false;
        }
        p = *star_p;
        t = ++star_t;
    }
    while (p < pattern.size() && pattern[p] == U'*') {
        ++p;
    }
    return p == pattern.size();
}

}  // namespace

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return bytes_equal(x, y, true); });
}

std::string fold_case(std::string_view text) {
    if (is_ascii(text) || find_invalid_utf8(text)) {
        return to_lower(text);  // ASCII folds to lower case; invalid UTF-8 has no characters to fold
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) {
        throw Error(fmt::format("ICU cannot load its normalization data: {}", u_errorName(status)));
    }
    const auto source = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    icu::UnicodeString decomposed = nfd->normalize(source, status);
    decomposed.foldCase(U_FOLD_CASE_DEFAULT);
    const icu::UnicodeString folded = nfc->normalize(decomposed, status);
    if (U_FAILURE(status)) {
        throw Error(fmt::format("ICU could not fold '{}': {}", text, u_errorName(status)));
    }
    std::string out;
    folded.toUTF8String(out);
    return out;
}

bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case) {
    if (ignore_case) {
        return glob_code_points(code_points(fold_case(pattern)), code_points(fold_case(text)));
    }
    return glob_code_points(code_points(pattern), code_points(text));
}

std::optional<std::string> glob_problem(std::string_view pattern, bool ignore_case) {
    // The same reading of the pattern as glob_code_points and match_set.
    const std::u32string p = code_points(ignore_case ? fold_case(pattern) : std::string(pattern));
    std::size_t i = 0;
    while (i < p.size()) {
        if (p[i] == U'\\') {
            if (i + 1 == p.size()) {
                return std::string("it ends with a lone '\\', which escapes nothing; write '\\\\' for a backslash");
            }
            i += 2;
            continue;
        }
        if (p[i] != U'[') {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        if (j < p.size() && (p[j] == U'!' || p[j] == U'^')) {
            ++j;
        }
        bool first = true;
        while (j < p.size() && (first || p[j] != U']')) {
            first = false;
            if (j + 2 < p.size() && p[j + 1] == U'-' && p[j + 2] != U']') {
                if (p[j] > p[j + 2]) {
                    return std::string(
                        "a range in a [set] runs backwards (its first character comes after its last), "
                        "so it matches nothing");
                }
                j += 3;
            } else {
                ++j;
            }
        }
        if (j >= p.size()) {
            return std::string("'[' opens a set of characters that no ']' closes; write '\\[' for a literal '['");
        }
        i = j + 1;
    }
    return std::nullopt;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += items[i];
    }
    return out;
}

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) {
                lo = 0xA0;  // overlong
            } else if (c == 0xED) {
                hi = 0x9F;  // surrogates
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) {
                lo = 0x90;  // overlong
            } else if (c == 0xF4) {
                hi = 0x8F;  // above U+10FFFF
            }
        } else {
            return i;
        }
        if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) {
            return i;
        }
        for (std::size_t k = 2; k < len; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) {
                return i;
            }
        }
        i += len;
    }
    return std::nullopt;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment distance: Levenshtein plus adjacent transpositions ("nmae" -> "name" is
    // one edit), which is what typos mostly are.
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= m; ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = bytes_equal(a[i - 1], b[j - 1], true) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && bytes_equal(a[i - 1], b[j - 2], true) && bytes_equal(a[i - 2], b[j - 1], true)) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[n][m];
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    // Allow roughly one typo per four characters, at most three.
    const std::size_t limit = std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 4));
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const auto& candidate : candidates) {
        std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         std::string_view otherwise) {
    const std::string folded = fold_case(word);
    for (const auto& candidate : candidates) {
        if (fold_case(candidate) == folded) {
            return fmt::format("; did you mean '{}'?", candidate);
        }
    }
    if (auto closest = closest_match(word, candidates)) {
        return fmt::format("; did you mean '{}'?", *closest);
    }
    return otherwise.empty() ? "" : fmt::format("; {}", otherwise);
}

std::string plural(std::size_t count, std::string_view singular, std::string_view plural_form) {
    return std::to_string(count) + " " + std::string(count == 1 ? singular : plural_form);
}

}  // namespace fastly_accounts::util
