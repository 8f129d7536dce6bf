#include <CLI/CLI.hpp>
#include <ctime>
#include <fastly_accounts/apply/executor.hpp>
#include <fastly_accounts/apply/journal.hpp>
#include <fastly_accounts/apply/preconditions.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/live/fetch.hpp>
#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace fastly_accounts::cli {

namespace {

std::string default_journal(const config::DesiredState& desired) {
    const std::filesystem::path first = desired.files.empty() ? "." : desired.files.front();
    return (first.parent_path() / ".fastly-accounts" / "journal.jsonl").string();
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw util::Error(fmt::format("cannot read the plan file '{}'", path));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string when(long long epoch) {
    const std::time_t t = static_cast<std::time_t>(epoch);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return text;
}

std::string describe(const plan::Change& change) {
    return fmt::format("{} {} '{}' (stage {})", plan::to_string(change.action), model::noun(change.kind),
                       change.key, static_cast<int>(change.stage));
}

// Asks on the terminal; true only for "yes".
bool confirmed(const plan::Plan& plan, const std::string& customer, std::istream& in, std::ostream& err) {
    err << fmt::format("\nApply {} ({} write requests) to customer {}?\nOnly 'yes' is accepted: ",
                       util::plural(plan.changes.size(), "change", "changes"), plan.summary.write_requests, customer);
    err.flush();
    std::string answer;
    std::getline(in, answer);
    return answer == "yes";
}

}  // namespace

CLI::App& add_apply_command(CLI::App& app, ApplyOptions& options) {
    auto* command = app.add_subcommand("apply", "Change the account to match the files.");
    add_files_option(*command, options.files);
    command->add_option("--plan", options.plan,
                        "Apply exactly this saved plan (from `plan --out`); refused if the files or the account "
                        "changed since")
        ->type_name("PLAN.json");
    command->add_flag("--auto-approve", options.auto_approve,
                      "Do not ask for confirmation (required when not run from a terminal)");
    command->add_option("--allow-deletions", options.allow_deletions,
                        "Allow up to N deletions, overriding policy.max_deletions")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--journal", options.journal,
                        "Append each change's outcome here (JSON Lines); default .fastly-accounts/journal.jsonl "
                        "beside the first file")
        ->type_name("PATH");
    command->add_option("--max-wait", options.max_wait_seconds,
                        "Wait up to this long for a spent hourly write budget to reset, otherwise stop (exit 5); "
                        "a short throttle (Retry-After up to 60 s, or up to this) is always waited out")
        ->type_name("SECONDS")
        ->check(CLI::Range(0, 7200))
        ->capture_default_str();
    command->footer(
        "Shows the plan, checks the safety guards, asks for confirmation, then makes the changes stage by\n"
        "stage. Running apply again after any failure converges: nothing is duplicated or lost.\n"
        "Exit status: 0 done, 1 error (nothing changed), 3 some changes failed, 4 refused by a guard or a\n"
        "stale saved plan (nothing changed), 5 stopped by the API rate limit (rerun after the time shown).");
    return *command;
}

int run_apply(const GlobalOptions& global, const ApplyOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err) {
    const bool interactive = isatty(STDIN_FILENO) == 1;
    if (!options.auto_approve && !interactive) {
        throw util::UsageError("apply needs --auto-approve when standard input is not a terminal (as in CI)");
    }
    // The files first: invalid files never reach the network.
    const config::DesiredState desired = config::load_desired(options.files);
    Session session(global, std::chrono::seconds(options.max_wait_seconds));
    const model::LiveAccount live = live::fetch_account(session.api(), session.concurrency());

    plan::DiffOptions diff_options;
    diff_options.now_epoch = static_cast<std::int64_t>(std::time(nullptr));
    diff_options.allow_deletions = options.allow_deletions;
    diff_options.writes_remaining = session.stats().ratelimit_remaining;
    plan::Plan plan;
    if (!options.plan.empty()) {
        plan::SavedPlan saved = plan::parse_saved_plan(read_file(options.plan));
        std::vector<std::string> stale;
        if (saved.fingerprint != desired.fingerprint) {
            stale.push_back("the desired-state files changed since the plan was made");
        }
        if (saved.plan.customer_id != live.customer.id) {
            stale.push_back(fmt::format("the plan was made for customer {}, the token belongs to {}",
                                        saved.plan.customer_id, live.customer.id));
        }
        for (auto& line : apply::stale_changes(saved.plan, live)) {
            stale.push_back(std::move(line));
        }
        if (!stale.empty()) {
            err << fmt::format("fastly-accounts: refusing the saved plan {}: the account or the files changed since "
                               "it was made; nothing was changed. Make a new plan.\n",
                               options.plan);
            for (const auto& line : stale) {
                err << "  - " << line << "\n";
            }
            return exit_refused;
        }
        plan = std::move(saved.plan);
        plan::evaluate_guards(plan, desired.state, live, diff_options);  // the guards run again, on today's account
        plan::summarize(plan);
    } else {
        plan = plan::diff(desired.state, live, diff_options);
    }

    render::text(plan, out, {render::Mode::plan, use_color(global)});
    out.flush();
    if (plan.refused()) {
        err << "fastly-accounts: refused by a safety guard; nothing was changed.\n";
        return exit_refused;
    }
    if (!plan.has_changes()) {
        return exit_ok;
    }
    // Only a superuser may change other users, groups, roles and invitations: say so now rather than
    // fail change by change with 403s.
    if (live.token_user.role != model::UserRole::superuser) {
        throw util::Error(fmt::format(
            "the token belongs to {}, whose role is {}; apply needs a superuser's token (plan, drift and export "
            "work with any token). Nothing was changed.",
            live.token_user.login, model::to_string(live.token_user.role)));
    }
    if (!options.auto_approve && !confirmed(plan, live.customer.id, in, err)) {
        err << "fastly-accounts: apply cancelled; nothing was changed.\n";
        return exit_error;
    }

    apply::Journal journal(options.journal.empty() ? default_journal(desired) : options.journal);
    journal.append({{"event", "apply-start"},
                    {"customer_id", live.customer.id},
                    {"fingerprint", desired.fingerprint},
                    {"saved_plan", options.plan},
                    {"changes", plan.changes.size()},
                    {"write_requests", plan.summary.write_requests}});
    const bool progress_line = isatty(STDERR_FILENO) == 1;
    apply::ExecuteOptions execute_options;
    execute_options.concurrency = session.concurrency();
    execute_options.writes_remaining = [&session] { return session.stats().ratelimit_remaining; };
    execute_options.on_progress = [&](const apply::ChangeOutcome& outcome, std::size_t completed, std::size_t total) {
        if (progress_line) {
            err << fmt::format("\r\033[Kstage {}/{}: {} of {} changes", static_cast<int>(outcome.change->stage),
                               plan::stage_count, completed, total);
        } else {
            err << fmt::format("{:<7} {}{}\n", apply::to_string(outcome.outcome), describe(*outcome.change),
                               outcome.message.empty() ? "" : ": " + outcome.message);
        }
        err.flush();
    };
    const apply::ApplyReport report = apply::execute(plan, live, session.api(), journal, execute_options);
    session.log_summary();
    journal.append({{"event", "apply-end"},
                    {"done", report.done},
                    {"failed", report.failed},
                    {"skipped", report.skipped},
                    {"rate_limited", report.rate_limited}});
    if (progress_line) {
        err << "\n";
    }
    for (const auto& outcome : report.outcomes) {
        if (outcome.outcome != apply::Outcome::done && progress_line) {
            err << fmt::format("{:<7} {}: {}\n", apply::to_string(outcome.outcome), describe(*outcome.change),
                               outcome.message);
        }
    }
    err << fmt::format("Apply: {} done, {} failed, {} skipped. Journal: {}\n", report.done, report.failed,
                       report.skipped, journal.path());
    if (report.rate_limited) {
        err << fmt::format("fastly-accounts: stopped by the API's hourly write limit{}; rerun apply then to finish "
                           "(it picks up where this run stopped)\n",
                           report.retry_at ? ", which resets at " + when(*report.retry_at) : "");
        return exit_rate_limited;
    }
    return report.failed + report.skipped > 0 ? exit_partial : exit_ok;
}

}  // namespace fastly_accounts::cli
