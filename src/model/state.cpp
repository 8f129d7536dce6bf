#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <fastly_accounts/model/state.hpp>
#include <fastly_accounts/util/strings.hpp>

namespace fastly_accounts::model {

std::string_view to_string(Kind kind) {
    switch (kind) {
        case Kind::users:
            return "users";
        case Kind::invitations:
            return "invitations";
        case Kind::roles:
            return "roles";
        case Kind::service_groups:
            return "service_groups";
        case Kind::user_groups:
            return "user_groups";
        case Kind::customer:
            return "customer";
    }
    return "?";
}

std::string_view noun(Kind kind) {
    switch (kind) {
        case Kind::users:
            return "user";
        case Kind::invitations:
            return "invitation";
        case Kind::roles:
            return "role";
        case Kind::service_groups:
            return "service group";
        case Kind::user_groups:
            return "user group";
        case Kind::customer:
            return "customer";
    }
    return "object";
}

std::optional<Kind> parse_kind(std::string_view name) {
    for (Kind kind : all_kinds) {
        if (to_string(kind) == name) {
            return kind;
        }
    }
    return std::nullopt;
}

std::string_view to_string(UserRole role) {
    switch (role) {
        case UserRole::user:
            return "user";
        case UserRole::billing:
            return "billing";
        case UserRole::engineer:
            return "engineer";
        case UserRole::superuser:
            return "superuser";
        case UserRole::tls_viewer:
            return "tls_viewer";
        case UserRole::tls_admin:
            return "tls_admin";
    }
    return "?";
}

std::optional<UserRole> parse_user_role(std::string_view name) {
    for (UserRole role : all_user_roles) {
        if (to_string(role) == name) {
            return role;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Contact contact) {
    switch (contact) {
        case Contact::security:
            return "security";
        case Contact::technical:
            return "technical";
        case Contact::billing:
            return "billing";
        case Contact::legal:
            return "legal";
    }
    return "?";
}

std::optional<Contact> parse_contact(std::string_view name) {
    for (auto contact : all_contacts) {
        if (to_string(contact) == name) {
            return contact;
        }
    }
    return std::nullopt;
}

std::string_view to_string(ServicePermission permission) {
    switch (permission) {
        case ServicePermission::full:
            return "full";
        case ServicePermission::read_only:
            return "read_only";
        case ServicePermission::purge_select:
            return "purge_select";
        case ServicePermission::purge_all:
            return "purge_all";
    }
    return "?";
}

std::optional<ServicePermission> parse_service_permission(std::string_view name) {
    for (auto permission : all_service_permissions) {
        if (to_string(permission) == name) {
            return permission;
        }
    }
    return std::nullopt;
}

std::string_view to_string(MissingUsers value) {
    return value == MissingUsers::invite ? "invite" : "create";
}

std::optional<MissingUsers> parse_missing_users(std::string_view name) {
    if (name == "invite") {
        return MissingUsers::invite;
    }
    if (name == "create") {
        return MissingUsers::create;
    }
    return std::nullopt;
}

bool IgnoreRules::matches(Kind kind, std::string_view key) const {
    auto it = patterns.find(kind);
    if (it == patterns.end()) {
        return false;
    }
    const bool ignore_case = keyed_by_email(kind);
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::string& pattern) { return util::glob_match(pattern, key, ignore_case); });
}

std::string email_key(std::string_view email) {
    return util::fold_case(email);
}

bool looks_like_email(std::string_view text) {
    if (text.find_first_of(" \t\r\n\f\v") != std::string_view::npos) {
        return false;
    }
    const auto at = text.find('@');
    if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    // Same rule as the schema's pattern: some dot in the domain with text on both sides of it.
    const auto domain = text.substr(at + 1);
    return domain.size() >= 3 && domain.substr(1, domain.size() - 2).find('.') != std::string_view::npos;
}

const std::vector<std::string>& predefined_role_names() {
    static const std::vector<std::string> names = {"User",      "Billing",    "Engineer",
                                                   "Superuser", "TLS Viewer", "TLS Admin"};
    return names;
}

std::string role_name_key(std::string_view name) {
    std::string key = util::to_lower(name);
    std::replace(key.begin(), key.end(), ' ', '_');
    std::replace(key.begin(), key.end(), '-', '_');
    return key;
}

bool is_predefined_role(std::string_view name) {
    const std::string key = role_name_key(name);
    const auto& names = predefined_role_names();
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return role_name_key(n) == key; });
}

namespace {

// The address and the prefix length of `entry` ("203.0.113.0/24"): nullopt when it is neither an IPv4 nor
// an IPv6 address, with or without a prefix in range. `family` gets AF_INET or AF_INET6.
struct Parsed {
    int family = 0;
    unsigned char bytes[16] = {};
    int prefix = -1;  // -1: none written
    std::string problem;
};

Parsed parse_entry(std::string_view entry) {
    Parsed out;
    const auto slash = entry.find('/');
    const std::string address(entry.substr(0, slash));
    if (inet_pton(AF_INET, address.c_str(), out.bytes) == 1) {
        out.family = AF_INET;
    } else if (inet_pton(AF_INET6, address.c_str(), out.bytes) == 1) {
        out.family = AF_INET6;
    } else {
        out.problem = fmt::format("'{}' is not an IPv4 or IPv6 address", address);
        return out;
    }
    if (slash == std::string_view::npos) {
        return out;
    }
    const std::string_view digits = entry.substr(slash + 1);
    const int bits = out.family == AF_INET ? 32 : 128;
    int prefix = 0;
    const bool numeric = !digits.empty() && digits.size() <= 3 &&
                         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {
        for (char c : digits) {
            prefix = prefix * 10 + (c - '0');
        }
    }
    if (!numeric || prefix > bits) {
        out.problem = fmt::format("'/{}' is not a prefix length of an {} address (0 to {})", digits,
                                  out.family == AF_INET ? "IPv4" : "IPv6", bits);
        return out;
    }
    out.prefix = prefix;
    return out;
}

// An IPv4 /0 (however written) allows every address: Fastly's way of saying "no restriction".
bool allows_everything(std::string_view entry) {
    const Parsed parsed = parse_entry(entry);
    return parsed.problem.empty() && parsed.family == AF_INET && parsed.prefix == 0;
}

}  // namespace

std::vector<std::string> split_allowlist(std::string_view text) {
    std::vector<std::string> out;
    std::string entry;
    bool everything = false;
    auto flush = [&] {
        if (!entry.empty()) {
            everything = everything || allows_everything(entry);
            out.push_back(entry);
        }
        entry.clear();
    };
    for (char c : text) {
        if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            flush();
        } else {
            entry += c;
        }
    }
    flush();
    if (everything) {
        out.clear();  // whatever else it lists, the list restricts nothing
    }
    return out;
}

std::string join_allowlist(const std::vector<std::string>& entries) {
    std::string out;
    for (const auto& entry : entries) {
        out += (out.empty() ? "" : ",") + entry;
    }
    return out.empty() ? "0.0.0.0/0" : out;
}

std::string allowlist_entry_problem(std::string_view entry) {
    if (allows_everything(entry)) {
        return fmt::format(
            "'{}' allows every address, which Fastly reads as no restriction at all, whatever else "
            "the list holds; write `ip_allowlist: []` for no restriction",
            entry);
    }
    return parse_entry(entry).problem;
}

std::vector<std::string> canonical_allowlist(const std::vector<std::string>& entries) {
    std::set<std::string> out;
    for (const auto& entry : entries) {
        Parsed parsed = parse_entry(entry);
        if (!parsed.problem.empty()) {
            out.insert(entry);  // compared as written: validate reports it
            continue;
        }
        // The block as the network it names: 203.0.113.5/24 is 203.0.113.0/24.
        const int length = parsed.family == AF_INET ? 4 : 16;
        if (parsed.prefix >= 0) {
            for (int bit = parsed.prefix; bit < length * 8; ++bit) {
                parsed.bytes[bit / 8] = static_cast<unsigned char>(parsed.bytes[bit / 8] & ~(0x80u >> (bit % 8)));
            }
        }
        char text[INET6_ADDRSTRLEN] = {};
        inet_ntop(parsed.family, parsed.bytes, text, sizeof text);
        const int bits = parsed.family == AF_INET ? 32 : 128;
        out.insert(parsed.prefix < 0 || parsed.prefix == bits ? std::string(text)
                                                              : fmt::format("{}/{}", text, parsed.prefix));
    }
    return {out.begin(), out.end()};
}

bool email_domain_allowed(const std::vector<std::string>& domains, std::string_view email) {
    if (domains.empty()) {
        return true;
    }
    const auto at = email.rfind('@');
    const std::string domain = util::fold_case(at == std::string_view::npos ? email : email.substr(at + 1));
    return std::any_of(domains.begin(), domains.end(),
                       [&](const std::string& allowed) { return util::fold_case(allowed) == domain; });
}

}  // namespace fastly_accounts::model
