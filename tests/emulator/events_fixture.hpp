#pragma once

// The audit-log tests' account and helpers: a real HTTP server on port 0 with a pinned clock.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.hpp"
#include "live_server.hpp"

namespace fastly_emulator::testing {

/// The IDs of the audit-log tests' account (a struct, not loose names: a unity build joins test files).
struct Acme {
    static constexpr const char* customer_id = "CUSTACME00000000000001";
    static constexpr const char* owner_id = "USROWNER00000000000001";
    static constexpr const char* alice_id = "USRALICE00000000000001";
    static constexpr const char* bob_id = "USRBOB0000000000000001";
    static constexpr const char* owner_token_id = "TOKOWNER00000000000001";
    static constexpr const char* alice_token_id = "TOKALICE00000000000001";
    static constexpr const char* service_id = "SVCWWW0000000000000001";
    static constexpr const char* pinned_text = "2024-01-15T10:20:00Z";  ///< pinned_time
};

/// Acme: the owner (superuser), Alice (engineer, token `alice-token`), Bob (user), one service.
inline nlohmann::json events_seed() {
    return {{"customer", {{"id", Acme::customer_id}, {"name", "Acme"}}},
            {"users",
             {{{"id", Acme::owner_id}, {"login", "owner@example.com"}, {"name", "Owner"}, {"role", "superuser"}},
              {{"id", Acme::alice_id}, {"login", "alice@example.com"}, {"name", "Alice"}, {"role", "engineer"}},
              {{"id", Acme::bob_id}, {"login", "bob@example.com"}, {"name", "Bob"}, {"role", "user"}}}},
            {"services", {{{"id", Acme::service_id}, {"name", "www.example.com"}}}},
            {"tokens",
             {{default_superuser_token, {{"user", "owner@example.com"}, {"id", Acme::owner_token_id}}},
              {"alice-token", {{"user", "alice@example.com"}, {"id", Acme::alice_token_id}}}}}};
}

/// An answer over HTTP: the status and the body parsed as JSON (null when empty).
struct Answer {
    int status = 0;
    nlohmann::json body;
    std::string content_type;
};

class EventsFixture {
public:
    explicit EventsFixture(const nlohmann::json& seed = events_seed(), EmulatorOptions options = {})
        : live(std::move(options)) {
        live.emulator.with_store([](Store& store) {
            store.wall_clock = [] { return pinned_time; };
            return 0;
        });
        live.emulator.load(seed);
    }

    /// Sends a request over HTTP; `[` and `]` in the target are percent-encoded, as clients send them.
    Answer call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = default_superuser_token, std::string content_type = "") {
        httplib::Client client = live.client(token);
        httplib::Request request;
        request.method = method;
        for (char c : target) {
            request.path += c == '[' ? "%5B" : c == ']' ? "%5D" : std::string(1, c);
        }
        request.body = body;
        if (content_type.empty() && !body.empty()) {
            content_type = body.front() == '{' ? "application/json" : "application/x-www-form-urlencoded";
        }
        if (!content_type.empty()) {
            request.set_header("Content-Type", content_type);
        }
        auto result = client.send(request);
        REQUIRE(result);
        return {result->status, result->body.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(result->body),
                result->get_header_value("Content-Type")};
    }

    /// GET /events with `query` (e.g. "sort=created_at"), asserting 200.
    nlohmann::json list(const std::string& query = "") {
        Answer answer = call("GET", "/events" + (query.empty() ? "" : "?" + query));
        INFO("GET /events?" << query << " -> " << answer.body.dump());
        REQUIRE(answer.status == 200);
        return answer.body;
    }

    /// The event types of GET /events?`query`, in the order answered.
    std::vector<std::string> types(const std::string& query = "") {
        std::vector<std::string> out;
        const nlohmann::json page = list(query);
        for (const nlohmann::json& event : page["data"]) {
            out.push_back(event["attributes"]["event_type"]);
        }
        return out;
    }

    /// The attributes of the events recorded since the log held `before` events, oldest first.
    nlohmann::json recorded_since(size_t before) {
        nlohmann::json all = list("sort=created_at&page[size]=1000")["data"];
        nlohmann::json out = nlohmann::json::array();
        for (size_t i = before; i < all.size(); ++i) {
            out.push_back(all[i]["attributes"]);
        }
        return out;
    }

    /// How many events the log holds.
    size_t count() { return list("page[size]=1")["meta"]["record_count"]; }

    /// Moves the emulator clock.
    void advance(long long seconds) {
        REQUIRE(call("POST", "/_emulator/clock", nlohmann::json{{"advance_seconds", seconds}}.dump(), "").status ==
                200);
    }

    LiveServer live;
};

}  // namespace fastly_emulator::testing
