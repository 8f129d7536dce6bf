#include <doctest/doctest.h>

#include <cstdlib>
#include <fastly_accounts/config/files.hpp>
#include <filesystem>
#include <fstream>

// -f DIR: nothing in a named directory is skipped unnoticed (issue 12, item 10).

#include "config_messages.hpp"

using namespace fastly_accounts::config;
using fastly_accounts::testing::messages;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        path = (fs::temp_directory_path() / "config-files-test-XXXXXX").string();
        REQUIRE(mkdtemp(path.data()) != nullptr);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string write(const std::string& name, const std::string& text = "version: 1\n") const {
        const fs::path file = fs::path(path) / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file) << text;
        return file.string();
    }
};

std::vector<std::string> read_paths(const std::vector<SourceFile>& sources) {
    std::vector<std::string> out;
    for (const auto& source : sources) {
        out.push_back(source.path);
    }
    return out;
}

}  // namespace

TEST_CASE("a directory: *.yaml and *.yml in any case, sorted; hidden entries, *.md and *.txt passed over") {
    TempDir dir;
    dir.write("b.Yml");
    dir.write("a.YAML");
    dir.write("c.yaml");
    dir.write("README.md");
    dir.write("NOTES.TXT");
    dir.write(".draft.yaml", "not: [valid");
    dir.write(".fastly-accounts/journal.jsonl", "{}\n");  // where apply keeps its journal by default
    dir.write(".git/config", "");
    Diagnostics diagnostics;
    const auto sources = read_sources({dir.path}, diagnostics);
    CHECK(messages(diagnostics).empty());
    CHECK(read_paths(sources) ==
          std::vector<std::string>{dir.path + "/a.YAML", dir.path + "/b.Yml", dir.path + "/c.yaml"});
}

TEST_CASE("a subdirectory or another file in a named directory is refused, naming it") {
    TempDir dir;
    dir.write("people.yaml");
    dir.write("teams/sre.yaml");
    dir.write("users.json");
    fs::create_symlink(dir.path + "/gone.yaml", dir.path + "/broken.yaml");
    Diagnostics diagnostics;
    const auto sources = read_sources({dir.path}, diagnostics);
    CHECK(read_paths(sources) == std::vector<std::string>{dir.path + "/people.yaml"});
    const std::string d = dir.path;
    CHECK(messages(diagnostics) ==
          std::vector<std::string>{
              d + "/broken.yaml: not a regular file or directory (a broken link?); remove it or move it out of the "
                  "directory",
              d + "/teams: a directory, not read: -f " + d + " does not look inside it; add -f " + d +
                  "/teams to read its files, or move them up",
              d + "/users.json: not read: -f " + d +
                  " reads *.yaml and *.yml files only (passing over *.md, "
                  "*.txt and hidden ones); move this file out of the directory, or rename it"});
}

TEST_CASE("a subdirectory named with its own -f is read through it, once") {
    TempDir dir;
    dir.write("people.yaml");
    dir.write("teams/sre.yaml");
    Diagnostics diagnostics;
    const auto sources = read_sources({dir.path, dir.path + "/teams/"}, diagnostics);
    CHECK(messages(diagnostics).empty());
    CHECK(read_paths(sources) == std::vector<std::string>{dir.path + "/people.yaml", dir.path + "/teams/sre.yaml"});
}

TEST_CASE("a directory with nothing to read is an error; so is one holding only documentation") {
    TempDir dir;
    dir.write("README.md");
    Diagnostics diagnostics;
    CHECK(read_sources({dir.path}, diagnostics).empty());
    CHECK(messages(diagnostics) == std::vector<std::string>{dir.path + ": no *.yaml or *.yml files in this directory"});
}

TEST_CASE("an -f argument that names nothing and looks like a glob pattern is named as one") {
    TempDir dir;
    dir.write("people.yaml");
    const std::string pattern = dir.path + "/*.yml";
    const std::string unclosed = dir.path + "/[unclosed";
    Diagnostics diagnostics;
    CHECK(read_sources({pattern, unclosed, dir.path + "/missing.yaml"}, diagnostics).empty());
    const std::string as_pattern =
        ": no such file or directory: -f takes files and directories, not glob patterns; the shell expands "
        "patterns "
        "and passes this one on as written when it matches nothing (or is quoted). Name the files, or their "
        "directory (-f DIR reads its *.yaml and *.yml files)";
    CHECK(messages(diagnostics) == std::vector<std::string>{pattern + as_pattern, unclosed + as_pattern,
                                                            dir.path + "/missing.yaml: no such file or directory"});
    CHECK(diagnostics.file_count() == 3);
}
