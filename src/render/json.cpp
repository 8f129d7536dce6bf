#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/render/render.hpp>
#include <fastly_accounts/util/text_safety.hpp>

namespace fastly_accounts::render {

void json(const plan::Plan& plan, std::ostream& out, const Options& options) {
    nlohmann::ordered_json document = {{"mode", options.mode == Mode::drift ? "drift" : "plan"}};
    nlohmann::ordered_json body = plan::to_json(plan);
    for (auto& [key, value] : body.items()) {
        document[key] = std::move(value);
    }
    // A bidi override or a zero-width character in a name must not reach a pull-request bot raw.
    out << util::escape_disguising_json(document.dump(2)) << "\n";
}

}  // namespace fastly_accounts::render
