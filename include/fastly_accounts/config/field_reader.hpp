#pragma once

#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/config/yaml_tree.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_accounts::config {

/// Reads typed values out of a YamlDocument, reporting every mismatch as a Diagnostic that names the
/// file, the position and the field path. Readers return nullopt after reporting; they never throw.
class FieldReader {
public:
    FieldReader(const YamlDocument& document, std::string file, Diagnostics& diagnostics)
        : m_document(document), m_file(std::move(file)), m_diagnostics(diagnostics) {}

    const YamlDocument& document() const { return m_document; }
    const std::string& file() const { return m_file; }

    /// Reports `message` about `path`, at the position of `at`.
    void error(const YamlNode& at, const std::string& path, const std::string& message) const;

    /// Calls `visit(key, value, path)` for each entry of the mapping `node` whose key is in `known`.
    /// Reports a non-mapping node, non-string keys, duplicate keys and unknown keys (with a "did you
    /// mean" hint). Returns false when `node` is not a mapping.
    bool for_each_field(
        const YamlNode& node, const std::string& path, const std::vector<std::string>& known,
        const std::function<void(const std::string& key, const YamlNode& value, const std::string& path)>& visit,
        std::string_view what = "a mapping") const;

    /// The string value of `node`, or nullopt (reported) when it is not a string.
    std::optional<std::string> string(const YamlNode& node, const std::string& path) const;

    /// A string with no leading/trailing spaces and not empty: names and keys.
    std::optional<std::string> name(const YamlNode& node, const std::string& path) const;

    /// `true`/`false`, or nullopt (reported).
    std::optional<bool> boolean(const YamlNode& node, const std::string& path) const;

    /// An integer no less than `minimum`, or nullopt (reported).
    std::optional<int> integer(const YamlNode& node, const std::string& path, int minimum) const;

    /// A list whose items are read with `item`, which returns nullopt after reporting a bad item. Items
    /// with equal `dedupe_key` (when given) are reported as listed twice. Returns nullopt only when `node`
    /// is not a list; bad items are left out of the result.
    std::optional<std::vector<std::string>> string_list(
        const YamlNode& node, const std::string& path,
        const std::function<std::optional<std::string>(const YamlNode&, const std::string&)>& item,
        const std::function<std::string(const std::string&)>& dedupe_key = {}) const;

    /// Reports that `node` is not what was `expected` ("a list", "a string", ...), with a hint on how to
    /// write it when the mistake is a common one.
    void type_error(const YamlNode& node, const std::string& path, std::string_view expected) const;

private:

    const YamlDocument& m_document;
    std::string m_file;
    Diagnostics& m_diagnostics;
};

/// `parent.key`, or `key` when `parent` is empty.
std::string field_path(const std::string& parent, std::string_view key);

/// "line L, column C" of `node`, for messages that point back at another place in the same file.
std::string position(const YamlNode& node);

/// `parent[index]`.
std::string item_path(const std::string& parent, std::size_t index);

}  // namespace fastly_accounts::config
