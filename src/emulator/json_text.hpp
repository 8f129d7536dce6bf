#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util.hpp"

namespace fastly_emulator {

/// Appends JSON text straight to a string, for the big list answers: no document is built, so a
/// 10,000-user list costs its output and nothing more. The output is byte for byte what
/// nlohmann::json::dump() gives for the same document, provided the caller writes object keys in
/// sorted order (nlohmann keeps object keys sorted). render_test checks each writer against its DOM twin.
class JsonText {
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
    void optional_boolean(const std::optional<bool>& value);
    /// `YYYY-MM-DDTHH:MM:SSZ` as a string.
    void timestamp(EpochSeconds value);
    void optional_timestamp(const std::optional<EpochSeconds>& value);
    void strings(const std::vector<std::string>& values);

    // Shorthands for a member: key, then value.
    template <class T>
    void member(std::string_view name, const T& value) {
        key(name);
        write(value);
    }

private:
    void open(char c);
    void close(char c);
    void separate();
    void quoted(std::string_view value);
    static bool needs_escaping(std::string_view value);

    void write(std::string_view value) { string(value); }
    void write(const std::string& value) { string(value); }
    void write(const char* value) { string(value); }
    void write(bool value) { boolean(value); }
    void write(int value) { number(value); }
    void write(std::int64_t value) { number(value); }
    void write(std::uint64_t value) { number(value); }
    void write(const std::optional<bool>& value) { optional_boolean(value); }
    void write(const std::vector<std::string>& value) { strings(value); }
    void write(std::nullptr_t) { null(); }

    std::string& m_out;
    bool m_first = true;     ///< no value yet in the current container
    bool m_after_key = false;  ///< a key was written; its value needs no comma
};

}  // namespace fastly_emulator
