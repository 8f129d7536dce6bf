#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <fastly_accounts/apply/executor.hpp>
#include <fastly_accounts/model/index.hpp>
#include <fastly_accounts/plan/diff.hpp>
#include <fastly_accounts/util/parallel.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "change_fields.hpp"
#include "dependencies.hpp"
#include "service_access.hpp"

namespace fastly_accounts::apply {

namespace {

using detail::bool_to;
using detail::field;
using detail::list;
using detail::list_to;
using detail::object_key;
using detail::string_to;
using live::Collection;
using live::Link;
using live::Relation;
using model::Kind;
using plan::Action;
using plan::Change;

// Thrown inside a change when the rate limit stops the run.
struct RateLimited {
    std::optional<long long> retry_at;
};

// When a replaced invitation was deleted and the new one not made: the groups it was in, which no later
// read can tell, and what the next apply does about them. "" when it was in none.
std::string lost_memberships(const Change& change) {
    const auto* groups = list(change, plan::Field::user_groups);
    if (groups == nullptr || groups->add.empty()) {
        return "";
    }
    return fmt::format(
        "the old invitation was deleted, and with it its place in user groups {}: the next apply "
        "invites {} again, but puts the invitation back only into the groups whose members the files "
        "list",
        util::join(groups->add, ", "), change.key);
}

// The writes of `sent` that the API answered with success: what a change stopped midway has done.
std::vector<std::string> writes_made(const std::vector<live::SentRequest>& sent) {
    std::vector<std::string> out;
    for (const auto& request : sent) {
        if (request.method != "GET" && request.status >= 200 && request.status < 300) {
            out.push_back(request.method + " " + request.target);
        }
    }
    return out;
}

class Executor {
public:
    Executor(const plan::Plan& plan, const model::LiveAccount& live, live::ApiClient& api, Journal& journal,
             const ExecuteOptions& options)
        : m_plan(plan), m_live(live), m_api(api), m_journal(journal), m_options(options), m_dependencies(plan),
          m_renamed(renamed_live(plan, live)), m_index(m_renamed ? *m_renamed : live, options.now_epoch) {}

    ApplyReport run();

private:
    void run_change(const Change& change);
    // Deletes, creates (looking up a create whose answer was lost) or re-describes a role or group; returns
    // its id, or nullopt when it was deleted.
    std::optional<std::string> upsert_named(const Change& change, Collection collection);
    // Adds and removes the entries of the list `field` of `change` through `relation` of `owner`.
    void apply_links(const Change& change, plan::Field field, Relation relation, const std::string& owner,
                     const std::function<Link(const std::string& entry, bool adding)>& link_of);
    void run_role(const Change& change);
    void run_service_group(const Change& change);
    void run_invitation(const Change& change);
    void run_user(const Change& change);
    void run_user_group(const Change& change);
    void run_customer(const Change& change);

    void warn_if_over_limit(int stage);

    // Calls `call`; a 429 that the HTTP layer read as the hourly budget spent stops the run. Nothing is
    // waited or resent here: http::RetryPolicy, the one place that decides retries, has done that.
    template <typename Call>
    auto limited(Call call) -> decltype(call()) {
        try {
            return call();
        } catch (const live::ApiError& e) {
            if (e.budget_spent()) {
                throw RateLimited{e.retry_at()};
            }
            throw;
        }
    }

    // The sends of one create or one addition of links, all rounds together: the HTTP layer's own bound
    // (http::RetryPolicy::max_attempts), which a lookup between rounds does not reset.
    static constexpr int max_sends = 4;

    // A create whose outcome is unknown (no answer, or a 5xx) is looked up before it is tried again, and so
    // is one refused as a duplicate (409): an earlier attempt of this run may have made it after all.
    std::string create_checked(const std::function<std::string()>& post,
                               const std::function<std::optional<std::string>()>& find_existing) {
        int sent = 0;
        for (int round = 1;; ++round) {
            if (round > 1) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100 << round));
            }
            try {
                return limited(post);
            } catch (const live::ApiError& e) {
                if (!e.outcome_unknown() && e.status() != 409) {
                    throw;
                }
                sent += e.attempts();
                spdlog::info("{}; looking it up before trying again", e.what());
                if (auto id = find_existing()) {
                    return *id;
                }
                if (sent >= max_sends || e.status() == 409) {
                    throw;
                }
            }
        }
    }

    // Adds links; when the outcome is unknown, reads the list back and sends only what is still missing,
    // after a growing pause (as the HTTP layer does for the requests it may resend by itself).
    void add_links_checked(Relation relation, const std::string& owner, std::vector<Link> links) {
        int sent = 0;
        for (int round = 1; !links.empty(); ++round) {
            try {
                limited([&] { m_api.add_links(relation, owner, links); });
                return;
            } catch (const live::ApiError& e) {
                sent += e.attempts();
                if (!e.outcome_unknown() || sent >= max_sends) {
                    throw;
                }
                spdlog::info("{}; reading the list back to send only what is missing", e.what());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100 << round));
            std::set<std::string> present;
            for (const auto& link : m_api.list_links(relation, owner)) {
                present.insert(link.id);
            }
            std::erase_if(links, [&](const Link& l) { return present.count(l.id) > 0; });
        }
    }

    void remove_links(Relation relation, const std::string& owner, const std::vector<Link>& links) {
        if (!links.empty()) {
            limited([&] { m_api.remove_links(relation, owner, links); });
        }
    }

    // Deleting what is already gone is success: a retried DELETE may find its own earlier work done.
    void delete_tolerant(const std::function<void()>& call) {
        try {
            limited(call);
        } catch (const live::ApiError& e) {
            if (e.status() != 404) {
                throw;
            }
        }
    }

    void remember(Kind kind, const std::string& key, const std::string& id) {
        std::lock_guard lock(m_mutex);
        m_created[object_key(kind, key)] = id;
    }

    std::optional<std::string> created(Kind kind, const std::string& key) const {
        std::lock_guard lock(m_mutex);
        auto it = m_created.find(object_key(kind, key));
        return it == m_created.end() ? std::nullopt : std::optional(it->second);
    }

    std::string role_id(const std::string& name) const;
    std::vector<std::string> role_ids(const std::vector<std::string>& names) const;
    std::string service_group_id(const std::string& name) const;
    std::string live_user_group_id(const std::string& name) const;
    Link member_link(const std::string& person, bool adding) const;

    // The account as it stands once the plan's renames are done, when it has any: the names the changes use
    // resolve to the same ids whether a rename has been sent yet or not.
    static std::optional<model::LiveAccount> renamed_live(const plan::Plan& plan, const model::LiveAccount& live) {
        const auto renames = plan::renames_of(plan);
        return renames.empty() ? std::nullopt : std::optional(plan::renamed(live, renames));
    }

    const plan::Plan& m_plan;
    const model::LiveAccount& m_live;
    live::ApiClient& m_api;
    Journal& m_journal;
    const ExecuteOptions& m_options;
    detail::Dependencies m_dependencies;  // what waits for the objects the plan makes or renames
    std::optional<model::LiveAccount> m_renamed;
    // The same index diff used: a group change resolves each of its members, and a large plan has thousands.
    model::LiveIndex m_index;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, std::string> m_created;  // object key -> id made by this run
    std::vector<ChangeOutcome> m_results;
    std::size_t m_completed = 0;
    bool m_stopped = false;
    bool m_interrupted = false;  // stop_requested said so: no change starts any more
    std::optional<long long> m_retry_at;
};

std::string Executor::role_id(const std::string& name) const {
    if (auto id = created(Kind::roles, name)) {
        return *id;
    }
    if (const auto* role = m_index.custom_role(name)) {
        return role->id;
    }
    if (const auto* role = m_index.role(name)) {
        return role->id;
    }
    throw util::Error(fmt::format("role '{}' does not exist", name));
}

std::vector<std::string> Executor::role_ids(const std::vector<std::string>& names) const {
    std::vector<std::string> ids;
    for (const auto& name : names) {
        ids.push_back(role_id(name));
    }
    return ids;
}

std::string Executor::live_user_group_id(const std::string& name) const {
    if (const auto* group = m_index.user_group(name)) {
        return group->id;
    }
    throw util::Error(fmt::format("user group '{}' does not exist", name));
}

std::string Executor::service_group_id(const std::string& name) const {
    if (auto id = created(Kind::service_groups, name)) {
        return *id;
    }
    if (const auto* group = m_index.service_group(name)) {
        return group->id;
    }
    throw util::Error(fmt::format("service group '{}' does not exist", name));
}

// A person as a group member: a user, or an invitation (made by this run, or pending in the account).
Link Executor::member_link(const std::string& person, bool adding) const {
    if (const auto* user = m_index.user(person)) {
        return {user->id, "user", user->login};
    }
    if (auto id = created(Kind::users, person)) {
        return {*id, "user", person};
    }
    if (auto id = created(Kind::invitations, person)) {
        return {*id, "invitation", person};
    }
    const model::Invitation* best = m_index.invitation(person);
    if (best != nullptr && (m_index.usable(*best) || !adding)) {
        return {best->id, "invitation", person};
    }
    throw util::Error(fmt::format("'{}' is neither a user nor a pending invitation", person));
}

std::optional<std::string> Executor::upsert_named(const Change& change, Collection collection) {
    if (change.action == Action::remove) {
        delete_tolerant([&] { m_api.remove(collection, change.id); });
        return std::nullopt;
    }
    if (change.action != Action::create) {
        // A rename (`previously:`) and a new description go in one PATCH, which keeps the id.
        const auto name = string_to(change, plan::Field::name);
        const auto description = string_to(change, plan::Field::description);
        if (name || description) {
            limited([&] { m_api.update(collection, change.id, name, description); });
        }
        return change.id;
    }
    const std::string id = create_checked(
        [&] { return m_api.create(collection, change.key, string_to(change, plan::Field::description)); },
        [&]() -> std::optional<std::string> {
            for (const auto& existing : m_api.list(collection)) {
                if (existing.name == change.key) {
                    return existing.id;
                }
            }
            return std::nullopt;
        });
    remember(change.kind, change.key, id);
    return id;
}

void Executor::apply_links(const Change& change, plan::Field field, Relation relation, const std::string& owner,
                           const std::function<Link(const std::string& entry, bool adding)>& link_of) {
    const auto* changes = list(change, field);
    if (changes == nullptr) {
        return;
    }
    auto links = [&](const std::vector<std::string>& entries, bool adding) {
        std::vector<Link> out;
        for (const auto& entry : entries) {
            out.push_back(link_of(entry, adding));
        }
        return out;
    };
    add_links_checked(relation, owner, links(changes->add, true));
    remove_links(relation, owner, links(changes->remove, false));
}

void Executor::run_role(const Change& change) {
    if (auto id = upsert_named(change, Collection::roles)) {
        apply_links(change, plan::Field::permissions, Relation::role_permissions, *id,
                    [&](const std::string& name, bool) {
                        const auto* permission = m_live.find_permission(name);
                        if (permission == nullptr) {
                            throw util::Error(fmt::format("permission '{}' does not exist", name));
                        }
                        return Link{permission->id, "", name};
                    });
    }
}

void Executor::run_service_group(const Change& change) {
    if (auto id = upsert_named(change, Collection::service_groups)) {
        apply_links(change, plan::Field::services, Relation::service_group_services, *id,
                    [](const std::string& service, bool) {
                        return Link{service, "", ""};
                    });
    }
}

void Executor::run_invitation(const Change& change) {
    if (change.action == Action::remove || change.action == Action::replace) {
        delete_tolerant([&] { m_api.delete_invitation(change.id); });
        if (change.action == Action::remove) {
            return;
        }
    }
    model::Invitation invitation;
    invitation.email = change.key;
    if (const auto* grants = list(change, plan::Field::service_authorizations)) {
        invitation.services.emplace();
        for (const auto& [service, permission] : plan::grant_delta(*grants).grant) {
            (*invitation.services)[service] = permission;
        }
    }
    if (auto role = string_to(change, plan::Field::role)) {
        invitation.role = model::parse_user_role(*role);
    }
    if (auto roles = list_to(change, plan::Field::roles)) {
        invitation.roles = role_ids(*roles);
    }
    invitation.limit_services = bool_to(change, plan::Field::limit_services);
    const std::string key = model::email_key(change.key);
    // A pending invitation found after a lost answer or a 409 is ours only when it says what we sent: one
    // made by hand in between (or a second one for the same person) is never adopted as this change's.
    auto same_as_sent = [&](const model::Invitation& existing) {
        auto ids = [](std::vector<std::string> list) {
            std::sort(list.begin(), list.end());
            return list;
        };
        // A field the listing does not show cannot tell them apart, so it is not held against the match.
        return (!invitation.role || !existing.role || existing.role == invitation.role) &&
               (!invitation.limit_services || !existing.limit_services ||
                *existing.limit_services == *invitation.limit_services) &&
               (!invitation.roles || !existing.roles || ids(*existing.roles) == ids(*invitation.roles));
    };
    std::string id;
    try {
        id = create_checked(
            [&] { return m_api.create_invitation(m_live.customer.id, invitation); },
            [&]() -> std::optional<std::string> {
                for (const auto& existing : m_api.list_invitations()) {
                    if (model::email_key(existing.email) != key || !existing.active || existing.id == change.id) {
                        continue;
                    }
                    if (!same_as_sent(existing)) {
                        throw util::Error(fmt::format(
                            "another pending invitation for {} exists (id {}, role {}), not the one this plan sends; "
                            "it was not taken for it: the next plan shows it",
                            existing.email, existing.id, existing.role ? model::to_string(*existing.role) : "unknown"));
                    }
                    return existing.id;
                }
                return std::nullopt;
            });
    } catch (const std::exception& e) {
        if (const std::string lost = lost_memberships(change); change.action == Action::replace && !lost.empty()) {
            throw util::Error(fmt::format("{}; {}", e.what(), lost));
        }
        throw;
    }
    remember(Kind::invitations, change.key, id);
    // A replaced invitation goes back into the user groups the old one was in (the plan lists them).
    if (const auto* groups = list(change, plan::Field::user_groups)) {
        for (const auto& name : groups->add) {
            add_links_checked(Relation::user_group_members, live_user_group_id(name),
                              {Link{id, "invitation", change.key}});
        }
    }
}

void Executor::run_user(const Change& change) {
    if (change.action == Action::remove) {
        if (const auto* tokens = list(change, plan::Field::tokens)) {
            limited([&] { detail::revoke_tokens(m_api, tokens->remove); });  // Fastly keeps a user who holds one
        }
        delete_tolerant([&] { m_api.delete_user(change.id); });
        return;
    }
    const auto* grants = list(change, plan::Field::service_authorizations);
    const plan::GrantDelta delta = grants != nullptr ? plan::grant_delta(*grants) : plan::GrantDelta{};
    const detail::CreateChecked checked = [this](const auto& post, const auto& find) {
        return create_checked(post, find);
    };
    model::User user;
    user.login = change.key;
    user.name = string_to(change, plan::Field::name);
    if (auto role = string_to(change, plan::Field::role)) {
        user.role = model::parse_user_role(*role);
    }
    if (auto roles = list_to(change, plan::Field::roles)) {
        user.roles = role_ids(*roles);
    }
    user.limit_services = bool_to(change, plan::Field::limit_services);
    user.locked = bool_to(change, plan::Field::locked);
    user.require_new_password = bool_to(change, plan::Field::require_new_password);
    if (change.action == Action::update) {
        // Revocations first, then limit_services, then the role: the order in which Fastly accepts them.
        limited([&] { detail::revoke_grants(m_api, m_index, change.id, delta.revoke); });
        if (plan::role_waits_for_limit(change)) {
            model::User role_only;
            role_only.role = user.role;
            user.role.reset();
            limited([&] { m_api.update_user(change.id, user); });
            limited([&] { m_api.update_user(change.id, role_only); });
        } else if (!change.fields.empty()) {
            limited([&] { m_api.update_user(change.id, user); });
        }
        limited([&] { detail::grant(m_api, m_index, change.id, delta, checked); });
        return;
    }
    const std::string key = model::email_key(change.key);
    const std::string id = create_checked([&] { return m_api.create_user(user); },
                                          [&]() -> std::optional<std::string> {
                                              for (const auto& existing : m_api.list_users(m_live.customer.id)) {
                                                  if (model::email_key(existing.login) == key) {
                                                      return existing.id;
                                                  }
                                              }
                                              return std::nullopt;
                                          });
    remember(Kind::users, change.key, id);
    limited([&] { detail::grant(m_api, m_index, id, delta, checked); });
}

void Executor::run_user_group(const Change& change) {
    const auto id = upsert_named(change, Collection::user_groups);
    if (!id) {
        return;
    }
    apply_links(change, plan::Field::roles, Relation::user_group_roles, *id, [&](const std::string& name, bool) {
        return Link{role_id(name), "", name};
    });
    apply_links(change, plan::Field::service_groups, Relation::user_group_service_groups, *id,
                [&](const std::string& name, bool) {
                    return Link{service_group_id(name), "", name};
                });
    apply_links(change, plan::Field::members, Relation::user_group_members, *id,
                [&](const std::string& person, bool adding) { return member_link(person, adding); });
}

// The customer's settings, in one PUT: contacts by their users' IDs (a user made by this run, or live).
void Executor::run_customer(const Change& change) {
    model::CustomerSettings settings;
    settings.force_2fa = bool_to(change, plan::Field::force_2fa);
    settings.force_sso = bool_to(change, plan::Field::force_sso);
    if (const auto* allowlist = field(change, plan::Field::ip_allowlist)) {
        const auto* entries = std::get_if<std::vector<std::string>>(&allowlist->to);
        settings.ip_allowlist = entries != nullptr ? *entries : std::vector<std::string>{};
    }
    for (const auto& f : change.fields) {
        const auto contact = plan::field_contact(f.field);
        if (!contact) {
            continue;
        }
        const auto* login = std::get_if<std::string>(&f.to);
        if (login == nullptr) {
            settings.contacts[*contact] = std::nullopt;
        } else if (const auto* user = m_index.user(*login)) {
            settings.contacts[*contact] = user->id;
        } else {
            throw util::Error(fmt::format("contact '{}' is not a user of the account", *login));
        }
    }
    limited([&] { m_api.update_customer(change.id, settings); });
}

void Executor::run_change(const Change& change) {
    switch (change.kind) {
        case Kind::roles:
            run_role(change);
            break;
        case Kind::service_groups:
            run_service_group(change);
            break;
        case Kind::invitations:
            run_invitation(change);
            break;
        case Kind::users:
            run_user(change);
            break;
        case Kind::user_groups:
            run_user_group(change);
            break;
        case Kind::customer:
            run_customer(change);
            break;
    }
}

void Executor::warn_if_over_limit(int stage) {
    const auto remaining = m_options.writes_remaining ? m_options.writes_remaining() : std::nullopt;
    if (!remaining || m_stopped) {
        return;
    }
    long long needed = 0;
    for (const auto& change : m_plan.changes) {
        if (static_cast<int>(change.stage) >= stage) {
            needed += std::count_if(change.requests.begin(), change.requests.end(),
                                    [](const plan::Request& r) { return r.method != "GET"; });
        }
    }
    if (needed > *remaining) {
        spdlog::warn(
            "the rest of the plan needs {} write requests, but the API allows {} more this hour: apply will "
            "stop at the limit (exit 5) unless --max-wait covers the reset; rerunning after it finishes the job",
            needed, *remaining);
        m_journal.append({{"event", "rate-limit-warning"},
                          {"stage", stage},
                          {"writes_needed", needed},
                          {"writes_remaining", *remaining}});
    }
}

ApplyReport Executor::run() {
    ApplyReport report;
    m_results.resize(m_plan.changes.size());
    for (int stage = 1; stage <= plan::stage_count; ++stage) {
        warn_if_over_limit(stage);
        std::vector<std::size_t> indexes;
        for (std::size_t i = 0; i < m_plan.changes.size(); ++i) {
            if (static_cast<int>(m_plan.changes[i].stage) == stage) {
                indexes.push_back(i);
            }
        }
        util::parallel_for(indexes.size(), m_options.concurrency, [&](std::size_t n) {
            const std::size_t index = indexes[n];
            const Change& change = m_plan.changes[index];
            ChangeOutcome result{&change, Outcome::done, ""};
            nlohmann::ordered_json sent = nlohmann::ordered_json::array();  // what the change really sent
            bool stopped = false;
            bool interrupted = false;
            {
                std::lock_guard lock(m_mutex);
                stopped = m_stopped;
                m_interrupted = m_interrupted || (!m_stopped && m_options.stop_requested && m_options.stop_requested());
                interrupted = m_interrupted;
            }
            if (stopped) {
                result = {&change, Outcome::skipped, "not attempted: the API rate limit stopped the run"};
            } else if (interrupted) {
                result = {&change, Outcome::skipped, "not attempted: apply was interrupted"};
            } else if (auto why = m_dependencies.failed(change)) {
                result = {&change, Outcome::skipped, "skipped: " + *why};
            } else {
                live::RequestRecorder recorder;
                try {
                    run_change(change);
                } catch (const RateLimited& limit) {
                    // A change the limit stopped after some of its writes is half done, never "not attempted".
                    const auto made = writes_made(recorder.sent());
                    if (made.empty()) {
                        result = {&change, Outcome::skipped, "not attempted: the API rate limit stopped the run"};
                    } else {
                        std::string message = fmt::format(
                            "stopped midway by the API rate limit, after {} ({}); the next apply finishes it",
                            util::plural(made.size(), "write", "writes"), util::join(made, ", "));
                        const std::string lost = lost_memberships(change);
                        if (change.action == Action::replace && !lost.empty() &&
                            !created(Kind::invitations, change.key)) {
                            message += "; " + lost;
                        }
                        result = {&change, Outcome::failed, message};
                    }
                    std::lock_guard lock(m_mutex);
                    m_stopped = true;
                    m_retry_at = limit.retry_at;
                } catch (const std::exception& e) {
                    result = {&change, Outcome::failed, e.what()};
                }
                for (const auto& request : recorder.sent()) {
                    sent.push_back({{"method", request.method},
                                    {"target", request.target},
                                    {"status", request.status},
                                    {"attempts", request.attempts}});
                }
            }
            nlohmann::ordered_json requests = nlohmann::ordered_json::array();
            for (const auto& request : change.requests) {
                requests.push_back({{"method", request.method}, {"path", request.path}});
            }
            m_journal.append({{"event", "change"},
                              {"stage", stage},
                              {"action", plan::to_string(change.action)},
                              {"kind", model::to_string(change.kind)},
                              {"key", change.key},
                              {"id", change.id},
                              {"requests", requests},
                              {"sent", sent},
                              {"result", to_string(result.outcome)},
                              {"error", result.message}});
            m_dependencies.record(change, result.outcome);
            std::lock_guard lock(m_mutex);
            m_results[index] = result;
            ++m_completed;
            if (m_options.on_progress) {
                m_options.on_progress(result, m_completed, m_plan.changes.size());
            }
        });
    }
    for (const auto& result : m_results) {
        report.outcomes.push_back(result);
        switch (result.outcome) {
            case Outcome::done:
                ++report.done;
                break;
            case Outcome::failed:
                ++report.failed;
                break;
            case Outcome::skipped:
                ++report.skipped;
                break;
        }
    }
    report.rate_limited = m_stopped;
    report.interrupted = m_interrupted;
    report.retry_at = m_retry_at;
    return report;
}

}  // namespace

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::done:
            return "done";
        case Outcome::failed:
            return "failed";
        case Outcome::skipped:
            return "skipped";
    }
    return "";
}

ApplyReport execute(const plan::Plan& plan, const model::LiveAccount& live, live::ApiClient& api, Journal& journal,
                    const ExecuteOptions& options) {
    return Executor(plan, live, api, journal, options).run();
}

}  // namespace fastly_accounts::apply
