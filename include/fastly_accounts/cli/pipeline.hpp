#pragma once

#include <cstdint>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/session.hpp>
#include <fastly_accounts/config/desired.hpp>
#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/render/render.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace fastly_accounts::cli {

/// What plan, drift and apply all start from: the files, the live account, and the diff of the two.
struct Planned {
    config::DesiredState desired;
    model::LiveAccount live;
    plan::Plan plan;
};

/// Loads the files (before any request: invalid files never reach the network), reads the live
/// account, and diffs them at `options.now_epoch`. Throws config::ConfigError, live::ApiError or plan::PlanError.
Planned make_plan(Session& session, const std::vector<std::string>& files, plan::DiffOptions options);

/// Adds `--since DAYS` (default in the options, 1-3650): how far back the audit log is read for authors.
void add_since_option(CLI::App& command, int& days);

/// Puts on each change of `planned.plan` that the audit log covers the latest event about its object
/// within `days` before `now` (plan::attribute_authors), reading the events only when such changes exist,
/// and adds a note where authors cannot be shown (user groups, service groups and roles; an audit log
/// that cannot be read). Never throws for what it reads: a failure is a note.
void add_authors(Session& session, Planned& planned, int days, std::int64_t now);

/// The files of `desired` with their digests, as a saved plan records them.
std::vector<plan::SavedFile> saved_files(const config::DesiredState& desired);

/// Refuses (util::Refusal, exit 4) files whose customer_id is not the token's customer, before any plan
/// is made or shown: a plan for another account (its owner's deletion included) is never printed.
void refuse_foreign_customer(const config::DesiredState& desired, const model::LiveAccount& live);

/// Adds the required, repeatable `-f,--file PATH` to `command`.
void add_files_option(CLI::App& command, std::vector<std::string>& files);

/// Adds `--allow-deletions N` and `--allow-removals N` to `command`.
void add_guard_options(CLI::App& command, GuardOverrides& guards);

/// The diff options the overrides set.
plan::DiffOptions diff_options(const GuardOverrides& guards);

/// Adds `--format` to `command`.
void add_format_option(CLI::App& command, Format& format);

/// Adds `--max-markdown-chars N` and `--full-plan-url URL` to `command`.
void add_markdown_options(CLI::App& command, MarkdownBound& bound);

/// Renders `plan` in `format` to `out`.
void render_plan(const plan::Plan& plan, Format format, const render::Options& options, std::ostream& out);

}  // namespace fastly_accounts::cli
