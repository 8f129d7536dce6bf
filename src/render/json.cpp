#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/render/render.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <fastly_accounts/util/time.hpp>

namespace fastly_accounts::render {

void json(const plan::Plan& plan, std::ostream& out, const Options& options) {
    nlohmann::ordered_json document = {{"mode", options.mode == Mode::drift ? "drift" : "plan"}};
    nlohmann::ordered_json body = plan::to_json(plan);
    for (auto& [key, value] : body.items()) {
        document[key] = std::move(value);
    }
    // Issue 17: what the files bound in time, and the rules of the policy the account breaks.
    nlohmann::ordered_json deadlines = nlohmann::ordered_json::array();
    for (const auto& d : plan.deadlines) {
        const auto text = [](const std::optional<std::string>& value) {
            return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
        };
        deadlines.push_back({{"type", d.type == plan::Deadline::Type::expires ? "expires" : "review_after"},
                             {"kind", model::to_string(d.kind)},
                             {"subject", d.subject},
                             {"person", d.person},
                             {"at", util::format_utc(d.at)},
                             {"passed", d.passed},
                             {"owner", text(d.owner)},
                             {"reason", text(d.reason)}});
    }
    document["deadlines"] = deadlines;
    nlohmann::ordered_json violations = nlohmann::ordered_json::array();
    for (const auto& v : plan.violations) {
        violations.push_back({{"rule", v.rule}, {"message", v.message}});
    }
    document["policy_violations"] = violations;
    // A bidi override or a zero-width character in a name must not reach a pull-request bot raw.
    out << util::escape_disguising_json(document.dump(2)) << "\n";
}

}  // namespace fastly_accounts::render
