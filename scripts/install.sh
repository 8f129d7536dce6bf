#!/usr/bin/env bash
# Builds a Release fastly-accounts and fastly-emulator and copies them into DIR (default /usr/local/bin).
# Installs the missing Debian packages first, like the other scripts. Usage: scripts/install.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

dest=${1:-/usr/local/bin}
fa_install_missing "${FA_PACKAGES[@]}"
FA_BUILD_DIR=build-release FA_BUILD_TYPE=Release FA_CMAKE_ARGS=(-DFASTLY_ACCOUNTS_BUILD_TESTS=OFF) \
    fa_build fastly-accounts fastly-emulator
install -d "$dest"
install -m 0755 build-release/fastly-accounts build-release/src/emulator/fastly-emulator "$dest"/
fa_log "installed fastly-accounts and fastly-emulator in $dest"
