#pragma once

#include <cstddef>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
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

/// Output formats of validate: text (people), github (workflow commands that annotate a pull request),
/// json (one document for machines).
enum class ValidateFormat { text, github, json };

/// Options of `validate`.
struct ValidateOptions {
    std::vector<std::string> files;
    ValidateFormat format = ValidateFormat::text;
};

/// Adds the `validate` subcommand and its options to `app`; the options are written into `options`.
CLI::App& add_validate_command(CLI::App& app, ValidateOptions& options);

/// Runs `validate`: loads and checks the files offline. When they are valid, prints to `out` a one-line
/// summary (text and github: a line that is no workflow command) or the document `{"valid": true, ...}` (json), and
/// returns exit_ok; otherwise throws config::ConfigError with every problem, which cli::run reports (see below).
int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err);

/// What a failed `validate` prints on stdout besides its messages on stderr: nothing in text; in github,
/// one `::error file=F,line=L,col=C::message` workflow command per problem (one for `message` when there
/// is none); in json, `{"valid": false, "counts": null, "problems": [...], "error": {...}}`, `error`
/// being the object every command prints on failure. `problems` holds objects with the keys `file`,
/// `line`, `column`, `field`, `message` (null where one does not apply), as cli::run builds them.
void write_validate_failure(ValidateFormat format, const std::string& message, int exit_code,
                            const nlohmann::ordered_json& problems, std::ostream& out);

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

/// `--max-markdown-chars N` and `--full-plan-url URL`: how long a markdown rendering may be, and where the
/// whole of a shortened one can be read.
struct MarkdownBound {
    std::size_t max_chars = 65536;  ///< GitHub's comment limit (render::github_comment_limit); 0: no bound
    std::string full_plan_url;
};

/// Options of `plan`.
struct PlanOptions {
    std::vector<std::string> files;
    Format format = Format::text;
    std::string out;                ///< --out PLAN.json
    std::vector<std::string> base;  ///< --base PATH: the base branch's files, to tell this change from drift
    bool detailed_exitcode = false;
    GuardOverrides guards;
    MarkdownBound markdown;
    int author_days = 30;  ///< --since: how far back the audit log is read for the changes' authors
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
    MarkdownBound markdown;  ///< a drift report posted as an issue comment fits it as a plan does
    int author_days = 30;    ///< --since: how far back the audit log is read for the changes' authors
};

CLI::App& add_drift_command(CLI::App& app, DriftOptions& options);

/// Runs `drift`: prints where the account departs from the files; exit 0 when it does not, 2 when it does.
int run_drift(const GlobalOptions& global, const DriftOptions& options, std::ostream& out, std::ostream& err);

/// Options of `review`.
struct ReviewOptions {
    std::vector<std::string> files;  ///< optional: with them, grants are compared with the files
    std::string format = "text";     ///< text, markdown, json, csv
    std::string out;                 ///< --out FILE; stdout when empty
    int login_days = 90;             ///< --since DAYS: how far back last logins are read
    int max_event_pages = 200;       ///< --max-event-pages N
};

CLI::App& add_review_command(CLI::App& app, ReviewOptions& options);

/// Runs `review`: reads the account (and the audit log's logins) and writes the access review; exit 0.
int run_review(const GlobalOptions& global, const ReviewOptions& options, std::ostream& out, std::ostream& err);

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
