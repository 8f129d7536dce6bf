// The account's own settings in the diff (`customer:` in the files): its contacts, set in stage 5 once
// people are in and before anyone is deleted; and what locks people out (force_2fa, force_sso, the IP
// allowlist), enforced in stage 8, last, with its consequences spelled out for the reviewer.
#include "differ.hpp"

namespace fastly_accounts::plan::detail {

namespace {

// At most this many people are named in a consequence; the rest are counted.
constexpr std::size_t named_at_most = 10;

std::string some_of(const std::vector<std::string>& people) {
    if (people.size() <= named_at_most) {
        return util::join(people, ", ");
    }
    const std::vector<std::string> first(people.begin(), people.begin() + named_at_most);
    return fmt::format("{} and {} more", util::join(first, ", "), people.size() - named_at_most);
}

Value login_value(const std::optional<std::string>& login) {
    return login ? Value(*login) : Value{};
}

Value allowlist_value(const std::vector<std::string>& entries) {
    return entries;
}

}  // namespace

// A user the plan deletes: not listed, not ignored, and users are pruned.
bool Differ::user_deleted(const std::string& login) const {
    return pruned(Kind::users) && m_desired_people.count(model::email_key(login)) == 0 && !ignored(Kind::users, login);
}

void Differ::refuse_deleting_a_contact(const model::User& have) {
    for (const auto& [contact, login] : m_live.settings.contacts) {
        if (!login || model::email_key(*login) != model::email_key(have.login)) {
            continue;
        }
        const bool replaced = m_desired.customer && m_desired.customer->contacts.count(contact) > 0 &&
                              m_desired.customer->contacts.at(contact) != login;
        if (!replaced) {
            m_problems.push_back(
                {m_desired.customer ? m_desired.customer->where : model::SourceLocation{},
                 fmt::format("user '{}' is the account's {} contact, and this plan deletes them (not listed; "
                             "policy.prune covers users): name another under customer.contacts.{} (or null), or "
                             "list them",
                             have.login, model::to_string(contact), model::to_string(contact))});
        }
    }
}

void Differ::diff_customer() {
    if (!m_desired.customer) {
        return;
    }
    const model::CustomerSettings& want = *m_desired.customer;
    const model::CustomerSettings& have = m_live.settings;
    const std::string key = m_live.customer.name.empty() ? m_live.customer.id : m_live.customer.name;
    const std::string id = m_live.customer.id;

    Change contacts{Stage::customer_contacts, Action::update, Kind::customer, key, id, {}, {}, {}, "", {}};
    for (const auto& [contact, login] : want.contacts) {
        const auto at = want.contact_at.count(contact) ? want.contact_at.at(contact) : want.where;
        const std::string what = fmt::format("customer.contacts.{}", model::to_string(contact));
        if (login) {
            if (m_index.user(*login) == nullptr) {
                const bool invited = m_desired_people.count(model::email_key(*login)) > 0;
                m_problems.push_back(
                    {at, fmt::format("{}: '{}' is {}; a contact must be a user of the account", what, *login,
                                     invited ? "not a user yet (listed, with no account: invited)"
                                             : "not a user of the account")});
                continue;
            }
            if (user_deleted(*login)) {
                m_problems.push_back({at, fmt::format("{}: '{}' is a user this plan deletes (not listed, and "
                                                      "policy.prune covers users); choose another contact, or list "
                                                      "them",
                                                      what, *login)});
                continue;
            }
        }
        const auto live = have.contacts.count(contact) ? have.contacts.at(contact) : std::nullopt;
        const bool same = login && live ? model::email_key(*login) == model::email_key(*live) : !login && !live;
        if (!same) {
            contacts.fields.push_back({contact_field(contact), login_value(live), login_value(login)});
        }
    }
    if (!contacts.fields.empty()) {
        contacts.requests.push_back({"PUT", api_path::customer(id)});
        add(std::move(contacts));
    }

    Change security{Stage::customer_security, Action::update, Kind::customer, key, id, {}, {}, {}, "", {}};
    std::vector<std::string> remaining;  // people who stay (not deleted by this plan) or come (created by it)
    for (const auto& user : m_live.state.users) {
        if (!user_deleted(user.login)) {
            remaining.push_back(user.login);
        }
    }
    for (const auto& change : m_plan.changes) {
        if (change.kind == Kind::users && change.action == Action::create) {
            remaining.push_back(change.key);
        }
    }
    if (want.force_2fa && *want.force_2fa != have.force_2fa.value_or(false)) {
        security.fields.push_back({Field::force_2fa, have.force_2fa.value_or(false), *want.force_2fa});
        if (*want.force_2fa) {
            std::vector<std::string> without;
            bool token_user = false;
            for (const auto& user : m_live.state.users) {
                if (user.two_factor_auth_enabled != true && !user_deleted(user.login)) {
                    without.push_back(user.login);
                    token_user = token_user ||
                                 model::email_key(user.login) == model::email_key(m_live.token_user.login);
                }
            }
            for (const auto& change : m_plan.changes) {  // users this plan creates have no 2FA yet
                if (change.kind == Kind::users && change.action == Action::create) {
                    without.push_back(change.key);
                }
            }
            security.sensitive.push_back(
                without.empty()
                    ? "force_2fa on: every user has 2FA; from now on nobody can use the account without it"
                    : fmt::format("force_2fa on: {} without 2FA (two_factor_auth_enabled false or not set) {} "
                                  "logged out, and their API tokens refused, until they turn it on: {}{}",
                                  util::plural(without.size(), "user", "users"), without.size() == 1 ? "is" : "are",
                                  some_of(without),
                                  token_user ? "; among them this token's own user: this token stops working "
                                               "once the change is made"
                                             : ""));
        } else {
            security.sensitive.push_back("force_2fa off: signing in no longer needs two-factor authentication");
        }
    }
    if (want.force_sso && *want.force_sso != have.force_sso.value_or(false)) {
        security.fields.push_back({Field::force_sso, have.force_sso.value_or(false), *want.force_sso});
        if (*want.force_sso) {
            security.sensitive.push_back(
                fmt::format("force_sso on: {} {} password login and must sign in through the account's SSO: {}",
                            util::plural(remaining.size(), "user", "users"), remaining.size() == 1 ? "loses" : "lose",
                            some_of(remaining)));
        } else {
            security.sensitive.push_back("force_sso off: password logins are allowed again, beside the account's SSO");
        }
    }
    if (want.ip_allowlist) {
        const auto wanted = model::canonical_allowlist(*want.ip_allowlist);
        const auto live = model::canonical_allowlist(have.ip_allowlist.value_or(std::vector<std::string>{}));
        if (wanted != live) {
            security.fields.push_back({Field::ip_allowlist, allowlist_value(live), allowlist_value(wanted)});
            auto shown = [](const std::vector<std::string>& entries) {
                return entries.empty() ? std::string("any address") : util::join(entries, ", ");
            };
            security.sensitive.push_back(
                wanted.empty()
                    ? fmt::format("ip_allowlist: lifted (it allowed only {}): logins and API requests from any "
                                  "address are accepted",
                                  shown(live))
                    : fmt::format("ip_allowlist: from {} to {}: logins and API requests from any other address are "
                                  "refused (Fastly refuses a list that leaves out the address this run comes from)",
                                  shown(live), shown(wanted)));
        }
    }
    if (!security.fields.empty()) {
        security.requests.push_back({"PUT", api_path::customer(id)});
        add(std::move(security));
    }
}

}  // namespace fastly_accounts::plan::detail
