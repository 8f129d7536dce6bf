#include "request_util.hpp"

#include <cctype>
#include <charconv>

#include "api_error.hpp"
#include "util.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::optional<size_t> parse_size(const std::string& text) {
    size_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

size_t positive_param(const ApiRequest& request, const char* name, size_t fallback, size_t max) {
    const std::string* text = request.query_value(name);
    if (!text || text->empty()) {
        return fallback;
    }
    std::optional<size_t> value = parse_size(*text);
    if (!value || *value == 0 || *value > max) {
        throw bad_request(std::string(name) + " must be an integer between 1 and " + std::to_string(max));
    }
    return *value;
}

std::string jsonapi_link(const std::string& base, size_t number, size_t size) {
    return base + "?page%5Bnumber%5D=" + std::to_string(number) + "&page%5Bsize%5D=" + std::to_string(size);
}

}  // namespace

std::string percent_decode(const std::string& text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int hi = hex_value(text[i + 1]);
            int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
    return out;
}

InputFields InputFields::from_request(const ApiRequest& request) {
    InputFields fields;
    std::string type = to_lower(request.header("content-type"));
    size_t first = request.body.find_first_not_of(" \t\r\n");
    bool looks_json = first != std::string::npos && request.body[first] == '{';
    if (type.find("json") != std::string::npos || (type.empty() && looks_json)) {
        json body = json_body(request);
        for (const auto& item : body.items()) {
            std::string key = item.key();
            auto& values = fields.m_values[key];
            const json& value = item.value();
            if (value.is_array()) {
                for (const json& element : value) {
                    values.push_back(element.is_string() ? element.get<std::string>() : element.dump());
                }
            } else if (value.is_string()) {
                values.push_back(value.get<std::string>());
            } else if (!value.is_null()) {
                values.push_back(value.dump());
            }
        }
        return fields;
    }
    size_t start = 0;
    const std::string& body = request.body;
    while (start < body.size()) {
        size_t end = body.find('&', start);
        if (end == std::string::npos) {
            end = body.size();
        }
        std::string pair = body.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) {
            continue;
        }
        size_t eq = pair.find('=');
        std::string key = percent_decode(pair.substr(0, eq), true);
        std::string value = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), true);
        if (key.size() > 2 && key.compare(key.size() - 2, 2, "[]") == 0) {
            key.resize(key.size() - 2);
        }
        fields.m_values[key].push_back(value);
    }
    return fields;
}

std::optional<std::string> InputFields::text(const std::string& key) const {
    auto it = m_values.find(key);
    if (it == m_values.end() || it->second.empty()) {
        return it == m_values.end() ? std::nullopt : std::optional<std::string>("");
    }
    return it->second.back();
}

std::optional<bool> InputFields::boolean(const std::string& key) const {
    std::optional<std::string> value = text(key);
    if (!value) {
        return std::nullopt;
    }
    std::string lowered = to_lower(*value);
    if (lowered == "true" || lowered == "1") {
        return true;
    }
    if (lowered == "false" || lowered == "0") {
        return false;
    }
    throw bad_request(key + " must be true or false, not '" + *value + "'");
}

std::vector<std::string> InputFields::list(const std::string& key) const {
    std::vector<std::string> out;
    auto it = m_values.find(key);
    if (it == m_values.end()) {
        return out;
    }
    for (const std::string& value : it->second) {
        for (std::string& piece : split_list(value, ',')) {
            out.push_back(std::move(piece));
        }
    }
    return out;
}

json json_body(const ApiRequest& request) {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return json::object();
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        throw bad_request("the request body is not valid JSON");
    }
    if (!body.is_object()) {
        throw bad_request("the request body must be a JSON object");
    }
    return body;
}

size_t page_size_param(const ApiRequest& request, const char* name, size_t fallback, const Compat& compat) {
    const size_t max = compat.page_size_max;
    if (compat.page_size_over == Compat::PageSizeOver::reject) {
        return positive_param(request, name, std::min(fallback, max), max);
    }
    return std::min(positive_param(request, name, fallback, 1000000000), max);
}

size_t page_number_param(const ApiRequest& request, const char* name) {
    return positive_param(request, name, 1, 1000000);
}

PageRequest iam_page_request(const ApiRequest& request, const Compat& compat, size_t default_size) {
    PageRequest page;
    page.envelope = compat.iam_envelope;
    page.size = page_size_param(request, "per_page", default_size, compat);
    page.size = page_size_param(request, "limit", page.size, compat);
    if (const std::string* cursor = request.query_value("cursor")) {
        page.cursor_style = true;
        if (!cursor->empty()) {
            std::optional<size_t> offset = parse_size(*cursor);
            if (!offset) {
                throw bad_request("cursor '" + *cursor + "' is not valid");
            }
            page.offset = *offset;
        }
    } else {
        size_t number = positive_param(request, "page", 1, 1000000);
        page.offset = (number - 1) * page.size;
    }
    if (compat.paging == Compat::Paging::ignored) {
        page.whole = true;
    } else if (compat.paging == Compat::Paging::first_page) {
        page.offset = 0;
    }
    return page;
}

namespace {

// The page actually answered: with paging ignored, all of the list at once.
PageRequest effective(size_t total, const PageRequest& page) {
    PageRequest out = page;
    if (page.whole) {
        out.offset = 0;
        out.size = std::max<size_t>(total, 1);
    }
    return out;
}

}  // namespace

json iam_page(size_t total, const PageRequest& requested, const ItemRenderer& render) {
    const PageRequest page = effective(total, requested);
    json data = json::array();
    for (size_t i = page.offset; i < total && i < page.offset + page.size; ++i) {
        data.push_back(render(i));
    }
    if (page.envelope == Compat::IamEnvelope::array) {
        return data;
    }
    json out{{"data", data}};
    if (page.envelope == Compat::IamEnvelope::meta) {
        out["meta"] = {{"current_page", page.offset / page.size + 1},
                       {"per_page", page.size},
                       {"record_count", total},
                       {"total_pages", (total + page.size - 1) / page.size}};
    }
    if (page.cursor_style) {
        out["next_cursor"] = page.offset + page.size < total ? std::to_string(page.offset + page.size) : "";
    }
    return out;
}

namespace {

struct JsonapiPage {
    size_t number = 1;
    size_t size = 20;
    size_t pages = 0;
    std::string base;  ///< absolute URL of the list, for the links
};

JsonapiPage jsonapi_page_request(size_t total, const ApiRequest& request, const Compat& compat,
                                 const std::string& path) {
    JsonapiPage page;
    page.number = positive_param(request, "page[number]", 1, 1000000);
    page.size = page_size_param(request, "page[size]", 20, compat);
    page.pages = (total + page.size - 1) / page.size;
    std::string host = request.header("host");
    page.base = "http://" + (host.empty() ? std::string("127.0.0.1") : host) + path;
    return page;
}

}  // namespace

json jsonapi_page(size_t total, const ApiRequest& request, const Compat& compat, const std::string& path,
                  const ItemRenderer& render) {
    JsonapiPage request_page = jsonapi_page_request(total, request, compat, path);
    size_t number = request_page.number;
    size_t size = request_page.size;
    size_t pages = request_page.pages;
    const std::string& base = request_page.base;
    json data = json::array();
    for (size_t i = (number - 1) * size; i < total && i < number * size; ++i) {
        data.push_back(render(i));
    }
    json links = json::object();
    if (number > 1) {
        links["first"] = jsonapi_link(base, 1, size);
        links["prev"] = jsonapi_link(base, number - 1, size);
    }
    if (number < pages) {
        links["next"] = jsonapi_link(base, number + 1, size);
    }
    links["last"] = jsonapi_link(base, pages == 0 ? 1 : pages, size);
    return {{"data", data},
            {"links", links},
            {"meta", {{"current_page", number}, {"per_page", size}, {"record_count", total}, {"total_pages", pages}}}};
}

std::string iam_page_text(size_t total, const PageRequest& requested, const ItemWriter& write) {
    const PageRequest page = effective(total, requested);
    std::string text;
    JsonText out(text);
    const bool bare = page.envelope == Compat::IamEnvelope::array;
    if (!bare) {
        out.begin_object();
        out.key("data");
    }
    out.begin_array();
    for (size_t i = page.offset; i < total && i < page.offset + page.size; ++i) {
        write(out, i);
    }
    out.end_array();
    if (bare) {
        return text;
    }
    if (page.envelope == Compat::IamEnvelope::meta) {
        out.key("meta");
        out.begin_object();
        out.member("current_page", static_cast<std::uint64_t>(page.offset / page.size + 1));
        out.member("per_page", static_cast<std::uint64_t>(page.size));
        out.member("record_count", static_cast<std::uint64_t>(total));
        out.member("total_pages", static_cast<std::uint64_t>((total + page.size - 1) / page.size));
        out.end_object();
    }
    if (page.cursor_style) {
        out.member("next_cursor",
                   page.offset + page.size < total ? std::to_string(page.offset + page.size) : std::string());
    }
    out.end_object();
    return text;
}

std::string jsonapi_page_text(size_t total, const ApiRequest& request, const Compat& compat, const std::string& path,
                              const ItemWriter& write) {
    JsonapiPage page = jsonapi_page_request(total, request, compat, path);
    std::string text;
    JsonText out(text);
    out.begin_object();
    out.key("data");
    out.begin_array();
    for (size_t i = (page.number - 1) * page.size; i < total && i < page.number * page.size; ++i) {
        write(out, i);
    }
    out.end_array();
    out.key("links");
    out.begin_object();
    if (page.number > 1) {
        out.member("first", jsonapi_link(page.base, 1, page.size));
    }
    out.member("last", jsonapi_link(page.base, page.pages == 0 ? 1 : page.pages, page.size));
    if (page.number < page.pages) {
        out.member("next", jsonapi_link(page.base, page.number + 1, page.size));
    }
    if (page.number > 1) {
        out.member("prev", jsonapi_link(page.base, page.number - 1, page.size));
    }
    out.end_object();
    out.key("meta");
    out.begin_object();
    out.member("current_page", static_cast<std::uint64_t>(page.number));
    out.member("per_page", static_cast<std::uint64_t>(page.size));
    out.member("record_count", static_cast<std::uint64_t>(total));
    out.member("total_pages", static_cast<std::uint64_t>(page.pages));
    out.end_object();
    out.end_object();
    return text;
}

// Unreserved characters stay, everything else is %XX: a query value that survives any URL parser.
std::string query_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::pair<size_t, size_t> link_header_page(size_t total, const ApiRequest& request, const std::string& path,
                                           ApiResponse& response) {
    const size_t number = positive_param(request, "page", 1, 1000000);
    const size_t size = positive_param(request, "per_page", 20, 1000);
    const size_t pages = (total + size - 1) / size;
    if (pages > 1) {
        // Keys sorted, as in the recording (direction, page, per_page, sort); page and per_page replaced.
        std::map<std::string, std::string> query;
        for (const auto& [key, value] : request.query) {
            query.emplace(key, value);
        }
        std::string host = request.header("host");
        const std::string base = "http://" + (host.empty() ? std::string("127.0.0.1") : host) + path;
        auto link = [&](size_t page, const char* rel) {
            query["page"] = std::to_string(page);
            query["per_page"] = std::to_string(size);
            std::string target;
            for (const auto& [key, value] : query) {
                target += (target.empty() ? "?" : "&") + query_encode(key) + "=" + query_encode(value);
            }
            return "<" + base + target + ">; rel=\"" + rel + "\"";
        };
        std::vector<std::string> links;
        if (number > 1) {
            links.push_back(link(1, "first"));
            links.push_back(link(std::min(number - 1, pages), "prev"));
        }
        links.push_back(link(pages, "last"));
        if (number < pages) {
            links.push_back(link(number + 1, "next"));
        }
        std::string header;
        for (const std::string& entry : links) {
            header += (header.empty() ? "" : ", ") + entry;
        }
        response.headers.emplace_back("Link", header);
    }
    const size_t first = std::min(total, (number - 1) * size);
    return {first, std::min(total, first + size)};
}

void answer_change(Context& ctx, bool add, const json& owner) {
    ctx.committed = true;
    if (add) {
        ctx.response.set_json(201, owner);
    } else {
        ctx.response.status = 204;
    }
}

const json& object_member(const json& parent, const char* key, const std::string& path) {
    static const json empty = json::object();
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
        return empty;
    }
    if (!it->is_object()) {
        throw bad_request(path + " must be an object");
    }
    return *it;
}

std::string optional_text(const json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) {
        return {};
    }
    if (!it->is_string()) {
        throw bad_request(std::string(key) + " must be a string");
    }
    return it->get<std::string>();
}

std::vector<std::string> id_list(const json& body, const std::string& key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_array()) {
        throw bad_request(key + " must be a list of objects with an id");
    }
    std::vector<std::string> ids;
    for (const json& item : *it) {
        if (item.is_string()) {
            ids.push_back(item.get<std::string>());
        } else if (item.is_object() && item.contains("id") && item["id"].is_string()) {
            ids.push_back(item["id"].get<std::string>());
        } else {
            throw bad_request(key + " must be a list of objects with an id");
        }
    }
    return ids;
}

}  // namespace fastly_emulator
