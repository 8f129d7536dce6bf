#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <fastly_accounts/cli/token.hpp>
#include <fastly_accounts/util/error.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "scratch_directory.hpp"

using namespace fastly_accounts;

namespace {

// A scratch directory that makes files with a given mode. (Its own name: the checks build compiles the
// unit tests as unity batches, where another file's ScratchDirectory may be in scope.)
struct TokenFiles : testing::ScratchDirectory {
    TokenFiles() : testing::ScratchDirectory("cli-token-test") {}

    std::string file(const std::string& name, const std::string& content, mode_t mode) const {
        const std::string at = path + "/" + name;
        std::ofstream(at, std::ios::binary) << content;
        REQUIRE(::chmod(at.c_str(), mode) == 0);
        return at;
    }
};

// The message of the util::UsageError `f` throws, or "" when it throws none.
template <typename F>
std::string refusal(F f) {
    try {
        f();
    } catch (const util::UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("checked_token: spaces around are dropped, whichever the source; what is left must be one printable word") {
    struct Case {
        std::string text;
        std::string expected;  // the token, or the refusal's message
    };
    const std::string kind =
        "an API token is one word of printable ASCII (a line break in it would add HTTP "
        "headers to every request). Nothing was sent.";
    const Case cases[] = {
        {"tok-123", "tok-123"},
        {"tok-123\n", "tok-123"},
        {"  tok-123 \r\n", "tok-123"},
        {"\ttok-123\t", "tok-123"},
        {"", "SOURCE is empty; it must hold the API token"},
        {" \r\n\t", "SOURCE is empty; it must hold the API token"},
        {"tok 123", "SOURCE holds more than one word; it must hold only the API token"},
        {"tok\r\nX-Injected: 1", "SOURCE holds a carriage return (CR) inside the token; " + kind},
        {"tok\nX-Injected: 1", "SOURCE holds a line feed (LF) inside the token; " + kind},
        {"tok\t123", "SOURCE holds a tab inside the token; " + kind},
        {std::string("tok\0x", 5), "SOURCE holds a NUL byte inside the token; " + kind},
        {"tok\x1b[31m", "SOURCE holds a control character (0x1b) inside the token; " + kind},
        {"tok\x7f", "SOURCE holds a control character (0x7f) inside the token; " + kind},
        {"tok\xc3\xa9", "SOURCE holds a byte that is not ASCII (0xc3) inside the token; " + kind},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        std::string token;
        const std::string message = refusal([&] { token = cli::checked_token(c.text, "SOURCE"); });
        CHECK((message.empty() ? token : message) == c.expected);
    }
}

TEST_CASE("read_token_file: a directory, a missing file, a loose file and a huge file are refused, saying why") {
    TokenFiles dir;
    CHECK(cli::read_token_file(dir.file("token", "tok-123\n", 0600), false) == "tok-123");
    CHECK(refusal([&] { cli::read_token_file(dir.path, false); }) ==
          "the token file '" + dir.path + "' is a directory; name the file that holds the API token");
    CHECK(refusal([&] { cli::read_token_file(dir.path + "/missing", false); }) ==
          "cannot read the token file '" + dir.path + "/missing': No such file or directory");
    const std::string loose = dir.file("loose", "tok-123\n", 0644);
    CHECK(refusal([&] { cli::read_token_file(loose, false); }) ==
          "the token file '" + loose +
              "' is readable by other users (mode 0644); make it private with chmod 600, or pass "
              "--allow-readable-token-file if it must stay so");
    CHECK(refusal([&] { cli::read_token_file(dir.file("group", "tok\n", 0640), false); }).find("(mode 0640)") !=
          std::string::npos);
    CHECK(cli::read_token_file(loose, true) == "tok-123");
    const std::string huge = dir.file("huge", std::string(5000, 'a'), 0600);
    CHECK(refusal([&] { cli::read_token_file(huge, false); }) ==
          "the token file '" + huge + "' is larger than 4096 bytes; it must hold only the API token");
    CHECK(refusal([&] { cli::read_token_file("/dev/zero", true); }).find("is larger than 4096 bytes") !=
          std::string::npos);
    CHECK(cli::read_token_file(dir.file("exact", std::string(4096, 'b'), 0600), false) == std::string(4096, 'b'));
    CHECK(refusal([&] { cli::read_token_file(dir.file("crlf", "tok\r\nX-Injected: 1\n", 0600), false); }) ==
          "the token file '" + dir.path +
              "/crlf' holds a carriage return (CR) inside the token; an API token is one word of printable ASCII (a "
              "line break in it would add HTTP headers to every request). Nothing was sent.");
}
