#pragma once

#include <doctest/doctest.h>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fastly_accounts::testing {

/// A fresh directory under the system's temporary directory, named after `prefix`, removed with
/// everything in it when the object goes.
struct ScratchDirectory {
    std::string path;
    explicit ScratchDirectory(const std::string& prefix = "unit-test") {
        path = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        REQUIRE(mkdtemp(path.data()) != nullptr);
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path); }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
};

}  // namespace fastly_accounts::testing
