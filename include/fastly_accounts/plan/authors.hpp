#pragma once

#include <cstdint>
#include <fastly_accounts/model/live.hpp>
#include <fastly_accounts/plan/plan.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Who made the drift: the audit log's latest event about each changed object (README "Drift and its
/// authors"). Pure: the events are read by the caller.
namespace fastly_accounts::plan {

/// The event types that can tell who last changed the object of `change`, sorted: for a user, its
/// creation, update, lock, unlock, deletion and an invitation accepted as it (and, when its grants change,
/// `service_authorization.*`); for an invitation, `invitation.sent` and `invitation.accept`; for the
/// customer's settings, `customer.update`. Empty for user groups, service groups and roles (Fastly records
/// no events for them). Logins (`user.login`, `user.login_failure`) are never among them.
std::vector<std::string> author_event_types(const Change& change);

/// Every author_event_types of the plan's changes, sorted and once each; empty when none is covered.
std::vector<std::string> author_event_types(const Plan& plan);

/// "Fastly records no events for user groups, service groups or roles; ..." when the plan changes any of
/// them, else nullopt.
std::optional<std::string> unrecorded_authors_note(const Plan& plan);

/// What the matching needs besides the events.
struct AuthorContext {
    const model::LiveAccount* live = nullptr;  ///< resolves actors' logins and token names; required
    std::string own_token_id;                  ///< the token this run uses; empty when unknown
    std::int64_t since = 0;                    ///< events before this (epoch seconds) are ignored
};

/// Sets `author` on each change of `plan` to the latest of `events` (by created_at, then id) that is of
/// one of its author_event_types, created at or after `context.since`, and names its object:
/// - a user: metadata `user_id` equal to the change's id, or metadata `login` equal to its key (ignoring
///   case) when the metadata names no other user_id; a grant event also needs its service (the event's
///   service_id or metadata service_id), when given, among the services the change grants or revokes;
/// - an invitation: metadata `invitation_id` equal to the change's id, or `email` equal to its key, likewise;
/// - the customer: metadata `customer_id` equal to plan.customer_id;
/// and whose type can have made the change: `user.lock` and `user.unlock` only a change of `locked`,
/// `user.password_update` and `two_factor_auth.*` none; and, when the event lists the fields it changed
/// (`{old, new}` metadata), one of the change's fields.
/// An event that names no object this way is never taken: no author rather than a wrong one. Changes
/// with no such event keep author nullopt.
void attribute_authors(Plan& plan, const std::vector<model::Event>& events, const AuthorContext& context);

/// The values of an author that come from the audit log or the account, as describe shows them.
enum class AuthorPart { login, user_id, time, ip, token_name, token_id };
using AuthorValue = std::function<std::string(AuthorPart, std::string_view)>;

/// "by jordan@example.com, 2026-12-01 10:03 UTC, from 192.0.2.7, token 'laptop'", or for an event made
/// with the token this run uses "with this tool's own token: by ..." (first, so that no login or token
/// name can read as it): the author as one line, each value passed through `value` (markdown makes each a
/// code span) and the words around them plain text, with no markup. The time is shown when readable.
std::string describe(const Author& author, const AuthorValue& value);

/// describe with the values as they are, a token name in single quotes: plain text, unescaped (renderers
/// escape it as they escape names).
std::string describe(const Author& author);

}  // namespace fastly_accounts::plan
