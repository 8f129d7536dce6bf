#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <ostream>

namespace fastly_accounts::cli {

namespace {

// The base files planned against the account already read, and each change marked by them. Base files that
// cannot be read or planned leave every change marked as this change's, with a note: they only explain the
// plan, which stands on the files of -f alone.
void mark_origins(Planned& planned, const std::vector<std::string>& base_files, const plan::DiffOptions& diff) {
    try {
        const config::DesiredState base = config::load_desired(base_files);
        plan::mark_origins(planned.plan, plan::diff(base.state, planned.live, diff));
    } catch (const config::ConfigError& e) {
        const auto problems = e.diagnostics().sorted();
        const std::string first = problems.empty() ? e.what() : config::format(problems.front());
        const std::string more = problems.size() > 1 ? fmt::format(" (and {} more problems)", problems.size() - 1) : "";
        plan::mark_without_base(planned.plan, fmt::format("the base files (--base) cannot be used: {}{}", first, more));
    } catch (const plan::PlanError& e) {
        plan::mark_without_base(planned.plan,
                                fmt::format("the base files (--base) cannot be planned against the account: {}",
                                            e.problems().empty() ? e.what() : e.problems().front().located()));
    } catch (const util::Error& e) {
        plan::mark_without_base(planned.plan, fmt::format("the base files (--base) cannot be read: {}", e.what()));
    }
}

}  // namespace

CLI::App& add_plan_command(CLI::App& app, PlanOptions& options) {
    auto* command = app.add_subcommand("plan", "Show what apply would change to make the account match the files.");
    add_files_option(*command, options.files);
    add_format_option(*command, options.format);
    command
        ->add_option("--out", options.out,
                     "Also save the plan, with a digest of each file and of the plan itself, for `apply --plan`. "
                     "'-' writes it to stdout, and the plan shown then goes to stderr")
        ->type_name("PLAN.json");
    command
        ->add_option("--base", options.base,
                     "The base branch's files (a file or a directory, as -f; repeat for more). Each change is then "
                     "marked as this change's (it follows from the base files becoming the files of -f) or as drift "
                     "already in the account (which departs from the base files the same way), shown in two "
                     "sections; JSON gives each change an `origin`. Hand edits the files of -f now keep are listed "
                     "as adopted drift")
        ->type_name("PATH");
    command->add_flag("--detailed-exitcode", options.detailed_exitcode, "Exit 2 when there are changes");
    add_guard_options(*command, options.guards);
    add_markdown_options(*command, options.markdown);
    add_since_option(*command, options.author_days);
    command->footer(
        "Reads the live account (needs FASTLY_API_TOKEN or --token-file) and changes nothing.\n"
        "Exit status: 0 no changes (or changes without --detailed-exitcode), 2 changes pending with\n"
        "--detailed-exitcode, 4 a safety guard trips (apply would refuse), 1 error.");
    return *command;
}

int run_plan(const GlobalOptions& global, const PlanOptions& options, std::ostream& out, std::ostream& err) {
    Session session(global);
    plan::DiffOptions diff = diff_options(options.guards);
    diff.now_epoch = now_epoch(global);
    Planned planned = make_plan(session, options.files, diff);
    if (!options.base.empty()) {
        mark_origins(planned, options.base, diff);
    }
    add_authors(session, planned, options.author_days, diff.now_epoch);
    // The saved plan first: when it cannot be written, the run fails before printing anything (a --format
    // json reader then sees only the error object).
    const bool saved_to_stdout = options.out == "-";
    if (!options.out.empty()) {
        const plan::SavedPlan saved{planned.plan, planned.desired.fingerprint, saved_files(planned.desired)};
        const std::string text = plan::saved_plan_json(saved).dump(2) + "\n";
        if (saved_to_stdout) {
            out << text;
            out.flush();
        } else {
            util::write_file_atomically(options.out, text);
        }
    }
    // With --out -, stdout holds the saved plan alone, and the plan for people goes to stderr.
    render::Options shown(render::Mode::plan, use_color(global, saved_to_stdout ? STDERR_FILENO : STDOUT_FILENO));
    shown.max_chars = options.markdown.max_chars;
    shown.full_plan_url = options.markdown.full_plan_url;
    render_plan(planned.plan, options.format, shown, saved_to_stdout ? err : out);
    if (saved_to_stdout) {
        err << "wrote the saved plan to standard output; apply exactly it with: fastly-accounts apply -f ... --plan "
               "PLAN.json\n";
    } else if (!options.out.empty()) {
        err << fmt::format("saved the plan to {}; apply exactly it with: fastly-accounts apply -f ... --plan {}\n",
                           options.out, options.out);
    }
    if (planned.plan.refused()) {
        return exit_refused;
    }
    return options.detailed_exitcode && planned.plan.has_changes() ? exit_changes : exit_ok;
}

}  // namespace fastly_accounts::cli
