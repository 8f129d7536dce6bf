#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/config/desired.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

namespace fastly_accounts::cli {

namespace {

using Json = nlohmann::ordered_json;

std::size_t memberships(const model::AccountState& state) {
    std::size_t count = 0;
    for (const auto& group : state.user_groups) {
        count += group.members ? group.members->size() : 0;
    }
    return count;
}

std::string summarize(const model::AccountState& state) {
    using util::plural;
    return fmt::format("{}, {}, {}, {}, {} ({})", plural(state.users.size(), "user", "users"),
                       plural(state.invitations.size(), "invitation", "invitations"),
                       plural(state.roles.size(), "custom role", "custom roles"),
                       plural(state.service_groups.size(), "service group", "service groups"),
                       plural(state.user_groups.size(), "user group", "user groups"),
                       plural(memberships(state), "membership", "memberships"));
}

// The validate document: the same keys, in the same order, whether the files are valid or not.
Json document(bool valid, Json files, Json counts, Json problems, Json error) {
    return {{"valid", valid},
            {"files", std::move(files)},
            {"counts", std::move(counts)},
            {"problems", std::move(problems)},
            {"error", std::move(error)}};
}

void write_json(const Json& document, std::ostream& out) {
    // Disguising characters quoted from the files stay escaped (\uXXXX) in the JSON text too.
    out << util::escape_disguising_json(document.dump(2, ' ', false, Json::error_handler_t::replace)) << "\n";
}

// GitHub's escaping of a workflow command's message: `%`, CR and LF as %25, %0D, %0A. The text is first
// made visible (escape_disguising turns a newline into `\n` and a bidi override into `\u202e`), so the
// escapes here only keep `%` from being read as one.
std::string command_data(const std::string& text) {
    std::string out;
    for (char c : util::escape_disguising(text)) {
        switch (c) {
            case '%':
                out += "%25";
                break;
            case '\r':
                out += "%0D";
                break;
            case '\n':
                out += "%0A";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A property value (file=...): as command_data, and `:` and `,` as %3A and %2C, which would otherwise end
// the property or the list of properties.
std::string command_property(const std::string& text) {
    std::string out;
    for (char c : command_data(text)) {
        if (c == ':') {
            out += "%3A";
        } else if (c == ',') {
            out += "%2C";
        } else {
            out += c;
        }
    }
    return out;
}

// `::error file=F,line=L,col=C::field: message`, without what the problem does not have.
std::string workflow_command(const Json& problem) {
    const auto text = [&problem](const char* key) {
        const auto it = problem.find(key);
        return it != problem.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const auto number = [&problem](const char* key) {
        const auto it = problem.find(key);
        return it != problem.end() && it->is_number_integer() ? it->get<int>() : 0;
    };
    std::string properties;
    const auto add = [&properties](const std::string& property) {
        properties += (properties.empty() ? " " : ",") + property;
    };
    if (const std::string file = text("file"); !file.empty()) {
        add("file=" + command_property(file));
    }
    if (const int line = number("line"); line > 0) {
        add(fmt::format("line={}", line));
        if (const int column = number("column"); column > 0) {
            add(fmt::format("col={}", column));
        }
    }
    const std::string field = text("field");
    return fmt::format("::error{}::{}{}", properties, field.empty() ? "" : command_data(field) + ": ",
                       command_data(text("message")));
}

}  // namespace

CLI::App& add_validate_command(CLI::App& app, ValidateOptions& options) {
    auto* command = app.add_subcommand(
        "validate", "Check desired-state files offline: syntax, schema and cross-references. Needs no token.");
    add_files_option(*command, options.files);
    command
        ->add_option_function<std::string>(
            "--format",
            [&options](const std::string& name) {
                options.format = name == "github" ? ValidateFormat::github
                                 : name == "json" ? ValidateFormat::json
                                                  : ValidateFormat::text;
            },
            "Output on stdout: text (people), github (one ::error workflow command per problem, which GitHub "
            "Actions shows as an annotation at its line), json (one document: {\"valid\", \"files\", \"counts\", "
            "\"problems\": [...], \"error\"})")
        ->check(CLI::IsMember({"text", "github", "json"}))
        ->type_name("FORMAT")
        ->default_str("text");
    command->footer(
        "Every problem is printed on stderr, one per line, as FILE:LINE:COLUMN: path.to.field: message,\n"
        "whatever the format.\n"
        "Exit status: 0 when the files are valid, 1 otherwise.");
    return *command;
}

int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream&) {
    // Invalid files throw config::ConfigError, which cli::run prints, one problem per line, and passes to
    // write_validate_failure for the other formats.
    const config::DesiredState desired = config::load_desired(options.files);
    const model::AccountState& state = desired.state;
    if (options.format != ValidateFormat::json) {
        out << "valid: " << summarize(state) << "\n";
        return exit_ok;
    }
    const Json counts = {{"users", state.users.size()},
                         {"invitations", state.invitations.size()},
                         {"roles", state.roles.size()},
                         {"service_groups", state.service_groups.size()},
                         {"user_groups", state.user_groups.size()},
                         {"memberships", memberships(state)}};
    write_json(document(true, desired.files, counts, Json::array(), Json()), out);
    return exit_ok;
}

void write_validate_failure(ValidateFormat format, const std::string& message, int exit_code,
                            const nlohmann::ordered_json& problems, std::ostream& out) {
    switch (format) {
        case ValidateFormat::text:
            return;
        case ValidateFormat::github:
            if (problems.empty()) {
                out << workflow_command({{"message", message}}) << "\n";
            }
            for (const auto& problem : problems) {
                out << workflow_command(problem) << "\n";
            }
            return;
        case ValidateFormat::json: {
            const Json error = {{"message", message}, {"exit_code", exit_code}, {"problems", problems}};
            write_json(document(false, Json(), Json(), problems, error), out);
            return;
        }
    }
}

}  // namespace fastly_accounts::cli
