// The seed/state section of the audit log: `events`.
#include <algorithm>

#include "render.hpp"
#include "state_fields.hpp"

namespace fastly_emulator::seed {

namespace {

// A nullable string member: empty when absent or null.
std::string nullable_string(const json& obj, const std::string& path, const char* key) {
    return field(obj, key) ? get_string(obj, path, key) : std::string();
}

}  // namespace

void load_events(Store& store, const json& doc, std::set<std::string>& seen, EpochSeconds now) {
    const json& list = get_list(doc, "events");
    std::vector<Event> events;
    for (size_t i = 0; i < list.size(); ++i) {
        const std::string path = item_path("events", i);
        const json& e = list[i];
        check_keys(e, path,
                   {"id", "customer_id", "event_type", "description", "user_id", "token_id", "service_id", "ip",
                    "metadata", "admin", "created_at"});
        Event event;
        event.id = take_id(store, e, path, seen);
        event.customer_id = get_string(e, path, "customer_id", store.customer.id);
        event.event_type = require_string(e, path, "event_type");
        event.description = nullable_string(e, path, "description");
        // A login names a user of the seed; anything else is kept as an ID (the user may be gone).
        event.user_id = nullable_string(e, path, "user_id");
        if (const User* user = event.user_id.empty() ? nullptr : user_by_ref(store, event.user_id)) {
            event.user_id = user->id;
        }
        event.token_id = nullable_string(e, path, "token_id");
        event.service_id = nullable_string(e, path, "service_id");
        if (const Service* service = event.service_id.empty() ? nullptr : service_by_ref(store, event.service_id)) {
            event.service_id = service->id;
        }
        event.ip = nullable_string(e, path, "ip");
        if (const json* metadata = field(e, "metadata")) {
            if (!metadata->is_object()) {
                throw StateError(path + ".metadata: expected an object");
            }
            event.metadata = *metadata;
        }
        event.admin = get_bool(e, path, "admin").value_or(false);
        event.created_at = get_time(e, path, "created_at").value_or(now);
        events.push_back(std::move(event));
    }
    // Recorded in time order, so that the oldest are the first to go beyond the log's capacity.
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.created_at < b.created_at; });
    for (Event& event : events) {
        store.events.add(std::move(event));
    }
}

json dump_events(const Store& store) {
    json events = json::array();
    for (const Event& event : store.events.rows()) {
        events.push_back({{"id", event.id},
                          {"customer_id", event.customer_id},
                          {"event_type", event.event_type},
                          {"description", event.description},
                          {"user_id", text_or_null(event.user_id)},
                          {"token_id", text_or_null(event.token_id)},
                          {"service_id", text_or_null(event.service_id)},
                          {"ip", text_or_null(event.ip)},
                          {"metadata", event.metadata},
                          {"admin", event.admin},
                          {"created_at", format_timestamp(event.created_at)}});
    }
    return events;
}

}  // namespace fastly_emulator::seed
