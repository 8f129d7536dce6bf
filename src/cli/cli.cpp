#include <CLI/CLI.hpp>
#include <fastly_accounts/cli/cli.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/session.hpp>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fmt/format.h>
#include <iostream>
#include <ostream>

namespace fastly_accounts::cli {

namespace {

std::string with_newline(std::string text) {
    if (!text.empty() && text.back() != '\n') {
        text += '\n';
    }
    return text;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"fastly-accounts: manage a Fastly account's users, invitations, IAM roles, user groups and\n"
                 "service groups as code. Desired state lives in YAML files; see README.md for the format.",
                 "fastly-accounts"};
    app.set_version_flag("--version", "fastly-accounts 0.1.0");
    app.require_subcommand(1);
    app.footer("Exit codes: 0 ok, 1 error, 2 changes/drift found, 3 apply partly failed,\n"
               "            4 refused by a safety guard, 5 stopped by the API rate limit.");

    GlobalOptions global;
    add_global_options(app, global);
    ValidateOptions validate;
    CLI::App& validate_command = add_validate_command(app, validate);
    PlanOptions plan_options;
    CLI::App& plan_command = add_plan_command(app, plan_options);
    DriftOptions drift_options;
    CLI::App& drift_command = add_drift_command(app, drift_options);
    ApplyOptions apply_options;
    CLI::App& apply_command = add_apply_command(app, apply_options);
    ExportOptions export_options;
    CLI::App& export_command = add_export_command(app, export_options);

    if (argc <= 1) {
        err << with_newline(app.help());
        return exit_error;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << with_newline(app.help());
        return exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        out << with_newline(app.help("", CLI::AppFormatMode::All));
        return exit_ok;
    } catch (const CLI::CallForVersion&) {
        out << app.version() << "\n";
        return exit_ok;
    } catch (const CLI::ParseError& e) {
        err << "fastly-accounts: " << e.what() << "\n"
            << "Run 'fastly-accounts --help' for usage.\n";
        return exit_error;
    }

    try {
        configure_logging(global);
        if (validate_command.parsed()) {
            return run_validate(validate, out, err);
        }
        if (plan_command.parsed()) {
            return run_plan(global, plan_options, out, err);
        }
        if (drift_command.parsed()) {
            return run_drift(global, drift_options, out, err);
        }
        if (apply_command.parsed()) {
            return run_apply(global, apply_options, std::cin, out, err);
        }
        if (export_command.parsed()) {
            return run_export(global, export_options, out, err);
        }
        err << "fastly-accounts: no command given; run 'fastly-accounts --help'\n";
        return exit_error;
    } catch (const config::ConfigError& e) {
        const std::string command = app.get_subcommands().empty() ? "fastly-accounts" : app.get_subcommands().front()->get_name();
        for (const auto& diagnostic : e.diagnostics().sorted()) {
            err << config::format(diagnostic) << "\n";
        }
        err << fmt::format("{}: {} in {}\n", command, util::plural(e.diagnostics().size(), "problem", "problems"),
                           util::plural(e.diagnostics().file_count(), "file", "files"));
        return exit_error;
    } catch (const plan::PlanError& e) {
        err << "fastly-accounts: " << e.what() << ":\n";
        for (const auto& problem : e.problems()) {
            err << "  - " << problem << "\n";
        }
        return exit_error;
    } catch (const util::Error& e) {
        err << "fastly-accounts: " << e.what() << "\n";
        return exit_error;
    } catch (const std::exception& e) {
        err << "fastly-accounts: internal error: " << e.what() << " (this is a bug; please report it)\n";
        return exit_error;
    }
}

}  // namespace fastly_accounts::cli
