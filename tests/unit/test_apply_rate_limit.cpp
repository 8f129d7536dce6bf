#include <doctest/doctest.h>

#include <atomic>
#include <fastly_accounts/apply/executor.hpp>
#include <functional>
#include <stdexcept>

// The executor and 429s: it resends nothing itself (the HTTP layer's RetryPolicy does), it only turns a 429
// read as a spent budget into the end of the run, and a create's sends, lookups between them included, stay
// within the HTTP layer's bound of 4.

using namespace fastly_accounts;

namespace {

// Answers nothing; the writes the tests use call the handlers below and count.
class RateLimitApi : public live::ApiClient {
public:
    std::function<void()> on_update_user = [] {};
    std::function<std::string()> on_create_invitation = [] { return std::string("new-id"); };
    std::atomic<int> update_user_calls{0};
    std::atomic<int> create_invitation_calls{0};
    std::atomic<int> list_invitations_calls{0};

    model::Customer current_customer() override { return {}; }
    model::TokenUser current_user() override { return {}; }
    std::vector<model::User> list_users(const std::string&) override { return {}; }
    std::string create_user(const model::User&) override { throw std::logic_error("not used"); }
    void update_user(const std::string&, const model::User&) override {
        ++update_user_calls;
        on_update_user();
    }
    void delete_user(const std::string&) override {}
    std::vector<model::Invitation> list_invitations() override {
        ++list_invitations_calls;
        return {};
    }
    live::ListPage<model::Invitation> list_invitations_page(int) override { return {}; }
    std::string create_invitation(const std::string&, const model::Invitation&) override {
        ++create_invitation_calls;
        return on_create_invitation();
    }
    void delete_invitation(const std::string& id) override {
        // As the curl client does: each request sent is handed to the thread's recorder.
        live::RequestRecorder::note({"DELETE", "/invitations/" + id, 204, 1});
    }
    std::vector<model::CatalogRole> list_role_catalog() override { return {}; }
    std::vector<model::Permission> list_permissions() override { return {}; }
    std::vector<model::Service> list_services() override { return {}; }
    std::vector<live::NamedObject> list(live::Collection) override { return {}; }
    live::ListPage<live::NamedObject> list_page(live::Collection, int) override { return {}; }
    std::string create(live::Collection, const std::string&, const std::optional<std::string>&) override {
        throw std::logic_error("not used");
    }
    void update(live::Collection, const std::string&, const std::optional<std::string>&,
                const std::optional<std::string>&) override {}
    void remove(live::Collection, const std::string&) override {}
    std::vector<live::Link> list_links(live::Relation, const std::string&) override { return {}; }
    live::ListPage<live::Link> list_links_page(live::Relation, const std::string&, int) override { return {}; }
    void add_links(live::Relation, const std::string&, const std::vector<live::Link>&) override {}
    void remove_links(live::Relation, const std::string&, const std::vector<live::Link>&) override {}
    std::vector<model::ServiceAuthorization> list_service_authorizations() override { return {}; }
    live::ListPage<model::ServiceAuthorization> list_service_authorizations_page(int) override { return {}; }
    std::string create_service_authorization(const std::string&, const std::string&,
                                             model::ServicePermission) override {
        throw std::logic_error("not used");
    }
    void update_service_authorizations(const std::vector<std::pair<std::string, model::ServicePermission>>&) override {}
    void delete_service_authorizations(const std::vector<std::string>&) override {}
    void update_customer(const std::string&, const model::CustomerSettings&) override {}
    std::vector<model::ApiToken> list_tokens(const std::string&) override { return {}; }
    EventsRead list_events(const std::string&, const std::string&, const std::string&, int,
                           const std::function<bool(const std::vector<model::Event>&)>&) override {
        return {true, ""};
    }
    void delete_token(const std::string&) override {}
};

plan::Change renamed_user(const std::string& login, const std::string& id) {
    plan::Change change;
    change.stage = plan::Stage::create_people;
    change.action = plan::Action::update;
    change.kind = model::Kind::users;
    change.key = login;
    change.id = id;
    change.fields = {{plan::Field::name, std::string("old"), std::string("new")}};
    change.requests = {{"PUT", "/user/" + id}};
    return change;
}

plan::Change invite(const std::string& email) {
    plan::Change change;
    change.stage = plan::Stage::create_people;
    change.action = plan::Action::create;
    change.kind = model::Kind::invitations;
    change.key = email;
    change.requests = {{"POST", "/invitations"}};
    return change;
}

live::ApiError too_many(live::FailureDetail detail) {
    return live::ApiError("PUT /user/1 -> 429 Too Many Requests", 429, "PUT", "/user/1", detail);
}

apply::ApplyReport run(const plan::Plan& plan, live::ApiClient& api) {
    const apply::JournalLock lock("");  // records nothing
    apply::Journal journal(lock);
    apply::ExecuteOptions options;
    options.concurrency = 1;
    return apply::execute(plan, model::LiveAccount{}, api, journal, options);
}

}  // namespace

TEST_CASE("a 429 read as a spent budget stops the run; the executor does not send it again") {
    RateLimitApi api;
    api.on_update_user = [] { throw too_many({1, true, 1'700'003'600}); };
    plan::Plan plan;
    plan.changes = {renamed_user("a@example.com", "1"), renamed_user("b@example.com", "2")};
    const apply::ApplyReport report = run(plan, api);
    CHECK(report.rate_limited);
    CHECK(report.retry_at == 1'700'003'600);
    CHECK(api.update_user_calls == 1);  // the second change is not attempted either
    CHECK(report.skipped == 2);
    CHECK(report.failed == 0);
}

TEST_CASE("a change the spent budget stops after some of its writes is failed and says what it did, not skipped") {
    RateLimitApi api;
    api.on_create_invitation = []() -> std::string { throw too_many({1, true, 1'700'003'600}); };
    plan::Change replace = invite("carol@example.com");
    replace.action = plan::Action::replace;
    replace.id = "i-old";
    replace.lists = {{plan::Field::user_groups, {"SRE"}, {}}};
    replace.requests = {{"DELETE", "/invitations/i-old"}, {"POST", "/invitations"}};
    plan::Plan plan;
    plan.changes = {replace};
    const apply::ApplyReport report = run(plan, api);
    CHECK(report.rate_limited);
    CHECK(report.failed == 1);
    CHECK(report.outcomes[0].message ==
          "stopped midway by the API rate limit, after 1 write (DELETE /invitations/i-old); the next apply finishes "
          "it; the old invitation was deleted, and with it its place in user groups SRE: the next apply invites "
          "carol@example.com again, but puts the invitation back only into the groups whose members the files list");
}

TEST_CASE("a 429 that is a throttle outlasting the HTTP layer's sends fails its change: exit 3, not 5") {
    RateLimitApi api;
    api.on_update_user = [] { throw too_many({4, false, std::nullopt}); };
    plan::Plan plan;
    plan.changes = {renamed_user("a@example.com", "1"), renamed_user("b@example.com", "2")};
    const apply::ApplyReport report = run(plan, api);
    CHECK_FALSE(report.rate_limited);
    CHECK(api.update_user_calls == 2);  // once each: no second layer of retries
    CHECK(report.failed == 2);
    CHECK(report.outcomes[0].message == "PUT /user/1 -> 429 Too Many Requests");
}

TEST_CASE("a create whose answer is lost is sent at most 4 times in all, lookups between the rounds") {
    struct Case {
        const char* what;
        int attempts_per_round;  // what the HTTP layer reports for each of its rounds
        int expected_rounds;
    };
    const Case cases[] = {
        {"one send a round (a POST is not resent by the HTTP layer)", 1, 4},
        {"rounds that took several sends (429s before the lost answer)", 3, 2},
        {"a round that used the whole bound", 4, 1},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        RateLimitApi api;
        const int attempts = c.attempts_per_round;
        api.on_create_invitation = [attempts]() -> std::string {
            throw live::ApiError("POST /invitations -> 503 Service Unavailable", 503, "POST", "/invitations",
                                 {attempts, false, std::nullopt});
        };
        plan::Plan plan;
        plan.changes = {invite("c@example.com")};
        const apply::ApplyReport report = run(plan, api);
        CHECK(api.create_invitation_calls == c.expected_rounds);
        CHECK(api.list_invitations_calls == c.expected_rounds);  // looked up after every round
        CHECK(report.failed == 1);
    }
}
