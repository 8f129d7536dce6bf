#include <doctest/doctest.h>

#include <fastly_accounts/config/merge.hpp>

using namespace fastly_accounts;
using namespace fastly_accounts::config;

namespace {

struct Result {
    model::AccountState state;
    std::vector<std::string> messages;
};

Result merge(const std::vector<SourceFile>& sources) {
    Diagnostics diagnostics;
    std::vector<LoadedFile> files;
    for (const auto& source : sources) {
        files.push_back(load_file(source, diagnostics));
    }
    Result result{merge_files(files, diagnostics), {}};
    for (const auto& d : diagnostics.sorted()) {
        result.messages.push_back(format(d));
    }
    return result;
}

}  // namespace

TEST_CASE("files merge in order; keys are unique across files, logins ignoring case") {
    Result r = merge({
        {"a.yaml", "version: 1\nusers:\n  - login: alice@example.com\nroles:\n  - name: Ops\n"},
        {"b.yaml",
         "version: 1\nusers:\n  - login: bob@example.com\n  - login: ALICE@example.com\n"
         "roles:\n  - name: ops\n"},
    });
    CHECK(r.messages == std::vector<std::string>{
                            "b.yaml:4:12: users[1].login: user 'ALICE@example.com' is defined twice (first at "
                            "a.yaml:3:12)",
                        });
    REQUIRE(r.state.users.size() == 2);
    CHECK(r.state.users[1].login == "bob@example.com");
    CHECK(r.state.roles.size() == 2);  // role names are keys as written: "Ops" and "ops" differ
}

TEST_CASE("references resolve across files; unknown ones are reported where they are written") {
    Result r = merge({
        {"people.yaml",
         "version: 1\nusers:\n  - login: alice@example.com\ninvitations:\n  - email: carol@example.com\n"},
        {"access.yaml", R"(version: 1
roles:
  - name: Purge Operator
service_groups:
  - name: production
user_groups:
  - name: SRE
    roles: [Purge Operator, engineer, tls-viewer, Purge Operatr]
    service_groups: [production, prodution]
    members: [Alice@Example.com, carol@example.com, erin@example.com]
)"},
    });
    CHECK(r.messages ==
          std::vector<std::string>{
              "access.yaml:8:51: user_groups[0].roles[3]: unknown role 'Purge Operatr'; did you mean 'Purge Operator'?",
              "access.yaml:9:34: user_groups[0].service_groups[1]: unknown service group 'prodution'; did you mean "
              "'production'?",
              "access.yaml:10:53: user_groups[0].members[2]: 'erin@example.com' is neither a listed user nor a listed "
              "invitation; add it under users or invitations",
          });
}

TEST_CASE("settings given in several files") {
    Result r = merge({
        {"a.yaml", "version: 1\ncustomer_id: abc\npolicy:\n  max_deletions: 1\n"},
        {"b.yaml", "version: 1\ncustomer_id: abc\n"},
        {"c.yaml", "version: 1\ncustomer_id: xyz\npolicy:\n  max_deletions: 2\nignore: {}\n"},
    });
    CHECK(r.messages == std::vector<std::string>{
                            "c.yaml:2:14: customer_id: 'xyz' differs from 'abc' given at a.yaml:2:14",
                            "c.yaml:4:3: policy: given in two files (also at a.yaml:4:3); keep it in one file",
                        });
    CHECK(r.state.customer_id == "abc");
    CHECK(r.state.policy.max_deletions == 1);
}

TEST_CASE("a problem between two files counts both in the file count") {
    struct Case {
        const char* what;
        std::vector<SourceFile> files;
        std::size_t problems;
        std::size_t file_count;
    };
    const Case cases[] = {
        {"a key defined in two files",
         {{"a.yaml", "version: 1\nusers:\n  - login: a@example.com\n"},
          {"b.yaml", "version: 1\nusers:\n  - login: A@example.com\n"}},
         1,
         2},
        {"policy and customer_id in two files",
         {{"a.yaml", "version: 1\ncustomer_id: abc\npolicy: {}\n"},
          {"b.yaml", "version: 1\ncustomer_id: xyz\npolicy: {}\n"}},
         2,
         2},
        {"a person listed as a user in one file and invited in another",
         {{"a.yaml", "version: 1\nusers:\n  - login: a@example.com\n"},
          {"b.yaml", "version: 1\ninvitations:\n  - email: a@example.com\n"}},
         1,
         2},
        {"a key defined twice in one file",
         {{"a.yaml", "version: 1\nusers:\n  - login: a@example.com\n  - login: a@example.com\n"},
          {"b.yaml", "version: 1\n"}},
         1,
         1},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        Diagnostics diagnostics;
        std::vector<LoadedFile> files;
        for (const auto& source : c.files) {
            files.push_back(load_file(source, diagnostics));
        }
        merge_files(files, diagnostics);
        CHECK(diagnostics.size() == c.problems);
        CHECK(diagnostics.file_count() == c.file_count);
    }
}

TEST_CASE("an ignore pattern that cannot match as written is an error at its place") {
    Result r = merge({{"a.yaml",
                       "version: 1\nignore:\n  users: [\"*@x.example\", \"[unclosed\"]\n"
                       "  user_groups: [\"team-[z-a]\", \"ok-[a-z]\"]\n"}});
    CHECK(r.messages ==
          std::vector<std::string>{
              "a.yaml:3:26: ignore.users[1]: the pattern '[unclosed' cannot match as written: '[' opens a "
              "set of "
              "characters that no ']' closes; write '\\[' for a literal '['",
              "a.yaml:4:17: ignore.user_groups[0]: the pattern 'team-[z-a]' cannot match as written: a range "
              "in a "
              "[set] runs backwards (its first character comes after its last), so it matches nothing",
          });
}

TEST_CASE("a person is a user or an invitation, not both; custom roles may not take predefined names") {
    Result r = merge({{"a.yaml",
                       "version: 1\nusers:\n  - login: dan@example.com\ninvitations:\n  - email: "
                       "Dan@Example.com\nroles:\n  - name: TLS Admin\n"}});
    CHECK(r.messages ==
          std::vector<std::string>{
              "a.yaml:5:12: invitations[0].email: 'dan@example.com' is also listed as a user (at a.yaml:3:12); list "
              "the person under users or invitations, not both",
              "a.yaml:7:11: roles[0].name: 'TLS Admin' is the name of a predefined role; predefined roles are "
              "referenced by name, not defined, so choose another name for this custom role",
          });
}

TEST_CASE("unusable files are left out of cross-file checks instead of cascading") {
    Result r = merge({
        {"a.yaml", "version: 1\nuser_groups:\n  - name: G\n    members: [alice@example.com]\n"},
        {"b.yaml", "version: 1\nusers: [\n"},
    });
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].rfind("a.yaml:4:15: user_groups[0].members[0]: 'alice@example.com' is neither", 0) == 0);
    CHECK(r.messages[1].rfind("b.yaml:3:1: YAML syntax error", 0) == 0);
}

TEST_CASE("appended diagnostics keep their order and the order their files were noted in") {
    Diagnostics all;
    all.add({"b.yaml", 2, 1, "", "first file"});
    Diagnostics later;
    later.note_file("a.yaml");
    later.add({"c.yaml", 1, 1, "", "third file"});
    later.add({"a.yaml", 5, 1, "", "second file, added first"});
    later.add({"a.yaml", 5, 1, "", "second file, added second"});
    all.append(std::move(later));
    std::vector<std::string> messages;
    for (const auto& d : all.sorted()) {
        messages.push_back(format(d));
    }
    CHECK(messages == std::vector<std::string>{
                          "b.yaml:2:1: first file",
                          "a.yaml:5:1: second file, added first",
                          "a.yaml:5:1: second file, added second",
                          "c.yaml:1:1: third file",
                      });
    CHECK(all.file_count() == 3);
}

TEST_CASE("ignored objects may be referenced, but not defined") {
    const char* ignore = R"(version: 1
ignore:
  users: ["*@contractor.example.com"]
  roles: ["Legacy *"]
  service_groups: ["preview-*"]
  user_groups: ["okta-*"]
)";
    SUBCASE("references to ignored objects are not errors") {
        Result r = merge({{"ignore.yaml", ignore}, {"access.yaml", R"(version: 1
user_groups:
  - name: SRE
    roles: [Legacy Purge]
    service_groups: [preview-42]
    members: [Pat@Contractor.example.com]
)"}});
        CHECK(r.messages.empty());
    }
    SUBCASE("an object both defined and ignored is an error at its key") {
        Result r = merge({{"ignore.yaml", ignore}, {"access.yaml", R"(version: 1
users:
  - login: pat@contractor.example.com
roles:
  - name: Legacy Purge
user_groups:
  - name: okta-admins
)"}});
        CHECK(r.messages ==
              std::vector<std::string>{
                  "access.yaml:3:12: users[0].login: user 'pat@contractor.example.com' is defined here and also "
                  "matches ignore.users; an object is either managed or ignored: remove it from one of the two",
                  "access.yaml:5:11: roles[0].name: role 'Legacy Purge' is defined here and also matches "
                  "ignore.roles; an object is either managed or ignored: remove it from one of the two",
                  "access.yaml:7:11: user_groups[0].name: user group 'okta-admins' is defined here and also "
                  "matches ignore.user_groups; an object is either managed or ignored: remove it from one of the two",
              });
    }
}

TEST_CASE("policy.max_removals is read, 25 by default") {
    CHECK(merge({{"a.yaml", "version: 1\n"}}).state.policy.max_removals == 25);
    Result r = merge({{"a.yaml", "version: 1\npolicy:\n  max_removals: 3\n"}});
    CHECK(r.messages.empty());
    CHECK(r.state.policy.max_removals == 3);
    CHECK(merge({{"a.yaml", "version: 1\npolicy:\n  max_removals: -1\n"}}).messages.size() == 1);
}
