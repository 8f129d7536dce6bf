// libFuzzer target: the desired-state loader. The input is one file's text; it is loaded, formatted as
// the CLI would print its problems, and merged alone and with itself (so duplicate-key detection across
// files runs too). The contract under test: any text yields diagnostics, never a crash, a hang or an
// exception (load_file and merge_files report problems; they do not throw).
#include <cstddef>
#include <cstdint>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/config/merge.hpp>
#include <string>
#include <vector>

namespace config = fastly_accounts::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const config::SourceFile source{"fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size)};
    config::Diagnostics diagnostics;
    const config::LoadedFile loaded = load_file(source, diagnostics);
    const std::vector<config::LoadedFile> once{loaded};
    (void)merge_files(once, diagnostics);
    const std::vector<config::LoadedFile> twice{loaded, loaded};
    (void)merge_files(twice, diagnostics);
    std::size_t length = 0;
    for (const auto& diagnostic : diagnostics.sorted()) {
        length += format(diagnostic).size();
    }
    return length == static_cast<std::size_t>(-1) ? 1 : 0;
}
