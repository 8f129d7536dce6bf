#pragma once

// A recording fake of live::ApiClient for unit tests of apply/: every call is logged as one line
// ("PUT user u-bob role=superuser", "POST user group SRE"), reads answer an empty account, creates answer
// new ids, and a test may run code at each call (to ask apply to stop, or to fail a request).

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fastly_accounts/live/api_client.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace fastly_accounts::testing {

class RecordingApi : public live::ApiClient {
public:
    /// Runs at the start of every call, with the line it is logged as; may throw to fail the call.
    std::function<void(const std::string& call)> on_call;

    /// The calls made, in order.
    std::vector<std::string> calls() const {
        std::lock_guard lock(m_mutex);
        return m_calls;
    }

    model::Customer current_customer() override { return {"C1", "Acme", "u-owner", {}}; }
    model::TokenUser current_user() override { return {"u-owner", "owner@example.com", model::UserRole::superuser}; }
    std::vector<model::User> list_users(const std::string& customer) override {
        record("GET users of " + customer);
        return {};
    }
    std::string create_user(const model::User& user) override {
        record("POST user " + user.login);
        return next_id();
    }
    void update_user(const std::string& id, const model::User& user) override {
        std::vector<std::string> set;
        if (user.name) {
            set.push_back("name=" + *user.name);
        }
        if (user.role) {
            set.push_back(fmt::format("role={}", model::to_string(*user.role)));
        }
        if (user.limit_services) {
            set.push_back(fmt::format("limit_services={}", *user.limit_services));
        }
        record(fmt::format("PUT user {} {}", id, fmt::join(set, " ")));
    }
    void delete_user(const std::string& id) override { record("DELETE user " + id); }
    std::vector<model::Invitation> list_invitations() override {
        record("GET invitations");
        return {};
    }
    live::ListPage<model::Invitation> list_invitations_page(int) override { return {}; }
    std::string create_invitation(const std::string&, const model::Invitation& invitation) override {
        std::vector<std::string> grants;
        for (const auto& [service, permission] : invitation.services.value_or(model::ServiceGrants{})) {
            grants.push_back(fmt::format("{}:{}", service, model::to_string(permission)));
        }
        record("POST invitation " + invitation.email +
               (grants.empty() ? "" : fmt::format(" services={}", fmt::join(grants, ","))));
        return next_id();
    }
    void delete_invitation(const std::string& id) override { record("DELETE invitation " + id); }
    std::vector<model::CatalogRole> list_role_catalog() override { return {}; }
    std::vector<model::Permission> list_permissions() override { return {}; }
    std::vector<model::Service> list_services() override { return {}; }
    std::vector<live::NamedObject> list(live::Collection collection) override {
        record(fmt::format("GET {}s", live::noun(collection)));
        return {};
    }
    live::ListPage<live::NamedObject> list_page(live::Collection, int) override { return {}; }
    std::string create(live::Collection collection, const std::string& name,
                       const std::optional<std::string>&) override {
        record(fmt::format("POST {} {}", live::noun(collection), name));
        return next_id();
    }
    void update(live::Collection collection, const std::string& id, const std::optional<std::string>& name,
                const std::optional<std::string>& description) override {
        record(fmt::format("PATCH {} {}{} description={}", live::noun(collection), id, name ? " name=" + *name : "",
                           description.value_or("")));
    }
    void remove(live::Collection collection, const std::string& id) override {
        record(fmt::format("DELETE {} {}", live::noun(collection), id));
    }
    std::vector<live::Link> list_links(live::Relation, const std::string& owner) override {
        record("GET links of " + owner);
        return {};
    }
    live::ListPage<live::Link> list_links_page(live::Relation, const std::string&, int) override { return {}; }
    void add_links(live::Relation, const std::string& owner, const std::vector<live::Link>& links) override {
        record(fmt::format("POST links of {}: {}", owner, ids(links)));
    }
    void remove_links(live::Relation, const std::string& owner, const std::vector<live::Link>& links) override {
        record(fmt::format("DELETE links of {}: {}", owner, ids(links)));
    }
    std::vector<model::ServiceAuthorization> list_service_authorizations() override {
        record("GET service authorizations");
        return {};
    }
    live::ListPage<model::ServiceAuthorization> list_service_authorizations_page(int) override { return {}; }
    std::string create_service_authorization(const std::string& user, const std::string& service,
                                             model::ServicePermission permission) override {
        record(fmt::format("POST service authorization {} {} {}", user, service, model::to_string(permission)));
        return "sa-" + service;
    }
    void update_service_authorizations(
        const std::vector<std::pair<std::string, model::ServicePermission>>& updates) override {
        std::string text;
        for (const auto& [id, permission] : updates) {
            text += (text.empty() ? "" : ",") + id + "=" + std::string(model::to_string(permission));
        }
        record("PATCH service authorizations " + text);
    }
    void delete_service_authorizations(const std::vector<std::string>& list) override {
        std::string text;
        for (const auto& id : list) {
            text += (text.empty() ? "" : ",") + id;
        }
        record("DELETE service authorizations " + text);
    }
    void update_customer(const std::string& id, const model::CustomerSettings& settings) override {
        std::vector<std::string> set;
        if (settings.force_2fa) {
            set.push_back(fmt::format("force_2fa={}", *settings.force_2fa));
        }
        if (settings.force_sso) {
            set.push_back(fmt::format("force_sso={}", *settings.force_sso));
        }
        if (settings.ip_allowlist) {
            set.push_back("ip_whitelist=" + model::join_allowlist(*settings.ip_allowlist));
        }
        for (const auto& [contact, user] : settings.contacts) {
            set.push_back(fmt::format("{}_contact_id={}", model::to_string(contact), user.value_or("")));
        }
        record(fmt::format("PUT customer {} {}", id, fmt::join(set, " ")));
    }
    std::vector<model::ApiToken> list_tokens(const std::string&) override { return {}; }
    EventsRead list_events(const std::string&, const std::string&, const std::string&, int,
                           const std::function<bool(const std::vector<model::Event>&)>&) override {
        return {true, ""};
    }
    void delete_token(const std::string& id) override { record("DELETE token " + id); }

private:
    void record(const std::string& call) {
        {
            std::lock_guard lock(m_mutex);
            m_calls.push_back(call);
        }
        if (on_call) {
            on_call(call);
        }
    }
    std::string next_id() {
        std::lock_guard lock(m_mutex);
        return fmt::format("new-{}", ++m_made);
    }
    static std::string ids(const std::vector<live::Link>& links) {
        std::vector<std::string> out;
        for (const auto& link : links) {
            out.push_back(link.id);
        }
        return fmt::format("{}", fmt::join(out, ","));
    }

    mutable std::mutex m_mutex;
    std::vector<std::string> m_calls;
    int m_made = 0;
};

}  // namespace fastly_accounts::testing
