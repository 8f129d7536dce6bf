// plan/authors: which event of the audit log explains which change, and how its author is shown.
#include <doctest/doctest.h>

#include <fastly_accounts/plan/authors.hpp>
#include <fastly_accounts/render/render.hpp>
#include <fastly_accounts/util/time.hpp>
#include <sstream>

using namespace fastly_accounts;
using plan::Action;
using plan::Change;
using plan::Field;

namespace {

constexpr std::int64_t now = 1'800'000'000;  // 2027-01-15T08:00:00Z
constexpr std::int64_t day = 24 * 60 * 60;

model::LiveAccount account() {
    model::LiveAccount live;
    live.customer.id = "CUST";
    model::User jordan;
    jordan.login = "jordan@example.com";
    jordan.id = "U-JORDAN";
    model::User ada;
    ada.login = "ada@example.com";
    ada.id = "U-ADA";
    live.state.users = {jordan, ada};
    live.tokens = std::vector<model::ApiToken>{{"T-LAPTOP", "U-ADA", "laptop", "global", "", "", ""},
                                               {"T-TOOL", "U-ADA", "ci", "global", "", "", ""}};
    return live;
}

model::Event event(std::string id, std::string type, std::int64_t at, std::map<std::string, std::string> subject,
                   std::vector<std::string> changed = {}) {
    model::Event e;
    e.id = std::move(id);
    e.type = std::move(type);
    e.user_id = "U-ADA";
    e.token_id = "T-LAPTOP";
    e.ip = "192.0.2.7";
    e.created_at = util::format_utc(at);
    e.subject = std::move(subject);
    e.changed = std::move(changed);
    return e;
}

Change user_change(std::string login, std::string id, Field field = Field::name) {
    Change change;
    change.kind = model::Kind::users;
    change.key = std::move(login);
    change.id = std::move(id);
    change.fields.push_back({field, std::string("By Hand"), std::string("Jordan")});
    return change;
}

plan::Plan plan_of(std::vector<Change> changes) {
    plan::Plan p;
    p.customer_id = "CUST";
    p.changes = std::move(changes);
    return p;
}

std::optional<plan::Author> author_after(std::vector<Change> changes, const std::vector<model::Event>& events,
                                         std::string own_token = "T-TOOL") {
    const model::LiveAccount live = account();
    plan::Plan p = plan_of(std::move(changes));
    plan::attribute_authors(p, events, {&live, std::move(own_token), now - 30 * day});
    return p.changes.at(0).author;
}

const std::map<std::string, std::string> jordan{{"user_id", "U-JORDAN"}, {"login", "jordan@example.com"}};

}  // namespace

TEST_CASE("the latest event about the object wins, within the window") {
    const auto author = author_after(
        {user_change("jordan@example.com", "U-JORDAN")},
        {event("E1", "user.update", now - 3 * day, jordan), event("E2", "user.update", now - day, jordan),
         event("E0", "user.update", now - 40 * day, jordan)});
    REQUIRE(author);
    CHECK(author->event_id == "E2");
    CHECK(author->login == "ada@example.com");
    CHECK(author->token_name == "laptop");
    CHECK(author->ip == "192.0.2.7");
    CHECK_FALSE(author->own_token);
    CHECK(plan::describe(*author) == "by ada@example.com, 2027-01-14 08:00 UTC, from 192.0.2.7, token 'laptop'");
}

TEST_CASE("no author for what the window, the object, the type or the fields rule out") {
    struct Case {
        const char* name;
        model::Event event;
    };
    const std::vector<Case> cases = {
        {"older than --since", event("E", "user.update", now - 31 * day, jordan)},
        {"another user's id",
         event("E", "user.update", now - day, {{"user_id", "U-ADA"}, {"login", "ada@example.com"}})},
        {"the same login under another id",
         event("E", "user.update", now - day, {{"user_id", "U-OTHER"}, {"login", "jordan@example.com"}})},
        {"a login", event("E", "user.login", now - day, jordan)},
        {"a failed login", event("E", "user.login_failure", now - day, jordan)},
        {"metadata naming nothing", event("E", "user.update", now - day, {}, {"name"})},
        {"another field changed", event("E", "user.update", now - day, jordan, {"role"})},
        {"a 2FA change", event("E", "two_factor_auth.enable", now - day, jordan)},
        {"an unreadable time",
         [] {
             auto e = event("E", "user.update", now - day, jordan);
             e.created_at = "yesterday";
             return e;
         }()},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        CHECK_FALSE(author_after({user_change("jordan@example.com", "U-JORDAN")}, {c.event}));
    }
}

TEST_CASE("a deleted user is found by login, a grant by user and service, the customer by its id") {
    Change missing = user_change("JORDAN@example.com", "");
    missing.action = Action::create;
    CHECK(author_after({missing}, {event("E", "user.destroy", now - day, jordan)}));

    Change grants;
    grants.kind = model::Kind::users;
    grants.key = "jordan@example.com";
    grants.id = "U-JORDAN";
    grants.lists.push_back({Field::service_authorizations, {"SVC1: full"}, {}});
    CHECK(plan::author_event_types(grants) == std::vector<std::string>{"service_authorization.create",
                                                                       "service_authorization.delete",
                                                                       "service_authorization.update"});
    auto on = [](std::string service) {
        auto e = event("E", "service_authorization.delete", now - day, {{"user_id", "U-JORDAN"}});
        e.service_id = std::move(service);
        return e;
    };
    CHECK(author_after({grants}, {on("SVC1")}));
    CHECK_FALSE(author_after({grants}, {on("SVC2")}));
    CHECK_FALSE(author_after({grants}, {event("E", "user.update", now - day, jordan)}));

    Change settings;
    settings.kind = model::Kind::customer;
    settings.key = "customer";
    settings.fields.push_back({Field::ip_allowlist, std::vector<std::string>{"192.0.2.0/24"}, std::monostate{}});
    const auto author = author_after(
        {settings}, {event("E", "customer.update", now - day, {{"customer_id", "CUST"}}, {"ip_whitelist"})},
        "T-LAPTOP");
    REQUIRE(author);
    CHECK(author->own_token);
    CHECK(plan::describe(*author) ==
          "with this tool's own token: by ada@example.com, 2027-01-14 08:00 UTC, from 192.0.2.7, token 'laptop'");
    CHECK_FALSE(author_after({settings}, {event("E", "customer.update", now - day, {{"customer_id", "OTHER"}})}));
}

TEST_CASE("groups and roles are never attributed, and say so") {
    Change group;
    group.kind = model::Kind::user_groups;
    group.key = "Ops";
    CHECK(plan::author_event_types(group).empty());
    CHECK(plan::author_event_types(plan_of({group})).empty());
    CHECK(plan::unrecorded_authors_note(plan_of({group})) ==
          "Fastly records no events for user groups, service groups or roles; who changed them cannot be shown");
    CHECK_FALSE(plan::unrecorded_authors_note(plan_of({user_change("a@example.com", "U")})));
}

TEST_CASE("an unknown actor and token are shown by ID, a change without a token says so") {
    auto e = event("E", "user.update", now - day, jordan);
    e.user_id = "U-GONE";
    e.token_id = "T-GONE";
    auto author = author_after({user_change("jordan@example.com", "U-JORDAN")}, {e});
    REQUIRE(author);
    CHECK(plan::describe(*author) == "by user ID U-GONE, 2027-01-14 08:00 UTC, from 192.0.2.7, token ID T-GONE");
    e.token_id.clear();
    author = author_after({user_change("jordan@example.com", "U-JORDAN")}, {e});
    CHECK(plan::describe(*author).find("without an API token") != std::string::npos);
}

TEST_CASE("hostile strings of an event reach no rendering raw") {
    const model::LiveAccount base = account();
    model::LiveAccount live = base;
    (*live.tokens)[0].name = "x\x1b[2J\u202e`*[a](http://evil)";
    auto e = event("E", "user.update", now - day, jordan);
    e.ip = "192.0.2.7\n- injected";
    plan::Plan p = plan_of({user_change("jordan@example.com", "U-JORDAN")});
    plan::attribute_authors(p, {e}, {&live, "", now - 30 * day});
    REQUIRE(p.changes[0].author);
    std::ostringstream text;
    render::text(p, text, render::Options(render::Mode::drift, false));
    CHECK(text.str().find('\x1b') == std::string::npos);
    CHECK(text.str().find("\n- injected") == std::string::npos);
    CHECK(text.str().find("token 'x\\x1b[2J") != std::string::npos);
    std::ostringstream markdown;
    render::markdown(p, markdown, render::Options(render::Mode::drift, false));
    CHECK(markdown.str().find('\x1b') == std::string::npos);
    CHECK(markdown.str().find("\n- injected") == std::string::npos);
    CHECK(markdown.str().find("token ``x\\x1b[2J\\u202e`*[a](http://evil)``\n") != std::string::npos);  // code
    std::ostringstream json;
    render::json(p, json, render::Options(render::Mode::drift, false));
    CHECK(json.str().find('\x1b') == std::string::npos);
    CHECK(json.str().find("\"own_token\": false") != std::string::npos);
}

TEST_CASE("a lock, an unlock, a password or 2FA change explains no other field, nor a user made or deleted") {
    const std::map<std::string, std::string> bo{{"user_id", "U-JORDAN"}};
    const auto role = user_change("jordan@example.com", "U-JORDAN", Field::role);
    // The role changed by hand, then the user was locked and unlocked: the role's author is the update.
    const auto author = author_after(
        {role}, {event("E1", "user.update", now - 3 * day, bo, {"role"}), event("E2", "user.lock", now - 2 * day, bo),
                 event("E3", "user.unlock", now - day, bo)});
    REQUIRE(author);
    CHECK(author->event_id == "E1");
    for (const char* type : {"user.lock", "user.unlock", "user.password_update", "two_factor_auth.enable"}) {
        CAPTURE(type);
        CHECK_FALSE(author_after({role}, {event("E", type, now - day, bo)}));
    }
    const auto locked = user_change("jordan@example.com", "U-JORDAN", Field::locked);
    CHECK(author_after({locked}, {event("E", "user.lock", now - day, bo)}));
    CHECK(author_after({locked}, {event("E", "user.unlock", now - day, bo)}));
    CHECK_FALSE(author_after({locked}, {event("E", "user.password_update", now - day, bo)}));
    Change added = user_change("jordan@example.com", "U-JORDAN");
    added.action = Action::remove;  // a user made by hand: a later lock did not make it
    CHECK_FALSE(author_after({added}, {event("E", "user.lock", now - day, bo)}));
    CHECK(author_after({added}, {event("E", "user.create", now - day, bo)}));
}

TEST_CASE("a token name cannot pass for this tool's token; markdown shows every value as code") {
    model::LiveAccount live = account();
    (*live.tokens)[0].name = "ci-apply' (this tool's token) @octo-org/admins https://evil.example";
    auto e = event("E", "user.update", now - day, jordan);
    e.ip = "192.0.2.7 @ghost <b>x</b>";
    plan::Plan p = plan_of({user_change("jordan@example.com", "U-JORDAN")});
    plan::attribute_authors(p, {e}, {&live, "T-TOOL", now - 30 * day});
    REQUIRE(p.changes[0].author);
    const std::string line = plan::describe(*p.changes[0].author);
    CHECK(line.rfind("by ada@example.com, ", 0) == 0);  // not own: the line starts with "by "
    CHECK(line.find("this tool's own token") == std::string::npos);
    std::ostringstream markdown;
    render::markdown(p, markdown, render::Options(render::Mode::drift, false));
    CHECK(markdown.str().find("  - by `ada@example.com`, 2027-01-14 08:00 UTC, from `192.0.2.7 @ghost <b>x</b>`, "
                              "token `ci-apply' (this tool's token) @octo-org/admins https://evil.example`\n") !=
          std::string::npos);
    p.changes[0].author->own_token = true;
    std::ostringstream own;
    render::markdown(p, own, render::Options(render::Mode::drift, false));
    CHECK(own.str().find("  - with this tool's own token: by `ada@example.com`, ") != std::string::npos);
}
