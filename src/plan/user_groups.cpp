// User groups in the diff: made and changed in stage 3 (what they gain) and stage 4 (what they lose), deleted
// when pruned, and the live groups the files do not list.
#include "differ.hpp"

namespace fastly_accounts::plan::detail {

void Differ::diff_user_groups() {
    std::set<std::string> desired_groups;
    for (const auto& group : m_desired.user_groups) {
        desired_groups.insert(group.name);
        const Where where = located(group.where, fmt::format("user group '{}'", group.name));
        for (const auto& name : group.service_groups.value_or(std::vector<std::string>{})) {
            if (m_desired_service_groups.count(name) == 0 && m_index.service_group(name) == nullptr) {
                m_problems.push_back(
                    {where.at, fmt::format("{}: service group '{}' does not exist", where.what, name)});
            }
        }
        const model::UserGroup* live = m_index.user_group(group.name);
        const bool exists = live != nullptr;
        const std::string id = exists ? live->id : "";
        const std::string group_id = exists ? id : placeholder("user group", group.name);
        Change adds{Stage::create_user_groups,
                    exists ? Action::update : Action::create,
                    Kind::user_groups,
                    group.name,
                    id,
                    {},
                    {},
                    {},
                    "",
                    {}};
        Change removes{
            Stage::remove_from_groups, Action::update, Kind::user_groups, group.name, id, {}, {}, {}, "", {}};
        if (!exists) {
            adds.requests.push_back({"POST", api_path::collection(Kind::user_groups)});
            if (group.description) {
                adds.fields.push_back({Field::description, {}, *group.description});
            }
        } else if (group.description && *group.description != live->description.value_or("")) {
            adds.fields.push_back({Field::description, live->description.value_or(""), *group.description});
            adds.requests.push_back({"PATCH", api_path::object(Kind::user_groups, group_id)});
        }
        const model::UserGroup empty;
        const model::UserGroup& have = exists ? *live : empty;

        auto relation = [&](Field field, std::string (*sub_list)(std::string_view),
                            const std::optional<std::vector<std::string>>& wanted,
                            const std::optional<std::vector<std::string>>& got, auto key, auto keep) {
            if (!wanted) {
                return;
            }
            auto [plus, minus] = list_delta(*wanted, got.value_or(std::vector<std::string>{}), key);
            std::erase_if(plus, keep);
            std::erase_if(minus, keep);
            if (!plus.empty()) {
                adds.lists.push_back({field, plus, {}});
                adds.requests.push_back({"POST", sub_list(group_id)});
            }
            if (!minus.empty()) {
                removes.lists.push_back({field, {}, minus});
                removes.requests.push_back({"DELETE", sub_list(group_id)});
            }
        };
        if (group.roles) {
            role_identities(*group.roles, where);  // reports the names that resolve to nothing
        }
        auto role_key = [&](const std::string& name) { return role_identity(name, ""); };
        // Ignored roles and service groups are never taken out of a group the files manage; listing them
        // there is allowed, and then they are added like any other.
        auto ignored_role = [&](const std::string& name) {
            return ignored(Kind::roles, name) && !named(group.roles, name, role_key);
        };
        auto ignored_service_group = [&](const std::string& name) {
            return ignored(Kind::service_groups, name) && !named(group.service_groups, name, exact);
        };
        // Ignored people are never taken out of a group: they are not the files' business. A person whose
        // invitation this plan replaces is put back by the replacing change.
        auto handled_person = [&](const std::string& login) {
            const std::string key = model::email_key(login);
            if (auto replaced = m_replaced.find(key);
                replaced != m_replaced.end() && replaced->second.count(group.name)) {
                return true;
            }
            if (expired_invitee(key)) {
                return true;  // a dead membership: nothing to give, nothing worth a request to take
            }
            return (ignored(Kind::users, login) || ignored(Kind::invitations, login)) &&
                   !named(group.members, login, model::email_key);
        };
        relation(Field::roles, api_path::user_group_roles, group.roles, have.roles, role_key, ignored_role);
        for (auto& list : adds.lists) {
            if (list.field == Field::roles) {
                list.add = canonical_roles(list.add);
            }
        }
        relation(Field::service_groups, api_path::user_group_service_groups, group.service_groups, have.service_groups,
                 exact, ignored_service_group);
        relation(Field::members, api_path::user_group_members, group.members, have.members, model::email_key,
                 handled_person);
        mark_group_escalations(adds, group, have);
        if (!adds.requests.empty()) {
            add(std::move(adds));
        }
        if (!removes.requests.empty()) {
            add(std::move(removes));
        }
    }
    for (const auto& have : m_live.state.user_groups) {
        if (desired_groups.count(have.name) > 0 || ignored(Kind::user_groups, have.name)) {
            continue;
        }
        if (pruned(Kind::user_groups)) {
            add({Stage::delete_people_and_groups,
                 Action::remove,
                 Kind::user_groups,
                 have.name,
                 have.id,
                 {},
                 {},
                 {{"DELETE", api_path::object(Kind::user_groups, have.id)}},
                 "",
                 {}});
        } else {
            m_plan.unmanaged.push_back({Kind::user_groups, have.name});
        }
    }
}

}  // namespace fastly_accounts::plan::detail
