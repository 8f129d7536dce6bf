#include <fmt/format.h>

#include <algorithm>
#include <fastly_accounts/render/render.hpp>
#include <set>
#include <string>
#include <string_view>

#include "common.hpp"
#include "origins.hpp"

namespace fastly_accounts::render {

namespace {

using plan::Action;
using plan::Change;

// Lines longer than this are unfolded, one entry per line: CI log viewers do not wrap well, and a
// reviewer scans a column of logins faster than a 2,000-character line.
constexpr std::size_t wrap_width = 100;

constexpr std::string_view change_indent = "  ";
constexpr std::string_view detail_indent = "      ";
constexpr std::string_view entry_indent = "        ";

// ANSI SGR codes.
constexpr std::string_view bold = "1";
constexpr std::string_view red = "31";
constexpr std::string_view green = "32";
constexpr std::string_view yellow = "33";
constexpr std::string_view magenta = "35";
constexpr std::string_view bold_red = "1;31";

std::string_view symbol(Action action) {
    switch (action) {
        case Action::create:
            return "+";
        case Action::update:
            return "~";
        case Action::remove:
            return "-";
        case Action::replace:
            return "±";
    }
    return "?";
}

std::string_view colour_of(Action action) {
    switch (action) {
        case Action::create:
            return green;
        case Action::update:
            return yellow;
        case Action::remove:
            return red;
        case Action::replace:
            return magenta;
    }
    return bold;
}

std::string quoted_key(const std::string& key) {
    return "'" + detail::visible(key) + "'";
}

// A value as plan::display shows it, made safe for a terminal; an empty list is "(none)", as Markdown's
// *none*.
std::string shown(const plan::Value& value) {
    if (const auto* list = std::get_if<std::vector<std::string>>(&value); list != nullptr && list->empty()) {
        return "(none)";
    }
    return detail::visible(plan::display(value));
}

std::string joined(const std::vector<std::string>& entries) {
    std::string out;
    for (const auto& entry : entries) {
        out += (out.empty() ? "" : ", ") + detail::visible(entry);
    }
    return out;
}

class TextWriter {
public:
    TextWriter(const plan::Plan& plan, std::ostream& out, const Options& options)
        : m_plan(plan), m_out(out), m_mode(options.mode), m_color(options.color) {}

    void write() {
        refusals();
        if (m_plan.has_changes()) {
            legend();
            if (m_mode == Mode::plan && m_plan.with_base) {
                by_origin();
            } else if (m_mode == Mode::plan) {
                by_stage();
            } else {
                by_kind();
            }
        } else if (m_mode == Mode::plan && m_plan.with_base) {
            adopted();
        }
        unmanaged();
        notes();
        guard_status();
        closing();
    }

private:
    // `text` in the SGR style `code`, or unchanged without colour.
    std::string paint(std::string_view code, std::string_view text) const {
        return m_color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
    }

    void refusals() {
        if (!m_plan.refused()) {
            return;
        }
        m_out << paint(bold_red, m_mode == Mode::plan ? "Refused: this plan will not be applied."
                                                      : "Refused: apply would refuse the files as they stand.")
              << '\n';
        for (const auto& guard : m_plan.guards) {
            if (guard.tripped) {
                m_out << change_indent << paint(bold, detail::visible(guard.name) + ":") << ' '
                      << detail::visible(guard.message) << '\n';
            }
        }
        m_out << '\n';
    }

    // What the symbols below mean, only those the plan uses; in a drift report they say what departs, not
    // what apply would do. `!` is explained when a change carries a sensitive mark.
    void legend() {
        std::string line;
        for (Action action : {Action::create, Action::update, Action::remove, Action::replace}) {
            if (std::none_of(m_plan.changes.begin(), m_plan.changes.end(),
                             [action](const Change& c) { return c.action == action; })) {
                continue;
            }
            line += (line.empty() ? "" : "   ") + paint(colour_of(action), symbol(action)) + " " +
                    std::string(detail::action_word(action, m_mode));
        }
        if (std::any_of(m_plan.changes.begin(), m_plan.changes.end(),
                        [](const Change& c) { return !c.sensitive.empty(); })) {
            line += "   " + paint(bold_red, "!") + " look closely";
        }
        m_out << line << "\n\n";
    }

    // With base files: what this change does first, then the drift the plan undoes, then the drift the files
    // now keep, each headed by its count of objects.
    void by_origin() {
        for (plan::Origin origin : {plan::Origin::change, plan::Origin::drift}) {
            const std::size_t objects = detail::objects_of(m_plan, origin);
            m_out << paint(bold, fmt::format("{}: {}", detail::origin_title(origin),
                                             util::plural(objects, "object", "objects")))
                  << '\n';
            if (objects == 0) {
                m_out << change_indent << "none\n\n";
                continue;
            }
            if (origin == plan::Origin::drift) {
                m_out << change_indent << detail::drift_explained << "\n\n";
            }
            by_stage(origin);
        }
        adopted();
    }

    // The drift the files of this change keep, as the base files would have undone it.
    void adopted() {
        if (!m_plan.adopted.empty()) {
            m_out << paint(bold, fmt::format("{}: {}", detail::adopted_title,
                                             util::plural(m_plan.adopted.size(), "change", "changes")))
                  << '\n'
                  << change_indent << detail::adopted_explained << "\n";
            for (const auto& change : m_plan.adopted) {
                m_out << change_indent << "= " << detail::singular(change.kind) << ' ' << quoted_key(change.key)
                      << '\n';
                for (const auto& mark : change.sensitive) {
                    m_out << detail_indent << paint(bold_red, "! " + detail::visible(mark)) << '\n';
                }
                for (const auto& line : detail::adopted_lines(m_plan, change)) {
                    m_out << detail_indent << detail::visible(line) << '\n';
                }
                if (change.author) {
                    m_out << detail_indent << detail::visible(plan::describe(*change.author)) << '\n';
                }
            }
            m_out << '\n';
        }
    }

    // Each object under the stage of its first change, with its later changes (a group's removals in
    // stage 4) right below, saying the stage they run in: one object's edits read as one edit. With an
    // origin, only the objects of that origin.
    void by_stage(std::optional<plan::Origin> only = std::nullopt) {
        const auto parts = detail::parts_by_object(m_plan);
        std::set<const Change*> written;
        for (int number = 1; number <= plan::stage_count; ++number) {
            const auto stage = static_cast<plan::Stage>(number);
            bool heading = false;
            for (const auto& change : m_plan.changes) {
                if (change.stage != stage || written.count(&change) > 0 || (only && change.origin != *only)) {
                    continue;
                }
                if (!heading) {
                    m_out << paint(bold, fmt::format("Stage {}: {}", number, plan::describe(stage))) << '\n';
                    heading = true;
                }
                const auto& object = parts.at(&change);
                write_change(*object.front());
                for (std::size_t i = 1; i < object.size(); ++i) {
                    m_out << detail_indent
                          << fmt::format("then in stage {} ({}):", static_cast<int>(object[i]->stage),
                                         plan::describe(object[i]->stage))
                          << '\n';
                    write_body(*object[i]);
                }
                written.insert(object.begin(), object.end());
            }
            if (heading) {
                m_out << '\n';
            }
        }
    }

    // Drift is about what departs, kind by kind; the stages only matter to apply, so an object's changes
    // in two stages read as one.
    void by_kind() {
        const auto ordered = detail::by_kind(m_plan);
        for (std::size_t i = 0; i < ordered.size(); ++i) {
            if (i == 0 || ordered[i]->kind != ordered[i - 1]->kind) {
                m_out << paint(bold, detail::title(ordered[i]->kind)) << '\n';
            }
            if (i > 0 && detail::same_object(*ordered[i], *ordered[i - 1])) {
                write_body(*ordered[i]);
            } else {
                write_change(*ordered[i]);
            }
            if (i + 1 == ordered.size() || ordered[i + 1]->kind != ordered[i]->kind) {
                m_out << '\n';
            }
        }
    }

    void write_change(const Change& change) {
        m_out << change_indent
              << paint(colour_of(change.action), fmt::format("{} {} {}", symbol(change.action),
                                                             detail::singular(change.kind), quoted_key(change.key)))
              << '\n';
        write_body(change);
    }

    // A change's lines below its heading: marks, fields, lists, note.
    void write_body(const Change& change) {
        for (const auto& mark : change.sensitive) {
            m_out << detail_indent << paint(bold_red, "! " + detail::visible(mark)) << '\n';
        }
        const bool fresh = change.action == Action::create || change.action == Action::replace;
        for (const auto& field : change.fields) {
            const bool value_only = fresh && std::holds_alternative<std::monostate>(field.from);
            if (auto delta = value_only ? std::nullopt : detail::list_delta(field)) {
                write_list(*delta);
            } else {
                write_field(field, value_only);
            }
        }
        for (const auto& list : change.lists) {
            write_list(detail::labelled(m_plan, list));
        }
        if (!change.note.empty()) {
            m_out << detail_indent << "note: " << detail::visible(change.note) << '\n';
        }
        if (!change.also_drift.empty()) {
            m_out << detail_indent << detail::also_drift_line(change) << '\n';
        }
        if (change.author) {
            m_out << detail_indent << detail::visible(plan::describe(*change.author)) << '\n';
        }
    }

    // `name: value` for a new object, `name: from → to` otherwise; unfolded when too long.
    void write_field(const plan::FieldChange& field, bool value_only) {
        const std::string name = detail::visible(plan::to_string(field.field));
        const bool kept = !value_only && field.from == field.to;  // carried unchanged into a replacement
        value_only = value_only || kept;
        const std::string line = value_only ? fmt::format("{}: {}{}", name, shown(field.to), kept ? " (kept)" : "")
                                            : fmt::format("{}: {} → {}", name, shown(field.from), shown(field.to));
        if (detail_indent.size() + detail::columns(line) <= wrap_width) {
            m_out << detail_indent << line << '\n';
            return;
        }
        m_out << detail_indent << name << ":\n";
        if (value_only) {
            if (const auto* entries = std::get_if<std::vector<std::string>>(&field.to)) {
                for (const auto& entry : *entries) {
                    m_out << entry_indent << detail::visible(entry) << '\n';
                }
            } else {
                m_out << entry_indent << shown(field.to) << '\n';
            }
            return;
        }
        m_out << entry_indent << "from: " << shown(field.from) << '\n';
        m_out << entry_indent << "to:   " << shown(field.to) << '\n';
    }

    // `members: + a, b` and `members: - c`; one entry a line when either would be too long.
    void write_list(const plan::ListChange& list) {
        const std::string name = detail::visible(plan::to_string(list.field));
        const std::string adds = joined(list.add);
        const std::string removes = joined(list.remove);
        const std::size_t longest = detail_indent.size() + detail::columns(name) + 4 +
                                    std::max(detail::columns(adds), detail::columns(removes));
        if (longest <= wrap_width) {
            if (!list.add.empty()) {
                m_out << detail_indent << name << ": " << paint(green, "+ " + adds) << '\n';
            }
            if (!list.remove.empty()) {
                m_out << detail_indent << name << ": " << paint(red, "- " + removes) << '\n';
            }
            return;
        }
        m_out << detail_indent << name << ":\n";
        for (const auto& entry : list.add) {
            m_out << entry_indent << paint(green, "+ " + detail::visible(entry)) << '\n';
        }
        for (const auto& entry : list.remove) {
            m_out << entry_indent << paint(red, "- " + detail::visible(entry)) << '\n';
        }
    }

    void unmanaged() {
        if (m_plan.unmanaged.empty()) {
            return;
        }
        m_out << paint(bold, m_mode == Mode::plan
                                 ? "Unmanaged, left alone (set policy.prune for their kind to delete them):"
                                 : "Not in the files and not pruned, so not drift (policy.prune would delete them):")
              << '\n';
        for (const auto& object : m_plan.unmanaged) {
            m_out << change_indent << detail::singular(object.kind) << ' ' << quoted_key(object.key) << '\n';
        }
        m_out << '\n';
    }

    void notes() {
        if (m_plan.notes.empty()) {
            return;
        }
        m_out << paint(bold, "Notes:") << '\n';
        for (const auto& note : m_plan.notes) {
            m_out << change_indent << detail::visible(note) << '\n';
        }
        m_out << '\n';
    }

    // One short line; the tripped guards' reasons are already at the top. Left out when there is
    // nothing to say: no changes and nothing refused.
    void guard_status() {
        if (m_plan.guards.empty() || (!m_plan.has_changes() && !m_plan.refused())) {
            return;
        }
        std::string refused;
        std::string passed;
        for (const auto& guard : m_plan.guards) {
            std::string& into = guard.tripped ? refused : passed;
            into += (into.empty() ? "" : ", ") + detail::visible(guard.name);
        }
        std::string line = "Guards: ";
        if (!refused.empty()) {
            line += paint(bold_red, "refused by " + refused);
            line += passed.empty() ? "." : "; passed: " + passed + ".";
        } else {
            line += "passed: " + passed + ".";
        }
        m_out << line << '\n';
    }

    void closing() {
        const plan::Summary& summary = m_plan.summary;
        if (!m_plan.has_changes()) {
            m_out << paint(bold, detail::nothing_to_do(m_plan, m_mode)) << '\n';
            return;
        }
        const std::string line = m_mode == Mode::plan
                                     ? fmt::format("Plan: {}; {}.", detail::counts(summary, m_mode),
                                                   detail::write_cost(summary))
                                     : fmt::format("Drift: {}; fixing it takes {}.", detail::counts(summary, m_mode),
                                                   detail::write_cost(summary));
        m_out << paint(bold, line) << '\n';
        if (const std::string warning = detail::rate_warning(summary); !warning.empty()) {
            m_out << paint(yellow, "Warning: " + warning) << '\n';
        }
        if (const auto marks = detail::sensitive_lines(m_plan); !marks.empty()) {
            m_out << paint(bold_red, fmt::format("Look closely: {} marked !:",
                                                 util::plural(summary.sensitive, "change is", "changes are")))
                  << '\n';
            for (const auto& mark : marks) {
                m_out << change_indent << paint(bold_red, "! " + detail::visible(mark)) << '\n';
            }
        }
    }

    const plan::Plan& m_plan;
    std::ostream& m_out;
    Mode m_mode;
    bool m_color;
};

}  // namespace

void text(const plan::Plan& plan, std::ostream& out, const Options& options) {
    TextWriter(plan, out, options).write();
}

}  // namespace fastly_accounts::render
