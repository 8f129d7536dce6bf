// The access review in text (a terminal, a CI log), Markdown (an issue or a wiki page), JSON (machines)
// and CSV (an auditor's spreadsheet).
#include <fmt/format.h>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/review/review.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <fastly_accounts/util/time.hpp>
#include <nlohmann/json.hpp>

namespace fastly_accounts::review {

namespace {

using Json = nlohmann::ordered_json;

std::string_view type_name(Grant::Type type) {
    switch (type) {
        case Grant::Type::role:
            return "role";
        case Grant::Type::iam_role:
            return "iam_role";
        case Grant::Type::group:
            return "user_group";
        case Grant::Type::service:
            return "service";
        case Grant::Type::service_group:
            return "service_group";
    }
    return "";
}

std::string yes_no(const std::optional<bool>& value, std::string_view unknown = "unknown") {
    return value ? (*value ? "yes" : "no") : std::string(unknown);
}

// "owner: x; reason: y; expires 2027-01-31; review after 2027-01-01", or "".
std::string terms_text(const model::Terms& terms) {
    std::vector<std::string> parts;
    if (terms.owner) {
        parts.push_back("owner: " + *terms.owner);
    }
    if (terms.reason) {
        parts.push_back("reason: " + *terms.reason);
    }
    if (terms.expires) {
        parts.push_back("expires " + util::format_moment(*terms.expires));
    }
    if (terms.review_after) {
        parts.push_back("review after " + util::format_moment(*terms.review_after));
    }
    return util::join(parts, "; ");
}

// "in the files (owner: ...)", "NOT in the files", or "" when the files say nothing about it.
std::string files_text(const std::optional<bool>& in_files, const model::Terms& terms) {
    if (!in_files) {
        return "";
    }
    if (!*in_files) {
        return "NOT in the files";
    }
    const std::string given = terms_text(terms);
    return given.empty() ? "in the files" : fmt::format("in the files ({})", given);
}

std::string grant_text(const Grant& grant) {
    std::string text;
    switch (grant.type) {
        case Grant::Type::role:
            text = fmt::format("role {}", grant.name);
            break;
        case Grant::Type::iam_role:
            text = fmt::format("IAM role '{}'", grant.name);
            break;
        case Grant::Type::group:
            text = fmt::format("member of user group '{}'", grant.name);
            break;
        case Grant::Type::service:
            text = fmt::format("service '{}'{}", grant.name, grant.detail.empty() ? "" : " (" + grant.detail + ")");
            break;
        case Grant::Type::service_group:
            text = fmt::format("service group '{}' ({})", grant.name, grant.detail);
            break;
    }
    if (!grant.via.empty()) {
        text += " through " + grant.via;
    }
    const std::string files = files_text(grant.in_files, grant.terms);
    return files.empty() ? text : text + ": " + files;
}

std::string date_or(const std::string& iso, std::string_view none) {
    return iso.empty() ? std::string(none) : iso;
}

std::string last_login(const Report& report, const Person& person) {
    if (!report.logins_read) {
        return "unknown";
    }
    if (person.last_login.empty() && !report.logins_from.empty()) {
        return fmt::format("none since {} (older logins not read)", report.logins_from);
    }
    return date_or(person.last_login, fmt::format("none in the last {} days", report.login_days));
}

std::string tokens_text(const Report& report, const Person& person) {
    if (!report.tokens_read) {
        return "unknown";
    }
    if (person.tokens == 0) {
        return "none";
    }
    return fmt::format("{} ({} never expiring, {} unused for 90 days)", person.tokens, person.tokens_never_expiring,
                       person.tokens_unused);
}

std::string invitation_state(const Invited& invited) {
    if (invited.age_days < 0 && !invited.expired) {
        return "age unknown (the API does not say when it was sent), so whether it expired cannot be told";
    }
    const std::string age = invited.age_days < 0 ? "age unknown" : fmt::format("{} days old", invited.age_days);
    return fmt::format("{}, {}", age, invited.expired ? "EXPIRED (can no longer be accepted)" : "pending");
}

// The account-wide findings, one line each.
std::vector<std::string> findings(const Report& report) {
    std::vector<std::string> out;
    out.push_back(fmt::format("{}: {}", util::plural(report.superusers.size(), "superuser", "superusers"),
                              report.superusers.empty() ? "none" : util::join(report.superusers, ", ")));
    out.push_back(
        fmt::format("superusers without 2FA (off or not known): {}",
                    report.superusers_without_2fa.empty() ? "none" : util::join(report.superusers_without_2fa, ", ")));
    std::size_t expired = 0;
    for (const auto& invited : report.invitations) {
        expired += invited.expired ? 1 : 0;
    }
    out.push_back(fmt::format("invitations: {} pending, {} expired", report.invitations.size() - expired, expired));
    out.push_back(fmt::format("users in no group: {}",
                              report.in_no_group.empty() ? "none" : util::join(report.in_no_group, ", ")));
    out.push_back(fmt::format("custom roles nobody holds: {}",
                              report.roles_unheld.empty() ? "none" : util::join(report.roles_unheld, ", ")));
    for (const auto& violation : report.violations) {
        out.push_back("policy: " + violation.message);
    }
    for (const auto& deadline : report.deadlines) {
        out.push_back(plan::describe(deadline, report.now));
    }
    return out;
}

void text(const Report& report, std::ostream& out) {
    const auto v = [](std::string_view s) { return util::escape_disguising(s); };
    out << fmt::format("Access review of customer {} ({}) at {}\n\n", v(report.customer_id), v(report.customer_name),
                       util::format_utc(report.now));
    out << "Findings:\n";
    for (const auto& line : findings(report)) {
        out << "  " << v(line) << "\n";
    }
    out << fmt::format("\nUsers ({}):\n", report.people.size());
    for (const auto& person : report.people) {
        out << fmt::format("  {}{}{}\n", v(person.login), person.name.empty() ? "" : " (" + v(person.name) + ")",
                           person.in_files == false ? "  [NOT in the files]" : "");
        out << fmt::format("    2FA {}, {}, {}, created {}, last login {}\n", yes_no(person.two_factor),
                           person.locked ? "locked" : "not locked",
                           person.limit_services ? "limited to the services below" : "every service",
                           date_or(person.created_at, "unknown"), last_login(report, person));
        out << fmt::format("    tokens: {}\n", tokens_text(report, person));
        if (const std::string terms = terms_text(person.terms); !terms.empty()) {
            out << "    " << v(terms) << "\n";
        }
        for (const auto& grant : person.grants) {
            out << "    - " << v(grant_text(grant)) << "\n";
        }
    }
    out << fmt::format("\nInvitations ({}):\n", report.invitations.size());
    for (const auto& invited : report.invitations) {
        out << fmt::format("  {} (role {}): {}{}\n", v(invited.email),
                           v(invited.role.empty() ? "unknown" : invited.role), invitation_state(invited),
                           invited.in_files ? ", " + v(files_text(invited.in_files, invited.terms)) : "");
    }
    out << fmt::format("\nService groups ({}), the services their members reach:\n", report.service_groups.size());
    for (const auto& [name, services] : report.service_groups) {
        out << fmt::format("  {}: {}\n", v(name), services.empty() ? "none" : v(util::join(services, ", ")));
    }
    if (!report.notes.empty()) {
        out << "\nNotes:\n";
        for (const auto& note : report.notes) {
            out << "  " << v(note) << "\n";
        }
    }
}

// Literal text in a Markdown table cell: control characters made visible, markup and `|` escaped.
std::string cell(std::string_view text) {
    std::string out;
    for (char c : util::escape_disguising(text)) {
        if (std::string_view("\\`*_[]<>|~&$#").find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

void markdown(const Report& report, std::ostream& out) {
    out << fmt::format("## Access review of {} (`{}`)\n\nAt {}.\n\n### Findings\n\n", cell(report.customer_name),
                       cell(report.customer_id), util::format_utc(report.now));
    for (const auto& line : findings(report)) {
        out << "- " << cell(line) << "\n";
    }
    out << fmt::format("\n### Users ({})\n\n", report.people.size());
    out << "| Login | Name | 2FA | Locked | Services | Created | Last login | Tokens | Groups | Access |"
        << (report.with_files ? " Files |" : "") << "\n";
    out << "|---|---|---|---|---|---|---|---|---|---|" << (report.with_files ? "---|" : "") << "\n";
    for (const auto& person : report.people) {
        std::vector<std::string> grants;
        for (const auto& grant : person.grants) {
            grants.push_back(cell(grant_text(grant)));
        }
        out << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |", cell(person.login), cell(person.name),
                           yes_no(person.two_factor), person.locked ? "yes" : "no",
                           person.limit_services ? "limited" : "all", cell(date_or(person.created_at, "unknown")),
                           cell(last_login(report, person)), cell(tokens_text(report, person)),
                           cell(util::join(person.groups, ", ")), util::join(grants, "<br>"));
        if (report.with_files) {
            out << " " << cell(person.in_files == true ? files_text(person.in_files, person.terms) : "NOT in the files")
                << " |";
        }
        out << "\n";
    }
    out << fmt::format("\n### Invitations ({})\n\n", report.invitations.size());
    if (!report.invitations.empty()) {
        out << "| Email | Role | Created | State |\n|---|---|---|---|\n";
        for (const auto& invited : report.invitations) {
            out << fmt::format("| {} | {} | {} | {} |\n", cell(invited.email), cell(invited.role),
                               cell(date_or(invited.created_at, "unknown")), cell(invitation_state(invited)));
        }
    }
    out << fmt::format("\n### Service groups ({})\n\n", report.service_groups.size());
    for (const auto& [name, services] : report.service_groups) {
        out << fmt::format("- {}: {}\n", cell(name), services.empty() ? "none" : cell(util::join(services, ", ")));
    }
    if (!report.notes.empty()) {
        out << "\n### Notes\n\n";
        for (const auto& note : report.notes) {
            out << "- " << cell(note) << "\n";
        }
    }
}

Json optional_json(const std::optional<bool>& value) {
    return value ? Json(*value) : Json();
}

Json terms_json(const model::Terms& terms) {
    const auto text = [](const std::optional<std::string>& value) { return value ? Json(*value) : Json(); };
    const auto moment = [](const std::optional<std::int64_t>& value) {
        return value ? Json(util::format_utc(*value)) : Json();
    };
    return {{"owner", text(terms.owner)},
            {"reason", text(terms.reason)},
            {"expires", moment(terms.expires)},
            {"review_after", moment(terms.review_after)}};
}

void json(const Report& report, std::ostream& out) {
    Json people = Json::array();
    for (const auto& person : report.people) {
        Json grants = Json::array();
        for (const auto& grant : person.grants) {
            grants.push_back({{"type", type_name(grant.type)},
                              {"name", grant.name},
                              {"via", grant.via},
                              {"detail", grant.detail},
                              {"in_files", optional_json(grant.in_files)},
                              {"terms", terms_json(grant.terms)}});
        }
        people.push_back({{"login", person.login},
                          {"name", person.name},
                          {"role", person.role},
                          {"superuser", person.superuser},
                          {"two_factor_auth_enabled", optional_json(person.two_factor)},
                          {"locked", person.locked},
                          {"limit_services", person.limit_services},
                          {"created_at", person.created_at},
                          {"last_login", person.last_login.empty() ? Json() : Json(person.last_login)},
                          {"last_login_known", report.logins_read},
                          {"groups", person.groups},
                          {"tokens", report.tokens_read ? Json{{"count", person.tokens},
                                                               {"never_expiring", person.tokens_never_expiring},
                                                               {"unused_90_days", person.tokens_unused}}
                                                        : Json()},
                          {"in_files", optional_json(person.in_files)},
                          {"terms", terms_json(person.terms)},
                          {"grants", grants}});
    }
    Json invitations = Json::array();
    for (const auto& invited : report.invitations) {
        invitations.push_back({{"email", invited.email},
                               {"role", invited.role},
                               {"created_at", invited.created_at},
                               {"age_days", invited.age_days < 0 ? Json() : Json(invited.age_days)},
                               {"expired", invited.expired},
                               {"in_files", optional_json(invited.in_files)},
                               {"terms", terms_json(invited.terms)}});
    }
    Json violations = Json::array();
    for (const auto& violation : report.violations) {
        violations.push_back({{"rule", violation.rule}, {"message", violation.message}});
    }
    Json deadlines = Json::array();
    for (const auto& deadline : report.deadlines) {
        deadlines.push_back(plan::describe(deadline, report.now));
    }
    Json document = {{"customer", {{"id", report.customer_id}, {"name", report.customer_name}}},
                     {"at", util::format_utc(report.now)},
                     {"with_files", report.with_files},
                     {"account",
                      {{"superusers", report.superusers},
                       {"superusers_without_2fa", report.superusers_without_2fa},
                       {"users_in_no_group", report.in_no_group},
                       {"custom_roles_nobody_holds", report.roles_unheld}}},
                     {"audit_log",
                      {{"read", report.logins_read},
                       {"read_back_to", report.logins_from.empty() ? Json() : Json(report.logins_from)}}},
                     {"policy_violations", violations},
                     {"deadlines", deadlines},
                     {"invitations", invitations},
                     {"service_groups", report.service_groups},
                     {"notes", report.notes}};
    document["users"] = std::move(people);  // moved, not copied: the largest part by far
    out << util::escape_disguising_json(document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) << "\n";
}

// One CSV field (RFC 4180), quoted, made inert for spreadsheets: a cell that starts (after spaces) with
// = + - @ or a tab would run as a formula, so it gets a leading apostrophe.
std::string csv_field(std::string_view raw) {
    std::string text = util::escape_disguising(raw);
    const auto first = text.find_first_not_of(' ');
    if (first != std::string::npos && std::string_view("=+-@\t\r").find(text[first]) != std::string_view::npos) {
        text.insert(text.begin(), '\'');
    }
    // Every field quoted: a `;` or a `,` then splits no cell, whatever the spreadsheet's locale.
    std::string quoted = "\"";
    for (char c : text) {
        quoted += c == '"' ? "\"\"" : std::string(1, c);
    }
    return quoted + "\"";
}

void csv(const Report& report, std::ostream& out) {
    const std::vector<std::string> header = {"kind",
                                             "login",
                                             "name",
                                             "role",
                                             "superuser",
                                             "2fa",
                                             "locked",
                                             "limit_services",
                                             "created_at",
                                             "last_login",
                                             "groups",
                                             "access",
                                             "tokens",
                                             "tokens_never_expiring",
                                             "tokens_unused_90_days",
                                             "in_files",
                                             "owner",
                                             "reason",
                                             "expires"};
    out << util::join(header, ",") << "\r\n";
    const auto row = [&](const std::vector<std::string>& fields) {
        std::string line;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            line += (i ? "," : "") + csv_field(fields[i]);
        }
        out << line << "\r\n";
    };
    const auto term = [](const std::optional<std::string>& value) { return value.value_or(""); };
    const auto count = [&](std::size_t n) { return report.tokens_read ? std::to_string(n) : std::string(); };
    const auto moment = [](const std::optional<std::int64_t>& value) {
        return value ? util::format_moment(*value) : std::string();
    };
    for (const auto& person : report.people) {
        std::vector<std::string> grants;
        for (const auto& grant : person.grants) {
            grants.push_back(grant_text(grant));
        }
        row({"user", person.login, person.name, person.role, person.superuser ? "yes" : "no", yes_no(person.two_factor),
             person.locked ? "yes" : "no", person.limit_services ? "yes" : "no", person.created_at,
             report.logins_read ? person.last_login : "unknown", util::join(person.groups, "; "),
             util::join(grants, "; "), count(person.tokens), count(person.tokens_never_expiring),
             count(person.tokens_unused), yes_no(person.in_files, ""), term(person.terms.owner),
             term(person.terms.reason), moment(person.terms.expires)});
    }
    for (const auto& [name, services] : report.service_groups) {
        row({"service group", name, "", "", "", "", "", "", "", "", "", util::join(services, "; "), "", "", "", "", "",
             "", ""});
    }
    for (const auto& invited : report.invitations) {
        row({invited.expired ? "expired invitation" : "invitation", invited.email, "", invited.role, "", "", "", "",
             invited.created_at, "", "", "", "", "", "", yes_no(invited.in_files, ""), term(invited.terms.owner),
             term(invited.terms.reason), moment(invited.terms.expires)});
    }
}

}  // namespace

void render(const Report& report, Format format, std::ostream& out) {
    switch (format) {
        case Format::text:
            text(report, out);
            break;
        case Format::markdown:
            markdown(report, out);
            break;
        case Format::json:
            json(report, out);
            break;
        case Format::csv:
            csv(report, out);
            break;
    }
}

}  // namespace fastly_accounts::review
