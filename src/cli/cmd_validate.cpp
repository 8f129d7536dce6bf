#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/config/desired.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <ostream>

namespace fastly_accounts::cli {

namespace {

std::string summarize(const model::AccountState& state) {
    std::size_t memberships = 0;
    for (const auto& group : state.user_groups) {
        memberships += group.members ? group.members->size() : 0;
    }
    using util::plural;
    return fmt::format("{}, {}, {}, {}, {} ({})", plural(state.users.size(), "user", "users"),
                       plural(state.invitations.size(), "invitation", "invitations"),
                       plural(state.roles.size(), "custom role", "custom roles"),
                       plural(state.service_groups.size(), "service group", "service groups"),
                       plural(state.user_groups.size(), "user group", "user groups"),
                       plural(memberships, "membership", "memberships"));
}

}  // namespace

CLI::App& add_validate_command(CLI::App& app, ValidateOptions& options) {
    auto* command = app.add_subcommand(
        "validate", "Check desired-state files offline: syntax, schema and cross-references. Needs no token.");
    add_files_option(*command, options.files);
    command->footer(
        "Every problem is printed, one per line, as FILE:LINE:COLUMN: path.to.field: message.\n"
        "Exit status: 0 when the files are valid, 1 otherwise.");
    return *command;
}

int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream&) {
    // Invalid files throw config::ConfigError, which cli::run prints, one problem per line.
    const model::AccountState state = config::load_desired_state(options.files);
    out << "valid: " << summarize(state) << "\n";
    return exit_ok;
}

}  // namespace fastly_accounts::cli
