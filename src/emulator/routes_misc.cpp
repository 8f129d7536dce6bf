// Endpoints the official CLI calls around its own start-up: token introspection and /verify.
#include "api.hpp"
#include "render.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

json token_self(const Context& ctx) {
    std::string token = ctx.request.header("fastly-key");
    // The token string itself is the secret; its ID is derived so it is stable but not the secret.
    std::string id = std::to_string(std::hash<std::string>{}(token));
    return {{"id", id},
            {"user_id", ctx.caller->id},
            {"customer_id", ctx.store.customer.id},
            {"name", "emulator token"},
            {"scope", "global"},
            {"services", json::array()},
            {"created_at", format_timestamp(ctx.caller->created_at)},
            {"last_used_at", format_timestamp(ctx.store.now())},
            {"expires_at", nullptr},
            {"ip", "127.0.0.1"},
            {"user_agent", ctx.request.header("user-agent")}};
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
