#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <charconv>
#include <ctime>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string_view>

namespace fastly_accounts::cli {

namespace {

constexpr std::string_view success_name = "fastly_accounts_last_check_success";
constexpr std::string_view last_success_name = "fastly_accounts_last_success_timestamp_seconds";

// A gauge with its HELP and TYPE lines.
std::string gauge(std::string_view name, std::string_view help, std::string_view samples) {
    return fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}", name, help, name, samples);
}

// A Prometheus textfile-collector file. `plan` is the check's result, or null when the run failed: then
// success is 0, the per-kind gauges are left out (nothing was compared), and the last success is the one
// carried over from the previous file (0 when none is known).
std::string metrics(const plan::Plan* plan, const model::CustomerSettings* settings, std::time_t now,
                    std::optional<long long> last_success) {
    std::string text = gauge(success_name,
                             "1 when the last drift check completed (drift found or not), 0 when it failed (token "
                             "refused, network, invalid files, ...).",
                             fmt::format("{} {}\n", success_name, plan != nullptr ? 1 : 0));
    text += gauge("fastly_accounts_last_check_timestamp_seconds",
                  "When the last drift check finished, whether it succeeded or failed.",
                  fmt::format("fastly_accounts_last_check_timestamp_seconds {}\n", static_cast<long long>(now)));
    text += gauge(last_success_name, "When the last successful drift check finished; 0 when none is known.",
                  fmt::format("{} {}\n", last_success_name,
                              plan != nullptr ? static_cast<long long>(now) : last_success.value_or(0)));
    if (plan == nullptr) {
        return text;
    }
    std::map<model::Kind, std::set<std::string>> drifted;
    std::map<model::Kind, std::size_t> unmanaged;
    for (const auto& change : plan->changes) {
        drifted[change.kind].insert(change.key);  // a group changed in two stages is one object
    }
    for (const auto& entry : plan->unmanaged) {
        ++unmanaged[entry.kind];
    }
    std::string drift_samples;
    std::string unmanaged_samples;
    for (auto kind : model::change_kinds) {
        drift_samples += fmt::format("fastly_accounts_drift_objects{{kind=\"{}\"}} {}\n", model::to_string(kind),
                                     drifted[kind].size());
    }
    for (auto kind : model::all_kinds) {
        unmanaged_samples += fmt::format("fastly_accounts_unmanaged_objects{{kind=\"{}\"}} {}\n",
                                         model::to_string(kind), unmanaged[kind]);
    }
    text += gauge("fastly_accounts_drift_objects", "Objects whose live state departs from the desired-state files.",
                  drift_samples);
    text += gauge("fastly_accounts_unmanaged_objects", "Live objects the files do not list, left alone.",
                  unmanaged_samples);
    std::map<std::string, std::size_t> broken = {
        {"allowed_email_domains", 0}, {"expires", 0}, {"max_superusers", 0}, {"require_2fa_for", 0}};
    for (const auto& violation : plan->violations) {
        ++broken[violation.rule];
    }
    std::string violation_samples;
    for (const auto& [rule, count] : broken) {
        violation_samples += fmt::format("fastly_accounts_policy_violations{{rule=\"{}\"}} {}\n", rule, count);
    }
    text += gauge("fastly_accounts_policy_violations", "Rules of the files' policy that the live account breaks.",
                  violation_samples);
    std::map<std::string, std::size_t> deadlines = {{"expired", 0}, {"expiring", 0}, {"review_due", 0}};
    for (const auto& deadline : plan->deadlines) {
        ++deadlines[deadline.type == plan::Deadline::Type::review_after ? "review_due"
                    : deadline.passed                                   ? "expired"
                                                                        : "expiring"];
    }
    std::string deadline_samples;
    for (const auto& [state, count] : deadlines) {
        deadline_samples += fmt::format("fastly_accounts_access_deadlines{{state=\"{}\"}} {}\n", state, count);
    }
    text += gauge("fastly_accounts_access_deadlines",
                  "Accesses the files bound in time: expired (planned as absent), expiring within "
                  "policy.expiry_warning_days, and past their review_after.",
                  deadline_samples);
    if (settings != nullptr) {
        const std::string name = "fastly_accounts_customer_setting";
        text += gauge(
            name,
            "The account's security settings as the API has them: force_2fa and force_sso 1 when on, "
            "ip_allowlist the number of entries (0: any address).",
            fmt::format(
                "{}{{setting=\"force_2fa\"}} {}\n{}{{setting=\"force_sso\"}} {}\n"
                "{}{{setting=\"ip_allowlist\"}} {}\n",
                name, settings->force_2fa.value_or(false) ? 1 : 0, name, settings->force_sso.value_or(false) ? 1 : 0,
                name, model::canonical_allowlist(settings->ip_allowlist.value_or(std::vector<std::string>{})).size()));
    }
    return text;
}

// The last successful check's time in the metrics file an earlier run wrote at `path`, or nullopt. Anything
// else there (no file, a garbled or foreign one, a device, a pipe, a huge file, a time after `now`) only
// loses the figure: reading it never fails the run.
std::optional<long long> previous_success(const std::string& path, std::time_t now) {
    constexpr std::uintmax_t most = 1024 * 1024;  // ours is under 2 KiB
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || std::filesystem::file_size(path, ec) > most || ec) {
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() <= last_success_name.size() ||
            line.compare(0, last_success_name.size(), last_success_name) != 0 ||
            (line[last_success_name.size()] != ' ' && line[last_success_name.size()] != '\t')) {
            continue;
        }
        std::string_view rest = std::string_view(line).substr(last_success_name.size());
        const auto first = rest.find_first_not_of(" \t");
        const auto last = rest.find_last_not_of(" \t\r");
        rest = first == std::string_view::npos ? std::string_view() : rest.substr(first, last + 1 - first);
        long long value = 0;
        const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
        if (error != std::errc() || end != rest.data() + rest.size() || value <= 0 || value > now) {
            return std::nullopt;
        }
        return value;
    }
    return std::nullopt;
}

// Writes the metrics of a failed run, never throwing: the failure being reported matters more.
void write_failure_metrics(const std::string& path) {
    try {
        const std::time_t now = std::time(nullptr);
        util::write_file_atomically(path, metrics(nullptr, nullptr, now, previous_success(path, now)));
    } catch (const std::exception& e) {
        spdlog::warn("could not record the failed check in {}: {}", util::escape_disguising(path), e.what());
    }
}

}  // namespace

CLI::App& add_drift_command(CLI::App& app, DriftOptions& options) {
    auto* command = app.add_subcommand("drift", "Report where the live account departs from the files.");
    add_files_option(*command, options.files);
    add_format_option(*command, options.format);
    add_markdown_options(*command, options.markdown);
    command
        ->add_option("--metrics-file", options.metrics_file,
                     "Also write a Prometheus textfile, replaced atomically: "
                     "fastly_accounts_last_check_success (1, or 0 "
                     "for a run that failed, which still writes the file), the last check's and the last "
                     "successful check's timestamps, and fastly_accounts_drift_objects{kind=...}, "
                     "fastly_accounts_unmanaged_objects{kind=...}, fastly_accounts_policy_violations{rule=...} and "
                     "fastly_accounts_access_deadlines{state=expired|expiring|review_due} of a check that completed")
        ->type_name("PATH");
    add_since_option(*command, options.author_days);
    command->footer(
        "The same comparison as plan, read as a report: changes made by hand show up here. Unmanaged\n"
        "objects are drift only where policy.prune covers their kind. A rule of the policy the account\n"
        "breaks is drift too. Expired access (past `expires`) is compared as absent. Changes nothing.\n"
        "Each drifted user, invitation, grant and account setting names who last changed it (the audit\n"
        "log's latest event about it within --since days: login, time, IP and token name).\n"
        "Exit status: 0 no drift, 2 drift found, 4 the files name another customer_id than the token's, 1 error.");
    return *command;
}

int run_drift(const GlobalOptions& global, const DriftOptions& options, std::ostream& out, std::ostream&) {
    try {
        Session session(global);
        plan::DiffOptions diff;
        diff.now_epoch = now_epoch(global);
        Planned planned = make_plan(session, options.files, diff);
        add_authors(session, planned, options.author_days, diff.now_epoch);
        // The metrics file first: when it cannot be written, the run fails before printing anything (a
        // --format json reader then sees only the error object).
        if (!options.metrics_file.empty()) {
            const std::time_t now = std::time(nullptr);
            util::write_file_atomically(options.metrics_file, metrics(&planned.plan, &planned.live.settings, now, now));
        }
        render::Options shown(render::Mode::drift, use_color(global));
        shown.max_chars = options.markdown.max_chars;
        shown.full_plan_url = options.markdown.full_plan_url;
        render_plan(planned.plan, options.format, shown, out);
        // A rule of the policy the account breaks is drift too, changes or none.
        return planned.plan.has_changes() || !planned.plan.violations.empty() ? exit_changes : exit_ok;
    } catch (...) {
        // A check that failed says so in the file, so that it does not go on looking fresh; cli::run reports
        // the failure itself.
        if (!options.metrics_file.empty()) {
            write_failure_metrics(options.metrics_file);
        }
        throw;
    }
}

}  // namespace fastly_accounts::cli
