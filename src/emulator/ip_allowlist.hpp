#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fastly_emulator {

/// An IP address in binary form: IPv4 in the first 4 bytes, or IPv6 in all 16.
struct IpAddress {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
};

/// Parses an IPv4 (dotted quad) or IPv6 address; an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is
/// read as the IPv4 address it carries. nullopt when `text` is neither.
std::optional<IpAddress> parse_ip_address(std::string_view text);

/// A customer's `ip_whitelist` (the login IP allowlist). The text holds entries separated by commas and/or
/// whitespace, each an IPv4 or IPv6 address, a CIDR range (`192.0.2.0/24`, `2001:db8::/32`; host bits are
/// ignored) or an IPv4 wildcard (`192.168.*.*`, `192.168.*.1`; a `*` stands for one whole octet).
/// `0.0.0.0/0` anywhere in the list means no restriction, for IPv4 and IPv6 callers alike.
class IpAllowlist {
public:
    /// Parses `text`. Throws std::invalid_argument naming the first bad entry.
    static IpAllowlist parse(std::string_view text);

    /// True when the list holds no entry at all.
    bool empty() const { return m_entries.empty(); }
    /// True when the list holds `0.0.0.0/0`.
    bool unrestricted() const { return m_unrestricted; }
    /// True when `address` is in the list (always when unrestricted; never for an empty list unless
    /// `empty_allows_all`). An address that does not parse is in no restricted list.
    bool allows(std::string_view address, bool empty_allows_all) const;

private:
    struct Entry {
        IpAddress network;
        int prefix = 0;               ///< leading bits that must match
        std::uint8_t any_octets = 0;  ///< IPv4 wildcards: bit i set when octet i is `*`
    };
    static bool matches(const Entry& entry, const IpAddress& address);

    std::vector<Entry> m_entries;
    bool m_unrestricted = false;
};

}  // namespace fastly_emulator
