#pragma once

#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/model/state.hpp>
#include <fastly_accounts/util/error.hpp>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fastly_accounts::live {

/// How a failed request ended, beyond its status: filled from the http::Response it came from.
struct FailureDetail {
    int attempts = 1;                   ///< how many times the request was sent
    bool budget_spent = false;          ///< a 429 read as the hourly write budget spent (http::RetryPolicy)
    std::optional<long long> retry_at;  ///< with budget_spent: when the budget resets (epoch seconds), if known
};

/// A request the API answered with an error, or that got no answer. The message names the request and
/// what the API said: "GET /user-groups?page=2 -> 503 Service Unavailable (after 4 attempts)".
class ApiError : public util::Error {
public:
    ApiError(std::string message, long status, std::string method, std::string target, FailureDetail detail = {})
        : util::Error(std::move(message)), m_status(status), m_method(std::move(method)), m_target(std::move(target)),
          m_detail(detail) {}

    long status() const { return m_status; }  ///< 0 when no answer arrived
    const std::string& method() const { return m_method; }
    const std::string& target() const { return m_target; }
    /// How many times the request was sent before this answer (the HTTP layer's retries included).
    int attempts() const { return m_detail.attempts; }
    /// True for a 429 that means the hourly write budget is spent: the HTTP layer has waited what it may,
    /// and the run must stop (exit 5). A 429 without it is a throttle that outlasted the retries: a failure.
    bool budget_spent() const { return m_detail.budget_spent; }
    /// With budget_spent(): when (epoch seconds) the budget resets, from Fastly-RateLimit-Reset or Retry-After.
    std::optional<long long> retry_at() const { return m_detail.retry_at; }
    /// True when the request may or may not have taken effect: no answer arrived, or a 5xx came back.
    bool outcome_unknown() const { return m_status == 0 || m_status >= 500; }

private:
    long m_status;
    std::string m_method;
    std::string m_target;
    FailureDetail m_detail;
};

/// The token was refused (401): nothing else will work, so this stops the run with a clear remedy.
class AuthError : public ApiError {
public:
    using ApiError::ApiError;
};

/// A request as an ApiClient sent it: what the journal records of each change.
struct SentRequest {
    std::string method;
    std::string target;  ///< path and query, as sent
    long status = 0;     ///< the final answer's; 0 when none came
    int attempts = 1;    ///< sends, the HTTP layer's retries included
};

/// Collects, while it lives, the requests ApiClient implementations send on this thread; recorders nest
/// and the innermost one collects. So apply can journal what each change really sent, whatever thread
/// of the pool ran it.
class RequestRecorder {
public:
    RequestRecorder();
    ~RequestRecorder();
    RequestRecorder(const RequestRecorder&) = delete;
    RequestRecorder& operator=(const RequestRecorder&) = delete;

    const std::vector<SentRequest>& sent() const { return m_sent; }
    /// Hands `request` to this thread's innermost recorder; nothing happens when there is none.
    static void note(SentRequest request);

private:
    RequestRecorder* m_outer;
    std::vector<SentRequest> m_sent;
};

/// The three IAM collections that are named sets with a description.
enum class Collection { user_groups, service_groups, roles };

/// "user group", "service group", "role".
std::string_view noun(Collection collection);

/// The membership-like sub-resources, all added to and removed from incrementally.
enum class Relation {
    user_group_members,         ///< users and invitations in a user group
    user_group_roles,           ///< roles granted by a user group
    user_group_service_groups,  ///< service groups a user group covers
    service_group_services,     ///< services in a service group
    role_permissions            ///< permissions of a custom role
};

/// How many entries an object's sub-lists hold, as the list naming the object says (user groups:
/// `users_count` + `invitations_count`, `roles_count`, `service_groups_count`; service groups:
/// `services_count`); -1 where it says nothing. A reader may skip a sub-list whose count is 0.
struct SubListCounts {
    long long members = -1;
    long long roles = -1;
    long long service_groups = -1;
    long long services = -1;
};

/// One entry of a collection.
struct NamedObject {
    std::string id;
    std::string name;
    std::string description;
    SubListCounts counts;
};

/// One entry of a relation. Only `id` is needed to add or remove; `type` is "user" or "invitation" for
/// members (required to add them) and empty otherwise; `name` is what the API gave to read it by
/// (a login, an email, a permission name) and may be empty.
struct Link {
    std::string id;
    std::string type;
    std::string name;
};

/// A bound on the pages of any list, so that a server that always says "more" cannot keep a reader looping.
inline constexpr int max_list_pages = 100'000;

/// One page of a list that is read page by page. When `more`, `total_pages` is how many pages the whole
/// list has if the API says so (the `meta` of IAM and JSON:API lists), and 0 if it does not; then the
/// pages can only be read one after another.
template <typename T>
struct ListPage {
    std::vector<T> items;
    bool more = false;  ///< another page follows this one
    int total_pages = 0;
    /// The page size asked for when pages are numbered (0 otherwise). A page that repeats the one before
    /// means the API ignored `page`; the page before was then the whole list only if the API ignored the
    /// size too, that is when this page's length differs from the size asked.
    int asked_size = 0;
};

/// The Fastly Account and IAM API, as the reconciler uses it. List reads return every page; `_page` reads
/// return the one page asked for, so that the pages of a list can be read in parallel. Methods throw
/// ApiError (AuthError for a refused token) when the API answers with an error or not at all.
/// Implementations must allow concurrent calls from several threads.
class ApiClient {
public:
    virtual ~ApiClient() = default;

    virtual model::Customer current_customer() = 0;
    virtual model::TokenUser current_user() = 0;

    /// Users of the customer. In the returned users, `roles` holds IAM role ids, as the API gives them.
    virtual std::vector<model::User> list_users(const std::string& customer_id) = 0;
    /// Creates a user from the set fields of `user` (`roles` as role ids); returns the new id.
    virtual std::string create_user(const model::User& user) = 0;
    /// Sets the set fields of `user` (`roles` as role ids) on the user `id`.
    virtual void update_user(const std::string& id, const model::User& user) = 0;
    virtual void delete_user(const std::string& id) = 0;

    /// Invitations of the customer, pending or not. `roles` holds role ids.
    virtual std::vector<model::Invitation> list_invitations() = 0;
    /// Page `number` (1-based) of what list_invitations() returns.
    virtual ListPage<model::Invitation> list_invitations_page(int number) = 0;
    /// Invites `invitation.email` (`roles` as role ids); returns the invitation id.
    virtual std::string create_invitation(const std::string& customer_id, const model::Invitation& invitation) = 0;
    virtual void delete_invitation(const std::string& id) = 0;

    /// Every IAM role, predefined and custom, from GET /iam/v1/roles. `custom` is set only where the API
    /// says so (that list documents no such field): see list_legacy_roles.
    virtual std::vector<model::CatalogRole> list_role_catalog() = 0;
    /// Every role as the legacy `/roles` API lists it, with `custom` set; nullopt when that API answers
    /// 404 (Fastly retired it: custom roles can then be read, not created, changed or deleted). The
    /// default implementation returns list_role_catalog().
    virtual std::optional<std::vector<model::CatalogRole>> list_legacy_roles();
    /// The names of the permissions of role `role_id` (GET /iam/v1/roles/{id}?include=permissions). The
    /// default implementation reads list_links(Relation::role_permissions, role_id).
    virtual std::vector<std::string> role_permission_names(const std::string& role_id);
    virtual std::vector<model::Permission> list_permissions() = 0;
    virtual std::vector<model::Service> list_services() = 0;

    /// Every service authorization of the customer (GET /service-authorizations, every page).
    virtual std::vector<model::ServiceAuthorization> list_service_authorizations() = 0;
    /// Page `number` (1-based) of what list_service_authorizations() returns.
    virtual ListPage<model::ServiceAuthorization> list_service_authorizations_page(int number) = 0;
    /// Gives user `user_id` the service `service_id` with `permission`; returns the authorization's id.
    virtual std::string create_service_authorization(const std::string& user_id, const std::string& service_id,
                                                     model::ServicePermission permission) = 0;
    /// Sets the permission of each authorization (id -> permission): one PATCH for one, bulk PATCHes of
    /// up to model::api_path::service_authorizations_per_bulk for more.
    virtual void update_service_authorizations(
        const std::vector<std::pair<std::string, model::ServicePermission>>& updates) = 0;
    /// Deletes the authorizations `ids`: one DELETE for one, bulk DELETEs for more (as above).
    virtual void delete_service_authorizations(const std::vector<std::string>& ids) = 0;

    /// Sets the set fields of `settings` on the customer (PUT /customer/{id}, one request): force_2fa,
    /// force_sso, the allowlist, and each contact present, here by user ID (nullopt clears it).
    virtual void update_customer(const std::string& customer_id, const model::CustomerSettings& settings) = 0;

    /// The events of the audit log (GET /events) of `event_type` since `since` (ISO 8601 UTC), asked newest
    /// first, given page by page to `page`, until it returns false, the log ends or `max_pages` are read.
    /// Returns whether the log was read to its end, and the oldest `created_at` seen.
    struct EventsRead {
        bool complete = false;
        std::string oldest;
    };
    virtual EventsRead list_events(const std::string& customer_id, const std::string& event_type,
                                   const std::string& since, int max_pages,
                                   const std::function<bool(const std::vector<model::Event>&)>& page) = 0;

    /// The ID of the token this client sends (GET /tokens/self). The default implementation knows none
    /// and returns an empty string. Throws ApiError as the other reads do.
    virtual std::string current_token_id();

    /// The customer's API tokens (GET /customer/{id}/tokens).
    virtual std::vector<model::ApiToken> list_tokens(const std::string& customer_id) = 0;
    /// Revokes the token `id` (DELETE /tokens/{id}).
    virtual void delete_token(const std::string& id) = 0;

    virtual std::vector<NamedObject> list(Collection collection) = 0;
    /// Page `number` (1-based) of what list(collection) returns.
    virtual ListPage<NamedObject> list_page(Collection collection, int number) = 0;
    /// Creates an entry; returns its id. `description` is sent only when set.
    virtual std::string create(Collection collection, const std::string& name,
                               const std::optional<std::string>& description) = 0;
    /// Changes the set fields of the entry `id`.
    virtual void update(Collection collection, const std::string& id, const std::optional<std::string>& name,
                        const std::optional<std::string>& description) = 0;
    virtual void remove(Collection collection, const std::string& id) = 0;

    virtual std::vector<Link> list_links(Relation relation, const std::string& owner_id) = 0;
    /// Page `number` (1-based) of what list_links(relation, owner_id) returns.
    virtual ListPage<Link> list_links_page(Relation relation, const std::string& owner_id, int number) = 0;
    virtual void add_links(Relation relation, const std::string& owner_id, const std::vector<Link>& links) = 0;
    virtual void remove_links(Relation relation, const std::string& owner_id, const std::vector<Link>& links) = 0;
};

}  // namespace fastly_accounts::live
