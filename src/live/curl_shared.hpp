#pragma once

// What the two halves of CurlApiClient share: curl_api_client.cpp (sending, errors, paging) and
// curl_resources.cpp (the calls, one per endpoint). Internal to src/live.

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <fastly_accounts/live/answer.hpp>
#include <fastly_accounts/live/curl_api_client.hpp>
#include <fastly_accounts/live/json_parse.hpp>
#include <string>

namespace fastly_accounts::live::detail {

inline constexpr const char* form_type = "application/x-www-form-urlencoded";
inline constexpr const char* json_type = "application/json";
inline constexpr const char* jsonapi_type = "application/vnd.api+json";

inline http::Request get(std::string target, const char* accept = json_type) {
    return http::Request{"GET", std::move(target), {{"Accept", accept}}, ""};
}

inline http::Request with_body(std::string method, std::string target, const char* type, std::string body) {
    return http::Request{
        std::move(method), std::move(target), {{"Content-Type", type}, {"Accept", json_type}}, std::move(body)};
}

// "200 OK", or the bare number when the status has no standard reason phrase.
inline std::string status_line(long status) {
    const std::string_view reason = http::reason_phrase(status);
    return reason.empty() ? std::to_string(status) : fmt::format("{} {}", status, reason);
}

}  // namespace fastly_accounts::live::detail

namespace fastly_accounts::live {

template <typename Read>
auto CurlApiClient::read_body(const http::Request& request, const http::Response& response, Read read)
    -> decltype(read(response.body)) {
    // The answer arrived: the error carries its status, so that a create whose answer cannot be read is
    // not taken for one whose outcome is unknown and sent again.
    const auto unreadable = [&](const std::string& problem) {
        return ApiError(fmt::format("{} -> {}: {} {}", request.describe(), detail::status_line(response.status),
                                    problem, describe_content(response)),
                        response.status, request.method, request.target);
    };
    try {
        return read(response.body);
    } catch (const ApiError&) {
        throw;
    } catch (const json::NotJsonError& e) {
        throw unreadable(describe_not_json(response, e.what()));
    } catch (const util::Error& e) {
        throw unreadable(e.what());
    } catch (const nlohmann::json::exception& e) {
        spdlog::debug("{}: {}", request.describe(), e.what());
        throw unreadable("JSON of an unexpected shape");
    }
}

}  // namespace fastly_accounts::live
