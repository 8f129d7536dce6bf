#pragma once

#include <cstdint>
#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/model/state.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <fastly_accounts/util/error.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fastly_accounts::plan {

/// Inputs of diff that are not state.
struct DiffOptions {
    std::int64_t now_epoch = 0;          ///< "now", for invitation expiry (7 days)
    std::optional<int> allow_deletions;  ///< --allow-deletions N: overrides policy.max_deletions
    std::optional<int> allow_removals;   ///< --allow-removals N: overrides policy.max_removals
    std::size_t hourly_write_limit = 1000;
    /// `--ack NAME`: the lock-out guards (plan::acknowledgeable) this run accepts.
    std::set<std::string> acks;
    std::optional<long long> writes_remaining;
};

/// The files name things the account does not have (a permission, a predefined role, a service): no
/// plan can be made. Carries every such problem.
class PlanError : public util::Error {
public:
    /// One name the account lacks, and where the files name it (`where.file` empty when unknown).
    struct Problem {
        model::SourceLocation where;
        std::string message;

        /// "FILE:LINE:COL: message", or the message alone when the place is unknown.
        std::string located() const;
    };

    explicit PlanError(std::vector<Problem> problems);
    const std::vector<Problem>& problems() const { return m_problems; }

private:
    std::vector<Problem> m_problems;
};

/// A live custom role, service group or user group that a plan renames in place (`previously:` in the files),
/// keeping its id and everything it holds.
struct Rename {
    model::Kind kind = model::Kind::user_groups;
    std::string id;
    std::string from;  ///< its live name
    std::string to;    ///< its name in the files
};

/// The renames `plan` makes: every change to a custom role, service group or user group with a `name` field,
/// in plan order.
std::vector<Rename> renames_of(const Plan& plan);

/// `live` as it stands once `renames` are done: each renamed object under its new name, and so named in every
/// list that names it (the roles of users, invitations and user groups, the service groups of user groups).
/// The diff compares the files with this account, and the executor resolves names through it.
model::LiveAccount renamed(const model::LiveAccount& live, const std::vector<Rename>& renames);

/// Compares `desired` with `live` and returns the ordered plan that makes live match, with unmanaged
/// objects, notes and evaluated guards. Pure. Follows README.md "The file format": fields left out of the files
/// are not managed; lists given are authoritative; logins and emails compare ignoring case; live objects
/// matching `ignore` are never touched nor reported. A custom role or group whose name no live object of its
/// kind has, but whose `previously` names one that is not ignored, is that object renamed: one update with a
/// `name` field, keeping its id. Throws PlanError when a name in the files does not
/// resolve against the account.
Plan diff(const model::AccountState& desired, const model::LiveAccount& live, const DiffOptions& options);

/// The `expires` and `review_after` of `desired` worth reporting at `now`: every `expires` passed or due within
/// policy.expiry_warning_days, every `review_after` passed; in file order.
std::vector<Deadline> find_deadlines(const model::AccountState& desired, std::int64_t now);

/// True when something in `desired` has expired at `now`.
bool has_expired(const model::AccountState& desired, std::int64_t now);

/// `desired` as it stands at `now`: users and invitations past their `expires` left out, as if no file listed
/// them (and taken out of every user group), memberships and service grants past theirs removed.
model::AccountState without_expired(const model::AccountState& desired, std::int64_t now);

/// One line for a deadline, seen at `now`: "expired 2027-01-31: the membership of ... (reason: on-call);
/// the plan treats it as absent", "expires 2027-01-31, in 2 days: ...", "review due since ...: ...".
std::string describe(const Deadline& deadline, std::int64_t now);

/// Throws PlanError naming each entry of policy.require_2fa_for that is neither a legacy role nor a role of the
/// account (with where the files write it).
void check_policy_names(const model::AccountState& desired, const model::LiveAccount& live);

/// The rules of `desired.policy` that `live` breaks at `now` (pending invitations count as the people they will
/// be until they expire), ignoring what `desired.ignore` covers.
std::vector<PolicyViolation> policy_violations(const model::AccountState& desired, const model::LiveAccount& live,
                                               std::int64_t now);

/// The people the files let expire whom `plan` does not delete (their kind is not pruned) and who are still
/// in the account, as violations of rule `expires`: they keep every access Fastly gave them.
std::vector<PolicyViolation> expired_still_present(const Plan& plan, const model::LiveAccount& live);

/// Marks where each change of `head` (planned from the head files) comes from, by `base`: the plan of the base
/// files against the same live account at the same clock. An object (kind, key as folded, id) whose changes
/// are exactly those `base` plans for it is drift; any other is this change's, with `also_drift` naming its
/// fields and lists that `base` changes alike. What `base` changes and `head` does not touch at all goes to
/// `head.adopted`. Sets `head.with_base`.
void mark_origins(Plan& head, const Plan& base);

/// When the base files cannot be read or planned: every change of `head` is marked as this change's, and
/// a note says why (`why`, naming the problem) so that a reviewer reads the plan as a whole.
void mark_without_base(Plan& head, const std::string& why);

/// Evaluates the safety guards of `plan` (customer_id, protected users, max_deletions, min_superusers)
/// into `plan.guards`. Part of diff; exposed so that apply can re-run it on a saved plan.
void evaluate_guards(Plan& plan, const model::AccountState& desired, const model::LiveAccount& live,
                     const DiffOptions& options);

}  // namespace fastly_accounts::plan
