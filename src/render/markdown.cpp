#include <fmt/format.h>

#include <fastly_accounts/render/render.hpp>
#include <string>
#include <string_view>

#include "common.hpp"
#include "markdown_fit.hpp"
#include "origins.hpp"

namespace fastly_accounts::render {

namespace {

using detail::Block;
using detail::Entry;
using detail::Role;
using plan::Action;
using plan::Change;

// Characters that mean something to GitHub Flavored Markdown wherever they stand in a line: emphasis,
// code, links and images, raw HTML, table cells, strikethrough, entities, math. A name from the files
// is shown as written, never as markup. (Line-start markers such as `#` or `-` cannot occur: user text
// never starts a line here.)
constexpr std::string_view significant = "\\`*_[]<>|~&$";

/// `text` as literal Markdown text: control characters made visible, significant characters escaped.
std::string escaped(std::string_view text) {
    std::string out;
    for (char c : detail::visible(text)) {
        if (significant.find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

/// `text` as an inline code span. Inside one nothing is markup and GitHub makes no links or
/// @-mentions, which suits logins, emails, names and IDs. The fence is one backtick longer than any
/// run of backticks inside; a space pads content that starts or ends with a backtick or space,
/// since the parser strips exactly one from each side. Not for table cells (`|` would end the cell).
std::string code(std::string_view text) {
    const std::string content = detail::visible(text);
    if (content.empty()) {
        return "*empty*";
    }
    std::size_t longest = 0;
    std::size_t run = 0;
    for (char c : content) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(longest + 1, '`');
    const bool all_spaces = content.find_first_not_of(' ') == std::string::npos;
    const bool pad = !all_spaces && (content.front() == '`' || content.back() == '`' || content.front() == ' ' ||
                                     content.back() == ' ');
    const std::string_view space = pad ? " " : "";
    return fmt::format("{}{}{}{}{}", fence, space, content, space, fence);
}

std::string codes(const std::vector<std::string>& entries) {
    std::string out;
    for (const auto& entry : entries) {
        out += (out.empty() ? "" : ", ") + code(entry);
    }
    return out;
}

std::string value(const plan::Value& v) {
    struct Visitor {
        std::string operator()(std::monostate) const { return "*not set*"; }
        std::string operator()(bool b) const { return b ? "`true`" : "`false`"; }
        std::string operator()(const std::string& s) const { return code(s); }
        std::string operator()(const std::vector<std::string>& list) const {
            return list.empty() ? "*none*" : "\\[" + codes(list) + "\\]";
        }
    };
    return std::visit(Visitor{}, v);
}

/// Who made a change (plan::describe), each login, IP, token name and ID a code span: none can become a
/// link, an @-mention or markup.
std::string author_line(const plan::Author& author) {
    return plan::describe(author, [](plan::AuthorPart, std::string_view text) { return code(text); });
}

class MarkdownWriter {
public:
    MarkdownWriter(const plan::Plan& plan, std::ostream& out, const Options& options)
        : m_plan(plan), m_out(out), m_mode(options.mode), m_options(options) {}

    void write() {
        const std::string_view what = m_mode == Mode::plan ? "plan" : "drift";
        // The hidden marker lets a CI job find its earlier comment and edit it instead of adding one.
        block(fmt::format("<!-- fastly-accounts {} -->\n### fastly-accounts {}\n", what, what));
        refusals();
        if (m_plan.has_changes()) {
            guards();
            summary_table();
            changes();
        } else {
            block(detail::nothing_to_do(m_plan, m_mode) + "\n");
            if (m_mode == Mode::plan) {
                sensitive_box();
                adopted();
            }
        }
        unmanaged();
        notes();
        m_out << detail::fit(m_blocks, {m_options.max_chars, m_mode, m_options.full_plan_url, digest()});
    }

private:
    // Appends one block of Markdown (ending in a newline) that is never cut; blocks are separated by a
    // blank line.
    void block(const std::string& text) { m_blocks.push_back({Role::fixed, text, {}, "", "", "", ""}); }

    // Appends a collapsible section: `head`, then `entries`, then its end. Cut first when the comment is
    // too long.
    void section_block(std::string head, std::vector<Entry> entries, const char* one, const char* many) {
        m_blocks.push_back({Role::section, std::move(head), std::move(entries), "\n</details>\n", one, many, "- "});
    }

    // The plan in one line, for a comment that can hold nothing else.
    std::string digest() const {
        const plan::Summary& s = m_plan.summary;
        std::string out = "**" + detail::counts(s, m_mode) + "**";
        if (s.sensitive > 0) {
            out += "; **" + util::plural(s.sensitive, "sensitive change", "sensitive changes") + "**";
        }
        if (const std::size_t kept = detail::sensitive_adopted(m_plan); kept > 0) {
            out += "; **" + util::plural(kept, "kept hand edit", "kept hand edits") + " to look at**";
        }
        if (m_plan.refused()) {
            out += "; **refused** by " + codes(detail::tripped_names(m_plan));
        }
        return out;
    }

    void refusals() {
        if (!m_plan.refused()) {
            return;
        }
        std::string text = "> [!CAUTION]\n";
        text += m_mode == Mode::plan ? "> **Refused: this plan will not be applied.**\n"
                                     : "> **Refused: apply would refuse the files as they stand.**\n";
        text += ">\n";
        for (const auto& guard : m_plan.guards) {
            if (guard.tripped) {
                text += "> - " + code(guard.name) + ": " + escaped(guard.message) + "\n";
            }
        }
        block(text);
    }

    // The guards that passed, one short line each; the tripped ones are in the warning above.
    void guards() {
        std::string lines;
        for (const auto& guard : m_plan.guards) {
            if (!guard.tripped) {
                lines += fmt::format("- ✅ {}: {}\n", code(guard.name), escaped(guard.message));
            }
        }
        if (!lines.empty()) {
            block("**Safety guards**\n\n" + lines);
        }
    }

    void summary_table() {
        const plan::Summary& s = m_plan.summary;
        std::string text = m_mode == Mode::plan
                               ? "| Create | Update | Delete | Replace | Write requests |\n"
                               : "| Missing from the account | Changed | Not in the files | To re-create | "
                                 "Write requests to fix |\n";
        text += "| ---: | ---: | ---: | ---: | :--- |\n";
        const std::string cost = fmt::format("{}{}{} {}", s.write_requests, detail::bulk_part(s),
                                             s.writes_remaining ? ";" : "", detail::write_budget(s));
        text += fmt::format("| {} | {} | {} | {} | {} |\n", s.create, s.update, s.remove, s.replace, cost);
        block(text);
        if (const std::string warning = detail::rate_warning(s); !warning.empty()) {
            block("> [!WARNING]\n> " + warning + "\n");
        }
        sensitive_box();
    }

    // The box of sensitive marks: the changes', then those of the drift the files keep (plan --base), one entry
    // per change; shortened, a change's marks become one line of their own.
    void sensitive_box() {
        std::vector<Entry> lines;
        for (const auto* changes : {&m_plan.changes, &m_plan.adopted}) {
            for (const auto& change : *changes) {
                if (change.sensitive.empty()) {
                    continue;
                }
                Entry entry{"", 0, "",
                            "⚠️ " + escaped(detail::sensitive_line(change, util::join(change.sensitive, "; ")))};
                for (const auto& mark : change.sensitive) {
                    entry.text += "> - ⚠️ " + escaped(detail::sensitive_line(change, mark)) + "\n";
                }
                lines.push_back(std::move(entry));
            }
        }
        if (!lines.empty()) {
            const std::size_t count = lines.size();
            m_blocks.push_back({Role::marks,
                                fmt::format("> [!WARNING]\n> **{} a careful look**\n>\n",
                                            util::plural(count, "change needs", "changes need")),
                                std::move(lines), "", "sensitive mark", "sensitive marks", "> - "});
        }
    }

    void changes() {
        if (m_mode != Mode::plan || !m_plan.with_base) {
            sections(detail::by_kind(m_plan));
            return;
        }
        // With base files: this change first, then the drift the plan undoes, then the drift the files keep.
        for (plan::Origin origin : {plan::Origin::change, plan::Origin::drift}) {
            std::vector<const Change*> mine;
            for (const Change* change : detail::by_kind(m_plan)) {
                if (change->origin == origin) {
                    mine.push_back(change);
                }
            }
            const std::size_t objects = detail::objects_of(m_plan, origin);
            std::string head = fmt::format("#### {}: {}\n", detail::origin_title(origin),
                                           util::plural(objects, "object", "objects"));
            if (objects == 0) {
                head += "\nNone.\n";
            } else if (origin == plan::Origin::drift) {
                head += "\n" + escaped(detail::drift_explained) + "\n";
            }
            block(head);
            sections(mine);
        }
        adopted();
    }

    // The drift the files of this change keep (plan --base), as the base files would have undone it.
    void adopted() {
        if (m_mode == Mode::plan && !m_plan.adopted.empty()) {
            std::vector<Entry> entries;
            for (const auto& change : m_plan.adopted) {
                std::string text = fmt::format("- {} {}\n", detail::singular(change.kind), code(change.key));
                for (const auto& mark : change.sensitive) {
                    text += "  - ⚠️ **" + escaped(mark) + "**\n";
                }
                for (const auto& line : detail::adopted_lines(m_plan, change)) {
                    text += "  - " + escaped(line) + "\n";
                }
                if (change.author) {
                    text += "  - " + author_line(*change.author) + "\n";
                }
                // A kept access the base files would take away is never cut from its section.
                entries.push_back({std::move(text), change.sensitive.empty() ? 2 : 0, "", ""});
            }
            section_block(fmt::format("<details open><summary><b>{}</b>: {}</summary>\n\n{}\n\n", detail::adopted_title,
                                      util::plural(m_plan.adopted.size(), "change", "changes"),
                                      escaped(detail::adopted_explained)),
                          std::move(entries), "change", "changes");
        }
    }

    // The changes of `ordered` (grouped by kind), a section per kind.
    void sections(const std::vector<const Change*>& ordered) {
        std::size_t begin = 0;
        while (begin < ordered.size()) {
            std::size_t end = begin;
            while (end < ordered.size() && ordered[end]->kind == ordered[begin]->kind) {
                ++end;
            }
            section(std::vector<const Change*>(ordered.begin() + static_cast<std::ptrdiff_t>(begin),
                                               ordered.begin() + static_cast<std::ptrdiff_t>(end)));
            begin = end;
        }
    }

    // One kind's changes, collapsed; open when it deletes something, so no deletion is folded away.
    void section(const std::vector<const Change*>& changes) {
        // Counted by object: a group changed in two stages is one change.
        std::size_t per_action[4] = {0, 0, 0, 0};
        std::size_t objects = 0;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (i == 0 || !detail::same_object(*changes[i], *changes[i - 1])) {
                ++per_action[static_cast<int>(changes[i]->action)];
                ++objects;
            }
        }
        std::string breakdown;
        for (Action action : {Action::create, Action::update, Action::remove, Action::replace}) {
            if (const std::size_t n = per_action[static_cast<int>(action)]; n > 0) {
                breakdown += fmt::format("{}{} {}", breakdown.empty() ? "" : ", ", n,
                                         detail::action_word(action, m_mode));
            }
        }
        // Open when it deletes something or holds a sensitive change: neither is ever folded away.
        const bool open = per_action[static_cast<int>(Action::remove)] > 0 ||
                          std::any_of(changes.begin(), changes.end(),
                                      [](const Change* c) { return !c->sensitive.empty(); });
        std::string head = fmt::format("<details{}><summary><b>{}</b>: {} ({})</summary>\n\n", open ? " open" : "",
                                       detail::title(changes.front()->kind),
                                       m_mode == Mode::plan ? util::plural(objects, "change", "changes")
                                                            : util::plural(objects, "difference", "differences"),
                                       breakdown);
        // One entry per object: a cut keeps or leaves out the whole of it. Sensitive ones are never cut;
        // deletions are kept before the rest.
        std::vector<Entry> entries;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (i > 0 && detail::same_object(*changes[i], *changes[i - 1])) {
                // One object, one item: its later changes (a group's removals) follow, with their stage.
                if (m_mode == Mode::plan) {
                    entries.back().text += fmt::format("  - *then in stage {} ({}):*\n",
                                                       static_cast<int>(changes[i]->stage),
                                                       plan::describe(changes[i]->stage));
                }
                entries.back().text += body(*changes[i]);
            } else {
                const int rank = changes[i]->action == Action::remove ? 1 : 2;
                entries.push_back(
                    {item(*changes[i]), rank, std::string(detail::action_word(changes[i]->action, m_mode)), ""});
            }
            if (!changes[i]->sensitive.empty()) {
                entries.back().rank = 0;
            }
        }
        const bool plan = m_mode == Mode::plan;
        section_block(std::move(head), std::move(entries), plan ? "change" : "difference",
                      plan ? "changes" : "differences");
    }

    std::string item(const Change& change) const {
        return fmt::format("- **{}** {}\n", detail::action_word(change.action, m_mode), code(change.key)) +
               body(change);
    }

    // A change's sub-items: marks, fields, lists, note.
    std::string body(const Change& change) const {
        std::string text;
        for (const auto& mark : change.sensitive) {
            text += "  - ⚠️ **" + escaped(mark) + "**\n";
        }
        const bool fresh = change.action == Action::create || change.action == Action::replace;
        const bool drift = m_mode == Mode::drift;
        auto list_lines = [&](const plan::ListChange& list) {
            if (!list.add.empty()) {
                text += fmt::format("  - {}: {} {}\n", code(plan::to_string(list.field)), drift ? "missing" : "add",
                                    codes(list.add));
            }
            if (!list.remove.empty()) {
                text += fmt::format("  - {}: {} {}\n", code(plan::to_string(list.field)), drift ? "extra" : "remove",
                                    codes(list.remove));
            }
        };
        for (const auto& field : change.fields) {
            if (fresh && std::holds_alternative<std::monostate>(field.from)) {
                text += fmt::format("  - {}: {}\n", code(plan::to_string(field.field)), value(field.to));
            } else if (auto delta = detail::list_delta(field)) {
                list_lines(*delta);
            } else if (field.from == field.to) {
                text += fmt::format("  - {}: {} (kept)\n", code(plan::to_string(field.field)), value(field.to));
            } else {
                text += fmt::format("  - {}: {} → {}\n", code(plan::to_string(field.field)), value(field.from),
                                    value(field.to));
            }
        }
        for (const auto& list : change.lists) {
            list_lines(detail::labelled(m_plan, list));
        }
        if (!change.note.empty()) {
            text += "  - note: " + escaped(change.note) + "\n";
        }
        if (!change.also_drift.empty()) {
            text += "  - " + escaped(detail::also_drift_line(change)) + "\n";
        }
        if (change.author) {
            text += "  - " + author_line(*change.author) + "\n";
        }
        return text;
    }

    void unmanaged() {
        if (m_plan.unmanaged.empty()) {
            return;
        }
        std::string head = fmt::format(
            "<details><summary><b>Unmanaged</b>: {}</summary>\n\n",
            util::plural(m_plan.unmanaged.size(), "object left alone", "objects left alone"));
        head += fmt::format(
            "Not in the files, and `policy.prune` is off for their kind, so they are {}. Set it to delete "
            "them, "
            "or list them under `ignore:` to stop reporting them.\n\n",
            m_mode == Mode::plan ? "left alone" : "not drift");
        std::vector<Entry> entries;
        for (const auto& object : m_plan.unmanaged) {
            entries.push_back({fmt::format("- {} {}\n", detail::singular(object.kind), code(object.key)), 2, "", ""});
        }
        section_block(std::move(head), std::move(entries), "unmanaged object", "unmanaged objects");
    }

    void notes() {
        if (m_plan.notes.empty()) {
            return;
        }
        std::vector<Entry> entries;
        for (const auto& note : m_plan.notes) {
            entries.push_back({"- " + escaped(note) + "\n", 2, "", ""});
        }
        section_block(fmt::format("<details><summary><b>Notes</b>: {}</summary>\n\n",
                                  util::plural(m_plan.notes.size(), "note", "notes")),
                      std::move(entries), "note", "notes");
    }

    const plan::Plan& m_plan;
    std::ostream& m_out;
    Mode m_mode;
    const Options& m_options;
    std::vector<Block> m_blocks;  ///< the comment, whole; detail::fit cuts it to the bound
};

}  // namespace

void markdown(const plan::Plan& plan, std::ostream& out, const Options& options) {
    MarkdownWriter(plan, out, options).write();
}

}  // namespace fastly_accounts::render
