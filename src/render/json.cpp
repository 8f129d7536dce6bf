#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/render/render.hpp>

namespace fastly_accounts::render {

void json(const plan::Plan& plan, std::ostream& out, const Options& options) {
    nlohmann::ordered_json document = {{"mode", options.mode == Mode::drift ? "drift" : "plan"}};
    nlohmann::ordered_json body = plan::to_json(plan);
    for (auto& [key, value] : body.items()) {
        document[key] = std::move(value);
    }
    out << document.dump(2) << "\n";
}

}  // namespace fastly_accounts::render
