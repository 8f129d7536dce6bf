#include "faults.hpp"

#include <stdexcept>
#include <string>

namespace fastly_emulator {

Faults::Faults(int base_latency_ms) {
    m_settings.latency_ms = base_latency_ms;
    m_rng.seed(m_settings.seed);
}

FaultDecision Faults::draw(bool read) {
    std::lock_guard lock(m_mutex);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double reset = unit(m_rng);
    double error = unit(m_rng);
    double kind = unit(m_rng);
    double throttle = unit(m_rng);
    double after_commit = unit(m_rng);
    FaultDecision decision;
    decision.latency_ms = m_settings.latency_ms;
    if (read && m_settings.writes_only) {
        return decision;  // the values are drawn all the same, so the sequence does not depend on the mix
    }
    if (reset < m_settings.reset_rate) {
        decision.before = FaultDecision::Before::drop;
    } else if (error < m_settings.error_rate) {
        decision.before = kind < 0.5 ? FaultDecision::Before::error_500 : FaultDecision::Before::error_503;
    } else if (throttle < m_settings.throttle_rate) {
        decision.before = FaultDecision::Before::throttle;
    }
    decision.drop_after_commit = after_commit < m_settings.reset_after_commit_rate;
    return decision;
}

FaultSettings Faults::settings() const {
    std::lock_guard lock(m_mutex);
    return m_settings;
}

void Faults::configure(const FaultSettings& settings) {
    std::lock_guard lock(m_mutex);
    m_settings = settings;
    m_rng.seed(settings.seed);
}

nlohmann::json to_json(const FaultSettings& settings) {
    return {{"latency_ms", settings.latency_ms},
            {"error_rate", settings.error_rate},
            {"throttle_rate", settings.throttle_rate},
            {"reset_rate", settings.reset_rate},
            {"reset_after_commit_rate", settings.reset_after_commit_rate},
            {"writes_only", settings.writes_only},
            {"seed", settings.seed}};
}

namespace {

double read_rate(const nlohmann::json& doc, const char* key, double fallback) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) {
        return fallback;
    }
    if (!it->is_number()) {
        throw std::invalid_argument(std::string(key) + " must be a number between 0 and 1");
    }
    double value = it->get<double>();
    if (value < 0 || value > 1) {
        throw std::invalid_argument(std::string(key) + " must be a number between 0 and 1");
    }
    return value;
}

}  // namespace

FaultSettings fault_settings_from_json(const nlohmann::json& doc, const FaultSettings& base) {
    if (!doc.is_object()) {
        throw std::invalid_argument("expected a JSON object");
    }
    for (const auto& item : doc.items()) {
        const std::string& key = item.key();
        if (key != "latency_ms" && key != "error_rate" && key != "throttle_rate" && key != "reset_rate" &&
            key != "reset_after_commit_rate" && key != "writes_only" && key != "seed") {
            throw std::invalid_argument(key + " is not a fault setting");
        }
    }
    FaultSettings out = base;
    if (auto it = doc.find("latency_ms"); it != doc.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 60000) {
            throw std::invalid_argument("latency_ms must be an integer between 0 and 60000");
        }
        out.latency_ms = it->get<int>();
    }
    out.error_rate = read_rate(doc, "error_rate", base.error_rate);
    out.throttle_rate = read_rate(doc, "throttle_rate", base.throttle_rate);
    out.reset_rate = read_rate(doc, "reset_rate", base.reset_rate);
    out.reset_after_commit_rate = read_rate(doc, "reset_after_commit_rate", base.reset_after_commit_rate);
    if (auto it = doc.find("writes_only"); it != doc.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            throw std::invalid_argument("writes_only must be true or false");
        }
        out.writes_only = it->get<bool>();
    }
    if (auto it = doc.find("seed"); it != doc.end() && !it->is_null()) {
        if (!it->is_number_integer()) {
            throw std::invalid_argument("seed must be an integer");
        }
        out.seed = it->get<std::uint64_t>();
    }
    return out;
}

}  // namespace fastly_emulator
