#include <algorithm>
#include <fastly_accounts/util/strings.hpp>

namespace fastly_accounts::util {

namespace {

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool bytes_equal(char a, char b, bool ignore_case) {
    return ignore_case ? ascii_lower(a) == ascii_lower(b) : a == b;
}

// Matches text[t] against the set starting at pattern[p] (just after '['). Returns the index just
// past the closing ']' and whether it matched, or nullopt when the set is not closed.
std::optional<std::pair<std::size_t, bool>> match_set(std::string_view pattern, std::size_t p, char c,
                                                      bool ignore_case) {
    bool negate = false;
    if (p < pattern.size() && (pattern[p] == '!' || pattern[p] == '^')) {
        negate = true;
        ++p;
    }
    bool matched = false;
    bool first = true;
    while (p < pattern.size() && (first || pattern[p] != ']')) {
        first = false;
        char lo = pattern[p];
        char hi = lo;
        if (p + 2 < pattern.size() && pattern[p + 1] == '-' && pattern[p + 2] != ']') {
            hi = pattern[p + 2];
            p += 3;
        } else {
            p += 1;
        }
        char cc = ignore_case ? ascii_lower(c) : c;
        char l = ignore_case ? ascii_lower(lo) : lo;
        char h = ignore_case ? ascii_lower(hi) : hi;
        if (l <= cc && cc <= h) {
            matched = true;
        }
    }
    if (p >= pattern.size()) {
        return std::nullopt;
    }
    return std::make_pair(p + 1, matched != negate);
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

bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case) {
    // Iterative matcher with one backtrack point for the last '*': linear in practice and never
    // exponential, whatever the pattern (globs come from user files).
    std::size_t p = 0;
    std::size_t t = 0;
    std::optional<std::size_t> star_p;
    std::size_t star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size()) {
            char pc = pattern[p];
            if (pc == '*') {
                star_p = ++p;
                star_t = t;
                continue;
            }
            if (pc == '?') {
                ++p;
                ++t;
                continue;
            }
            if (pc == '[') {
                if (auto set = match_set(pattern, p + 1, text[t], ignore_case)) {
                    if (set->second) {
                        p = set->first;
                        ++t;
                        continue;
                    }
                } else if (bytes_equal('[', text[t], ignore_case)) {
                    ++p;
                    ++t;
                    continue;
                }
            } else {
                if (pc == '\\' && p + 1 < pattern.size()) {
                    pc = pattern[p + 1];
                    if (bytes_equal(pc, text[t], ignore_case)) {
                        p += 2;
                        ++t;
                        continue;
                    }
                } else if (bytes_equal(pc, text[t], ignore_case)) {
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
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
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

std::string plural(std::size_t count, std::string_view singular, std::string_view plural_form) {
    return std::to_string(count) + " " + std::string(count == 1 ? singular : plural_form);
}

}  // namespace fastly_accounts::util
