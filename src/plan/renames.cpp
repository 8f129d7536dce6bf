// Renames in place (`previously:` in the files): which live custom roles and groups become which objects of
// the files, the account as it stands once they are renamed, and the `name` field each rename adds to its
// change.
#include "differ.hpp"

namespace fastly_accounts::plan {

namespace detail {

namespace {

// The renames of one kind: a desired object that no live object is named like takes the live object of its
// first former name that exists, is not ignored and (for a role) is not taken for a predefined role.
template <typename Object>
void find_kind(Kind kind, const std::vector<Object>& desired, const std::vector<Object>& live,
               const model::IgnoreRules& ignore, Renames& out) {
    std::unordered_map<std::string, const Object*> by_name;
    for (const auto& have : live) {
        by_name.emplace(have.name, &have);
    }
    const std::string_view noun = model::noun(kind);
    for (const auto& want : desired) {
        const bool exists = by_name.count(want.name) > 0;
        const Object* from = nullptr;
        for (const auto& old : want.previously) {
            auto found = by_name.find(old);
            if (found == by_name.end() || (kind == Kind::roles && model::is_predefined_role(old))) {
                continue;
            }
            if (ignore.matches(kind, old)) {
                out.notes.push_back(
                    fmt::format("{} '{}': '{}', one of its former names, matches ignore.{}, so it is "
                                "not renamed",
                                noun, want.name, old, model::to_string(kind)));
                continue;
            }
            if (exists || from != nullptr) {
                out.notes.push_back(fmt::format(
                    "{} '{}': '{}', one of its former names, also exists in the account; '{}' is {}, and '{}' is "
                    "treated as any other {} the files do not list",
                    noun, want.name, old, want.name,
                    exists ? "matched by its name" : fmt::format("renamed from '{}'", from->name), old, noun));
                continue;
            }
            from = found->second;
        }
        if (from != nullptr) {
            out.renames.push_back({kind, from->id, from->name, want.name});
        }
        // A rename done: its former names are gone, and a later object given one of them would be taken for it.
        const bool done = exists && !want.previously.empty() &&
                          std::none_of(want.previously.begin(), want.previously.end(),
                                       [&](const std::string& old) { return by_name.count(old) > 0; });
        if (done) {
            std::vector<std::string> quoted;
            for (const auto& old : want.previously) {
                quoted.push_back("'" + old + "'");
            }
            const std::string olds = util::join(quoted, " or ");
            out.notes.push_back(
                fmt::format("{} '{}': previously: [{}] is done (no {} in the account); remove it so "
                            "that a future {} is not renamed to '{}'",
                            noun, want.name, util::join(want.previously, ", "), olds, olds, want.name));
        }
    }
}

// The entries of `list` that name `from`, named `to`.
void rename_entries(std::optional<std::vector<std::string>>& list, const std::string& from, const std::string& to) {
    if (list) {
        std::replace(list->begin(), list->end(), from, to);
    }
}

template <typename Object>
void rename_object(std::vector<Object>& objects, const Rename& rename) {
    for (auto& object : objects) {
        if (object.id == rename.id) {
            object.name = rename.to;
        }
    }
}

}  // namespace

Renames find_renames(const model::AccountState& desired, const model::LiveAccount& live) {
    Renames out;
    find_kind(Kind::roles, desired.roles, live.state.roles, desired.ignore, out);
    find_kind(Kind::service_groups, desired.service_groups, live.state.service_groups, desired.ignore, out);
    find_kind(Kind::user_groups, desired.user_groups, live.state.user_groups, desired.ignore, out);
    return out;
}

// Each rename is the update of its object in the stage that makes and changes objects of its kind: the
// change the diff made for it, or a new one when nothing else about it changes.
void Differ::mark_renames() {
    for (const auto& rename : m_renames) {
        const Stage stage = rename.kind == Kind::user_groups ? Stage::create_user_groups
                                                             : Stage::create_roles_and_service_groups;
        auto it = std::find_if(m_plan.changes.begin(), m_plan.changes.end(), [&](const Change& c) {
            return c.stage == stage && c.kind == rename.kind && c.key == rename.to;
        });
        if (it == m_plan.changes.end()) {
            add({stage, Action::update, rename.kind, rename.to, rename.id, {}, {}, {}, "", {}});
            it = std::prev(m_plan.changes.end());
        }
        it->fields.insert(it->fields.begin(), FieldChange{Field::name, rename.from, rename.to});
        const Request patch{"PATCH", api_path::object(rename.kind, rename.id)};
        if (std::none_of(it->requests.begin(), it->requests.end(),
                         [&](const Request& r) { return r.method == patch.method && r.path == patch.path; })) {
            it->requests.insert(it->requests.begin(), patch);
        }
        const std::string note = fmt::format("renamed from '{}' (previously:), keeping its ID", rename.from);
        it->note = it->note.empty() ? note : note + "; " + it->note;
    }
}

}  // namespace detail

using detail::rename_entries;
using detail::rename_object;
using model::Kind;

std::vector<Rename> renames_of(const Plan& plan) {
    std::vector<Rename> out;
    for (const auto& change : plan.changes) {
        if (change.kind != Kind::roles && change.kind != Kind::service_groups && change.kind != Kind::user_groups) {
            continue;
        }
        for (const auto& field : change.fields) {
            const auto* from = std::get_if<std::string>(&field.from);
            const auto* to = std::get_if<std::string>(&field.to);
            if (field.field == Field::name && from != nullptr && to != nullptr && !change.id.empty()) {
                out.push_back({change.kind, change.id, *from, *to});
            }
        }
    }
    return out;
}

model::LiveAccount renamed(const model::LiveAccount& live, const std::vector<Rename>& renames) {
    model::LiveAccount out = live;
    for (const auto& rename : renames) {
        switch (rename.kind) {
            case Kind::roles:
                rename_object(out.state.roles, rename);
                for (auto& role : out.role_catalog) {
                    if (role.custom && role.id == rename.id) {
                        role.name = rename.to;
                    }
                }
                for (auto& user : out.state.users) {
                    rename_entries(user.roles, rename.from, rename.to);
                }
                for (auto& invitation : out.state.invitations) {
                    rename_entries(invitation.roles, rename.from, rename.to);
                }
                for (auto& group : out.state.user_groups) {
                    rename_entries(group.roles, rename.from, rename.to);
                }
                break;
            case Kind::service_groups:
                rename_object(out.state.service_groups, rename);
                for (auto& group : out.state.user_groups) {
                    rename_entries(group.service_groups, rename.from, rename.to);
                }
                break;
            case Kind::user_groups:
                rename_object(out.state.user_groups, rename);
                break;
            default:
                break;
        }
    }
    return out;
}

}  // namespace fastly_accounts::plan
