#pragma once

#include <fastly_accounts/http/client.hpp>
#include <fastly_accounts/live/api_client.hpp>
#include <fastly_accounts/live/json_parse.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

namespace fastly_accounts::live {

/// ApiClient over HTTP: the real Fastly API, or fastly-emulator. Lists are read with the page size
/// below, following every page whatever the pagination style of the endpoint.
class CurlApiClient : public ApiClient {
public:
    /// Page size asked of paginated lists.
    static constexpr int page_size = 100;
    /// Page size asked of a route's lists once the API refused `page_size` with 400: the documented
    /// default of the IAM and JSON:API lists.
    static constexpr int fallback_page_size = 20;
    /// Page size asked of GET /service (a recording shows 200 honoured; its default is 20).
    static constexpr int service_page_size = 200;

    explicit CurlApiClient(http::Client& client) : m_client(client) {}

    model::Customer current_customer() override;
    model::TokenUser current_user() override;
    std::vector<model::User> list_users(const std::string& customer_id) override;
    std::string create_user(const model::User& user) override;
    void update_user(const std::string& id, const model::User& user) override;
    void delete_user(const std::string& id) override;
    std::vector<model::Invitation> list_invitations() override;
    ListPage<model::Invitation> list_invitations_page(int number) override;
    std::string create_invitation(const std::string& customer_id, const model::Invitation& invitation) override;
    void delete_invitation(const std::string& id) override;
    std::vector<model::CatalogRole> list_role_catalog() override;
    std::optional<std::vector<model::CatalogRole>> list_legacy_roles() override;
    std::vector<std::string> role_permission_names(const std::string& role_id) override;
    std::vector<model::Permission> list_permissions() override;
    std::vector<model::Service> list_services() override;
    std::vector<NamedObject> list(Collection collection) override;
    ListPage<NamedObject> list_page(Collection collection, int number) override;
    std::string create(Collection collection, const std::string& name,
                       const std::optional<std::string>& description) override;
    void update(Collection collection, const std::string& id, const std::optional<std::string>& name,
                const std::optional<std::string>& description) override;
    void remove(Collection collection, const std::string& id) override;
    std::vector<Link> list_links(Relation relation, const std::string& owner_id) override;
    ListPage<Link> list_links_page(Relation relation, const std::string& owner_id, int number) override;
    std::vector<model::ServiceAuthorization> list_service_authorizations() override;
    ListPage<model::ServiceAuthorization> list_service_authorizations_page(int number) override;
    std::string create_service_authorization(const std::string& user_id, const std::string& service_id,
                                             model::ServicePermission permission) override;
    void update_service_authorizations(
        const std::vector<std::pair<std::string, model::ServicePermission>>& updates) override;
    void delete_service_authorizations(const std::vector<std::string>& ids) override;
    void update_customer(const std::string& customer_id, const model::CustomerSettings& settings) override;
    std::vector<model::ApiToken> list_tokens(const std::string& customer_id) override;
    std::string current_token_id() override;
    EventsRead list_events(const std::string& customer_id, const std::string& event_type, const std::string& since,
                           int max_pages, const std::function<bool(const std::vector<model::Event>&)>& page) override;
    void delete_token(const std::string& id) override;
    void add_links(Relation relation, const std::string& owner_id, const std::vector<Link>& links) override;
    void remove_links(Relation relation, const std::string& owner_id, const std::vector<Link>& links) override;

    /// How an endpoint splits a list into pages: not at all; IAM `page`/`per_page`; JSON:API
    /// `page[number]`/`page[size]`; `cursor`/`limit`; `page`/`per_page` with the next page in an RFC 8288
    /// `Link` header (GET /service).
    enum class Paging { none, iam, jsonapi, cursor, link };

private:
    /// Sends `request` (the HTTP layer retrying as it decides) and notes it for a RequestRecorder.
    http::Response send(const http::Request& request);
    /// Sends `request`; returns a 2xx answer, throws make_api_error's ApiError/AuthError otherwise.
    http::Response call(const http::Request& request);

    /// Page `number` of the list at `path` (for cursor paging: the page at `cursor`), with the page count
    /// the answer states, as in ListPage; for Link paging `next_cursor` holds the next page's URL. Throws
    /// ApiError when the answer says it is another page than the one asked for.
    json::Page fetch_page(const std::string& path, Paging paging, int number, const std::string& cursor);

    /// The Link-paged page of `path` at request target `target`.
    json::Page fetch_link_page(const std::string& path, const std::string& target);

    /// Sets `page.more` and, in `page.next_cursor`, the URL of the next page from `response`'s Link header.
    static void follow_link(json::Page& page, const http::Response& response);

    /// Every item of the list at `path`, following its pages one after another. Stops, without the
    /// repeated entries, when a page repeats the one before (see paging::repeats_previous).
    std::vector<nlohmann::json> list_all(const std::string& path, Paging paging);

    /// For an IAM page of `path` without meta: records it, and returns true when page `number` repeats
    /// page `number - 1` (the API ignores `page`).
    bool repeats_last_page(const std::string& path, int number, const json::Page& page);

    /// What a repeated page means, asked of the API with a page of one entry: the end of a list the API
    /// answers whole (an empty last page), or an ApiError when the API pages by size but ignores `page`.
    json::Page after_repeat(const std::string& path, const http::Request& request, const json::Page& page);

    /// The page size to ask of the list at `path`; 0 for endpoints that take none.
    int page_size_for(const std::string& path, Paging paging) const;

    /// After a 400 to a page of `path` asked with `refused` entries: asks the fallback size of that route
    /// from now on and returns true, or returns false when `refused` was that size already.
    bool fall_back(const std::string& path, int refused);

    /// Page `number` of the list at `path`, its items converted with `convert`.
    template <typename T, typename Convert>
    ListPage<T> list_page_of(const std::string& path, Paging paging, int number, Convert convert);

    /// Parses the body of the 2xx `response` with `read`. A body that cannot be read becomes an ApiError
    /// with the answer's status, on one line: the request, the status, what is wrong, and what came back
    /// (live::describe_content): "GET /current_customer -> 200 OK: an HTML page, not the Fastly API's JSON
    /// (text/html, 1532 bytes): <!DOCTYPE html>…".
    template <typename Read>
    auto read_body(const http::Request& request, const http::Response& response, Read read)
        -> decltype(read(response.body));

    http::Client& m_client;
    mutable std::mutex m_sizes_mutex;
    std::map<std::string, int> m_page_sizes;  ///< by route ("/user-groups/*/members"), after a fallback
    std::mutex m_last_pages_mutex;
    /// IAM lists without meta being read: path -> the number of the last page read, and what tells it
    /// from another (its length and its first and last ids).
    std::map<std::string, std::pair<int, std::string>> m_last_pages;
};

/// The ApiError (an AuthError for 401) describing a failed `response` to `request`, on one line: the
/// request, then the transport error (with the option that raises a size limit), or the status and what
/// the API said (escaped), or for a body that is none of its error bodies what came back
/// (live::describe_content), or for a redirect where it points and that the endpoint is probably wrong.
ApiError make_api_error(const http::Request& request, const http::Response& response);

}  // namespace fastly_accounts::live
