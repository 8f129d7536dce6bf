#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGES[@]}"
fa_build
ctest --test-dir "$FA_BUILD_DIR" --output-on-failure -j"$(nproc)" "$@"
