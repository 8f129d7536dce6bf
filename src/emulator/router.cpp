#include "api.hpp"
#include "api_error.hpp"
#include "util.hpp"

namespace fastly_emulator {

namespace {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    size_t start = 1;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) {
            end = path.size();
        }
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    // A trailing slash is tolerated: "/user/" matches "/user".
    if (!out.empty() && out.back().empty() && out.size() > 1) {
        out.pop_back();
    }
    return out;
}

}  // namespace

std::string ApiRequest::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

const std::string* ApiRequest::query_value(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
}

void ApiResponse::set_json(int code, const nlohmann::json& value, const char* type) {
    status = code;
    content_type = type;
    body = value.dump();
}

void ApiResponse::set_text(int code, std::string text, const char* type) {
    status = code;
    content_type = type;
    body = std::move(text);
}

std::string ApiResponse::header(const std::string& name) const {
    std::string wanted = to_lower(name);
    for (const auto& [key, value] : headers) {
        if (to_lower(key) == wanted) {
            return value;
        }
    }
    return {};
}

void Context::require_superuser(const std::string& action) const {
    if (!caller_is_superuser()) {
        throw forbidden("only a superuser may " + action);
    }
}

void Router::add(std::string method, std::string pattern, Family family, Handler handler) {
    Route route{std::move(method), std::move(pattern), family, std::move(handler), {}};
    route.segments = split_path(route.pattern);
    for (std::string& segment : route.segments) {
        if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
            segment = "{}";
        }
    }
    m_routes.push_back(std::move(route));
}

const Route* Router::match(const std::string& method, const std::string& path, std::vector<std::string>& params,
                           bool& path_known) const {
    path_known = false;
    if (path.empty() || path.front() != '/') {
        return nullptr;
    }
    std::vector<std::string> segments = split_path(path);
    for (const Route& route : m_routes) {
        if (route.segments.size() != segments.size()) {
            continue;
        }
        std::vector<std::string> found;
        bool ok = true;
        for (size_t i = 0; i < segments.size() && ok; ++i) {
            if (route.segments[i] == "{}") {
                ok = !segments[i].empty();
                found.push_back(segments[i]);
            } else {
                ok = route.segments[i] == segments[i];
            }
        }
        if (!ok) {
            continue;
        }
        // HEAD is answered by the GET handler, as HTTP servers do.
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            params = std::move(found);
            return &route;
        }
        path_known = true;
    }
    return nullptr;
}

}  // namespace fastly_emulator
