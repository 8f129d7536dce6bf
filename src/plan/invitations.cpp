// Invitations in the diff: sending one, replacing a pending one that departs from the files (the API cannot
// change an invitation), carrying the replaced one's user-group memberships, and the live invitations the
// files do not list.
#include <fastly_accounts/util/time.hpp>
#include "differ.hpp"

namespace fastly_accounts::plan::detail {

// A person's invitation as the files want it, from the fields the files give and, for the ones they
// leave out, the live invitation's (a replacement must not lose what was not managed). Sent as a new
// invitation; `live` is the one it replaces, or null.
void Differ::invite(const std::string& email, const Wanted& want, const model::Invitation* live,
                    const std::string& note) {
    const auto& role = want.role;
    const auto& roles = want.roles;
    const auto& limit_services = want.limit_services;
    const auto& services = want.services;
    const bool replace = live != nullptr;
    Change change{Stage::create_people,
                  replace ? Action::replace : Action::create,
                  Kind::invitations,
                  email,
                  replace ? live->id : "",
                  {},
                  {},
                  {},
                  note,
                  {}};
    const auto role_text = [](const std::optional<model::UserRole>& r) {
        return r ? Value(std::string(model::to_string(*r))) : Value{};
    };
    const std::optional<model::UserRole> send_role = role ? role : (replace ? live->role : std::nullopt);
    if (send_role) {
        change.fields.push_back({Field::role, replace ? role_text(live->role) : Value{}, role_text(send_role)});
    }
    std::optional<std::vector<std::string>> send_roles = roles;
    if (roles) {
        role_identities(*roles, located(where_of(email), fmt::format("invitation '{}'", email)));  // unknown roles
        if (replace) {
            send_roles = with_ignored_roles(*roles, live->roles.value_or(std::vector<std::string>{}));
        }
    } else if (replace && live->roles) {
        send_roles = live->roles;
    }
    if (send_roles) {
        change.fields.push_back({Field::roles, replace && live->roles ? Value(sorted(*live->roles)) : Value{},
                                 canonical_roles(*send_roles)});
    }
    std::optional<bool> send_limit = limit_services;
    if (!send_limit && replace) {
        send_limit = live->limit_services;
    }
    if (send_limit) {
        change.fields.push_back({Field::limit_services,
                                 replace && live->limit_services ? Value(*live->limit_services) : Value{},
                                 *send_limit});
    }
    if (send_role == model::UserRole::superuser) {
        change.sensitive.push_back("privilege escalation: invited as superuser");
    }
    for (const auto& why : escalations({}, send_roles.value_or(std::vector<std::string>{}))) {
        change.sensitive.push_back("privilege escalation: invited with " + why);
    }
    if (services && !services->empty()) {
        ListChange grants{Field::service_authorizations, {}, {}};
        for (const auto& [service, permission] : *services) {
            grants.add.push_back(grant_entry(service, permission));
        }
        change.lists.push_back(std::move(grants));
    } else if (!services && replace && live->limit_services.value_or(false) && send_limit.value_or(false)) {
        // The list of invitations does not show what one grants per service, so a replacement can send
        // only what the files give.
        change.sensitive.push_back(
            "access lost: the pending invitation is service-limited, and its per-service grants "
            "(service_invitations) cannot be read, so they are not sent again; list them under `services`");
    }
    if (replace) {
        change.requests.push_back({"DELETE", api_path::invitation(live->id)});
    }
    change.requests.push_back({"POST", api_path::invitations()});
    if (replace) {
        carry_memberships(change, email);
    }
    add(std::move(change));
}

// Deleting an invitation takes it out of its user groups. The replacement is put back into each of them
// in the same change, unless the files give that group's members without this person; either way the
// change lists the groups (`user_groups`: + carried, - let go), so one apply converges and nobody who
// accepts in between lands without access.
void Differ::carry_memberships(Change& change, const std::string& email) {
    const std::string key = model::email_key(email);
    auto& handled = m_replaced[key];
    ListChange groups{Field::user_groups, {}, {}};
    for (const auto& group : m_live.state.user_groups) {
        const auto& members = group.members.value_or(std::vector<std::string>{});
        const bool member = std::any_of(members.begin(), members.end(),
                                        [&](const std::string& m) { return model::email_key(m) == key; });
        if (!member || group_deleted(group.name)) {
            continue;
        }
        handled.insert(group.name);
        bool keep = true;
        if (auto d = m_desired_user_groups.find(group.name); d != m_desired_user_groups.end() && d->second->members) {
            const auto& wanted = *d->second->members;
            keep = std::any_of(wanted.begin(), wanted.end(),
                               [&](const std::string& m) { return model::email_key(m) == key; });
        }
        if (keep) {
            groups.add.push_back(group.name);
            change.requests.push_back({"POST", api_path::user_group_members(group.id)});
        } else {
            groups.remove.push_back(group.name);
        }
    }
    if (!groups.add.empty() || !groups.remove.empty()) {
        change.lists.push_back(std::move(groups));
    }
}

// A pending invitation is compared with what the files want for the person (role, roles,
// limit_services). The API cannot update an invitation, so one that departs is replaced.
void Differ::pending(const std::string& email, const Wanted& want, const model::Invitation& live, const Where& where) {
    const auto& role = want.role;
    const auto& roles = want.roles;
    const auto& limit_services = want.limit_services;
    const auto& services = want.services;
    // Only what the API's listing gives can be compared: a field it leaves out is unknown, and taking it
    // for "none" would replace the invitation (and mail the person again) on every apply.
    std::vector<std::string> departs;
    std::vector<std::string> unknown;
    if (role) {
        if (!live.role) {
            unknown.push_back("role");
        } else if (role != live.role) {
            departs.push_back("role");
        }
    }
    if (roles) {
        if (!live.roles) {
            unknown.push_back("roles");
        } else if (roles_differ(with_ignored_roles(*roles, *live.roles), *live.roles, where)) {
            departs.push_back("roles");
        }
    }
    if (limit_services) {
        if (!live.limit_services) {
            unknown.push_back("limit_services");
        } else if (*limit_services != *live.limit_services) {
            departs.push_back("limit_services");
        }
    }
    if (services && !live.services) {
        unknown.push_back("services");
    } else if (services && *services != *live.services) {
        departs.push_back("services");
    }
    if (!unknown.empty()) {
        m_plan.notes.push_back(fmt::format(
            "{}: the API's invitation list does not give the pending invitation's {}, so {} not compared with the "
            "files (to be sure, delete the invitation in Fastly: the next apply sends it as the files say)",
            email, util::join(unknown, ", "), unknown.size() == 1 ? "it is" : "they are"));
    }
    if (departs.empty()) {
        return;
    }
    invite(email, want, &live,
           fmt::format("the pending invitation departs from the files ({}); an invitation cannot be changed, so it is "
                       "deleted and sent again, in the same user groups",
                       util::join(departs, ", ")));
}

bool Differ::resent_for_expired_grants(const std::string& email, const std::map<std::string, model::Terms>& terms,
                                       const Wanted& want, const model::Invitation& live) {
    // A grant past its `expires` (plan::without_expired left its terms) that a pending invitation sent before
    // then still carries: an invitation cannot be changed, only sent again without it. One sent after the
    // expiry was sent without it (the list of invitations does not show grants, so its age is the witness).
    std::vector<std::string> expired;
    for (const auto& [service, grant] : terms) {
        if (grant.expires && *grant.expires <= m_options.now_epoch) {
            expired.push_back(service);
        }
    }
    if (expired.empty()) {
        return false;
    }
    const auto sent = util::parse_utc(live.created_at);
    if (!sent) {
        m_plan.notes.push_back(fmt::format(
            "{}: the grant of {} expired, but the API does not say when the pending invitation was sent, so whether "
            "it still carries the grant cannot be told; to be sure, delete the invitation in Fastly (the next apply "
            "sends it as the files say)",
            email, util::join(expired, ", ")));
        return false;
    }
    std::erase_if(expired, [&](const std::string& service) { return *sent >= *terms.at(service).expires; });
    if (expired.empty()) {
        return false;
    }
    invite(email, want, &live,
           fmt::format("its grant of {} expired; the pending invitation still carries it, so it is sent again "
                       "without it",
                       util::join(expired, ", ")));
    return true;
}

void Differ::diff_invitations() {
    std::set<std::string> desired_invitations;
    for (const auto& invitation : m_desired.invitations) {
        const std::string key = model::email_key(invitation.email);
        desired_invitations.insert(key);
        if (m_index.user(key) != nullptr) {
            m_plan.notes.push_back(
                fmt::format("{}: accepted the invitation and is now a user; move the entry from invitations: to users:",
                            invitation.email));
            continue;
        }
        const Where where = located(invitation.where, fmt::format("invitation '{}'", invitation.email));
        const model::Invitation* found = m_index.invitation(key);
        if (found != nullptr && usable(*found) &&
            resent_for_expired_grants(invitation.email, invitation.service_terms, wanted(invitation, where), *found)) {
            continue;
        }
        if (found != nullptr && usable(*found)) {
            if (invitation.roles) {
                role_identities(*invitation.roles, where);
            }
            pending(invitation.email, wanted(invitation, where), *found, where);
            continue;
        }
        invite(invitation.email, wanted(invitation, where), found,
               found != nullptr ? "the invitation expired; it is sent again" : "");
    }
    std::set<std::string> desired_users;
    for (const auto& user : m_desired.users) {
        desired_users.insert(model::email_key(user.login));
    }
    for (const auto& have : m_live.state.invitations) {
        const std::string key = model::email_key(have.email);
        if (ignored(Kind::invitations, have.email)) {
            continue;
        }
        // A listed person's invitation (pending or replaced above) is theirs. Another pending one for the same
        // person (ZOË@ beside zoë@) would let them accept with what the files do not say: it goes.
        if (desired_invitations.count(key) > 0 || desired_users.count(key) > 0) {
            if (usable(have) && m_index.invitation(key) != &have) {
                Change extra{Stage::delete_people_and_groups,
                             Action::remove,
                             Kind::invitations,
                             have.email,
                             have.id,
                             {},
                             {},
                             {{"DELETE", api_path::invitation(have.id)}},
                             "a second pending invitation for a person the files list once; only one is kept",
                             {}};
                if (have.role == model::UserRole::superuser) {
                    extra.sensitive.push_back("a pending invitation as superuser that the files do not describe");
                }
                add(std::move(extra));
            }
            continue;
        }
        if (pruned(Kind::invitations)) {
            add({Stage::delete_people_and_groups,
                 Action::remove,
                 Kind::invitations,
                 have.email,
                 have.id,
                 {},
                 {},
                 {{"DELETE", api_path::invitation(have.id)}},
                 usable(have) ? "" : "expired",
                 {}});
        } else if (usable(have)) {
            m_plan.unmanaged.push_back({Kind::invitations, have.email});
        } else {
            // Invisible otherwise: expired invitations pile up unseen.
            m_plan.notes.push_back(fmt::format(
                "{}: an expired invitation{} that the files do not list; it can no longer be accepted (unmanaged: "
                "prune invitations to delete it, or list the person to invite them again)",
                have.email, have.created_at.size() >= 10 ? " (sent " + have.created_at.substr(0, 10) + ")" : ""));
        }
    }
}

}  // namespace fastly_accounts::plan::detail
