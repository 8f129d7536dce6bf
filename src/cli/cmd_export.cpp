#include <CLI/CLI.hpp>
#include <algorithm>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/session.hpp>
#include <fastly_accounts/config/writer.hpp>
#include <fastly_accounts/live/fetch.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <ostream>
#include <sstream>

namespace fastly_accounts::cli {

namespace {

namespace fs = std::filesystem;

void sort_list(std::optional<std::vector<std::string>>& list, bool emails) {
    if (list) {
        std::sort(list->begin(), list->end(), [emails](const std::string& a, const std::string& b) {
            return emails ? model::email_key(a) < model::email_key(b) : a < b;
        });
    }
}

// The live account as a desired-state file would hold it: custom roles only, pending invitations only,
// every managed field set, and everything in a stable order so that two exports diff cleanly.
model::AccountState desired_from_live(const model::LiveAccount& live) {
    model::AccountState state = live.state;
    state.customer_id = live.customer.id;
    std::erase_if(state.invitations, [](const model::Invitation& i) { return !i.active; });
    auto by_email = [](const auto& a, const auto& b) { return model::email_key(a) < model::email_key(b); };
    std::sort(state.users.begin(), state.users.end(), [&](const auto& a, const auto& b) { return by_email(a.login, b.login); });
    std::sort(state.invitations.begin(), state.invitations.end(),
              [&](const auto& a, const auto& b) { return by_email(a.email, b.email); });
    auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(state.roles.begin(), state.roles.end(), by_name);
    std::sort(state.service_groups.begin(), state.service_groups.end(), by_name);
    std::sort(state.user_groups.begin(), state.user_groups.end(), by_name);
    for (auto& user : state.users) {
        sort_list(user.roles, false);
    }
    for (auto& invitation : state.invitations) {
        sort_list(invitation.roles, false);
    }
    for (auto& role : state.roles) {
        sort_list(role.permissions, false);
        if (role.description && role.description->empty()) {
            role.description.reset();
        }
    }
    for (auto& group : state.service_groups) {
        sort_list(group.services, false);
        if (group.description && group.description->empty()) {
            group.description.reset();
        }
    }
    for (auto& group : state.user_groups) {
        sort_list(group.roles, false);
        sort_list(group.service_groups, false);
        sort_list(group.members, true);
        if (group.description && group.description->empty()) {
            group.description.reset();
        }
    }
    return state;
}

// The schema as the yaml-language-server comment should name it: relative to the file written.
std::string schema_reference(const std::string& out_path) {
    const fs::path schema = FASTLY_ACCOUNTS_SCHEMA_FILE;
    std::error_code ec;
    if (!fs::exists(schema, ec)) {
        return "";
    }
    const fs::path base = out_path.empty() ? fs::current_path(ec) : fs::absolute(out_path, ec).parent_path();
    const fs::path relative = fs::relative(schema, base, ec);
    return ec || relative.empty() ? schema.string() : relative.string();
}

}  // namespace

CLI::App& add_export_command(CLI::App& app, ExportOptions& options) {
    auto* command = app.add_subcommand("export", "Write the live account as a desired-state file.");
    command->add_option("--out", options.out, "Write to this file (replaced atomically) instead of stdout")
        ->type_name("FILE");
    command->footer(
        "The file holds every user, pending invitation, custom role, service group and user group, with\n"
        "customer_id filled in and a stable order. Predefined roles are referenced by name. Running `plan`\n"
        "on it against the same account shows nothing to do. Needs a token (FASTLY_API_TOKEN or --token-file).");
    return *command;
}

int run_export(const GlobalOptions& global, const ExportOptions& options, std::ostream& out, std::ostream& err) {
    Session session(global);
    const model::LiveAccount live = live::fetch_account(session.api(), session.concurrency());
    session.log_summary();
    for (const auto& note : live.read_notes) {
        err << "fastly-accounts: note: " << note << "\n";
    }
    const model::AccountState state = desired_from_live(live);
    std::ostringstream text;
    config::write_desired_state(state, schema_reference(options.out), text);
    if (options.out.empty()) {
        out << text.str();
    } else {
        util::write_file_atomically(options.out, text.str());
        err << fmt::format("exported {}, {}, {}, {}, {} to {}\n", util::plural(state.users.size(), "user", "users"),
                           util::plural(state.invitations.size(), "invitation", "invitations"),
                           util::plural(state.roles.size(), "custom role", "custom roles"),
                           util::plural(state.service_groups.size(), "service group", "service groups"),
                           util::plural(state.user_groups.size(), "user group", "user groups"), options.out);
    }
    return exit_ok;
}

}  // namespace fastly_accounts::cli
