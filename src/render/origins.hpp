#pragma once

// Private to the text and Markdown renderers: the words of a plan made with base files (`plan --base`), where
// each change is this change's or drift, and the drift the files keep is shown as it stays.

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <fastly_accounts/plan/plan.hpp>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common.hpp"

namespace fastly_accounts::render::detail {

/// The headings of a plan made with base files (`plan --base`), and what each section means.
inline std::string_view origin_title(plan::Origin origin) {
    return origin == plan::Origin::drift ? "Drift already in the account" : "This change";
}
inline constexpr std::string_view drift_explained =
    "Not this change's: the account departs from the base files the same way (a hand edit, or a change not yet "
    "applied). Applying undoes it too.";
inline constexpr std::string_view adopted_title = "Drift this change keeps";
inline constexpr std::string_view adopted_explained =
    "The account departs from the base files here, and the files of this change now match it: after the merge "
    "it stays as it is. The base files would have done this instead; nothing here is applied.";

/// "also undoes drift already in the account: name, role", for a change of this pull request that does part
/// of what the base files would do too.
inline std::string also_drift_line(const plan::Change& change) {
    std::vector<std::string> names;
    for (plan::Field field : change.also_drift) {
        names.emplace_back(plan::to_string(field));
    }
    return "also undoes drift already in the account: " + util::join(names, ", ");
}

/// How many objects (same_object) of `plan` come from `origin`.
inline std::size_t objects_of(const plan::Plan& plan, plan::Origin origin) {
    std::set<std::tuple<model::Kind, std::string_view, std::string_view>> objects;
    for (const auto& change : plan.changes) {
        if (change.origin == origin) {
            objects.insert({change.kind, change.key, change.id});
        }
    }
    return objects.size();
}

/// How many entries of Plan::adopted carry a sensitive mark (access the base files would take away, kept).
inline std::size_t sensitive_adopted(const plan::Plan& plan) {
    return static_cast<std::size_t>(std::count_if(plan.adopted.begin(), plan.adopted.end(),
                                                  [](const plan::Change& c) { return !c.sensitive.empty(); }));
}

/// What stays of one change the base files would make and this change's files do not (Plan::adopted), one
/// line each, as text: the values the account keeps, with what the base files had instead. Entries labelled as
/// labelled() does; control characters not yet made visible.
inline std::vector<std::string> adopted_lines(const plan::Plan& plan, const plan::Change& change) {
    std::vector<std::string> lines;
    switch (change.action) {
        case plan::Action::create:
            lines.emplace_back("stays absent from the account (the base files would make it)");
            return lines;
        case plan::Action::remove:
            lines.emplace_back("stays in the account (the base files would delete it)");
            return lines;
        case plan::Action::replace:
            lines.emplace_back("stays as the account has it (the base files would make it again)");
            return lines;
        case plan::Action::update:
            break;
    }
    for (const auto& field : change.fields) {
        lines.push_back(fmt::format("{}: {} stays (the base files have {})", plan::to_string(field.field),
                                    plan::display(field.from), plan::display(field.to)));
    }
    for (const auto& list : change.lists) {
        const plan::ListChange shown = labelled(plan, list);
        if (!shown.add.empty()) {
            lines.push_back(fmt::format("{}: stays without {} (the base files have them)", plan::to_string(list.field),
                                        util::join(shown.add, ", ")));
        }
        if (!shown.remove.empty()) {
            lines.push_back(fmt::format("{}: keeps {} (the base files do not have them)", plan::to_string(list.field),
                                        util::join(shown.remove, ", ")));
        }
    }
    return lines;
}

}  // namespace fastly_accounts::render::detail
