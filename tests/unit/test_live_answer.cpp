#include <doctest/doctest.h>

#include <fastly_accounts/live/answer.hpp>
#include <string>

using namespace fastly_accounts;
using live::BodyKind;

namespace {

http::Response answer(long status, std::string body, http::Headers headers) {
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST_CASE("classify_body: what a body is, from its Content-Type and its bytes") {
    struct Case {
        const char* what;
        const char* content_type;
        std::string body;
        BodyKind expected;
    };
    const Case cases[] = {
        {"nothing", "application/json", "", BodyKind::empty},
        {"whitespace and a BOM", "application/json", "\xEF\xBB\xBF \r\n\t", BodyKind::empty},
        {"a JSON object", "application/json", R"({"id":"x"})", BodyKind::json},
        {"JSON cut short", "application/json; charset=utf-8", R"({"id":"x)", BodyKind::json},
        {"JSON without a type", "", " [1,2]", BodyKind::json},
        {"JSON:API", "application/vnd.api+json", "nope", BodyKind::json},
        {"a login page", "text/html; charset=UTF-8", "<!DOCTYPE html><html></html>", BodyKind::html},
        {"HTML sent as JSON", "application/json", "\n  <!doctype HTML>\n<html>", BodyKind::html},
        {"HTML without a type", "", "<html><body>502</body></html>", BodyKind::html},
        {"an XML error", "application/xml", "<?xml version=\"1.0\"?><Error/>", BodyKind::xml},
        {"a tag without a type", "", "<Error>no</Error>", BodyKind::xml},
        {"plain text", "text/plain", "Service Unavailable", BodyKind::text},
        {"UTF-8 text", "text/plain", "Zoë Ångström", BodyKind::text},
        {"a PNG", "image/png", "\x89PNG\r\n\x1a\n", BodyKind::binary},
        {"a NUL in JSON", "application/json", std::string("{\"id\":\"a\0\"}", 11), BodyKind::binary},
        {"an escape sequence in HTML", "text/html", "<html>\x1b[2J</html>", BodyKind::binary},
        {"Latin-1, not UTF-8", "text/html", "<html>caf\xe9</html>", BodyKind::binary},
        {"DEL", "text/plain", "a\x7f", BodyKind::binary},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        CHECK(live::classify_body(c.content_type, c.body) == c.expected);
    }
}

TEST_CASE("describe_content: type, size and the first bytes, escaped, on one line") {
    CHECK(live::describe_content(answer(200, "<html>\n<b>hi</b>", {{"Content-Type", "text/html"}})) ==
          "(text/html, 16 bytes): <html>\\n<b>hi</b>");
    CHECK(live::describe_content(answer(200, "", {})) == "(no Content-Type, 0 bytes)");
    // Whatever the server chose is escaped: the body, and the Content-Type too.
    CHECK(live::describe_content(answer(200, "a\x1b[31m\xe2\x80\xae\xff", {{"content-type", "x/\x1b"}})) ==
          "(x/\\x1b, 10 bytes): a\\x1b[31m\\u202e\\xff");
    const std::string long_body(1000, 'x');
    CHECK(live::describe_content(answer(200, long_body, {{"Content-Type", "text/plain"}})) ==
          "(text/plain, 1000 bytes): " + std::string(live::excerpt_bytes, 'x') + "…");
}

TEST_CASE("describe_not_json and describe_redirect") {
    CHECK(live::describe_not_json(answer(200, "<html></html>", {{"Content-Type", "text/html"}}), "invalid at byte 1") ==
          "an HTML page, not the Fastly API's JSON");
    CHECK(live::describe_not_json(answer(200, "", {}), "cut short") == "an empty body, not the Fastly API's JSON");
    CHECK(live::describe_not_json(answer(200, "{\"a\":", {}), "cut short") == "malformed JSON, cut short");
    CHECK(live::describe_not_json(answer(200, std::string("\x00\x01", 2), {}), "invalid at byte 1") ==
          "binary data, not the Fastly API's JSON");

    const std::string advice =
        "; the Fastly API does not redirect, so the endpoint is probably wrong (check --endpoint or "
        "FASTLY_API_ENDPOINT); "
        "redirects are not followed, as the token would go along";
    CHECK(live::describe_redirect(answer(301, "", {{"Location", "https://login.example.com/\u202e"}})) ==
          "to https://login.example.com/\\u202e" + advice);
    CHECK(live::describe_redirect(answer(302, "", {})) == "without a Location" + advice);
    const std::string far = "https://x.example/" + std::string(500, 'a');
    CHECK(live::describe_redirect(answer(308, "", {{"Location", far}})) == "to " + far.substr(0, 200) + "…" + advice);
}
