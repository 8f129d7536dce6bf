// The blocks of a file that are not lists of objects (`customer:`, `policy:` and `ignore:`), and the terms
// of an access (owner, reason, expires, review_after) wherever they are written.
#include <fastly_accounts/util/time.hpp>
#include "file_loader.hpp"

namespace fastly_accounts::config::detail {

using model::Kind;

bool FileLoader::read_term(model::Terms& terms, std::string_view key, const YamlNode& value,
                           const FieldPath& path) const {
    if (key == "owner" || key == "reason") {
        auto text = m_reader.string(value, path);
        if (text && text->find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
            m_reader.error(value, path, fmt::format("{} is empty; write who or why, or leave the field out", key));
            text.reset();
        }
        (key == "owner" ? terms.owner : terms.reason) = std::move(text);
    } else if (key == "expires") {
        terms.expires = moment(value, path);
    } else if (key == "review_after") {
        terms.review_after = moment(value, path);
    } else {
        return false;
    }
    return true;
}

std::optional<std::int64_t> FileLoader::moment(const YamlNode& value, const FieldPath& path) const {
    auto text = m_reader.string(value, path);
    if (!text) {
        return std::nullopt;
    }
    if (auto epoch = util::parse_date_or_time(*text)) {
        return epoch;
    }
    m_reader.error(value, path,
                   fmt::format("'{}' is not a date or a time; write a UTC date (2027-01-31, which means "
                               "2027-01-31T00:00:00Z) or time (2027-01-31T18:00:00Z)",
                               *text));
    return std::nullopt;
}

std::optional<std::string> FileLoader::member(const YamlNode& value, const FieldPath& path) const {
    if (value.type != YamlNode::Type::mapping) {
        auto login = strict_email(value, path);
        if (login) {
            // A member listed twice is reported as such; the first entry's place and terms are the ones kept.
            m_member_terms.try_emplace(model::email_key(*login)).first->second.where = where(value);
        }
        return login;
    }
    model::Terms terms;
    terms.where = where(value);
    std::optional<std::string> login;
    bool given = false;
    std::vector<std::string> fields = {"login"};
    fields.insert(fields.end(), term_fields.begin(), term_fields.end());
    m_reader.for_each_field(
        value, path, fields,
        [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            if (key == "login") {
                given = true;
                login = strict_email(v, p);
            } else {
                read_term(terms, key, v, p);
            }
        },
        "a login, or a mapping {login, owner, reason, expires, review_after}");
    require(value, path, given, "login");
    if (login) {
        m_member_terms.try_emplace(model::email_key(*login), std::move(terms));
    }
    return login;
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
    policy.where = where(value);
    m_reader.for_each_field(
        value, path, policy_fields, [&](std::string_view key, const YamlNode& v, const FieldPath& p) {
            policy.rule_at[std::string(key)] = where(v);
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
            } else if (key == "allowed_email_domains") {
                auto domains = m_reader.string_list(
                    v, p,
                    [&](const YamlNode& entry, const FieldPath& entry_path) -> std::optional<std::string> {
                        auto text = m_reader.name(entry, entry_path);
                        if (text && (text->find('@') != std::string::npos || text->find('.') == std::string::npos ||
                                     text->front() == '.' || text->back() == '.' ||
                                     text->find_first_of(" \t\r\n\f\v") != std::string::npos)) {
                            m_reader.error(entry, entry_path,
                                           fmt::format("'{}' is not an email domain; write the part after the @, "
                                                       "as example.com",
                                                       *text));
                            return std::nullopt;
                        }
                        return text;
                    },
                    [](const std::string& text) { return util::fold_case(text); });
                policy.allowed_email_domains = domains.value_or(std::vector<std::string>{});
            } else if (key == "max_superusers") {
                policy.max_superusers = m_reader.integer(v, p, 1);
            } else if (key == "require_2fa_for") {
                policy.require_2fa_for = m_reader
                                             .string_list(
                                                 v, p,
                                                 [&](const YamlNode& e, const FieldPath& ep) {
                                                     return m_reader.name(e, ep);
                                                 },
                                                 model::role_name_key)
                                             .value_or(std::vector<std::string>{});
            } else if (key == "require") {
                auto names = m_reader.string_list(
                    v, p,
                    [&](const YamlNode& entry, const FieldPath& entry_path) -> std::optional<std::string> {
                        auto text = m_reader.string(entry, entry_path);
                        if (text && *text != "owner" && *text != "reason") {
                            m_reader.error(entry, entry_path,
                                           fmt::format("unknown term '{}'; expected owner or reason", *text));
                            return std::nullopt;
                        }
                        return text;
                    },
                    identity);
                for (const auto& name : names.value_or(std::vector<std::string>{})) {
                    (name == "owner" ? policy.require_owner : policy.require_reason) = true;
                }
            } else if (key == "expiry_warning_days") {
                policy.expiry_warning_days = m_reader.integer(v, p, 0).value_or(policy.expiry_warning_days);
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

}  // namespace fastly_accounts::config::detail
