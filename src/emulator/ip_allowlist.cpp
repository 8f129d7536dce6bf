#include "ip_allowlist.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace fastly_emulator {

namespace {

constexpr std::string_view separators = ", \t\r\n";

bool is_ipv4_mapped(const std::array<std::uint8_t, 16>& bytes) {
    for (int i = 0; i < 10; ++i) {
        if (bytes[i] != 0) {
            return false;
        }
    }
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::optional<int> small_number(std::string_view text, int max) {
    int value = -1;
    if (text.empty() || text.size() > 3) {
        return std::nullopt;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
    const std::string copy(text);
    IpAddress out;
    if (copy.find(':') == std::string::npos) {
        in_addr v4{};
        if (::inet_pton(AF_INET, copy.c_str(), &v4) != 1) {
            return std::nullopt;
        }
        const auto* raw = reinterpret_cast<const std::uint8_t*>(&v4.s_addr);
        std::copy(raw, raw + 4, out.bytes.begin());
        return out;
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, copy.c_str(), &v6) != 1) {
        return std::nullopt;
    }
    std::copy(v6.s6_addr, v6.s6_addr + 16, out.bytes.begin());
    if (is_ipv4_mapped(out.bytes)) {
        IpAddress mapped;
        std::copy(out.bytes.begin() + 12, out.bytes.end(), mapped.bytes.begin());
        return mapped;
    }
    out.v6 = true;
    return out;
}

IpAllowlist IpAllowlist::parse(std::string_view text) {
    IpAllowlist list;
    size_t start = 0;
    while (start < text.size()) {
        start = text.find_first_not_of(separators, start);
        if (start == std::string_view::npos) {
            break;
        }
        size_t end = text.find_first_of(separators, start);
        const std::string_view item = text.substr(start, end == std::string_view::npos ? end : end - start);
        start = end == std::string_view::npos ? text.size() : end;
        const auto bad = [&item] {
            return std::invalid_argument("'" + std::string(item) +
                                         "' is not an IPv4 or IPv6 address, a CIDR range or an IPv4 wildcard");
        };
        Entry entry;
        const size_t slash = item.find('/');
        const std::string_view address = item.substr(0, slash);
        if (address.find('*') != std::string_view::npos) {
            // An IPv4 wildcard: four octets, each a number or `*`; no prefix length.
            if (slash != std::string_view::npos) {
                throw bad();
            }
            std::string concrete;
            size_t from = 0;
            for (int octet = 0; octet < 4; ++octet) {
                size_t dot = address.find('.', from);
                if ((octet < 3) == (dot == std::string_view::npos)) {
                    throw bad();
                }
                std::string_view part = address.substr(from, dot == std::string_view::npos ? dot : dot - from);
                if (part == "*") {
                    entry.any_octets |= static_cast<std::uint8_t>(1u << octet);
                    part = "0";
                } else if (!small_number(part, 255)) {
                    throw bad();
                }
                concrete += std::string(part) + (octet < 3 ? "." : "");
                from = dot + 1;
            }
            entry.network = *parse_ip_address(concrete);
            entry.prefix = 32;
        } else {
            std::optional<IpAddress> network = parse_ip_address(address);
            if (!network) {
                throw bad();
            }
            const int width = network->v6 ? 128 : 32;
            entry.network = *network;
            entry.prefix = width;
            if (slash != std::string_view::npos) {
                std::optional<int> prefix = small_number(item.substr(slash + 1), width);
                if (!prefix) {
                    throw bad();
                }
                entry.prefix = *prefix;
            }
            if (!network->v6 && entry.prefix == 0) {
                list.m_unrestricted = true;
            }
        }
        list.m_entries.push_back(entry);
    }
    return list;
}

bool IpAllowlist::matches(const Entry& entry, const IpAddress& address) {
    if (entry.network.v6 != address.v6) {
        return false;
    }
    for (int octet = 0; octet * 8 < entry.prefix; ++octet) {
        if (entry.any_octets & (1u << octet)) {
            continue;
        }
        const int bits = std::min(8, entry.prefix - octet * 8);
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((entry.network.bytes[octet] & mask) != (address.bytes[octet] & mask)) {
            return false;
        }
    }
    return true;
}

bool IpAllowlist::allows(std::string_view address, bool empty_allows_all) const {
    if (m_unrestricted || (m_entries.empty() && empty_allows_all)) {
        return true;
    }
    std::optional<IpAddress> parsed = parse_ip_address(address);
    if (!parsed) {
        return false;
    }
    for (const Entry& entry : m_entries) {
        if (matches(entry, *parsed)) {
            return true;
        }
    }
    return false;
}

}  // namespace fastly_emulator
