// The /_emulator/ control endpoints and the OpenID discovery document: no token, no faults, no stats.

#include "api_error.hpp"
#include "emulator.hpp"
#include "render.hpp"
#include "request_util.hpp"
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

json body_or_empty(const ApiRequest& request) {
    return json_body(request);
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
    std::string id = store.add_user(std::move(user)).id;
    store.move_memberships({MemberKind::invitation, invitation_id}, {MemberKind::user, id});
    // An accepted invitation is used up; it no longer appears in GET /invitations.
    store.delete_invitation(invitation_id);
    return id;
}

ApiResponse Emulator::handle_control(const ApiRequest& request) {
    ApiResponse response;
    const std::string& path = request.path;
    const std::string& method = request.method;
    try {
        if (path == openid_path && method == "GET") {
            response.set_json(200, openid_configuration(request));
        } else if (path == "/_emulator/state" && method == "GET") {
            response.set_json(200, dump());
        } else if (path == "/_emulator/state" && method == "PUT") {
            json doc = json::parse(request.body, nullptr, false);
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
            response.set_json(200, dump_state(m_store));
        } else if (path.rfind("/_emulator/invitations/", 0) == 0 && method == "POST" && path.size() > 30 &&
                   path.compare(path.size() - 7, 7, "/accept") == 0) {
            std::string id = path.substr(23, path.size() - 23 - 7);
            json body = body_or_empty(request);
            std::lock_guard lock(m_mutex);
            std::string user_id = accept_invitation(m_store, id, body.value("name", ""));
            persist_locked();
            response.set_json(200, render_user(m_store, *m_store.users.find(user_id)));
        } else if (path == "/_emulator/clock" && (method == "POST" || method == "GET")) {
            json body = method == "POST" ? body_or_empty(request) : json::object();
            std::lock_guard lock(m_mutex);
            if (method == "POST") {
                auto it = body.find("advance_seconds");
                if (it == body.end() || !it->is_number_integer()) {
                    throw bad_request("advance_seconds must be an integer");
                }
                m_store.clock_offset += it->get<EpochSeconds>();
                persist_locked();
            }
            response.set_json(200, {{"now", format_timestamp(m_store.now())},
                                    {"epoch", m_store.now()},
                                    {"offset_seconds", m_store.clock_offset}});
        } else if (path == "/_emulator/faults" && method == "GET") {
            response.set_json(200, to_json(m_faults.settings()));
        } else if (path == "/_emulator/faults" && method == "PUT") {
            json body = body_or_empty(request);
            try {
                m_faults.configure(fault_settings_from_json(body, m_faults.settings()));
            } catch (const std::invalid_argument& error) {
                throw bad_request(error.what());
            }
            response.set_json(200, to_json(m_faults.settings()));
        } else if (path == "/_emulator/compat" && method == "GET") {
            response.set_json(200, to_json(compat()));
        } else if (path == "/_emulator/compat" && method == "PUT") {
            json body = body_or_empty(request);
            std::lock_guard lock(m_mutex);
            try {
                m_compat = compat_from_json(body, m_compat);
            } catch (const std::invalid_argument& error) {
                throw bad_request(error.what());
            }
            response.set_json(200, to_json(m_compat));
        } else if (path == "/_emulator/stats" && method == "GET") {
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
            response.set_json(200, {{"total", total}, {"requests", requests}, {"faults", faults}});
        } else if (path == "/_emulator/stats" && method == "DELETE") {
            std::lock_guard lock(m_stats_mutex);
            m_stats.clear();
            m_faults_injected.clear();
            response.status = 204;
        } else {
            throw ApiError(404, "Not found", method + " " + path + " is not an emulator endpoint");
        }
    } catch (const ApiError& error) {
        render_error(response, Family::classic, error.status(), error.msg(), error.detail());
    } catch (const std::exception& error) {
        render_error(response, Family::classic, 500, "Internal Server Error", error.what());
    }
    return response;
}

}  // namespace fastly_emulator
