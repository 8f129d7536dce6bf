#pragma once

#include <fastly_accounts/live/api_client.hpp>
#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/util/error.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

/// Reading API response bodies into the model. Tolerant as the real API requires: unknown fields are
/// ignored, `null` stands for "not set" wherever a string or boolean is expected. Malformed bodies
/// throw util::Error saying what was expected. An object the tool may name in a request path or body
/// (customer, user, invitation, role, permission, service, group) without an `id`, or with an empty
/// one, is malformed: `a user without an "id"`; nothing is ever sent with an empty id.
namespace fastly_accounts::live::json {

using nlohmann::json;

/// One page of a list, whatever the pagination style, and whether another page follows.
struct Page {
    std::vector<json> items;
    bool more = false;
    std::string next_cursor;     ///< cursor style only
    long long total_pages = 0;   ///< meta.total_pages of IAM and JSON:API pages; 0 when absent or invalid
    long long current_page = 0;  ///< meta.current_page of IAM and JSON:API pages; 0 when absent or invalid
    int asked_size = 0;          ///< the page size the request asked for, when the reader said (iam_page)
};

/// A body that is not JSON at all. what() says where the parser stopped ("invalid at byte 1", "cut short",
/// "a number out of range"), not what the body held: the caller, which has the answer at hand, describes
/// that (live/answer.hpp).
class NotJsonError : public util::Error {
public:
    using util::Error::Error;
};

/// Bounds of one answer's document, beyond any real answer: what a hostile one could cost is bounded too.
inline constexpr std::size_t max_answer_values = 8'000'000;
/// Objects and arrays cost most as a document (an empty object: some 170 bytes), so they have a bound of their own.
inline constexpr std::size_t max_answer_containers = 1'000'000;

/// Parses `body` as JSON; throws NotJsonError otherwise, and util::Error for a document past the bounds
/// above.
json parse(std::string_view body);

/// A bare JSON array (classic endpoints); never has more pages.
Page bare_array_page(std::string_view body);
/// An IAM page asked for with page size `per_page`: `{data, meta{current_page, total_pages}}`, or
/// `{data}` alone, or a bare array (the IAM envelope is not documented). With meta, another page follows
/// when current_page < total_pages; without it, whenever this page is not empty, since a short page may
/// be the API's own maximum page size rather than the end. An empty page always ends the list.
Page iam_page(std::string_view body, int per_page);
/// A list answered whole, in any envelope: a bare array or `{data:[...]}` (anything else beside `data`,
/// such as `meta`, is ignored). GET /permissions, which takes no paging parameters.
std::vector<json> whole_list(std::string_view body);
/// The target of the `rel="next"` link of an RFC 8288 `Link` header value (`<URL>; rel="next", ...`),
/// or "" when there is none.
std::string link_next(std::string_view header);
/// JSON:API `{data, links, meta}`: another page follows when links.next is present or meta says so.
Page jsonapi_page(std::string_view body);
/// `{data, next_cursor}` (/iam/v1/roles): another page follows when next_cursor is non-empty.
Page cursor_page(std::string_view body);

/// The human-readable message of an error body: classic `{"msg","detail"}`, JSON:API `{"errors":[...]}`
/// or problem+json `{"title","detail"}`. Empty when the body holds none of these.
std::string error_message(std::string_view body);

model::Customer customer(const json& object);
model::TokenUser token_user(const json& object);
/// A user; `roles` holds role ids. `locked`, `limit_services`, `require_new_password` given as null are false.
model::User user(const json& object);
/// A JSON:API invitation resource (`{id, type, attributes}`); `roles` holds role ids.
model::Invitation invitation(const json& resource);
model::CatalogRole catalog_role(const json& object);
/// A JSON:API service authorization (`{id, type, attributes: {permission}, relationships: {user, service}}`).
/// Refused without an id, a user or a service, or with a permission the tool does not know: a grant
/// it cannot read must not be taken for none.
model::ServiceAuthorization service_authorization(const json& resource);
/// An entry of GET /customer/{id}/tokens.
model::ApiToken api_token(const json& object);

/// One event of GET /events: a JSON:API resource {"id", "type": "event", "attributes": {...}}.
model::Event event(const json& resource);
/// The permission names of GET /iam/v1/roles/{id}?include=permissions: the role (or `{data: role}`)'s
/// `permissions`, strings or objects with a `name` (else their `id`). Empty when it has none.
std::vector<std::string> role_permission_names(const json& role);
model::Permission permission(const json& object);
model::Service service(const json& object);
NamedObject named_object(const json& object);
/// An entry of `relation`'s list (a member, a role, a service group, a service or a permission). Its id
/// may be missing when it has a name (readers fall back on the name); one with neither is malformed.
Link link(Relation relation, const json& object);

}  // namespace fastly_accounts::live::json
