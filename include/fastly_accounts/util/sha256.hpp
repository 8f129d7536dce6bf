#pragma once

#include <string>
#include <string_view>

namespace fastly_accounts::util {

/// Incremental SHA-256 (OpenSSL underneath).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    /// Adds `data` to the digest.
    void update(std::string_view data);
    /// The digest of everything added, as 64 lowercase hex digits. Call once.
    std::string hex();

private:
    void* m_context;
};

}  // namespace fastly_accounts::util
