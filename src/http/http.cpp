#include <fastly_accounts/http/http.hpp>
#include <fastly_accounts/util/strings.hpp>

namespace fastly_accounts::http {

std::string_view to_string(TransportError error) {
    switch (error) {
        case TransportError::none:
            return "no error";
        case TransportError::timeout:
            return "timed out";
        case TransportError::connect:
            return "connection failed";
        case TransportError::tls:
            return "TLS failure";
        case TransportError::dropped:
            return "connection dropped";
        case TransportError::body_too_large:
            return "answer too large";
        case TransportError::headers_too_large:
            return "answer's headers too large";
        case TransportError::other:
            return "transport error";
    }
    return "transport error";
}

std::optional<std::string> Response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (util::iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

std::string percent_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
            byte == '-' || byte == '.' || byte == '_' || byte == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
    return out;
}

std::string_view reason_phrase(long status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 304:
            return "Not Modified";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "";
    }
}

}  // namespace fastly_accounts::http
