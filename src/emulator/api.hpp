#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "compat.hpp"
#include "store.hpp"

namespace fastly_emulator {

/// A request as the emulator sees it, independent of the HTTP library.
struct ApiRequest {
    std::string method;                             ///< upper case: GET, POST, ...
    std::string path;                               ///< percent-decoded, without the query
    std::multimap<std::string, std::string> query;  ///< decoded query parameters
    std::map<std::string, std::string> headers;     ///< keys lower-cased
    std::string body;
    /// The TCP peer's address (`127.0.0.1`, `::1`); empty when the request did not come over a socket.
    std::string remote_addr;

    /// The header's value, or "" when absent. `name` must be lower case.
    std::string header(const std::string& name) const;
    /// The first value of a query parameter, or nullptr.
    const std::string* query_value(const std::string& name) const;
};

/// What happens to the connection after the handler ran.
enum class Disposition {
    respond,            ///< send the response
    drop,               ///< close the connection without answering (nothing was committed)
    drop_after_commit,  ///< the change was committed and persisted, then the connection is closed
};

/// The emulator's answer.
struct ApiResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    Disposition disposition = Disposition::respond;

    /// Sets a JSON body with the given status.
    void set_json(int code, const nlohmann::json& value, const char* type = "application/json");
    /// Sets an already serialised JSON body with the given status.
    void set_text(int code, std::string text, const char* type = "application/json");
    /// The first value of a response header, or "" (tests use it).
    std::string header(const std::string& name) const;
};

/// The media type of JSON:API bodies.
inline constexpr const char* jsonapi_media_type = "application/vnd.api+json";

/// The three families of the API differ in error bodies and pagination.
enum class Family { classic, jsonapi, iam };

/// Everything a route handler needs for one request; the store is locked while it runs.
struct Context {
    const ApiRequest& request;
    ApiResponse& response;
    Store& store;
    const Compat& compat;             ///< the compat switches in force (README.md, "Compat switches")
    std::vector<std::string> params;  ///< path parameters, in template order
    const User* caller = nullptr;     ///< the authenticated user (never null in API handlers)
    bool committed = false;           ///< set by handlers that changed the store
    /// The address the request counts as coming from: PUT /_emulator/caller_ip, else the TCP peer.
    std::string caller_address;
    std::string token_id;  ///< the ID of the token that authenticated the request
    /// Audit-log events the request causes (record_event); stored only when it commits and succeeds.
    std::vector<Event> events;

    /// The caller is a superuser.
    bool caller_is_superuser() const { return caller && caller->role == "superuser"; }
    /// Throws 403 unless the caller is a superuser; `action` goes into the detail.
    void require_superuser(const std::string& action) const;
};

using Handler = std::function<void(Context&)>;

/// One API route: method, template like `/user-groups/{id}/members`, family and handler.
struct Route {
    std::string method;
    std::string pattern;
    Family family = Family::classic;
    Handler handler;
    std::vector<std::string> segments;  ///< the pattern split on '/'; "{}" marks a parameter
};

/// Matches paths against route templates segment by segment.
class Router {
public:
    /// Registers a route. Later registrations do not override earlier ones.
    void add(std::string method, std::string pattern, Family family, Handler handler);
    /// The route for this method and path, filling `params`; nullptr when none matches.
    /// `path_known` is set when some route matches the path with another method.
    const Route* match(const std::string& method, const std::string& path, std::vector<std::string>& params,
                       bool& path_known) const;

private:
    std::vector<Route> m_routes;
};

/// Registers every Fastly API route.
void add_customer_routes(Router& router);
void add_user_routes(Router& router);
void add_invitation_routes(Router& router);
void add_role_routes(Router& router);
void add_group_routes(Router& router);
void add_misc_routes(Router& router);
void add_service_authorization_routes(Router& router);
void add_token_routes(Router& router);
void add_event_routes(Router& router);

}  // namespace fastly_emulator
