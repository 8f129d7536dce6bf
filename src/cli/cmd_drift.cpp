#include <CLI/CLI.hpp>
#include <ctime>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fmt/format.h>
#include <map>
#include <ostream>
#include <set>

namespace fastly_accounts::cli {

namespace {

// A Prometheus textfile-collector file: drifted and unmanaged objects per kind, and when this ran.
std::string metrics(const plan::Plan& plan, std::time_t now) {
    std::map<model::Kind, std::set<std::string>> drifted;
    std::map<model::Kind, std::size_t> unmanaged;
    for (const auto& change : plan.changes) {
        drifted[change.kind].insert(change.key);  // a group changed in two stages is one object
    }
    for (const auto& entry : plan.unmanaged) {
        ++unmanaged[entry.kind];
    }
    std::string text =
        "# HELP fastly_accounts_drift_objects Objects whose live state departs from the desired-state files.\n"
        "# TYPE fastly_accounts_drift_objects gauge\n";
    for (auto kind : model::all_kinds) {
        text += fmt::format("fastly_accounts_drift_objects{{kind=\"{}\"}} {}\n", model::to_string(kind), drifted[kind].size());
    }
    text += "# HELP fastly_accounts_unmanaged_objects Live objects the files do not list, left alone.\n"
            "# TYPE fastly_accounts_unmanaged_objects gauge\n";
    for (auto kind : model::all_kinds) {
        text += fmt::format("fastly_accounts_unmanaged_objects{{kind=\"{}\"}} {}\n", model::to_string(kind), unmanaged[kind]);
    }
    text += "# HELP fastly_accounts_last_check_timestamp_seconds When the last drift check finished.\n"
            "# TYPE fastly_accounts_last_check_timestamp_seconds gauge\n";
    text += fmt::format("fastly_accounts_last_check_timestamp_seconds {}\n", static_cast<long long>(now));
    return text;
}

}  // namespace

CLI::App& add_drift_command(CLI::App& app, DriftOptions& options) {
    auto* command = app.add_subcommand("drift", "Report where the live account departs from the files.");
    add_files_option(*command, options.files);
    add_format_option(*command, options.format);
    command->add_option("--metrics-file", options.metrics_file,
                        "Also write a Prometheus textfile (fastly_accounts_drift_objects{kind=...}, "
                        "fastly_accounts_last_check_timestamp_seconds), replaced atomically")
        ->type_name("PATH");
    command->footer(
        "The same comparison as plan, read as a report: changes made by hand show up here. Unmanaged\n"
        "objects are drift only where policy.prune covers their kind. Changes nothing.\n"
        "Exit status: 0 no drift, 2 drift found, 4 the files name another customer_id than the token's, 1 error.");
    return *command;
}

int run_drift(const GlobalOptions& global, const DriftOptions& options, std::ostream& out, std::ostream&) {
    Session session(global);
    Planned planned = make_plan(session, options.files, {});
    // The metrics file first: when it cannot be written, the run fails before printing anything (a --format
    // json reader then sees only the error object).
    if (!options.metrics_file.empty()) {
        util::write_file_atomically(options.metrics_file, metrics(planned.plan, std::time(nullptr)));
    }
    render_plan(planned.plan, options.format, {render::Mode::drift, use_color(global)}, out);
    return planned.plan.has_changes() ? exit_changes : exit_ok;
}

}  // namespace fastly_accounts::cli
