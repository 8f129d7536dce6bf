#include <doctest/doctest.h>

#include <fastly_accounts/apply/journal.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace fastly_accounts;

namespace {

// A scratch directory, removed with everything in it at the end of the test.
struct ScratchDirectory {
    std::string path;
    ScratchDirectory() {
        path = (std::filesystem::temp_directory_path() / "apply-journal-test-XXXXXX").string();
        REQUIRE(mkdtemp(path.data()) != nullptr);
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("one journal, one apply: a second lock is refused, naming the journal and the holder") {
    ScratchDirectory dir;
    const std::string journal = dir.path + "/state/journal.jsonl";
    {
        const apply::JournalLock first(journal);
        CHECK(std::filesystem::exists(journal + ".lock"));
        CHECK_FALSE(std::filesystem::exists(journal));  // the lock alone writes no journal
        // flock(2) locks belong to an open file: a second open in the same process conflicts too.
        const std::string expected =
            "another apply is running on the journal '" + journal + "' (pid " + std::to_string(getpid()) + " on host ";
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
