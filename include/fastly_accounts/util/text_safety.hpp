#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

/// Characters that can disguise text: controls (NUL, ESC, C1), format characters (bidi overrides and
/// isolates, zero-width spaces and joiners, the BOM, soft hyphens) and line or paragraph separators.
/// They have no business in a login or a name, and a pull-request comment or a terminal must never show
/// them raw. Classified by Unicode general category (ICU), not a hand-made list.
namespace fastly_accounts::util {

/// The first disguising code point of the UTF-8 `text`, or nullopt when there is none (or the text is not
/// UTF-8: the loader reports that separately).
std::optional<char32_t> find_disguising(std::string_view text);

/// "U+202E RIGHT-TO-LEFT OVERRIDE": a code point as a message names it.
std::string describe_code_point(char32_t code_point);

/// `text` with every disguising code point shown as an escape (`\n`, `\t`, `\x1b`, `\u202e`,
/// `\U000e0001`), every byte that is not part of well-formed UTF-8 as `\xNN`, and the rest unchanged, so
/// that nothing it holds can move a cursor, reorder a line or hide a character.
std::string escape_disguising(std::string_view text);

/// At most the first `max_bytes` bytes of `bytes`, cut before a character that would cross that bound,
/// escaped as escape_disguising does, with "…" appended when anything was cut: how a message quotes
/// what a server sent (a page, binary data, a header), on one line whatever it holds.
std::string escape_excerpt(std::string_view bytes, std::size_t max_bytes);

/// The JSON text `json_text` with every disguising non-ASCII code point written as a JSON `\uXXXX` escape
/// (a surrogate pair beyond the BMP). The JSON means the same; its bytes no longer hold the character.
/// (A JSON writer already escapes the ASCII controls.)
std::string escape_disguising_json(std::string_view json_text);

}  // namespace fastly_accounts::util
