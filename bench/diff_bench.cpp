// diff() alone, on a synthetic account: N users, N/10 user groups of 50 members, N/50 service groups,
// against a live state that differs in 5% of the objects. Google Benchmark; prints time per diff and the
// process's peak resident memory.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <fastly_accounts/plan/diff.hpp>
#include <fstream>
#include <random>
#include <string>

using namespace fastly_accounts;

namespace {

struct Accounts {
    model::AccountState desired;
    model::LiveAccount live;
};

std::string login(std::size_t i) {
    return fmt::format("person{}@example.com", i);
}

// Deterministic: the same size gives the same accounts.
Accounts make_accounts(std::size_t users) {
    std::mt19937_64 random(42);
    Accounts a;
    model::LiveAccount& live = a.live;
    live.customer = {"C1", "Bench", "u0"};
    live.token_user = {"u0", login(0), model::UserRole::superuser};
    const char* predefined[][2] = {{"user", "User"}, {"engineer", "Engineer"}, {"superuser", "Superuser"}};
    for (const auto& [name, display] : predefined) {
        live.role_catalog.push_back({std::string("r-") + name, name, display, "", false});
    }
    for (int p = 0; p < 20; ++p) {
        live.permissions.push_back({fmt::format("p{}", p), fmt::format("perm_{}", p), "service"});
    }
    const std::size_t groups = users / 10;
    const std::size_t service_groups = std::max<std::size_t>(1, users / 50);
    for (std::size_t s = 0; s < service_groups * 3; ++s) {
        live.services.push_back({fmt::format("svc{:018d}", s), fmt::format("service-{}", s)});
    }
    for (std::size_t i = 0; i < users; ++i) {
        model::User u;
        u.login = login(i);
        u.id = fmt::format("u{}", i);
        u.name = fmt::format("Person {}", i);
        u.role = i == 0 ? model::UserRole::superuser : model::UserRole::engineer;
        u.roles = std::vector<std::string>{"Engineer"};
        u.limit_services = false;
        u.locked = false;
        u.require_new_password = false;
        live.state.users.push_back(u);
    }
    for (std::size_t s = 0; s < service_groups; ++s) {
        live.state.service_groups.push_back(
            {fmt::format("sg-{}", s),
             std::string("bench"),
             std::vector<std::string>{live.services[s * 3].id, live.services[s * 3 + 1].id},
             fmt::format("sg{}", s),
             {}});
    }
    std::uniform_int_distribution<std::size_t> person(0, users - 1);
    for (std::size_t g = 0; g < groups; ++g) {
        std::vector<std::string> members;
        for (int m = 0; m < 50; ++m) {
            members.push_back(login(person(random)));
        }
        std::sort(members.begin(), members.end());
        members.erase(std::unique(members.begin(), members.end()), members.end());
        live.state.user_groups.push_back({fmt::format("group-{}", g),
                                          std::string("bench"),
                                          std::vector<std::string>{"Engineer"},
                                          std::vector<std::string>{fmt::format("sg-{}", g % service_groups)},
                                          members,
                                          fmt::format("g{}", g),
                                          {}});
    }
    // The files: the same account, with 5% of the objects changed.
    a.desired.users = live.state.users;
    a.desired.service_groups = live.state.service_groups;
    a.desired.user_groups = live.state.user_groups;
    std::bernoulli_distribution changed(0.05);
    for (auto& u : a.desired.users) {
        if (changed(random)) {
            u.name = *u.name + " (renamed)";
        }
    }
    for (auto& g : a.desired.user_groups) {
        if (changed(random)) {
            g.members->erase(g.members->begin());
            g.members->push_back(login(person(random)));
        }
    }
    a.desired.policy.max_deletions = 1'000'000;
    return a;
}

long peak_rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

void diff_benchmark(benchmark::State& state) {
    const Accounts accounts = make_accounts(static_cast<std::size_t>(state.range(0)));
    plan::DiffOptions options;
    options.now_epoch = 1'800'000'000;
    std::size_t changes = 0;
    for (auto _ : state) {
        const plan::Plan p = plan::diff(accounts.desired, accounts.live, options);
        changes = p.changes.size();
        benchmark::DoNotOptimize(changes);
    }
    std::size_t memberships = 0;
    for (const auto& g : accounts.live.state.user_groups) {
        memberships += g.members->size();
    }
    state.counters["users"] = static_cast<double>(accounts.live.state.users.size());
    state.counters["groups"] = static_cast<double>(accounts.live.state.user_groups.size());
    state.counters["memberships"] = static_cast<double>(memberships);
    state.counters["changes"] = static_cast<double>(changes);
    state.counters["peak_rss_MB"] = static_cast<double>(peak_rss_kb()) / 1024.0;
}

}  // namespace

BENCHMARK(diff_benchmark)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
