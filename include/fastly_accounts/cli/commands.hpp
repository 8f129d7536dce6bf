#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fastly_accounts::cli {

struct GlobalOptions;

/// Output formats of plan and drift.
enum class Format { text, json, markdown };

/// Options of `validate`.
struct ValidateOptions {
    std::vector<std::string> files;
};

/// Adds the `validate` subcommand and its options to `app`; the options are written into `options`.
CLI::App& add_validate_command(CLI::App& app, ValidateOptions& options);

/// Runs `validate`: loads and checks the files offline. Prints a one-line summary to `out` and returns
/// exit_ok when they are valid; throws config::ConfigError with every problem otherwise.
int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err);

/// Options of `export`.
struct ExportOptions {
    std::string out;                    ///< file to write; stdout when empty
    std::optional<std::string> schema;  ///< --schema: the comment's schema reference, "" for none
};

/// Adds the `export` subcommand to `app`.
CLI::App& add_export_command(CLI::App& app, ExportOptions& options);

/// Runs `export`: reads the live account and writes it as a desired-state file that `validate` accepts
/// and that `plan` against the same account finds nothing to do for. Throws util::Error subclasses.
int run_export(const GlobalOptions& global, const ExportOptions& options, std::ostream& out, std::ostream& err);

/// `--allow-deletions N`, `--allow-removals N` and `--ack NAME`, shared by plan and apply: for this run,
/// they replace policy.max_deletions and policy.max_removals, and accept a lock-out guard.
struct GuardOverrides {
    std::optional<int> allow_deletions;
    std::optional<int> allow_removals;
    std::vector<std::string> acks;
};

/// Options of `plan`.
struct PlanOptions {
    std::vector<std::string> files;
    Format format = Format::text;
    std::string out;  ///< --out PLAN.json
    bool detailed_exitcode = false;
    GuardOverrides guards;
};

CLI::App& add_plan_command(CLI::App& app, PlanOptions& options);

/// Runs `plan`: prints the plan; exit 0, or 2 with --detailed-exitcode when there are changes, or 4 when
/// a safety guard trips (apply would refuse it).
int run_plan(const GlobalOptions& global, const PlanOptions& options, std::ostream& out, std::ostream& err);

/// Options of `drift`.
struct DriftOptions {
    std::vector<std::string> files;
    Format format = Format::text;
    std::string metrics_file;
};

CLI::App& add_drift_command(CLI::App& app, DriftOptions& options);

/// Runs `drift`: prints where the account departs from the files; exit 0 when it does not, 2 when it does.
int run_drift(const GlobalOptions& global, const DriftOptions& options, std::ostream& out, std::ostream& err);

/// Options of `apply`.
struct ApplyOptions {
    std::vector<std::string> files;
    std::string plan;  ///< --plan PLAN.json
    bool auto_approve = false;
    GuardOverrides guards;
    std::string journal;
    int max_wait_seconds = 0;
};

CLI::App& add_apply_command(CLI::App& app, ApplyOptions& options);

/// Runs `apply`: exit 0 when every change was made (or there was nothing to do), 3 when some failed or
/// were skipped, 4 when refused by a guard or a stale saved plan, 5 when stopped by the rate limit.
int run_apply(const GlobalOptions& global, const ApplyOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err);

/// Options of the hidden `completion` command.
struct CompletionOptions {
    std::string shell;  ///< "bash", the only one so far
};

/// Adds the hidden `completion SHELL` subcommand (not listed in --help) to `app`.
CLI::App& add_completion_command(CLI::App& app, CompletionOptions& options);

/// Runs `completion`: prints a completion script for every visible command, option and choice (CLI11
/// IsMember sets) of `app`, read from `app` itself; returns exit_ok. Throws std::logic_error when a name
/// would need shell quoting.
int run_completion(const CLI::App& app, const CompletionOptions& options, std::ostream& out);

}  // namespace fastly_accounts::cli
