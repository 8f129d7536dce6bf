#pragma once

#include <stdexcept>
#include <string>

namespace fastly_emulator {

/// An API answer that is an error: the HTTP status, Fastly's short `msg` and an optional `detail`.
/// Handlers throw it; the dispatcher renders it as `{"msg","detail"}` or as a JSON:API `errors` list.
class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string msg, std::string detail = {})
        : std::runtime_error(msg + (detail.empty() ? "" : ": " + detail)), m_status(status), m_msg(std::move(msg)),
          m_detail(std::move(detail)) {}

    int status() const { return m_status; }
    const std::string& msg() const { return m_msg; }
    const std::string& detail() const { return m_detail; }

private:
    int m_status;
    std::string m_msg;
    std::string m_detail;
};

/// 400 `{"msg":"Bad request","detail":detail}`.
inline ApiError bad_request(std::string detail) {
    return {400, "Bad request", std::move(detail)};
}
/// 404 `{"msg":"Record not found","detail":detail}`.
inline ApiError not_found(std::string detail) {
    return {404, "Record not found", std::move(detail)};
}
/// 404 `{"msg":"Record not found","detail":"Cannot find <type> '<id>'"}`, the recorded wording: `type` is
/// the record's kind in lower case, run together ("user", "serviceauthorization"; so "usergroup").
inline ApiError record_not_found(const std::string& type, const std::string& id) {
    return not_found("Cannot find " + type + " '" + id + "'");
}
/// 409 `{"msg":"Duplicate record","detail":detail}`.
inline ApiError duplicate(std::string detail) {
    return {409, "Duplicate record", std::move(detail)};
}
/// 403 `{"msg":"Forbidden","detail":detail}`.
inline ApiError forbidden(std::string detail) {
    return {403, "Forbidden", std::move(detail)};
}

}  // namespace fastly_emulator
