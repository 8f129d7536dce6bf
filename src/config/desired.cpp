// Loading a whole desired state: the files of every path given, parsed in parallel, merged and checked.
// One file's reading is in loader.cpp.
#include <algorithm>
#include <fastly_accounts/config/desired.hpp>
#include <fastly_accounts/config/files.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/config/merge.hpp>
#include <fastly_accounts/config/policy_rules.hpp>
#include <fastly_accounts/util/parallel.hpp>
#include <fastly_accounts/util/sha256.hpp>
#include <functional>
#include <numeric>
#include <thread>

namespace fastly_accounts::config {

namespace {

// Indexes of `sources`, the largest file first, so that no thread starts a big file last.
std::vector<std::size_t> largest_first(const std::vector<SourceFile>& sources) {
    std::vector<std::size_t> order(sources.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return sources[a].text.size() > sources[b].text.size(); });
    return order;
}

// Loads the files on up to one thread per core, the largest first, with `alongside` (when given) run
// on the same workers before them. yaml-cpp's parser is most of the start-up time (0.4 s of 0.6 s for a
// 10k-user account) and one parser shares nothing with another. Each file reports into a Diagnostics
// of its own, appended in file order at the end, so the problems come out exactly as if the files had
// been loaded one after another.
std::vector<LoadedFile> load_files(const std::vector<SourceFile>& sources, Diagnostics& diagnostics,
                                   const std::function<void()>& alongside = {}) {
    std::vector<LoadedFile> files(sources.size());
    std::vector<Diagnostics> found(sources.size());
    const std::vector<std::size_t> order = largest_first(sources);
    const std::size_t first = alongside ? 1 : 0;
    util::parallel_for(first + order.size(), std::thread::hardware_concurrency(), [&](std::size_t k) {
        if (k < first) {
            alongside();
            return;
        }
        const std::size_t index = order[k - first];
        files[index] = load_file(sources[index], found[index]);
    });
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
model::AccountState checked_state(const std::vector<SourceFile>& sources, Diagnostics diagnostics,
                                  const std::function<void()>& alongside = {}) {
    model::AccountState state = merge_files(load_files(sources, diagnostics, alongside), diagnostics);
    check_policy_rules(state, diagnostics);
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
    // parsed.
    Digests found;
    DesiredState out;
    out.state = checked_state(sources, std::move(diagnostics), [&] { found = digests(sources); });
    for (const auto& source : sources) {
        out.files.push_back(source.path);
    }
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
