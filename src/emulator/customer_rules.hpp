#pragma once

#include <optional>
#include <string>

#include "compat.hpp"
#include "store.hpp"

namespace fastly_emulator {

// The effects of the customer's security settings on every API request (routes_customer.cpp).

/// Why the customer's `ip_whitelist` refuses a request from `address` (the 403 detail), or nullopt when
/// the address is allowed. An empty list allows no address unless compat.ip_whitelist_empty is any.
std::optional<std::string> allowlist_refusal(const Store& store, const Compat& compat, const std::string& address);

/// Why `force_2fa` refuses the user's token (the 401 detail), or nullopt: refused while `force_2fa` is
/// true and the user's `two_factor_auth_enabled` is false or null.
std::optional<std::string> two_factor_refusal(const Store& store, const User& user);

}  // namespace fastly_emulator
