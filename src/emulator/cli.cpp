#include "cli.hpp"

#include <malloc.h>
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "emulator.hpp"
#include "persist.hpp"
#include "server.hpp"
#include "state_io.hpp"

namespace fastly_emulator {

namespace {

struct CliOptions {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string seed;
    std::string state;
    std::string token = default_superuser_token;
    long long rate_limit = 1000;
    int latency_ms = 0;
    int threads = 64;
    std::size_t max_events = EventLog::default_capacity;
    std::vector<std::string> compat;  ///< KEY=VALUE
    bool allow_non_loopback = false;
};

// 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches.
bool loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

nlohmann::json read_seed(const std::string& path) {
    std::optional<std::string> text = read_file_if_exists(path);
    if (!text) {
        throw StateError("no such file");
    }
    try {
        return nlohmann::json::parse(*text);
    } catch (const nlohmann::json::parse_error& error) {
        throw StateError(std::string("not valid JSON: ") + error.what());
    }
}

// glibc gives each thread that allocates concurrently its own arena (up to 8 per core), and every arena
// keeps the memory freed into it; it also raises its mmap threshold to the size of the largest block
// freed, so after one 4 MB user list every later big answer comes from (and stays in) an arena. With
// 64 workers that held 260-295 MB after a few full reads of the 10k account. Two arenas and a fixed
// 1 MiB mmap threshold (big answers go back to the system when sent) keep the peak near the state size.
void tune_malloc() {
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

}  // namespace

int run_cli(int argc, char** argv) {
    tune_malloc();
    CliOptions options;
    CLI::App app{
        "fastly-emulator: a local emulator of the Fastly Account and IAM API.\n"
        "Serves customers, users, invitations, IAM roles, permissions, service groups, user groups and the\n"
        "audit log, plus control endpoints under /_emulator/ (state, clock, faults, stats, invitation accept,\n"
        "logins).",
        "fastly-emulator"};
    app.set_version_flag("--version", "fastly-emulator " FASTLY_ACCOUNTS_VERSION);
    app.add_option("--host", options.host,
                   "Address to listen on; a loopback address unless --allow-non-loopback (the /_emulator/ control "
                   "endpoints have no authentication and dump every token)")
        ->capture_default_str();
    app.add_flag("--allow-non-loopback", options.allow_non_loopback,
                 "Listen on an address other machines can reach: anyone who reaches it can read every token and "
                 "rewrite the state through /_emulator/");
    app.add_option("--port", options.port, "Port to listen on; 0 picks a free port")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    app.add_option("--seed", options.seed, "Initial state, a JSON file in the seed format (src/emulator/README.md)");
    app.add_option("--state", options.state,
                   "Persist every committed change to this JSON file; an existing file is loaded on start");
    app.add_option("--token", options.token, "API token of the account owner (a superuser)")->capture_default_str();
    app.add_option("--rate-limit", options.rate_limit, "Write requests per user per hour")
        ->capture_default_str()
        ->check(CLI::Range(0LL, 1000000000LL));
    app.add_option("--latency-ms", options.latency_ms, "Added latency of every API request, in milliseconds")
        ->capture_default_str()
        ->check(CLI::Range(0, 60000));
    app.add_option("--threads", options.threads,
                   "Worker threads serving requests; each open keep-alive connection holds one")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    app.add_option("--max-events", options.max_events,
                   "Audit-log events kept (GET /events); beyond it the oldest recorded go first; 0 records none")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{10000000}));
    app.add_option("--compat", options.compat,
                   "KEY=VALUE: behave one documented way where Fastly's API is not recorded (repeatable; "
                   "src/emulator/README.md lists the switches)")
        ->type_name("KEY=VALUE");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error) == 0 ? 0 : 1;
    }
    if (!loopback(options.host) && !options.allow_non_loopback) {
        std::cerr << "fastly-emulator: refusing to listen on " << options.host
                  << ": its /_emulator/ control endpoints have no authentication and hand out every token and the "
                     "whole state, so it listens on loopback only (127.0.0.1, ::1) unless --allow-non-loopback says "
                     "otherwise\n";
        return 1;
    }
    Compat compat;
    for (const std::string& setting : options.compat) {
        const auto equals = setting.find('=');
        try {
            if (equals == std::string::npos) {
                throw std::invalid_argument("--compat " + setting + ": expected KEY=VALUE");
            }
            set_compat(compat, setting.substr(0, equals), setting.substr(equals + 1));
        } catch (const std::invalid_argument& error) {
            std::cerr << "fastly-emulator: " << error.what() << "\n";
            return 1;
        }
    }

    // Block the stop signals before any thread starts, so only the waiting thread below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    EmulatorOptions emulator_options;
    emulator_options.superuser_token = options.token;
    emulator_options.rate_limit = options.rate_limit;
    emulator_options.latency_ms = options.latency_ms;
    emulator_options.state_file = options.state;
    emulator_options.compat = compat;
    emulator_options.max_events = options.max_events;
    Emulator emulator(emulator_options);
    if (!options.seed.empty()) {
        try {
            emulator.load(read_seed(options.seed));
        } catch (const std::exception& error) {
            std::cerr << "fastly-emulator: seed file " << options.seed << ": " << error.what() << "\n";
            return 1;
        }
    }
    try {
        emulator.open_state_file();
    } catch (const std::exception& error) {
        std::cerr << "fastly-emulator: state file " << options.state << ": " << error.what() << "\n";
        return 1;
    }

    Server server(emulator, options.threads);
    int port = 0;
    try {
        port = server.bind(options.host, options.port);
    } catch (const std::exception& error) {
        std::cerr << "fastly-emulator: " << error.what() << "\n";
        return 1;
    }
    std::thread stopper([&] {
        int received = 0;
        sigwait(&signals, &received);
        server.stop();
    });
    std::cout << "fastly-emulator listening on http://" << options.host << ":" << port << std::endl;
    bool ok = server.listen();
    // listen() also returns on its own failure; wake the signal thread so it can be joined.
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    return ok ? 0 : 1;
}

}  // namespace fastly_emulator
