#pragma once

#include <doctest/doctest.h>
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "emulator.hpp"
#include "server.hpp"
#include "state_io.hpp"

namespace fastly_emulator::testing {

/// An emulator served on 127.0.0.1 on a free port, listening in a background thread.
class LiveServer {
public:
    explicit LiveServer(EmulatorOptions options = {}) : emulator(std::move(options)), server(emulator, 4) {
        port = server.bind("127.0.0.1", 0);
        thread = std::thread([this] { server.listen(); });
        for (int i = 0; i < 500 && !server.is_running(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        REQUIRE(server.is_running());
    }
    ~LiveServer() {
        server.stop();
        thread.join();
    }
    LiveServer(const LiveServer&) = delete;
    LiveServer& operator=(const LiveServer&) = delete;

    /// A client of the server that sends `token` as Fastly-Key (none when empty).
    httplib::Client client(const std::string& token = default_superuser_token) const {
        httplib::Client c("127.0.0.1", port);
        if (!token.empty()) {
            c.set_default_headers({{"Fastly-Key", token}});
        }
        c.set_read_timeout(5, 0);
        return c;
    }

    Emulator emulator;
    Server server;
    int port = 0;
    std::thread thread;
};

/// A fresh temporary directory.
inline std::string temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "emulator-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    return pattern;
}

}  // namespace fastly_emulator::testing
