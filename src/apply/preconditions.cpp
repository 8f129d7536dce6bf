#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <fastly_accounts/apply/preconditions.hpp>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace fastly_accounts::apply {

namespace {

using model::Kind;
using plan::Action;
using plan::Change;
using plan::Value;

std::string what(const Change& change) {
    return fmt::format("{} {} '{}'", plan::to_string(change.action), model::noun(change.kind), change.key);
}

// Logins and emails are one person whatever their case; names are exact.
std::string key_of(const Change& change) {
    return model::keyed_by_email(change.kind) ? model::email_key(change.key) : change.key;
}

// List entries compare as the diff compares them: people ignoring case, role names as roles.
std::string entry_key(plan::Field list, const std::string& entry) {
    if (list == plan::Field::members) {
        return model::email_key(entry);
    }
    if (list == plan::Field::roles) {
        return model::role_name_key(entry);
    }
    return entry;
}

// Lists compare as sets: their order comes from the API's answers, which need not repeat it.
bool same(plan::Field field, const Value& a, const Value& b) {
    const auto* la = std::get_if<std::vector<std::string>>(&a);
    const auto* lb = std::get_if<std::vector<std::string>>(&b);
    if (la == nullptr || lb == nullptr) {
        return a == b;
    }
    auto normalized = [&](const std::vector<std::string>& list) {
        std::set<std::string> keys;
        for (const auto& entry : list) {
            keys.insert(entry_key(field, entry));
        }
        return keys;
    };
    return normalized(*la) == normalized(*lb);
}

const plan::FieldChange* find_field(const Change& change, plan::Field name) {
    auto it = std::find_if(change.fields.begin(), change.fields.end(),
                           [&](const plan::FieldChange& f) { return f.field == name; });
    return it == change.fields.end() ? nullptr : &*it;
}

const plan::ListChange* find_list(const Change& change, plan::Field name) {
    auto it = std::find_if(change.lists.begin(), change.lists.end(),
                           [&](const plan::ListChange& l) { return l.field == name; });
    return it == change.lists.end() ? nullptr : &*it;
}

// Names of the fields (or lists) of `a` and then those only `b` has, each once, in their plan order.
template <typename Item>
std::vector<plan::Field> names(const std::vector<Item>& a, const std::vector<Item>& b) {
    std::vector<plan::Field> out;
    for (const auto* items : {&a, &b}) {
        for (const auto& item : *items) {
            if (std::find(out.begin(), out.end(), item.field) == out.end()) {
                out.push_back(item.field);
            }
        }
    }
    return out;
}

// Entries of `a` that `b` lacks, as the list compares them.
std::vector<std::string> minus(plan::Field field, const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
    std::set<std::string> keys;
    for (const auto& entry : b) {
        keys.insert(entry_key(field, entry));
    }
    std::vector<std::string> out;
    for (const auto& entry : a) {
        if (keys.count(entry_key(field, entry)) == 0) {
            out.push_back(entry);
        }
    }
    return out;
}

const std::vector<std::string> no_entries;

// Why a change would now do something else than the plan said, when its action changed.
std::string action_changed(const Change& saved, const Change& now) {
    if (saved.action == Action::create && now.action == Action::update) {
        return "it exists now";
    }
    if (saved.action == Action::update && now.action == Action::create) {
        return "it no longer exists";
    }
    if (saved.action == Action::create && now.action == Action::replace) {
        return "an invitation for this email exists now; it would be replaced";
    }
    if (saved.action == Action::replace && now.action == Action::create) {
        return "the invitation it replaces is gone";
    }
    return fmt::format("it would be a {} now", plan::to_string(now.action));
}

// The differences of two changes to one object, joined with "; ", or "" when they make the same change.
// The files are the same (apply checks them first), so a difference is the account's doing: a field the
// plan did not change was equal to what the files want, a field it changed had its `from`.
std::string compare(const Change& saved, const Change& now) {
    if (saved.action != now.action) {
        return action_changed(saved, now);
    }
    const auto* renamed = find_field(saved, plan::Field::name);
    const auto* old_name = renamed != nullptr ? std::get_if<std::string>(&renamed->from) : nullptr;
    if (saved.id != now.id && old_name != nullptr && find_field(now, plan::Field::name) == nullptr) {
        // The plan renamed an object (`previously:`) to this name; one of that name has been made since.
        return fmt::format("a {} named '{}' exists now (id {}); '{}' would no longer be renamed", model::noun(now.kind),
                           now.key, now.id, *old_name);
    }
    if (saved.id != now.id) {
        return fmt::format("it was deleted and made again (its id is {} now, the plan expected {})", now.id, saved.id);
    }
    std::vector<std::string> found;
    for (const auto field : names(saved.fields, now.fields)) {
        const std::string_view name = plan::to_string(field);
        const auto* s = find_field(saved, field);
        const auto* n = find_field(now, field);
        if (s != nullptr && n != nullptr) {
            if (!same(field, s->from, n->from)) {
                found.push_back(fmt::format("{} is {} now, the plan expected {}", name, plan::display(n->from),
                                            plan::display(s->from)));
            } else if (!same(field, s->to, n->to)) {
                found.push_back(fmt::format("{} would be set to {}, the plan set it to {}", name, plan::display(n->to),
                                            plan::display(s->to)));
            }
        } else if (n != nullptr) {
            found.push_back(
                fmt::format("{} is {} now, the plan expected {}", name, plan::display(n->from), plan::display(n->to)));
        } else {
            found.push_back(fmt::format("{} needs no change now, the plan changed it from {} to {}", name,
                                        plan::display(s->from), plan::display(s->to)));
        }
    }
    for (const auto field : names(saved.lists, now.lists)) {
        const std::string_view name = plan::to_string(field);
        const auto* s = find_list(saved, field);
        const auto* n = find_list(now, field);
        const auto& s_add = s ? s->add : no_entries;
        const auto& s_remove = s ? s->remove : no_entries;
        const auto& n_add = n ? n->add : no_entries;
        const auto& n_remove = n ? n->remove : no_entries;
        // An entry the plan added that needs no adding, or one removed now that the plan left: it is there now.
        std::vector<std::string> there = minus(field, s_add, n_add);
        for (auto& entry : minus(field, n_remove, s_remove)) {
            there.push_back(std::move(entry));
        }
        std::vector<std::string> gone = minus(field, s_remove, n_remove);
        for (auto& entry : minus(field, n_add, s_add)) {
            gone.push_back(std::move(entry));
        }
        if (!there.empty()) {
            found.push_back(fmt::format("{} has {} now", name, fmt::join(there, ", ")));
        }
        if (!gone.empty()) {
            found.push_back(fmt::format("{} no longer has {}", name, fmt::join(gone, ", ")));
        }
    }
    // What a reviewer was told: who force_2fa logs out, who loses access, which tokens go. A saved plan
    // whose marks read otherwise now would do what was not approved.
    if (saved.sensitive != now.sensitive) {
        auto marks = [](const Change& c) {
            return c.sensitive.empty() ? std::string("(nothing to look at)")
                                       : fmt::format("{}", fmt::join(c.sensitive, "; "));
        };
        found.push_back(fmt::format("it now reads: {}; the plan said: {}", marks(now), marks(saved)));
    }
    if (found.empty()) {
        auto requests = [](const Change& c) {
            std::multiset<std::string> out;
            for (const auto& r : c.requests) {
                out.insert(r.method + " " + r.path);
            }
            return out;
        };
        // Notes are not compared: they explain (an invitation pruned as "expired"), they do not act.
        if (requests(saved) != requests(now)) {
            found.push_back(fmt::format("it would send {}, the plan sent {}", fmt::join(requests(now), ", "),
                                        fmt::join(requests(saved), ", ")));
        }
    }
    return fmt::format("{}", fmt::join(found, "; "));
}

// A change in a line of its own: what it is and what it changes.
std::string described(const Change& change) {
    std::vector<std::string> parts;
    for (const auto& f : change.fields) {
        parts.push_back(
            change.action == Action::update
                ? fmt::format("{}: {} → {}", plan::to_string(f.field), plan::display(f.from), plan::display(f.to))
                : fmt::format("{}: {}", plan::to_string(f.field), plan::display(f.to)));
    }
    for (const auto& l : change.lists) {
        for (const auto& entry : l.add) {
            parts.push_back(fmt::format("{} +{}", plan::to_string(l.field), entry));
        }
        for (const auto& entry : l.remove) {
            parts.push_back(fmt::format("{} -{}", plan::to_string(l.field), entry));
        }
    }
    return parts.empty() ? what(change) : fmt::format("{} ({})", what(change), fmt::join(parts, ", "));
}

}  // namespace

std::vector<std::string> changed_files(const std::vector<plan::SavedFile>& saved,
                                       const std::vector<plan::SavedFile>& now) {
    std::vector<std::string> out;
    auto find = [](const std::vector<plan::SavedFile>& files, const std::string& path) {
        return std::find_if(files.begin(), files.end(), [&](const plan::SavedFile& f) { return f.path == path; });
    };
    for (const auto& file : saved) {
        auto it = find(now, file.path);
        if (it == now.end()) {
            out.push_back(fmt::format("{} is no longer given: the plan was made with it", file.path));
        } else if (it->sha256 != file.sha256) {
            out.push_back(fmt::format("{} changed since the plan was made", file.path));
        }
    }
    for (const auto& file : now) {
        if (find(saved, file.path) == saved.end()) {
            out.push_back(fmt::format("{} is new: the plan was made without it", file.path));
        }
    }
    return out;
}

std::vector<std::string> plan_differences(const plan::Plan& saved, const plan::Plan& now) {
    if (saved.customer_id != now.customer_id) {
        return {fmt::format("the plan was made for customer {}, the token belongs to {}", saved.customer_id,
                            now.customer_id)};
    }
    // Changes of one object in one stage, by stage, kind and key; the live account may hold several
    // objects under one key (invitations for one email), told apart by id.
    using Slot = std::tuple<int, int, std::string>;
    auto slot = [](const Change& c) { return Slot{static_cast<int>(c.stage), static_cast<int>(c.kind), key_of(c)}; };
    std::map<Slot, std::vector<std::size_t>> by_slot;
    for (std::size_t i = 0; i < now.changes.size(); ++i) {
        by_slot[slot(now.changes[i])].push_back(i);
    }
    // Each saved change is paired with a change made now in its slot: one with its id first, so that a
    // second object under the same key cannot take its place; then any left.
    std::vector<bool> matched(now.changes.size(), false);
    std::vector<std::optional<std::size_t>> pair(saved.changes.size());
    for (bool same_id : {true, false}) {
        for (std::size_t k = 0; k < saved.changes.size(); ++k) {
            const Change& change = saved.changes[k];
            auto it = by_slot.find(slot(change));
            if (pair[k] || it == by_slot.end()) {
                continue;
            }
            for (std::size_t i : it->second) {
                if (!matched[i] && (!same_id || now.changes[i].id == change.id)) {
                    matched[i] = true;
                    pair[k] = i;
                    break;
                }
            }
        }
    }
    std::vector<std::string> out;
    for (std::size_t k = 0; k < saved.changes.size(); ++k) {
        const Change& change = saved.changes[k];
        if (!pair[k]) {
            // Why is the account's business (it exists now, it is gone, someone did it): the line says what.
            out.push_back(fmt::format("a change in the plan that is no longer needed: {}", described(change)));
        } else if (std::string how = compare(change, now.changes[*pair[k]]); !how.empty()) {
            out.push_back(fmt::format("{}: {}", what(change), how));
        }
    }
    for (std::size_t i = 0; i < now.changes.size(); ++i) {
        if (!matched[i]) {
            out.push_back(fmt::format("a change the plan did not show: {}", described(now.changes[i])));
        }
    }
    return out;
}

}  // namespace fastly_accounts::apply
