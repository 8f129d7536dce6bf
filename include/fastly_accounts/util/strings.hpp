#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_accounts::util {

/// ASCII lower-case copy of `s`; bytes outside A-Z (including UTF-8 sequences) are kept as they are.
std::string to_lower(std::string_view s);

/// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

/// Shell-style glob match of `text` against `pattern`: `*` matches any run of bytes (also empty),
/// `?` one byte, `[abc]` / `[a-z]` / `[!abc]` a set; `\` escapes the next byte. ASCII case is
/// ignored when `ignore_case` is true. A malformed set (`[` with no `]`) matches a literal `[`.
bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case = false);

/// `items` joined with `separator` between them; empty when `items` is empty.
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// Position of the first byte of `text` that is not part of well-formed UTF-8 (overlong forms,
/// surrogates and code points above U+10FFFF are ill-formed), or nullopt when all of it is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

/// Edit distance between `a` and `b` (insertions, deletions, substitutions and swaps of adjacent
/// bytes each count 1), ASCII case ignored; used for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` within a small edit distance (or differing only in case), or
/// nullopt when none is close enough to be a plausible typo.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// "1 user" / "3 users": `count` followed by `singular`, or by `plural` when count != 1.
std::string plural(std::size_t count, std::string_view singular, std::string_view plural);

}  // namespace fastly_accounts::util
