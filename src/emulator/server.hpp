#pragma once

#include <memory>
#include <string>

#include "emulator.hpp"

namespace fastly_emulator {

/// Serves an Emulator over HTTP with cpp-httplib and a thread pool.
class Server {
public:
    /// The listen backlog requested after binding (httplib's own is 5).
    static constexpr int listen_backlog_wanted = 1024;

    /// `threads` is the size of the worker pool (at least 1).
    Server(Emulator& emulator, int threads);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds `host:port` (port 0 picks a free port). Returns the bound port; throws std::runtime_error
    /// naming the address when binding fails (e.g. the port is in use).
    int bind(const std::string& host, int port);
    /// The accept-queue limit of the bound socket as the kernel reports it (capped by
    /// net.core.somaxconn), or -1 before `bind`.
    int listen_backlog() const;
    /// Accepts connections until `stop()`; call after `bind`. Returns false on a listen failure.
    bool listen();
    /// True once `listen` accepts connections.
    bool is_running() const;
    /// Stops listening; `listen` returns.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fastly_emulator
