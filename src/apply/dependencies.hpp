#pragma once

// Which changes of a plan wait for others, for the executor: a change that names an object this plan makes
// (a create or a replace) or renames (`previously:`) waits for that change, and is skipped when it was not
// done. Internal to src/apply.

#include <fastly_accounts/apply/executor.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace fastly_accounts::apply::detail {

class Dependencies {
public:
    /// The objects `plan` makes or renames, by the key and name the later changes use.
    explicit Dependencies(const plan::Plan& plan);

    /// Records what became of `change`, when it makes or renames an object. Thread-safe.
    void record(const plan::Change& change, Outcome outcome);

    /// Why `change` cannot run: "service group 'production' was not renamed", "user group 'SRE' was not
    /// created", for the first object it names whose making or renaming ended other than done; nullopt when
    /// none did (or has not run yet). Thread-safe.
    std::optional<std::string> failed(const plan::Change& change) const;

private:
    enum class Made { created, renamed };

    std::unordered_map<std::string, Made> m_tracked;  // object key (new name for a rename) -> how the plan makes it
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Outcome> m_outcomes;  // object key -> outcome of the change that makes it
};

}  // namespace fastly_accounts::apply::detail
