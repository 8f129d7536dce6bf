#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/live/answer.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>

namespace fastly_accounts::live {

namespace {

// The media type of a Content-Type value, lower-cased, without its parameters: "text/html".
std::string media_type(std::string_view content_type) {
    std::string_view type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
        type.remove_suffix(1);
    }
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
        type.remove_prefix(1);
    }
    return util::to_lower(type);
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && util::iequals(text.substr(0, prefix.size()), prefix);
}

// Text holds no control characters but tab, line feed, carriage return and form feed.
bool is_text(std::string_view body) {
    const bool controls = std::any_of(body.begin(), body.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f') || byte == 0x7f;
    });
    return !controls && !util::find_invalid_utf8(body);
}

}  // namespace

BodyKind classify_body(std::string_view content_type, std::string_view body) {
    std::string_view start = body;
    if (start.substr(0, 3) == "\xEF\xBB\xBF") {
        start.remove_prefix(3);
    }
    start.remove_prefix(std::min(start.find_first_not_of(" \t\r\n\f"), start.size()));
    if (start.empty()) {
        return BodyKind::empty;
    }
    if (!is_text(body)) {
        return BodyKind::binary;
    }
    const std::string type = media_type(content_type);
    const bool says_json = type == "application/json" || type.find("+json") != std::string::npos;
    if (type == "text/html" || type == "application/xhtml+xml" || starts_with_nocase(start, "<!doctype html") ||
        starts_with_nocase(start, "<html")) {
        return BodyKind::html;
    }
    if (type.find("xml") != std::string::npos || (start.front() == '<' && !says_json)) {
        return BodyKind::xml;
    }
    if (says_json || start.front() == '{' || start.front() == '[' || start.front() == '"') {
        return BodyKind::json;
    }
    return BodyKind::text;
}

std::string_view describe(BodyKind kind) {
    switch (kind) {
        case BodyKind::empty:
            return "an empty body";
        case BodyKind::binary:
            return "binary data";
        case BodyKind::html:
            return "an HTML page";
        case BodyKind::xml:
            return "an XML document";
        case BodyKind::json:
            return "JSON";
        case BodyKind::text:
            return "text";
    }
    return "text";
}

std::string describe_content(const http::Response& response) {
    const auto type = response.header("Content-Type");
    std::string out = fmt::format("({}, {} bytes)", type ? util::escape_excerpt(*type, 80) : "no Content-Type",
                                  response.body.size());
    if (!response.body.empty()) {
        out += ": " + util::escape_excerpt(response.body, excerpt_bytes);
    }
    return out;
}

std::string describe_not_json(const http::Response& response, std::string_view reason) {
    const BodyKind kind = classify_body(response.header("Content-Type").value_or(""), response.body);
    if (kind == BodyKind::json) {
        return fmt::format("malformed JSON, {}", reason);
    }
    return fmt::format("{}, not the Fastly API's JSON", describe(kind));
}

std::string describe_redirect(const http::Response& response) {
    const auto location = response.header("Location");
    return fmt::format(
        "{}; the Fastly API does not redirect, so the endpoint is probably wrong (check --endpoint "
        "or FASTLY_API_ENDPOINT); redirects are not followed, as the token would go along",
        location ? "to " + util::escape_excerpt(*location, 200) : std::string("without a Location"));
}

}  // namespace fastly_accounts::live
