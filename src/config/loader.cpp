#include <fastly_accounts/config/loader.hpp>
#include <set>
#include "file_loader.hpp"

namespace fastly_accounts::config {

namespace detail {

using model::Kind;

std::optional<model::ServiceGrants> FileLoader::grants(const YamlNode& value, const FieldPath& path,
                                                       std::map<std::string, model::Terms>& terms) const {
    model::ServiceGrants out;
    bool valid = true;
    // The permission named by `text`, written at `at`; nullopt after reporting an unknown one.
    const auto permission_of = [&](const YamlNode& at, const FieldPath& p) -> std::optional<model::ServicePermission> {
        auto text = m_reader.string(at, p);
        if (!text) {
            return std::nullopt;
        }
        if (auto known = model::parse_service_permission(*text)) {
            return known;
        }
        std::vector<std::string> names;
        for (auto each : model::all_service_permissions) {
            names.emplace_back(model::to_string(each));
        }
        m_reader.error(
            at, p,
            fmt::format("unknown permission '{}'", *text) +
                util::did_you_mean(*text, names, fmt::format("expected one of {}", util::join(names, ", "))));
        return std::nullopt;
    };
    const bool mapping = m_reader.for_each_entry(
        value, path,
        [&](const std::string& service, const YamlNode&, const YamlNode& grant, const FieldPath& p) {
            model::Terms& grant_terms = terms[service];
            grant_terms.where = where(grant);
            std::optional<model::ServicePermission> permission;
            if (grant.type == YamlNode::Type::mapping) {
                std::vector<std::string> fields = {"permission"};
                fields.insert(fields.end(), term_fields.begin(), term_fields.end());
                bool given = false;
                m_reader.for_each_field(grant, p, fields,
                                        [&](std::string_view key, const YamlNode& v, const FieldPath& field_path) {
                                            if (key == "permission") {
                                                given = true;
                                                permission = permission_of(v, field_path);
                                            } else {
                                                read_term(grant_terms, key, v, field_path);
                                            }
                                        });
                if (!given) {
                    m_reader.error(grant, p,
                                   "missing required field 'permission' (full, read_only, purge_select or purge_all)");
                }
            } else {
                permission = permission_of(grant, p);
            }
            if (permission) {
                out[service] = *permission;
            } else {
                valid = false;
            }
        },
        "a mapping from a service (its ID, or its name) to a permission, or to {permission, owner, reason, "
        "expires, review_after}");
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

void FileLoader::read_user(const YamlNode& item, const FieldPath& path) {
    model::User user;
    user.where = where(item);
    user.terms.where = user.where;
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
                user.services = grants(v, p, user.service_terms);
                services_at = &v;
            } else if (key == "locked") {
                user.locked = m_reader.boolean(v, p);
            } else if (key == "require_new_password") {
                user.require_new_password = m_reader.boolean(v, p);
            } else {
                read_term(user.terms, key, v, p);
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
    invitation.terms.where = invitation.where;
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
                invitation.services = grants(v, p, invitation.service_terms);
                services_at = &v;
            } else {
                read_term(invitation.terms, key, v, p);
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
    std::vector<PreviousName> previous;  // each former name read, where it is written
    auto former = [&](const YamlNode& e, const FieldPath& ep) {
        auto text = m_reader.name(e, ep);
        if (text) {
            previous.push_back({kind, *text, "", ep.str(), {e.line, e.column}});
        }
        return text;
    };
    m_reader.for_each_field(
        item, path, fields,
        [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "name") {
                key_given = true;
                if (auto name = m_reader.name(v, p)) {
                    object.name = std::move(*name);
                    key_at = Position{v.line, v.column};
                }
            } else if (key == "previously") {
                object.previously = m_reader.string_list(v, p, former, identity).value_or(std::vector<std::string>{});
            } else if (key == "description") {
                object.description = m_reader.string(v, p);
            } else {
                field(object, key, v, p);
            }
        },
        fmt::format("a mapping (one {}, with at least a name)", what));
    require(item, path, key_given, "name");
    if (!key_at) {
        return;
    }
    // Where each former name is written, for the checks across files (merge.cpp); a name listed twice
    // (reported as such) once.
    std::set<std::string> seen;
    for (auto& name : previous) {
        if (seen.insert(name.name).second) {
            name.owner = object.name;
            m_out.previous_names.push_back(std::move(name));
        }
    }
    keep(kind, into, std::move(object), path, *key_at);
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
                m_member_terms.clear();
                group.members = references(v, p, &FileLoader::member, model::email_key, RefersTo::person);
                group.member_terms = std::move(m_member_terms);
                m_member_terms.clear();
            }
        });
}

}  // namespace detail

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
    detail::FileLoader(*document, source.path, diagnostics, out).load(document->root());
    return out;
}

}  // namespace fastly_accounts::config
