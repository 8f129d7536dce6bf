#include "harness.hpp"

#include <doctest/doctest.h>

#include "request_util.hpp"

namespace fastly_emulator::testing {

Harness::Harness(EmulatorOptions options, const nlohmann::json& seed) : emulator(std::move(options)) {
    emulator.with_store([](Store& store) {
        store.wall_clock = [] { return pinned_time; };
        return 0;
    });
    emulator.load(seed.is_null() ? nlohmann::json::object() : seed);
}

ApiResponse Harness::call(const std::string& method, const std::string& target, const std::string& body,
                          const std::string& token, std::string content_type) {
    ApiRequest request;
    request.method = method;
    size_t question = target.find('?');
    request.path = percent_decode(target.substr(0, question), false);
    if (question != std::string::npos) {
        for (const std::string& pair : split_list(target.substr(question + 1), '&')) {
            size_t eq = pair.find('=');
            request.query.emplace(percent_decode(pair.substr(0, eq), true),
                                  eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), true));
        }
    }
    if (!token.empty()) {
        request.headers["fastly-key"] = token;
    }
    if (content_type.empty() && !body.empty()) {
        content_type = body.front() == '{' ? "application/json" : "application/x-www-form-urlencoded";
    }
    if (!content_type.empty()) {
        request.headers["content-type"] = content_type;
    }
    request.headers["host"] = "emulator.test";
    // As the server fills it for a client on loopback.
    request.remote_addr = "127.0.0.1";
    request.body = body;
    return emulator.handle(request);
}

nlohmann::json Harness::body(const ApiResponse& response) {
    return response.body.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(response.body);
}

nlohmann::json Harness::get(const std::string& target) {
    ApiResponse response = call("GET", target);
    INFO(target << " -> " << response.body);
    REQUIRE(response.status == 200);
    return body(response);
}

nlohmann::json Harness::send_json(const std::string& method, const std::string& target, const nlohmann::json& json,
                                  int expected_status, const std::string& token) {
    ApiResponse response = call(method, target, json.dump(), token);
    INFO(method << " " << target << " -> " << response.body);
    REQUIRE(response.status == expected_status);
    return body(response);
}

std::string Harness::role_id(const std::string& name) {
    return emulator.with_store([&](Store& store) {
        Role* role = store.role_by_ref(name);
        REQUIRE(role != nullptr);
        return role->id;
    });
}

}  // namespace fastly_emulator::testing
