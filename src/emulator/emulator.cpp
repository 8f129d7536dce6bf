#include "emulator.hpp"

#include <chrono>
#include <thread>

#include "api_error.hpp"
#include "customer_rules.hpp"
#include "events.hpp"
#include "persist.hpp"
#include "state_io.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

bool is_read(const std::string& method) {
    return method == "GET" || method == "HEAD";
}

std::string to_string_ll(long long value) {
    return std::to_string(value);
}

}  // namespace

void render_error(ApiResponse& response, Family family, int status, const std::string& msg, const std::string& detail,
                  Compat::ErrorBodies bodies) {
    // The one recorded account error, from a JSON:API endpoint, is classic
    // (real-api-evidence-2026-12.md, outside this repository: section 1, row 6).
    if (family != Family::classic && bodies == Compat::ErrorBodies::jsonapi) {
        json error{{"title", msg}, {"status", std::to_string(status)}};
        if (!detail.empty()) {
            error["detail"] = detail;
        }
        response.set_json(status, {{"errors", json::array({error})}},
                          family == Family::jsonapi ? "application/vnd.api+json" : "application/json");
        return;
    }
    json body{{"msg", msg}};
    if (!detail.empty()) {
        body["detail"] = detail;
    }
    response.set_json(status, body);
}

Emulator::Emulator(EmulatorOptions options)
    : m_options(std::move(options)), m_compat(m_options.compat), m_faults(m_options.latency_ms) {
    m_store.events.set_capacity(m_options.max_events);
    load_default_state(m_store, m_options.superuser_token);
    add_customer_routes(m_router);
    add_user_routes(m_router);
    add_invitation_routes(m_router);
    add_role_routes(m_router);
    add_group_routes(m_router);
    add_misc_routes(m_router);
    add_service_authorization_routes(m_router);
    add_token_routes(m_router);
    add_event_routes(m_router);
    add_control_routes();
}

void Emulator::load(const json& doc) {
    Store fresh;
    {
        std::lock_guard lock(m_mutex);
        fresh.wall_clock = m_store.wall_clock;
        fresh.events.set_capacity(m_store.events.capacity());
    }
    load_state(fresh, doc, m_options.superuser_token);
    std::lock_guard lock(m_mutex);
    m_store = std::move(fresh);
}

void Emulator::open_state_file() {
    if (m_options.state_file.empty()) {
        return;
    }
    if (std::optional<std::string> text = read_file_if_exists(m_options.state_file)) {
        json doc = json::parse(*text, nullptr, false);
        if (doc.is_discarded()) {
            throw StateError("not valid JSON");
        }
        load(doc);
        return;
    }
    std::lock_guard lock(m_mutex);
    persist_locked();
}

json Emulator::dump() {
    std::shared_lock lock(m_mutex);
    return dump_state(m_store);
}

Compat Emulator::compat() {
    std::shared_lock lock(m_mutex);
    return m_compat;
}

void Emulator::set_compat(const Compat& compat) {
    std::lock_guard lock(m_mutex);
    m_compat = compat;
}

void Emulator::persist_locked() {
    if (!m_options.state_file.empty()) {
        write_file_atomically(m_options.state_file, dump_state(m_store).dump());
    }
}

std::string Emulator::request_address(const ApiRequest& request) const {
    return m_caller_ip ? *m_caller_ip : request.remote_addr;
}

void Emulator::count(const std::string& key) {
    std::lock_guard lock(m_stats_mutex);
    ++m_stats[key];
}

void Emulator::count_fault(const char* fault, const std::string& method) {
    std::lock_guard lock(m_stats_mutex);
    ++m_faults_injected[{fault, is_read(method) ? "read" : "write"}];
}

ApiResponse Emulator::handle(const ApiRequest& request) {
    if (request.path.rfind("/_emulator/", 0) == 0 || request.path.rfind("/realms/", 0) == 0) {
        return handle_control(request);
    }
    ApiResponse response = handle_api(request);
    log_request(request, response);
    return response;
}

void Emulator::log_request(const ApiRequest& request, const ApiResponse& response) {
    std::lock_guard lock(m_stats_mutex);
    if (m_request_log.size() >= max_logged_requests) {
        m_request_log.pop_front();
        ++m_requests_dropped;
    }
    const bool dropped = response.disposition == Disposition::drop;
    m_request_log.push_back(
        {request.method, request.path, dropped ? 0 : response.status, response.disposition != Disposition::respond});
}

void Emulator::apply_rate_limit(const ApiRequest& request, const User& caller, ApiResponse& response, bool& allowed) {
    allowed = true;
    if (is_read(request.method)) {
        return;
    }
    EpochSeconds now = m_store.now();
    EpochSeconds window = now - ((now % 3600) + 3600) % 3600;
    if (m_store.rate.window_start != window) {
        m_store.rate.window_start = window;
        m_store.rate.used.clear();
    }
    long long& used = m_store.rate.used[caller.id];
    if (used >= m_options.rate_limit) {
        allowed = false;
    } else {
        ++used;
    }
    EpochSeconds reset = window + 3600;
    response.headers.emplace_back("Fastly-RateLimit-Remaining", to_string_ll(m_options.rate_limit - used));
    response.headers.emplace_back("Fastly-RateLimit-Reset", to_string_ll(reset));
    if (!allowed) {
        response.headers.emplace_back("Retry-After", to_string_ll(std::max<EpochSeconds>(1, reset - now)));
    }
}

void Emulator::run_route(const Route& route, Context& ctx) {
    const Compat::ErrorBodies bodies = ctx.compat.error_bodies;
    try {
        route.handler(ctx);
    } catch (const ApiError& error) {
        ctx.committed = false;
        render_error(ctx.response, route.family, error.status(), error.msg(), error.detail(), bodies);
    } catch (const json::exception& error) {
        ctx.committed = false;
        render_error(ctx.response, route.family, 400, "Bad request", error.what(), bodies);
    }
}

namespace {

// Every legacy custom-role path: /roles and what lies under it.
bool is_legacy_roles_path(const std::string& path) {
    return path == "/roles" || path.rfind("/roles/", 0) == 0;
}

}  // namespace

ApiResponse Emulator::handle_api(const ApiRequest& request) {
    ApiResponse response;
    std::vector<std::string> params;
    bool path_known = false;
    const Route* route = m_router.match(request.method, request.path, params, path_known);
    count(request.method + " " + (route ? route->pattern : std::string("(unmatched)")));
    Family family = route ? route->family : Family::classic;
    // Read once, before the store lock: a fault's error body follows the switches too.
    const Compat::ErrorBodies bodies = compat().error_bodies;

    FaultDecision fault = m_faults.draw(is_read(request.method));
    if (fault.latency_ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(fault.latency_ms));
    }
    switch (fault.before) {
        case FaultDecision::Before::drop:
            count_fault("dropped", request.method);
            response.disposition = Disposition::drop;
            return response;
        case FaultDecision::Before::error_500:
            count_fault("500", request.method);
            render_error(response, family, 500, "Internal Server Error", "injected fault", bodies);
            return response;
        case FaultDecision::Before::error_503:
            count_fault("503", request.method);
            render_error(response, family, 503, "Service Unavailable", "injected fault", bodies);
            return response;
        case FaultDecision::Before::throttle: {
            count_fault("429", request.method);
            // A short throttle: wait a second. A spent hourly budget is the other 429 (apply_rate_limit), with
            // Fastly-RateLimit-Remaining: 0 and the reset.
            render_error(response, family, 429, "Too Many Requests", "injected throttle", bodies);
            response.headers.emplace_back("Retry-After", "1");
            return response;
        }
        case FaultDecision::Before::none:
            break;
    }

    // Reads share the lock (their handlers do not change the store); writes hold it alone until the
    // change is persisted, so every answer to a write follows its persisted state.
    std::shared_lock read_lock(m_mutex, std::defer_lock);
    std::unique_lock write_lock(m_mutex, std::defer_lock);
    if (is_read(request.method)) {
        read_lock.lock();
    } else {
        write_lock.lock();
    }
    const User* caller = nullptr;
    std::string token_id;
    const std::string secret = request.header("fastly-key");
    if (const Token* token = secret.empty() ? nullptr : m_store.token_by_secret(secret)) {
        const EpochSeconds now = m_store.now();
        if (!token->expires_at || *token->expires_at > now) {
            caller = m_store.users.find(token->user_id);
        }
        if (caller) {
            // Atomic: reads hold the store lock shared. Not state (Token::used_at).
            token->used_at.set(now);
            token_id = token->id;
        }
    }
    if (!caller || m_store.customer.deleted_at) {
        render_error(response, family, 401, "Provided credentials are missing or invalid", "", bodies);
        return response;
    }
    // The customer's security settings, before the rate limit: a refused request spends no budget. The
    // allowlist comes first, as a network-level check; then force_2fa on the token's user.
    const std::string caller_address = request_address(request);
    if (std::optional<std::string> refusal = allowlist_refusal(m_store, m_compat, caller_address)) {
        render_error(response, family, 403, "Forbidden", *refusal, bodies);
        return response;
    }
    if (std::optional<std::string> refusal = two_factor_refusal(m_store, *caller)) {
        render_error(response, family, 401, "Provided credentials are missing or invalid", *refusal, bodies);
        return response;
    }
    bool allowed = true;
    apply_rate_limit(request, *caller, response, allowed);
    if (!allowed) {
        render_error(response, family, 429, "Too Many Requests",
                     "the hourly limit of " + std::to_string(m_options.rate_limit) + " write requests is spent",
                     bodies);
        return response;
    }
    if (route && m_compat.legacy_roles == Compat::LegacyRoles::retired && is_legacy_roles_path(request.path)) {
        // Retired as an unknown path is: 404 with the classic body, whatever the method.
        route = nullptr;
        path_known = false;
        family = Family::classic;
    }
    if (!route) {
        render_error(response, family, path_known ? 405 : 404, path_known ? "Method Not Allowed" : "Not found", "",
                     bodies);
        return response;
    }
    Context ctx{request, response, m_store, m_compat, std::move(params), caller, false, caller_address, token_id, {}};
    run_route(*route, ctx);
    if (ctx.committed && response.status < 300) {
        // Only a change that happened is in the audit log: a refused request records nothing.
        for (Event& event : ctx.events) {
            store_event(m_store, std::move(event));
        }
        try {
            persist_locked();
        } catch (const std::exception& error) {
            render_error(response, family, 500, "Internal Server Error", error.what(), bodies);
            return response;
        }
        if (fault.drop_after_commit) {
            count_fault("dropped_after_commit", request.method);
            response.disposition = Disposition::drop_after_commit;
        }
    }
    return response;
}

}  // namespace fastly_emulator
