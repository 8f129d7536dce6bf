#pragma once

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "util.hpp"

namespace fastly_emulator {

/// One entry of the audit log (`GET /events`). Empty strings are answered as null.
struct Event {
    std::string id;
    std::string customer_id;
    std::string event_type;  ///< Fastly's event type: `user.update`, `token.destroy`, ...
    std::string description;
    std::string user_id;     ///< the actor: the user whose token made the request, or who logged in
    std::string token_id;    ///< the token that made the request; empty for logins and 2FA changes
    std::string service_id;  ///< the service the event concerns (service authorizations)
    std::string ip;          ///< the address the request came from
    nlohmann::json metadata = nlohmann::json::object();  ///< the subject, and `{old, new}` per changed field
    bool admin = false;                                  ///< performed by Fastly staff (only seeds set it)
    EpochSeconds created_at = 0;
};

/// The audit log: events in the order they were recorded, at most `capacity()` of them (adding one more
/// drops the oldest recorded), with an index by ID.
class EventLog {
public:
    static constexpr std::size_t default_capacity = 100000;

    /// Appends `event` (its ID must be new) and drops the oldest beyond the capacity. Returns the stored
    /// event, or nullptr when the capacity is 0.
    const Event* add(Event event);
    /// The event with this ID, or nullptr.
    const Event* find(const std::string& id) const;
    /// The events, oldest recorded first.
    const std::deque<Event>& rows() const { return m_events; }
    std::size_t size() const { return m_events.size(); }
    std::size_t capacity() const { return m_capacity; }
    /// Sets the capacity, dropping the oldest events beyond it.
    void set_capacity(std::size_t capacity);
    /// Removes every event; the capacity stays.
    void clear();

private:
    void trim();

    std::deque<Event> m_events;
    std::unordered_map<std::string, std::uint64_t> m_index;  ///< ID -> sequence number
    std::uint64_t m_first = 0;                               ///< sequence number of m_events.front()
    std::size_t m_capacity = default_capacity;
};

}  // namespace fastly_emulator
