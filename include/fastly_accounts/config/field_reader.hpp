#pragma once

#include <cstddef>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/config/yaml_tree.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_accounts::config {

/// A field path such as `user_groups[3].members[12]`, held as a link to its parent so that making one
/// costs nothing until a message needs its text: a 10k-user account has some 200,000 of them and,
/// when valid, no message. A path refers to its parent and to the field name it was made with, so it
/// cannot be copied; pass it down the call stack by reference.
class FieldPath {
public:
    /// The top level: the empty path.
    FieldPath() = default;
    FieldPath(const FieldPath&) = delete;
    FieldPath& operator=(const FieldPath&) = delete;

    /// `this.name`, or `name` when this path's text is empty.
    FieldPath field(std::string_view name) const { return FieldPath(this, name, false, 0); }

    /// `this[index]`.
    FieldPath item(std::size_t index) const { return FieldPath(this, {}, true, index); }

    /// The index of a path made by item(); 0 for any other.
    std::size_t index() const { return m_index; }

    /// The path as text, as messages show it.
    std::string str() const;

private:
    FieldPath(const FieldPath* parent, std::string_view name, bool is_item, std::size_t index)
        : m_parent(parent), m_name(name), m_is_item(is_item), m_index(index) {}

    const FieldPath* m_parent = nullptr;  // null at the top level
    std::string_view m_name;
    bool m_is_item = false;
    std::size_t m_index = 0;
};

/// Reads typed values out of a YamlDocument, reporting every mismatch as a Diagnostic that names the
/// file, the position and the field path. Readers return nullopt after reporting; they never throw.
class FieldReader {
public:
    FieldReader(const YamlDocument& document, std::string file, Diagnostics& diagnostics)
        : m_document(document), m_file(std::move(file)), m_diagnostics(diagnostics) {}

    const YamlDocument& document() const { return m_document; }
    const std::string& file() const { return m_file; }

    /// Reports `message` about `path`, at the position of `at`.
    void error(const YamlNode& at, const FieldPath& path, const std::string& message) const;

    /// Calls `visit(key, value, path)` for each entry of the mapping `node` whose key is in `known`.
    /// Reports a non-mapping node, non-string keys, duplicate keys and unknown keys (with a "did you
    /// mean" hint). Returns false when `node` is not a mapping.
    bool for_each_field(
        const YamlNode& node, const FieldPath& path, const std::vector<std::string>& known,
        const std::function<void(std::string_view key, const YamlNode& value, const FieldPath& path)>& visit,
        std::string_view what = "a mapping") const;

    /// Calls `visit(key, key_node, value, path)` for each entry of the mapping `node`, whatever its key (a
    /// mapping from names to values, such as a user's `services`). Reports a non-mapping node, keys that
    /// are not names (see name()), and duplicate keys. Returns false when `node` is not a mapping.
    bool for_each_entry(const YamlNode& node, const FieldPath& path,
                        const std::function<void(const std::string& key, const YamlNode& key_node,
                                                 const YamlNode& value, const FieldPath& path)>& visit,
                        std::string_view what = "a mapping") const;

    /// The string value of `node`, or nullopt (reported) when it is not a string.
    std::optional<std::string> string(const YamlNode& node, const FieldPath& path) const;

    /// A string with no leading/trailing spaces and not empty: names and keys.
    std::optional<std::string> name(const YamlNode& node, const FieldPath& path) const;

    /// `true`/`false`, or nullopt (reported).
    std::optional<bool> boolean(const YamlNode& node, const FieldPath& path) const;

    /// An integer no less than `minimum`, or nullopt (reported).
    std::optional<int> integer(const YamlNode& node, const FieldPath& path, int minimum) const;

    /// A list whose items are read with `item`, which returns nullopt after reporting a bad item. Items
    /// with equal `dedupe_key` (when given) are reported as listed twice. Returns nullopt only when `node`
    /// is not a list; bad items are left out of the result.
    std::optional<std::vector<std::string>> string_list(
        const YamlNode& node, const FieldPath& path,
        const std::function<std::optional<std::string>(const YamlNode&, const FieldPath&)>& item,
        const std::function<std::string(const std::string&)>& dedupe_key = {}) const;

    /// Reports that `node` is not what was `expected` ("a list", "a string", ...), with a hint on how to
    /// write it when the mistake is a common one.
    void type_error(const YamlNode& node, const FieldPath& path, std::string_view expected) const;

private:
    // Visits each entry of the mapping `node`, after reporting a node that is not a mapping (as `what`), keys
    // that are not strings, duplicates and, with `keys_are_names`, keys that are not names.
    bool walk_mapping(
        const YamlNode& node, const FieldPath& path, std::string_view what, bool keys_are_names,
        const std::function<void(const YamlNode& key, const YamlNode& value, const FieldPath& path)>& visit) const;

    const YamlDocument& m_document;
    std::string m_file;
    Diagnostics& m_diagnostics;
};

/// "line L, column C" of `node`, for messages that point back at another place in the same file.
std::string position(const YamlNode& node);

/// `list[index]`: the text of an item's field path.
std::string item_path(std::string_view list, std::size_t index);

}  // namespace fastly_accounts::config
