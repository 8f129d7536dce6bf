// libFuzzer target: error bodies (classic `{"msg","detail"}`, JSON:API `{"errors":[...]}`, problem+json
// `{"title","detail"}`). error_message never throws: it runs on whatever a failing server sent.
#include <cstddef>
#include <cstdint>
#include <fastly_accounts/live/json_parse.hpp>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    (void)fastly_accounts::live::json::error_message(body);
    return 0;
}
