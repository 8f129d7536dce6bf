#include <CLI/CLI.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fmt/format.h>
#include <ostream>

namespace fastly_accounts::cli {

CLI::App& add_plan_command(CLI::App& app, PlanOptions& options) {
    auto* command = app.add_subcommand("plan", "Show what apply would change to make the account match the files.");
    add_files_option(*command, options.files);
    add_format_option(*command, options.format);
    command->add_option("--out", options.out,
                        "Also save the plan, with a digest of each file and of the plan itself, for `apply --plan`")
        ->type_name("PLAN.json");
    command->add_flag("--detailed-exitcode", options.detailed_exitcode, "Exit 2 when there are changes");
    add_guard_options(*command, options.guards);
    command->footer(
        "Reads the live account (needs FASTLY_API_TOKEN or --token-file) and changes nothing.\n"
        "Exit status: 0 no changes (or changes without --detailed-exitcode), 2 changes pending with\n"
        "--detailed-exitcode, 4 a safety guard trips (apply would refuse), 1 error.");
    return *command;
}

int run_plan(const GlobalOptions& global, const PlanOptions& options, std::ostream& out, std::ostream& err) {
    Session session(global);
    Planned planned = make_plan(session, options.files, diff_options(options.guards));
    render_plan(planned.plan, options.format, {render::Mode::plan, use_color(global)}, out);
    if (!options.out.empty()) {
        const plan::SavedPlan saved{planned.plan, planned.desired.fingerprint, saved_files(planned.desired)};
        util::write_file_atomically(options.out, plan::saved_plan_json(saved).dump(2) + "\n");
        err << fmt::format("saved the plan to {}; apply exactly it with: fastly-accounts apply -f ... --plan {}\n",
                           options.out, options.out);
    }
    if (planned.plan.refused()) {
        return exit_refused;
    }
    return options.detailed_exitcode && planned.plan.has_changes() ? exit_changes : exit_ok;
}

}  // namespace fastly_accounts::cli
