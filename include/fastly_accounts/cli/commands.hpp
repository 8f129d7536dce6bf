#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fastly_accounts::cli {

struct GlobalOptions;

/// Options of `validate`.
struct ValidateOptions {
    std::vector<std::string> files;
};

/// Adds the `validate` subcommand and its options to `app`; the options are written into `options`.
CLI::App& add_validate_command(CLI::App& app, ValidateOptions& options);

/// Runs `validate`: loads and checks the files offline. Prints a one-line summary to `out` and returns
/// exit_ok when they are valid; prints every problem to `err` and returns exit_error otherwise.
int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err);

/// Options of `export`.
struct ExportOptions {
    std::string out;  ///< file to write; stdout when empty
};

/// Adds the `export` subcommand to `app`.
CLI::App& add_export_command(CLI::App& app, ExportOptions& options);

/// Runs `export`: reads the live account and writes it as a desired-state file that `validate` accepts
/// and that `plan` against the same account finds nothing to do for. Throws util::Error subclasses.
int run_export(const GlobalOptions& global, const ExportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace fastly_accounts::cli
