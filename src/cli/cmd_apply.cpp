#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
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
#include <fastly_accounts/util/text_safety.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>

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
    return fmt::format("{} {} '{}' (stage {})", plan::to_string(change.action), model::noun(change.kind), change.key,
                       static_cast<int>(change.stage));
}

// Asks on the terminal; true only for "yes". The question counts objects as the plan's closing line does (a
// group changed in two stages is one change) and names the account by name and ID, as the API gave them.
bool confirmed(const plan::Plan& plan, const model::Customer& customer, std::istream& in, std::ostream& err) {
    const plan::Summary& s = plan.summary;
    const std::string account = customer.name.empty()
                                    ? customer.id
                                    : fmt::format("{} ({})", util::escape_disguising(customer.name), customer.id);
    err << fmt::format("\nApply {} ({}) to customer {}?\nOnly 'yes' is accepted: ",
                       util::plural(s.create + s.update + s.remove + s.replace, "change", "changes"),
                       util::plural(s.write_requests, "write request", "write requests"), account);
    err.flush();
    std::string answer;
    std::getline(in, answer);
    return answer == "yes";
}

}  // namespace

CLI::App& add_apply_command(CLI::App& app, ApplyOptions& options) {
    auto* command = app.add_subcommand("apply", "Change the account to match the files.");
    add_files_option(*command, options.files);
    command
        ->add_option("--plan", options.plan,
                     "Apply exactly this saved plan (from `plan --out`) or nothing: refused (exit 4) when it was "
                     "edited, or the plan made again from the files and the account differs")
        ->type_name("PLAN.json");
    command->add_flag("--auto-approve", options.auto_approve,
                      "Do not ask for confirmation (required when not run from a terminal)");
    add_guard_options(*command, options.guards);
    command
        ->add_option("--journal", options.journal,
                     "Append each change's outcome here (JSON Lines); default .fastly-accounts/journal.jsonl "
                     "beside the first file (that directory is made when missing; any other must exist). A "
                     "symlink is followed. PATH.lock beside it keeps a second apply off it while this one runs")
        ->type_name("PATH");
    command
        ->add_option("--max-wait", options.max_wait_seconds,
                     "Wait up to this long for a spent hourly write budget to reset, otherwise stop (exit 5); "
                     "a short throttle (Retry-After up to 60 s, or up to this) is always waited out")
        ->type_name("SECONDS")
        ->check(CLI::Range(0, 7200))
        ->capture_default_str();
    command->footer(
        "Shows the plan, checks the safety guards, asks for confirmation, then makes the changes stage by\n"
        "stage. Running apply again after any failure converges: nothing is duplicated or lost.\n"
        "With --plan, the plan is made again and applied only if it is the saved one (else exit 4).\n"
        "Another apply running on the same journal: refused (exit 1). SIGINT or SIGTERM: no new change\n"
        "starts, the changes under way finish, the journal and the summary say it was interrupted (exit 3\n"
        "when changes were left undone); a second signal stops at once (exit 128+signal).\n"
        "Exit status: 0 done, 1 error (nothing changed), 3 some changes failed or were skipped, 4 refused by a\n"
        "guard or a saved plan that is not the plan any more (nothing changed), 5 stopped by the API rate\n"
        "limit (rerun after the time shown).");
    return *command;
}

namespace {

// The signal that asked apply to stop (SIGINT or SIGTERM), or 0. Written by the handler, read by the
// executor's workers: a lock-free atomic is both async-signal-safe and thread-safe.
std::atomic<int> stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

void say(std::string_view text) {
    // write(2) is async-signal-safe; a message that cannot be written is not worth more than the stop.
    if (::write(STDERR_FILENO, text.data(), text.size()) < 0) {
        return;
    }
}

void on_stop_signal(int number) {
    if (stop_signal.exchange(number) != 0) {
        say("\nfastly-accounts: a second signal: stopping at once, without the summary; the journal keeps every "
            "change that finished. Run apply again to finish.\n");
        ::_exit(128 + number);
    }
    say("\nfastly-accounts: stopping: no new change starts; the changes under way finish, then the summary "
        "follows (a second signal stops at once)\n");
}

// SIGINT and SIGTERM ask the apply under way to stop cleanly while this object lives; the previous
// handlers come back when it goes.
class StopSignals {
public:
    StopSignals() {
        stop_signal = 0;
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(SIGINT, &action, &m_previous_int);
        ::sigaction(SIGTERM, &action, &m_previous_term);
    }
    ~StopSignals() {
        ::sigaction(SIGINT, &m_previous_int, nullptr);
        ::sigaction(SIGTERM, &m_previous_term, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    /// "SIGINT", "SIGTERM", or "" when no signal came.
    static std::string received() {
        switch (stop_signal.load()) {
            case 0:
                return "";
            case SIGINT:
                return "SIGINT";
            case SIGTERM:
                return "SIGTERM";
            default:
                return fmt::format("signal {}", stop_signal.load());
        }
    }

private:
    struct sigaction m_previous_int {};
    struct sigaction m_previous_term {};
};

int refuse_saved_plan(std::ostream& err, const std::string& path, std::string_view why,
                      const std::vector<std::string>& lines) {
    err << fmt::format(
        "fastly-accounts: refusing the saved plan {}: {}; nothing was changed. Make a new plan and "
        "review it.\n",
        path, why);
    for (const auto& line : lines) {
        err << "  - " << line << "\n";
    }
    return exit_refused;
}

}  // namespace

int run_apply(const GlobalOptions& global, const ApplyOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err) {
    // A clock set back would keep access the files let expire: apply changes the account at the real time.
    if (global.now) {
        throw util::UsageError(
            "apply runs at the system clock; --now is for plan, drift and review (to see what a day brings)");
    }
    const bool interactive = isatty(STDIN_FILENO) == 1;
    if (!options.auto_approve && !interactive) {
        throw util::UsageError("apply needs --auto-approve when standard input is not a terminal (as in CI)");
    }
    // The files first: invalid files never reach the network.
    const config::DesiredState desired = config::load_desired(options.files);
    std::optional<plan::SavedPlan> saved;
    if (!options.plan.empty()) {
        try {
            saved = plan::parse_saved_plan(read_file(options.plan));
        } catch (const plan::EditedPlanError& e) {
            return refuse_saved_plan(err, options.plan, e.what(), {});
        }
        if (auto changed = apply::changed_files(saved->files, saved_files(desired)); !changed.empty()) {
            return refuse_saved_plan(err, options.plan, "the files are not those it was made from", changed);
        }
    }
    // The lock before the account is read: the plan shown, confirmed and carried out is made with no
    // other apply writing in between.
    // Only the default journal's directory, .fastly-accounts/ beside the first file, is made when missing.
    const bool default_place = options.journal.empty();
    const apply::JournalLock lock(default_place ? default_journal(desired) : options.journal, default_place);
    Session session(global, std::chrono::seconds(options.max_wait_seconds));
    const model::LiveAccount live = live::fetch_account(session.api(), session.concurrency());
    refuse_foreign_customer(desired, live);  // one line, before any plan of another account is shown

    plan::DiffOptions diff_options = cli::diff_options(options.guards);
    diff_options.now_epoch = static_cast<std::int64_t>(std::time(nullptr));
    // With --plan too, the plan carried out is the one made now, from today's account (its guards
    // included), and only when it is the one that was saved.
    diff_options.writes_remaining = session.stats().ratelimit_remaining;
    const plan::Plan plan = plan::diff(desired.state, live, diff_options);
    if (saved) {
        if (auto differences = apply::plan_differences(saved->plan, plan); !differences.empty()) {
            return refuse_saved_plan(err, options.plan,
                                     "made again from the files and today's account, the plan is not the same",
                                     differences);
        }
    }

    // Only a superuser may change other users, groups, roles and invitations: say so before showing a plan
    // that cannot be applied, rather than fail change by change with 403s. (The API lets other users change
    // their own profile only, which this tool does not do on its own.)
    if (plan.has_changes() && live.token_user.role != model::UserRole::superuser) {
        throw util::Refusal(fmt::format(
            "the token belongs to {}, whose role is {}; apply needs a superuser's token (plan, drift and export "
            "work with any token). Nothing was shown or changed.",
            live.token_user.login, model::to_string(live.token_user.role)));
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

    if (!options.auto_approve && !confirmed(plan, live.customer, in, err)) {
        err << "fastly-accounts: apply cancelled; nothing was changed.\n";
        return exit_error;
    }

    apply::Journal journal(lock);
    const StopSignals signals;
    journal.append({{"event", "apply-start"},
                    {"customer_id", live.customer.id},
                    {"fingerprint", desired.fingerprint},
                    {"saved_plan", options.plan},
                    {"changes", plan.changes.size()},
                    {"write_requests", plan.summary.write_requests}});
    const bool progress_line = isatty(STDERR_FILENO) == 1;
    apply::ExecuteOptions execute_options;
    execute_options.concurrency = session.concurrency();
    execute_options.now_epoch = diff_options.now_epoch;
    execute_options.writes_remaining = [&session] { return session.stats().ratelimit_remaining; };
    execute_options.stop_requested = [] { return stop_signal.load() != 0; };
    execute_options.on_progress = [&](const apply::ChangeOutcome& outcome, std::size_t completed, std::size_t total) {
        if (progress_line) {
            err << fmt::format("\r\033[Kstage {}/{}: {} of {}", static_cast<int>(outcome.change->stage),
                               plan::stage_count, completed, util::plural(total, "change", "changes"));
        } else {
            err << fmt::format("{:<7} {}{}\n", apply::to_string(outcome.outcome), describe(*outcome.change),
                               outcome.message.empty() ? "" : ": " + outcome.message);
        }
        err.flush();
    };
    const apply::ApplyReport report = apply::execute(plan, live, session.api(), journal, execute_options);
    session.log_summary();
    const std::string signal = StopSignals::received();
    nlohmann::ordered_json end = {{"event", "apply-end"},
                                  {"done", report.done},
                                  {"failed", report.failed},
                                  {"skipped", report.skipped},
                                  {"rate_limited", report.rate_limited},
                                  {"interrupted", !signal.empty()}};
    if (!signal.empty()) {
        end["signal"] = signal;
    }
    journal.append(end);
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
    if (!signal.empty()) {
        err << fmt::format(
            "fastly-accounts: interrupted by {}{}; run apply again to finish (it reads the account "
            "afresh and makes only the changes still missing)\n",
            signal, report.interrupted ? ": the changes not yet started were skipped" : "");
    }
    if (report.rate_limited) {
        err << fmt::format(
            "fastly-accounts: stopped by the API's hourly write limit{}; rerun apply then to finish "
            "(it picks up where this run stopped)\n",
            report.retry_at ? ", which resets at " + when(*report.retry_at) : "");
        return exit_rate_limited;
    }
    return report.failed + report.skipped > 0 ? exit_partial : exit_ok;
}

}  // namespace fastly_accounts::cli
