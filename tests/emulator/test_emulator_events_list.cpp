// The audit log, read (over HTTP): GET /events filters, sorts and pages, GET /events/{id}, customer
// isolation, the bounded log, and the `events` section of the seed and the state.
#include <doctest/doctest.h>

#include <fstream>

#include "events_fixture.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Acme;
using fastly_emulator::testing::Answer;
using fastly_emulator::testing::EventsFixture;
using nlohmann::json;

namespace {

constexpr const char* other_customer = "CUSTOTHER0000000000001";

// Five events of Acme, one a day from 2024-01-10 (two on the 12th), and one of another customer.
json history_seed() {
    json seed = fastly_emulator::testing::events_seed();
    seed["events"] = json::parse(R"([
      {"id": "EVT0000000000000000005", "event_type": "token.create", "user_id": "alice@example.com",
       "token_id": "TOKALICE00000000000001", "created_at": "2024-01-13T12:00:00Z"},
      {"id": "EVT0000000000000000001", "event_type": "user.login", "user_id": "alice@example.com",
       "ip": "192.0.2.1", "created_at": "2024-01-10T08:00:00Z"},
      {"id": "EVT0000000000000000002", "event_type": "user.update", "user_id": "USROWNER00000000000001",
       "token_id": "TOKOWNER00000000000001", "created_at": "2024-01-11T09:30:00Z",
       "description": "User bob@example.com was updated",
       "metadata": {"user_id": "USRBOB0000000000000001", "role": {"old": "user", "new": "engineer"}}},
      {"id": "EVT0000000000000000003", "event_type": "service_authorization.create",
       "user_id": "owner@example.com", "token_id": "TOKOWNER00000000000001", "service_id": "www.example.com",
       "created_at": "2024-01-12T00:00:00Z"},
      {"id": "EVT0000000000000000004", "event_type": "user.login", "user_id": "bob@example.com",
       "created_at": "2024-01-12T23:59:59Z"},
      {"id": "EVT0000000000000000006", "event_type": "user.login", "customer_id": "CUSTOTHER0000000000001",
       "user_id": "USROTHER00000000000001", "created_at": "2024-01-12T12:00:00Z"}
    ])");
    return seed;
}

// The IDs of GET /events?`query`, in order, shortened to their last digit.
std::string event_ids(EventsFixture& f, const std::string& query) {
    std::string out;
    const json page = f.list(query);
    for (const json& event : page["data"]) {
        out += event["id"].get<std::string>().back();
    }
    return out;
}

}  // namespace

TEST_CASE("GET /events: every filter, comma lists, time bounds, newest first by default") {
    EventsFixture f(history_seed());
    struct Case {
        std::string query;
        const char* expected;
    };
    const std::string acme = Acme::customer_id;
    const Case cases[] = {
        {"", "54321"},
        {"filter[event_type]=user.login", "41"},
        {"filter[event_type]=user.login,token.create", "541"},
        {"filter[event_type]=user.nothing", ""},
        {"filter[user_id]=" + std::string(Acme::alice_id), "51"},
        {"filter[user_id]=" + std::string(Acme::alice_id) + "," + Acme::bob_id, "541"},
        {"filter[token_id]=" + std::string(Acme::owner_token_id), "32"},
        {"filter[service_id]=" + std::string(Acme::service_id), "3"},
        {"filter[customer_id]=" + acme, "54321"},
        {"filter[customer_id]=" + std::string(other_customer), ""},  // only the caller's customer's events
        {"filter[customer_id]=" + acme + "," + other_customer, "54321"},
        {"filter[event_type]=user.login&filter[user_id]=" + std::string(Acme::bob_id), "4"},
        {"filter[created_at][gte]=2024-01-12", "543"},
        {"filter[created_at][gt]=2024-01-12T00:00:00Z", "54"},
        {"filter[created_at][lte]=2024-01-12T00:00:00Z", "321"},
        {"filter[created_at][lt]=2024-01-12", "21"},
        {"filter[created_at][gte]=2024-01-11&filter[created_at][lt]=2024-01-13", "432"},
        {"filter[created_at]=2024-01-12", "43"},                         // that day
        {"filter[created_at]=2024-01-11T09:30", "2"},                    // that minute
        {"filter[created_at]=2024-01-11T09:30:01", ""},                  // that second
        {"filter[created_at][gte]=2024-01-12T01:00:00%2B02:00", "543"},  // 2024-01-11T23:00:00Z
        {"filter[created_at][gte]=2024-01-12T01:00:00+02:00", "543"},    // an unencoded + is a space
        {"filter[created_at][lt]=2024-01-10T09:00:00.5-01:00", "1"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.query);
        CHECK(event_ids(f, c.query) == c.expected);
    }
}

TEST_CASE("GET /events: a bad filter, sort or page is a 400 naming it") {
    EventsFixture f(history_seed());
    const std::string iso = "' is not an ISO 8601 date or time (e.g. 2024-01-15 or 2024-01-15T10:20:00Z)";
    const std::string filters =
        " is not a filter of /events; the filters are filter[customer_id], filter[event_type], filter[service_id], "
        "filter[token_id], filter[user_id], filter[created_at] and filter[created_at][gte|gt|lte|lt]";
    struct Case {
        const char* query;
        std::string detail;
    };
    const Case cases[] = {
        {"filter[created_at][gte]=yesterday", "filter[created_at][gte]: 'yesterday" + iso},
        {"filter[created_at][lt]=2024-02-30", "filter[created_at][lt]: '2024-02-30" + iso},
        {"filter[created_at][gt]=2024-01-15T24:00:00Z", "filter[created_at][gt]: '2024-01-15T24:00:00Z" + iso},
        {"filter[created_at][lte]=1705314000", "filter[created_at][lte]: '1705314000" + iso},
        {"filter[created_at]=2024-01-15Z", "filter[created_at]: '2024-01-15Z" + iso},
        {"filter[created_at][since]=2024-01-01", "filter[created_at][since]" + filters},
        {"filter[login]=alice@example.com", "filter[login]" + filters},
        {"filter[user_id][in]=x", "filter[user_id][in]" + filters},
        {"filter[user_id]=", "filter[user_id] is empty; give one value or several separated by commas"},
        {"filter[event_type]=,", "filter[event_type] is empty; give one value or several separated by commas"},
        {"sort=name",
         "sort: 'name' is not a sort of /events; sort by created_at (oldest first) or -created_at "
         "(newest first)"},
        {"page[size]=0", "page[size] must be an integer between 1 and 1000"},
        {"page[size]=1001", "page[size] must be an integer between 1 and 1000"},
        {"page[number]=first", "page[number] must be an integer between 1 and 1000000"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.query);
        Answer answer = f.call("GET", std::string("/events?") + c.query);
        CHECK(answer.status == 400);
        CHECK(answer.body == json{{"msg", "Bad request"}, {"detail", c.detail}});
    }
}

TEST_CASE("GET /events: sort=created_at and -created_at, ties in the order recorded; the default is a compat switch") {
    EventsFixture f(history_seed());
    CHECK(event_ids(f, "sort=created_at") == "12345");
    CHECK(event_ids(f, "sort=-created_at") == "54321");
    // Two events in the same second: oldest first keeps the order they were recorded in.
    REQUIRE(f.call("POST", "/_emulator/users/alice@example.com/login", "", "").status == 200);
    REQUIRE(f.call("POST", "/_emulator/users/bob@example.com/login", "", "").status == 200);
    auto logins = [&](const std::string& sort) {
        std::string out;
        const json page = f.list("filter[created_at]=2024-01-15&" + sort);
        for (const json& event : page["data"]) {
            out += event["attributes"]["metadata"]["login"].get<std::string>().front();
        }
        return out;
    };
    CHECK(logins("sort=created_at") == "ab");
    CHECK(logins("sort=-created_at") == "ba");
    Compat oldest_first;
    oldest_first.events_default_sort = Compat::EventsDefaultSort::oldest_first;
    f.live.emulator.set_compat(oldest_first);
    CHECK(event_ids(f, "filter[created_at][lt]=2024-01-15") == "12345");
    CHECK(event_ids(f, "filter[created_at][lt]=2024-01-15&sort=-created_at") == "54321");
    // events_sort=ignored: the default order whatever sort asks, the value still checked.
    oldest_first.events_sort = Compat::EventsSort::ignored;
    f.live.emulator.set_compat(oldest_first);
    CHECK(event_ids(f, "filter[created_at][lt]=2024-01-15&sort=-created_at") == "12345");
    CHECK(f.call("GET", "/events?sort=name").status == 400);
}

TEST_CASE(
    "GET /events pages: page[number], page[size] (default 20), links with raw brackets keeping filters and sort, "
    "meta") {
    EventsFixture f(history_seed());
    const std::string base = "http://127.0.0.1:" + std::to_string(f.live.port) + "/events?";
    json first = f.list("page[size]=2");
    CHECK(first["links"] ==
          json{{"next", base + "page[number]=2&page[size]=2"}, {"last", base + "page[number]=3&page[size]=2"}});
    CHECK(first["meta"] == json{{"current_page", 1}, {"per_page", 2}, {"record_count", 5}, {"total_pages", 3}});
    CHECK(event_ids(f, "page[size]=2&page[number]=3") == "1");
    json last = f.list("page[size]=2&page[number]=3");
    CHECK(last["links"] == json{{"first", base + "page[number]=1&page[size]=2"},
                                {"prev", base + "page[number]=2&page[size]=2"},
                                {"last", base + "page[number]=3&page[size]=2"}});
    json beyond = f.list("page[size]=2&page[number]=9");
    CHECK(beyond["data"] == json::array());
    CHECK(beyond["links"]["prev"] == base + "page[number]=3&page[size]=2");

    // Filters and sort stay in the links; a client following `next` reads the whole filtered list once.
    const std::string query = "filter[event_type]=user.login,token.create&sort=created_at&page[size]=1";
    json page = f.list(query);
    CHECK(page["links"]["next"] ==
          base + "filter[event_type]=user.login%2Ctoken.create&page[number]=2&page[size]=1&sort=created_at");
    std::string walked;
    for (int guard = 0; guard < 10; ++guard) {
        for (const json& event : page["data"]) {
            walked += event["id"].get<std::string>().back();
        }
        if (!page["links"].contains("next")) {
            break;
        }
        const std::string next = page["links"]["next"];
        page = f.list(next.substr(base.size()));
    }
    CHECK(walked == "145");

    json seed = fastly_emulator::testing::events_seed();
    seed["events"] = json::array();
    for (int i = 0; i < 25; ++i) {
        seed["events"].push_back({{"event_type", "user.login"}, {"user_id", "bob@example.com"}});
    }
    EventsFixture many(seed);
    json defaults = many.list();
    CHECK(defaults["data"].size() == 20);
    CHECK(defaults["meta"] == json{{"current_page", 1}, {"per_page", 20}, {"record_count", 25}, {"total_pages", 2}});

    Compat small;
    small.page_size_max = 3;
    many.live.emulator.set_compat(small);
    CHECK(many.call("GET", "/events?page[size]=4").body["detail"] == "page[size] must be an integer between 1 and 3");
    small.page_size_over = Compat::PageSizeOver::clamp;
    small.events_meta = Compat::EventsMeta::absent;  // as the 2019 recording: no meta
    many.live.emulator.set_compat(small);
    json clamped = many.list("page[size]=4");
    CHECK(clamped["data"].size() == 3);
    CHECK_FALSE(clamped.contains("meta"));
    CHECK(clamped["links"]["last"] ==
          "http://127.0.0.1:" + std::to_string(many.live.port) + "/events?page[number]=9&page[size]=3");
}

TEST_CASE("GET /events/{id}; 404 for an unknown ID or another customer's event; superusers only") {
    EventsFixture f(history_seed());
    Answer one = f.call("GET", "/events/EVT0000000000000000002");
    CHECK(one.status == 200);
    CHECK(one.content_type == "application/vnd.api+json");
    CHECK(one.body ==
          json{{"data",
                {{"id", "EVT0000000000000000002"},
                 {"type", "event"},
                 {"attributes",
                  {{"admin", false},
                   {"created_at", "2024-01-11T09:30:00Z"},
                   {"customer_id", Acme::customer_id},
                   {"description", "User bob@example.com was updated"},
                   {"event_type", "user.update"},
                   {"ip", nullptr},
                   {"metadata", {{"user_id", Acme::bob_id}, {"role", {{"old", "user"}, {"new", "engineer"}}}}},
                   {"service_id", nullptr},
                   {"token_id", Acme::owner_token_id},
                   {"user_id", Acme::owner_id}}}}}});
    CHECK(f.call("GET", "/events").content_type == "application/vnd.api+json");
    for (const char* id : {"EVT0000000000000000009", "EVT0000000000000000006"}) {
        CAPTURE(id);
        Answer missing = f.call("GET", std::string("/events/") + id);
        CHECK(missing.status == 404);
        CHECK(missing.body ==
              json{{"msg", "Record not found"}, {"detail", std::string("Cannot find event '") + id + "'"}});
    }
    for (const char* target : {"/events", "/events/EVT0000000000000000001"}) {
        Answer refused = f.call("GET", target, "", "alice-token");
        CHECK(refused.status == 403);
        CHECK(refused.body == json{{"msg", "Forbidden"}, {"detail", "only a superuser may read the audit log"}});
    }
    // events_metadata=changes_only: the changed fields are kept, what names the subject is not.
    Compat thin;
    thin.events_metadata = Compat::EventsMetadata::changes_only;
    f.live.emulator.set_compat(thin);
    const json metadata = {{"role", {{"old", "user"}, {"new", "engineer"}}}};
    CHECK(f.call("GET", "/events/EVT0000000000000000002").body["data"]["attributes"]["metadata"] == metadata);
    const json listed = f.list();  // held: a loop over a temporary's member would read freed memory
    for (const auto& event : listed["data"]) {
        if (event["id"] == "EVT0000000000000000002") {
            CHECK(event["attributes"]["metadata"] == metadata);
        }
    }
}

TEST_CASE("the log is bounded: beyond --max-events the oldest recorded go first; 0 records none") {
    json seed = history_seed();
    seed["events"].erase(5);  // the other customer's
    EmulatorOptions options;
    options.max_events = 3;
    EventsFixture f(seed, options);
    CHECK(event_ids(f, "sort=created_at") == "345");  // a seed keeps its newest
    REQUIRE(f.call("POST", "/_emulator/users/alice@example.com/login", "", "").status == 200);
    REQUIRE(f.call("PUT", std::string("/user/") + Acme::bob_id, "name=Robert").status == 200);
    const json page = f.list("sort=created_at");
    REQUIRE(page["data"].size() == 3);
    CHECK(page["data"][0]["id"] == "EVT0000000000000000005");
    CHECK(page["data"][1]["attributes"]["event_type"] == "user.login");
    CHECK(page["data"][2]["attributes"]["event_type"] == "user.update");
    CHECK(f.call("GET", "/events/EVT0000000000000000003").status == 404);
    CHECK(f.call("GET", "/_emulator/state", "", "").body["events"].size() == 3);

    options.max_events = 0;
    EventsFixture none(seed, options);
    REQUIRE(none.call("PUT", std::string("/user/") + Acme::bob_id, "name=Robert").status == 200);
    Answer login = none.call("POST", "/_emulator/users/alice@example.com/login", "", "");
    CHECK(login.status == 200);
    CHECK(login.body["data"]["attributes"]["event_type"] == "user.login");
    CHECK(none.count() == 0);
}

TEST_CASE("the state's events: seeded by login and service name, dumped by ID, round-tripped, persisted with --state") {
    EventsFixture f(history_seed());
    const json state = f.call("GET", "/_emulator/state", "", "").body;
    REQUIRE(state["events"].size() == 6);
    CHECK(state["events"][0] == json{{"id", "EVT0000000000000000001"},
                                     {"customer_id", Acme::customer_id},
                                     {"event_type", "user.login"},
                                     {"description", ""},
                                     {"user_id", Acme::alice_id},
                                     {"token_id", nullptr},
                                     {"service_id", nullptr},
                                     {"ip", "192.0.2.1"},
                                     {"metadata", json::object()},
                                     {"admin", false},
                                     {"created_at", "2024-01-10T08:00:00Z"}});
    CHECK(state["events"][2]["service_id"] == Acme::service_id);
    CHECK(state["events"][3]["customer_id"] == other_customer);  // kept, never shown
    CHECK(f.call("PUT", "/_emulator/state", state.dump(), "").status == 200);
    CHECK(f.call("GET", "/_emulator/state", "", "").body == state);

    struct Bad {
        const char* events;
        const char* message;
    };
    const Bad bad[] = {
        {R"({"event_type": "user.login", "when": 1})", "events[0].when: unknown field"},
        {R"({"user_id": "alice@example.com"})", "events[0].event_type: required"},
        {R"({"event_type": "user.login", "created_at": "last week"})",
         "events[0].created_at: expected a timestamp like 2024-01-31T12:00:00Z"},
        {R"({"event_type": "user.login", "metadata": [1]})", "events[0].metadata: expected an object"},
        {R"({"event_type": "user.login", "admin": "no"})", "events[0].admin: expected true or false"},
        {R"("user.login")", "events[0]: expected an object"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.events);
        Answer refused = f.call("PUT", "/_emulator/state", std::string(R"({"events": [)") + b.events + "]}", "");
        CHECK(refused.status == 400);
        CHECK(refused.body["detail"] == b.message);
    }

    const std::string dir = fastly_emulator::testing::temp_dir();
    EmulatorOptions persisted;
    persisted.state_file = dir + "/state.json";
    {
        EventsFixture first(history_seed(), persisted);
        first.live.emulator.open_state_file();
        REQUIRE(first.call("POST", "/_emulator/users/bob@example.com/login", "", "").status == 200);
    }
    EventsFixture restarted(fastly_emulator::testing::events_seed(), persisted);
    restarted.live.emulator.open_state_file();  // the file wins over the seed
    CHECK(event_ids(restarted,
                    "filter[event_type]=user.login&sort=created_at&filter[user_id]=" + std::string(Acme::bob_id))
              .size() == 2);
    std::filesystem::remove_all(dir);
}

TEST_CASE("parse_iso8601: dates, times, fractions and offsets, with the period each names") {
    struct Case {
        const char* text;
        std::optional<EpochSeconds> start;
        EpochSeconds span;
    };
    const Case cases[] = {
        {"2024-01-15", 1705276800, 86400},
        {"2024-01-15T10:20", 1705314000, 60},
        {"2024-01-15T10:20:00Z", 1705314000, 1},
        {"2024-01-15 10:20:00", 1705314000, 1},
        {"2024-01-15T10:20:00.999Z", 1705314000, 1},
        {"2024-01-15T12:20:00+02:00", 1705314000, 1},
        {"2024-01-15T12:20:00 02:00", 1705314000, 1},
        {"2024-01-15T09:20:00-0100", 1705314000, 1},
        {"2024-01-15T11:20+01", 1705314000, 60},
        {"2024-02-29", 1709164800, 86400},
        {"2023-02-29", std::nullopt, 0},
        {"2024-13-01", std::nullopt, 0},
        {"2024-01-15T10:60:00Z", std::nullopt, 0},
        {"2024-01-15T10:20:00.Z", std::nullopt, 0},
        {"2024-01-15T10:20:00+25:00", std::nullopt, 0},
        {"2024-01-15+01:00", std::nullopt, 0},
        {"2024-1-15", std::nullopt, 0},
        {"", std::nullopt, 0},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        std::optional<IsoTime> parsed = parse_iso8601(c.text);
        REQUIRE(parsed.has_value() == c.start.has_value());
        if (parsed) {
            CHECK(parsed->start == *c.start);
            CHECK(parsed->span == c.span);
        }
    }
}
