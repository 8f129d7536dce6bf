// YAML is read through yaml-cpp's event interface rather than YAML::Load so that the tool, not the
// library, decides what an alias costs, how deep nesting may go, and which scalar is which type.
#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>
#include <algorithm>
#include <cctype>
#include <fastly_accounts/config/yaml_tree.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <istream>
#include <map>
#include <streambuf>

namespace fastly_accounts::config {

namespace {

using Type = YamlNode::Type;

// Thrown from inside the event handler to stop the parse at the first structural problem.
struct Refusal {
    int line;
    int column;
    std::string message;
};

// Scalars are compared as string_views throughout: comparing a std::string with a literal measures the
// literal and calls compare() every time, and every plain scalar, keys included, is checked here.
bool is_core_bool(std::string_view s) {
    return s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE";
}

// The YAML 1.2 core schema's integer and float forms, matched by hand: std::regex recurses once per
// character and overflows the stack on a plain scalar of some tens of thousands of digits.
template <typename Digit>
bool all_of(std::string_view s, Digit digit) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [digit](char c) { return digit(static_cast<unsigned char>(c)); });
}

bool is_octal(unsigned char c) {
    return c >= '0' && c <= '7';
}
bool is_decimal(unsigned char c) {
    return std::isdigit(c) != 0;
}
bool is_hex(unsigned char c) {
    return std::isxdigit(c) != 0;
}

std::string_view without_sign(std::string_view s) {
    return !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
}

// [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
bool is_core_integer(std::string_view s) {
    if (s.substr(0, 2) == "0o") {
        return all_of(s.substr(2), is_octal);
    }
    if (s.substr(0, 2) == "0x") {
        return all_of(s.substr(2), is_hex);
    }
    return all_of(without_sign(s), is_decimal);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
bool is_core_float(std::string_view s) {
    if (s == ".nan" || s == ".NaN" || s == ".NAN") {
        return true;
    }
    s = without_sign(s);
    if (s == ".inf" || s == ".Inf" || s == ".INF") {
        return true;
    }
    auto digits = [&s]() {
        std::size_t n = 0;
        while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
            ++n;
        }
        s.remove_prefix(n);
        return n;
    };
    const std::size_t whole = digits();
    if (!s.empty() && s[0] == '.') {
        s.remove_prefix(1);
        if (digits() == 0 && whole == 0) {
            return false;
        }
    } else if (whole == 0) {
        return false;
    }
    if (!s.empty() && (s[0] == 'e' || s[0] == 'E')) {
        s = without_sign(s.substr(1));
        return all_of(s, is_decimal);
    }
    return s.empty();
}

Type resolve_plain(std::string_view s) {
    if (is_core_bool(s)) {
        return Type::boolean;
    }
    if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+' || s[0] == '.')) {
        if (is_core_integer(s)) {
            return Type::integer;
        }
        if (is_core_float(s)) {
            return Type::number;
        }
    }
    return Type::string;
}

class TreeBuilder : public YAML::EventHandler {
public:
    explicit TreeBuilder(const YamlLimits& limits) : m_limits(limits) {}

    std::deque<YamlNode> take_nodes() { return std::move(m_nodes); }
    std::optional<std::size_t> root() const { return m_root; }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        // An empty value (`users:` and nothing after it) is marked where the next token starts, often the
        // next line; point at its key instead, which is where the reader will look.
        if (in_mapping() && !next_is_key()) {
            const YamlNode& key = m_nodes[m_children.back()];
            YAML::Mark at = mark;
            at.line = key.line - 1;
            at.column = key.column - 1;
            add_leaf(at, anchor, Type::null, "");
            return;
        }
        add_leaf(mark, anchor, Type::null, "");
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto it = m_anchors.find(anchor);
        if (it == m_anchors.end()) {
            throw Refusal{mark.line + 1, mark.column + 1, "alias refers to an unknown anchor"};
        }
        const std::size_t target = it->second;
        if (m_expanded[target] == 0) {
            throw Refusal{mark.line + 1, mark.column + 1, "alias refers to a node that contains it"};
        }
        m_alias_expansion += m_expanded[target];
        if (m_alias_expansion > m_limits.max_alias_expansion) {
            throw Refusal{mark.line + 1, mark.column + 1,
                          fmt::format("YAML aliases would expand to more than {} nodes; refusing to expand them "
                                      "(an alias bomb?)",
                                      m_limits.max_alias_expansion)};
        }
        attach(target);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        const std::string_view given = tag;  // compared as a string_view, as in is_core_bool
        Type type = Type::string;
        if (given == "?") {
            type = resolve_plain(value);
        } else if (given != "!" && given != "tag:yaml.org,2002:str") {
            throw Refusal{mark.line + 1, mark.column + 1,
                          fmt::format("unsupported YAML tag '{}'; write the value without a tag", tag)};
        }
        add_leaf(mark, anchor, type, value);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(mark, anchor, Type::sequence);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(mark, anchor, Type::mapping);
    }
    void OnMapEnd() override { close(); }

private:
    std::size_t make(const YAML::Mark& mark, YAML::anchor_t anchor, Type type, std::string text) {
        const std::size_t index = m_nodes.size();
        m_nodes.push_back(YamlNode{type, std::move(text), mark.line + 1, mark.column + 1, {}});
        m_expanded.push_back(0);
        if (anchor != YAML::NullAnchor) {
            m_anchors[anchor] = index;
        }
        return index;
    }

    void add_leaf(const YAML::Mark& mark, YAML::anchor_t anchor, Type type, std::string text) {
        const std::size_t index = make(mark, anchor, type, std::move(text));
        m_expanded[index] = 1;
        attach(index);
    }

    void open(const YAML::Mark& mark, YAML::anchor_t anchor, Type type) {
        if (m_open.size() >= m_limits.max_depth) {
            throw Refusal{
                mark.line + 1, mark.column + 1,
                fmt::format("nesting deeper than {} levels; this format needs no more than 4", m_limits.max_depth)};
        }
        const std::size_t index = make(mark, anchor, type, "");
        attach(index);
        m_open.push_back({index, m_children.size()});
    }

    // Gives the innermost open node its children, in one allocation of the right size.
    void close() {
        const OpenNode node = m_open.back();
        m_open.pop_back();
        const auto first = m_children.begin() + static_cast<std::ptrdiff_t>(node.first_child);
        std::size_t size = 1;
        for (auto child = first; child != m_children.end(); ++child) {
            size += m_expanded[*child];
        }
        m_nodes[node.index].children.assign(first, m_children.end());
        m_children.erase(first, m_children.end());
        m_expanded[node.index] = size;
    }

    void attach(std::size_t index) {
        if (m_open.empty()) {
            m_root = index;
            return;
        }
        const Type t = m_nodes[index].type;
        if (in_mapping() && next_is_key() && (t == Type::sequence || t == Type::mapping)) {
            const YamlNode& key = m_nodes[index];
            throw Refusal{key.line, key.column, "a mapping key must be a plain value, not a list or mapping"};
        }
        m_children.push_back(index);
    }

    bool in_mapping() const { return !m_open.empty() && m_nodes[m_open.back().index].type == Type::mapping; }

    // Whether the next child of the innermost open mapping is a key (keys and values alternate).
    bool next_is_key() const { return (m_children.size() - m_open.back().first_child) % 2 == 0; }

    // A sequence or mapping still being read. Its children wait in m_children, from first_child on, until
    // it closes: growing a vector per node one child at a time took several allocations for each.
    struct OpenNode {
        std::size_t index;
        std::size_t first_child;
    };

    const YamlLimits& m_limits;
    std::deque<YamlNode> m_nodes;
    std::vector<std::size_t> m_expanded;  // node count once aliases are expanded; 0 while still open
    std::vector<OpenNode> m_open;
    std::vector<std::size_t> m_children;  // children of the open nodes, innermost last
    std::map<YAML::anchor_t, std::size_t> m_anchors;
    std::size_t m_alias_expansion = 0;
    std::optional<std::size_t> m_root;
};

// yaml-cpp reads from a std::istream; this one reads `text` where it is, where a std::istringstream
// would first copy the whole file.
class TextBuffer : public std::streambuf {
public:
    explicit TextBuffer(std::string_view text) {
        // The get area is only read from, so dropping const is safe.
        char* begin = const_cast<char*>(text.data());
        setg(begin, begin, begin + text.size());
    }
};

// Line and column (1-based, columns in characters) of byte `offset` in `text`.
std::pair<int, int> position_of(std::string_view text, std::size_t offset) {
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    int column = 1;
    for (std::size_t i = line_start; i < offset; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

// YAML forbids tabs in indentation, and yaml-cpp reports them confusingly (also before a comment).
bool check_tabs(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
    bool ok = true;
    int line = 1;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view content = text.substr(start, end - start);
        const std::size_t first = content.find_first_not_of(" \t");
        if (first != std::string_view::npos && content[first] != '\r') {
            const std::size_t tab = content.substr(0, first).find('\t');
            if (tab != std::string_view::npos) {
                diagnostics.add({file, line, static_cast<int>(tab) + 1, "",
                                 "tab character in indentation; YAML indents with spaces only"});
                ok = false;
            }
        }
        ++line;
        start = end + 1;
    }
    return ok;
}

}  // namespace

bool reads_as_string(const std::string& text) {
    const bool null_word = text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
    return !null_word && resolve_plain(text) == Type::string;
}

std::optional<long long> parse_integer(const std::string& text) {
    int base = 10;
    std::size_t skip = 0;
    if (text.rfind("0o", 0) == 0) {
        base = 8;
        skip = 2;
    } else if (text.rfind("0x", 0) == 0) {
        base = 16;
        skip = 2;
    }
    if (text.size() <= skip || resolve_plain(text) != Type::integer) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        const long long value = std::stoll(text.substr(skip), &used, base);
        return used == text.size() - skip ? std::optional(value) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;  // out of range
    }
}

std::string_view describe(YamlNode::Type type) {
    switch (type) {
        case Type::null:
            return "nothing (null)";
        case Type::boolean:
            return "a boolean";
        case Type::integer:
            return "an integer";
        case Type::number:
            return "a number";
        case Type::string:
            return "a string";
        case Type::sequence:
            return "a list";
        case Type::mapping:
            return "a mapping";
    }
    return "?";
}

std::optional<YamlDocument> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics,
                                       const YamlLimits& limits) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    if (auto bad = util::find_invalid_utf8(text)) {
        auto [line, column] = position_of(text, *bad);
        diagnostics.add({file, line, column, "",
                         fmt::format("invalid UTF-8 (byte 0x{:02X}); save the file as UTF-8",
                                     static_cast<unsigned char>(text[*bad]))});
        return std::nullopt;
    }
    if (!check_tabs(text, file, diagnostics)) {
        return std::nullopt;
    }

    TextBuffer buffer(text);
    std::istream stream(&buffer);
    TreeBuilder builder(limits);
    try {
        YAML::Parser parser(stream);
        if (!parser.HandleNextDocument(builder) || !builder.root()) {
            diagnostics.add({file, 0, 0, "", "the file is empty; it needs at least `version: 1`"});
            return std::nullopt;
        }
        TreeBuilder rest(limits);
        if (parser.HandleNextDocument(rest)) {
            const auto& nodes = rest.take_nodes();
            const int line = nodes.empty() ? 0 : nodes.front().line;
            const int column = nodes.empty() ? 0 : nodes.front().column;
            diagnostics.add({file, line, column, "",
                             "a second YAML document (after `---`); put each document in a file of its own"});
            return std::nullopt;
        }
    } catch (const Refusal& refusal) {
        diagnostics.add({file, refusal.line, refusal.column, "", refusal.message});
        return std::nullopt;
    } catch (const YAML::ParserException& e) {
        diagnostics.add({file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax error: " + e.msg});
        return std::nullopt;
    }
    const std::size_t root = *builder.root();
    return YamlDocument(builder.take_nodes(), root);
}

}  // namespace fastly_accounts::config
