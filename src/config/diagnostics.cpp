#include <fmt/format.h>
#include <algorithm>
#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <iterator>
#include <map>
#include <set>

namespace fastly_accounts::config {

std::string format(const Diagnostic& d) {
    // One problem, one line: a newline or an invisible character quoted from a file (or in its name) is
    // shown escaped, never raw.
    std::string out = util::escape_disguising(d.file);
    if (d.line > 0) {
        out += fmt::format(":{}:{}", d.line, d.column);
    }
    out += ": ";
    if (!d.path.empty()) {
        out += util::escape_disguising(d.path) + ": ";
    }
    out += util::escape_disguising(d.message);
    return out;
}

void Diagnostics::add(Diagnostic diagnostic) {
    note_file(diagnostic.file);
    m_items.push_back(std::move(diagnostic));
}

void Diagnostics::add(Diagnostic diagnostic, const std::string& also_in) {
    if (!also_in.empty() && also_in != diagnostic.file) {
        m_also_in.insert(also_in);
    }
    add(std::move(diagnostic));
}

void Diagnostics::note_file(const std::string& file) {
    if (std::find(m_file_order.begin(), m_file_order.end(), file) == m_file_order.end()) {
        m_file_order.push_back(file);
    }
}

void Diagnostics::append(Diagnostics other) {
    for (const auto& file : other.m_file_order) {
        note_file(file);
    }
    m_also_in.merge(other.m_also_in);
    m_items.insert(m_items.end(), std::make_move_iterator(other.m_items.begin()),
                   std::make_move_iterator(other.m_items.end()));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    std::map<std::string, std::size_t> file_order;
    for (const auto& file : m_file_order) {
        file_order.emplace(file, file_order.size());
    }
    std::vector<Diagnostic> out = m_items;
    std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
        const auto fa = file_order.at(a.file);
        const auto fb = file_order.at(b.file);
        if (fa != fb) {
            return fa < fb;
        }
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return out;
}

std::size_t Diagnostics::file_count() const {
    std::set<std::string> files = m_also_in;
    for (const auto& d : m_items) {
        files.insert(d.file);
    }
    return files.size();
}

ConfigError::ConfigError(Diagnostics diagnostics)
    : util::Error(fmt::format("{} in the desired-state files", diagnostics.size() == 1
                                                                   ? std::string("1 problem")
                                                                   : fmt::format("{} problems", diagnostics.size()))),
      m_diagnostics(std::move(diagnostics)) {}

}  // namespace fastly_accounts::config
