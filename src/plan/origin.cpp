// Where a change comes from (`plan --base`): the pull request, or drift the account already has from the
// base branch's files. Pure: two plans in, marks out.

#include <fmt/format.h>

#include <algorithm>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <map>
#include <set>
#include <tuple>

namespace fastly_accounts::plan {

namespace {

// One object a plan changes, in as many stages as it needs: the key as folded, since base and head may
// write one login in two cases; the id tells two live objects under one key apart.
using ObjectKey = std::tuple<model::Kind, std::string, std::string>;

ObjectKey object_of(const Change& change) {
    return {change.kind, util::fold_case(change.key), change.id};
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

bool same_list(const ListChange& a, const ListChange& b) {
    return a.field == b.field && a.add == b.add && a.remove == b.remove;
}

bool shares(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::any_of(a.begin(), a.end(),
                       [&b](const std::string& entry) { return std::find(b.begin(), b.end(), entry) != b.end(); });
}

// True when `a` and `b` add or remove one entry alike: part of the list change is drift.
bool overlapping_list(const ListChange& a, const ListChange& b) {
    return a.field == b.field && (shares(a.add, b.add) || shares(a.remove, b.remove));
}

// What a change does, as apply would do it; its note and marks only explain, so they may differ.
bool same_change(const Change& a, const Change& b) {
    return a.stage == b.stage && a.action == b.action && a.kind == b.kind && a.id == b.id &&
           std::equal(a.fields.begin(), a.fields.end(), b.fields.begin(), b.fields.end(), same_field) &&
           std::equal(a.lists.begin(), a.lists.end(), b.lists.begin(), b.lists.end(), same_list);
}

// The fields of `change` that one of `base` changes alike, and its lists that one of `base` adds or removes an
// entry of alike, in the change's order, each once.
std::vector<Field> shared_parts(const Change& change, const std::vector<const Change*>& base) {
    std::vector<Field> out;
    auto add = [&out](Field field) {
        if (std::find(out.begin(), out.end(), field) == out.end()) {
            out.push_back(field);
        }
    };
    for (const Change* other : base) {
        if (other->stage != change.stage || other->action != change.action) {
            continue;
        }
        for (const auto& field : change.fields) {
            if (std::any_of(other->fields.begin(), other->fields.end(),
                            [&field](const FieldChange& f) { return same_field(f, field); })) {
                add(field.field);
            }
        }
        for (const auto& list : change.lists) {
            if (std::any_of(other->lists.begin(), other->lists.end(),
                            [&list](const ListChange& l) { return overlapping_list(l, list); })) {
                add(list.field);
            }
        }
    }
    return out;
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
    for (const auto& [object, indexes] : head_objects) {
        std::vector<const Change*> theirs;
        if (auto it = base_objects.find(object); it != base_objects.end()) {
            for (std::size_t i : it->second) {
                theirs.push_back(&base.changes[i]);
            }
        }
        // Drift only when base plans every part of the object exactly so: one part more or less, or one
        // value otherwise, and the pull request has a hand in it.
        const bool drift = theirs.size() == indexes.size() &&
                           std::equal(indexes.begin(), indexes.end(), theirs.begin(),
                                      [&head](std::size_t i, const Change* other) {
                                          return same_change(head.changes[i], *other);
                                      });
        for (std::size_t i : indexes) {
            Change& change = head.changes[i];
            change.origin = drift ? Origin::drift : Origin::change;
            change.also_drift = drift ? std::vector<Field>{} : shared_parts(change, theirs);
        }
    }
    for (const auto& change : base.changes) {
        if (head_objects.count(object_of(change)) == 0) {
            head.adopted.push_back(change);
            head.adopted.back().origin = Origin::drift;
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
