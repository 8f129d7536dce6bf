#pragma once

// Private to the Markdown renderer: a comment as blocks that can be cut, and the rule that cuts them to
// fit a bound (render::markdown's contract says what is kept).

#include <cstddef>
#include <fastly_accounts/render/render.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::render::detail {

/// One entry of a section: an object's change (all its stages), an unmanaged object, a note, a mark.
struct Entry {
    std::string text;  ///< its Markdown, ending in a newline
    int rank = 2;      ///< the order kept when cutting: 0 sensitive, 1 a deletion, 2 the rest
    std::string tag;   ///< what it counts as when left out ("create", "delete"); empty: not broken down
    std::string line;  ///< a sensitive mark's entry: all of it on one line, Markdown, no bullet, no newline
};

/// What a block is to the cutting rule.
enum class Role {
    fixed,    ///< never cut: the title, refusals, guards, summary table, warnings
    marks,    ///< the sensitive marks: cut only when nothing else is left to cut
    section,  ///< a collapsible section: its entries are cut, its head and tail stay
};

/// One block of the comment; blocks are separated by one blank line. A fixed block is its head alone.
struct Block {
    Role role = Role::fixed;
    std::string head;
    std::vector<Entry> entries;
    std::string tail;
    std::string one;     ///< what an entry is, for the lines that count what was left out: "change"
    std::string many;    ///< and in the plural: "changes"
    std::string bullet;  ///< how such a line starts: "- " in a section, "> - " in a quoted box
};

/// What the cut comment says about itself.
struct FitContext {
    std::size_t max_chars = 0;
    Mode mode = Mode::plan;
    std::string full_plan_url;
    /// One line of Markdown with the plan's essentials (its counts, sensitive changes, refusal), for the
    /// last resort that can show nothing else.
    std::string digest;
};

/// The blocks as one comment: whole when it fits `context.max_chars` (or that is 0), else cut as
/// render::markdown says. Never longer than max_chars (comment_length).
std::string fit(const std::vector<Block>& blocks, const FitContext& context);

}  // namespace fastly_accounts::render::detail
