#pragma once

#include <string>
#include <string_view>

namespace fastly_accounts::cli {

/// The API token held in `text`, which came from `source` (named in messages: "FASTLY_API_TOKEN", "the
/// token file 'PATH'"). Spaces, tabs, CRs and LFs around it are dropped, whichever the source (a file ends
/// with a newline; a variable set from one may too). Throws util::UsageError, never quoting the token, when
/// nothing is left, when it is more than one word, or when it holds a control character (a CR or LF would
/// add HTTP headers to every request) or a byte that is not ASCII.
std::string checked_token(std::string_view text, std::string_view source);

/// Reads and checks (checked_token) the token in the file at `path`. Throws util::UsageError, before
/// reading anything, when the file cannot be opened (saying why, from errno), is a directory, or is
/// readable by its group or by others (as ssh refuses a loose key) unless `allow_readable`; and when it is
/// larger than 4 KiB, which no token file is (so `/dev/zero` is refused too).
std::string read_token_file(const std::string& path, bool allow_readable);

}  // namespace fastly_accounts::cli
