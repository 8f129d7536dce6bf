#pragma once

#include <iosfwd>

namespace fastly_accounts::cli {

/// The whole program: parses `argv`, runs the command, and returns the exit code (see exit_codes.hpp).
/// Never throws; every error is printed to `err` and mapped to an exit code here, and only here.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace fastly_accounts::cli
