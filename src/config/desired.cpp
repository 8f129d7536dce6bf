// Loading a whole desired state: the files of every path given, parsed in parallel, merged and checked.
// One file's reading is in loader.cpp.
#include <algorithm>
#include <atomic>
#include <fastly_accounts/config/files.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/config/validate.hpp>
#include <fastly_accounts/util/sha256.hpp>
#include <future>
#include <numeric>
#include <system_error>
#include <thread>
#include <type_traits>

namespace fastly_accounts::config {

namespace {

// Runs `task` on a thread of its own when one can be had, or else when its result is asked for.
template <typename Task>
std::future<std::invoke_result_t<Task>> start(Task task) {
    try {
        return std::async(std::launch::async, task);
    } catch (const std::system_error&) {
        return std::async(std::launch::deferred, std::move(task));
    }
}

// Indexes of `sources`, the largest file first, so that no thread starts a big file last.
std::vector<std::size_t> largest_first(const std::vector<SourceFile>& sources) {
    std::vector<std::size_t> order(sources.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return sources[a].text.size() > sources[b].text.size();
    });
    return order;
}

// Loads the files on up to one thread per core. yaml-cpp's parser is most of the start-up time (0.4 s
// of 0.6 s for a 10k-user account) and one parser shares nothing with another. Each file reports into
// a Diagnostics of its own, appended in file order at the end, so the problems come out exactly as if
// the files had been loaded one after another.
std::vector<LoadedFile> load_files(const std::vector<SourceFile>& sources, Diagnostics& diagnostics) {
    std::vector<LoadedFile> files(sources.size());
    std::vector<Diagnostics> found(sources.size());
    const std::vector<std::size_t> order = largest_first(sources);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t k = next++; k < order.size(); k = next++) {
            files[order[k]] = load_file(sources[order[k]], found[order[k]]);
        }
    };
    const std::size_t threads = std::min<std::size_t>(std::thread::hardware_concurrency(), sources.size());
    std::vector<std::future<void>> helpers;
    for (std::size_t i = 1; i < threads; ++i) {
        helpers.push_back(start(work));
    }
    work();
    for (auto& helper : helpers) {
        // Rethrows what the helper threw (std::bad_alloc); a helper that got no thread runs now and finds
        // no work left.
        helper.get();
    }
    for (auto& problems : found) {
        diagnostics.append(std::move(problems));
    }
    return files;
}

// What identifies the files' text: "sha256:" over all of them in order, each length-prefixed so that
// moving text from the end of one file to the start of the next changes it, and "sha256:" of each one.
struct Digests {
    std::string fingerprint;
    std::vector<std::string> files;
};

Digests digests(const std::vector<SourceFile>& sources) {
    Digests out;
    util::Sha256 all;
    for (const auto& source : sources) {
        all.update(std::to_string(source.text.size()) + ":");
        all.update(source.text);
        util::Sha256 one;
        one.update(source.text);
        out.files.push_back("sha256:" + one.hex());
    }
    out.fingerprint = "sha256:" + all.hex();
    return out;
}

// The merged state of `sources`; throws ConfigError with every problem found, `diagnostics` included.
model::AccountState checked_state(const std::vector<SourceFile>& sources, Diagnostics diagnostics) {
    model::AccountState state = merge_files(load_files(sources, diagnostics), diagnostics);
    if (!diagnostics.empty()) {
        throw ConfigError(std::move(diagnostics));
    }
    return state;
}

}  // namespace

DesiredState load_desired(const std::vector<std::string>& paths) {
    Diagnostics diagnostics;
    const std::vector<SourceFile> sources = read_sources(paths, diagnostics);
    // The digests need only the text (hashing 4 MB takes some 25 ms): compute them while the files are
    // checked.
    std::future<Digests> digest = start([&sources] { return digests(sources); });
    DesiredState out;
    out.state = checked_state(sources, std::move(diagnostics));
    for (const auto& source : sources) {
        out.files.push_back(source.path);
    }
    Digests found = digest.get();
    out.fingerprint = std::move(found.fingerprint);
    out.digests = std::move(found.files);
    return out;
}

model::AccountState load_desired_state(const std::vector<std::string>& paths) {
    Diagnostics diagnostics;
    const std::vector<SourceFile> sources = read_sources(paths, diagnostics);
    return checked_state(sources, std::move(diagnostics));
}

}  // namespace fastly_accounts::config
