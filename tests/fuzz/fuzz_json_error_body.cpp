// libFuzzer target: error bodies (classic `{"msg","detail"}`, JSON:API `{"errors":[...]}`, problem+json
// `{"title","detail"}`), and `Link` header values (GET /service). Neither reader throws: they run on
// whatever a server sent.
#include <cstddef>
#include <cstdint>
#include <fastly_accounts/live/json_parse.hpp>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    (void)fastly_accounts::live::json::error_message(body);
    (void)fastly_accounts::live::json::link_next(body);
    return 0;
}
