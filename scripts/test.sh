#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGES[@]}"
fa_build
# Fastly's official clients for the emulator's conformance test, installed with npm under build/.
tests/conformance/setup.sh "$FA_BUILD_DIR/conformance"
ctest --test-dir "$FA_BUILD_DIR" --output-on-failure -j"$(nproc)" "$@"
