#include <doctest/doctest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "live_server.hpp"

using namespace fastly_emulator;
using nlohmann::json;

using fastly_emulator::testing::LiveServer;
using fastly_emulator::testing::temp_dir;

TEST_CASE("over HTTP: auth, form bodies, percent-encoded logins and DELETE with a JSON body") {
    LiveServer live;
    httplib::Client c = live.client();
    auto me = c.Get("/current_user");
    REQUIRE(me);
    CHECK(me->status == 200);
    CHECK(me->get_header_value("Content-Type") == "application/json");
    std::string owner = json::parse(me->body)["id"];

    httplib::Client anonymous("127.0.0.1", live.port);
    auto denied = anonymous.Get("/current_user");
    REQUIRE(denied);
    CHECK(denied->status == 401);

    auto created = c.Post("/user", "login=dev%2Bone%40example.com&name=Dev", "application/x-www-form-urlencoded");
    REQUIRE(created);
    CHECK(created->status == 200);
    CHECK(created->get_header_value("Fastly-RateLimit-Remaining") == "999");
    auto reset = c.Post("/user/dev%2Bone%40example.com/password/request_reset");
    REQUIRE(reset);
    CHECK(reset->status == 200);

    auto group = c.Post("/user-groups", R"({"name":"SRE"})", "application/json");
    REQUIRE(group);
    CHECK(group->status == 201);
    std::string gid = json::parse(group->body)["id"];
    json members{{"members", {{{"id", owner}, {"object", "user"}}}}};
    auto added = c.Post(("/user-groups/" + gid + "/members").c_str(), members.dump(), "application/json");
    REQUIRE(added);
    CHECK(added->status == 201);
    auto removed = c.Delete(("/user-groups/" + gid + "/members").c_str(), members.dump(), "application/json");
    REQUIRE(removed);
    CHECK(removed->status == 204);
    CHECK(removed->body.empty());
    auto listed = c.Get(("/user-groups/" + gid + "/members").c_str());
    REQUIRE(listed);
    CHECK(json::parse(listed->body)["data"].empty());

    auto invitations = c.Get("/invitations?page%5Bnumber%5D=1&page%5Bsize%5D=5");
    REQUIRE(invitations);
    CHECK(invitations->get_header_value("Content-Type") == "application/vnd.api+json");
    CHECK(json::parse(invitations->body)["meta"]["per_page"] == 5);
    auto openid = anonymous.Get("/realms/fastly/.well-known/openid-configuration");
    REQUIRE(openid);
    CHECK(openid->status == 200);
    CHECK(json::parse(openid->body)["issuer"] == "http://127.0.0.1:" + std::to_string(live.port) + "/realms/fastly");
}

TEST_CASE("over HTTP: a dropped connection is a transport error; after-commit drops keep the change") {
    LiveServer live;
    httplib::Client c = live.client();
    auto configured = c.Put("/_emulator/faults", R"({"reset_rate": 1})", "application/json");
    REQUIRE(configured);
    CHECK(configured->status == 200);
    auto dropped = c.Post("/user-groups", R"({"name":"lost"})", "application/json");
    CHECK_FALSE(dropped);

    httplib::Client control("127.0.0.1", live.port);
    REQUIRE(control.Put("/_emulator/faults", R"({"reset_rate": 0, "reset_after_commit_rate": 1})", "application/json"));
    auto after_commit = c.Post("/user-groups", R"({"name":"kept"})", "application/json");
    CHECK_FALSE(after_commit);
    REQUIRE(control.Put("/_emulator/faults", R"({"reset_after_commit_rate": 0})", "application/json"));
    auto listed = c.Get("/user-groups");
    REQUIRE(listed);
    json data = json::parse(listed->body)["data"];
    REQUIRE(data.size() == 1);
    CHECK(data[0]["name"] == "kept");
}

namespace {

// Sends `request` as raw bytes on a fresh connection that stays open, and returns what comes back in
// one answer (the connection is kept alive, so the server cannot take its end as the end of a body).
std::string raw_exchange(int port, const std::string& request) {
    int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(sock >= 0);
    timeval timeout{30, 0};
    ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::send(sock, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    std::string answer;
    char buffer[4096];
    // The status line, headers and a body of Content-Length bytes; a bounded number of reads.
    for (int reads = 0; reads < 64; ++reads) {
        const ssize_t n = ::recv(sock, buffer, sizeof buffer, 0);
        if (n <= 0) {
            break;
        }
        answer.append(buffer, static_cast<size_t>(n));
        const auto end = answer.find("\r\n\r\n");
        const auto length = answer.find("Content-Length: ");
        if (end != std::string::npos && length != std::string::npos &&
            answer.size() >= end + 4 + std::stoul(answer.substr(length + 16))) {
            break;
        }
    }
    ::close(sock);
    return answer;
}

}  // namespace

TEST_CASE("over HTTP: a POST with neither Content-Length nor Transfer-Encoding has an empty body (RFC 9112)") {
    LiveServer live;
    // As `curl -X POST` sends a password reset (recorded with an empty body), and the accept hook.
    const std::string answer = raw_exchange(
        live.port,
        "POST /user/owner%40example.com/password/request_reset HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Fastly-Key: " +
            std::string(default_superuser_token) + "\r\nConnection: keep-alive\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(answer.find("{\"status\":\"ok\"}") != std::string::npos);
    CHECK(answer.find("Fastly-RateLimit-Remaining: 999") != std::string::npos);

    httplib::Client c = live.client();
    auto invitation = c.Post("/invitations",
                             R"({"data":{"type":"invitation","attributes":{"email":"new@example.com"}}})",
                             "application/vnd.api+json");
    REQUIRE(invitation);
    const std::string id = json::parse(invitation->body)["data"]["id"];
    const std::string accepted = raw_exchange(
        live.port, "POST /_emulator/invitations/" + id + "/accept HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(accepted.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(accepted.find("\"login\":\"new@example.com\"") != std::string::npos);
}

TEST_CASE("binding a port that is in use fails with a clear error") {
    LiveServer live;
    Emulator other({});
    Server second(other, 1);
    CHECK_THROWS_WITH(
        second.bind("127.0.0.1", live.port),
        ("cannot listen on 127.0.0.1:" + std::to_string(live.port) + " (address in use or not available)").c_str());
}

TEST_CASE("--state: committed changes are on disk before the answer, and a restart continues") {
    std::string dir = temp_dir();
    EmulatorOptions options;
    options.state_file = dir + "/state.json";
    std::string group_id;
    {
        Emulator first(options);
        first.open_state_file();
        CHECK(std::filesystem::exists(options.state_file));
        ApiRequest request;
        request.method = "POST";
        request.path = "/user-groups";
        request.headers["fastly-key"] = default_superuser_token;
        request.headers["content-type"] = "application/json";
        request.body = R"({"name":"durable"})";
        ApiResponse response = first.handle(request);
        REQUIRE(response.status == 201);
        group_id = json::parse(response.body)["id"];
        std::ifstream in(options.state_file);
        json on_disk = json::parse(in);
        CHECK(on_disk["user_groups"][0]["id"] == group_id);
    }
    Emulator second(options);
    second.open_state_file();
    json state = second.dump();
    REQUIRE(state["user_groups"].size() == 1);
    CHECK(state["user_groups"][0]["id"] == group_id);
    std::filesystem::remove_all(dir);
}

TEST_CASE("over HTTP: the caller's address is the TCP peer, for the lockout check and the allowlist") {
    LiveServer live;
    httplib::Client client = live.client();
    auto customer = client.Get("/current_customer");
    REQUIRE(customer);
    const std::string path = "/customer/" + json::parse(customer->body)["id"].get<std::string>();
    auto locked_out = client.Put(path.c_str(), "ip_whitelist=10.0.0.0%2F8", "application/x-www-form-urlencoded");
    REQUIRE(locked_out);
    CHECK(locked_out->status == 400);
    CHECK(json::parse(locked_out->body)["detail"] ==
          "The IP allowlist would lock you out: your address 127.0.0.1 is not in it");
    auto narrowed = client.Put(path.c_str(), "ip_whitelist=127.0.0.1", "application/x-www-form-urlencoded");
    REQUIRE(narrowed);
    CHECK(narrowed->status == 200);
    auto pretend = client.Put("/_emulator/caller_ip", R"({"ip": "203.0.113.9"})", "application/json");
    REQUIRE(pretend);
    CHECK(pretend->status == 200);
    auto refused = client.Get("/current_user");
    REQUIRE(refused);
    CHECK(refused->status == 403);
    client.Put("/_emulator/caller_ip", R"({"ip": null})", "application/json");
    auto allowed = client.Get("/current_user");
    REQUIRE(allowed);
    CHECK(allowed->status == 200);
}
