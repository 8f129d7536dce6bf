// Service authorizations in the diff: the grants of service-limited users (made, changed, revoked, in the
// order the API needs around the user's own PUT), the tokens revoked before a user is deleted, and the
// grants of users the files do not list.
#include "differ.hpp"

namespace fastly_accounts::plan::detail {

namespace {

// One request for one authorization; bulk requests of up to api_path::service_authorizations_per_bulk for
// more. The live client splits them the same way, so the plan counts what is sent.
void authorization_requests(const char* method, const std::vector<std::string>& ids, std::vector<Request>& out) {
    if (ids.size() == 1) {
        out.push_back({method, api_path::service_authorization(ids.front())});
        return;
    }
    const std::size_t per = api_path::service_authorizations_per_bulk;
    for (std::size_t at = 0; at < ids.size(); at += per) {
        out.push_back({method, api_path::service_authorizations()});
    }
}

ListChange grant_list(const model::ServiceGrants& want, const model::ServiceGrants& have) {
    ListChange out{Field::service_authorizations, {}, {}};
    for (const auto& [service, permission] : want) {
        auto live = have.find(service);
        if (live == have.end() || live->second != permission) {
            out.add.push_back(grant_entry(service, permission));
        }
    }
    for (const auto& [service, permission] : have) {
        auto wanted = want.find(service);
        if (wanted == want.end() || wanted->second != permission) {
            out.remove.push_back(grant_entry(service, permission));
        }
    }
    return out;
}

std::string token_label(const model::ApiToken& token) {
    std::string out = fmt::format("'{}'", token.name.empty() ? "(no name)" : token.name);
    std::vector<std::string> facts;
    if (!token.scope.empty()) {
        facts.push_back("scope " + token.scope);
    }
    facts.push_back(token.last_used_at.empty() ? "never used" : "last used " + token.last_used_at);
    facts.push_back(token.expires_at.empty() ? "never expires" : "expires " + token.expires_at);
    return fmt::format("{} ({})", out, util::join(facts, ", "));
}

}  // namespace

model::ServiceGrants Differ::grants_by_id(const model::ServiceGrants& written, const Where& where,
                                          const model::ServiceGrants* held) {
    std::unordered_map<std::string, std::vector<const model::Service*>> by_name;
    std::set<std::string> ids;
    for (const auto& service : m_live.services) {
        ids.insert(service.id);
        by_name[service.name].push_back(&service);
    }
    model::ServiceGrants out;
    std::map<std::string, std::string> written_as;  // service ID -> how the files named it first
    for (const auto& [name, permission] : written) {
        std::string id;
        if (ids.count(name) > 0 || (held != nullptr && held->count(name) > 0)) {
            id = name;  // a service of the account, or one the user holds a grant for (listed or not)
        } else if (auto it = by_name.find(name); it != by_name.end() && it->second.size() == 1) {
            id = it->second.front()->id;
        } else if (it != by_name.end()) {
            std::vector<std::string> candidates;
            for (const auto* service : it->second) {
                candidates.push_back(service->id);
            }
            m_problems.push_back(
                {where.at, fmt::format("{}: services: {} services are named '{}' ({}); name the "
                                       "one meant by its ID",
                                       where.what, it->second.size(), name, util::join(candidates, ", "))});
            continue;
        } else {
            std::vector<std::string> candidates(ids.begin(), ids.end());
            for (const auto& [service_name, services] : by_name) {
                candidates.push_back(service_name);
            }
            m_problems.push_back({where.at, fmt::format("{}: services: no service of the account is named or has "
                                                        "the ID '{}'{}",
                                                        where.what, name, util::did_you_mean(name, candidates))});
            continue;
        }
        if (auto [first, fresh] = written_as.emplace(id, name); !fresh) {
            m_problems.push_back({where.at, fmt::format("{}: services: '{}' and '{}' are the same service ({}); "
                                                        "grant it once",
                                                        where.what, first->second, name, id)});
            continue;
        }
        out[id] = permission;
    }
    return out;
}

std::optional<ListChange> Differ::user_grants(const model::User& want, const model::User& have, const Where& where) {
    static const model::ServiceGrants none;
    const model::ServiceGrants& live = have.services ? *have.services : none;
    ListChange list;
    if (want.services) {
        list = grant_list(grants_by_id(*want.services, where, &live), live);
    } else if (want.limit_services == false && have.limit_services == true && !live.empty()) {
        list = grant_list({}, live);  // grants limit nobody once limit_services is off: they go first
    } else {
        return std::nullopt;
    }
    if (list.add.empty() && list.remove.empty()) {
        return std::nullopt;
    }
    return list;
}

void Differ::grant_requests(const ListChange& grants, const std::string& user_id, std::vector<Request>& before,
                            std::vector<Request>& after) const {
    const GrantDelta delta = grant_delta(grants);
    auto authorization_ids = [&](const std::vector<std::pair<std::string, model::ServicePermission>>& entries) {
        std::vector<std::string> out;
        for (const auto& entry : entries) {
            const model::ServiceAuthorization* found = m_index.authorization(user_id, entry.first);
            out.push_back(found != nullptr ? found->id : placeholder("service authorization", entry.first));
        }
        return out;
    };
    if (!delta.revoke.empty()) {
        authorization_requests("DELETE", authorization_ids(delta.revoke), before);
    }
    for (std::size_t i = 0; i < delta.grant.size(); ++i) {
        after.push_back({"POST", api_path::service_authorizations()});
    }
    if (!delta.change.empty()) {
        authorization_requests("PATCH", authorization_ids(delta.change), after);
    }
}

void Differ::revoke_tokens(Change& deletion, const model::User& have) {
    const auto tokens = m_index.tokens(have.id);
    if (tokens.empty()) {
        return;
    }
    ListChange list{Field::tokens, {}, {}};
    std::vector<std::string> names;
    for (const auto* token : tokens) {
        list.remove.push_back(token->id);
        m_plan.token_labels[token->id] = token_label(*token);
        names.push_back(token->name.empty() ? token->id : "'" + token->name + "'");
        deletion.requests.push_back({"DELETE", api_path::token(token->id)});
    }
    deletion.sensitive.push_back(fmt::format("revokes {} first ({}): whatever uses {} stops working",
                                             util::plural(tokens.size(), "API token", "API tokens"),
                                             util::join(names, ", "), tokens.size() == 1 ? "it" : "them"));
    deletion.lists.push_back(std::move(list));
}

void Differ::report_unmanaged_grants() {
    std::unordered_map<std::string, std::string> service_name;
    for (const auto& service : m_live.services) {
        service_name[service.id] = service.name;
    }
    for (const auto& have : m_live.state.users) {
        if (!have.services || have.services->empty() || m_desired_people.count(model::email_key(have.login)) > 0 ||
            ignored(Kind::users, have.login) || pruned(Kind::users)) {
            continue;
        }
        std::vector<std::string> grants;
        for (const auto& [service, permission] : *have.services) {
            auto name = service_name.find(service);
            grants.push_back(
                fmt::format("{}{}: {}", service,
                            name != service_name.end() && !name->second.empty() ? " (" + name->second + ")" : "",
                            model::to_string(permission)));
        }
        m_plan.notes.push_back(fmt::format(
            "{}: not in the files, holds {} made by hand: {}", have.login,
            util::plural(grants.size(), "service authorization", "service authorizations"), util::join(grants, ", ")));
    }
}

}  // namespace fastly_accounts::plan::detail
