// libFuzzer target: describing an answer that is not the API's (live/answer.hpp) and the escaping it uses
// (util::escape_excerpt). The input's first line is the Content-Type and the Location, the rest the body.
// Whatever the bytes, a description is one line of well-formed UTF-8 without a character that could
// disguise it; anything else is a finding (the target traps).
#include <cstddef>
#include <cstdint>
#include <fastly_accounts/live/answer.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <string>
#include <string_view>

namespace {

using namespace fastly_accounts;

void require_one_safe_line(const std::string& text) {
    if (text.find('\n') != std::string::npos || text.find('\r') != std::string::npos || util::find_invalid_utf8(text) ||
        util::find_disguising(text)) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string_view head = input.substr(0, newline);
    const std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

    http::Response response;
    response.status = 200;
    response.body = std::string(body);
    response.headers = {{"Content-Type", std::string(head)}, {"Location", std::string(head)}};
    (void)live::describe(live::classify_body(head, body));
    require_one_safe_line(live::describe_content(response));
    require_one_safe_line(live::describe_not_json(response, "invalid at byte 1"));
    require_one_safe_line(live::describe_redirect(response));
    require_one_safe_line(util::escape_excerpt(input, size % 64));
    require_one_safe_line(util::escape_disguising(input));
    response.headers.clear();
    require_one_safe_line(live::describe_content(response));
    return 0;
}
