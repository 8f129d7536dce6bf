#include <doctest/doctest.h>

#include <unistd.h>
#include <fastly_accounts/apply/journal.hpp>
#include <fastly_accounts/util/error.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "scratch_directory.hpp"

using namespace fastly_accounts;

namespace {

struct ScratchDirectory : testing::ScratchDirectory {
    ScratchDirectory() : testing::ScratchDirectory("apply-journal-test") {}
};

}  // namespace

TEST_CASE("one journal, one apply: a second lock is refused, naming the journal and the holder") {
    ScratchDirectory dir;
    const std::string journal = dir.path + "/state/journal.jsonl";
    {
        const apply::JournalLock first(journal, true);  // as apply's default journal, whose directory it makes
        CHECK(std::filesystem::exists(journal + ".lock"));
        CHECK_FALSE(std::filesystem::exists(journal));  // the lock alone writes no journal
        // flock(2) locks belong to an open file: a second open in the same process conflicts too.
        const std::string expected = "another apply is running on the journal '" + journal + "' (pid " +
                                     std::to_string(getpid()) + " on host ";
        CHECK_THROWS_WITH_AS(apply::JournalLock second(journal), doctest::Contains(expected.c_str()),
                             apply::JournalBusy);
    }
    // Released with its holder, so the next apply takes it.
    const apply::JournalLock again(journal);
    CHECK(again.journal_path() == journal);
}

TEST_CASE("an empty journal path takes no lock and makes a journal that records nothing") {
    const apply::JournalLock first("");
    const apply::JournalLock second("");
    apply::Journal journal(second);
    journal.append({{"event", "apply-start"}});
    CHECK(journal.path().empty());
}

TEST_CASE("the journal appends whole lines under its lock") {
    ScratchDirectory dir;
    const std::string path = dir.path + "/journal.jsonl";
    {
        const apply::JournalLock lock(path);
        apply::Journal journal(lock);
        journal.append({{"event", "apply-start"}});
        journal.append({{"event", "apply-end"}, {"interrupted", true}, {"signal", "SIGTERM"}});
    }
    std::ifstream in(path);
    std::string start;
    std::string end;
    std::getline(in, start);
    std::getline(in, end);
    CHECK(start.find(R"("event":"apply-start")") != std::string::npos);
    const auto entry = nlohmann::json::parse(end);
    CHECK(entry["event"] == "apply-end");
    CHECK(entry["interrupted"] == true);
    CHECK(entry["signal"] == "SIGTERM");
}

TEST_CASE("a journal in a missing directory is refused; only the default journal's directory is made, one level") {
    ScratchDirectory dir;
    const std::string typo = dir.path + "/tpyo/journal.jsonl";
    CHECK_THROWS_WITH_AS(apply::JournalLock lock(typo),
                         ("the directory of the journal '" + typo + "' does not exist ('" + dir.path +
                          "/tpyo'); create it, or name another --journal")
                             .c_str(),
                         util::Error);
    CHECK_FALSE(std::filesystem::exists(dir.path + "/tpyo"));
    // Allowed to make its directory, the lock makes that one and no more.
    const std::string deep = dir.path + "/a/.fastly-accounts/journal.jsonl";
    CHECK_THROWS_AS(apply::JournalLock lock(deep, true), util::Error);
    CHECK_FALSE(std::filesystem::exists(dir.path + "/a"));
    const std::string fresh = dir.path + "/.fastly-accounts/journal.jsonl";
    const apply::JournalLock lock(fresh, true);
    CHECK(std::filesystem::is_directory(dir.path + "/.fastly-accounts"));
    CHECK(std::filesystem::exists(fresh + ".lock"));
}

TEST_CASE("a journal or a lock file that is a directory is one clear error") {
    ScratchDirectory dir;
    CHECK_THROWS_WITH_AS(apply::JournalLock lock(dir.path),
                         ("the journal '" + dir.path + "' names a directory; name a file in it, such as '" + dir.path +
                          "/journal.jsonl'")
                             .c_str(),
                         util::Error);
    CHECK_FALSE(std::filesystem::exists(dir.path + ".lock"));
    CHECK_THROWS_WITH_AS(apply::JournalLock lock(dir.path + "/new/"), doctest::Contains("names a directory"),
                         util::Error);
    std::filesystem::create_directory(dir.path + "/journal.jsonl.lock");
    CHECK_THROWS_WITH_AS(apply::JournalLock lock(dir.path + "/journal.jsonl"),
                         ("the journal's lock file '" + dir.path +
                          "/journal.jsonl.lock' is a directory; remove it, or name another --journal")
                             .c_str(),
                         util::Error);
}

TEST_CASE("a lock file that is a symbolic link is refused: apply would overwrite what it points at") {
    ScratchDirectory dir;
    std::ofstream(dir.path + "/precious") << "keep me\n";
    std::filesystem::create_symlink("precious", dir.path + "/journal.jsonl.lock");
    try {
        const apply::JournalLock lock(dir.path + "/journal.jsonl");
        FAIL("the link was followed");
    } catch (const util::Error& e) {
        CHECK(std::string(e.what()).find("is a symbolic link") != std::string::npos);
    }
    std::ifstream in(dir.path + "/precious");
    std::string line;
    std::getline(in, line);
    CHECK(line == "keep me");
}

TEST_CASE("a symlinked journal is appended at its target, and locked beside it; the links stay links") {
    ScratchDirectory dir;
    std::filesystem::create_directory(dir.path + "/real");
    std::ofstream(dir.path + "/real/journal.jsonl") << R"({"event":"apply-end"})"
                                                    << "\n";
    const std::string link = dir.path + "/journal.jsonl";
    std::filesystem::create_symlink("real/journal.jsonl", link);
    {
        const apply::JournalLock lock(link);
        // Through the link or not, one journal has one lock.
        CHECK_THROWS_AS(apply::JournalLock other(dir.path + "/real/journal.jsonl"), apply::JournalBusy);
        apply::Journal journal(lock);
        journal.append({{"event", "apply-start"}});
        CHECK(journal.path() == link);
    }
    CHECK(std::filesystem::is_symlink(link));
    CHECK(std::filesystem::is_regular_file(dir.path + "/real/journal.jsonl.lock"));
    CHECK_FALSE(std::filesystem::exists(link + ".lock"));
    std::ifstream in(dir.path + "/real/journal.jsonl");
    std::string first;
    std::string second;
    std::getline(in, first);
    std::getline(in, second);
    CHECK(first == R"({"event":"apply-end"})");
    CHECK(second.find(R"("event":"apply-start")") != std::string::npos);
}
