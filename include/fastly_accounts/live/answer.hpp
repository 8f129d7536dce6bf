#pragma once

#include <cstddef>
#include <fastly_accounts/http/http.hpp>
#include <string>
#include <string_view>

/// Telling an answer that is not the Fastly API's (a login page, binary data, a redirect) from the API's
/// JSON, and describing it on one line: what a message says came back. Every byte a server chose is
/// shown escaped (util::escape_excerpt), so nothing it sent can span lines or disguise the message.
namespace fastly_accounts::live {

/// What a body is, as far as telling it from the API's JSON goes.
enum class BodyKind {
    empty,   ///< no bytes, or whitespace only
    binary,  ///< not text: bytes that are not UTF-8, a NUL, or another control that text does not hold
    html,    ///< Content-Type says HTML, or the text starts with `<!DOCTYPE html` or `<html`
    xml,     ///< Content-Type says XML, or the text starts with another `<`
    json,    ///< Content-Type says JSON, or the text starts with `{`, `[` or `"`: JSON, well-formed or not
    text     ///< any other text
};

/// Sorts `body`, sent with the Content-Type `content_type` ("" when none), into a BodyKind, in the order
/// the kinds are listed: a body that is not text is binary whatever its Content-Type says. A leading
/// UTF-8 byte-order mark and whitespace are skipped before the first character is looked at.
BodyKind classify_body(std::string_view content_type, std::string_view body);

/// "an empty body", "binary data", "an HTML page", "an XML document", "JSON", "text".
std::string_view describe(BodyKind kind);

/// How many bytes of a body a message quotes.
inline constexpr std::size_t excerpt_bytes = 100;

/// What `response` carries, for the end of a message: its Content-Type, its size and, when it has a
/// body, its first excerpt_bytes escaped: `(text/html, 1532 bytes): <!DOCTYPE html>\n<html>…`, or
/// `(no Content-Type, 0 bytes)`.
std::string describe_content(const http::Response& response);

/// Why the 2xx `response` could not be read as the API's JSON, when the parser stopped with `reason`
/// ("invalid at byte 1"): "an HTML page, not the Fastly API's JSON", or for what looks like JSON,
/// "malformed JSON, invalid at byte 1".
std::string describe_not_json(const http::Response& response, std::string_view reason);

/// What the 3xx `response` says, for a message: where it points (its Location, escaped and cut short)
/// and why that is not followed: "to https://login.example.com/; the Fastly API does not redirect, so
/// the endpoint is probably wrong (check --endpoint or FASTLY_API_ENDPOINT); redirects are not
/// followed, as the token would go along".
std::string describe_redirect(const http::Response& response);

}  // namespace fastly_accounts::live
