#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>
#include <algorithm>
#include <fastly_accounts/config/writer.hpp>
#include <fastly_accounts/config/yaml_tree.hpp>

namespace fastly_accounts::config {

namespace {

// Plain scalars that YAML 1.1 readers (PyYAML, older tools, editors) take for a boolean, though YAML 1.2
// and this tool read them as strings: quoted, so the file means the same to everyone.
bool yaml11_boolean(const std::string& text) {
    static const char* const words[] = {"y",    "Y",    "yes",  "Yes",   "YES",   "n",    "N",   "no",
                                        "No",   "NO",   "on",   "On",    "ON",    "off",  "Off", "OFF",
                                        "true", "True", "TRUE", "false", "False", "FALSE"};
    return std::any_of(std::begin(words), std::end(words), [&](const char* w) { return text == w; });
}

// A string scalar, quoted whenever it would otherwise read back as something else ("true", "123", "yes",
// " padded").
void scalar(YAML::Emitter& out, const std::string& text) {
    const bool padded = !text.empty() && (text.front() == ' ' || text.back() == ' ');
    if (!reads_as_string(text) || yaml11_boolean(text) || padded) {
        out << YAML::DoubleQuoted;
    }
    out << text;
}

void field(YAML::Emitter& out, const char* key, const std::optional<std::string>& value) {
    if (value) {
        out << YAML::Key << key << YAML::Value;
        scalar(out, *value);
    }
}

void field(YAML::Emitter& out, const char* key, const std::optional<bool>& value) {
    if (value) {
        out << YAML::Key << key << YAML::Value << (*value ? "true" : "false");
    }
}

void field(YAML::Emitter& out, const char* key, const std::optional<model::UserRole>& value) {
    if (value) {
        out << YAML::Key << key << YAML::Value << std::string(model::to_string(*value));
    }
}

// Short lists read best on one line; long ones (members, services) one entry per line.
void field(YAML::Emitter& out, const char* key, const std::optional<std::vector<std::string>>& values) {
    if (!values) {
        return;
    }
    out << YAML::Key << key << YAML::Value;
    std::size_t length = 0;
    for (const auto& value : *values) {
        length += value.size() + 2;
    }
    out << (values->empty() || (values->size() <= 4 && length <= 60) ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
    for (const auto& value : *values) {
        scalar(out, value);
    }
    out << YAML::EndSeq;
}

// A service -> permission mapping, one grant per line.
void field(YAML::Emitter& out, const char* key, const std::optional<model::ServiceGrants>& grants) {
    if (!grants) {
        return;
    }
    out << YAML::Key << key << YAML::Value << (grants->empty() ? YAML::Flow : YAML::Block) << YAML::BeginMap;
    for (const auto& [service, permission] : *grants) {
        out << YAML::Key;
        scalar(out, service);
        out << YAML::Value << std::string(model::to_string(permission));
    }
    out << YAML::EndMap;
}

template <typename Object, typename WriteFields>
void section(YAML::Emitter& out, const char* key, const std::vector<Object>& objects, WriteFields write_fields) {
    if (objects.empty()) {
        return;
    }
    out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (const auto& object : objects) {
        out << YAML::BeginMap;
        write_fields(object);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

}  // namespace

void write_desired_state(const model::AccountState& state, const std::string& schema_path, std::ostream& stream) {
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << 1;
    field(out, "customer_id", state.customer_id);
    if (state.customer) {
        const model::CustomerSettings& settings = *state.customer;
        out << YAML::Key << "customer" << YAML::Value << YAML::BeginMap;
        field(out, "force_2fa", settings.force_2fa);
        field(out, "force_sso", settings.force_sso);
        field(out, "ip_allowlist", settings.ip_allowlist);
        if (!settings.contacts.empty()) {
            out << YAML::Key << "contacts" << YAML::Value << YAML::BeginMap;
            for (const auto& [contact, login] : settings.contacts) {
                out << YAML::Key << std::string(model::to_string(contact)) << YAML::Value;
                if (login) {
                    scalar(out, *login);
                } else {
                    out << YAML::Null;
                }
            }
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    section(out, "users", state.users, [&](const model::User& u) {
        field(out, "login", std::optional(u.login));
        field(out, "name", u.name);
        field(out, "role", u.role);
        field(out, "roles", u.roles);
        field(out, "limit_services", u.limit_services);
        field(out, "services", u.services);
        // What a person would manage: a lock when there is one (writing `locked: false` would make the next
        // apply undo a lock set by hand in an incident); never require_new_password, an action, not a state.
        if (u.locked == true) {
            field(out, "locked", u.locked);
        }
    });
    section(out, "invitations", state.invitations, [&](const model::Invitation& i) {
        field(out, "email", std::optional(i.email));
        field(out, "role", i.role);
        field(out, "roles", i.roles);
        field(out, "limit_services", i.limit_services);
    });
    section(out, "roles", state.roles, [&](const model::Role& r) {
        field(out, "name", std::optional(r.name));
        field(out, "description", r.description);
        field(out, "permissions", r.permissions);
    });
    section(out, "service_groups", state.service_groups, [&](const model::ServiceGroup& g) {
        field(out, "name", std::optional(g.name));
        field(out, "description", g.description);
        field(out, "services", g.services);
    });
    section(out, "user_groups", state.user_groups, [&](const model::UserGroup& g) {
        field(out, "name", std::optional(g.name));
        field(out, "description", g.description);
        field(out, "roles", g.roles);
        field(out, "service_groups", g.service_groups);
        field(out, "members", g.members);
    });
    out << YAML::EndMap;
    if (!schema_path.empty()) {
        stream << "# yaml-language-server: $schema=" << schema_path << "\n";
    }
    stream << out.c_str() << "\n";
}

}  // namespace fastly_accounts::config
