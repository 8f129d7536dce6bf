#pragma once

// The reader of one desired-state file, shared by loader.cpp (the objects) and loader_blocks.cpp (the
// `customer:`, `policy:` and `ignore:` blocks, and the terms of an access). Private to src/config.

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <fastly_accounts/config/field_reader.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/config/yaml_tree.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <functional>
#include <map>
#include <memory>

namespace fastly_accounts::config::detail {

using model::Kind;

// Field names of each object, in the order the SPEC lists them.
inline const std::vector<std::string> top_fields = {"version",        "customer_id", "customer",    "policy",
                                                    "ignore",         "users",       "invitations", "roles",
                                                    "service_groups", "user_groups"};
inline const std::vector<std::string> customer_fields = {"force_2fa", "force_sso", "ip_allowlist", "contacts"};
inline const std::vector<std::string> policy_fields = {
    "prune",           "max_deletions", "max_removals",          "protected",
    "min_superusers",  "missing_users", "allowed_email_domains", "max_superusers",
    "require_2fa_for", "require",       "expiry_warning_days"};
// The terms of an access (model::Terms), which users, invitations, members and grants may carry.
inline const std::vector<std::string> term_fields = {"owner", "reason", "expires", "review_after"};
inline const std::vector<std::string> user_fields = {"login",          "name",     "role",    "roles",
                                                     "limit_services", "services", "locked",  "require_new_password",
                                                     "owner",          "reason",   "expires", "review_after"};
inline const std::vector<std::string> invitation_fields = {"email", "role",   "roles",   "limit_services", "services",
                                                           "owner", "reason", "expires", "review_after"};
inline const std::vector<std::string> role_fields = {"name", "previously", "description", "permissions"};
inline const std::vector<std::string> service_group_fields = {"name", "previously", "description", "services"};
inline const std::vector<std::string> user_group_fields = {"name",  "previously",     "description",
                                                           "roles", "service_groups", "members"};

// Fastly IDs: 1 to 64 ASCII letters and digits (the schema's [0-9A-Za-z]{1,64}). Checked by hand rather
// than with std::regex, whose matcher recurses per character and overflows on very long input.
inline bool is_fastly_id(std::string_view text) {
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0;
    });
}

// No whitespace at all (the schema's ^\S+$).
inline bool is_single_word(std::string_view text) {
    return !text.empty() && text.find_first_of(" \t\r\n\f\v") == std::string_view::npos;
}

inline std::vector<std::string> kind_names() {
    std::vector<std::string> names;
    for (Kind kind : model::all_kinds) {
        names.emplace_back(model::to_string(kind));
    }
    return names;
}

inline std::string identity(std::string_view text) {
    return std::string(text);
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

    // A `services:` mapping, service (ID or name) -> permission, or -> {permission, owner, reason, expires,
    // review_after}; nullopt after reporting a malformed one. Each grant's terms (its place, at least) go
    // to `terms`.
    std::optional<model::ServiceGrants> grants(const YamlNode& value, const FieldPath& path,
                                               std::map<std::string, model::Terms>& terms) const;

    // Reads `key` into `terms` when it is one of term_fields; returns whether it was.
    bool read_term(model::Terms& terms, std::string_view key, const YamlNode& value, const FieldPath& path) const;

    // A date (2027-01-31, midnight UTC) or a time (2027-01-31T18:00:00Z) as epoch seconds; nullopt after
    // reporting anything else.
    std::optional<std::int64_t> moment(const YamlNode& value, const FieldPath& path) const;

    // A user group's member: a login or email, or a mapping {login, owner, reason, expires, review_after}.
    // Its place and terms go to m_member_terms, by email_key.
    std::optional<std::string> member(const YamlNode& value, const FieldPath& path) const;

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
    mutable std::map<std::string, model::Terms> m_member_terms;  ///< of the user group being read
};

}  // namespace fastly_accounts::config::detail
