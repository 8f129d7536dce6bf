#include <fastly_accounts/config/validate.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fmt/format.h>
#include <map>

namespace fastly_accounts::config {

namespace {

using model::Kind;

// Where a key was first defined.
struct Origin {
    const LoadedFile* file = nullptr;
    std::string path;

    std::string describe() const {
        const Position at = file->position(path);
        return fmt::format("{}:{}:{}", file->path, at.line, at.column);
    }
};

std::string describe_position(const LoadedFile& file, const Position& at) {
    return fmt::format("{}:{}:{}", file.path, at.line, at.column);
}

class Merger {
public:
    Merger(const std::vector<LoadedFile>& files, Diagnostics& diagnostics)
        : m_files(files), m_diagnostics(diagnostics) {}

    model::AccountState run() {
        merge_settings();
        merge_kind(Kind::users, &model::AccountState::users, &model::User::login, "login", "user", m_users);
        merge_kind(Kind::invitations, &model::AccountState::invitations, &model::Invitation::email, "email",
                   "invitation", m_invitations);
        merge_kind(Kind::roles, &model::AccountState::roles, &model::Role::name, "name", "role", m_roles);
        merge_kind(Kind::service_groups, &model::AccountState::service_groups, &model::ServiceGroup::name, "name",
                   "service group", m_service_groups);
        merge_kind(Kind::user_groups, &model::AccountState::user_groups, &model::UserGroup::name, "name",
                   "user group", m_user_groups);
        check_invited_users();
        check_role_names();
        check_references();
        return std::move(m_merged);
    }

private:
    void report(const LoadedFile& file, const std::string& path, std::string message) {
        const Position at = file.position(path);
        m_diagnostics.add({file.path, at.line, at.column, path, std::move(message)});
    }

    void merge_settings();

    // Logins and emails are keys ignoring case; names are keys as written.
    template <typename Object>
    void merge_kind(Kind kind, std::vector<Object> model::AccountState::*list, std::string Object::*key,
                    std::string_view key_field, std::string_view noun, std::map<std::string, Origin>& index) {
        const bool ignore_case = kind == Kind::users || kind == Kind::invitations;
        for (const auto& file : m_files) {
            if (!file.usable) {
                continue;
            }
            const auto& objects = file.state.*list;
            for (std::size_t i = 0; i < objects.size(); ++i) {
                const std::string key_path = field_path(file.object_path(kind, i), key_field);
                const std::string& text = objects[i].*key;
                auto [it, inserted] = index.emplace(ignore_case ? model::email_key(text) : text, Origin{&file, key_path});
                if (!inserted) {
                    report(file, key_path,
                           fmt::format("{} '{}' is defined twice (first at {})", noun, text, it->second.describe()));
                    continue;
                }
                (m_merged.*list).push_back(objects[i]);
            }
        }
    }

    void check_invited_users();
    void check_role_names();
    void check_references();
    std::optional<std::string> unknown_role_message(const std::string& name) const;
    static std::string with_hint(std::string message, const std::string& name,
                                 const std::vector<std::string>& candidates, std::string_view otherwise);

    static std::string field_path(const std::string& object, std::string_view field) {
        return object + "." + std::string(field);
    }

    const std::vector<LoadedFile>& m_files;
    Diagnostics& m_diagnostics;
    model::AccountState m_merged;
    std::map<std::string, Origin> m_users;           // by email_key(login)
    std::map<std::string, Origin> m_invitations;     // by email_key(email)
    std::map<std::string, Origin> m_roles;           // by name
    std::map<std::string, Origin> m_service_groups;  // by name
    std::map<std::string, Origin> m_user_groups;     // by name
};

void Merger::merge_settings() {
    const LoadedFile* customer_from = nullptr;
    const LoadedFile* policy_from = nullptr;
    const LoadedFile* ignore_from = nullptr;
    for (const auto& file : m_files) {
        if (!file.usable) {
            continue;
        }
        if (file.customer_id_at) {
            if (!customer_from) {
                customer_from = &file;
                m_merged.customer_id = file.state.customer_id;
            } else if (*file.state.customer_id != *m_merged.customer_id) {
                m_diagnostics.add({file.path, file.customer_id_at->line, file.customer_id_at->column, "customer_id",
                                   fmt::format("'{}' differs from '{}' given at {}", *file.state.customer_id,
                                               *m_merged.customer_id,
                                               describe_position(*customer_from, *customer_from->customer_id_at))});
            }
        }
        if (file.has_policy) {
            if (!policy_from) {
                policy_from = &file;
                m_merged.policy = file.state.policy;
            } else {
                m_diagnostics.add({file.path, file.policy_at->line, file.policy_at->column, "policy",
                                   fmt::format("given in two files (also at {}); keep it in one file",
                                               describe_position(*policy_from, *policy_from->policy_at))});
            }
        }
        if (file.has_ignore) {
            if (!ignore_from) {
                ignore_from = &file;
                m_merged.ignore = file.state.ignore;
            } else {
                m_diagnostics.add({file.path, file.ignore_at->line, file.ignore_at->column, "ignore",
                                   fmt::format("given in two files (also at {}); keep it in one file",
                                               describe_position(*ignore_from, *ignore_from->ignore_at))});
            }
        }
    }
}

// A person is either a user or invited: both at once would make the plan invite an existing user.
void Merger::check_invited_users() {
    for (const auto& [key, origin] : m_invitations) {
        if (auto user = m_users.find(key); user != m_users.end()) {
            report(*origin.file, origin.path,
                   fmt::format("'{}' is also listed as a user (at {}); list the person under users or "
                               "invitations, not both",
                               key, user->second.describe()));
        }
    }
}

void Merger::check_role_names() {
    for (const auto& [name, origin] : m_roles) {
        if (model::is_predefined_role(name)) {
            report(*origin.file, origin.path,
                   fmt::format("'{}' is the name of a predefined role; predefined roles are referenced by name, "
                               "not defined, so choose another name for this custom role",
                               name));
        }
    }
}

std::string Merger::with_hint(std::string message, const std::string& name, const std::vector<std::string>& candidates,
                              std::string_view otherwise) {
    if (auto hint = util::closest_match(name, candidates)) {
        return message + fmt::format("; did you mean '{}'?", *hint);
    }
    return message + fmt::format("; {}", otherwise);
}

std::optional<std::string> Merger::unknown_role_message(const std::string& name) const {
    if (model::is_predefined_role(name) || m_roles.count(name) > 0) {
        return std::nullopt;
    }
    std::vector<std::string> candidates = model::predefined_role_names();
    for (const auto& [custom, origin] : m_roles) {
        candidates.push_back(custom);
    }
    return with_hint(fmt::format("unknown role '{}'", name), name, candidates,
                     fmt::format("define it under roles, or use a predefined role ({})",
                                 util::join(model::predefined_role_names(), ", ")));
}

void Merger::check_references() {
    std::vector<std::string> people;
    for (const auto* index : {&m_users, &m_invitations}) {
        for (const auto& [key, origin] : *index) {
            people.push_back(key);
        }
    }
    std::vector<std::string> service_group_names;
    for (const auto& [name, origin] : m_service_groups) {
        service_group_names.push_back(name);
    }
    for (const auto& file : m_files) {
        if (!file.usable) {
            continue;
        }
        for (const auto& ref : file.references) {
            auto add = [&](std::string message) {
                m_diagnostics.add({file.path, ref.at.line, ref.at.column, ref.path, std::move(message)});
            };
            switch (ref.target) {
                case RefersTo::role: {
                    if (auto message = unknown_role_message(ref.name)) {
                        add(*message);
                    }
                    break;
                }
                case RefersTo::service_group: {
                    if (m_service_groups.count(ref.name) == 0) {
                        add(with_hint(fmt::format("unknown service group '{}'", ref.name), ref.name,
                                      service_group_names, "define it under service_groups"));
                    }
                    break;
                }
                case RefersTo::person: {
                    const std::string key = model::email_key(ref.name);
                    if (m_users.count(key) == 0 && m_invitations.count(key) == 0) {
                        add(with_hint(fmt::format("'{}' is neither a listed user nor a listed invitation", ref.name),
                                      key, people, "add it under users or invitations"));
                    }
                    break;
                }
            }
        }
    }
}

}  // namespace

model::AccountState merge_files(const std::vector<LoadedFile>& files, Diagnostics& diagnostics) {
    return Merger(files, diagnostics).run();
}

}  // namespace fastly_accounts::config
