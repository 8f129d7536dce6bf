#include "markdown_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fastly_accounts/util/strings.hpp>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace fastly_accounts::render {

std::size_t comment_length(std::string_view text) {
    std::size_t units = 0;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        units += (byte & 0xc0) != 0x80 ? 1 : 0;
        units += byte >= 0xf0 ? 1 : 0;  // a four-byte sequence is a surrogate pair in UTF-16
    }
    return units;
}

namespace detail {

namespace {

constexpr std::string_view url_safe = "-._~:/?#[]@!$&'*+,;=%";

// `url` as a link destination: every byte outside the URL characters (a space, a parenthesis that would end
// the link, `<`, `>`, a backslash, a quote, anything not ASCII) percent-encoded.
std::string link_target(std::string_view url) {
    std::string out;
    for (const char c : url) {
        const auto byte = static_cast<unsigned char>(c);
        const bool alnum = (byte >= '0' && byte <= '9') || (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z');
        if (alnum || url_safe.find(c) != std::string_view::npos) {
            out += c;
        } else {
            out += fmt::format("%{:02X}", byte);
        }
    }
    return out;
}

bool is_web_url(std::string_view url) {
    return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

// "the full plan: `fastly-accounts plan ...` (or ...)": where the whole rendering can be read.
std::string pointer(const FitContext& context) {
    const bool plan = context.mode == Mode::plan;
    const std::string_view command = plan ? "`fastly-accounts plan --format markdown --max-markdown-chars 0`"
                                          : "`fastly-accounts drift --format text`";
    const std::string_view what = plan ? "plan" : "report";
    if (is_web_url(context.full_plan_url)) {
        return fmt::format("the full {}: [the saved {}]({}), or {}", what, what, link_target(context.full_plan_url),
                           command);
    }
    return fmt::format("the full {}: {}{}", what, command, plan ? " (or the plan saved with `--out`)" : "");
}

std::string joined(const std::vector<std::string>& blocks) {
    std::string out;
    for (const auto& block : blocks) {
        out += (out.empty() ? "" : "\n") + block;
    }
    return out;
}

std::string whole(const Block& block) {
    std::string out = block.head;
    for (const auto& entry : block.entries) {
        out += entry.text;
    }
    return out + block.tail;
}

// How much of the comment's content was left out, per kind of entry ("changes", "notes"), in order.
struct Omitted {
    struct Count {
        std::string noun;
        std::size_t left = 0;
        std::size_t total = 0;
    };
    std::vector<Count> counts;

    void add(const std::string& noun, std::size_t left, std::size_t total) {
        auto it = std::find_if(counts.begin(), counts.end(), [&](const Count& c) { return c.noun == noun; });
        if (it == counts.end()) {
            counts.push_back({noun, 0, 0});
            it = counts.end() - 1;
        }
        it->left += left;
        it->total += total;
    }

    // "1950 of 2000 changes, 3 of 4 unmanaged objects and 10 of 12 notes"
    std::string describe() const {
        std::vector<std::string> parts;
        for (const auto& c : counts) {
            if (c.left > 0) {
                parts.push_back(fmt::format("{} of {} {}", c.left, c.total, c.noun));
            }
        }
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
        }
        return out;
    }
};

// "- … and 12 more changes not shown here (10 create, 2 delete)": what a cut left out of one block.
std::string left_out_line(const Block& block, std::size_t kept, const std::vector<const Entry*>& dropped) {
    std::vector<std::pair<std::string, std::size_t>> tags;
    for (const auto* entry : dropped) {
        if (entry->tag.empty()) {
            continue;
        }
        auto it = std::find_if(tags.begin(), tags.end(), [&](const auto& t) { return t.first == entry->tag; });
        if (it == tags.end()) {
            tags.emplace_back(entry->tag, 1);
        } else {
            ++it->second;
        }
    }
    std::string breakdown;
    for (const auto& [tag, count] : tags) {
        breakdown += fmt::format("{}{} {}", breakdown.empty() ? " (" : ", ", count, tag);
    }
    if (!breakdown.empty()) {
        breakdown += ")";
    }
    const std::size_t n = dropped.size();
    if (kept > 0) {
        return fmt::format("{}… and {} not shown here{}\n", block.bullet,
                           util::plural(n, "more " + block.one, "more " + block.many), breakdown);
    }
    if (n == 1) {
        return fmt::format("{}this {} is not shown here{}\n", block.bullet, block.one, breakdown);
    }
    return fmt::format("{}none of these {} {} is shown here{}\n", block.bullet, n, block.many, breakdown);
}

// At most `max` characters of `text`, cut before a character that would cross it, and then, with
// `at_line_end`, after the last whole line when there is one.
std::string clamped(std::string text, std::size_t max, bool at_line_end) {
    std::size_t units = 0;
    std::size_t end = 0;
    while (end < text.size()) {
        const auto byte = static_cast<unsigned char>(text[end]);
        const std::size_t bytes = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
        const std::size_t width = bytes == 4 ? 2 : 1;
        if (units + width > max || end + bytes > text.size()) {
            break;
        }
        units += width;
        end += bytes;
    }
    if (end < text.size()) {
        const std::size_t line_end = at_line_end && end > 0 ? text.rfind('\n', end - 1) : std::string::npos;
        text.resize(line_end != std::string::npos ? line_end + 1 : end);
    }
    return text;
}

// How a comment is cut: what each kind of block keeps.
struct Cut {
    bool sensitive_entries = true;  ///< sections keep every sensitive change whole, beside the cap
    std::size_t cap = 0;            ///< the characters each section keeps of its other entries, at most
    std::size_t mark_chars = 0;     ///< 0: the sensitive marks whole; else one line per change, this long
    std::size_t marks = std::numeric_limits<std::size_t>::max();  ///< how many changes' marks are kept
    bool overflow = false;  ///< the sensitive changes do not all fit: a caution at the top says so
};

// `block`'s entries in the order a cut keeps them: by rank, each rank in the block's order.
std::vector<const Entry*> keeping_order(const Block& block) {
    std::vector<const Entry*> order;
    for (int rank = 0; rank <= 2; ++rank) {
        for (const auto& entry : block.entries) {
            if (std::clamp(entry.rank, 0, 2) == rank) {
                order.push_back(&entry);
            }
        }
    }
    return order;
}

// `line` at most `max` characters long, ending in "…" when it was cut (never inside a character, nor after
// a lone backslash that would then escape the "…").
std::string shortened_line(const std::string& line, std::size_t max) {
    if (comment_length(line) <= max) {
        return line;
    }
    std::string out = clamped(line, max - 1, false);
    std::size_t backslashes = 0;
    while (backslashes < out.size() && out[out.size() - 1 - backslashes] == '\\') {
        ++backslashes;
    }
    if (backslashes % 2 == 1) {
        out.pop_back();
    }
    return out + "…";
}

// `block` as `how` cuts it; whole, in its own order, when it cuts nothing.
std::string cut_block(const Block& block, const Cut& how, Omitted& omitted) {
    if (block.role == Role::fixed) {
        return whole(block);
    }
    const bool marks = block.role == Role::marks;
    if (marks && how.mark_chars == 0) {
        return whole(block);
    }
    std::string body;
    std::vector<const Entry*> dropped;
    std::size_t used = 0;
    // The marks keep their order (the plan's); a section's entries come by rank.
    for (const auto* entry : keeping_order(block)) {
        if (marks) {
            if (used < how.marks) {
                body += block.bullet + shortened_line(entry->line, how.mark_chars) + "\n";
                ++used;
            } else {
                dropped.push_back(entry);
            }
            continue;
        }
        if (how.sensitive_entries && entry->rank == 0) {
            body += entry->text;
            continue;
        }
        const std::size_t length = comment_length(entry->text);
        if (dropped.empty() && used + length <= how.cap) {
            body += entry->text;
            used += length;
        } else {
            dropped.push_back(entry);
        }
    }
    omitted.add(block.many, dropped.size(), block.entries.size());
    if (dropped.empty() && !marks) {
        return whole(block);
    }
    const std::string left_out = dropped.empty() ? ""
                                                 : left_out_line(block, block.entries.size() - dropped.size(), dropped);
    return block.head + body + left_out + block.tail;
}

// The comment as `how` cuts it, with a note before the first section (a caution at the top when the
// sensitive changes do not all fit) and the pointer to the full plan at the end.
std::string compose(const std::vector<Block>& blocks, const FitContext& context, const Cut& how) {
    Omitted omitted;
    std::vector<std::string> parts;
    std::size_t first_section = blocks.size();
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (blocks[i].role == Role::section) {
            first_section = std::min(first_section, i);
        }
        parts.push_back(cut_block(blocks[i], how, omitted));
    }
    const std::string_view kept = how.mark_chars == 0 ? "Every count, guard and sensitive change is shown"
                                                      : "Every count and guard is shown, and every sensitive "
                                                        "change on one line of its own";
    if (how.overflow) {
        parts.insert(parts.begin() + (parts.empty() ? 0 : 1),
                     fmt::format("> [!CAUTION]\n> **Too large for a comment of {} characters, even with only its "
                                 "sensitive changes: {} are not shown. Review {}, not this comment.**\n",
                                 context.max_chars, omitted.describe(), pointer(context)));
    } else {
        parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(first_section),
                     fmt::format("> [!NOTE]\n> Shortened to fit a comment of {} characters: {} are not shown "
                                 "below. {}; {}.\n",
                                 context.max_chars, omitted.describe(), kept, pointer(context)));
    }
    parts.push_back(fmt::format("*Shortened to fit {} characters;* {}.\n", context.max_chars, pointer(context)));
    return joined(parts);
}

std::size_t cuttable_size(const Block& block) {
    std::size_t size = 0;
    for (const auto& entry : block.entries) {
        size += comment_length(entry.text);
    }
    return size;
}

// The largest value in [low, high] for which `attempt` gives a comment of at most `target` characters,
// with that comment; nullopt when even `low` does not. `attempt` grows with its argument (when it does not
// quite, the value found still fits: only fitting candidates are kept).
template <typename Attempt>
std::optional<std::pair<std::size_t, std::string>> largest_fitting(std::size_t low, std::size_t high,
                                                                   std::size_t target, const Attempt& attempt) {
    std::string best = attempt(low);
    if (comment_length(best) > target) {
        return std::nullopt;
    }
    while (low < high) {
        const std::size_t middle = low + (high - low + 1) / 2;
        std::string candidate = attempt(middle);
        if (comment_length(candidate) <= target) {
            low = middle;
            best = std::move(candidate);
        } else {
            high = middle - 1;
        }
    }
    return std::pair(low, std::move(best));
}

// The title, the essentials and the pointer: when nothing else fits.
std::string last_resort(const std::vector<Block>& blocks, const FitContext& context) {
    return joined({blocks.empty() ? std::string() : whole(blocks.front()),
                   fmt::format("> [!CAUTION]\n> **Too large for a comment of {} characters, even its summary.** "
                               "{}. Review {}, not this comment.\n",
                               context.max_chars, context.digest, pointer(context))});
}

// The shortest and longest line a sensitive change's marks are cut to.
constexpr std::size_t shortest_mark = 80;
constexpr std::size_t longest_mark = 400;

}  // namespace

std::string fit(const std::vector<Block>& blocks, const FitContext& context) {
    std::vector<std::string> parts;
    for (const auto& block : blocks) {
        parts.push_back(whole(block));
    }
    std::string full = joined(parts);
    if (context.max_chars == 0 || comment_length(full) <= context.max_chars) {
        return full;
    }
    const std::size_t target = context.max_chars - context.max_chars / 64;
    std::size_t largest = 0;
    for (const auto& block : blocks) {
        largest = block.role == Role::section ? std::max(largest, cuttable_size(block)) : largest;
    }
    // Each step gives up a little more, until one fits: the sections cut beside their sensitive changes;
    // then those too (every one is still in the marks above); then the marks one line per change, as long
    // as the lines can be; then as many of those lines as fit, under a caution.
    const auto attempt = [&](Cut how, std::size_t Cut::*setting, std::size_t low, std::size_t high) {
        return largest_fitting(low, high, target, [&](std::size_t value) {
            how.*setting = value;
            return compose(blocks, context, how);
        });
    };
    Cut how;
    auto found = attempt(how, &Cut::cap, 0, largest);
    if (!found) {
        how.sensitive_entries = false;
        found = attempt(how, &Cut::cap, 0, largest);
    }
    if (!found) {
        if (const auto line = attempt(how, &Cut::mark_chars, shortest_mark, longest_mark)) {
            how.mark_chars = line->first;
            found = attempt(how, &Cut::cap, 0, largest);
        }
    }
    if (!found) {
        how.mark_chars = shortest_mark;
        how.overflow = true;
        std::size_t marks = 0;
        for (const auto& block : blocks) {
            marks = block.role == Role::marks ? std::max(marks, block.entries.size()) : marks;
        }
        found = attempt(how, &Cut::marks, 0, marks);
    }
    std::string out = found ? std::move(found->second) : last_resort(blocks, context);
    return clamped(std::move(out), context.max_chars, true);
}
}  // namespace detail

}  // namespace fastly_accounts::render
