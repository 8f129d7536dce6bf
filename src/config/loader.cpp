#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <fastly_accounts/config/field_reader.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/config/yaml_tree.hpp>
#include <fastly_accounts/util/strings.hpp>

namespace fastly_accounts::config {

namespace {

using model::Kind;

// Field names of each object, in the order the SPEC lists them.
const std::vector<std::string> top_fields = {"version", "customer_id", "customer", "policy",         "ignore",
                                             "users",   "invitations", "roles",    "service_groups", "user_groups"};
const std::vector<std::string> customer_fields = {"force_2fa", "force_sso", "ip_allowlist", "contacts"};
const std::vector<std::string> policy_fields = {"prune",     "max_deletions",  "max_removals",
                                                "protected", "min_superusers", "missing_users"};
const std::vector<std::string> user_fields = {"login",          "name",     "role",   "roles",
                                              "limit_services", "services", "locked", "require_new_password"};
const std::vector<std::string> invitation_fields = {"email", "role", "roles", "limit_services", "services"};
const std::vector<std::string> role_fields = {"name", "description", "permissions"};
const std::vector<std::string> service_group_fields = {"name", "description", "services"};
const std::vector<std::string> user_group_fields = {"name", "description", "roles", "service_groups", "members"};

// Fastly IDs: 1 to 64 ASCII letters and digits (the schema's [0-9A-Za-z]{1,64}). Checked by hand rather
// than with std::regex, whose matcher recurses per character and overflows on very long input.
bool is_fastly_id(std::string_view text) {
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0;
    });
}

// No whitespace at all (the schema's ^\S+$).
bool is_single_word(std::string_view text) {
    return !text.empty() && text.find_first_of(" \t\r\n\f\v") == std::string_view::npos;
}

std::vector<std::string> kind_names() {
    std::vector<std::string> names;
    for (Kind kind : model::all_kinds) {
        names.emplace_back(model::to_string(kind));
    }
    return names;
}

// Reads one file's top-level mapping into a LoadedFile; one instance per file.
class FileLoader {
public:
    FileLoader(const YamlDocument& document, const std::string& file, Diagnostics& diagnostics, LoadedFile& out)
        : m_reader(document, file, diagnostics), m_out(out) {}

    void load(const YamlNode& root);

private:
    const YamlNode& node(std::size_t index) const { return m_reader.document().node(index); }

    // Keeps `object`, read at `path`, whose key is written at `key_at`.
    template <typename Object>
    void keep(Kind kind, std::vector<Object>& into, Object object, const FieldPath& path, Position key_at) {
        into.push_back(std::move(object));
        m_out.objects[static_cast<std::size_t>(kind)].push_back({path.str(), key_at});
    }

    model::SourceLocation where(const YamlNode& at) const { return {m_reader.file(), at.line, at.column}; }

    // A login or email. A malformed address is reported but still returned, so that it keeps its place
    // as a key and the references to it do not produce a second, misleading error.
    std::optional<std::string> email(const YamlNode& value, const FieldPath& path) const {
        auto text = m_reader.name(value, path);
        if (text && !model::looks_like_email(*text)) {
            m_reader.error(value, path, fmt::format("'{}' is not an email address", *text));
        }
        return text;
    }

    std::optional<std::string> strict_email(const YamlNode& value, const FieldPath& path) const {
        auto text = m_reader.name(value, path);
        if (text && !model::looks_like_email(*text)) {
            m_reader.error(value, path, fmt::format("'{}' is not an email address", *text));
            return std::nullopt;
        }
        return text;
    }

    std::optional<std::string> matching(const YamlNode& value, const FieldPath& path, bool (*valid)(std::string_view),
                                        std::string_view what) const {
        auto text = m_reader.name(value, path);
        if (text && !valid(*text)) {
            m_reader.error(value, path, fmt::format("'{}' is not {}", *text, what));
            return std::nullopt;
        }
        return text;
    }

    std::optional<model::UserRole> user_role(const YamlNode& value, const FieldPath& path) const;

    // A `services:` mapping, service (ID or name) -> permission; nullopt after reporting a malformed one.
    std::optional<model::ServiceGrants> grants(const YamlNode& value, const FieldPath& path) const;

    // Grants only mean something to a service-limited person: `services` that grants anything needs
    // `limit_services: true` beside it, or Fastly would hold authorizations that limit nobody.
    void check_grants_limited(const std::optional<model::ServiceGrants>& services, const YamlNode* services_at,
                              const std::optional<bool>& limit_services, const FieldPath& path) const {
        if (services && !services->empty() && services_at != nullptr && limit_services != true) {
            m_reader.error(*services_at, path.field("services"),
                           limit_services ? "grants services, but limit_services is false: a user who is not "
                                            "service-limited reaches every service; set limit_services: true or "
                                            "remove the grants"
                                          : "grants services, which needs limit_services: true beside it");
        }
    }

    // The role facts of a user or an invitation (RoleFacts), gathered field by field.
    static void note_role(RoleFacts& facts, std::optional<model::UserRole> role, const YamlNode& at) {
        facts.role = role;
        facts.role_at = {at.line, at.column};
    }
    static void note_limit_services(RoleFacts& facts, std::optional<bool> value, const YamlNode& at) {
        facts.limit_services = value;
        facts.limit_services_at = {at.line, at.column};
    }
    // Keeps the facts of the object of `kind` kept last, when it sets anything they hold.
    void keep_role_facts(Kind kind, RoleFacts facts) {
        if (facts.role || facts.limit_services || facts.end_role_ref > facts.first_role_ref) {
            facts.path = m_out.objects[static_cast<std::size_t>(kind)].back().path;
            m_out.role_facts.push_back(std::move(facts));
        }
    }

    // A list naming other objects; each entry is recorded for the cross-file checks when `target` is set.
    std::optional<std::vector<std::string>> references(
        const YamlNode& value, const FieldPath& path,
        std::optional<std::string> (FileLoader::*item)(const YamlNode&, const FieldPath&) const,
        std::string (*key)(std::string_view), std::optional<RefersTo> target) {
        std::shared_ptr<const std::string> list;  // made at the first entry recorded
        return m_reader.string_list(
            value, path,
            [&](const YamlNode& entry, const FieldPath& entry_path) {
                auto text = (this->*item)(entry, entry_path);
                if (text && target) {
                    if (!list) {
                        list = std::make_shared<const std::string>(path.str());
                    }
                    m_out.references.push_back({*target, *text, list, entry_path.index(), {entry.line, entry.column}});
                }
                return text;
            },
            [key](const std::string& text) { return key(text); });
    }

    std::optional<std::string> plain_name(const YamlNode& value, const FieldPath& path) const {
        return m_reader.name(value, path);
    }

    // Calls `read(item, path)` for each entry of the top-level list `field`.
    void for_each_item(const YamlNode& list, const FieldPath& field,
                       const std::function<void(const YamlNode&, const FieldPath&)>& read) {
        if (list.type != YamlNode::Type::sequence) {
            m_reader.type_error(list, field, "a list");
            return;
        }
        for (std::size_t i = 0; i < list.children.size(); ++i) {
            read(node(list.children[i]), field.item(i));
        }
    }

    // Reports a missing key field; returns whether `key` was found.
    bool require(const YamlNode& item, const FieldPath& path, bool found, std::string_view field) const {
        if (!found && item.type == YamlNode::Type::mapping) {
            m_reader.error(item, path, fmt::format("missing required field '{}'", field));
        }
        return found;
    }

    void read_policy(const YamlNode& value, const FieldPath& path);
    void read_customer(const YamlNode& value, const FieldPath& path);
    void read_ignore(const YamlNode& value, const FieldPath& path);
    void read_user(const YamlNode& item, const FieldPath& path);
    void read_invitation(const YamlNode& item, const FieldPath& path);
    // Reads a custom role or a group: `name` (its key), `description`, and the rest through `field`.
    template <typename Object>
    void read_named(const YamlNode& item, const FieldPath& path, const std::vector<std::string>& fields,
                    std::string_view what, Kind kind, std::vector<Object>& into,
                    const std::function<void(Object&, std::string_view, const YamlNode&, const FieldPath&)>& field);
    void read_role(const YamlNode& item, const FieldPath& path);
    void read_service_group(const YamlNode& item, const FieldPath& path);
    void read_user_group(const YamlNode& item, const FieldPath& path);

    FieldReader m_reader;
    LoadedFile& m_out;
};

std::string identity(std::string_view text) {
    return std::string(text);
}

std::optional<model::ServiceGrants> FileLoader::grants(const YamlNode& value, const FieldPath& path) const {
    model::ServiceGrants out;
    bool valid = true;
    const bool mapping = m_reader.for_each_entry(
        value, path,
        [&](const std::string& service, const YamlNode&, const YamlNode& permission, const FieldPath& p) {
            auto text = m_reader.string(permission, p);
            if (!text) {
                valid = false;
                return;
            }
            if (auto known = model::parse_service_permission(*text)) {
                out[service] = *known;
                return;
            }
            std::vector<std::string> names;
            for (auto each : model::all_service_permissions) {
                names.emplace_back(model::to_string(each));
            }
            m_reader.error(
                permission, p,
                fmt::format("unknown permission '{}'", *text) +
                    util::did_you_mean(*text, names, fmt::format("expected one of {}", util::join(names, ", "))));
            valid = false;
        },
        "a mapping from a service (its ID, or its name) to a permission");
    if (!mapping || !valid) {
        return std::nullopt;
    }
    return out;
}

std::optional<model::UserRole> FileLoader::user_role(const YamlNode& value, const FieldPath& path) const {
    auto text = m_reader.string(value, path);
    if (!text) {
        return std::nullopt;
    }
    if (auto role = model::parse_user_role(*text)) {
        return role;
    }
    std::vector<std::string> names;
    for (auto role : model::all_user_roles) {
        names.emplace_back(model::to_string(role));
    }
    const std::string message = fmt::format("unknown role '{}'", *text) +
                                util::did_you_mean(*text, names,
                                                   fmt::format("expected one of {}", util::join(names, ", ")));
    m_reader.error(value, path, message);
    return std::nullopt;
}

void FileLoader::load(const YamlNode& root) {
    const FieldPath top;
    if (root.type != YamlNode::Type::mapping) {
        m_reader.error(root, top,
                       fmt::format("the top level must be a mapping (version: 1, users: [...], ...), got {}",
                                   describe(root.type)));
        return;
    }
    // The version decides how everything else is read, so check it before anything else.
    std::optional<std::size_t> version_index;
    for (std::size_t i = 0; i + 1 < root.children.size(); i += 2) {
        const YamlNode& key = node(root.children[i]);
        if (key.type == YamlNode::Type::string && key.text == "version") {
            version_index = root.children[i + 1];
            break;
        }
    }
    if (!version_index) {
        m_reader.error(root, top, "missing required field 'version'; add `version: 1` at the top");
    } else {
        const YamlNode& version = node(*version_index);
        if (version.type == YamlNode::Type::string) {
            m_reader.error(version, top.field("version"),
                           fmt::format("expected the number {}, got a string '{}'; write `version: {}` without quotes",
                                       format_version, version.text, format_version));
        } else if (version.type != YamlNode::Type::integer || parse_integer(version.text) != format_version) {
            m_reader.error(
                version, top.field("version"),
                fmt::format("unsupported format version {}; this fastly-accounts reads version {}",
                            version.text.empty() ? std::string(describe(version.type)) : version.text, format_version));
            return;
        }
    }
    m_out.usable = true;

    m_reader.for_each_field(
        root, top, top_fields, [&](std::string_view key, const YamlNode& value, const FieldPath& path) {
            if (key == "customer_id") {
                if (auto id = matching(value, path, is_fastly_id, "a Fastly customer ID (letters and digits)")) {
                    m_out.state.customer_id = *id;
                    m_out.customer_id_at = Position{value.line, value.column};
                }
            } else if (key == "customer") {
                read_customer(value, path);
            } else if (key == "policy") {
                read_policy(value, path);
            } else if (key == "ignore") {
                read_ignore(value, path);
            } else if (key == "users") {
                for_each_item(value, path, [&](const YamlNode& item, const FieldPath& p) { read_user(item, p); });
            } else if (key == "invitations") {
                for_each_item(value, path, [&](const YamlNode& item, const FieldPath& p) { read_invitation(item, p); });
            } else if (key == "roles") {
                for_each_item(value, path, [&](const YamlNode& item, const FieldPath& p) { read_role(item, p); });
            } else if (key == "service_groups") {
                for_each_item(value, path,
                              [&](const YamlNode& item, const FieldPath& p) { read_service_group(item, p); });
            } else if (key == "user_groups") {
                for_each_item(value, path, [&](const YamlNode& item, const FieldPath& p) { read_user_group(item, p); });
            }
        });
}

void FileLoader::read_customer(const YamlNode& value, const FieldPath& path) {
    m_out.customer_at = Position{value.line, value.column};
    model::CustomerSettings settings;
    settings.where = where(value);
    m_reader.for_each_field(
        value, path, customer_fields,
        [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "force_2fa") {
                settings.force_2fa = m_reader.boolean(v, p);
            } else if (key == "force_sso") {
                settings.force_sso = m_reader.boolean(v, p);
            } else if (key == "ip_allowlist") {
                settings.ip_allowlist = m_reader.string_list(
                    v, p,
                    [&](const YamlNode& entry, const FieldPath& entry_path) -> std::optional<std::string> {
                        auto text = m_reader.name(entry, entry_path);
                        if (!text) {
                            return std::nullopt;
                        }
                        if (const std::string problem = model::allowlist_entry_problem(*text); !problem.empty()) {
                            m_reader.error(entry, entry_path,
                                           problem +
                                               "; write an address (203.0.113.7, 2001:db8::1) or a CIDR "
                                               "block (203.0.113.0/24)");
                            return std::nullopt;
                        }
                        return text;
                    },
                    [](const std::string& text) {  // repeats compare by what they allow
                        const auto canonical = model::canonical_allowlist({text});
                        return canonical.empty() ? text : canonical.front();
                    });
            } else if (key == "contacts") {
                std::vector<std::string> kinds;
                for (auto contact : model::all_contacts) {
                    kinds.emplace_back(model::to_string(contact));
                }
                m_reader.for_each_field(
                    v, p, kinds,
                    [&](std::string_view kind, const YamlNode& who, const FieldPath& contact_path) {
                        const auto contact = *model::parse_contact(kind);
                        settings.contact_at[contact] = where(who);
                        if (who.type == YamlNode::Type::null) {
                            settings.contacts[contact] = std::nullopt;  // no contact
                        } else if (auto login = strict_email(who, contact_path)) {
                            settings.contacts[contact] = *login;
                        }
                    },
                    "a mapping of security, technical, billing and legal to a user's login (or null)");
            }
        },
        "a mapping of the account's settings: force_2fa, force_sso, ip_allowlist, contacts");
    m_out.state.customer = std::move(settings);
}

void FileLoader::read_policy(const YamlNode& value, const FieldPath& path) {
    m_out.has_policy = true;
    m_out.policy_at = Position{value.line, value.column};
    model::Policy& policy = m_out.state.policy;
    m_reader.for_each_field(
        value, path, policy_fields, [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "prune") {
                if (v.type == YamlNode::Type::boolean) {
                    policy.prune.clear();
                    if (*m_reader.boolean(v, p)) {
                        policy.prune.insert(model::all_kinds.begin(), model::all_kinds.end());
                    }
                    return;
                }
                if (v.type != YamlNode::Type::sequence) {
                    m_reader.type_error(v, p, "true, false or a list of kinds");
                    return;
                }
                const auto kinds = kind_names();
                auto names = m_reader.string_list(
                    v, p,
                    [&](const YamlNode& entry, const FieldPath& entry_path) -> std::optional<std::string> {
                        auto text = m_reader.string(entry, entry_path);
                        if (text && !model::parse_kind(*text)) {
                            const std::string message = fmt::format("unknown kind '{}'", *text) +
                                                        util::did_you_mean(
                                                            *text, kinds,
                                                            fmt::format("expected one of {}", util::join(kinds, ", ")));
                            m_reader.error(entry, entry_path, message);
                            return std::nullopt;
                        }
                        return text;
                    },
                    identity);
                for (const auto& name : names.value_or(std::vector<std::string>{})) {
                    policy.prune.insert(*model::parse_kind(name));
                }
            } else if (key == "max_deletions") {
                policy.max_deletions = m_reader.integer(v, p, 0).value_or(policy.max_deletions);
            } else if (key == "max_removals") {
                policy.max_removals = m_reader.integer(v, p, 0).value_or(policy.max_removals);
            } else if (key == "min_superusers") {
                policy.min_superusers = m_reader.integer(v, p, 0).value_or(policy.min_superusers);
            } else if (key == "missing_users") {
                if (auto text = m_reader.string(v, p)) {
                    if (auto parsed = model::parse_missing_users(*text)) {
                        policy.missing_users = *parsed;
                    } else {
                        m_reader.error(v, p, fmt::format("unknown value '{}'; expected invite or create", *text));
                    }
                }
            } else if (key == "protected") {
                if (auto logins = references(v, p, &FileLoader::strict_email, model::email_key, std::nullopt)) {
                    policy.protected_logins = std::move(*logins);
                }
            }
        });
}

void FileLoader::read_ignore(const YamlNode& value, const FieldPath& path) {
    m_out.has_ignore = true;
    m_out.ignore_at = Position{value.line, value.column};
    m_reader.for_each_field(
        value, path, kind_names(), [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            const model::Kind kind = *model::parse_kind(key);
            auto globs = m_reader.string_list(
                v, p,
                [&](const YamlNode& e, const FieldPath& ep) {
                    auto glob = m_reader.name(e, ep);
                    if (glob) {
                        // A malformed pattern silently matching something else would leave objects unignored.
                        if (auto why = util::glob_problem(*glob, model::keyed_by_email(kind))) {
                            m_reader.error(e, ep,
                                           fmt::format("the pattern '{}' cannot match as written: {}", *glob, *why));
                        }
                    }
                    return glob;
                },
                identity);
            if (globs) {
                m_out.state.ignore.patterns[kind] = std::move(*globs);
            }
        });
}

void FileLoader::read_user(const YamlNode& item, const FieldPath& path) {
    model::User user;
    user.where = where(item);
    std::optional<Position> key_at;  // set once a usable login is read
    bool key_given = false;
    RoleFacts facts;
    const YamlNode* services_at = nullptr;
    m_reader.for_each_field(
        item, path, user_fields,
        [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "login") {
                key_given = true;
                if (auto login = email(v, p)) {
                    user.login = std::move(*login);
                    key_at = Position{v.line, v.column};
                }
            } else if (key == "name") {
                user.name = m_reader.string(v, p);
            } else if (key == "role") {
                user.role = user_role(v, p);
                note_role(facts, user.role, v);
            } else if (key == "roles") {
                facts.first_role_ref = m_out.references.size();
                user.roles = references(v, p, &FileLoader::plain_name, model::role_name_key, RefersTo::role);
                facts.end_role_ref = m_out.references.size();
            } else if (key == "limit_services") {
                user.limit_services = m_reader.boolean(v, p);
                note_limit_services(facts, user.limit_services, v);
            } else if (key == "services") {
                user.services = grants(v, p);
                services_at = &v;
            } else if (key == "locked") {
                user.locked = m_reader.boolean(v, p);
            } else if (key == "require_new_password") {
                user.require_new_password = m_reader.boolean(v, p);
            }
        },
        "a mapping (one user, with at least a login)");
    require(item, path, key_given, "login");
    check_grants_limited(user.services, services_at, user.limit_services, path);
    if (key_at) {
        keep(Kind::users, m_out.state.users, std::move(user), path, *key_at);
        keep_role_facts(Kind::users, std::move(facts));
    }
}

void FileLoader::read_invitation(const YamlNode& item, const FieldPath& path) {
    model::Invitation invitation;
    invitation.where = where(item);
    RoleFacts facts;
    const YamlNode* services_at = nullptr;
    std::optional<Position> key_at;  // set once a usable email is read
    bool key_given = false;
    m_reader.for_each_field(
        item, path, invitation_fields,
        [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "email") {
                key_given = true;
                if (auto email_value = email(v, p)) {
                    invitation.email = std::move(*email_value);
                    key_at = Position{v.line, v.column};
                }
            } else if (key == "role") {
                invitation.role = user_role(v, p);
                note_role(facts, invitation.role, v);
            } else if (key == "roles") {
                facts.first_role_ref = m_out.references.size();
                invitation.roles = references(v, p, &FileLoader::plain_name, model::role_name_key, RefersTo::role);
                facts.end_role_ref = m_out.references.size();
            } else if (key == "limit_services") {
                invitation.limit_services = m_reader.boolean(v, p);
                note_limit_services(facts, invitation.limit_services, v);
            } else if (key == "services") {
                invitation.services = grants(v, p);
                services_at = &v;
            }
        },
        "a mapping (one invitation, with at least an email)");
    require(item, path, key_given, "email");
    check_grants_limited(invitation.services, services_at, invitation.limit_services, path);
    if (key_at) {
        keep(Kind::invitations, m_out.state.invitations, std::move(invitation), path, *key_at);
        keep_role_facts(Kind::invitations, std::move(facts));
    }
}

template <typename Object>
void FileLoader::read_named(
    const YamlNode& item, const FieldPath& path, const std::vector<std::string>& fields, std::string_view what,
    Kind kind, std::vector<Object>& into,
    const std::function<void(Object&, std::string_view, const YamlNode&, const FieldPath&)>& field) {
    Object object;
    object.where = where(item);
    std::optional<Position> key_at;  // set once a usable name is read
    bool key_given = false;
    m_reader.for_each_field(
        item, path, fields,
        [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "name") {
                key_given = true;
                if (auto name = m_reader.name(v, p)) {
                    object.name = std::move(*name);
                    key_at = Position{v.line, v.column};
                }
            } else if (key == "description") {
                object.description = m_reader.string(v, p);
            } else {
                field(object, key, v, p);
            }
        },
        fmt::format("a mapping (one {}, with at least a name)", what));
    require(item, path, key_given, "name");
    if (key_at) {
        keep(kind, into, std::move(object), path, *key_at);
    }
}

void FileLoader::read_role(const YamlNode& item, const FieldPath& path) {
    read_named<model::Role>(item, path, role_fields, "custom role", Kind::roles, m_out.state.roles,
                            [&](model::Role& role, std::string_view, const YamlNode& v, const FieldPath& p) {
                                role.permissions = m_reader.string_list(
                                    v, p,
                                    [&](const YamlNode& e, const FieldPath& ep) {
                                        return matching(e, ep, is_single_word, "a permission name (no spaces)");
                                    },
                                    identity);
                            });
}

void FileLoader::read_service_group(const YamlNode& item, const FieldPath& path) {
    read_named<model::ServiceGroup>(
        item, path, service_group_fields, "service group", Kind::service_groups, m_out.state.service_groups,
        [&](model::ServiceGroup& group, std::string_view, const YamlNode& v, const FieldPath& p) {
            group.services = m_reader.string_list(
                v, p,
                [&](const YamlNode& e, const FieldPath& ep) {
                    return matching(e, ep, is_fastly_id, "a Fastly service ID (letters and digits)");
                },
                identity);
        });
}

void FileLoader::read_user_group(const YamlNode& item, const FieldPath& path) {
    read_named<model::UserGroup>(
        item, path, user_group_fields, "user group", Kind::user_groups, m_out.state.user_groups,
        [&](model::UserGroup& group, std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "roles") {
                group.roles = references(v, p, &FileLoader::plain_name, model::role_name_key, RefersTo::role);
            } else if (key == "service_groups") {
                group.service_groups = references(v, p, &FileLoader::plain_name, identity, RefersTo::service_group);
            } else if (key == "members") {
                group.members = references(v, p, &FileLoader::strict_email, model::email_key, RefersTo::person);
            }
        });
}

}  // namespace

std::string Reference::path() const {
    return item_path(*list, index);
}

LoadedFile load_file(const SourceFile& source, Diagnostics& diagnostics) {
    diagnostics.note_file(source.path);
    LoadedFile out;
    out.path = source.path;
    auto document = parse_yaml(source.text, source.path, diagnostics);
    if (!document) {
        return out;
    }
    FileLoader(*document, source.path, diagnostics, out).load(document->root());
    return out;
}

}  // namespace fastly_accounts::config
