#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/config/field_reader.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <unordered_map>

namespace fastly_accounts::config {

namespace {

// Mappings here are short (a user has at most 7 fields), and scanning the keys before costs less than
// building a map for each of 10,000 users; past this many keys a hash map keeps a hostile mapping with
// 100,000 keys linear.
constexpr std::size_t max_keys_to_scan = 16;

// The first string key of `mapping` before its key at `index` that is written the same, if any.
class EarlierKeys {
public:
    EarlierKeys(const YamlDocument& document, const YamlNode& mapping) : m_document(document), m_mapping(mapping) {}

    // The key first given as `key.text`, or null after noting `key` (at `index`) as the first.
    const YamlNode* find_or_add(const YamlNode& key, std::size_t index) {
        if (m_mapping.children.size() / 2 <= max_keys_to_scan) {
            return scan(key, index);
        }
        auto [it, inserted] = m_seen.try_emplace(key.text, &key);
        return inserted ? nullptr : it->second;
    }

private:
    const YamlNode* scan(const YamlNode& key, std::size_t index) const {
        for (std::size_t i = 0; i < index; i += 2) {
            const YamlNode& earlier = m_document.node(m_mapping.children[i]);
            if (earlier.type == YamlNode::Type::string && earlier.text == key.text) {
                return &earlier;
            }
        }
        return nullptr;
    }

    const YamlDocument& m_document;
    const YamlNode& m_mapping;
    std::unordered_map<std::string_view, const YamlNode*> m_seen;  // used past max_keys_to_scan
};

}  // namespace

std::string FieldPath::str() const {
    if (!m_parent) {
        return "";
    }
    const std::string parent = m_parent->str();
    if (m_is_item) {
        return item_path(parent, m_index);
    }
    return parent.empty() ? std::string(m_name) : parent + "." + std::string(m_name);
}

std::string item_path(std::string_view list, std::size_t index) {
    return fmt::format("{}[{}]", list, index);
}

std::string position(const YamlNode& node) {
    return fmt::format("line {}, column {}", node.line, node.column);
}

void FieldReader::error(const YamlNode& at, const FieldPath& path, const std::string& message) const {
    m_diagnostics.add({m_file, at.line, at.column, path.str(), message});
}

void FieldReader::type_error(const YamlNode& node, const FieldPath& path, std::string_view expected) const {
    using NodeType = YamlNode::Type;
    const bool scalar = node.type != NodeType::sequence && node.type != NodeType::mapping &&
                        node.type != NodeType::null;
    std::string message = fmt::format("expected {}, got {}", expected, describe(node.type));
    if (scalar) {
        constexpr std::size_t shown = 60;
        message += fmt::format(" '{}'", node.text.size() > shown ? node.text.substr(0, shown) + "..." : node.text);
    }
    if (scalar && expected == "a boolean") {
        message += " (write true or false)";
    } else if (scalar && node.type != NodeType::string && expected == "a string") {
        message += "; put it in quotes to make it a string";
    } else if (node.type == NodeType::string && expected == "a list") {
        message += fmt::format("; write a list such as [{}]", node.text);
    }
    error(node, path, message);
}

bool FieldReader::walk_mapping(
    const YamlNode& node, const FieldPath& path, std::string_view what, bool keys_are_names,
    const std::function<void(const YamlNode& key, const YamlNode& value, const FieldPath& path)>& visit) const {
    if (node.type != YamlNode::Type::mapping) {
        type_error(node, path, what);
        return false;
    }
    const std::string_view noun = keys_are_names ? "key" : "field";
    EarlierKeys earlier(m_document, node);
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
        const YamlNode& key = m_document.node(node.children[i]);
        const YamlNode& value = m_document.node(node.children[i + 1]);
        if (key.type != YamlNode::Type::string) {
            error(key, path, fmt::format("{} names must be strings, got {} '{}'", noun, describe(key.type), key.text));
            continue;
        }
        const FieldPath child = path.field(key.text);
        if (keys_are_names && !name(key, child)) {
            continue;  // empty, or holding a character that disguises it: reported
        }
        if (const YamlNode* first = earlier.find_or_add(key, i)) {
            error(key, child, fmt::format("duplicate {} (first given at {})", noun, position(*first)));
            continue;
        }
        visit(key, value, child);
    }
    return true;
}

bool FieldReader::for_each_field(const YamlNode& node, const FieldPath& path, const std::vector<std::string>& known,
                                 const std::function<void(std::string_view, const YamlNode&, const FieldPath&)>& visit,
                                 std::string_view what) const {
    return walk_mapping(node, path, what, false,
                        [&](const YamlNode& key, const YamlNode& value, const FieldPath& child) {
                            if (std::find(known.begin(), known.end(), key.text) == known.end()) {
                                std::string message = "unknown field";
                                if (key.text == "<<") {
                                    message = "YAML merge keys (<<) are not supported; write the fields out";
                                } else {
                                    message += util::did_you_mean(
                                        key.text, known, fmt::format("expected one of {}", util::join(known, ", ")));
                                }
                                error(key, child, message);
                                return;
                            }
                            visit(key.text, value, child);
                        });
}

bool FieldReader::for_each_entry(
    const YamlNode& node, const FieldPath& path,
    const std::function<void(const std::string&, const YamlNode&, const YamlNode&, const FieldPath&)>& visit,
    std::string_view what) const {
    return walk_mapping(node, path, what, true,
                        [&](const YamlNode& key, const YamlNode& value, const FieldPath& child) {
                            visit(key.text, key, value, child);
                        });
}

std::optional<std::string> FieldReader::string(const YamlNode& node, const FieldPath& path) const {
    if (node.type != YamlNode::Type::string) {
        type_error(node, path, "a string");
        return std::nullopt;
    }
    return node.text;
}

std::optional<std::string> FieldReader::name(const YamlNode& node, const FieldPath& path) const {
    auto value = string(node, path);
    if (!value) {
        return std::nullopt;
    }
    if (value->empty()) {
        error(node, path, "must not be empty");
        return std::nullopt;
    }
    // Spaces at either end are allowed (only quotes can write them, and Fastly accepts them, so an export
    // must round-trip); characters that can disguise a key are not: a reviewer must read what apply does.
    if (auto bad = util::find_disguising(*value)) {
        error(node, path,
              fmt::format("'{}' contains {}, a control or invisible character that can disguise text; logins, "
                          "emails and names must not hold one",
                          util::escape_disguising(*value), util::describe_code_point(*bad)));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> FieldReader::boolean(const YamlNode& node, const FieldPath& path) const {
    if (node.type != YamlNode::Type::boolean) {
        type_error(node, path, "a boolean");
        return std::nullopt;
    }
    return node.text[0] == 't' || node.text[0] == 'T';
}

std::optional<int> FieldReader::integer(const YamlNode& node, const FieldPath& path, int minimum) const {
    if (node.type != YamlNode::Type::integer) {
        type_error(node, path, "an integer");
        return std::nullopt;
    }
    const auto parsed = parse_integer(node.text);
    if (!parsed) {
        error(node, path, fmt::format("{} is out of range", node.text));
        return std::nullopt;
    }
    const long long value = *parsed;
    if (value < minimum || value > 1'000'000'000) {
        error(node, path, fmt::format("must be between {} and 1000000000, got {}", minimum, node.text));
        return std::nullopt;
    }
    return static_cast<int>(value);
}

std::optional<std::vector<std::string>> FieldReader::string_list(
    const YamlNode& node, const FieldPath& path,
    const std::function<std::optional<std::string>(const YamlNode&, const FieldPath&)>& item,
    const std::function<std::string(const std::string&)>& dedupe_key) const {
    if (node.type != YamlNode::Type::sequence) {
        type_error(node, path, "a list");
        return std::nullopt;
    }
    std::vector<std::string> out;
    out.reserve(node.children.size());
    std::unordered_map<std::string, const YamlNode*> seen;  // dedupe key -> first entry
    seen.reserve(dedupe_key ? node.children.size() : 0);
    for (std::size_t i = 0; i < node.children.size(); ++i) {
        const YamlNode& child = m_document.node(node.children[i]);
        const FieldPath child_path = path.item(i);
        auto value = item(child, child_path);
        if (!value) {
            continue;
        }
        if (dedupe_key) {
            auto [it, inserted] = seen.emplace(dedupe_key(*value), &child);
            if (!inserted) {
                error(child, child_path,
                      fmt::format("'{}' is listed twice (first at {})", *value, position(*it->second)));
                continue;
            }
        }
        out.push_back(std::move(*value));
    }
    return out;
}

}  // namespace fastly_accounts::config
