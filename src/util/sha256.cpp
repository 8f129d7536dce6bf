#include <openssl/evp.h>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/sha256.hpp>

namespace fastly_accounts::util {

Sha256::Sha256() : m_context(EVP_MD_CTX_new()) {
    if (m_context == nullptr || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_context), EVP_sha256(), nullptr) != 1) {
        throw Error("OpenSSL could not start a SHA-256 digest");
    }
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_context));
}

void Sha256::update(std::string_view data) {
    EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_context), data.data(), data.size());
}

std::string Sha256::hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_context), digest, &length);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += digits[digest[i] >> 4];
        out += digits[digest[i] & 0x0F];
    }
    return out;
}

}  // namespace fastly_accounts::util
