#include <doctest/doctest.h>

#include <cstdlib>
#include <fastly_accounts/config/desired.hpp>
#include <fastly_accounts/config/field_reader.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

#include "config_messages.hpp"

using namespace fastly_accounts;
using namespace fastly_accounts::config;
using testing::messages;

TEST_CASE("a full file loads into the model; left-out fields stay unmanaged") {
    const char* text = R"(version: 1
customer_id: 51MumwLiSJyFTWhtbByYgR
policy:
  prune: [users, user_groups]
  max_deletions: 3
  protected: [owner@example.com]
  min_superusers: 2
  missing_users: create
ignore:
  users: ["*@contractor.example.com"]
users:
  - login: alice@example.com
    name: Alice Example
    role: engineer
    roles: [Engineer]
    limit_services: false
    locked: false
    require_new_password: true
  - login: bob@example.com
invitations:
  - email: carol@example.com
    role: user
    roles: []
roles:
  - name: Purge Operator
    description: Purges caches
    permissions: [purge_all]
service_groups:
  - name: production
    services: [SU1Z0isxPaozGVKXdv0eY]
user_groups:
  - name: SRE
    roles: [Engineer, Purge Operator]
    service_groups: [production]
    members: [alice@example.com, carol@example.com]
)";
    Diagnostics diagnostics;
    LoadedFile file = load_file({"a.yaml", text}, diagnostics);
    CHECK(messages(diagnostics).empty());
    REQUIRE(file.usable);
    const model::AccountState& s = file.state;
    CHECK(s.customer_id == "51MumwLiSJyFTWhtbByYgR");
    CHECK(s.policy.prune == std::set<model::Kind>{model::Kind::users, model::Kind::user_groups});
    CHECK(s.policy.max_deletions == 3);
    CHECK(s.policy.protected_logins == std::vector<std::string>{"owner@example.com"});
    CHECK(s.policy.min_superusers == 2);
    CHECK(s.policy.missing_users == model::MissingUsers::create);
    CHECK(s.ignore.matches(model::Kind::users, "Ann@Contractor.example.com"));
    CHECK_FALSE(s.ignore.matches(model::Kind::user_groups, "Ann@Contractor.example.com"));

    REQUIRE(s.users.size() == 2);
    CHECK(s.users[0].login == "alice@example.com");
    CHECK(s.users[0].name == "Alice Example");
    CHECK(s.users[0].role == model::UserRole::engineer);
    CHECK(s.users[0].roles == std::vector<std::string>{"Engineer"});
    CHECK(s.users[0].limit_services == false);
    CHECK(s.users[0].require_new_password == true);
    CHECK(s.users[0].where.line == 12);
    // bob lists only a login: every other field is "not managed".
    CHECK_FALSE(s.users[1].name.has_value());
    CHECK_FALSE(s.users[1].role.has_value());
    CHECK_FALSE(s.users[1].roles.has_value());
    CHECK_FALSE(s.users[1].locked.has_value());

    REQUIRE(s.invitations.size() == 1);
    CHECK(s.invitations[0].roles == std::vector<std::string>{});  // given and empty: authoritative
    CHECK_FALSE(s.invitations[0].limit_services.has_value());
    REQUIRE(s.roles.size() == 1);
    CHECK(s.roles[0].permissions == std::vector<std::string>{"purge_all"});
    REQUIRE(s.service_groups.size() == 1);
    CHECK(s.service_groups[0].services == std::vector<std::string>{"SU1Z0isxPaozGVKXdv0eY"});
    REQUIRE(s.user_groups.size() == 1);
    CHECK(s.user_groups[0].members == std::vector<std::string>{"alice@example.com", "carol@example.com"});
    CHECK_FALSE(s.user_groups[0].description.has_value());
    // 1 user role, 2 group roles, 1 service group, 2 members; the invitation's empty list adds none.
    CHECK(file.references.size() == 6);
}

TEST_CASE("prune accepts true, false and lists; defaults apply without a policy") {
    Diagnostics diagnostics;
    CHECK(load_file({"a.yaml", "version: 1\npolicy:\n  prune: true\n"}, diagnostics).state.policy.prune.size() == 5);
    CHECK(load_file({"a.yaml", "version: 1\npolicy:\n  prune: false\n"}, diagnostics).state.policy.prune.empty());
    const model::Policy defaults = load_file({"a.yaml", "version: 1\n"}, diagnostics).state.policy;
    CHECK(defaults.prune.empty());
    CHECK(defaults.max_deletions == 10);
    CHECK(defaults.min_superusers == 1);
    CHECK(defaults.missing_users == model::MissingUsers::invite);
    CHECK(diagnostics.empty());
}

TEST_CASE("every problem in a file is reported, each with its place") {
    const char* text = R"(version: 1
users:
  - login: alice
    role: root
    locked: "no"
  - name: Nobody
  - login: bob@example.com
    login: bob2@example.com
roles:
  - description: no name
)";
    Diagnostics diagnostics;
    LoadedFile file = load_file({"f.yaml", text}, diagnostics);
    CHECK(messages(diagnostics) ==
          std::vector<std::string>{
              "f.yaml:3:12: users[0].login: 'alice' is not an email address",
              "f.yaml:4:11: users[0].role: unknown role 'root'; expected one of user, billing, engineer, superuser, "
              "tls_viewer, tls_admin",
              "f.yaml:5:13: users[0].locked: expected a boolean, got a string 'no' (write true or false)",
              "f.yaml:6:5: users[1]: missing required field 'login'",
              "f.yaml:8:5: users[2].login: duplicate field (first given at line 7, column 5)",
              "f.yaml:10:5: roles[0]: missing required field 'name'",
          });
    // A malformed login still keys its user, so references to it do not cascade into more errors.
    REQUIRE(file.state.users.size() == 2);
    CHECK(file.state.users[0].login == "alice");
    CHECK(file.object(model::Kind::users, 1).path == "users[2]");
    CHECK(file.object(model::Kind::users, 1).key_at.line == 7);
    CHECK(file.object(model::Kind::users, 1).key_at.column == 12);
}

TEST_CASE("a wrong version stops reading the file; a missing one does not") {
    Diagnostics wrong;
    LoadedFile v2 = load_file({"a.yaml", "version: 2\nusers: nonsense\n"}, wrong);
    CHECK_FALSE(v2.usable);
    CHECK(messages(wrong) ==
          std::vector<std::string>{
              "a.yaml:1:10: version: unsupported format version 2; this fastly-accounts reads version 1"});

    Diagnostics missing;
    LoadedFile none = load_file({"a.yaml", "users:\n  - login: a@example.com\n"}, missing);
    CHECK(none.usable);
    CHECK(none.state.users.size() == 1);
    CHECK(messages(missing) ==
          std::vector<std::string>{"a.yaml:1:1: missing required field 'version'; add `version: 1` at the top"});
}

TEST_CASE("field paths are spelled out only when asked for, as messages show them") {
    const FieldPath top;
    const FieldPath users = top.field("users");
    const FieldPath user = users.item(3);
    CHECK(top.str().empty());
    CHECK(users.str() == "users");
    CHECK(user.str() == "users[3]");
    CHECK(user.index() == 3);
    CHECK(user.field("roles").item(0).str() == "users[3].roles[0]");
    CHECK(top.item(2).str() == "[2]");
    CHECK(top.field("").field("x").str() == "x");  // an empty key adds no dot, as it never did

    const Reference reference{
        RefersTo::person, "a@example.com", std::make_shared<const std::string>("user_groups[1].members"), 4, {7, 9}};
    CHECK(reference.path() == "user_groups[1].members[4]");
}

TEST_CASE("load_desired returns the merged state, the files read and the fingerprint of their text") {
    std::string dir = (std::filesystem::temp_directory_path() / "config-loader-test-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()) != nullptr);
    std::ofstream(dir + "/b.yaml") << "version: 1\n";
    std::ofstream(dir + "/a.yaml") << "version: 1\nusers:\n  - login: a@example.com\n";

    const DesiredState desired = load_desired({dir});
    CHECK(desired.files == std::vector<std::string>{dir + "/a.yaml", dir + "/b.yaml"});
    // sha256 of "43:" + a.yaml + "11:" + b.yaml.
    CHECK(desired.fingerprint == "sha256:7b62d7e6720600b895c6d64a655d6031447b36bf626bd22717f85fa1e74d538b");
    // And each file's own sha256, for a saved plan to name the file that changed.
    CHECK(desired.digests ==
          std::vector<std::string>{"sha256:30285d02fefea5c306d4bb297c3eb7fb89f4e332e68d134716d4ce9f0a15e41e",
                                   "sha256:09bfcc6a14b83e2192b8673677725c84883ee9cd0c70e45c9ec09daa8f2b2847"});
    CHECK(desired.state.users.size() == 1);
    CHECK(load_desired_state({dir}).users.size() == 1);

    std::ofstream(dir + "/c.yaml") << "version: 2\n";
    CHECK_THROWS_AS(load_desired({dir}), ConfigError);
    std::filesystem::remove_all(dir);
}
