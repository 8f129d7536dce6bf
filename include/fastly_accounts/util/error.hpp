#pragma once

#include <stdexcept>
#include <string>

namespace fastly_accounts::util {

/// Base of every error the project throws on purpose. `cli::run` catches it once and maps it to an
/// exit code; anything else reaching `cli::run` is a bug and is reported as such.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A refusal that comes before anything is shown: nothing was read further, shown or changed (exit 4).
class Refusal : public Error {
public:
    using Error::Error;
};

/// Bad command-line usage: an option value out of range, a missing required option, ...
class UsageError : public Error {
public:
    using Error::Error;
};

}  // namespace fastly_accounts::util
