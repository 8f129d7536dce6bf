// Many connections at once, and reads running alongside writes.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "server.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

int somaxconn() {
    std::ifstream in("/proc/sys/net/core/somaxconn");
    int value = 0;
    in >> value;
    return value > 0 ? value : 4096;
}

/// A non-blocking TCP connect to 127.0.0.1:port; the handshake completes in the background.
int start_connect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    REQUIRE((rc == 0 || errno == EINPROGRESS));
    return fd;
}

/// Waits until every socket's connect finished (or `budget` passed); returns how many are connected.
size_t wait_connected(const std::vector<int>& fds, std::chrono::milliseconds budget) {
    std::vector<bool> done(fds.size(), false);
    size_t connected = 0;
    auto deadline = Clock::now() + budget;
    while (connected < fds.size() && Clock::now() < deadline) {
        std::vector<pollfd> waiting;
        std::vector<size_t> index;
        for (size_t i = 0; i < fds.size(); ++i) {
            if (!done[i]) {
                waiting.push_back({fds[i], POLLOUT, 0});
                index.push_back(i);
            }
        }
        ::poll(waiting.data(), waiting.size(), 20);
        for (size_t k = 0; k < waiting.size(); ++k) {
            if (waiting[k].revents & (POLLOUT | POLLERR | POLLHUP)) {
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(waiting[k].fd, SOL_SOCKET, SO_ERROR, &error, &length);
                done[index[k]] = true;
                connected += error == 0 ? 1 : 0;
            }
        }
    }
    return connected;
}

/// Sends one request on a connected socket and reads the whole answer (the server closes after it).
std::string exchange(int fd, const std::string& request, Clock::time_point deadline) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
        return {};
    }
    std::string answer;
    char buf[4096];
    while (Clock::now() < deadline) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        answer.append(buf, static_cast<size_t>(n));
    }
    return answer;
}

}  // namespace

TEST_CASE("the listen backlog is raised, so 64 simultaneous connects are all accepted and answered") {
    Emulator emulator({});
    Server server(emulator, 8);
    int port = server.bind("127.0.0.1", 0);
    // httplib (a compiled library) listens with a backlog of 5; the server raises it after binding.
    CHECK(server.listen_backlog() == std::min(Server::listen_backlog_wanted, somaxconn()));

    // Nobody accepts yet, so every handshake must fit in the accept queue. With a backlog of 5 the
    // kernel drops the SYNs beyond the sixth, and those connects only complete after a 1 s retransmit.
    constexpr size_t count = 64;
    std::vector<int> fds;
    for (size_t i = 0; i < count; ++i) {
        fds.push_back(start_connect(port));
    }
    CHECK(wait_connected(fds, std::chrono::milliseconds(700)) == count);

    std::thread listener([&] { server.listen(); });
    for (int i = 0; i < 500 && !server.is_running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::string request = std::string("GET /current_user HTTP/1.1\r\nHost: 127.0.0.1\r\nFastly-Key: ") +
                          default_superuser_token + "\r\nConnection: close\r\n\r\n";
    auto deadline = Clock::now() + std::chrono::seconds(10);
    std::vector<std::string> answers(count);
    std::vector<std::thread> clients;
    for (size_t i = 0; i < count; ++i) {
        clients.emplace_back([&, i] { answers[i] = exchange(fds[i], request, deadline); });
    }
    for (std::thread& client : clients) {
        client.join();
    }
    size_t ok = 0;
    for (const std::string& answer : answers) {
        ok += answer.rfind("HTTP/1.1 200", 0) == 0 && answer.find("owner@example.com") != std::string::npos;
    }
    CHECK(ok == count);
    for (int fd : fds) {
        ::close(fd);
    }
    server.stop();
    listener.join();
}

TEST_CASE("reads share the store lock: list pages stay consistent under concurrent writes, writes progress") {
    json seed = json::object();
    seed["users"] = json::array({{{"login", "owner@example.com"}, {"name", "Owner"}, {"role", "superuser"}}});
    for (int i = 0; i < 30; ++i) {
        seed["users"].push_back({{"login", "u" + std::to_string(i) + "@example.com"}, {"name", "U"}});
    }
    seed["user_groups"] = json::array();
    for (int i = 0; i < 25; ++i) {
        seed["user_groups"].push_back({{"name", "g" + std::to_string(i)}});
    }
    Harness h({}, seed);
    std::string target = h.get("/user-groups?per_page=1")["data"][0]["id"];
    std::vector<std::string> user_ids;
    h.emulator.with_store([&](Store& store) {
        for (size_t i = 1; i <= 10; ++i) {
            user_ids.push_back(store.users.rows()[i].id);
        }
        return 0;
    });
    json ten_members{{"members", json::array()}};
    for (const std::string& id : user_ids) {
        ten_members["members"].push_back({{"id", id}, {"object", "user"}});
    }

    std::atomic<bool> writer_done{false};
    std::atomic<int> problems{0};
    std::atomic<long> reads{0};
    auto deadline = Clock::now() + std::chrono::seconds(30);
    std::vector<std::thread> readers;
    for (int r = 0; r < 4; ++r) {
        readers.emplace_back([&, r] {
            // Keep reading until the writer is done: a reader-preferring lock would starve it.
            while (!writer_done && Clock::now() < deadline) {
                size_t per_page = 3 + static_cast<size_t>(r);
                ApiResponse page = h.call("GET", "/user-groups?per_page=" + std::to_string(per_page) + "&page=2");
                json body = json::parse(page.body);
                size_t total = body["meta"]["record_count"];
                size_t expected = total > per_page ? std::min(per_page, total - per_page) : 0;
                problems += body["data"].size() != expected;
                problems += body["meta"]["total_pages"] != (total + per_page - 1) / per_page;
                // Ten members are added and removed in one request each: a reader sees 0 or 10.
                json members = json::parse(h.call("GET", "/user-groups/" + target + "/members?per_page=100").body);
                size_t count = members["data"].size();
                problems += (count != 0 && count != 10) || members["meta"]["record_count"] != count;
                json group = json::parse(h.call("GET", "/user-groups/" + target).body);
                problems += group["users_count"] != 0 && group["users_count"] != 10;
                ++reads;
            }
        });
    }
    // Writes take well under a millisecond, so 300 of them can finish before a reader thread is even
    // scheduled: start writing once reads are under way, or nothing interleaves.
    while (reads == 0 && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    int writes = 0;
    while (writes < 300 && Clock::now() < deadline) {
        std::string name = "temp" + std::to_string(writes);
        ApiResponse created = h.call("POST", "/user-groups", json{{"name", name}}.dump());
        REQUIRE(created.status == 201);
        std::string id = json::parse(created.body)["id"];
        REQUIRE(h.call("POST", "/user-groups/" + target + "/members", ten_members.dump()).status == 201);
        REQUIRE(h.call("DELETE", "/user-groups/" + id).status == 204);
        REQUIRE(h.call("DELETE", "/user-groups/" + target + "/members", ten_members.dump()).status == 204);
        writes += 4;
    }
    writer_done = true;
    for (std::thread& reader : readers) {
        reader.join();
    }
    CHECK(writes == 300);
    CHECK(reads > 0);
    CHECK(problems == 0);
    CHECK(h.get("/user-groups")["meta"]["record_count"] == 25);
}
