#include <CLI/CLI.hpp>
#include <ctime>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/live/fetch.hpp>
#include <map>

namespace fastly_accounts::cli {

Planned make_plan(Session& session, const std::vector<std::string>& files, plan::DiffOptions options) {
    Planned planned{config::load_desired(files), {}, {}};
    planned.live = live::fetch_account(session.api(), session.concurrency());
    session.log_summary();
    options.now_epoch = static_cast<std::int64_t>(std::time(nullptr));
    planned.plan = plan::diff(planned.desired.state, planned.live, options);
    return planned;
}

void add_format_option(CLI::App& command, Format& format) {
    const std::map<std::string, Format> names = {
        {"text", Format::text}, {"json", Format::json}, {"markdown", Format::markdown}};
    command.add_option("--format", format, "Output: text (people), json (machines), markdown (pull-request comment)")
        ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
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
