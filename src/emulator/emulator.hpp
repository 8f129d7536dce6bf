#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>

#include "api.hpp"
#include "faults.hpp"
#include "rw_lock.hpp"
#include "store.hpp"

namespace fastly_emulator {

/// How the emulator behaves; the command line fills it.
struct EmulatorOptions {
    std::string superuser_token = "emulator-superuser-token";
    long long rate_limit = 1000;  ///< writes per user per hour
    int latency_ms = 0;           ///< base latency of every API request
    std::string state_file;       ///< when set, every committed change is written here before answering
    std::size_t max_events = EventLog::default_capacity;  ///< the audit log keeps the newest this many
    Compat compat;                                        ///< behaviour where the real API is not recorded (README.md)
};

/// The emulated Fastly API, independent of any HTTP library: `handle` takes a request and returns the
/// answer. Thread-safe: one reader-writer lock guards the store. GET and HEAD requests (handlers that must
/// not change the store) hold it shared, so list answers are rendered in parallel and only writes wait
/// for them; every other request holds it exclusively from authentication to persistence.
class Emulator {
public:
    /// Starts from the default account (see README.md).
    explicit Emulator(EmulatorOptions options);

    /// Replaces the state by a seed/state document. Throws StateError; the old state is kept then.
    void load(const nlohmann::json& doc);
    /// Loads `state_file` when it exists (a restart continues), else keeps the current state and writes
    /// it there. Throws StateError or std::runtime_error. No-op without a state file.
    void open_state_file();
    /// The whole state in the seed format.
    nlohmann::json dump();

    /// The compat switches in force.
    Compat compat();
    /// Replaces the compat switches; requests that follow see the new ones.
    void set_compat(const Compat& compat);

    /// Answers one request: API routes (with auth, rate limit, faults, stats) and /_emulator/ control.
    ApiResponse handle(const ApiRequest& request);

    /// Runs `fn` with the store locked (tests use it to inspect or pin the clock).
    template <class Fn>
    auto with_store(Fn&& fn) {
        std::lock_guard lock(m_mutex);
        return fn(m_store);
    }

private:
    ApiResponse handle_api(const ApiRequest& request);
    ApiResponse handle_control(const ApiRequest& request);
    void add_control_routes();
    void run_route(const Route& route, Context& ctx);
    void apply_rate_limit(const ApiRequest& request, const User& caller, ApiResponse& response, bool& allowed);
    void persist_locked();
    /// The address a request counts as coming from (the allowlist, the events it records): PUT
    /// /_emulator/caller_ip, else its TCP peer. Needs m_mutex held.
    std::string request_address(const ApiRequest& request) const;
    void count(const std::string& key);
    void count_fault(const char* fault, const std::string& method);
    void log_request(const ApiRequest& request, const ApiResponse& response);

    EmulatorOptions m_options;
    RwLock m_mutex;  ///< guards m_store and the state file (shared for reads, exclusive for writes)
    Store m_store;
    Compat m_compat;  ///< guarded by m_mutex, like the store
    /// PUT /_emulator/caller_ip: the address every API request counts as coming from instead of its TCP
    /// peer. Guarded by m_mutex; runtime only, not state.
    std::optional<std::string> m_caller_ip;
    Router m_router;   ///< the Fastly API
    Router m_control;  ///< /_emulator/ and the OpenID discovery document: no token, faults or stats
    Faults m_faults;
    std::mutex m_stats_mutex;
    std::map<std::string, long long> m_stats;  ///< requests by "METHOD /route pattern"
    std::map<std::pair<std::string, std::string>, long long> m_faults_injected;  ///< by (fault, "read"|"write")
    /// One API request as received, for GET /_emulator/requests.
    struct LoggedRequest {
        std::string method;
        std::string path;      ///< percent-decoded, without the query
        int status = 0;        ///< 0 when the connection was dropped unanswered
        bool dropped = false;  ///< the connection was closed (after the change was committed, when status > 0)
    };
    static constexpr std::size_t max_logged_requests = 10000;  ///< the oldest go first beyond this
    std::deque<LoggedRequest> m_request_log;                   ///< guarded by m_stats_mutex
    long long m_requests_dropped = 0;                          ///< requests that fell out of the log
};

/// Renders `error` as the family answers errors under `bodies`: the classic family always as
/// `{"msg","detail"}`; the JSON:API and IAM families so too unless `bodies` is jsonapi, then as
/// `{"errors":[{"title","status","detail"}]}` (`application/vnd.api+json` for the JSON:API family).
void render_error(ApiResponse& response, Family family, int status, const std::string& msg, const std::string& detail,
                  Compat::ErrorBodies bodies = Compat::ErrorBodies::classic);

/// Accepts a pending invitation: creates its user (login = email, role, roles, limit_services) and moves
/// its user-group memberships to that user. Returns the new user's ID. Throws ApiError: 404 unknown,
/// 400 expired, 409 when a user with that login exists.
std::string accept_invitation(Store& store, const std::string& invitation_id, const std::string& name);

}  // namespace fastly_emulator
