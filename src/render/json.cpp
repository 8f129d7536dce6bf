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
    // With base files: where each change comes from, and the drift the files now keep.
    if (plan.with_base) {
        auto& changes = document["changes"];
        for (std::size_t i = 0; i < plan.changes.size() && i < changes.size(); ++i) {
            changes[i]["origin"] = plan::to_string(plan.changes[i].origin);
            nlohmann::ordered_json also = nlohmann::ordered_json::array();
            for (plan::Field field : plan.changes[i].also_drift) {
                also.push_back(plan::to_string(field));
            }
            changes[i]["also_drift"] = also;
        }
        nlohmann::ordered_json adopted = nlohmann::ordered_json::array();
        for (const auto& change : plan.adopted) {
            // What the base files would have done; nothing here is sent, so no requests and no expectation.
            nlohmann::ordered_json entry = plan::change_to_json(change);
            entry.erase("requests");
            entry.erase("expect");
            adopted.push_back(std::move(entry));
        }
        document["adopted_drift"] = adopted;
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
