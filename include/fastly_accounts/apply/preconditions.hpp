#pragma once

#include <fastly_accounts/plan/plan.hpp>
#include <fastly_accounts/plan/serialize.hpp>
#include <string>
#include <vector>

/// What `apply --plan` checks before it writes anything: that the saved plan is still the plan.
namespace fastly_accounts::apply {

/// The desired-state files `now` that differ from those a saved plan was made from (`saved`), one line
/// each: "people.yaml changed since the plan was made", "... is new: the plan was made without it",
/// "... is no longer given: the plan was made with it". Files are matched by their path as `-f` named
/// them (a directory stands for its files). Empty when they are the same files with the same text.
std::vector<std::string> changed_files(const std::vector<plan::SavedFile>& saved,
                                       const std::vector<plan::SavedFile>& now);

/// How `now`, the plan made again from the same files and today's account, differs from `saved`, the
/// plan that was reviewed; one line per difference, naming the object and how it differs:
/// "update user 'bob@example.com': role is \"superuser\" now, the plan expected \"engineer\"",
/// "a change the plan did not show: ...", "a change in the plan that is no longer needed: ...".
/// Changes are matched by stage, kind and key (logins and emails ignoring case), then compared by
/// action, id, the from and to of each field, the entries each list adds and removes (as sets) and the
/// requests. A plan for another customer gives that one line only. Empty when the two plans make the
/// same changes; guards, notes and unmanaged objects are not compared (apply evaluates `now`'s guards).
/// The wording assumes the files are those of the saved plan (changed_files is checked first).
std::vector<std::string> plan_differences(const plan::Plan& saved, const plan::Plan& now);

}  // namespace fastly_accounts::apply
