// Drift with its author (README "Drift and its authors"): reads the audit log for the changes it can
// explain and puts the latest matching event on each. Never fails the run: what cannot be read is a note.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fastly_accounts/cli/pipeline.hpp>
#include <fastly_accounts/plan/authors.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/time.hpp>
#include <optional>

namespace fastly_accounts::cli {

namespace {

// Pages read per event type, newest first: only the latest event of each object counts, so the first
// pages hold what matters; the bound keeps a busy log from costing more than a few requests.
constexpr int author_pages_per_type = 10;

// Whether the events read so far came newest first, as asked: created_at never increases within a page
// or from one page to the next. A read cut by its bound keeps only what came first, which is the latest
// only in that order.
struct NewestFirst {
    bool held = true;
    std::optional<std::int64_t> last;  // the last readable created_at read

    void check(const std::vector<model::Event>& page) {
        for (const auto& event : page) {
            const std::optional<std::int64_t> at = util::parse_utc(event.created_at);
            if (!at) {
                continue;  // an unreadable time is passed over by the matching too
            }
            held = held && (!last || *at <= *last);
            last = at;
        }
    }
};

}  // namespace

void add_since_option(CLI::App& command, int& days) {
    command
        .add_option("--since", days,
                    "Show who made each drifted user, invitation, grant or account setting: the latest event "
                    "of the audit log about it within this many days")
        ->type_name("DAYS")
        ->check(CLI::Range(1, 3650))
        ->capture_default_str();
}

void add_authors(Session& session, Planned& planned, int days, std::int64_t now) {
    plan::Plan& plan = planned.plan;
    if (auto note = plan::unrecorded_authors_note(plan)) {
        plan.notes.push_back(*note);
    }
    // The drift the files of a pull request keep (plan --base) is someone's hand edit too: who made it is worth
    // as much to the reviewer as who made the drift the plan undoes.
    plan::Plan adopted;
    adopted.customer_id = plan.customer_id;
    adopted.changes = plan.adopted;
    std::vector<std::string> types = plan::author_event_types(plan);
    for (auto& type : plan::author_event_types(adopted)) {
        if (std::find(types.begin(), types.end(), type) == types.end()) {
            types.push_back(std::move(type));
        }
    }
    if (types.empty()) {
        return;
    }
    plan::AuthorContext context;
    context.live = &planned.live;
    context.since = now - static_cast<std::int64_t>(days) * 24 * 60 * 60;
    const std::string since = util::format_utc(context.since);
    std::vector<model::Event> events;
    std::string cut_at;                  // the oldest time read of a type whose read stopped at its bound
    std::vector<std::string> unordered;  // the types whose bounded read did not come newest first
    try {
        // One type a request: Fastly documents filter[event_type] as one type, and a comma list that it
        // took literally would match nothing without saying so.
        for (const auto& type : types) {
            const std::size_t first = events.size();
            NewestFirst order;
            const auto read = session.api().list_events(planned.live.customer.id, type, since, author_pages_per_type,
                                                        [&](const std::vector<model::Event>& page) {
                                                            order.check(page);
                                                            events.insert(events.end(), page.begin(), page.end());
                                                            return true;
                                                        });
            if (read.complete) {
                continue;  // read to the end: the latest is among them, whatever the order
            }
            if (!order.held) {
                // What the bound left out may be the newest: no author rather than an older one.
                events.erase(events.begin() + static_cast<std::ptrdiff_t>(first), events.end());
                unordered.push_back(type);
            } else if (cut_at.empty() || read.oldest > cut_at) {
                cut_at = read.oldest;
            }
        }
    } catch (const util::Error& e) {
        plan.notes.push_back(fmt::format("events log not readable: {}; authors not shown", e.what()));
        return;
    }
    try {
        context.own_token_id = session.api().current_token_id();
    } catch (const util::Error& e) {
        plan.notes.push_back(fmt::format(
            "this run's token could not be identified (GET /tokens/self: {}), so no author is marked as this "
            "tool's token",
            e.what()));
    }
    if (!cut_at.empty()) {
        plan.notes.push_back(
            fmt::format("the audit log was read back to {} only ({} pages an event type): an author shown is the "
                        "latest among the events read",
                        cut_at, author_pages_per_type));
    }
    for (const auto& type : unordered) {
        plan.notes.push_back(fmt::format(
            "the audit log did not come newest first and was read {} pages deep only, so authors from {} are "
            "not shown",
            author_pages_per_type, type));
    }
    plan::attribute_authors(plan, events, context);
    plan::attribute_authors(adopted, events, context);
    plan.adopted = std::move(adopted.changes);
}

}  // namespace fastly_accounts::cli
