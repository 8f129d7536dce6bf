#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <fastly_accounts/cli/cli.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/session.hpp>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>

namespace fastly_accounts::cli {

namespace {

std::string with_newline(std::string text) {
    if (!text.empty() && text.back() != '\n') {
        text += '\n';
    }
    return text;
}

// The arguments after the program name, in the reverse order CLI11 parses them from. `--name=` is split
// into `--name` and an empty value: CLI11 would otherwise take the next argument as the value, so that
// `--endpoint=$UNSET plan` meant the endpoint "plan".
std::vector<std::string> arguments(int argc, const char* const* argv) {
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
        const std::string arg = argv[i];
        if (arg.size() > 3 && arg.rfind("--", 0) == 0 && arg.back() == '=' && arg.find('=') == arg.size() - 1) {
            args.emplace_back();
            args.push_back(arg.substr(0, arg.size() - 1));
        } else {
            args.push_back(arg);
        }
    }
    return args;
}

// One problem in the JSON error object: every key always present, null where it does not apply.
nlohmann::ordered_json problem_json(const config::Diagnostic* at, const std::string& message) {
    using Json = nlohmann::ordered_json;
    const auto text = [](const std::string& value) { return value.empty() ? Json() : Json(value); };
    const auto position = [](int value) { return value > 0 ? Json(value) : Json(); };
    return {{"file", at ? text(at->file) : Json()},
            {"line", at ? position(at->line) : Json()},
            {"column", at ? position(at->column) : Json()},
            {"field", at ? text(at->path) : Json()},
            {"message", message}};
}

// What a failed run reports: on stderr, for people; with `--format json`, also one JSON object on stdout
// (README "Exit codes"), so that `| jq` sees the failure rather than nothing.
struct Failure {
    std::string message;
    nlohmann::ordered_json problems = nlohmann::ordered_json::array();
    int exit_code = exit_error;

    void write_json(std::ostream& out) const {
        const nlohmann::ordered_json document = {
            {"error", {{"message", message}, {"exit_code", exit_code}, {"problems", problems}}}};
        out << util::escape_disguising_json(document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
            << "\n";
    }
};

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{
        "fastly-accounts: manage a Fastly account's users, invitations, IAM roles, user groups and\n"
        "service groups as code. Desired state lives in YAML files; see README.md for the format.",
        "fastly-accounts"};
    app.set_version_flag("--version", "fastly-accounts " FASTLY_ACCOUNTS_VERSION);
    app.require_subcommand(1);
    // Inherited by the commands: an option a command does not know goes to the global ones, so global
    // options are accepted after the command too (`plan -f x --no-color`).
    app.fallthrough();
    app.footer(
        "Global options may come before or after the command. Each command has its own --help.\n"
        "Exit codes: 0 ok, 1 error, 2 changes/drift found, 3 apply partly failed,\n"
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
    ReviewOptions review_options;
    CLI::App& review_command = add_review_command(app, review_options);
    CompletionOptions completion_options;
    CLI::App& completion_command = add_completion_command(app, completion_options);

    // The command named on the line, also when parsing it failed; nullptr when none was.
    const auto named_command = [&app]() -> const CLI::App* {
        const auto commands = app.get_subcommands();
        return commands.empty() ? nullptr : commands.front();
    };
    const auto json_errors = [&] {
        return (plan_command.parsed() && plan_options.format == Format::json) ||
               (drift_command.parsed() && drift_options.format == Format::json) ||
               (review_command.parsed() && review_options.format == "json");
    };
    const auto fail = [&](const Failure& failure) {
        if (validate_command.parsed()) {
            write_validate_failure(validate.format, failure.message, failure.exit_code, failure.problems, out);
        } else if (json_errors()) {
            failure.write_json(out);
        }
        return failure.exit_code;
    };

    if (argc <= 1) {
        err << with_newline(app.help());
        return exit_error;
    }
    try {
        std::vector<std::string> args = arguments(argc, argv);
        app.parse(args);
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
        const CLI::App* command = named_command();
        std::string message = e.what();
        const std::vector<std::string> unparsed = app.remaining();
        if (command == nullptr && !unparsed.empty() && unparsed.front().rfind('-', 0) != 0) {
            const std::string& word = unparsed.front();
            const auto guess = util::closest_match(word, {"validate", "plan", "apply", "drift", "export", "review"});
            message = fmt::format(
                "unknown command '{}'{}; the commands are validate, plan, apply, drift, export and review", word,
                guess ? fmt::format(" (did you mean '{}'?)", *guess) : "");
        }
        message = util::escape_disguising(message);  // it may quote the command line
        err << "fastly-accounts: " << message << "\n"
            << fmt::format("Run 'fastly-accounts{} --help' for usage.\n", command ? " " + command->get_name() : "");
        return fail({message});
    }

    const std::string command = named_command() ? named_command()->get_name() : "fastly-accounts";
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
        if (review_command.parsed()) {
            return run_review(global, review_options, out, err);
        }
        if (completion_command.parsed()) {
            return run_completion(app, completion_options, out);
        }
        err << "fastly-accounts: no command given; run 'fastly-accounts --help'\n";
        return exit_error;
    } catch (const config::ConfigError& e) {
        Failure failure{fmt::format("{} in {}", util::plural(e.diagnostics().size(), "problem", "problems"),
                                    util::plural(e.diagnostics().file_count(), "file", "files"))};
        for (const auto& diagnostic : e.diagnostics().sorted()) {
            err << config::format(diagnostic) << "\n";
            failure.problems.push_back(problem_json(&diagnostic, diagnostic.message));
        }
        err << command << ": " << failure.message << "\n";
        return fail(failure);
    } catch (const plan::PlanError& e) {
        Failure failure{e.what()};
        err << "fastly-accounts: " << e.what() << ":\n";
        for (const auto& problem : e.problems()) {
            err << "  - " << util::escape_disguising(problem.located()) << "\n";
            const config::Diagnostic at{problem.where.file, problem.where.line, problem.where.column, "", ""};
            failure.problems.push_back(problem_json(&at, problem.message));
        }
        return fail(failure);
    } catch (const util::Refusal& e) {
        // Messages quote the account (a customer's name) and the files: one line each, whatever they hold.
        err << "fastly-accounts: " << util::escape_disguising(e.what()) << "\n";
        Failure failure{e.what()};
        failure.exit_code = exit_refused;
        return fail(failure);
    } catch (const util::Error& e) {
        err << "fastly-accounts: " << util::escape_disguising(e.what()) << "\n";
        return fail({e.what()});
    } catch (const std::exception& e) {
        const std::string message = fmt::format("internal error: {} (this is a bug; please report it)", e.what());
        err << "fastly-accounts: " << util::escape_disguising(message) << "\n";
        return fail({message});
    }
}

}  // namespace fastly_accounts::cli
