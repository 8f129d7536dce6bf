// `fastly-accounts review`: the access review (README "Access review"). Reads only; any user's token.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/live/fetch.hpp>
#include <fastly_accounts/review/review.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <fastly_accounts/util/time.hpp>
#include <set>
#include <sstream>

namespace fastly_accounts::cli {

CLI::App& add_review_command(CLI::App& app, ReviewOptions& options) {
    auto* command = app.add_subcommand(
        "review", "Report who has access to the account, how, since when and, with -f, why and until when.");
    command
        ->add_option("-f,--file", options.files,
                     "Desired-state files or directories (as for plan): each grant then says whether the files "
                     "give it, with their owner, reason and expires, and the policy's rules are checked")
        ->type_name("PATH");
    command->add_option("--format", options.format, "Output: text, markdown, json or csv (one row per person)")
        ->check(CLI::IsMember({"text", "markdown", "json", "csv"}))
        ->type_name("FORMAT")
        ->capture_default_str();
    command->add_option("--out", options.out, "Write the review to this file (replaced atomically) instead of stdout")
        ->type_name("FILE");
    command
        ->add_option("--since", options.login_days,
                     "Read last logins (user.login events of the audit log) back this many days")
        ->type_name("DAYS")
        ->check(CLI::Range(1, 3650))
        ->capture_default_str();
    command
        ->add_option("--max-event-pages", options.max_event_pages,
                     "Read at most this many pages of the audit log (newest first); the review says when older "
                     "logins were left unread")
        ->type_name("N")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    command->footer(
        "Changes nothing; works with any user's token (a non-superuser may see less). Per user: role, IAM roles\n"
        "(direct and through groups), groups, services, 2FA, locked, created, last login, tokens. Per account:\n"
        "superusers and who of them lacks 2FA, pending and expired invitations, users in no group, custom roles\n"
        "nobody holds. Exit status: 0 the review was written, 1 error.");
    return *command;
}

int run_review(const GlobalOptions& global, const ReviewOptions& options, std::ostream& out, std::ostream& err) {
    // The files first: invalid files never reach the network.
    std::optional<config::DesiredState> desired;
    if (!options.files.empty()) {
        desired = config::load_desired(options.files);
    }
    const bool progress = isatty(STDERR_FILENO) == 1;
    const auto show = [&](const std::string& what) {
        if (progress) {
            err << "\r\033[K" << what << std::flush;
        }
    };
    Session session(global);
    show("reading the account...");
    const model::LiveAccount live = live::fetch_account(session.api(), session.concurrency());
    if (desired) {
        refuse_foreign_customer(*desired, live);
    }
    const std::int64_t now = now_epoch(global);
    std::vector<std::string> notes;
    std::map<std::string, std::string> logins;
    const std::string since = util::format_utc(now - static_cast<std::int64_t>(options.login_days) * 24 * 60 * 60);
    bool logins_read = true;
    std::string logins_from;  // set when the read stopped at its bound
    try {
        int pages = 0;
        std::set<std::string> missing;  // the users no login has been seen for yet
        for (const auto& user : live.state.users) {
            missing.insert(user.id);
        }
        // Newest first: once every user has a login, older pages cannot change anyone's latest. That holds only
        // if the answer really is newest first, which each page is checked for.
        bool newest_first = true;
        std::string previous;
        const auto read = session.api().list_events(
            live.customer.id, "user.login", since, options.max_event_pages,
            [&](const std::vector<model::Event>& events) {
                show(fmt::format("reading logins: page {}", ++pages));
                for (const auto& event : events) {
                    newest_first = newest_first && (previous.empty() || event.created_at <= previous);
                    previous = event.created_at;
                    if (event.type == "user.login") {
                        missing.erase(event.user_id);
                    }
                }
                review::note_logins(events, logins);
                return !(newest_first && missing.empty());
            });
        if (!newest_first) {
            notes.push_back(
                "the audit log did not answer newest first, so it was read to its end or its page "
                "bound; a last login shown is the latest among the pages read");
        }
        if (!read.complete && !missing.empty()) {
            logins_from = read.oldest.empty() ? since : read.oldest;
            notes.push_back(fmt::format(
                "logins were read back to {} only ({} pages of the audit log, --max-event-pages): the {} without "
                "a login shown may have logged in before that",
                read.oldest.empty() ? since : read.oldest, options.max_event_pages,
                util::plural(missing.size(), "user", "users")));
        }
    } catch (const util::Error& e) {
        logins_read = false;
        notes.push_back(
            fmt::format("the audit log (GET /events) could not be read, so last logins are unknown: {}", e.what()));
    }
    show("");
    review::Report report = review::build(live, logins, desired ? &desired->state : nullptr, now);
    report.login_days = options.login_days;
    report.logins_read = logins_read;
    report.logins_from = logins_from;
    report.notes.insert(report.notes.begin(), notes.begin(), notes.end());
    const review::Format format = options.format == "json"       ? review::Format::json
                                  : options.format == "markdown" ? review::Format::markdown
                                  : options.format == "csv"      ? review::Format::csv
                                                                 : review::Format::text;
    if (options.out.empty()) {
        review::render(report, format, out);
        return exit_ok;
    }
    std::ostringstream text;
    review::render(report, format, text);
    util::write_file_atomically(options.out, text.str());
    err << fmt::format("wrote the review of {} users and {} invitations to {}\n", report.people.size(),
                       report.invitations.size(), util::escape_disguising(options.out));
    return exit_ok;
}

}  // namespace fastly_accounts::cli
