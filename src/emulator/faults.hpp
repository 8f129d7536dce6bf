#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

namespace fastly_emulator {

/// Injected faults, set by PUT /_emulator/faults. Rates are probabilities in [0, 1].
struct FaultSettings {
    int latency_ms = 0;                  ///< added to every API request
    double error_rate = 0;               ///< 500 or 503 instead of an answer, nothing committed
    double throttle_rate = 0;            ///< 429 with Retry-After, nothing committed
    double reset_rate = 0;               ///< connection dropped before the request runs
    double reset_after_commit_rate = 0;  ///< a successful write is committed, then the connection drops
    bool writes_only = false;            ///< the faults above fall on writes only; reads are left alone
    std::uint64_t seed = 0;              ///< seeds the random sequence; equal seeds give equal faults
};

/// What to do to one request.
struct FaultDecision {
    enum class Before { none, drop, error_500, error_503, throttle };
    Before before = Before::none;
    bool drop_after_commit = false;
    int latency_ms = 0;
};

/// Thread-safe fault source. Each request draws the same number of random values whatever the outcome,
/// so a sequential client sees the same faults for the same seed.
class Faults {
public:
    /// `base_latency_ms` is the `--latency-ms` default for `latency_ms`.
    explicit Faults(int base_latency_ms);

    /// Draws the decision for the next API request, a read (GET, HEAD) when `read`.
    FaultDecision draw(bool read);
    /// The current settings.
    FaultSettings settings() const;
    /// Replaces the settings and restarts the random sequence from `settings.seed`.
    void configure(const FaultSettings& settings);

private:
    mutable std::mutex m_mutex;
    FaultSettings m_settings;
    std::mt19937_64 m_rng;
};

/// JSON of FaultSettings, with every key present.
nlohmann::json to_json(const FaultSettings& settings);
/// Reads FaultSettings; keys left out keep the values of `base`. Throws std::invalid_argument naming the
/// key for a wrong type or a rate outside [0, 1].
FaultSettings fault_settings_from_json(const nlohmann::json& doc, const FaultSettings& base);

}  // namespace fastly_emulator
