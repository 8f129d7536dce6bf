#pragma once

#include <cstddef>
#include <fastly_accounts/util/error.hpp>
#include <set>
#include <string>
#include <vector>

namespace fastly_accounts::config {

/// One problem found in a desired-state file.
struct Diagnostic {
    std::string file;
    int line = 0;      ///< 1-based; 0 when the problem concerns the whole file
    int column = 0;    ///< 1-based; 0 when the problem concerns the whole file
    std::string path;  ///< the field, as `users[2].login`; empty when none applies
    std::string message;
};

/// `FILE:LINE:COLUMN: path: message`; without the position when line is 0, without the path when empty.
std::string format(const Diagnostic& diagnostic);

/// Every problem found while loading a set of files, reported together rather than one at a time.
class Diagnostics {
public:
    /// Records a problem.
    void add(Diagnostic diagnostic);

    /// Records a problem between two places, reported at `diagnostic`'s and naming the other, in
    /// `also_in` (a key defined in two files, `policy` given twice): file_count() counts both files.
    /// `also_in` empty or the problem's own file: as add(diagnostic).
    void add(Diagnostic diagnostic, const std::string& also_in);

    /// Notes that `file` is read at this point, so that its problems sort after those of the files
    /// before it even when they are found later (cross-file checks run after every file is read).
    void note_file(const std::string& file);

    /// Records every problem of `other` after those recorded so far, keeping its order and noting its
    /// files in its order: as if they had been added here in the first place.
    void append(Diagnostics other);

    /// True when no problem has been recorded.
    bool empty() const { return m_items.empty(); }
    std::size_t size() const { return m_items.size(); }

    /// The problems ordered by file (in the order files were noted or first reported), then line, column;
    /// problems at the same place keep the order they were added in.
    std::vector<Diagnostic> sorted() const;

    /// The number of distinct files the problems are in: each problem's own file, and the other file of a
    /// problem between two (see add(Diagnostic, const std::string&)).
    std::size_t file_count() const;

private:
    std::vector<Diagnostic> m_items;
    std::vector<std::string> m_file_order;
    std::set<std::string> m_also_in;  ///< the other files of problems between two places
};

/// Thrown when desired-state files are invalid; carries every problem found.
class ConfigError : public util::Error {
public:
    explicit ConfigError(Diagnostics diagnostics);
    const Diagnostics& diagnostics() const { return m_diagnostics; }

private:
    Diagnostics m_diagnostics;
};

}  // namespace fastly_accounts::config
