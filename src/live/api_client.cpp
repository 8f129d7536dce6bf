// The default implementations of ApiClient's optional reads, and the per-thread request recorder.
#include <fastly_accounts/live/api_client.hpp>

namespace fastly_accounts::live {

namespace {
thread_local RequestRecorder* innermost = nullptr;
}  // namespace

RequestRecorder::RequestRecorder() : m_outer(innermost) {
    innermost = this;
}

RequestRecorder::~RequestRecorder() {
    innermost = m_outer;
}

void RequestRecorder::note(SentRequest request) {
    if (innermost != nullptr) {
        innermost->m_sent.push_back(std::move(request));
    }
}

std::optional<std::vector<model::CatalogRole>> ApiClient::list_legacy_roles() {
    return list_role_catalog();
}

std::string ApiClient::current_token_id() {
    return {};
}

std::vector<std::string> ApiClient::role_permission_names(const std::string& role_id) {
    std::vector<std::string> names;
    for (const auto& link : list_links(Relation::role_permissions, role_id)) {
        names.push_back(link.name.empty() ? link.id : link.name);
    }
    return names;
}

}  // namespace fastly_accounts::live
