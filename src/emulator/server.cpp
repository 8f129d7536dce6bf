#include "server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <stdexcept>

#include "util.hpp"

namespace fastly_emulator {

namespace {

int port_of(const sockaddr_storage& address) {
    if (address.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    }
    return -1;
}

// httplib 0.11 gives handlers no access to their socket, so the connection to drop is found by its
// local and remote ports among this process's descriptors. Only fault injection pays this cost.
void drop_connection(const httplib::Request& request) {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) {
        return;
    }
    while (dirent* entry = ::readdir(dir)) {
        char* end = nullptr;
        long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0') {
            continue;
        }
        sockaddr_storage local{};
        sockaddr_storage remote{};
        socklen_t local_len = sizeof local;
        socklen_t remote_len = sizeof remote;
        int sock = static_cast<int>(fd);
        if (::getsockname(sock, reinterpret_cast<sockaddr*>(&local), &local_len) != 0 ||
            ::getpeername(sock, reinterpret_cast<sockaddr*>(&remote), &remote_len) != 0) {
            continue;
        }
        if (port_of(local) == request.local_port && port_of(remote) == request.remote_port) {
            // A zero linger turns the close into a reset: the client sees a transport error, no answer.
            linger option{1, 0};
            ::setsockopt(sock, SOL_SOCKET, SO_LINGER, &option, sizeof option);
            ::shutdown(sock, SHUT_RDWR);
            break;
        }
    }
    ::closedir(dir);
}

ApiRequest to_api_request(const httplib::Request& request) {
    ApiRequest out;
    out.method = request.method;
    out.path = request.path;
    for (const auto& [key, value] : request.params) {
        out.query.emplace(key, value);
    }
    for (const auto& [key, value] : request.headers) {
        out.headers[to_lower(key)] = value;
    }
    out.body = request.body;
    out.remote_addr = request.remote_addr;
    return out;
}

// httplib's listening socket is a protected member; this subclass only reads it.
class HttpServer : public httplib::Server {
public:
    socket_t listening_socket() const { return svr_sock_; }
};

}  // namespace

struct Server::Impl {
    Emulator& emulator;
    HttpServer http;

    explicit Impl(Emulator& e) : emulator(e) {}

    void serve(const httplib::Request& request, httplib::Response& response) {
        ApiResponse answer = emulator.handle(to_api_request(request));
        if (answer.disposition != Disposition::respond) {
            drop_connection(request);
            response.status = 500;
            return;
        }
        response.status = answer.status;
        for (const auto& [key, value] : answer.headers) {
            response.set_header(key.c_str(), value);
        }
        if (answer.status != 204) {
            // Moved, not copied: a 10,000-user list is about 4 MB.
            response.set_header("Content-Type", answer.content_type);
            response.body = std::move(answer.body);
        }
    }
};

Server::Server(Emulator& emulator, int threads) : m_impl(std::make_unique<Impl>(emulator)) {
    size_t pool = static_cast<size_t>(threads < 1 ? 1 : threads);
    m_impl->http.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
    // Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus delayed ACKs stall
    // every keep-alive request by tens of milliseconds.
    m_impl->http.set_tcp_nodelay(true);
    m_impl->http.set_keep_alive_max_count(10000);
    // httplib's default also sets SO_REUSEPORT, which would let a second emulator share a busy port.
    m_impl->http.set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    auto handler = [impl = m_impl.get()](const httplib::Request& request, httplib::Response& response) {
        impl->serve(request, response);
    };
    // A request with neither Content-Length nor Transfer-Encoding has an empty body (RFC 9112 section 6.3),
    // and `curl -X POST` sends exactly that. httplib 0.11 instead reads such a POST, PUT, PATCH or DELETE
    // until the connection closes, and answers 400 with an empty body after its read timeout when the
    // client keeps it open. The pre-routing handler runs before any body is read: serve these here.
    m_impl->http.set_pre_routing_handler(
        [impl = m_impl.get()](const httplib::Request& request, httplib::Response& response) {
            const bool may_have_body = request.method == "POST" || request.method == "PUT" ||
                                       request.method == "PATCH" || request.method == "DELETE";
            if (!may_have_body || request.has_header("Content-Length") || request.has_header("Transfer-Encoding")) {
                return httplib::Server::HandlerResponse::Unhandled;
            }
            impl->serve(request, response);
            return httplib::Server::HandlerResponse::Handled;
        });
    m_impl->http.Get(".*", handler);
    m_impl->http.Post(".*", handler);
    m_impl->http.Put(".*", handler);
    m_impl->http.Patch(".*", handler);
    m_impl->http.Delete(".*", handler);
    m_impl->http.Options(".*", handler);
}

Server::~Server() {
    stop();
}

int Server::bind(const std::string& host, int port) {
    int bound = -1;
    if (port == 0) {
        bound = m_impl->http.bind_to_any_port(host);
    } else if (m_impl->http.bind_to_port(host, port)) {
        bound = port;
    }
    if (bound <= 0) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                                 " (address in use or not available)");
    }
    // libcpp-httplib is a compiled library: it listened with its built-in backlog of 5
    // (CPPHTTPLIB_LISTEN_BACKLOG), whatever our translation units define. A client that opens 16
    // connections at once then overflows the accept queue, and the kernel drops SYNs that are only
    // retried after a second. Calling listen() again on a listening socket raises its backlog on Linux.
    socket_t sock = m_impl->http.listening_socket();
    if (sock == INVALID_SOCKET || ::listen(sock, listen_backlog_wanted) != 0) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(bound) +
                                 " (raising the listen backlog failed)");
    }
    return bound;
}

int Server::listen_backlog() const {
    socket_t sock = m_impl->http.listening_socket();
    tcp_info info{};
    socklen_t length = sizeof info;
    if (sock == INVALID_SOCKET || ::getsockopt(sock, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) {
        return -1;
    }
    // For a listening socket, Linux reports the accept queue's limit in tcpi_sacked (as `ss -lt` does).
    return static_cast<int>(info.tcpi_sacked);
}

bool Server::listen() {
    return m_impl->http.listen_after_bind();
}

bool Server::is_running() const {
    return m_impl->http.is_running();
}

void Server::stop() {
    if (m_impl && m_impl->http.is_running()) {
        m_impl->http.stop();
    }
}

}  // namespace fastly_emulator
