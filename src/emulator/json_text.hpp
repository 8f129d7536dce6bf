#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util.hpp"

namespace fastly_emulator {

/// The value writers JsonText and JsonTree share: members, optional values and string lists, built
/// on the primitives each provides (`key`, `string`, `boolean`, `null`, `number`, `timestamp`, the
/// container brackets). One rendering function, written once against this interface, serves both.
template <class Sink>
class JsonSink {
public:
    void optional_boolean(const std::optional<bool>& value) { value ? self().boolean(*value) : self().null(); }
    void optional_timestamp(const std::optional<EpochSeconds>& value) {
        value ? self().timestamp(*value) : self().null();
    }
    void strings(const std::vector<std::string>& values) {
        self().begin_array();
        for (const std::string& value : values) {
            self().string(value);
        }
        self().end_array();
    }

    /// A member: key, then value.
    template <class T>
    void member(std::string_view name, const T& value) {
        self().key(name);
        write(value);
    }

private:
    Sink& self() { return static_cast<Sink&>(*this); }

    void write(std::string_view value) { self().string(value); }
    void write(const std::string& value) { self().string(value); }
    void write(const char* value) { self().string(value); }
    void write(bool value) { self().boolean(value); }
    void write(int value) { self().number(static_cast<std::int64_t>(value)); }
    void write(std::int64_t value) { self().number(value); }
    void write(std::uint64_t value) { self().number(value); }
    void write(const std::optional<bool>& value) { optional_boolean(value); }
    void write(const std::vector<std::string>& value) { strings(value); }
    void write(std::nullptr_t) { self().null(); }
};

/// Appends JSON text straight to a string, for the big list answers: no document is built, so a
/// 10,000-user list costs its output and nothing more. The output is byte for byte what
/// nlohmann::json::dump() gives for the same document, provided the caller writes object keys in
/// sorted order (nlohmann keeps object keys sorted). render_test checks each writer against its DOM twin.
class JsonText : public JsonSink<JsonText> {
public:
    explicit JsonText(std::string& out) : m_out(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    /// Starts a member of the current object; its value follows.
    void key(std::string_view name);

    void string(std::string_view value);
    void boolean(bool value);
    void null();
    void number(std::int64_t value);
    void number(std::uint64_t value);
    void number(int value) { number(static_cast<std::int64_t>(value)); }
    void number(unsigned long long value) { number(static_cast<std::uint64_t>(value)); }
    /// `YYYY-MM-DDTHH:MM:SSZ` as a string.
    void timestamp(EpochSeconds value);

private:
    void open(char c);
    void close(char c);
    void separate();
    void quoted(std::string_view value);
    static bool needs_escaping(std::string_view value);

    std::string& m_out;
    bool m_first = true;       ///< no value yet in the current container
    bool m_after_key = false;  ///< a key was written; its value needs no comma
};

/// Builds the same document as an nlohmann::json value, for answers that are a single object or are
/// assembled further (`{"data": ...}`). Keys may come in any order.
class JsonTree : public JsonSink<JsonTree> {
public:
    void begin_object() { open(nlohmann::json::object()); }
    void end_object() { m_open.pop_back(); }
    void begin_array() { open(nlohmann::json::array()); }
    void end_array() { m_open.pop_back(); }
    void key(std::string_view name) { m_key.assign(name); }

    void string(std::string_view value) { put(std::string(value)); }
    void boolean(bool value) { put(value); }
    void null() { put(nullptr); }
    void number(std::int64_t value) { put(value); }
    void number(std::uint64_t value) { put(value); }
    void number(int value) { put(static_cast<std::int64_t>(value)); }
    void number(unsigned long long value) { put(static_cast<std::uint64_t>(value)); }
    void timestamp(EpochSeconds value) { put(format_timestamp(value)); }

    /// The document written.
    nlohmann::json take() { return std::move(m_root); }

private:
    nlohmann::json& put(nlohmann::json value);
    void open(nlohmann::json container) { m_open.push_back(&put(std::move(container))); }

    nlohmann::json m_root;
    std::vector<nlohmann::json*> m_open;  ///< the containers not yet closed, innermost last
    std::string m_key;                    ///< the key of the next member of the innermost object
};

}  // namespace fastly_emulator
