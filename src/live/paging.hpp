#pragma once

// The rules every paged read in live/ shares (CurlApiClient's whole lists and fetch_account's parallel
// pages): how to notice an API that ignores `page`. Private to live/.

#include <fmt/format.h>

#include <cstddef>
#include <fastly_accounts/live/api_client.hpp>
#include <string>
#include <vector>

namespace fastly_accounts::live::paging {

/// What tells one page from another: its length and the ids of its first and last entries. Two true
/// pages of one list never share a first entry.
struct PageMark {
    std::size_t size = 0;
    std::string first;
    std::string last;

    bool operator==(const PageMark&) const = default;
};

/// The mark of a page whose entries' ids `id_of` gives.
template <typename T, typename IdOf>
PageMark mark_of(const std::vector<T>& items, IdOf id_of) {
    if (items.empty()) {
        return {};
    }
    return {items.size(), id_of(items.front()), id_of(items.back())};
}

/// True when page `number` (> 1), marked `current`, repeats the page before it, marked `previous`: the
/// API ignored `page`, and the list ended with the page before. That holds only when the API ignored the
/// page size too (it answers whole lists); a repeated page exactly `asked_size` long may be one page of
/// many, which cannot be read, so that throws ApiError naming `what`. An empty page never repeats.
inline bool repeats_previous(const PageMark& previous, const PageMark& current, int number, int asked_size,
                             const std::string& what) {
    if (number <= 1 || current.size == 0 || !(current == previous)) {
        return false;
    }
    if (asked_size > 0 && current.size == static_cast<std::size_t>(asked_size)) {
        throw ApiError(fmt::format("reading {}: page {} holds the same {} entries as page {}: the API ignores the "
                                   "page parameter, so the rest of the list cannot be read; stopping",
                                   what, number, current.size, number - 1),
                       0, "GET", "");
    }
    return true;
}

}  // namespace fastly_accounts::live::paging
