#include <doctest/doctest.h>

#include "harness.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

EmulatorOptions with_limit(long long limit) {
    EmulatorOptions options;
    options.rate_limit = limit;
    return options;
}

std::vector<int> statuses(Harness& h, int count) {
    std::vector<int> out;
    for (int i = 0; i < count; ++i) {
        out.push_back(h.call("GET", "/current_user").status);
    }
    return out;
}

}  // namespace

TEST_CASE("the hourly write limit counts non-GET requests per user and answers 429 once spent") {
    json seed = json::parse(R"({"users": [{"login": "owner@example.com", "role": "superuser"},
                                          {"login": "other@example.com", "role": "superuser"}],
                               "tokens": {"other-token": "other@example.com"}})");
    Harness h(with_limit(3), seed);
    const std::string reset = "1705316400";  // 11:00:00Z, the top of the hour after the pinned 10:20
    for (int remaining = 2; remaining >= 0; --remaining) {
        ApiResponse response = h.call("POST", "/user-groups", json{{"name", "g" + std::to_string(remaining)}}.dump());
        CHECK(response.status == 201);
        CHECK(response.header("Fastly-RateLimit-Remaining") == std::to_string(remaining));
        CHECK(response.header("Fastly-RateLimit-Reset") == reset);
    }
    ApiResponse limited = h.call("POST", "/user-groups", R"({"name":"late"})");
    CHECK(limited.status == 429);
    CHECK(limited.header("Retry-After") == "2400");
    CHECK(limited.header("Fastly-RateLimit-Remaining") == "0");
    CHECK(h.get("/user-groups")["meta"]["record_count"] == 3);

    ApiResponse read = h.call("GET", "/user-groups");
    CHECK(read.status == 200);
    CHECK(read.header("Fastly-RateLimit-Remaining").empty());
    CHECK(h.call("POST", "/user-groups", R"({"name":"theirs"})", "other-token").status == 201);

    h.call("POST", "/_emulator/clock", R"({"advance_seconds": 2400})", "");
    ApiResponse next_hour = h.call("POST", "/user-groups", R"({"name":"late"})");
    CHECK(next_hour.status == 201);
    CHECK(next_hour.header("Fastly-RateLimit-Remaining") == "2");
    CHECK(next_hour.header("Fastly-RateLimit-Reset") == "1705320000");
}

TEST_CASE("failed writes also carry the rate-limit headers") {
    Harness h;
    ApiResponse response = h.call("DELETE", "/user-groups/unknown");
    CHECK(response.status == 404);
    CHECK(response.header("Fastly-RateLimit-Remaining") == "999");
}

TEST_CASE("injected errors and throttles are reproducible with the seed") {
    Harness h;
    CHECK(h.call("PUT", "/_emulator/faults", R"({"error_rate": 0.4, "throttle_rate": 0.3, "seed": 7})", "").status ==
          200);
    std::vector<int> first = statuses(h, 40);
    h.call("PUT", "/_emulator/faults", R"({"seed": 7})", "");
    std::vector<int> second = statuses(h, 40);
    CHECK(first == second);
    CHECK(std::count(first.begin(), first.end(), 200) > 0);
    CHECK(std::count(first.begin(), first.end(), 429) > 0);
    CHECK(std::count(first.begin(), first.end(), 500) + std::count(first.begin(), first.end(), 503) > 0);
    CHECK(h.call("GET", "/_emulator/state", "", "").status == 200);

    h.call("PUT", "/_emulator/faults", R"({"error_rate": 0, "throttle_rate": 1})", "");
    ApiResponse throttled = h.call("GET", "/current_user");
    CHECK(throttled.status == 429);
    CHECK(throttled.header("Retry-After") == "1");
    // A short throttle, not the hourly budget: that 429 alone says Remaining 0 and the reset.
    CHECK(throttled.header("Fastly-RateLimit-Remaining").empty());
    CHECK(throttled.header("Fastly-RateLimit-Reset").empty());
    json settings = h.get("/_emulator/faults");
    CHECK(settings["throttle_rate"] == 1.0);
    CHECK(settings["seed"] == 7);
    CHECK(h.call("PUT", "/_emulator/faults", R"({"error_rate": 2})", "").status == 400);
    CHECK(h.call("PUT", "/_emulator/faults", R"({"bogus": 1})", "").status == 400);
}

TEST_CASE("writes_only: faults fall on writes, reads are answered") {
    Harness h;
    CHECK(h.call("PUT", "/_emulator/faults", R"({"throttle_rate": 1, "writes_only": true})", "").status == 200);
    CHECK(h.call("GET", "/current_user").status == 200);
    ApiResponse throttled = h.call("POST", "/user-groups", R"({"name":"later"})");
    CHECK(throttled.status == 429);
    CHECK(throttled.header("Retry-After") == "1");
    CHECK(h.get("/user-groups")["meta"]["record_count"] == 0);
    CHECK(h.get("/_emulator/faults")["writes_only"] == true);
    CHECK(h.call("PUT", "/_emulator/faults", R"({"writes_only": 1})", "").status == 400);
    CHECK(h.call("PUT", "/_emulator/faults", R"({"writes_only": false})", "").status == 200);
    CHECK(h.call("GET", "/current_user").status == 429);
}

TEST_CASE("dropped connections: before the request nothing commits, after commit the change stays") {
    Harness h;
    h.call("PUT", "/_emulator/faults", R"({"reset_rate": 1})", "");
    ApiResponse dropped = h.call("POST", "/user-groups", R"({"name":"lost"})");
    CHECK(dropped.disposition == Disposition::drop);
    h.call("PUT", "/_emulator/faults", R"({"reset_rate": 0, "reset_after_commit_rate": 1})", "");
    CHECK(h.get("/user-groups")["meta"]["record_count"] == 0);
    CHECK(h.call("GET", "/user-groups").disposition == Disposition::respond);

    ApiResponse committed = h.call("POST", "/user-groups", R"({"name":"kept"})");
    CHECK(committed.disposition == Disposition::drop_after_commit);
    ApiResponse failed = h.call("POST", "/user-groups", R"({"name":"kept"})");
    CHECK(failed.status == 409);
    CHECK(failed.disposition == Disposition::respond);
    h.call("PUT", "/_emulator/faults", R"({"reset_after_commit_rate": 0})", "");
    CHECK(h.get("/user-groups")["data"][0]["name"] == "kept");

    // One drop before a write, one after a commit; the 409 was refused before any commit, so not dropped.
    CHECK(h.get("/_emulator/stats")["faults"] ==
          json{{"dropped", {{"write", 1}}}, {"dropped_after_commit", {{"write", 1}}}});
}

TEST_CASE("stats count the faults injected, on reads and writes apart") {
    Harness h;
    h.call("PUT", "/_emulator/faults", R"({"error_rate": 0.4, "throttle_rate": 0.3, "seed": 7})", "");
    std::vector<int> seen = statuses(h, 40);
    h.call("PUT", "/_emulator/faults", R"({"error_rate": 0, "throttle_rate": 1})", "");
    CHECK(h.call("DELETE", "/user-groups/unknown").status == 429);
    const json faults = h.get("/_emulator/stats")["faults"];
    CHECK(faults["500"]["read"].get<long>() == std::count(seen.begin(), seen.end(), 500));
    CHECK(faults["503"]["read"].get<long>() == std::count(seen.begin(), seen.end(), 503));
    CHECK(faults["429"]["read"].get<long>() == std::count(seen.begin(), seen.end(), 429));
    CHECK(faults["429"]["write"] == 1);
    h.call("DELETE", "/_emulator/stats");
    CHECK(h.get("/_emulator/stats")["faults"] == json::object());
}

TEST_CASE("stats count API requests by method and route template; DELETE resets them") {
    Harness h;
    std::string group = h.send_json("POST", "/user-groups", {{"name", "g"}}, 201)["id"];
    h.get("/user-groups/" + group + "/members");
    h.get("/user-groups/" + group + "/members?page=2");
    h.call("GET", "/no/such/route");
    h.get("/_emulator/faults");
    json stats = h.get("/_emulator/stats");
    CHECK(stats["requests"] ==
          json{{"GET (unmatched)", 1}, {"GET /user-groups/{user_group_id}/members", 2}, {"POST /user-groups", 1}});
    CHECK(stats["total"] == 4);
    CHECK(h.call("DELETE", "/_emulator/stats", "", "").status == 204);
    CHECK(h.get("/_emulator/stats")["total"] == 0);
}

TEST_CASE("PUT /_emulator/state replaces the state; an invalid state is refused and the old one kept") {
    Harness h;
    json state = h.get("/_emulator/state");
    state["user_groups"].push_back({{"name", "From State"}});
    CHECK(h.call("PUT", "/_emulator/state", state.dump(), "").status == 200);
    CHECK(h.get("/user-groups")["data"][0]["name"] == "From State");
    ApiResponse bad = h.call("PUT", "/_emulator/state", R"({"users": [{"login": "x"}]})", "");
    CHECK(bad.status == 400);
    CHECK(Harness::body(bad)["detail"] == "users[0].login: \"x\" is not an email address");
    CHECK(h.get("/user-groups")["data"][0]["name"] == "From State");
}
