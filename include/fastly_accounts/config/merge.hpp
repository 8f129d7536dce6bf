#pragma once

#include <fastly_accounts/config/diagnostics.hpp>
#include <fastly_accounts/config/loader.hpp>
#include <fastly_accounts/model/state.hpp>
#include <vector>

namespace fastly_accounts::config {

/// Merges the files into one desired state and checks what no single file can: keys defined twice
/// (logins and emails case-insensitively, across files too), `policy`/`ignore` given more than once,
/// `customer_id` values that disagree, and references (roles must be custom roles defined in the files
/// or predefined roles; service groups named by user groups must be defined; group members must be
/// listed users or invitations). Every problem goes to `diagnostics`; unusable files are skipped. The
/// files are taken by value so that their objects move, rather than copy, into the result.
model::AccountState merge_files(std::vector<LoadedFile> files, Diagnostics& diagnostics);

}  // namespace fastly_accounts::config
