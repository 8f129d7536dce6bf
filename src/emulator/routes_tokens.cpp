// API tokens: the customer's list (never a secret) and revocation by ID. GET /tokens/self is in routes_misc.
#include "api.hpp"
#include "api_error.hpp"
#include "events.hpp"
#include "render.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

void revoke(Context& ctx, const Token& token) {
    record_token_destroy(ctx, token);
    ctx.store.delete_token(std::string(token.id));
    ctx.committed = true;
    ctx.response.status = 204;
}

}  // namespace

void add_token_routes(Router& router) {
    router.add("GET", "/customer/{customer_id}/tokens", Family::classic, [](Context& ctx) {
        if (ctx.params[0] != ctx.store.customer.id) {
            throw record_not_found("customer", ctx.params[0]);
        }
        ctx.require_superuser("list the customer's tokens");
        json tokens = json::array();
        for (const Token& token : ctx.store.tokens.rows()) {
            tokens.push_back(render_token(ctx.store, token));
        }
        ctx.response.set_json(200, tokens);
    });
    // Registered before /tokens/{token_id}, which would take "self" for an ID.
    router.add("DELETE", "/tokens/self", Family::classic, [](Context& ctx) {
        // The token authenticated this request, so it exists.
        revoke(ctx, *ctx.store.token_by_secret(ctx.request.header("fastly-key")));
    });
    router.add("DELETE", "/tokens/{token_id}", Family::classic, [](Context& ctx) {
        const Token* token = ctx.store.tokens.find(ctx.params[0]);
        if (!token) {
            throw record_not_found("token", ctx.params[0]);
        }
        if (token->user_id != ctx.caller->id) {
            ctx.require_superuser("revoke another user's token");
        }
        revoke(ctx, *token);
    });
}

}  // namespace fastly_emulator
