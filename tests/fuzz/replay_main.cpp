// A main() for the fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput once on every file named
// on the command line (a directory means every regular file in it, sorted), so the seed corpora and the
// crash regressions are replayed by ctest in the ordinary g++ build and under the sanitizers.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs(const std::filesystem::path& path) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::is_directory(path)) {
        for (const auto& entry : std::filesystem::directory_iterator(path)) {
            if (entry.is_regular_file()) {
                out.push_back(entry.path());
            }
        }
        std::sort(out.begin(), out.end());
    } else {
        out.push_back(path);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        if (!std::filesystem::exists(argv[i])) {
            continue;  // an empty regressions directory is not kept by git
        }
        for (const auto& file : inputs(argv[i])) {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::cerr << "cannot read " << file << "\n";
                return 2;
            }
            const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::cerr << "replaying " << file.string() << " (" << bytes.size() << " bytes)\n";
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            ++count;
        }
    }
    std::cout << "replayed " << count << " inputs without a crash\n";
    return count == 0 ? 1 : 0;
}
