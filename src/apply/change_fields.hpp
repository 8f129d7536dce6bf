#pragma once

// Reading a plan change, for the executor and its dependency tracking: the object key a change or a
// reference is tracked by, and the value a field or list of a change is set to. Internal to src/apply.

#include <fastly_accounts/model/state.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fastly_accounts::apply::detail {

/// The object key a change or a reference is tracked by: names as written, logins and emails lowered.
inline std::string object_key(model::Kind kind, const std::string& key) {
    return std::string(model::to_string(kind)) + ":" + (model::keyed_by_email(kind) ? model::email_key(key) : key);
}

inline const plan::FieldChange* field(const plan::Change& change, plan::Field name) {
    for (const auto& f : change.fields) {
        if (f.field == name) {
            return &f;
        }
    }
    return nullptr;
}

inline const plan::ListChange* list(const plan::Change& change, plan::Field name) {
    for (const auto& l : change.lists) {
        if (l.field == name) {
            return &l;
        }
    }
    return nullptr;
}

/// The value `change` sets field `name` to, when it sets it to a value of type T.
template <typename T>
std::optional<T> field_to(const plan::Change& change, plan::Field name) {
    const auto* f = field(change, name);
    const auto* value = f ? std::get_if<T>(&f->to) : nullptr;
    return value ? std::optional(*value) : std::nullopt;
}

inline std::optional<std::string> string_to(const plan::Change& change, plan::Field name) {
    return field_to<std::string>(change, name);
}

inline std::optional<bool> bool_to(const plan::Change& change, plan::Field name) {
    return field_to<bool>(change, name);
}

inline std::optional<std::vector<std::string>> list_to(const plan::Change& change, plan::Field name) {
    return field_to<std::vector<std::string>>(change, name);
}

}  // namespace fastly_accounts::apply::detail
