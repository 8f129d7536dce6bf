#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fastly_accounts/live/fetch.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace fastly_accounts;
using live::Collection;
using live::Link;
using live::ListPage;
using live::NamedObject;
using live::Relation;

namespace {

// An account as the API holds it: ids everywhere, as fetch_account reads them.
struct ApiAccount {
    std::vector<model::User> users;  // roles as role ids
    std::vector<model::Invitation> invitations;
    std::vector<model::CatalogRole> catalog;
    std::vector<model::Permission> permissions;
    std::vector<model::Service> services;
    std::vector<NamedObject> service_groups;
    std::vector<NamedObject> user_groups;
    std::map<std::pair<Relation, std::string>, std::vector<Link>> links;
};

model::User user(const std::string& id, std::vector<std::string> role_ids) {
    return {id + "@example.com",
            "",
            model::UserRole::user,
            std::move(role_ids),
            false,
            false,
            false,
            {},
            {},
            id,
            {},
            {},
            {},
            {}};
}

model::Invitation invitation(const std::string& id, std::vector<std::string> role_ids) {
    return {id + "@example.com", model::UserRole::user, std::move(role_ids), false, {}, id, "", true, {}, {}, {}};
}

// Five user groups and three service groups, so that with two entries a page every paged list but the
// role permissions has several pages, and so has one member list.
ApiAccount small_account() {
    ApiAccount a;
    a.users = {user("u1", {"r-eng"}), user("u2", {"r-purge"}), user("u3", {}), user("u4", {"r-gone"})};
    a.invitations = {invitation("i1", {"r-read"}), invitation("i2", {}), invitation("i3", {"r-eng"})};
    a.catalog = {{"r-eng", "engineer", "Engineer", "", false},
                 {"r-purge", "Purgers", "", "purges caches", true},
                 {"r-read", "Readers", "", "", true}};
    a.permissions = {{"p1", "purge_all", "service"}, {"p2", "read", "account"}};
    a.services = {{"s1", "www"}, {"s2", "api"}, {"s3", "cdn"}};
    a.service_groups = {{"sg1", "prod", "production", {}}, {"sg2", "staging", "", {}}, {"sg3", "empty", "", {}}};
    a.user_groups = {{"g1", "sre", "on call", {}},
                     {"g2", "dev", "", {}},
                     {"g3", "ops", "", {}},
                     {"g4", "audit", "", {}},
                     {"g5", "x", "", {}}};
    a.links = {
        {{Relation::role_permissions, "r-purge"}, {{"p1", "", "purge_all"}}},
        {{Relation::role_permissions, "r-read"}, {{"p2", "", ""}}},
        {{Relation::service_group_services, "sg1"}, {{"s1", "", ""}, {"s2", "", ""}}},
        {{Relation::service_group_services, "sg2"}, {{"s3", "", ""}}},
        {{Relation::user_group_members, "g1"}, {{"u1", "user", ""}, {"i1", "invitation", ""}, {"u2", "user", ""}}},
        {{Relation::user_group_roles, "g1"}, {{"r-eng", "", ""}, {"r-purge", "", ""}}},
        {{Relation::user_group_service_groups, "g1"}, {{"sg1", "", ""}}},
        {{Relation::user_group_members, "g2"}, {{"u3", "user", ""}}},
        {{Relation::user_group_roles, "g2"}, {{"r-read", "", ""}}},
        {{Relation::user_group_service_groups, "g2"}, {{"sg2", "", ""}, {"sg3", "", ""}}},
        {{Relation::user_group_members, "g3"}, {{"u4", "user", ""}, {"gone", "user", "ghost@example.com"}}},
        {{Relation::user_group_roles, "g3"}, {{"r-unknown", "", "Mystery"}}},
        {{Relation::user_group_service_groups, "g3"}, {{"sg-unknown", "", ""}}},
        {{Relation::user_group_members, "g5"}, {{"u1", "user", ""}}},
    };
    return a;
}

// The account fetch_account must make of small_account(), one line per object.
const char* const expected_account = R"(customer c1 (Acme), token user u1@example.com
catalog: 3 roles; permissions: 2; services: 3
user u1@example.com roles [Engineer]
user u2@example.com roles [Purgers]
user u3@example.com roles []
user u4@example.com roles [r-gone]
invitation i1@example.com roles [Readers]
invitation i2@example.com roles []
invitation i3@example.com roles [Engineer]
role Purgers (purges caches) permissions [purge_all]
role Readers () permissions [read]
service group prod (production) services [s1, s2]
service group staging () services [s3]
service group empty () services []
user group sre (on call) roles [Engineer, Purgers] service groups [prod] members [u1@example.com, i1@example.com, u2@example.com]
user group dev () roles [Readers] service groups [staging, empty] members [u3@example.com]
user group ops () roles [Mystery] service groups [sg-unknown] members [u4@example.com, ghost@example.com]
user group audit () roles [] service groups [] members []
user group x () roles [] service groups [] members [u1@example.com]
)";

std::string list(const std::optional<std::vector<std::string>>& items) {
    return fmt::format("[{}]", fmt::join(items.value_or(std::vector<std::string>{}), ", "));
}

std::string summary(const model::LiveAccount& a) {
    std::string out = fmt::format("customer {} ({}), token user {}\n", a.customer.id, a.customer.name,
                                  a.token_user.login);
    out += fmt::format("catalog: {} roles; permissions: {}; services: {}\n", a.role_catalog.size(),
                       a.permissions.size(), a.services.size());
    for (const auto& u : a.state.users) {
        out += fmt::format("user {} roles {}\n", u.login, list(u.roles));
    }
    for (const auto& i : a.state.invitations) {
        out += fmt::format("invitation {} roles {}\n", i.email, list(i.roles));
    }
    for (const auto& r : a.state.roles) {
        out += fmt::format("role {} ({}) permissions {}\n", r.name, r.description.value_or(""), list(r.permissions));
    }
    for (const auto& g : a.state.service_groups) {
        out += fmt::format("service group {} ({}) services {}\n", g.name, g.description.value_or(""), list(g.services));
    }
    for (const auto& g : a.state.user_groups) {
        out += fmt::format("user group {} ({}) roles {} service groups {} members {}\n", g.name,
                           g.description.value_or(""), list(g.roles), list(g.service_groups), list(g.members));
    }
    return out;
}

std::string_view relation_name(Relation relation) {
    switch (relation) {
        case Relation::user_group_members:
            return "members";
        case Relation::user_group_roles:
            return "roles";
        case Relation::user_group_service_groups:
            return "service groups";
        case Relation::service_group_services:
            return "services";
        case Relation::role_permissions:
            return "permissions";
    }
    return "";
}

// Serves an ApiAccount two entries a page. Every read is logged and counted while it runs. Reads after
// the first wait inside until `together` of them are in at once (or a deadline passes), so a test sees
// whether fetch_account keeps that many going; then they stay a moment longer, so that one too many
// would be seen too.
class FakeApi : public live::ApiClient {
public:
    static constexpr std::size_t page_size = 2;

    FakeApi(ApiAccount account, bool states_totals, int together = 1)
        : m_account(std::move(account)), m_states_totals(states_totals), m_together(together) {}

    using Tamper = std::function<void(Collection, int number, ListPage<NamedObject>&)>;

    /// Lets `tamper` change each page of a collection before it is served.
    void tamper_with(Tamper tamper) { m_tamper = std::move(tamper); }
    /// Makes the read logged as `name` throw an ApiError instead of answering.
    void fail_on(std::string name) { m_fail = std::move(name); }
    /// The legacy /roles API is gone (404): list_legacy_roles says so, and /iam/v1/roles, as documented,
    /// tells no custom role from a predefined one.
    void retire_legacy_roles() { m_legacy_retired = true; }

    int max_in_flight() const {
        std::lock_guard lock(m_mutex);
        return m_max_in_flight;
    }
    std::vector<std::string> log() const {
        std::lock_guard lock(m_mutex);
        return m_log;
    }

    model::Customer current_customer() override {
        Visit visit(*this, "customer", false);
        return {"c1", "Acme", "u1", {}};
    }
    model::TokenUser current_user() override {
        Visit visit(*this, "token user");
        return {"u1", "u1@example.com", model::UserRole::superuser};
    }
    std::vector<model::User> list_users(const std::string& customer_id) override {
        Visit visit(*this, "users of " + customer_id);
        return m_account.users;
    }
    ListPage<model::Invitation> list_invitations_page(int number) override {
        Visit visit(*this, fmt::format("invitations page {}", number));
        return page_of(m_account.invitations, number);
    }
    std::vector<model::CatalogRole> list_role_catalog() override {
        Visit visit(*this, "role catalog");
        std::vector<model::CatalogRole> catalog = m_account.catalog;
        for (auto& role : catalog) {
            role.custom = false;  // /iam/v1/roles has no such field
        }
        return catalog;
    }
    std::optional<std::vector<model::CatalogRole>> list_legacy_roles() override {
        Visit visit(*this, "legacy roles");
        if (m_legacy_retired) {
            return std::nullopt;
        }
        return m_account.catalog;
    }
    std::vector<std::string> role_permission_names(const std::string& role_id) override {
        Visit visit(*this, "permissions of " + role_id);
        std::vector<std::string> names;
        auto it = m_account.links.find({Relation::role_permissions, role_id});
        for (const auto& link : it != m_account.links.end() ? it->second : std::vector<Link>{}) {
            names.push_back(link.name.empty() ? link.id : link.name);
        }
        return names;
    }
    std::vector<model::Permission> list_permissions() override {
        Visit visit(*this, "permissions");
        return m_account.permissions;
    }
    std::vector<model::Service> list_services() override {
        Visit visit(*this, "services");
        return m_account.services;
    }
    ListPage<NamedObject> list_page(Collection collection, int number) override {
        Visit visit(*this, fmt::format("{}s page {}", live::noun(collection), number));
        ListPage<NamedObject> page = page_of(
            collection == Collection::user_groups ? m_account.user_groups : m_account.service_groups, number);
        if (m_tamper) {
            m_tamper(collection, number, page);
        }
        return page;
    }
    ListPage<Link> list_links_page(Relation relation, const std::string& owner_id, int number) override {
        Visit visit(*this, fmt::format("{} of {} page {}", relation_name(relation), owner_id, number));
        auto it = m_account.links.find({relation, owner_id});
        return page_of(it != m_account.links.end() ? it->second : std::vector<Link>{}, number);
    }

    // Not read by fetch_account.
    std::vector<model::Invitation> list_invitations() override { unused(); }
    std::vector<NamedObject> list(Collection) override { unused(); }
    std::vector<Link> list_links(Relation, const std::string&) override { unused(); }
    std::string create_user(const model::User&) override { unused(); }
    void update_user(const std::string&, const model::User&) override { unused(); }
    void delete_user(const std::string&) override { unused(); }
    std::string create_invitation(const std::string&, const model::Invitation&) override { unused(); }
    void delete_invitation(const std::string&) override { unused(); }
    std::string create(Collection, const std::string&, const std::optional<std::string>&) override { unused(); }
    void update(Collection, const std::string&, const std::optional<std::string>&,
                const std::optional<std::string>&) override {
        unused();
    }
    void remove(Collection, const std::string&) override { unused(); }
    void add_links(Relation, const std::string&, const std::vector<Link>&) override { unused(); }
    void remove_links(Relation, const std::string&, const std::vector<Link>&) override { unused(); }
    std::vector<model::ServiceAuthorization> list_service_authorizations() override { unused(); }
    ListPage<model::ServiceAuthorization> list_service_authorizations_page(int) override { return {}; }
    std::string create_service_authorization(const std::string&, const std::string&,
                                             model::ServicePermission) override {
        unused();
    }
    void update_service_authorizations(const std::vector<std::pair<std::string, model::ServicePermission>>&) override {
        unused();
    }
    void delete_service_authorizations(const std::vector<std::string>&) override { unused(); }
    void update_customer(const std::string&, const model::CustomerSettings&) override { unused(); }
    std::vector<model::ApiToken> list_tokens(const std::string&) override { return {}; }
    EventsRead list_events(const std::string&, const std::string&, const std::string&, int,
                           const std::function<bool(const std::vector<model::Event>&)>&) override {
        return {true, ""};
    }
    void delete_token(const std::string&) override { unused(); }

private:
    // One read, from its start to its end.
    class Visit {
    public:
        Visit(FakeApi& api, std::string name, bool hold = true) : m_api(api) { m_api.enter(std::move(name), hold); }
        ~Visit() { m_api.leave(); }

    private:
        FakeApi& m_api;
    };

    void enter(std::string name, bool hold) {
        std::unique_lock lock(m_mutex);
        m_log.push_back(name);
        m_max_in_flight = std::max(m_max_in_flight, ++m_in_flight);
        m_changed.notify_all();
        if (hold) {
            m_changed.wait_for(lock, std::chrono::seconds(10), [this] { return m_max_in_flight >= m_together; });
            // A moment more inside, for a read the fetch should not have started to show up and be counted.
            m_changed.wait_for(lock, std::chrono::milliseconds(2), [this] { return m_in_flight > m_together; });
        }
        if (name == m_fail) {
            --m_in_flight;
            throw live::ApiError(name + " -> 503 Service Unavailable", 503, "GET", name);
        }
    }

    void leave() {
        std::lock_guard lock(m_mutex);
        --m_in_flight;
    }

    template <typename T>
    ListPage<T> page_of(const std::vector<T>& all, int number) const {
        const std::size_t pages = std::max<std::size_t>(1, (all.size() + page_size - 1) / page_size);
        const std::size_t first = std::min(all.size(), (static_cast<std::size_t>(number) - 1) * page_size);
        const std::size_t end = std::min(all.size(), first + page_size);
        ListPage<T> page{{all.begin() + first, all.begin() + end}, static_cast<std::size_t>(number) < pages, 0};
        if (page.more && m_states_totals) {
            page.total_pages = static_cast<int>(pages);
        }
        return page;
    }

    [[noreturn]] static void unused() { throw std::logic_error("fetch_account does not call this"); }

    const ApiAccount m_account;
    const bool m_states_totals;
    const int m_together;
    Tamper m_tamper;
    std::string m_fail;
    bool m_legacy_retired = false;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<std::string> m_log;
    int m_in_flight = 0;
    int m_max_in_flight = 0;
};

std::ptrdiff_t position(const std::vector<std::string>& log, const std::string& name) {
    const auto it = std::find(log.begin(), log.end(), name);
    REQUIRE_MESSAGE(it != log.end(), name);
    return it - log.begin();
}

}  // namespace

TEST_CASE("fetch_account reads every list once and names references, whatever the concurrency") {
    struct Case {
        int concurrency;
        bool states_totals;
    };
    for (const Case c : {Case{1, true}, Case{2, true}, Case{5, true}, Case{1, false}, Case{5, false}}) {
        CAPTURE(c.concurrency);
        CAPTURE(c.states_totals);
        FakeApi api(small_account(), c.states_totals, c.concurrency);
        const model::LiveAccount account = live::fetch_account(api, static_cast<std::size_t>(c.concurrency));
        CHECK(summary(account) == expected_account);
        // 7 single reads (the role catalog and the legacy roles among them), 7 pages of invitations and
        // groups, 19 pages of group sub-lists (g1 has 3 members), 2 custom roles' permissions.
        CHECK(api.log().size() == 35);
        // `together` makes the first reads wait for each other: reaching the concurrency shows the fetch
        // keeps that many going, and it never has more in flight.
        CHECK(api.max_in_flight() == c.concurrency);
    }
}

TEST_CASE("fetch_account queues a group's sub-lists as its page arrives, after the pages it opens up") {
    SUBCASE("page 1 says how many pages: the other pages are queued at once, ahead of the sub-lists") {
        FakeApi api(small_account(), true);
        live::fetch_account(api, 1);
        const auto log = api.log();
        CHECK(position(log, "user groups page 3") < position(log, "members of g1 page 1"));
    }
    SUBCASE("pages followed one by one: the first page's sub-lists do not wait for the last page") {
        FakeApi api(small_account(), false);
        live::fetch_account(api, 1);
        const auto log = api.log();
        CHECK(position(log, "members of g1 page 1") < position(log, "user groups page 3"));
    }
}

TEST_CASE("fetch_account stops when pages read in parallel disagree on where the list ends") {
    struct Case {
        int page;
        std::function<void(ListPage<NamedObject>&)> change;
        const char* error;
    };
    const Case cases[] = {
        {1, [](auto& p) { p.total_pages = live::max_list_pages + 1; },
         "reading the user groups: the API says there are 100001 pages, more than 100000; stopping"},
        {2, [](auto& p) { p.more = false; },
         "reading the user groups: page 2 of 3 says it is the last; the list changed while it was read, so "
         "run "
         "again"},
        {3, [](auto& p) { p.more = true; },
         "reading the user groups: page 3 of 3 says more pages follow; the list changed while it was read, "
         "so "
         "run again"},
        {2, [](auto& p) { p.items.clear(); },
         "reading the user groups: page 2 of 3 is empty; the list changed while it was read, so run again"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        FakeApi api(small_account(), true);
        api.tamper_with([&c](Collection collection, int number, ListPage<NamedObject>& page) {
            if (collection == Collection::user_groups && number == c.page) {
                c.change(page);
            }
        });
        CHECK_THROWS_WITH_AS(live::fetch_account(api, 3), c.error, live::ApiError);
    }
}

TEST_CASE("fetch_account fails with the error of a read that fails") {
    for (std::size_t concurrency : {1, 4}) {
        CAPTURE(concurrency);
        FakeApi api(small_account(), true);
        api.fail_on("members of g3 page 1");
        CHECK_THROWS_WITH_AS(live::fetch_account(api, concurrency), "members of g3 page 1 -> 503 Service Unavailable",
                             live::ApiError);
    }
}

TEST_CASE("without the legacy roles API, roles are read from /iam/v1/roles and custom ones told by name") {
    FakeApi api(small_account(), true);
    api.retire_legacy_roles();
    const model::LiveAccount account = live::fetch_account(api, 2);
    // The same account: Purgers and Readers are not named like Fastly's predefined roles.
    CHECK(summary(account) == expected_account);
    CHECK_FALSE(account.custom_roles_writable);
    REQUIRE(account.read_notes.size() == 1);
    CHECK(account.read_notes[0].find("the legacy roles API (GET /roles) answered 404") == 0);
    const auto log = api.log();
    CHECK(std::count(log.begin(), log.end(), "permissions of r-purge") == 1);

    FakeApi with_legacy(small_account(), true);
    const model::LiveAccount writable = live::fetch_account(with_legacy, 2);
    CHECK(writable.custom_roles_writable);
    CHECK(writable.read_notes.empty());
}

TEST_CASE("a group whose entry counts a sub-list as empty is not asked for it") {
    ApiAccount a = small_account();
    // audit (g4) has nothing; x (g5) has one member and no roles; counts left out are read as before.
    a.user_groups[3].counts = {0, 0, 0, -1};
    a.user_groups[4].counts = {1, 0, -1, -1};
    a.service_groups[2].counts.services = 0;
    FakeApi api(a, true);
    const model::LiveAccount account = live::fetch_account(api, 3);
    CHECK(summary(account) == expected_account);
    const auto log = api.log();
    for (const char* skipped : {"members of g4 page 1", "roles of g4 page 1", "service groups of g4 page 1",
                                "roles of g5 page 1", "services of sg3 page 1"}) {
        CHECK_MESSAGE(std::find(log.begin(), log.end(), skipped) == log.end(), skipped);
    }
    for (const char* read : {"service groups of g5 page 1", "members of g5 page 1"}) {
        CHECK_MESSAGE(std::find(log.begin(), log.end(), read) != log.end(), read);
    }
    CHECK(log.size() == 35 - 5);
}

TEST_CASE("an API that ignores `page` is noticed: never a loop, never an entry twice") {
    SUBCASE("it answers the whole list whatever is asked: the first page was all of it") {
        FakeApi api(small_account(), false);
        const ApiAccount all = small_account();
        api.tamper_with([&all](Collection collection, int, ListPage<NamedObject>& page) {
            if (collection == Collection::user_groups) {
                page.items = all.user_groups;  // 5 entries, asked 2 a page
                page.more = true;
                page.asked_size = 2;
            }
        });
        const model::LiveAccount account = live::fetch_account(api, 2);
        CHECK(summary(account) == expected_account);
        const auto log = api.log();
        CHECK(std::find(log.begin(), log.end(), "user groups page 2") != log.end());
        CHECK(std::find(log.begin(), log.end(), "user groups page 3") == log.end());
    }
    SUBCASE("it answers page 1 again at the size asked: the rest cannot be read, so it stops") {
        FakeApi api(small_account(), false);
        const ApiAccount all = small_account();
        api.tamper_with([&all](Collection collection, int, ListPage<NamedObject>& page) {
            if (collection == Collection::user_groups) {
                page.items = {all.user_groups[0], all.user_groups[1]};
                page.more = true;
                page.asked_size = 2;
            }
        });
        CHECK_THROWS_WITH_AS(live::fetch_account(api, 2),
                             "reading the user groups: page 2 holds the same 2 entries as page 1: the API ignores the "
                             "page parameter, so the rest of the list cannot be read; stopping",
                             live::ApiError);
    }
}
