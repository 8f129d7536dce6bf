// Where a change comes from (`plan --base`): the pull request, or drift the account already has from the
// base branch's files. Pure: two plans in, marks out.

#include <fmt/format.h>

#include <algorithm>
#include <fastly_accounts/plan/diff.hpp>
#include <map>
#include <tuple>

namespace fastly_accounts::plan {

namespace {

// One object a plan changes, in as many stages as it needs. A live object is its id, whatever name either
// plan gives it (a rename with `previously:` names it by its new name in one plan and its old in the other);
// one still to be made is its key as written.
using ObjectKey = std::tuple<model::Kind, std::string, std::string>;

ObjectKey object_of(const Change& change) {
    return change.id.empty() ? ObjectKey{change.kind, change.key, ""} : ObjectKey{change.kind, "", change.id};
}

std::map<ObjectKey, std::vector<std::size_t>> objects(const std::vector<Change>& changes) {
    std::map<ObjectKey, std::vector<std::size_t>> out;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        out[object_of(changes[i])].push_back(i);
    }
    return out;
}

bool same_field(const FieldChange& a, const FieldChange& b) {
    return a.field == b.field && a.from == b.from && a.to == b.to;
}

bool contains(const std::vector<std::string>& list, const std::string& entry) {
    return std::find(list.begin(), list.end(), entry) != list.end();
}

bool has_field(const Change& change, Field field) {
    return std::any_of(change.fields.begin(), change.fields.end(),
                       [field](const FieldChange& f) { return f.field == field; });
}

const ListChange* list_of(const Change& change, Field field) {
    for (const auto& list : change.lists) {
        if (list.field == field) {
            return &list;
        }
    }
    return nullptr;
}

// The part of `base` that does what `change` does: same stage, same action.
const Change* counterpart(const Change& change, const std::vector<const Change*>& base) {
    for (const Change* other : base) {
        if (other->stage == change.stage && other->action == change.action) {
            return other;
        }
    }
    return nullptr;
}

// True when everything `change` does, `other` does too: each field to the same value from the same one, each
// list entry added or removed alike. The pull request then has no hand in it.
bool covered_by(const Change& change, const Change* other) {
    if (other == nullptr) {
        return false;
    }
    for (const auto& field : change.fields) {
        if (std::none_of(other->fields.begin(), other->fields.end(),
                         [&field](const FieldChange& f) { return same_field(f, field); })) {
            return false;
        }
    }
    for (const auto& list : change.lists) {
        const ListChange* theirs = list_of(*other, list.field);
        auto within = [](const std::vector<std::string>& mine, const std::vector<std::string>& their) {
            return std::all_of(mine.begin(), mine.end(), [&their](const std::string& e) { return contains(their, e); });
        };
        if (theirs == nullptr || !within(list.add, theirs->add) || !within(list.remove, theirs->remove)) {
            return false;
        }
    }
    return true;
}

// The fields of `change` that `other` changes alike, and its lists that `other` adds or removes an entry of
// alike, in the change's order.
std::vector<Field> shared_parts(const Change& change, const Change* other) {
    std::vector<Field> out;
    if (other == nullptr) {
        return out;
    }
    for (const auto& field : change.fields) {
        if (std::any_of(other->fields.begin(), other->fields.end(),
                        [&field](const FieldChange& f) { return same_field(f, field); })) {
            out.push_back(field.field);
        }
    }
    for (const auto& list : change.lists) {
        const ListChange* theirs = list_of(*other, list.field);
        auto shares = [](const std::vector<std::string>& mine, const std::vector<std::string>& their) {
            return std::any_of(mine.begin(), mine.end(), [&their](const std::string& e) { return contains(their, e); });
        };
        if (theirs != nullptr && (shares(list.add, theirs->add) || shares(list.remove, theirs->remove))) {
            out.push_back(list.field);
        }
    }
    return out;
}

// What of `base` (a part of the base plan) the head plan's part `mine` leaves undone, so that the account keeps
// it: the fields `mine` does not set at all and the list entries it does not add or remove alike. Without a
// part doing the same (`mine` null), all of it. Nullopt when nothing is left.
std::optional<Change> left_undone(const Change& base, const Change* mine) {
    if (mine == nullptr) {
        return base;
    }
    Change rest = base;
    rest.fields.clear();
    rest.lists.clear();
    for (const auto& field : base.fields) {
        if (!has_field(*mine, field.field)) {
            rest.fields.push_back(field);
        }
    }
    for (const auto& list : base.lists) {
        const ListChange* own = list_of(*mine, list.field);
        ListChange left{list.field, {}, {}};
        for (const auto& entry : list.add) {
            if (own == nullptr || !contains(own->add, entry)) {
                left.add.push_back(entry);
            }
        }
        for (const auto& entry : list.remove) {
            if (own == nullptr || !contains(own->remove, entry)) {
                left.remove.push_back(entry);
            }
        }
        if (!left.add.empty() || !left.remove.empty()) {
            rest.lists.push_back(std::move(left));
        }
    }
    if (rest.fields.empty() && rest.lists.empty()) {
        return std::nullopt;
    }
    return rest;
}

// An adopted change as the reviewer must read it: what the base files would take away stays, and that is
// marked like any other change a reviewer must not miss. The base plan's own marks described what the base
// files would do, so they go.
Change adopted_as_kept(Change change) {
    change.origin = Origin::drift;
    change.also_drift.clear();
    change.sensitive.clear();
    change.requests.clear();
    if (change.action == Action::remove) {
        change.sensitive.push_back(fmt::format(
            "kept: the base files would delete this {}; with this change it stays in the account, with every access "
            "it has",
            model::noun(change.kind)));
    } else if (count_removals(change) > 0) {
        change.sensitive.push_back(
            "kept: access the base files would take away stays, as it was given outside the files");
    }
    return change;
}

}  // namespace

std::string_view to_string(Origin origin) {
    switch (origin) {
        case Origin::change:
            return "change";
        case Origin::drift:
            return "drift";
        case Origin::unmarked:
            break;
    }
    return "";
}

void mark_origins(Plan& head, const Plan& base) {
    head.with_base = true;
    head.adopted.clear();
    const auto head_objects = objects(head.changes);
    const auto base_objects = objects(base.changes);
    auto base_parts = [&](const ObjectKey& object) {
        std::vector<const Change*> out;
        if (auto it = base_objects.find(object); it != base_objects.end()) {
            for (std::size_t i : it->second) {
                out.push_back(&base.changes[i]);
            }
        }
        return out;
    };
    for (const auto& entry : head_objects) {
        const std::vector<const Change*> theirs = base_parts(entry.first);
        // Drift only when base plans every part of the object, each at least as far: then the pull request
        // has no hand in any of it.
        const bool drift = std::all_of(entry.second.begin(), entry.second.end(), [&](std::size_t i) {
            return covered_by(head.changes[i], counterpart(head.changes[i], theirs));
        });
        for (std::size_t i : entry.second) {
            Change& change = head.changes[i];
            change.origin = drift ? Origin::drift : Origin::change;
            change.also_drift = drift ? std::vector<Field>{} : shared_parts(change, counterpart(change, theirs));
        }
    }
    // What base would do and head does not, part by part, in the base plan's order: the drift the files keep.
    for (const auto& change : base.changes) {
        std::vector<const Change*> mine;
        if (auto it = head_objects.find(object_of(change)); it != head_objects.end()) {
            for (std::size_t i : it->second) {
                mine.push_back(&head.changes[i]);
            }
        }
        if (auto rest = left_undone(change, counterpart(change, mine))) {
            head.adopted.push_back(adopted_as_kept(std::move(*rest)));
        }
    }
}

void mark_without_base(Plan& head, const std::string& why) {
    head.with_base = true;
    head.adopted.clear();
    for (auto& change : head.changes) {
        change.origin = Origin::change;
        change.also_drift.clear();
    }
    head.notes.push_back(
        fmt::format("{}; every change is shown as this change's, including any drift already in the account", why));
}

}  // namespace fastly_accounts::plan
