#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/config/files.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace fastly_accounts::config {

namespace fs = std::filesystem;

namespace {

std::string lower_extension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return ext;
}

// What becomes of one entry of a directory named with -f.
enum class Entry { read, pass_over, subdirectory, other_file, not_a_file };

Entry classify(const fs::directory_entry& entry, const std::set<fs::path>& named_directories) {
    const fs::path name = entry.path().filename();
    if (name.string().front() == '.') {
        return Entry::pass_over;  // hidden: .git, .github, the journal's .fastly-accounts/, editor files
    }
    std::error_code ec;
    if (entry.is_directory(ec)) {
        const fs::path canonical = fs::weakly_canonical(entry.path(), ec);
        return !ec && named_directories.count(canonical) > 0 ? Entry::pass_over : Entry::subdirectory;
    }
    if (!entry.is_regular_file(ec)) {
        return Entry::not_a_file;
    }
    const std::string ext = lower_extension(name);
    if (ext == ".yaml" || ext == ".yml") {
        return Entry::read;
    }
    return ext == ".md" || ext == ".txt" ? Entry::pass_over : Entry::other_file;
}

// The problem that refuses the entry `name` of the directory `shown`, or "" when there is none.
std::string refusal(Entry entry, const std::string& shown, const std::string& name) {
    switch (entry) {
        case Entry::subdirectory:
            return fmt::format(
                "a directory, not read: -f {} does not look inside it; add -f {} to read its "
                "files, or move them up",
                shown, (fs::path(shown) / name).string());
        case Entry::other_file:
            return fmt::format(
                "not read: -f {} reads *.yaml and *.yml files only (passing over *.md, *.txt and "
                "hidden ones); move this file out of the directory, or rename it",
                shown);
        case Entry::not_a_file:
            return "not a regular file or directory (a broken link?); remove it or move it out of the directory";
        case Entry::read:
        case Entry::pass_over:
            return "";
    }
    return "";
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

// What is said of an -f argument that names nothing. One that looks like a glob pattern (`*.yaml`,
// `[unclosed`) is one the shell left as written, because it matched nothing or was quoted: -f takes paths
// and expands no pattern itself, so it is named as a pattern rather than only as a missing file.
std::string missing(const std::string& path) {
    if (path.find_first_of("*?[") == std::string::npos) {
        return "no such file or directory";
    }
    return "no such file or directory: -f takes files and directories, not glob patterns; the shell expands "
           "patterns and passes this one on as written when it matches nothing (or is quoted). Name the "
           "files, or "
           "their directory (-f DIR reads its *.yaml and *.yml files)";
}

}  // namespace

std::vector<SourceFile> read_sources(const std::vector<std::string>& paths, Diagnostics& diagnostics) {
    std::vector<SourceFile> out;
    std::set<fs::path> seen;
    std::set<fs::path> named_directories;  // a directory inside another one is read when it is named itself
    for (const auto& path : paths) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            named_directories.insert(fs::weakly_canonical(path, ec));
        }
    }
    for (const auto& path : paths) {
        std::error_code ec;
        const auto status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            diagnostics.add({path, 0, 0, "", missing(path)});
            continue;
        }
        if (!fs::is_directory(status)) {
            read_one(path, seen, out, diagnostics);
            continue;
        }
        std::vector<std::string> names;
        std::vector<std::pair<std::string, Entry>> refused;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            const Entry what = classify(entry, named_directories);
            if (what == Entry::read) {
                names.push_back(entry.path().filename().string());
            } else if (what != Entry::pass_over) {
                refused.emplace_back(entry.path().filename().string(), what);
            }
        }
        if (ec) {
            diagnostics.add({path, 0, 0, "", fmt::format("cannot list the directory: {}", ec.message())});
            continue;
        }
        std::sort(refused.begin(), refused.end());
        for (const auto& [name, what] : refused) {
            diagnostics.add({(fs::path(path) / name).string(), 0, 0, "", refusal(what, path, name)});
        }
        if (names.empty() && refused.empty()) {
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
