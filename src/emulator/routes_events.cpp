// The audit log: GET /events (JSON:API list with filters, sort and page[number]/page[size]) and
// GET /events/{id}. Shapes as recorded in go-fastly's fixtures/events (README.md, "The audit log").
#include <algorithm>
#include <array>
#include <map>

#include "api.hpp"
#include "api_error.hpp"
#include "events.hpp"
#include "request_util.hpp"

namespace fastly_emulator {

using nlohmann::json;

namespace {

// The attribute filters, each matching one of a comma-separated list of values.
constexpr std::array<const char*, 5> list_filters{"customer_id", "event_type", "service_id", "token_id", "user_id"};

const std::string& attribute(const Event& event, const std::string& name) {
    if (name == "customer_id") {
        return event.customer_id;
    }
    if (name == "event_type") {
        return event.event_type;
    }
    if (name == "service_id") {
        return event.service_id;
    }
    return name == "token_id" ? event.token_id : event.user_id;
}

// What `GET /events` asks for: the filters, the order and the page.
struct EventQuery {
    std::map<std::string, std::vector<std::string>> values;  ///< attribute -> accepted values
    std::optional<EpochSeconds> gte, gt, lte, lt;            ///< bounds on created_at
    std::optional<IsoTime> within;                           ///< plain filter[created_at]: the period it names
    bool newest_first = true;
    std::string sort;  ///< as sent (kept in the links); empty when not sent
    /// The filter parameters as sent (kept in the links), sorted by key.
    std::vector<std::pair<std::string, std::string>> filters;

    bool matches(const Event& event, const std::string& customer_id) const {
        if (event.customer_id != customer_id) {
            return false;  // another customer's event is never shown
        }
        for (const auto& [name, accepted] : values) {
            const std::string& value = attribute(event, name);
            if (std::find(accepted.begin(), accepted.end(), value) == accepted.end()) {
                return false;
            }
        }
        const EpochSeconds t = event.created_at;
        return (!gte || t >= *gte) && (!gt || t > *gt) && (!lte || t <= *lte) && (!lt || t < *lt) &&
               (!within || (t >= within->start && t < within->start + within->span));
    }
};

std::string allowed_filters() {
    std::string out;
    for (const char* name : list_filters) {
        out += std::string(out.empty() ? "" : ", ") + "filter[" + name + "]";
    }
    return out + ", filter[created_at] and filter[created_at][gte|gt|lte|lt]";
}

IsoTime checked_time(const std::string& key, const std::string& value) {
    std::optional<IsoTime> time = parse_iso8601(value);
    if (!time) {
        throw bad_request(key + ": '" + value +
                          "' is not an ISO 8601 date or time (e.g. 2024-01-15 or 2024-01-15T10:20:00Z)");
    }
    return *time;
}

void read_filter(EventQuery& query, const std::string& key, const std::string& value) {
    // key is filter[NAME] or filter[created_at][OP].
    const size_t close = key.find(']');
    const std::string name = key.substr(7, close == std::string::npos ? std::string::npos : close - 7);
    const std::string rest = close == std::string::npos ? std::string() : key.substr(close + 1);
    if (close == std::string::npos || name.empty()) {
        throw bad_request(key + " is not a filter of /events; the filters are " + allowed_filters());
    }
    if (name == "created_at") {
        const IsoTime time = checked_time(key, value);
        if (rest.empty()) {
            query.within = time;
        } else if (rest == "[gte]") {
            query.gte = time.start;
        } else if (rest == "[gt]") {
            query.gt = time.start;
        } else if (rest == "[lte]") {
            query.lte = time.start;
        } else if (rest == "[lt]") {
            query.lt = time.start;
        } else {
            throw bad_request(key + " is not a filter of /events; the filters are " + allowed_filters());
        }
        return;
    }
    if (!rest.empty() || std::find(list_filters.begin(), list_filters.end(), name) == list_filters.end()) {
        throw bad_request(key + " is not a filter of /events; the filters are " + allowed_filters());
    }
    std::vector<std::string> accepted = split_list(value, ',');
    if (accepted.empty()) {
        throw bad_request(key + " is empty; give one value or several separated by commas");
    }
    std::vector<std::string>& all = query.values[name];
    all.insert(all.end(), accepted.begin(), accepted.end());
}

EventQuery read_query(const Context& ctx) {
    EventQuery query;
    query.newest_first = ctx.compat.events_default_sort == Compat::EventsDefaultSort::newest_first;
    for (const auto& [key, value] : ctx.request.query) {
        if (key.rfind("filter[", 0) == 0) {
            read_filter(query, key, value);
            query.filters.emplace_back(key, value);
        } else if (key == "sort") {
            if (value != "created_at" && value != "-created_at") {
                throw bad_request("sort: '" + value +
                                  "' is not a sort of /events; sort by created_at (oldest first) or -created_at "
                                  "(newest first)");
            }
            if (ctx.compat.events_sort == Compat::EventsSort::honoured) {
                query.newest_first = value == "-created_at";
            }
            query.sort = value;
        }
    }
    return query;
}

// The event as answered under the compat switches: with `events_metadata=changes_only`, its metadata
// keeps only the `{old, new}` fields, and no longer names its subject.
json answered(const Event& event, const Compat& compat) {
    json out = render_event(event);
    if (compat.events_metadata == Compat::EventsMetadata::changes_only) {
        json& metadata = out["attributes"]["metadata"];
        json kept = json::object();
        for (const auto& item : metadata.items()) {
            if (item.value().is_object()) {
                kept[item.key()] = item.value();
            }
        }
        metadata = std::move(kept);
    }
    return out;
}

// A link to page `number`: the request's filters and sort kept, brackets raw as in the recording
// (`https://api.fastly.com/events?page[number]=2&page[size]=1`), values percent-encoded.
std::string page_link(const Context& ctx, const EventQuery& query, size_t number, size_t size) {
    const std::string host = ctx.request.header("host");
    std::string link = "http://" + (host.empty() ? std::string("127.0.0.1") : host) + "/events?";
    for (const auto& [key, value] : query.filters) {
        link += key + "=" + query_encode(value) + "&";
    }
    link += "page[number]=" + std::to_string(number) + "&page[size]=" + std::to_string(size);
    if (!query.sort.empty()) {
        link += "&sort=" + query.sort;
    }
    return link;
}

void list_events(Context& ctx) {
    ctx.require_superuser("read the audit log");
    const EventQuery query = read_query(ctx);
    const size_t number = page_number_param(ctx.request, "page[number]");
    const size_t size = page_size_param(ctx.request, "page[size]", 20, ctx.compat);
    std::vector<const Event*> found;
    for (const Event& event : ctx.store.events.rows()) {
        if (query.matches(event, ctx.store.customer.id)) {
            found.push_back(&event);
        }
    }
    // Oldest first, ties in the order recorded; newest first is that order reversed.
    std::stable_sort(found.begin(), found.end(),
                     [](const Event* a, const Event* b) { return a->created_at < b->created_at; });
    if (query.newest_first) {
        std::reverse(found.begin(), found.end());
    }
    const size_t total = found.size();
    const size_t pages = (total + size - 1) / size;
    json data = json::array();
    for (size_t i = (number - 1) * size; i < total && i < number * size; ++i) {
        data.push_back(answered(*found[i], ctx.compat));
    }
    json links = json::object();
    if (number > 1) {
        links["first"] = page_link(ctx, query, 1, size);
        links["prev"] = page_link(ctx, query, std::min(number - 1, std::max<size_t>(pages, 1)), size);
    }
    if (number < pages) {
        links["next"] = page_link(ctx, query, number + 1, size);
    }
    links["last"] = page_link(ctx, query, std::max<size_t>(pages, 1), size);
    json body{{"data", std::move(data)}, {"links", std::move(links)}};
    if (ctx.compat.events_meta == Compat::EventsMeta::present) {
        body["meta"] = {{"current_page", number}, {"per_page", size}, {"record_count", total}, {"total_pages", pages}};
    }
    ctx.response.set_json(200, body, jsonapi_media_type);
}

}  // namespace

void add_event_routes(Router& router) {
    router.add("GET", "/events", Family::jsonapi, list_events);
    router.add("GET", "/events/{event_id}", Family::jsonapi, [](Context& ctx) {
        ctx.require_superuser("read the audit log");
        const Event* event = ctx.store.events.find(ctx.params[0]);
        if (!event || event->customer_id != ctx.store.customer.id) {
            throw record_not_found("event", ctx.params[0]);
        }
        ctx.response.set_json(200, {{"data", answered(*event, ctx.compat)}}, jsonapi_media_type);
    });
}

}  // namespace fastly_emulator
