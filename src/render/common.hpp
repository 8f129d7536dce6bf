#pragma once

// Private to the text and Markdown renderers: the words both use for kinds, actions and the summary,
// the order of changes when grouped by kind, and the cleaning of strings that come from the files or
// the API. Header-only, so the core library's source list does not change.

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <fastly_accounts/plan/authors.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <fastly_accounts/render/render.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace fastly_accounts::render::detail {

/// "user", "invitation", "role", "service group", "user group".
inline std::string_view singular(model::Kind kind) {
    return model::noun(kind);
}

/// "Users", "Invitations", "Roles", "Service groups", "User groups": a heading for one kind.
inline std::string_view title(model::Kind kind) {
    switch (kind) {
        case model::Kind::users:
            return "Users";
        case model::Kind::invitations:
            return "Invitations";
        case model::Kind::roles:
            return "Roles";
        case model::Kind::service_groups:
            return "Service groups";
        case model::Kind::user_groups:
            return "User groups";
        case model::Kind::customer:
            return "Account settings";
    }
    return "Objects";
}

/// `text` with every control and invisible character shown as an escape (`\n`, `\t`, `\x1b`, `\u009b`,
/// `\u202e`), the rest unchanged. Names come from files and from the API: this keeps them from moving a
/// terminal's cursor, faking colours, reordering a line with a bidi override, hiding a character, or
/// breaking a line of the rendering into a new item. Empty in, empty out.
inline std::string visible(std::string_view text) {
    return util::escape_disguising(text);
}

/// The width of `text` in a terminal, counting each UTF-8 sequence as one column (close enough for
/// deciding where to unfold a line; wide CJK characters count one).
inline std::size_t columns(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

/// What a plan without changes says: that the account matches the files, or, when it breaks rules of the
/// policy (plan::PolicyViolation, drift for all that), that it matches them but breaks those.
inline std::string nothing_to_do(const plan::Plan& plan, Mode mode) {
    if (!plan.violations.empty()) {
        return fmt::format(
            "{}, but it breaks the policy: {} (see the notes).",
            mode == Mode::plan ? "No changes to make: the account matches the files" : "The account matches the files",
            util::plural(plan.violations.size(), "violation", "violations"));
    }
    return mode == Mode::plan ? "No changes. The account matches the files."
                              : "No drift: the account matches the files.";
}

/// What one action means in `mode`: "create" in a plan, "missing from the account" in a drift report.
inline std::string_view action_word(plan::Action action, Mode mode) {
    const bool drift = mode == Mode::drift;
    switch (action) {
        case plan::Action::create:
            return drift ? "missing from the account" : "create";
        case plan::Action::update:
            return drift ? "changed" : "update";
        case plan::Action::remove:
            return drift ? "not in the files" : "delete";
        case plan::Action::replace:
            return drift ? "to re-create" : "replace";
    }
    return "";
}

/// "2 to create, 3 to update, 1 to delete, 1 to replace" (plan) or "2 missing from the account,
/// 3 changed, 1 not in the files, 1 to re-create" (drift). Every action is named, also at zero, so
/// the line reads the same way every time.
inline std::string counts(const plan::Summary& summary, Mode mode) {
    const std::tuple<std::size_t, plan::Action> parts[] = {{summary.create, plan::Action::create},
                                                           {summary.update, plan::Action::update},
                                                           {summary.remove, plan::Action::remove},
                                                           {summary.replace, plan::Action::replace}};
    std::string out;
    for (const auto& [count, action] : parts) {
        if (!out.empty()) {
            out += ", ";
        }
        const std::string_view word = action_word(action, mode);
        out += mode == Mode::plan ? fmt::format("{} to {}", count, word) : fmt::format("{} {}", count, word);
    }
    return out;
}

/// The hourly budget a plan's writes are counted against: "950 left in the current hour, as the API said"
/// once an answer carried Fastly-RateLimit-Remaining, else "of 1000 per hour assumed, Fastly's default".
inline std::string write_budget(const plan::Summary& summary) {
    if (summary.writes_remaining) {
        return fmt::format("{} left in the current hour, as the API said", *summary.writes_remaining);
    }
    return fmt::format("of {} per hour assumed, Fastly's default", summary.hourly_write_limit);
}

/// ", 2 of them bulk" when bulk requests (several service authorizations in one) save writes; else "".
inline std::string bulk_part(const plan::Summary& summary) {
    return summary.bulk_requests == 0 ? "" : fmt::format(", {} of them bulk", summary.bulk_requests);
}

/// "14 write requests (of 1000 per hour assumed, Fastly's default)", or with the API's figure (write_budget).
inline std::string write_cost(const plan::Summary& summary) {
    return fmt::format("{}{} ({})", util::plural(summary.write_requests, "write request", "write requests"),
                       bulk_part(summary), write_budget(summary));
}

/// A warning when the plan needs more writes than the hour allows, or than are left in it; empty when
/// it fits. Apply still runs such a plan, but it will meet the rate limit on the way.
inline std::string rate_warning(const plan::Summary& summary) {
    const auto needed = static_cast<long long>(summary.write_requests);
    if (summary.writes_remaining) {
        if (needed <= *summary.writes_remaining) {
            return "";
        }
        return fmt::format(
            "{} {} more than the {} left in the current hour; apply will meet the rate limit before "
            "it finishes.",
            util::plural(summary.write_requests, "write request", "write requests"), needed == 1 ? "is" : "are",
            *summary.writes_remaining);
    }
    if (summary.write_requests > summary.hourly_write_limit) {
        return fmt::format(
            "{} write requests are more than the {} per hour Fastly allows by default; apply will meet the "
            "rate limit before it finishes.",
            needed, summary.hourly_write_limit);
    }
    return "";
}

/// The changes ordered by kind (in model::all_kinds order), then by key ignoring case, then by ID and
/// stage, so the two halves of one user group's change (additions in stage 3, removals in stage 4) sit
/// together. Pointers into `plan.changes`.
inline std::vector<const plan::Change*> by_kind(const plan::Plan& plan) {
    std::vector<const plan::Change*> out;
    out.reserve(plan.changes.size());
    for (const auto& change : plan.changes) {
        out.push_back(&change);
    }
    auto order = [](const plan::Change* c) {
        return std::tuple(static_cast<int>(c->kind), util::to_lower(c->key), c->key, c->id, static_cast<int>(c->stage));
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const plan::Change* a, const plan::Change* b) { return order(a) < order(b); });
    return out;
}

/// `mark` prefixed with the object `change` concerns: "user 'alice@example.com': privilege escalation: ...".
/// Not cleaned.
inline std::string sensitive_line(const plan::Change& change, std::string_view mark) {
    return fmt::format("{} '{}': {}", singular(change.kind), change.key, mark);
}

/// Every sensitive mark of the plan, one line each (sensitive_line), in the plan's order. Not cleaned.
inline std::vector<std::string> sensitive_lines(const plan::Plan& plan) {
    std::vector<std::string> out;
    for (const auto& change : plan.changes) {
        for (const auto& mark : change.sensitive) {
            out.push_back(sensitive_line(change, mark));
        }
    }
    return out;
}

/// A field whose value is a list and changes (a user's IAM roles) as the entries it gains and loses, so it
/// reads like a group's lists: `roles: + Superuser`, `roles: - Engineer`. Nullopt for other fields, for a
/// new object's field, and for a list that stays the same.
inline std::optional<plan::ListChange> list_delta(const plan::FieldChange& field) {
    const auto* from = std::get_if<std::vector<std::string>>(&field.from);
    const auto* to = std::get_if<std::vector<std::string>>(&field.to);
    if (from == nullptr || to == nullptr || *from == *to) {
        return std::nullopt;
    }
    plan::ListChange delta{field.field, {}, {}};
    for (const auto& entry : *to) {
        if (std::find(from->begin(), from->end(), entry) == from->end()) {
            delta.add.push_back(entry);
        }
    }
    for (const auto& entry : *from) {
        if (std::find(to->begin(), to->end(), entry) == to->end()) {
            delta.remove.push_back(entry);
        }
    }
    return delta;
}

/// An entry of a list as people should read it: a service ID with its name beside it
/// ("SU1Z0isxPaozGVKXdv0eY (www.example.com)"), also in a grant ("SU1Z0isxPaozGVKXdv0eY (www.example.com):
/// read_only"); a token ID with what it is ("Xn3… 'deploy' (scope global, last used …)"); anything else as
/// it is. Not cleaned.
inline std::string labelled(const plan::Plan& plan, plan::Field field, const std::string& entry) {
    auto service = [&](const std::string& id) {
        auto it = plan.service_names.find(id);
        return it != plan.service_names.end() ? fmt::format("{} ({})", id, it->second) : id;
    };
    if (field == plan::Field::services) {
        return service(entry);
    }
    if (field == plan::Field::service_authorizations) {
        if (auto grant = plan::parse_grant_entry(entry)) {
            return fmt::format("{}: {}", service(grant->first), model::to_string(grant->second));
        }
    }
    if (field == plan::Field::tokens) {
        if (auto it = plan.token_labels.find(entry); it != plan.token_labels.end()) {
            return fmt::format("{} {}", entry, it->second);
        }
    }
    return entry;
}

/// `list` with its entries labelled (see labelled()).
inline plan::ListChange labelled(const plan::Plan& plan, const plan::ListChange& list) {
    plan::ListChange out{list.field, {}, {}};
    for (const auto& entry : list.add) {
        out.add.push_back(labelled(plan, list.field, entry));
    }
    for (const auto& entry : list.remove) {
        out.remove.push_back(labelled(plan, list.field, entry));
    }
    return out;
}

/// True when `a` and `b` change the same object (a user group's additions and its removals). Two live
/// objects under one key (a second pending invitation for the same person, deleted while the first is
/// replaced) are two objects: their IDs differ.
inline bool same_object(const plan::Change& a, const plan::Change& b) {
    return a.kind == b.kind && a.key == b.key && a.id == b.id;
}

/// For each change, every change of the same object (same_object) in plan (stage) order, the change itself
/// included.
inline std::map<const plan::Change*, std::vector<const plan::Change*>> parts_by_object(const plan::Plan& plan) {
    std::map<std::tuple<model::Kind, std::string, std::string>, std::vector<const plan::Change*>> objects;
    for (const auto& change : plan.changes) {
        objects[{change.kind, change.key, change.id}].push_back(&change);
    }
    std::map<const plan::Change*, std::vector<const plan::Change*>> out;
    for (const auto& [object, parts] : objects) {
        for (const auto* part : parts) {
            out[part] = parts;
        }
    }
    return out;
}

/// The names of the guards that tripped, in the plan's order.
inline std::vector<std::string> tripped_names(const plan::Plan& plan) {
    std::vector<std::string> out;
    for (const auto& guard : plan.guards) {
        if (guard.tripped) {
            out.push_back(guard.name);
        }
    }
    return out;
}

}  // namespace fastly_accounts::render::detail
