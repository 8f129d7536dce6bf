#pragma once

#include <cstddef>
#include <deque>
#include <fastly_accounts/config/diagnostics.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_accounts::config {

/// One node of a parsed YAML document, with its position. Plain scalars are resolved with the YAML 1.2
/// core schema (so `yes` is a string and `10` an integer); quoted scalars are always strings.
struct YamlNode {
    enum class Type { null, boolean, integer, number, string, sequence, mapping };

    Type type = Type::null;
    std::string text;  ///< the scalar's value as written (escapes resolved); empty for containers
    int line = 0;      ///< 1-based
    int column = 0;    ///< 1-based
    /// Sequence: the items. Mapping: keys and values alternating (key0, value0, key1, value1, ...).
    /// Indexes into YamlDocument; an alias makes two places share one index.
    std::vector<std::size_t> children;
};

/// The value of a YAML 1.2 core-schema integer (`10`, `-3`, `0o17`, `0x1F`), or nullopt when `text` is
/// not one or does not fit in a long long.
std::optional<long long> parse_integer(const std::string& text);

/// True when `text`, written as a plain (unquoted) scalar, would be read back as a string, not as a
/// null, boolean or number. Writers quote the strings for which this is false.
bool reads_as_string(const std::string& text);

/// "a string", "a list", ...: how messages name a node type.
std::string_view describe(YamlNode::Type type);

/// Limits that keep hostile input from exhausting memory or stack.
struct YamlLimits {
    std::size_t max_depth = 64;  ///< nesting of lists and mappings; the format itself needs 4
    /// Nodes that aliases may add when expanded, in total. Refuses "billion laughs" documents while
    /// allowing ordinary reuse of an anchored list.
    std::size_t max_alias_expansion = 100'000;
};

/// A parsed single-document YAML file. Aliases are kept as shared nodes, never copied.
class YamlDocument {
public:
    YamlDocument(std::deque<YamlNode> nodes, std::size_t root) : m_nodes(std::move(nodes)), m_root(root) {}

    const YamlNode& root() const { return m_nodes[m_root]; }
    const YamlNode& node(std::size_t index) const { return m_nodes[index]; }

private:
    // A deque, not a vector: a 10k-user file has some 160,000 nodes, and growing a vector moved them all
    // again at each doubling (a tenth of the time spent building the tree).
    std::deque<YamlNode> m_nodes;
    std::size_t m_root;
};

/// Parses `text`, the contents of `file`. Checks first that the text is UTF-8 and indented with spaces
/// only. Returns nullopt after adding diagnostics to `diagnostics` when the text is not a single
/// well-formed YAML document within `limits`; an empty file (or one holding only comments) is an error.
std::optional<YamlDocument> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics,
                                       const YamlLimits& limits = {});

}  // namespace fastly_accounts::config
