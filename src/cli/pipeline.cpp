#include <CLI/CLI.hpp>
#include <ctime>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/live/fetch.hpp>

namespace fastly_accounts::cli {

Planned make_plan(Session& session, const std::vector<std::string>& files, plan::DiffOptions options) {
    Planned planned{config::load_desired(files), {}, {}};
    planned.live = live::fetch_account(session.api(), session.concurrency());
    session.log_summary();
    options.now_epoch = static_cast<std::int64_t>(std::time(nullptr));
    // The account's own figure, when an answer stated it (Fastly sends it only with writes); otherwise the
    // plan says that Fastly's default limit is assumed.
    options.writes_remaining = session.stats().ratelimit_remaining;
    planned.plan = plan::diff(planned.desired.state, planned.live, options);
    return planned;
}

void add_files_option(CLI::App& command, std::vector<std::string>& files) {
    command.add_option("-f,--file", files,
                       "A desired-state file, or a directory: its *.yaml/*.yml files (any case), sorted. Hidden "
                       "entries, *.md and *.txt are passed over; anything else in it (a subdirectory not named "
                       "with its own -f, another file) is an error. Repeat for more.")
        ->required()
        ->type_name("PATH");
}

void add_format_option(CLI::App& command, Format& format) {
    command
        .add_option_function<std::string>(
            "--format",
            [&format](const std::string& name) {
                format = name == "json" ? Format::json : name == "markdown" ? Format::markdown : Format::text;
            },
            "Output: text (people), json (machines), markdown (pull-request comment)")
        ->check(CLI::IsMember({"text", "json", "markdown"}))
        ->type_name("FORMAT")
        ->default_str("text");
}

void render_plan(const plan::Plan& plan, Format format, const render::Options& options, std::ostream& out) {
    switch (format) {
        case Format::text: render::text(plan, out, options); break;
        case Format::json: render::json(plan, out, options); break;
        case Format::markdown: render::markdown(plan, out, options); break;
    }
}

}  // namespace fastly_accounts::cli
