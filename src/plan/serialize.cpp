#include <fmt/format.h>
#include <fastly_accounts/plan/serialize.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/sha256.hpp>

namespace fastly_accounts::plan {

namespace {

using json = nlohmann::ordered_json;

json value_json(const Value& value) {
    struct Visitor {
        json operator()(std::monostate) const { return nullptr; }
        json operator()(bool b) const { return b; }
        json operator()(const std::string& s) const { return s; }
        json operator()(const std::vector<std::string>& list) const { return list; }
    };
    return std::visit(Visitor{}, value);
}

Value value_from(const json& value, const std::string& where) {
    if (value.is_null()) {
        return std::monostate{};
    }
    if (value.is_boolean()) {
        return value.get<bool>();
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_array()) {
        return value.get<std::vector<std::string>>();
    }
    throw util::Error(fmt::format("{}: expected null, a boolean, a string or a list", where));
}

const json& member(const json& object, const char* key, const std::string& where) {
    if (!object.is_object() || !object.contains(key)) {
        throw util::Error(fmt::format("{}: missing '{}'", where, key));
    }
    return object.at(key);
}

template <typename Enum, typename Names>
Enum enum_from(const json& value, Names names, const std::string& where) {
    const std::string text = value.is_string() ? value.get<std::string>() : "";
    for (const auto& [e, name] : names) {
        if (name == text) {
            return e;
        }
    }
    throw util::Error(fmt::format("{}: unknown value '{}'", where, text));
}

Field field_from(const json& value, const std::string& where) {
    const std::string text = value.is_string() ? value.get<std::string>() : "";
    if (const auto field = parse_field(text)) {
        return *field;
    }
    throw util::Error(fmt::format("{}: unknown value '{}'", where, text));
}

std::vector<std::pair<Action, std::string_view>> action_names() {
    return {{Action::create, to_string(Action::create)},
            {Action::update, to_string(Action::update)},
            {Action::remove, to_string(Action::remove)},
            {Action::replace, to_string(Action::replace)}};
}

std::vector<std::pair<model::Kind, std::string_view>> kind_names() {
    std::vector<std::pair<model::Kind, std::string_view>> out;
    for (auto kind : model::change_kinds) {
        out.emplace_back(kind, model::to_string(kind));
    }
    return out;
}

json expectation(const Change& change) {
    json expect = json::object();
    expect["exists"] = change.action != Action::create;
    if (change.action != Action::create) {
        expect["id"] = change.id;
    }
    if (change.action == Action::update) {
        json fields = json::object();
        for (const auto& field : change.fields) {
            fields[std::string(to_string(field.field))] = value_json(field.from);
        }
        json lists = json::object();
        for (const auto& list : change.lists) {
            lists[std::string(to_string(list.field))] = json{{"absent", list.add}, {"present", list.remove}};
        }
        expect["fields"] = fields;
        expect["lists"] = lists;
    }
    return expect;
}

// Who made the live state a change undoes (plan/authors.hpp), or null. Saved with a plan for its reader;
// plan_from_json does not read it back, so apply never depends on it.
json author_json(const std::optional<Author>& author) {
    if (!author) {
        return nullptr;
    }
    const auto text = [](const std::string& value) { return value.empty() ? json() : json(value); };
    return json{{"login", text(author->login)},
                {"user_id", text(author->user_id)},
                {"at", text(author->at)},
                {"ip", text(author->ip)},
                {"token_id", text(author->token_id)},
                {"token_name", text(author->token_name)},
                {"own_token", author->own_token},
                {"event_id", author->event_id},
                {"event_type", author->event_type}};
}

}  // namespace

nlohmann::ordered_json change_to_json(const Change& change) {
    json fields = json::array();
    for (const auto& field : change.fields) {
        fields.push_back(
            json{{"field", to_string(field.field)}, {"from", value_json(field.from)}, {"to", value_json(field.to)}});
    }
    json lists = json::array();
    for (const auto& list : change.lists) {
        lists.push_back(json{{"field", to_string(list.field)}, {"add", list.add}, {"remove", list.remove}});
    }
    json requests = json::array();
    for (const auto& request : change.requests) {
        requests.push_back(json{{"method", request.method}, {"path", request.path}});
    }
    return json{{"stage", static_cast<int>(change.stage)},
                {"action", to_string(change.action)},
                {"kind", model::to_string(change.kind)},
                {"key", change.key},
                {"id", change.id},
                {"fields", fields},
                {"lists", lists},
                {"requests", requests},
                {"note", change.note},
                {"sensitive", change.sensitive},
                {"author", author_json(change.author)},
                {"expect", expectation(change)}};
}

nlohmann::ordered_json to_json(const Plan& plan) {
    json document = json::object();
    const Summary& s = plan.summary;
    document["summary"] = json{{"create", s.create},
                               {"update", s.update},
                               {"delete", s.remove},
                               {"replace", s.replace},
                               {"changes", plan.changes.size()},
                               {"write_requests", s.write_requests},
                               {"bulk_requests", s.bulk_requests},
                               {"removals", s.removals},
                               {"sensitive", s.sensitive},
                               {"hourly_write_limit", s.hourly_write_limit},
                               {"writes_remaining", s.writes_remaining ? json(*s.writes_remaining) : json(nullptr)},
                               {"refused", plan.refused()}};
    document["customer_id"] = plan.customer_id;
    json guards = json::array();
    for (const auto& guard : plan.guards) {
        guards.push_back(json{{"name", guard.name}, {"tripped", guard.tripped}, {"message", guard.message}});
    }
    document["guards"] = guards;
    json changes = json::array();
    for (const auto& change : plan.changes) {
        changes.push_back(change_to_json(change));
    }
    document["changes"] = changes;
    json unmanaged = json::array();
    for (const auto& entry : plan.unmanaged) {
        unmanaged.push_back(json{{"kind", model::to_string(entry.kind)}, {"key", entry.key}});
    }
    document["unmanaged"] = unmanaged;
    document["notes"] = plan.notes;
    json services = json::object();
    for (const auto& [id, name] : plan.service_names) {
        services[id] = name;
    }
    document["service_names"] = services;
    json tokens = json::object();
    for (const auto& [id, label] : plan.token_labels) {
        tokens[id] = label;
    }
    document["token_labels"] = tokens;
    return document;
}

Plan plan_from_json(const nlohmann::ordered_json& document) {
    Plan plan;
    try {
        plan.customer_id = member(document, "customer_id", "plan").get<std::string>();
        const json& summary = member(document, "summary", "plan");
        plan.summary.hourly_write_limit = member(summary, "hourly_write_limit", "summary").get<std::size_t>();
        const json& changes = member(document, "changes", "plan");
        for (std::size_t i = 0; i < changes.size(); ++i) {
            const std::string where = fmt::format("changes[{}]", i);
            const json& c = changes.at(i);
            Change change;
            const int stage = member(c, "stage", where).get<int>();
            if (stage < 1 || stage > stage_count) {
                throw util::Error(fmt::format("{}.stage: {} is not a stage (1 to {})", where, stage, stage_count));
            }
            change.stage = static_cast<Stage>(stage);
            change.action = enum_from<Action>(member(c, "action", where), action_names(), where + ".action");
            change.kind = enum_from<model::Kind>(member(c, "kind", where), kind_names(), where + ".kind");
            change.key = member(c, "key", where).get<std::string>();
            change.id = member(c, "id", where).get<std::string>();
            change.note = member(c, "note", where).get<std::string>();
            change.sensitive = member(c, "sensitive", where).get<std::vector<std::string>>();
            for (const auto& f : member(c, "fields", where)) {
                change.fields.push_back({field_from(member(f, "field", where), where + ".field"),
                                         value_from(member(f, "from", where), where + ".from"),
                                         value_from(member(f, "to", where), where + ".to")});
            }
            for (const auto& l : member(c, "lists", where)) {
                change.lists.push_back({field_from(member(l, "field", where), where + ".field"),
                                        member(l, "add", where).get<std::vector<std::string>>(),
                                        member(l, "remove", where).get<std::vector<std::string>>()});
            }
            for (const auto& r : member(c, "requests", where)) {
                change.requests.push_back(
                    {member(r, "method", where).get<std::string>(), member(r, "path", where).get<std::string>()});
            }
            plan.changes.push_back(std::move(change));
        }
        for (const auto& u : member(document, "unmanaged", "plan")) {
            plan.unmanaged.push_back({enum_from<model::Kind>(member(u, "kind", "unmanaged"), kind_names(), "unmanaged"),
                                      member(u, "key", "unmanaged").get<std::string>()});
        }
        plan.notes = member(document, "notes", "plan").get<std::vector<std::string>>();
        for (const auto& [id, name] : member(document, "service_names", "plan").items()) {
            plan.service_names[id] = name.get<std::string>();
        }
        for (const auto& [id, label] : member(document, "token_labels", "plan").items()) {
            plan.token_labels[id] = label.get<std::string>();
        }
        for (const auto& g : member(document, "guards", "plan")) {
            plan.guards.push_back({member(g, "name", "guards").get<std::string>(),
                                   member(g, "tripped", "guards").get<bool>(),
                                   member(g, "message", "guards").get<std::string>()});
        }
    } catch (const nlohmann::json::exception& e) {
        throw util::Error(fmt::format("the plan file is malformed: {}", e.what()));
    }
    summarize(plan);
    return plan;
}

namespace {

constexpr const char* saved_plan_format = "fastly-accounts-plan";

}  // namespace

std::string plan_digest(const nlohmann::ordered_json& document) {
    // Sorted keys make the text canonical: the digest covers what the document says, not its layout.
    nlohmann::json canonical = nlohmann::json::parse(document.dump(-1, ' ', false, json::error_handler_t::replace));
    if (canonical.is_object()) {
        canonical.erase("digest");
    }
    util::Sha256 digest;
    digest.update(canonical.dump(-1, ' ', false, json::error_handler_t::replace));
    return "sha256:" + digest.hex();
}

nlohmann::ordered_json saved_plan_json(const SavedPlan& saved) {
    json files = json::array();
    for (const auto& file : saved.files) {
        files.push_back(json{{"path", file.path}, {"sha256", file.sha256}});
    }
    json document{{"format", saved_plan_format},
                  {"version", saved_plan_version},
                  {"fingerprint", saved.fingerprint},
                  {"files", files},
                  {"plan", to_json(saved.plan)}};
    document["digest"] = plan_digest(document);
    return document;
}

SavedPlan parse_saved_plan(std::string_view text) {
    json document;
    try {
        document = json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        throw util::Error(fmt::format("not a plan file: it is not JSON ({})", e.what()));
    }
    const auto format = document.is_object() ? document.find("format") : document.end();
    if (format == document.end() || !format->is_string() || format->get<std::string>() != saved_plan_format) {
        throw util::Error("not a plan file: it was not written by `fastly-accounts plan --out`");
    }
    const auto found = document.find("version");
    const int version = found != document.end() && found->is_number_integer() ? found->get<int>() : 0;
    if (version != saved_plan_version) {
        throw util::Error(fmt::format(
            "the plan file is version {}; this fastly-accounts reads version {} only{}; make the plan again with "
            "`fastly-accounts plan --out`",
            version, saved_plan_version,
            version < saved_plan_version ? " (version 3 has eight stages, service authorizations and tokens; "
                                           "version 2 added a digest of the plan and of each file)"
                                         : ""));
    }
    const auto stored = document.find("digest");
    if (stored == document.end()) {
        throw EditedPlanError("it has no digest: it was edited after `plan --out` wrote it");
    }
    if (!stored->is_string() || stored->get<std::string>() != plan_digest(document)) {
        throw EditedPlanError("its digest does not match its content: it was edited after `plan --out` wrote it");
    }
    SavedPlan saved;
    try {
        saved.fingerprint = member(document, "fingerprint", "plan file").get<std::string>();
        for (const auto& file : member(document, "files", "plan file")) {
            saved.files.push_back({member(file, "path", "plan file files").get<std::string>(),
                                   member(file, "sha256", "plan file files").get<std::string>()});
        }
    } catch (const nlohmann::json::exception& e) {
        throw util::Error(fmt::format("the plan file is malformed: {}", e.what()));
    }
    saved.plan = plan_from_json(member(document, "plan", "plan file"));
    return saved;
}

}  // namespace fastly_accounts::plan
