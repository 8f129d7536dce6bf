#include <fmt/format.h>

#include <fastly_accounts/config/role_rules.hpp>

namespace fastly_accounts::config {

namespace {

bool is_superuser(const std::string& name) {
    return model::role_name_key(name) == "superuser";
}

// The rules of one user or invitation of `file`.
void check(const LoadedFile& file, const RoleFacts& facts,
           const std::function<bool(const std::string&)>& is_custom_role, Diagnostics& diagnostics) {
    if (facts.role == model::UserRole::user && facts.limit_services == true) {
        diagnostics.add({file.path, facts.limit_services_at.line, facts.limit_services_at.column,
                         facts.path + ".limit_services",
                         "role 'user' cannot be limited to some services: Fastly refuses it (\"Role 'user' is not "
                         "allowed to be service limited\"); give another role, or set limit_services: false"});
    }
    const Reference* superuser = nullptr;
    for (std::size_t i = facts.first_role_ref; i < facts.end_role_ref; ++i) {
        if (is_superuser(file.references[i].name)) {
            superuser = &file.references[i];
            break;
        }
    }
    const bool legacy_superuser = facts.role == model::UserRole::superuser;
    if (!superuser && !legacy_superuser) {
        return;
    }
    for (std::size_t i = facts.first_role_ref; i < facts.end_role_ref; ++i) {
        const Reference& other = file.references[i];
        const bool custom = is_custom_role(other.name);
        if (is_superuser(other.name) || (!custom && !model::is_predefined_role(other.name))) {
            continue;  // Superuser itself, or a name the unknown-role check reports
        }
        const std::string with = superuser ? "Superuser" : "role: superuser (the Superuser role)";
        diagnostics.add({file.path, other.at.line, other.at.column, other.path(),
                         fmt::format("'{}' cannot be combined with {}: Fastly allows Superuser only alone or with "
                                     "the Security (Next-Gen WAF) roles; remove one of them",
                                     other.name, with)});
    }
}

}  // namespace

void check_role_rules(const std::vector<LoadedFile>& files,
                      const std::function<bool(const std::string&)>& is_custom_role, Diagnostics& diagnostics) {
    for (const auto& file : files) {
        if (!file.usable) {
            continue;
        }
        for (const auto& facts : file.role_facts) {
            check(file, facts, is_custom_role, diagnostics);
        }
    }
}

}  // namespace fastly_accounts::config
