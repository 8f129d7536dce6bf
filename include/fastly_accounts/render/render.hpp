#pragma once

#include <cstddef>
#include <fastly_accounts/plan/plan.hpp>
#include <ostream>
#include <string>
#include <string_view>

/// Renderings of a plan: for people in a terminal or CI log (text), for machines (json), for a
/// pull-request comment (markdown). All start from the same Plan and write to a stream; none does I/O
/// of its own or reads the clock.
namespace fastly_accounts::render {

/// What the plan is shown as: changes to make (`plan`), or departures found (`drift`).
enum class Mode { plan, drift };

/// GitHub's limit on a comment's body, in characters.
inline constexpr std::size_t github_comment_limit = 65536;

struct Options {
    Options() = default;
    /// As most callers set it: the mode and the colours; the markdown bound is off.
    Options(Mode mode_, bool color_) : mode(mode_), color(color_) {}

    Mode mode = Mode::plan;
    bool color = false;  ///< ANSI colours (text only)
    /// Markdown only: the most characters (as comment_length counts them) the rendering may hold; 0 for
    /// no bound. A rendering over it is shortened (see markdown()).
    std::size_t max_chars = 0;
    /// Markdown only: where the full plan can be read (a CI job's saved plan), linked when the rendering is
    /// shortened. Empty: the command that prints it whole is named instead.
    std::string full_plan_url;
};

/// The length of the UTF-8 `text` as a bound on a GitHub comment is counted here: in UTF-16 code units,
/// so a character beyond U+FFFF (most emoji) counts two. That is never fewer than its code points, so the
/// bound holds whether GitHub counts the one or the other. A byte that is not UTF-8 counts one.
std::size_t comment_length(std::string_view text);

/// Grouped by stage (by kind for drift), `+ ~ - ±` per change with field-level `from → to` and list
/// additions/removals, the guards that tripped first, unmanaged objects and notes after, and a closing
/// summary line. A legend of the symbols the plan uses heads its changes; a plan without changes has none.
void text(const plan::Plan& plan, std::ostream& out, const Options& options);

/// One JSON document with keys in a stable order: `mode`, then plan::to_json's `summary`, `customer_id`,
/// `guards`, `changes` (stage, action, kind, key, id, fields, lists, requests, note, sensitive, expect),
/// `unmanaged`, `notes`, `service_names`. Byte for byte the same for the same plan.
void json(const plan::Plan& plan, std::ostream& out, const Options& options);

/// A pull-request comment: guards at the top, a summary table, then the changes grouped by kind in
/// collapsible sections.
///
/// When the whole rendering is longer than `options.max_chars`, it is shortened to at most that many
/// characters less a margin of 1/64 (1,024 at GitHub's limit) for what a CI job adds around it. Kept:
/// the title, refusals, guards, the summary table, warnings, every sensitive mark and every section's
/// heading with its counts. Inside the sections, sensitive changes come first, then deletions, then the
/// rest; the largest sections are cut first (each keeps at most the same share, so smaller ones stay
/// whole), each cut ending in a line that counts what it left out. A note before the sections and a
/// line at the end point to the full plan (options.full_plan_url, or the command that prints it). Each
/// step until one fits: the sections cut beside their sensitive changes; those cut too (their marks stay
/// in the box above); the marks one line per change, shortened; as many of those lines as fit, under a
/// caution at the top; the title and a caution with the counts alone. The result is never longer than
/// `options.max_chars`, whatever the names in the plan.
void markdown(const plan::Plan& plan, std::ostream& out, const Options& options);

}  // namespace fastly_accounts::render
