#include <algorithm>
#include <fastly_accounts/live/fetch.hpp>
#include <fastly_accounts/util/parallel.hpp>
#include <functional>
#include <unordered_map>
#include <vector>

namespace fastly_accounts::live {

namespace {

// Role ids (as users and invitations carry them) to the names files use.
std::vector<std::string> role_names(const model::LiveAccount& account, const std::vector<std::string>& ids) {
    std::vector<std::string> names;
    names.reserve(ids.size());
    for (const auto& id : ids) {
        std::string name = account.role_name(id);
        names.push_back(name.empty() ? id : name);  // an unknown id is kept so it shows up, not vanishes
    }
    return names;
}

}  // namespace

model::LiveAccount fetch_account(ApiClient& api, std::size_t concurrency) {
    model::LiveAccount account;
    // Everything else needs the customer id.
    account.customer = api.current_customer();

    std::vector<NamedObject> roles;
    std::vector<NamedObject> service_groups;
    std::vector<NamedObject> user_groups;
    const std::vector<std::function<void()>> lists = {
        [&] { account.token_user = api.current_user(); },
        [&] { account.state.users = api.list_users(account.customer.id); },
        [&] { account.state.invitations = api.list_invitations(); },
        [&] { account.role_catalog = api.list_role_catalog(); },
        [&] { account.permissions = api.list_permissions(); },
        [&] { account.services = api.list_services(); },
        [&] { service_groups = api.list(Collection::service_groups); },
        [&] { user_groups = api.list(Collection::user_groups); },
    };
    util::parallel_for(lists.size(), concurrency, [&](std::size_t i) { lists[i](); });

    // Sub-lists: three per user group, one per service group, one per custom role.
    for (const auto& role : account.role_catalog) {
        if (role.custom) {
            roles.push_back({role.id, role.name, role.description});
        }
    }
    struct SubList {
        Relation relation;
        std::string owner;
        std::vector<Link> links;
    };
    std::vector<SubList> sub_lists;
    for (const auto& group : user_groups) {
        for (Relation r : {Relation::user_group_members, Relation::user_group_roles, Relation::user_group_service_groups}) {
            sub_lists.push_back({r, group.id, {}});
        }
    }
    for (const auto& group : service_groups) {
        sub_lists.push_back({Relation::service_group_services, group.id, {}});
    }
    for (const auto& role : roles) {
        sub_lists.push_back({Relation::role_permissions, role.id, {}});
    }
    util::parallel_for(sub_lists.size(), concurrency, [&](std::size_t i) {
        sub_lists[i].links = api.list_links(sub_lists[i].relation, sub_lists[i].owner);
    });

    // Assemble, turning ids into the names files use.
    std::unordered_map<std::string, std::string> person_by_id;
    for (auto& user : account.state.users) {
        person_by_id[user.id] = user.login;
        user.roles = role_names(account, user.roles.value_or(std::vector<std::string>{}));
    }
    for (auto& invitation : account.state.invitations) {
        person_by_id[invitation.id] = invitation.email;
        invitation.roles = role_names(account, invitation.roles.value_or(std::vector<std::string>{}));
    }
    std::unordered_map<std::string, std::string> service_group_name;
    for (const auto& group : service_groups) {
        service_group_name[group.id] = group.name;
    }
    std::unordered_map<std::string, const SubList*> by_owner_relation;
    auto key = [](Relation r, const std::string& owner) { return std::to_string(static_cast<int>(r)) + ":" + owner; };
    for (const auto& sub : sub_lists) {
        by_owner_relation[key(sub.relation, sub.owner)] = &sub;
    }
    auto links_of = [&](Relation r, const std::string& owner) -> const std::vector<Link>& {
        return by_owner_relation.at(key(r, owner))->links;
    };

    for (const auto& role : roles) {
        model::Role out{role.name, role.description, std::vector<std::string>{}, role.id, {}};
        for (const auto& link : links_of(Relation::role_permissions, role.id)) {
            out.permissions->push_back(!link.name.empty() ? link.name : link.id);
        }
        account.state.roles.push_back(std::move(out));
    }
    for (const auto& group : service_groups) {
        model::ServiceGroup out{group.name, group.description, std::vector<std::string>{}, group.id, {}};
        for (const auto& link : links_of(Relation::service_group_services, group.id)) {
            out.services->push_back(link.id);
        }
        account.state.service_groups.push_back(std::move(out));
    }
    for (const auto& group : user_groups) {
        model::UserGroup out{group.name,
                             group.description,
                             std::vector<std::string>{},
                             std::vector<std::string>{},
                             std::vector<std::string>{},
                             group.id,
                             {}};
        for (const auto& link : links_of(Relation::user_group_roles, group.id)) {
            const std::string name = account.role_name(link.id);
            out.roles->push_back(!name.empty() ? name : (!link.name.empty() ? link.name : link.id));
        }
        for (const auto& link : links_of(Relation::user_group_service_groups, group.id)) {
            auto it = service_group_name.find(link.id);
            out.service_groups->push_back(it != service_group_name.end() ? it->second : link.id);
        }
        for (const auto& link : links_of(Relation::user_group_members, group.id)) {
            auto it = person_by_id.find(link.id);
            out.members->push_back(it != person_by_id.end() ? it->second : (!link.name.empty() ? link.name : link.id));
        }
        account.state.user_groups.push_back(std::move(out));
    }
    return account;
}

}  // namespace fastly_accounts::live
