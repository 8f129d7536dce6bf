#include <algorithm>
#include <fastly_accounts/config/files.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace fastly_accounts::config {

namespace fs = std::filesystem;

namespace {

bool is_yaml_name(const fs::path& path) {
    const std::string name = path.filename().string();
    const std::string ext = path.extension().string();
    return !name.empty() && name[0] != '.' && (ext == ".yaml" || ext == ".yml");
}

void read_one(const std::string& shown, std::set<fs::path>& seen, std::vector<SourceFile>& out,
              Diagnostics& diagnostics) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(shown, ec);
    if (!ec && !seen.insert(canonical).second) {
        return;  // named twice (e.g. a file and its directory): read once
    }
    const auto size = fs::file_size(shown, ec);
    if (ec) {
        diagnostics.add({shown, 0, 0, "", fmt::format("cannot read the file: {}", ec.message())});
        return;
    }
    if (size > max_file_bytes) {
        diagnostics.add({shown, 0, 0, "",
                         fmt::format("the file is {:.1f} MiB, more than the {} MiB a desired-state file may hold; "
                                     "split it into several files (-f accepts a directory)",
                                     static_cast<double>(size) / (1024.0 * 1024.0), max_file_bytes / (1024 * 1024))});
        return;
    }
    std::ifstream in(shown, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf() || size == 0)) {
        diagnostics.add({shown, 0, 0, "", "cannot read the file"});
        return;
    }
    out.push_back({shown, text.str()});
}

}  // namespace

std::vector<SourceFile> read_sources(const std::vector<std::string>& paths, Diagnostics& diagnostics) {
    std::vector<SourceFile> out;
    std::set<fs::path> seen;
    for (const auto& path : paths) {
        std::error_code ec;
        const auto status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            diagnostics.add({path, 0, 0, "", "no such file or directory"});
            continue;
        }
        if (!fs::is_directory(status)) {
            read_one(path, seen, out, diagnostics);
            continue;
        }
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            if (entry.is_regular_file(ec) && is_yaml_name(entry.path())) {
                names.push_back(entry.path().filename().string());
            }
        }
        if (ec) {
            diagnostics.add({path, 0, 0, "", fmt::format("cannot list the directory: {}", ec.message())});
            continue;
        }
        if (names.empty()) {
            diagnostics.add({path, 0, 0, "", "no *.yaml or *.yml files in this directory"});
            continue;
        }
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
            read_one((fs::path(path) / name).string(), seen, out, diagnostics);
        }
    }
    return out;
}

}  // namespace fastly_accounts::config
