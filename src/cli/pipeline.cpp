#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <ctime>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/live/fetch.hpp>
#include <fastly_accounts/util/error.hpp>

namespace fastly_accounts::cli {

Planned make_plan(Session& session, const std::vector<std::string>& files, plan::DiffOptions options) {
    Planned planned{config::load_desired(files), {}, {}};
    planned.live = live::fetch_account(session.api(), session.concurrency());
    session.log_summary();
    refuse_foreign_customer(planned.desired, planned.live);
    // The account's own figure, when an answer stated it (Fastly sends it only with writes); otherwise the
    // plan says that Fastly's default limit is assumed.
    options.writes_remaining = session.stats().ratelimit_remaining;
    planned.plan = plan::diff(planned.desired.state, planned.live, options);
    return planned;
}

void refuse_foreign_customer(const config::DesiredState& desired, const model::LiveAccount& live) {
    if (desired.state.customer_id && *desired.state.customer_id != live.customer.id) {
        throw util::Refusal(
            fmt::format("refused: the files are for customer {}, but the token belongs to customer {}"
                        "{}; nothing was shown or changed (use that customer's token, or fix "
                        "customer_id)",
                        *desired.state.customer_id, live.customer.id,
                        live.customer.name.empty() ? "" : " (" + live.customer.name + ")"));
    }
}

std::vector<plan::SavedFile> saved_files(const config::DesiredState& desired) {
    std::vector<plan::SavedFile> files;
    for (std::size_t i = 0; i < desired.files.size(); ++i) {
        files.push_back({desired.files[i], desired.digests.at(i)});
    }
    return files;
}

void add_files_option(CLI::App& command, std::vector<std::string>& files) {
    command
        .add_option("-f,--file", files,
                    "A desired-state file, or a directory: its *.yaml/*.yml files (any case), sorted. Hidden "
                    "entries, *.md and *.txt are passed over; anything else in it (a subdirectory not named "
                    "with its own -f, another file) is an error. Repeat for more.")
        ->required()
        ->type_name("PATH");
}

void add_guard_options(CLI::App& command, GuardOverrides& guards) {
    command
        .add_option("--allow-deletions", guards.allow_deletions,
                    "Allow up to N deletions in this run, overriding policy.max_deletions")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    command
        .add_option("--allow-removals", guards.allow_removals,
                    "Allow up to N access removals in this run (members, group roles and service groups, IAM "
                    "roles of users, what pruning strips), overriding policy.max_removals")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    command
        .add_option("--ack", guards.acks,
                    "Accept, for this run, a change to the account's settings that can lock people out: force_2fa "
                    "(turned on: users without 2FA are logged out), force_sso (turned on: password logins end), "
                    "ip_allowlist (changed: other addresses are refused). The plan says who is affected. Repeat "
                    "for more")
        ->type_name("NAME")
        ->check(CLI::IsMember(plan::acknowledgeable()));
}

plan::DiffOptions diff_options(const GuardOverrides& guards) {
    plan::DiffOptions options;
    options.allow_deletions = guards.allow_deletions;
    options.allow_removals = guards.allow_removals;
    options.acks.insert(guards.acks.begin(), guards.acks.end());
    return options;
}

void add_format_option(CLI::App& command, Format& format) {
    command
        .add_option_function<std::string>(
            "--format",
            [&format](const std::string& name) {
                format = name == "json" ? Format::json : name == "markdown" ? Format::markdown : Format::text;
            },
            "Output: text (people), json (machines), markdown (pull-request comment). With json, an error "
            "also prints one object on stdout: {\"error\": {\"message\", \"exit_code\", \"problems\": [...]}}")
        ->check(CLI::IsMember({"text", "json", "markdown"}))
        ->type_name("FORMAT")
        ->default_str("text");
}

void add_markdown_options(CLI::App& command, MarkdownBound& bound) {
    command
        .add_option("--max-markdown-chars", bound.max_chars,
                    "With --format markdown: the longest the rendering may be, in characters (UTF-16 code units, "
                    "as a GitHub comment's limit is counted). A longer plan is shortened: counts, guards and "
                    "every sensitive change kept, the largest sections cut first, and a pointer to the full "
                    "plan. 0: no bound")
        ->type_name("N")
        ->check(CLI::Validator(
            [](const std::string& text) -> std::string {
                const bool digits = !text.empty() && text.size() <= 9 &&
                                    text.find_first_not_of("0123456789") == std::string::npos;
                if (!digits || (std::stoul(text) != 0 && std::stoul(text) < 1024)) {
                    return fmt::format("'{}' is not 0 or a number of characters from 1024 up", text);
                }
                return "";
            },
            "0|N>=1024"))
        ->capture_default_str();
    command
        .add_option("--full-plan-url", bound.full_plan_url,
                    "With --format markdown: an http(s) URL where the full plan can be read (a CI job's saved "
                    "plan), linked when the rendering is shortened")
        ->type_name("URL")
        ->check(CLI::Validator(
            [](const std::string& url) -> std::string {
                const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
                const bool plain = std::all_of(url.begin(), url.end(), [](char c) {
                    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
                });
                if (!web || !plain || url.size() > 2000) {
                    return "expected an http:// or https:// URL of at most 2000 printable ASCII characters, "
                           "without spaces";
                }
                return "";
            },
            "URL"));
}

void render_plan(const plan::Plan& plan, Format format, const render::Options& options, std::ostream& out) {
    switch (format) {
        case Format::text:
            render::text(plan, out, options);
            break;
        case Format::json:
            render::json(plan, out, options);
            break;
        case Format::markdown:
            render::markdown(plan, out, options);
            break;
    }
}

}  // namespace fastly_accounts::cli
