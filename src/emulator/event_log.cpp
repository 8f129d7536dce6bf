#include "event_log.hpp"

namespace fastly_emulator {

const Event* EventLog::add(Event event) {
    if (m_capacity == 0) {
        return nullptr;
    }
    m_index[event.id] = m_first + m_events.size();
    m_events.push_back(std::move(event));
    trim();
    return &m_events.back();
}

const Event* EventLog::find(const std::string& id) const {
    auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &m_events[static_cast<std::size_t>(it->second - m_first)];
}

void EventLog::set_capacity(std::size_t capacity) {
    m_capacity = capacity;
    trim();
}

void EventLog::clear() {
    m_events.clear();
    m_index.clear();
    m_first = 0;
}

void EventLog::trim() {
    while (m_events.size() > m_capacity) {
        m_index.erase(m_events.front().id);
        m_events.pop_front();
        ++m_first;
    }
}

}  // namespace fastly_emulator
