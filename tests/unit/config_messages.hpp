#pragma once

#include <fastly_accounts/config/diagnostics.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::testing {

/// Every problem in `diagnostics`, sorted and formatted as `validate` prints it.
inline std::vector<std::string> messages(const config::Diagnostics& diagnostics) {
    std::vector<std::string> out;
    for (const auto& d : diagnostics.sorted()) {
        out.push_back(config::format(d));
    }
    return out;
}

}  // namespace fastly_accounts::testing
