// Matching the audit log's events to the changes they explain. The evidence for event metadata is thin
// (README "Drift and its authors"): only the emulator says which ids metadata carries, so an event counts
// only when it names the object itself, and an event that names nothing matches nothing.
#include <fmt/format.h>

#include <algorithm>
#include <fastly_accounts/plan/authors.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/time.hpp>
#include <set>

namespace fastly_accounts::plan {

namespace {

const std::vector<std::string>& user_event_types() {
    static const std::vector<std::string> types = {"invitation.accept", "user.create", "user.destroy",
                                                   "user.lock",         "user.unlock", "user.update"};
    return types;
}

const std::vector<std::string>& grant_event_types() {
    static const std::vector<std::string> types = {"service_authorization.create", "service_authorization.delete",
                                                   "service_authorization.update"};
    return types;
}

bool changes_grants(const Change& change) {
    return std::any_of(change.lists.begin(), change.lists.end(),
                       [](const ListChange& list) { return list.field == Field::service_authorizations; });
}

// True when the change touches anything of a user but its grants (or makes or deletes the user).
bool changes_user_itself(const Change& change) {
    return change.action != Action::update || !change.fields.empty() ||
           std::any_of(change.lists.begin(), change.lists.end(),
                       [](const ListChange& list) { return list.field != Field::service_authorizations; });
}

bool is_grant_event(const std::string& type) {
    return type.rfind("service_authorization.", 0) == 0;
}

// The metadata keys a field may be written under in an event: its own name, and the API's for the
// customer's settings ("ip_whitelist", "security_contact_id").
std::vector<std::string> metadata_keys(Field field) {
    std::vector<std::string> keys{std::string(to_string(field))};
    switch (field) {
        case Field::ip_allowlist:
            keys.emplace_back("ip_whitelist");
            break;
        case Field::security_contact:
            keys.emplace_back("security_contact_id");
            break;
        case Field::technical_contact:
            keys.emplace_back("technical_contact_id");
            break;
        case Field::billing_contact:
            keys.emplace_back("billing_contact_id");
            break;
        case Field::legal_contact:
            keys.emplace_back("legal_contact_id");
            break;
        default:
            break;
    }
    return keys;
}

// What an event of `type` can have changed, whatever its metadata says: a lock or unlock only `locked`,
// a password or two-factor change nothing the files hold; any other type any field.
enum class Explains { any_field, locked_only, nothing };

Explains explains(const std::string& type) {
    if (type == "user.lock" || type == "user.unlock") {
        return Explains::locked_only;
    }
    if (type == "user.password_update" || type.rfind("two_factor_auth.", 0) == 0) {
        return Explains::nothing;
    }
    return Explains::any_field;
}

// An event explains the change only if its type can have made it (explains), and, when it lists the
// fields it changed, one of them is the change's. An event listing none (thin metadata) is judged by its
// type and object alone.
bool concerns_fields(const Change& change, const model::Event& event) {
    switch (explains(event.type)) {
        case Explains::nothing:
            return false;
        case Explains::locked_only:
            return change.action == Action::update &&
                   std::any_of(change.fields.begin(), change.fields.end(),
                               [](const FieldChange& field) { return field.field == Field::locked; });
        case Explains::any_field:
            break;
    }
    if (event.changed.empty() || is_grant_event(event.type)) {
        return true;
    }
    if (change.action != Action::update) {
        return true;  // a creation or deletion is explained by any change to the object
    }
    for (const auto& field : change.fields) {
        for (const auto& key : metadata_keys(field.field)) {
            if (std::binary_search(event.changed.begin(), event.changed.end(), key)) {
                return true;
            }
        }
    }
    for (const auto& list : change.lists) {
        if (std::binary_search(event.changed.begin(), event.changed.end(), std::string(to_string(list.field)))) {
            return true;
        }
    }
    return false;
}

std::string subject(const model::Event& event, const char* key) {
    auto it = event.subject.find(key);
    return it == event.subject.end() ? std::string() : it->second;
}

// The object named by an id key and a name key (user_id and login, invitation_id and email): the id when
// both sides have one, else the name ignoring case. An id of another object is never outweighed by its name.
bool names_object(const model::Event& event, const char* id_key, const char* name_key, const Change& change) {
    const std::string id = subject(event, id_key);
    if (!id.empty() && !change.id.empty()) {
        return id == change.id;
    }
    if (!id.empty() && change.action == Action::remove) {
        return false;  // a live object always has an id: one that differs is another object
    }
    const std::string name = subject(event, name_key);
    return !name.empty() && util::fold_case(name) == util::fold_case(change.key);
}

// The services a grants change grants or revokes, by ID.
std::set<std::string> granted_services(const Change& change) {
    std::set<std::string> services;
    for (const auto& list : change.lists) {
        if (list.field != Field::service_authorizations) {
            continue;
        }
        for (const auto* entries : {&list.add, &list.remove}) {
            for (const auto& entry : *entries) {
                if (auto grant = parse_grant_entry(entry)) {
                    services.insert(grant->first);
                }
            }
        }
    }
    return services;
}

bool concerns_object(const Change& change, const model::Event& event, const std::string& customer_id) {
    switch (change.kind) {
        case model::Kind::users:
            if (!names_object(event, "user_id", "login", change)) {
                return false;
            }
            if (is_grant_event(event.type)) {
                const std::string service = event.service_id.empty() ? subject(event, "service_id") : event.service_id;
                return service.empty() || granted_services(change).count(service) > 0;
            }
            return true;
        case model::Kind::invitations:
            return names_object(event, "invitation_id", "email", change);
        case model::Kind::customer:
            return !customer_id.empty() && subject(event, "customer_id") == customer_id;
        default:
            return false;
    }
}

Author author_of(const model::Event& event, const AuthorContext& context) {
    Author author;
    author.user_id = event.user_id;
    author.at = event.created_at;
    author.ip = event.ip;
    author.token_id = event.token_id;
    author.event_id = event.id;
    author.event_type = event.type;
    author.own_token = !event.token_id.empty() && event.token_id == context.own_token_id;
    for (const auto& user : context.live->state.users) {
        if (!event.user_id.empty() && user.id == event.user_id) {
            author.login = user.login;
        }
    }
    if (context.live->tokens && !event.token_id.empty()) {
        for (const auto& token : *context.live->tokens) {
            if (token.id == event.token_id) {
                author.token_name = token.name;
            }
        }
    }
    return author;
}

}  // namespace

std::vector<std::string> author_event_types(const Change& change) {
    std::vector<std::string> types;
    switch (change.kind) {
        case model::Kind::users:
            if (changes_user_itself(change)) {
                types = user_event_types();
            }
            if (changes_grants(change)) {
                types.insert(types.end(), grant_event_types().begin(), grant_event_types().end());
            }
            break;
        case model::Kind::invitations:
            types = {"invitation.accept", "invitation.sent"};
            break;
        case model::Kind::customer:
            types = {"customer.update"};
            break;
        default:
            break;
    }
    std::sort(types.begin(), types.end());
    return types;
}

std::vector<std::string> author_event_types(const Plan& plan) {
    std::set<std::string> all;
    for (const auto& change : plan.changes) {
        for (auto& type : author_event_types(change)) {
            all.insert(std::move(type));
        }
    }
    return {all.begin(), all.end()};
}

std::optional<std::string> unrecorded_authors_note(const Plan& plan) {
    const bool any = std::any_of(plan.changes.begin(), plan.changes.end(), [](const Change& change) {
        return change.kind == model::Kind::user_groups || change.kind == model::Kind::service_groups ||
               change.kind == model::Kind::roles;
    });
    if (!any) {
        return std::nullopt;
    }
    return "Fastly records no events for user groups, service groups or roles; who changed them cannot be shown";
}

void attribute_authors(Plan& plan, const std::vector<model::Event>& events, const AuthorContext& context) {
    // Each event's time once: an unreadable created_at cannot be placed in the window and is passed over.
    std::vector<std::pair<std::int64_t, const model::Event*>> dated;
    for (const auto& event : events) {
        if (auto at = util::parse_utc(event.created_at); at && *at >= context.since) {
            dated.emplace_back(*at, &event);
        }
    }
    for (auto& change : plan.changes) {
        const std::vector<std::string> types = author_event_types(change);
        const std::pair<std::int64_t, const model::Event*>* latest = nullptr;
        for (const auto& candidate : dated) {
            const model::Event& event = *candidate.second;
            if (!std::binary_search(types.begin(), types.end(), event.type) ||
                !concerns_object(change, event, plan.customer_id) || !concerns_fields(change, event)) {
                continue;
            }
            if (latest == nullptr || candidate.first > latest->first ||
                (candidate.first == latest->first && event.id > latest->second->id)) {
                latest = &candidate;
            }
        }
        if (latest != nullptr) {
            change.author = author_of(*latest->second, context);
        }
    }
}

std::string describe(const Author& author, const AuthorValue& value) {
    // The own-token statement opens the line, before any value: a token or login named to look like it
    // can only ever come after "by ".
    std::string text = author.own_token ? "with this tool's own token: by " : "by ";
    if (!author.login.empty()) {
        text += value(AuthorPart::login, author.login);
    } else if (!author.user_id.empty()) {
        text += "user ID " + value(AuthorPart::user_id, author.user_id);
    } else {
        text += "an unknown actor";
    }
    if (auto at = util::parse_utc(author.at)) {
        const std::string utc = util::format_utc(*at);  // YYYY-MM-DDTHH:MM:SSZ
        text += fmt::format(", {} {} UTC", utc.substr(0, 10), utc.substr(11, 5));
    } else if (!author.at.empty()) {
        text += ", " + value(AuthorPart::time, author.at);
    }
    if (!author.ip.empty()) {
        text += ", from " + value(AuthorPart::ip, author.ip);
    }
    if (author.token_id.empty()) {
        text += ", without an API token";
    } else if (!author.token_name.empty()) {
        text += ", token " + value(AuthorPart::token_name, author.token_name);
    } else {
        text += ", token ID " + value(AuthorPart::token_id, author.token_id);
    }
    return text;
}

std::string describe(const Author& author) {
    return describe(author, [](AuthorPart part, std::string_view text) {
        return part == AuthorPart::token_name ? "'" + std::string(text) + "'" : std::string(text);
    });
}

}  // namespace fastly_accounts::plan
