// The /_emulator/ control endpoints and the OpenID discovery document: no token, no faults, no stats.

#include "api_error.hpp"
#include "emulator.hpp"
#include "events.hpp"
#include "ip_allowlist.hpp"
#include "render.hpp"
#include "request_util.hpp"
#include "state_fields.hpp"
#include "state_io.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

constexpr const char* openid_path = "/realms/fastly/.well-known/openid-configuration";

json openid_configuration(const ApiRequest& request) {
    std::string host = request.header("host");
    std::string realm = "http://" + (host.empty() ? std::string("127.0.0.1") : host) + "/realms/fastly";
    std::string oidc = realm + "/protocol/openid-connect";
    return {{"issuer", realm},
            {"authorization_endpoint", oidc + "/auth"},
            {"token_endpoint", oidc + "/token"},
            {"userinfo_endpoint", oidc + "/userinfo"},
            {"end_session_endpoint", oidc + "/logout"},
            {"jwks_uri", oidc + "/certs"},
            {"response_types_supported", {"code"}},
            {"grant_types_supported", {"authorization_code", "refresh_token"}},
            {"subject_types_supported", {"public"}},
            {"id_token_signing_alg_values_supported", {"RS256"}},
            {"code_challenge_methods_supported", {"S256"}},
            {"scopes_supported", {"openid", "email", "profile"}}};
}

// POST /_emulator/tokens: the seed's token form plus an optional `secret` (generated when left out).
Token token_from_control(Store& store, json body, const std::string& user_agent) {
    if (!body.contains("user")) {
        throw StateError("user: required (a login or a user ID)");
    }
    std::string secret = body.value("secret", "");
    body.erase("secret");
    if (secret.empty()) {
        secret = store.new_id() + store.new_id();
    } else if (store.token_by_secret(secret)) {
        throw StateError("secret: a token with this secret exists");
    }
    if (!body.contains("user_agent") && !user_agent.empty()) {
        body["user_agent"] = user_agent;
    }
    if (!body.contains("ip")) {
        body["ip"] = "127.0.0.1";
    }
    std::set<std::string> seen;
    return read_token(store, secret, body, "token", seen);
}

// POST /_emulator/users/{user}/login: `user.login` by the user, from `ip` (default: `address`) at `at`
// (default: now). Keeps the user's last_active_at at its latest.
Event login_event(Store& store, User& user, const json& body, const std::string& address) {
    for (const auto& item : body.items()) {
        if (item.key() != "ip" && item.key() != "at") {
            throw bad_request("unknown field '" + item.key() + "'; a login takes ip and at");
        }
    }
    Event event = new_event(store, "user.login", "User " + user.login + " logged in", user_subject(user));
    event.user_id = user.id;
    event.ip = address;
    if (const json* ip = seed::field(body, "ip")) {
        if (!ip->is_string() || !parse_ip_address(ip->get<std::string>())) {
            throw bad_request("ip: " + ip->dump() + " is not an IPv4 or IPv6 address");
        }
        event.ip = ip->get<std::string>();
    }
    if (const json* at = seed::field(body, "at")) {
        std::optional<IsoTime> time = at->is_string() ? parse_iso8601(at->get<std::string>()) : std::nullopt;
        if (!time) {
            throw bad_request("at: " + at->dump() + " is not an ISO 8601 time like 2024-01-15T10:20:00Z");
        }
        event.created_at = time->start;
    }
    user.last_active_at = std::max(user.last_active_at.value_or(event.created_at), event.created_at);
    return event;
}

}  // namespace

std::string accept_invitation(Store& store, const std::string& invitation_id, const std::string& name) {
    Invitation* invitation = store.invitations.find(invitation_id);
    if (!invitation) {
        throw record_not_found("invitation", invitation_id);
    }
    if (store.invitation_status_code(*invitation) != 1) {
        throw bad_request("Invitation '" + invitation_id + "' has expired");
    }
    if (store.user_by_login(invitation->email)) {
        throw duplicate("Duplicate user: '" + invitation->email + "'");
    }
    User user;
    user.id = store.new_id();
    user.login = invitation->email;
    user.name = name.empty() ? invitation->email.substr(0, invitation->email.find('@')) : name;
    user.role = invitation->role;
    user.roles = invitation->roles;
    user.limit_services = invitation->limit_services;
    user.created_at = user.updated_at = store.now();
    const EpochSeconds now = user.created_at;
    std::string id = store.add_user(std::move(user)).id;
    // Each service invitation becomes an authorization of the new user with its permission [INF].
    for (const ServiceInvitation& grant : invitation->service_invitations) {
        if (store.services.find(grant.service_id) && !store.service_authorization_for(id, grant.service_id)) {
            store.add_service_authorization({store.new_id(), id, grant.service_id, grant.permission, now, now});
        }
    }
    store.move_memberships({MemberKind::invitation, invitation_id}, {MemberKind::user, id});
    // An accepted invitation is used up; it no longer appears in GET /invitations.
    store.delete_invitation(invitation_id);
    return id;
}

void Emulator::add_control_routes() {
    const Family family = Family::classic;  // unused by control answers: their errors are always classic
    m_control.add("GET", openid_path, family,
                  [](Context& ctx) { ctx.response.set_json(200, openid_configuration(ctx.request)); });
    m_control.add("GET", "/_emulator/state", family, [this](Context& ctx) { ctx.response.set_json(200, dump()); });
    m_control.add("PUT", "/_emulator/state", family, [this](Context& ctx) {
        json doc = json::parse(ctx.request.body, nullptr, false);
        if (doc.is_discarded()) {
            throw bad_request("the state is not valid JSON");
        }
        try {
            load(doc);
        } catch (const StateError& error) {
            throw bad_request(error.what());
        }
        std::lock_guard lock(m_mutex);
        persist_locked();
        ctx.response.set_json(200, dump_state(m_store));
    });
    m_control.add("POST", "/_emulator/invitations/{id}/accept", family, [this](Context& ctx) {
        json body = json_body(ctx.request);
        std::lock_guard lock(m_mutex);
        const Invitation* invitation = m_store.invitations.find(ctx.params[0]);
        const std::string email = invitation ? invitation->email : std::string();
        std::string user_id = accept_invitation(m_store, ctx.params[0], body.value("name", ""));
        const User& user = *m_store.users.find(user_id);
        json metadata = user_subject(user);
        metadata.update({{"invitation_id", ctx.params[0]}, {"email", email}});
        Event event = new_event(m_store, "invitation.accept", "Invitation for " + email + " was accepted",
                                std::move(metadata));
        event.user_id = user_id;
        event.ip = request_address(ctx.request);
        store_event(m_store, std::move(event));
        persist_locked();
        ctx.response.set_json(200, render_user(m_store, *m_store.users.find(user_id)));
    });
    m_control.add("POST", "/_emulator/tokens", family, [this](Context& ctx) {
        json body = json_body(ctx.request);
        std::lock_guard lock(m_mutex);
        Token token;
        try {
            token = token_from_control(m_store, body, ctx.request.header("user-agent"));
        } catch (const StateError& error) {
            throw bad_request(error.what());
        }
        const Token& stored = m_store.add_token(std::move(token));
        store_event(m_store, token_create_event(m_store, stored, request_address(ctx.request)));
        persist_locked();
        json answer = render_token(m_store, stored);
        answer["secret"] = stored.secret;
        ctx.response.set_json(200, answer);
    });
    auto caller_ip = [this](Context& ctx) {
        const bool set = ctx.request.method == "PUT";
        json body = set ? json_body(ctx.request) : json::object();
        std::lock_guard lock(m_mutex);
        if (set) {
            auto it = body.find("ip");
            if (it == body.end() || !(it->is_null() || it->is_string())) {
                throw bad_request("ip: required, an IPv4 or IPv6 address or null");
            }
            if (it->is_null()) {
                m_caller_ip.reset();
            } else if (parse_ip_address(it->get<std::string>())) {
                m_caller_ip = it->get<std::string>();
            } else {
                throw bad_request("ip: '" + it->get<std::string>() + "' is not an IPv4 or IPv6 address");
            }
        }
        ctx.response.set_json(200, {{"ip", m_caller_ip ? json(*m_caller_ip) : json(nullptr)}});
    };
    m_control.add("GET", "/_emulator/caller_ip", family, caller_ip);
    m_control.add("PUT", "/_emulator/caller_ip", family, caller_ip);
    m_control.add("PUT", "/_emulator/users/{user}/two_factor_auth", family, [this](Context& ctx) {
        json body = json_body(ctx.request);
        auto it = body.find("enabled");
        if (it == body.end() || !(it->is_null() || it->is_boolean())) {
            throw bad_request("enabled: required, true, false or null");
        }
        std::lock_guard lock(m_mutex);
        User* user = seed::user_by_ref(m_store, ctx.params[0]);
        if (!user) {
            throw record_not_found("user", ctx.params[0]);
        }
        const bool was_enabled = user->two_factor_auth_enabled.value_or(false);
        user->two_factor_auth_enabled = it->is_null() ? std::nullopt : std::optional<bool>(it->get<bool>());
        if (user->two_factor_auth_enabled.value_or(false) != was_enabled) {
            // The user's own act: the actor is the user, with no token.
            const bool enabled = !was_enabled;
            Event event = new_event(m_store, enabled ? "two_factor_auth.enable" : "two_factor_auth.disable",
                                    std::string("Two-factor authentication was ") + (enabled ? "enabled" : "disabled") +
                                        " for " + user->login,
                                    user_subject(*user));
            event.user_id = user->id;
            event.ip = request_address(ctx.request);
            store_event(m_store, std::move(event));
        }
        persist_locked();
        ctx.response.set_json(200, render_user(m_store, *user));
    });
    m_control.add("POST", "/_emulator/users/{user}/login", family, [this](Context& ctx) {
        json body = json_body(ctx.request);
        std::lock_guard lock(m_mutex);
        User* user = seed::user_by_ref(m_store, ctx.params[0]);
        if (!user) {
            throw record_not_found("user", ctx.params[0]);
        }
        Event event = store_event(m_store, login_event(m_store, *user, body, request_address(ctx.request)));
        persist_locked();
        ctx.response.set_json(200, {{"data", render_event(event)}});
    });
    auto clock = [this](Context& ctx) {
        const bool advance = ctx.request.method == "POST";
        json body = advance ? json_body(ctx.request) : json::object();
        std::lock_guard lock(m_mutex);
        if (advance) {
            auto it = body.find("advance_seconds");
            if (it == body.end() || !it->is_number_integer()) {
                throw bad_request("advance_seconds must be an integer");
            }
            m_store.clock_offset += it->get<EpochSeconds>();
            persist_locked();
        }
        ctx.response.set_json(200, {{"now", format_timestamp(m_store.now())},
                                    {"epoch", m_store.now()},
                                    {"offset_seconds", m_store.clock_offset}});
    };
    m_control.add("GET", "/_emulator/clock", family, clock);
    m_control.add("POST", "/_emulator/clock", family, clock);
    m_control.add("GET", "/_emulator/faults", family,
                  [this](Context& ctx) { ctx.response.set_json(200, to_json(m_faults.settings())); });
    m_control.add("PUT", "/_emulator/faults", family, [this](Context& ctx) {
        json body = json_body(ctx.request);
        try {
            m_faults.configure(fault_settings_from_json(body, m_faults.settings()));
        } catch (const std::invalid_argument& error) {
            throw bad_request(error.what());
        }
        ctx.response.set_json(200, to_json(m_faults.settings()));
    });
    m_control.add("GET", "/_emulator/compat", family,
                  [this](Context& ctx) { ctx.response.set_json(200, to_json(compat())); });
    m_control.add("PUT", "/_emulator/compat", family, [this](Context& ctx) {
        json body = json_body(ctx.request);
        std::lock_guard lock(m_mutex);
        try {
            m_compat = compat_from_json(body, m_compat);
        } catch (const std::invalid_argument& error) {
            throw bad_request(error.what());
        }
        ctx.response.set_json(200, to_json(m_compat));
    });
    m_control.add("GET", "/_emulator/stats", family, [this](Context& ctx) {
        std::lock_guard lock(m_stats_mutex);
        long long total = 0;
        json requests = json::object();
        for (const auto& [key, value] : m_stats) {
            requests[key] = value;
            total += value;
        }
        json faults = json::object();
        for (const auto& [key, value] : m_faults_injected) {
            faults[key.first][key.second] = value;
        }
        ctx.response.set_json(200, {{"total", total}, {"requests", requests}, {"faults", faults}});
    });
    m_control.add("GET", "/_emulator/requests", family, [this](Context& ctx) {
        std::lock_guard lock(m_stats_mutex);
        json requests = json::array();
        for (const LoggedRequest& logged : m_request_log) {
            requests.push_back({{"method", logged.method},
                                {"path", logged.path},
                                {"status", logged.status},
                                {"dropped", logged.dropped}});
        }
        ctx.response.set_json(200, {{"requests", requests}, {"left_out", m_requests_dropped}});
    });
    m_control.add("DELETE", "/_emulator/requests", family, [this](Context& ctx) {
        std::lock_guard lock(m_stats_mutex);
        m_request_log.clear();
        m_requests_dropped = 0;
        ctx.response.status = 204;
    });
    m_control.add("DELETE", "/_emulator/stats", family, [this](Context& ctx) {
        std::lock_guard lock(m_stats_mutex);
        m_stats.clear();
        m_faults_injected.clear();
        ctx.response.status = 204;
    });
}

ApiResponse Emulator::handle_control(const ApiRequest& request) {
    ApiResponse response;
    try {
        std::vector<std::string> params;
        bool path_known = false;
        const Route* route = m_control.match(request.method, request.path, params, path_known);
        if (!route) {
            throw ApiError(404, "Not found", request.method + " " + request.path + " is not an emulator endpoint");
        }
        // Control handlers take the locks they need themselves; the store and compat are not locked here.
        Context ctx{request, response, m_store, m_compat, std::move(params), nullptr, false, {}, {}, {}};
        route->handler(ctx);
    } catch (const ApiError& error) {
        render_error(response, Family::classic, error.status(), error.msg(), error.detail());
    } catch (const std::exception& error) {
        render_error(response, Family::classic, 500, "Internal Server Error", error.what());
    }
    return response;
}

}  // namespace fastly_emulator
