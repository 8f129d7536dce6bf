#pragma once

// `fastly-accounts review` (README "Access review"): who has access to the account, how, since when, and,
// with the files, why and until when. Built from what plan reads, plus the audit log's logins.

#include <cstdint>
#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/model/state.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace fastly_accounts::review {

/// One thing a person holds: their legacy role, an IAM role, a membership, or access to a service.
struct Grant {
    enum class Type { role, iam_role, group, service };
    Type type = Type::role;
    std::string name;    ///< the role, group, or service (its name, else its ID)
    std::string via;     ///< "" when held directly; else "user group 'Ops'" or "user group 'Ops', service group 'prod'"
    std::string detail;  ///< a service's permission ("purge_all") or a group's IAM roles on it
    /// With the files: whether they give this grant (nullopt without files, or for what they do not manage).
    std::optional<bool> in_files;
    model::Terms terms;  ///< the files' owner, reason, expires and review_after for it
};

/// A user of the account.
struct Person {
    std::string login;
    std::string name;
    std::string role;
    std::optional<bool> two_factor;
    bool locked = false;
    bool limit_services = false;  ///< false: every service of the account, as the role allows
    std::string created_at;
    std::string last_login;  ///< "" when the events read hold none
    std::vector<std::string> groups;
    std::vector<Grant> grants;
    std::size_t tokens = 0;
    std::size_t tokens_never_expiring = 0;
    std::size_t tokens_unused = 0;  ///< not used for 90 days (or never)
    bool superuser = false;
    std::optional<bool> in_files;  ///< with files: whether they list this user
    model::Terms terms;            ///< the files' terms for the user
};

/// A pending invitation.
struct Invited {
    std::string email;
    std::string role;
    std::string created_at;
    long long age_days = -1;  ///< -1 when the API gives no creation time
    bool expired = false;     ///< older than seven days, or used up: it can no longer be accepted
    std::optional<bool> in_files;
    model::Terms terms;
};

/// The access review of one account.
struct Report {
    std::string customer_id;
    std::string customer_name;
    std::int64_t now = 0;
    bool with_files = false;
    std::vector<Person> people;
    std::vector<Invited> invitations;
    std::vector<std::string> superusers;
    std::vector<std::string> superusers_without_2fa;  ///< 2FA off or not known
    std::vector<std::string> in_no_group;
    std::vector<std::string> roles_unheld;  ///< custom roles no user, invitation or group holds
    std::vector<plan::PolicyViolation> violations;
    std::vector<plan::Deadline> deadlines;
    std::vector<std::string> notes;  ///< what could not be read, how far back logins were read
    int login_days = 90;             ///< logins are read back this many days
    bool logins_read = true;         ///< false when the audit log could not be read: last logins unknown
    std::string logins_from;         ///< when the read stopped at its page bound: the oldest login time read
    bool tokens_read = true;         ///< false when the tokens could not be read: token counts unknown
};

/// Adds to `latest` (user ID -> time) the `user.login` events of `events` that are later than what it holds.
void note_logins(const std::vector<model::Event>& events, std::map<std::string, std::string>& latest);

/// Builds the review of `live` at `now`. With `desired` (the files), each grant says whether the files give
/// it (as they stand at `now`: what expired is not given) and with which terms, and the policy's rules and
/// deadlines are checked. Throws plan::PlanError for a policy.require_2fa_for the account has no role for.
Report build(const model::LiveAccount& live, const std::map<std::string, std::string>& logins,
             const model::AccountState* desired, std::int64_t now);

enum class Format { text, markdown, json, csv };

/// Writes `report` in `format`. Every name from the account or the files is shown with its disguising
/// characters escaped; CSV cells that a spreadsheet would run as a formula are made inert.
void render(const Report& report, Format format, std::ostream& out);

}  // namespace fastly_accounts::review
