// Endpoints the official CLI calls around its own start-up: token introspection and /verify.
#include "api.hpp"
#include "render.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

json token_self(const Context& ctx) {
    // Authentication found this token (Emulator::handle_api) and stamped its last use.
    const Token* token = ctx.store.token_by_secret(ctx.request.header("fastly-key"));
    return token ? render_token(ctx.store, *token) : json(nullptr);
}

}  // namespace

void add_misc_routes(Router& router) {
    router.add("GET", "/tokens/self", Family::classic,
               [](Context& ctx) { ctx.response.set_json(200, token_self(ctx)); });
    router.add("GET", "/verify", Family::classic, [](Context& ctx) {
        json services = json::object();
        for (const Service& service : ctx.store.services.rows()) {
            services[service.id] = service.name;
        }
        ctx.response.set_json(200, {{"customer", render_customer(ctx.store)},
                                    {"user", render_user(ctx.store, *ctx.caller)},
                                    {"services", services},
                                    {"token", token_self(ctx)}});
    });
}

}  // namespace fastly_emulator
