#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "emulator.hpp"
#include "state_io.hpp"

namespace fastly_emulator::testing {

/// 2024-01-15T10:20:00Z: every in-process test runs on this pinned wall clock.
inline constexpr EpochSeconds pinned_time = 1705314000;

/// An in-process emulator with a pinned clock, called through `Emulator::handle`.
class Harness {
public:
    explicit Harness(EmulatorOptions options = {}, const nlohmann::json& seed = nullptr);

    /// Sends a request as `token` (empty: no Fastly-Key header). `content_type` defaults by body shape.
    ApiResponse call(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::string& token = default_superuser_token, std::string content_type = "");
    /// The response body parsed as JSON (null for an empty body).
    static nlohmann::json body(const ApiResponse& response);
    /// GET `target` as the superuser, asserting 200, and returns the parsed body.
    nlohmann::json get(const std::string& target);
    /// Sends JSON and returns the parsed answer, asserting the status.
    nlohmann::json send_json(const std::string& method, const std::string& target, const nlohmann::json& body,
                             int expected_status, const std::string& token = default_superuser_token);
    /// ID of a role by name.
    std::string role_id(const std::string& name);

    Emulator emulator;
};

}  // namespace fastly_emulator::testing
