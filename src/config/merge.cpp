#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/config/merge.hpp>
#include <fastly_accounts/config/role_rules.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fastly_accounts::config {

namespace {

using model::Kind;

std::string describe_position(const LoadedFile& file, const Position& at) {
    return fmt::format("{}:{}:{}", file.path, at.line, at.column);
}

// Where a key was first defined. Its field path is built only for a message: a 10k-user account has
// 11,000 keys and, when valid, no message.
struct Origin {
    const LoadedFile* file = nullptr;
    const ObjectSource* object = nullptr;
    std::string_view key_field;  // "login", "email" or "name"

    std::string key_path() const { return object->path + "." + std::string(key_field); }
    std::string describe() const { return describe_position(*file, object->key_at); }
};

// Keys (lower-cased logins and emails, names as written) to where each was first defined. Hashed: the
// checks look up every group member in it.
using KeyIndex = std::unordered_map<std::string, Origin>;

// The keys of `index` in order, so that "did you mean" picks the same one whatever the hashing.
std::vector<std::string> sorted_keys(const KeyIndex& index) {
    std::vector<std::string> keys;
    keys.reserve(index.size());
    for (const auto& [key, origin] : index) {
        keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());
    return keys;
}

class Merger {
public:
    Merger(std::vector<LoadedFile> files, Diagnostics& diagnostics)
        : m_files(std::move(files)), m_diagnostics(diagnostics) {}

    model::AccountState run() {
        merge_settings();
        merge_kind(Kind::users, &model::AccountState::users, &model::User::login, "login", "user", m_users);
        merge_kind(Kind::invitations, &model::AccountState::invitations, &model::Invitation::email, "email",
                   "invitation", m_invitations);
        merge_kind(Kind::roles, &model::AccountState::roles, &model::Role::name, "name", "role", m_roles);
        merge_kind(Kind::service_groups, &model::AccountState::service_groups, &model::ServiceGroup::name, "name",
                   "service group", m_service_groups);
        merge_kind(Kind::user_groups, &model::AccountState::user_groups, &model::UserGroup::name, "name", "user group",
                   m_user_groups);
        check_invited_users();
        check_contacts();
        check_role_names();
        check_ignored_definitions();
        check_references();
        check_previous_names();
        check_role_rules(
            m_files, [this](const std::string& name) { return m_roles.count(name) > 0; }, m_diagnostics);
        return std::move(m_merged);
    }

private:
    // A problem at `at`'s key; `other`, when given, is the other place it names (a key defined twice).
    void report(const Origin& at, std::string message, const Origin* other = nullptr) {
        const Position& key_at = at.object->key_at;
        m_diagnostics.add({at.file->path, key_at.line, key_at.column, at.key_path(), std::move(message)},
                          other != nullptr ? other->file->path : std::string());
    }

    void merge_settings();

    // Logins and emails are keys ignoring case; names are keys as written. The objects are moved into
    // the merged state: the files' copies are not needed after this.
    template <typename Object>
    void merge_kind(Kind kind, std::vector<Object> model::AccountState::*list, std::string Object::*key,
                    std::string_view key_field, std::string_view noun, KeyIndex& index) {
        const bool ignore_case = model::keyed_by_email(kind);
        for (auto& file : m_files) {
            if (!file.usable) {
                continue;
            }
            auto& objects = file.state.*list;
            for (std::size_t i = 0; i < objects.size(); ++i) {
                const std::string& text = objects[i].*key;
                const Origin origin{&file, &file.object(kind, i), key_field};
                auto [it, inserted] = index.try_emplace(ignore_case ? model::email_key(text) : text, origin);
                if (!inserted) {
                    const std::string first = it->second.describe();
                    report(origin, fmt::format("{} '{}' is defined twice (first at {})", noun, text, first),
                           &it->second);
                    continue;
                }
                (m_merged.*list).push_back(std::move(objects[i]));
            }
        }
    }

    void check_invited_users();
    void check_contacts();
    void check_role_names();
    void check_ignored_definitions();
    void check_references();
    void check_previous_names();
    const std::optional<std::string>& unknown_role_message(const std::string& name);
    const std::vector<std::string>& people();
    const std::vector<std::string>& service_group_names();
    static std::string with_hint(std::string message, const std::string& name,
                                 const std::vector<std::string>& candidates, std::string_view otherwise);

    std::vector<LoadedFile> m_files;
    Diagnostics& m_diagnostics;
    model::AccountState m_merged;
    KeyIndex m_users;           // by email_key(login)
    KeyIndex m_invitations;     // by email_key(email)
    KeyIndex m_roles;           // by name
    KeyIndex m_service_groups;  // by name
    KeyIndex m_user_groups;     // by name
    // Role references name the same few roles thousands of times: each name's verdict, once.
    std::unordered_map<std::string, std::optional<std::string>> m_role_messages;
    // Hint candidates, built at the first unknown reference: a valid account needs none.
    std::optional<std::vector<std::string>> m_people;
    std::optional<std::vector<std::string>> m_service_group_names;
};

void Merger::merge_settings() {
    const LoadedFile* customer_from = nullptr;
    const LoadedFile* policy_from = nullptr;
    const LoadedFile* ignore_from = nullptr;
    const LoadedFile* settings_from = nullptr;
    for (const auto& file : m_files) {
        if (!file.usable) {
            continue;
        }
        if (file.customer_id_at) {
            if (!customer_from) {
                customer_from = &file;
                m_merged.customer_id = file.state.customer_id;
            } else if (*file.state.customer_id != *m_merged.customer_id) {
                m_diagnostics.add(
                    {file.path, file.customer_id_at->line, file.customer_id_at->column, "customer_id",
                     fmt::format("'{}' differs from '{}' given at {}", *file.state.customer_id, *m_merged.customer_id,
                                 describe_position(*customer_from, *customer_from->customer_id_at))},
                    customer_from->path);
            }
        }
        if (file.has_policy) {
            if (!policy_from) {
                policy_from = &file;
                m_merged.policy = file.state.policy;
            } else {
                m_diagnostics.add({file.path, file.policy_at->line, file.policy_at->column, "policy",
                                   fmt::format("given in two files (also at {}); keep it in one file",
                                               describe_position(*policy_from, *policy_from->policy_at))},
                                  policy_from->path);
            }
        }
        if (file.customer_at) {
            if (!settings_from) {
                settings_from = &file;
                m_merged.customer = file.state.customer;
            } else {
                m_diagnostics.add({file.path, file.customer_at->line, file.customer_at->column, "customer",
                                   fmt::format("given in two files (also at {}); keep it in one file",
                                               describe_position(*settings_from, *settings_from->customer_at))},
                                  settings_from->path);
            }
        }
        if (file.has_ignore) {
            if (!ignore_from) {
                ignore_from = &file;
                m_merged.ignore = file.state.ignore;
            } else {
                m_diagnostics.add({file.path, file.ignore_at->line, file.ignore_at->column, "ignore",
                                   fmt::format("given in two files (also at {}); keep it in one file",
                                               describe_position(*ignore_from, *ignore_from->ignore_at))},
                                  ignore_from->path);
            }
        }
    }
}

// A person is either a user or invited: both at once would make the plan invite an existing user.
void Merger::check_invited_users() {
    for (const auto& key : sorted_keys(m_invitations)) {
        if (auto user = m_users.find(key); user != m_users.end()) {
            report(m_invitations.at(key),
                   fmt::format("'{}' is also listed as a user (at {}); list the person under users or "
                               "invitations, not both",
                               key, user->second.describe()),
                   &user->second);
        }
    }
}

// A contact is a user of the account: someone only invited has no user ID to name yet.
void Merger::check_contacts() {
    if (!m_merged.customer) {
        return;
    }
    for (const auto& [contact, login] : m_merged.customer->contacts) {
        if (!login) {
            continue;
        }
        const auto& where = m_merged.customer->contact_at.at(contact);
        const std::string key = model::email_key(*login);
        if (m_invitations.count(key) > 0 && m_users.count(key) == 0) {
            m_diagnostics.add({where.file, where.line, where.column,
                               fmt::format("customer.contacts.{}", model::to_string(contact)),
                               fmt::format("'{}' is listed under invitations: a contact must be a user, so name "
                                           "them once they have accepted",
                                           *login)});
        }
    }
}

void Merger::check_role_names() {
    for (const auto& name : sorted_keys(m_roles)) {
        if (model::is_predefined_role(name)) {
            report(m_roles.at(name),
                   fmt::format("'{}' is the name of a predefined role; predefined roles are referenced by name, "
                               "not defined, so choose another name for this custom role",
                               name));
        }
    }
}

// `ignore` says "not the files' business"; defining the same object says the opposite. One of the two
// is a mistake, and guessing which could delete or strip access.
void Merger::check_ignored_definitions() {
    const std::pair<Kind, const KeyIndex*> kinds[] = {{Kind::users, &m_users},
                                                      {Kind::invitations, &m_invitations},
                                                      {Kind::roles, &m_roles},
                                                      {Kind::service_groups, &m_service_groups},
                                                      {Kind::user_groups, &m_user_groups}};
    for (const auto& [kind, index] : kinds) {
        for (const auto& key : sorted_keys(*index)) {
            // Keys of users and invitations are folded, and so is their matching: the key serves for both.
            if (m_merged.ignore.matches(kind, key)) {
                report(index->at(key),
                       fmt::format("{} '{}' is defined here and also matches ignore.{}; an object is either managed "
                                   "or ignored: remove it from one of the two",
                                   model::noun(kind), key, model::to_string(kind)));
            }
        }
    }
}

std::string Merger::with_hint(std::string message, const std::string& name, const std::vector<std::string>& candidates,
                              std::string_view otherwise) {
    return message + util::did_you_mean(name, candidates, otherwise);
}

const std::optional<std::string>& Merger::unknown_role_message(const std::string& name) {
    auto [it, inserted] = m_role_messages.try_emplace(name);
    // An ignored custom role is the account's, not the files': it may be referenced without a definition.
    if (!inserted || model::is_predefined_role(name) || m_roles.count(name) > 0 ||
        m_merged.ignore.matches(Kind::roles, name)) {
        return it->second;
    }
    std::vector<std::string> candidates = model::predefined_role_names();
    for (auto& custom : sorted_keys(m_roles)) {
        candidates.push_back(std::move(custom));
    }
    it->second = with_hint(fmt::format("unknown role '{}'", name), name, candidates,
                           fmt::format("define it under roles, or use a predefined role ({})",
                                       util::join(model::predefined_role_names(), ", ")));
    return it->second;
}

// Users, then invitations, each in key order.
const std::vector<std::string>& Merger::people() {
    if (!m_people) {
        m_people = sorted_keys(m_users);
        for (auto& key : sorted_keys(m_invitations)) {
            m_people->push_back(std::move(key));
        }
    }
    return *m_people;
}

const std::vector<std::string>& Merger::service_group_names() {
    if (!m_service_group_names) {
        m_service_group_names = sorted_keys(m_service_groups);
    }
    return *m_service_group_names;
}

void Merger::check_references() {
    for (const auto& file : m_files) {
        if (!file.usable) {
            continue;
        }
        for (const auto& ref : file.references) {
            auto add = [&](std::string message) {
                m_diagnostics.add({file.path, ref.at.line, ref.at.column, ref.path(), std::move(message)});
            };
            switch (ref.target) {
                case RefersTo::role: {
                    if (const auto& message = unknown_role_message(ref.name)) {
                        add(*message);
                    }
                    break;
                }
                case RefersTo::service_group: {
                    if (m_service_groups.count(ref.name) == 0 &&
                        !m_merged.ignore.matches(Kind::service_groups, ref.name)) {
                        add(with_hint(fmt::format("unknown service group '{}'", ref.name), ref.name,
                                      service_group_names(), "define it under service_groups"));
                    }
                    break;
                }
                case RefersTo::person: {
                    const std::string key = model::email_key(ref.name);
                    if (m_users.count(key) == 0 && m_invitations.count(key) == 0 &&
                        !m_merged.ignore.matches(Kind::users, key) &&
                        !m_merged.ignore.matches(Kind::invitations, key)) {
                        add(with_hint(fmt::format("'{}' is neither a listed user nor a listed invitation", ref.name),
                                      key, people(), "add it under users or invitations"));
                    }
                    break;
                }
            }
        }
    }
}

// A former name (`previously:`) says which live object becomes this one: it must point at one object, and
// not at one the files keep under that name.
void Merger::check_previous_names() {
    const std::pair<Kind, const KeyIndex*> kinds[] = {
        {Kind::roles, &m_roles}, {Kind::service_groups, &m_service_groups}, {Kind::user_groups, &m_user_groups}};
    for (const auto& [kind, index] : kinds) {
        // Former name -> where it was first claimed, and by which object.
        std::unordered_map<std::string, std::pair<const LoadedFile*, const PreviousName*>> claimed;
        for (const auto& file : m_files) {
            if (!file.usable) {
                continue;
            }
            for (const auto& previous : file.previous_names) {
                if (previous.kind != kind) {
                    continue;
                }
                auto add = [&](std::string message, const std::string& other_file = {}) {
                    m_diagnostics.add(
                        {file.path, previous.at.line, previous.at.column, previous.path, std::move(message)},
                        other_file);
                };
                const std::string_view noun = model::noun(kind);
                if (previous.name == previous.owner) {
                    add(fmt::format("'{}' is this {}'s own name; list only the names it had before", previous.name,
                                    noun));
                    continue;
                }
                if (kind == Kind::roles && model::is_predefined_role(previous.name)) {
                    add(fmt::format("'{}' is the name of a predefined role, which cannot be renamed", previous.name));
                    continue;
                }
                if (auto other = index->find(previous.name); other != index->end()) {
                    add(fmt::format("'{}' is the name of another {} (defined at {}); a former name must not be "
                                    "one the files keep",
                                    previous.name, noun, other->second.describe()),
                        other->second.file->path);
                    continue;
                }
                auto [first, inserted] = claimed.try_emplace(previous.name, &file, &previous);
                const auto& [first_file, first_name] = first->second;
                if (!inserted && first_name->owner != previous.owner) {
                    add(fmt::format("'{}' is also a former name of the {} '{}' (at {}); one object can become only "
                                    "one other",
                                    previous.name, noun, first_name->owner,
                                    describe_position(*first_file, first_name->at)),
                        first_file->path);
                }
            }
        }
    }
}

}  // namespace

model::AccountState merge_files(std::vector<LoadedFile> files, Diagnostics& diagnostics) {
    return Merger(std::move(files), diagnostics).run();
}

}  // namespace fastly_accounts::config
