#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api.hpp"
#include "json_text.hpp"

namespace fastly_emulator {

/// Decodes `%XX` escapes, and `+` as a space when `plus_is_space` (form bodies).
std::string percent_decode(const std::string& text, bool plus_is_space);

/// Fields of a classic endpoint's body: form-urlencoded or a JSON object. Keys `name[]` count as `name`;
/// repeated keys accumulate; JSON arrays become several values.
class InputFields {
public:
    /// Parses the request body. Throws 400 for a body that is neither.
    static InputFields from_request(const ApiRequest& request);

    /// True when the field was sent at all.
    bool has(const std::string& key) const { return m_values.count(key) != 0; }
    /// The last value sent for `key`, or nullopt.
    std::optional<std::string> text(const std::string& key) const;
    /// A boolean field: true/false/1/0. Throws 400 naming the field for anything else.
    std::optional<bool> boolean(const std::string& key) const;
    /// A list field: every value, comma-separated values split.
    std::vector<std::string> list(const std::string& key) const;

private:
    std::map<std::string, std::vector<std::string>> m_values;
};

/// The body as a JSON object. Throws 400 when it is not one (an empty body is an empty object).
nlohmann::json json_body(const ApiRequest& request);

/// A page request of the IAM families: 1-based page and page size.
struct PageRequest {
    size_t offset = 0;
    size_t size = 20;
    bool cursor_style = false;  ///< the client sent `cursor`; answer with `next_cursor` too
    bool whole = false;         ///< paging is ignored (compat): the whole list, whatever was asked
    Compat::IamEnvelope envelope = Compat::IamEnvelope::meta;
};

/// Reads `page`/`per_page` (default 1 and 20) or `cursor`/`per_page`/`limit`, as `compat` says: a page
/// size above compat.page_size_max is refused (400) or clamped; with paging ignored the whole list is
/// answered. Throws 400 for bad values.
PageRequest iam_page_request(const ApiRequest& request, const Compat& compat, size_t default_size = 20);

/// A page size parameter (`per_page`, `limit`, `page[size]`): `fallback` when absent; above
/// compat.page_size_max refused (400) or clamped, as compat.page_size_over says. Throws 400 otherwise.
size_t page_size_param(const ApiRequest& request, const char* name, size_t fallback, const Compat& compat);

/// A 1-based page number parameter (`page[number]`, `page`): `1` when absent; 400 unless 1-1000000.
size_t page_number_param(const ApiRequest& request, const char* name);

/// `text` with every character but the unreserved ones (letters, digits, `-._~`) as `%XX`.
std::string query_encode(const std::string& text);

/// Renders the item at an index; only the items of the requested page are rendered.
using ItemRenderer = std::function<nlohmann::json(size_t index)>;

/// One page of `total` items in the IAM envelope `page.envelope`: `{"data":[...], "meta":{current_page,
/// per_page, record_count, total_pages}}`, `{"data":[...]}` or a bare array (plus `next_cursor` in the
/// object forms when the client paginates by cursor).
nlohmann::json iam_page(size_t total, const PageRequest& page, const ItemRenderer& render);

/// The JSON:API list envelope `{data, links, meta}` for one page of `total` items of `path`
/// (e.g. "/invitations"), read from `page[number]` and `page[size]` (sizes as compat says). Throws 400
/// for bad values.
nlohmann::json jsonapi_page(size_t total, const ApiRequest& request, const Compat& compat, const std::string& path,
                            const ItemRenderer& render);

/// Writes the item at an index as JSON text.
using ItemWriter = std::function<void(JsonText& out, size_t index)>;

/// `iam_page` written straight as text (the same bytes as `iam_page(...).dump()`), for big lists.
std::string iam_page_text(size_t total, const PageRequest& page, const ItemWriter& write);

/// `jsonapi_page` written straight as text (the same bytes as `jsonapi_page(...).dump()`).
std::string jsonapi_page_text(size_t total, const ApiRequest& request, const Compat& compat, const std::string& path,
                              const ItemWriter& write);

/// The classic `/service` paging: `page` (default 1) and `per_page` (default 20, at most 1000). Sets
/// `first`/`prev`/`last`/`next` in an RFC 8288 `Link` header on `response` (absolute URLs keeping the
/// request's other query parameters) when the list spans more than one page, and returns the index range
/// [first, last) of the page's items. Throws 400 for bad values.
std::pair<size_t, size_t> link_header_page(size_t total, const ApiRequest& request, const std::string& path,
                                           ApiResponse& response);

/// Adds `values` to `list` (each at most once) or removes them from it: the incremental edit behind every
/// membership-like sub-resource (members, roles, service groups, services, permissions).
template <class T>
void edit(std::vector<T>& list, const std::vector<T>& values, bool add) {
    for (const T& value : values) {
        const auto found = std::find(list.begin(), list.end(), value);
        if (add && found == list.end()) {
            list.push_back(value);
        } else if (!add) {
            list.erase(std::remove(list.begin(), list.end(), value), list.end());
        }
    }
}

/// Commits a membership change and answers it: 201 with `owner` (the group or role) after an addition,
/// 204 with no body after a removal.
void answer_change(Context& ctx, bool add, const nlohmann::json& owner);

/// The object member `key` of `parent` (an empty object when absent or null). Throws 400 "<path> must be
/// an object" when it is something else.
const nlohmann::json& object_member(const nlohmann::json& parent, const char* key, const std::string& path);

/// The string member `key` of a JSON body; empty when absent or null. Throws 400 when it is not a string.
std::string optional_text(const nlohmann::json& body, const char* key);

/// Reads an ID list like `{"roles":[{"id":"..."}]}` (bare strings tolerated). Throws 400 when malformed.
std::vector<std::string> id_list(const nlohmann::json& body, const std::string& key);

}  // namespace fastly_emulator
