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

/// The caseless form of `text`, for comparing logins and emails: Unicode full case folding (ICU,
/// U_FOLD_CASE_DEFAULT) of its canonical decomposition, recomposed to NFC: canonical caseless matching
/// (Unicode D145), so "ZOË", "zoë" and "zoe" + U+0308 fold alike, and so do "STRASSE" and "straße".
/// Turkish letters fold as everywhere else: "ı" (dotless) stays itself, "İ" folds to "i" + U+0307, neither
/// equals "i". ASCII text is lower-cased; text that is not valid UTF-8 is lower-cased in its ASCII bytes
/// only. Throws Error only if ICU's data cannot be loaded.
std::string fold_case(std::string_view text);

/// Shell-style glob match of `text` against `pattern`, by characters (code points of UTF-8; a byte that
/// is not valid UTF-8 counts as one character): `*` matches any run of characters (also empty), `?` one
/// character, `[abc]` / `[a-z]` / `[!abc]` a set (a range by code point); `\` escapes the next character.
/// With `ignore_case`, pattern and text are both compared in their fold_case form, so `?` matches one
/// character of the folded text ("ß" folds to "ss"). A malformed set (`[` with no `]`) matches a literal
/// `[`.
bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case = false);

/// Why `pattern` cannot match what it seems to say, or nullopt when it is well formed: a `[` that no `]`
/// closes (glob_match would take it as a literal `[`), a range that runs backwards (`[z-a]` matches
/// nothing), or a lone `\` at the end. With `ignore_case`, the pattern is checked as glob_match compares it
/// (case-folded). The reason is a sentence fragment ("'[' opens a set that no ']' closes ...").
std::optional<std::string> glob_problem(std::string_view pattern, bool ignore_case = false);

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

/// "; did you mean 'x'?" for the candidate `word` most likely stands for: one equal to it in fold_case
/// form (Unicode case aside) first, else closest_match's. When none is plausible: "; " + `otherwise`, or
/// "" when `otherwise` is empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         std::string_view otherwise = "");

/// "1 user" / "3 users": `count` followed by `singular`, or by `plural` when count != 1.
std::string plural(std::size_t count, std::string_view singular, std::string_view plural);

}  // namespace fastly_accounts::util
