#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <fastly_accounts/live/fetch.hpp>
#include <fastly_accounts/util/parallel.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "paging.hpp"

namespace fastly_accounts::live {

namespace {

// One list read page by page, as tasks on a pool. Page 1 comes first. When it says how many pages the
// list has, all the others are queued at once; otherwise each page queues the next one. `on_page` gets
// each page's entries as soon as they arrive, on the worker that read them, so that reads depending on
// them need not wait for the rest of the list.
template <typename T>
class PagedList {
public:
    using ReadPage = std::function<ListPage<T>(int number)>;
    using OnPage = std::function<void(util::TaskPool& pool, const std::vector<T>& entries)>;

    /// `what` names the list in errors ("the user groups").
    PagedList(std::string what, ReadPage read, OnPage on_page = {})
        : m_what(std::move(what)), m_read(std::move(read)), m_on_page(std::move(on_page)) {}

    /// Queues the read of page 1. This object must outlive `pool.wait()`.
    void start(util::TaskPool& pool) {
        pool.submit([this, &pool] { read(pool, 1, 0); });
    }

    /// Every entry, in page order, once `pool.wait()` has returned without an error. The first call
    /// joins the pages; later calls return the same entries.
    const std::vector<T>& entries() {
        for (auto& [number, page] : m_pages) {
            m_entries.insert(m_entries.end(), std::make_move_iterator(page.begin()),
                             std::make_move_iterator(page.end()));
        }
        m_pages.clear();
        return m_entries;
    }

private:
    // Reads page `number`, of `total_pages` when page 1 said so (0 when the pages are followed one by one).
    void read(util::TaskPool& pool, int number, int total_pages) {
        ListPage<T> page = m_read(number);
        if (total_pages > 0) {
            check_known_page(number, total_pages, page);
        } else {
            // Pages followed one by one: page `number - 1` was marked before this one was queued.
            const paging::PageMark mark = paging::mark_of(page.items, [](const T& entry) { return entry.id; });
            if (paging::repeats_previous(m_last_mark, mark, number, page.asked_size, m_what)) {
                return;  // the API ignored `page`: the pages before held the whole list
            }
            m_last_mark = mark;
            queue_next_pages(pool, number, page);
        }
        if (m_on_page) {
            m_on_page(pool, page.items);
        }
        std::lock_guard lock(m_mutex);
        m_pages.emplace(number, std::move(page.items));
    }

    // Runs before on_page, so that the later pages, which open up more work, are queued ahead of the
    // sub-lists of this one.
    void queue_next_pages(util::TaskPool& pool, int number, const ListPage<T>& page) {
        if (!page.more) {
            return;
        }
        if (number == 1 && page.total_pages > 1) {
            if (page.total_pages > max_list_pages) {
                throw error(fmt::format("the API says there are {} pages, more than {}; stopping", page.total_pages,
                                        max_list_pages));
            }
            for (int next = 2; next <= page.total_pages; ++next) {
                pool.submit([this, &pool, next, total = page.total_pages] { read(pool, next, total); });
            }
            return;
        }
        if (number >= max_list_pages) {
            throw error(fmt::format("more than {} pages; stopping", max_list_pages));
        }
        pool.submit([this, &pool, next = number + 1] { read(pool, next, 0); });
    }

    // A page read in parallel must agree with page 1 on where the list ends. If it does not, entries
    // moved between pages while they were read, and some may be missing or twice in the result.
    void check_known_page(int number, int total_pages, const ListPage<T>& page) const {
        const bool last = number == total_pages;
        std::string problem;
        if (page.items.empty()) {
            problem = "is empty";
        } else if (last && page.more) {
            problem = "says more pages follow";
        } else if (!last && !page.more) {
            problem = "says it is the last";
        } else {
            return;
        }
        throw error(fmt::format("page {} of {} {}; the list changed while it was read, so run again", number,
                                total_pages, problem));
    }

    ApiError error(const std::string& problem) const {
        return ApiError(fmt::format("reading {}: {}", m_what, problem), 0, "GET", "");
    }

    const std::string m_what;
    const ReadPage m_read;
    const OnPage m_on_page;
    std::mutex m_mutex;
    std::map<int, std::vector<T>> m_pages;  // by page number, as they arrive
    std::vector<T> m_entries;               // the pages joined, by entries()
    // The last page read one after another; only the task reading the next page touches it, after the
    // pool's lock made the write of the one before visible.
    paging::PageMark m_last_mark;
};

std::string describe(Relation relation, const std::string& owner) {
    switch (relation) {
        case Relation::user_group_members:
            return "the members of user group " + owner;
        case Relation::user_group_roles:
            return "the roles of user group " + owner;
        case Relation::user_group_service_groups:
            return "the service groups of user group " + owner;
        case Relation::service_group_services:
            return "the services of service group " + owner;
        case Relation::role_permissions:
            return "the permissions of role " + owner;
    }
    return "";
}

// The sub-lists of the groups and roles, each started as soon as the list naming its owner arrives.
class SubLists {
public:
    explicit SubLists(ApiClient& api) : m_api(api) {}

    /// Queues the read of `relation` of `owner`, once however often it is asked for. Safe from any task.
    void start(util::TaskPool& pool, Relation relation, const std::string& owner) {
        std::unique_lock lock(m_mutex);
        auto [it, inserted] = m_lists.try_emplace(
            {relation, owner}, describe(relation, owner),
            [this, relation, owner](int number) { return m_api.list_links_page(relation, owner, number); });
        lock.unlock();
        if (inserted) {
            it->second.start(pool);
        }
    }

    /// Records that `relation` of `owner` is empty without reading it (its owner's count said 0).
    void known_empty(Relation relation, const std::string& owner) {
        std::lock_guard lock(m_mutex);
        m_empty.insert({relation, owner});
    }

    /// The entries of a sub-list started (or known empty) before, once `pool.wait()` has returned
    /// without an error.
    const std::vector<Link>& links(Relation relation, const std::string& owner) {
        static const std::vector<Link> none;
        if (m_empty.count({relation, owner}) > 0) {
            return none;
        }
        return m_lists.at({relation, owner}).entries();
    }

private:
    ApiClient& m_api;
    std::set<std::pair<Relation, std::string>> m_empty;
    std::mutex m_mutex;
    // A map, not a vector: its nodes stay put while other tasks add sub-lists.
    std::map<std::pair<Relation, std::string>, PagedList<Link>> m_lists;
};

// Role ids (as users and invitations carry them) to the names files use.
std::vector<std::string> role_names(const model::LiveAccount& account, const std::vector<std::string>& ids) {
    std::vector<std::string> names;
    names.reserve(ids.size());
    for (const auto& id : ids) {
        std::string name = account.role_name(id);
        names.push_back(name.empty() ? id : name);  // an unknown id is kept so it shows up, not vanishes
    }
    return names;
}

// Every read of fetch_account, and the account they add up to. Each task writes members no other task
// touches, and what a task wrote before queueing another is visible to that one through the pool's lock;
// only the paged lists and the sub-lists, which many tasks fill, need locks of their own.
class AccountReader {
public:
    explicit AccountReader(ApiClient& api)
        : m_api(api), m_sub_lists(api),
          m_invitations("the invitations", [&api](int number) { return api.list_invitations_page(number); }),
          m_authorizations("the service authorizations",
                           [&api](int number) { return api.list_service_authorizations_page(number); }),
          m_service_groups(
              "the service groups", read_collection(api, Collection::service_groups),
              [this](util::TaskPool& pool, const auto& groups) { start_service_group_lists(pool, groups); }),
          m_user_groups("the user groups", read_collection(api, Collection::user_groups),
                        [this](util::TaskPool& pool, const auto& groups) { start_user_group_lists(pool, groups); }) {}

    /// Reads the customer, then queues every other read on `pool`; the sub-lists follow as their owners
    /// arrive.
    void start(util::TaskPool& pool) {
        // Alone and first: a refused token or an API that is down then fails one request, not every list
        // at once with retries, and the error always names the same request.
        m_account.customer = m_api.current_customer();
        pool.submit([this] { m_account.token_user = m_api.current_user(); });
        pool.submit([this] { m_account.state.users = m_api.list_users(m_account.customer.id); });
        m_invitations.start(pool);
        // /iam/v1/roles names every role; the legacy /roles, when it still answers, tells which are
        // custom. Both at once; the second to arrive joins them and starts the custom roles' reads.
        pool.submit([this, &pool] {
            m_catalog = m_api.list_role_catalog();
            role_list_arrived(pool);
        });
        pool.submit([this, &pool] {
            m_legacy_roles = m_api.list_legacy_roles();
            role_list_arrived(pool);
        });
        pool.submit([this] { m_account.permissions = m_api.list_permissions(); });
        pool.submit([this] { m_account.services = m_api.list_services(); });
        m_authorizations.start(pool);
        pool.submit([this] { read_tokens(); });
        m_service_groups.start(pool);
        m_user_groups.start(pool);
    }

    /// The account with references as the names files use, once `pool.wait()` has returned without an error.
    model::LiveAccount assemble() {
        m_account.state.invitations = m_invitations.entries();
        m_account.service_authorizations = m_authorizations.entries();
        if (!m_tokens_note.empty()) {
            m_account.read_notes.push_back(std::move(m_tokens_note));  // its own member: the role task writes notes too
        }
        name_people_roles();
        assemble_grants();
        name_contacts();
        assemble_roles();
        assemble_service_groups();
        assemble_user_groups();
        return std::move(m_account);
    }

private:
    static typename PagedList<NamedObject>::ReadPage read_collection(ApiClient& api, Collection collection) {
        return [&api, collection](int number) { return api.list_page(collection, number); };
    }

    void role_list_arrived(util::TaskPool& pool) {
        // acq_rel: the second task to get here sees what the first one wrote.
        if (m_role_lists_pending.fetch_sub(1, std::memory_order_acq_rel) != 1) {
            return;
        }
        join_role_lists();
        for (const auto& role : m_account.role_catalog) {
            if (role.custom) {
                m_custom_roles.push_back({role.id, role.name, role.description, {}});
                pool.submit([this, id = role.id] {
                    std::vector<std::string> names = m_api.role_permission_names(id);
                    std::lock_guard lock(m_role_permissions_mutex);
                    m_role_permissions[id] = std::move(names);
                });
            }
        }
    }

    void join_role_lists() {
        std::vector<model::CatalogRole> roles = std::move(m_catalog);
        if (m_legacy_roles) {
            for (const auto& old : *m_legacy_roles) {
                auto it = std::find_if(roles.begin(), roles.end(), [&](const auto& r) { return r.id == old.id; });
                if (it == roles.end()) {
                    roles.push_back(old);
                } else {
                    it->custom = it->custom || old.custom;
                    if (it->description.empty()) {
                        it->description = old.description;
                    }
                }
            }
        } else {
            // /iam/v1/roles does not say which roles are custom: a role that is not one of Fastly's
            // predefined roles by name is taken for one.
            m_account.custom_roles_writable = false;
            for (auto& role : roles) {
                const bool predefined = model::is_predefined_role(role.name) ||
                                        (!role.display_name.empty() && model::is_predefined_role(role.display_name));
                role.custom = role.custom || !predefined;
            }
            m_account.read_notes.push_back(
                "the legacy roles API (GET /roles) answered 404: Fastly retired it. Roles were read from "
                "/iam/v1/roles, which does not say which are custom, so every role not named like a predefined "
                "one (" +
                util::join(model::predefined_role_names(), ", ") +
                ") was taken for a custom role; custom roles can no longer be created, changed or deleted "
                "through the API");
        }
        m_account.role_catalog = std::move(roles);
    }

    void start_service_group_lists(util::TaskPool& pool, const std::vector<NamedObject>& groups) {
        for (const auto& group : groups) {
            start_unless_empty(pool, Relation::service_group_services, group.id, group.counts.services);
        }
    }

    void start_user_group_lists(util::TaskPool& pool, const std::vector<NamedObject>& groups) {
        for (const auto& group : groups) {
            start_unless_empty(pool, Relation::user_group_members, group.id, group.counts.members);
            start_unless_empty(pool, Relation::user_group_roles, group.id, group.counts.roles);
            start_unless_empty(pool, Relation::user_group_service_groups, group.id, group.counts.service_groups);
        }
    }

    // A sub-list its owner's entry counts as empty is not read: a sparse account costs fewer requests.
    void start_unless_empty(util::TaskPool& pool, Relation relation, const std::string& owner, long long count) {
        if (count == 0) {
            m_sub_lists.known_empty(relation, owner);
        } else {
            m_sub_lists.start(pool, relation, owner);
        }
    }

    void name_people_roles() {
        for (auto& user : m_account.state.users) {
            user.roles = role_names(m_account, user.roles.value_or(std::vector<std::string>{}));
        }
        for (auto& invitation : m_account.state.invitations) {
            if (invitation.roles) {  // unknown stays unknown (an answer that leaves them out)
                invitation.roles = role_names(m_account, *invitation.roles);
            }
        }
    }

    // The tokens say who would lose what when a user is deleted; an account whose tokens cannot be read
    // (a token that may not list them, an API without the endpoint) is read without them, and says so.
    void read_tokens() {
        try {
            m_account.tokens = m_api.list_tokens(m_account.customer.id);
        } catch (const AuthError&) {
            throw;
        } catch (const ApiError& e) {
            if (e.status() != 403 && e.status() != 404) {
                throw;
            }
            m_tokens_note = fmt::format(
                "the API tokens could not be read ({}): a plan that deletes users cannot list the tokens that "
                "go with them, and apply does not revoke them first",
                e.what());
        }
    }

    // The customer's contacts by their users' logins, as the files name them.
    void name_contacts() {
        std::unordered_map<std::string, std::string> login_of;
        for (const auto& user : m_account.state.users) {
            login_of[user.id] = user.login;
        }
        m_account.settings = m_account.customer.settings;
        for (auto& [contact, who] : m_account.settings.contacts) {
            if (who) {
                auto it = login_of.find(*who);
                who = it != login_of.end() ? it->second : fmt::format("(user ID {})", *who);
            }
        }
    }

    // Each user's grants, from the authorizations, by service ID. Every user has a map (empty for most).
    void assemble_grants() {
        std::unordered_map<std::string, model::User*> by_id;
        for (auto& user : m_account.state.users) {
            user.services.emplace();
            by_id[user.id] = &user;
        }
        for (const auto& grant : m_account.service_authorizations) {
            if (auto it = by_id.find(grant.user_id); it != by_id.end()) {
                // The first of two for one user and service is the one plans use (model::LiveIndex too).
                if (!it->second->services->emplace(grant.service_id, grant.permission).second) {
                    m_account.read_notes.push_back(fmt::format(
                        "{} holds two service authorizations for service {} (the second is {}); plans use the "
                        "first: delete the other in Fastly",
                        it->second->login, grant.service_id, grant.id));
                }
            }
        }
    }

    void assemble_roles() {
        std::unordered_map<std::string, std::string> permission_name;
        for (const auto& permission : m_account.permissions) {
            permission_name[permission.id] = permission.name;
        }
        for (const auto& role : m_custom_roles) {
            model::Role out{role.name, role.description, std::vector<std::string>{}, role.id, {}};
            for (const auto& name : m_role_permissions[role.id]) {
                // Names are documented; an id that slipped in is named as the catalogue names it.
                auto it = m_account.find_permission(name) ? permission_name.end() : permission_name.find(name);
                out.permissions->push_back(it != permission_name.end() ? it->second : name);
            }
            m_account.state.roles.push_back(std::move(out));
        }
    }

    void assemble_service_groups() {
        for (const auto& group : m_service_groups.entries()) {
            model::ServiceGroup out{group.name, group.description, std::vector<std::string>{}, group.id, {}};
            for (const auto& link : m_sub_lists.links(Relation::service_group_services, group.id)) {
                out.services->push_back(link.id);
            }
            m_account.state.service_groups.push_back(std::move(out));
        }
    }

    void assemble_user_groups() {
        std::unordered_map<std::string, std::string> person_by_id;
        for (const auto& user : m_account.state.users) {
            person_by_id[user.id] = user.login;
        }
        for (const auto& invitation : m_account.state.invitations) {
            person_by_id[invitation.id] = invitation.email;
        }
        std::unordered_map<std::string, std::string> service_group_name;
        for (const auto& group : m_account.state.service_groups) {
            service_group_name[group.id] = group.name;
        }
        for (const auto& group : m_user_groups.entries()) {
            model::UserGroup out{group.name,
                                 group.description,
                                 std::vector<std::string>{},
                                 std::vector<std::string>{},
                                 std::vector<std::string>{},
                                 group.id,
                                 {},
                                 {}};
            for (const auto& link : m_sub_lists.links(Relation::user_group_roles, group.id)) {
                const std::string name = m_account.role_name(link.id);
                out.roles->push_back(!name.empty() ? name : (!link.name.empty() ? link.name : link.id));
            }
            for (const auto& link : m_sub_lists.links(Relation::user_group_service_groups, group.id)) {
                auto it = service_group_name.find(link.id);
                out.service_groups->push_back(it != service_group_name.end() ? it->second : link.id);
            }
            for (const auto& link : m_sub_lists.links(Relation::user_group_members, group.id)) {
                auto it = person_by_id.find(link.id);
                out.members->push_back(it != person_by_id.end() ? it->second
                                                                : (!link.name.empty() ? link.name : link.id));
            }
            m_account.state.user_groups.push_back(std::move(out));
        }
    }

    ApiClient& m_api;
    model::LiveAccount m_account;
    std::vector<model::CatalogRole> m_catalog;                      // GET /iam/v1/roles
    std::optional<std::vector<model::CatalogRole>> m_legacy_roles;  // GET /roles, when it answers
    std::atomic<int> m_role_lists_pending{2};
    std::vector<NamedObject> m_custom_roles;
    std::mutex m_role_permissions_mutex;
    std::map<std::string, std::vector<std::string>> m_role_permissions;  // by custom role id
    SubLists m_sub_lists;
    PagedList<model::Invitation> m_invitations;
    PagedList<model::ServiceAuthorization> m_authorizations;
    std::string m_tokens_note;  // why the tokens could not be read
    PagedList<NamedObject> m_service_groups;
    PagedList<NamedObject> m_user_groups;
};

}  // namespace

model::LiveAccount fetch_account(ApiClient& api, std::size_t concurrency) {
    AccountReader reader(api);
    // Declared after the reader, so that on any way out the pool's tasks have stopped before it goes.
    util::TaskPool pool(concurrency);
    reader.start(pool);
    pool.wait();
    return reader.assemble();
}

}  // namespace fastly_accounts::live
