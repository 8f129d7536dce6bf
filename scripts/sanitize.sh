#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer (clang, the checks build shared
# with scripts/fuzz.sh; see fa_build_check in scripts/lib/common.sh) and runs the whole ctest suite there:
# unit tests, the emulator's tests, and the e2e and security tests, whose Python harness runs the
# instrumented binaries. Exits non-zero on any failing test or any sanitizer report.
#
# Usage: scripts/sanitize.sh [ctest arguments...]      e.g. scripts/sanitize.sh -R 'unit|security'
# Env:   FA_CHECK_DIR (default build-check), FA_SANITIZERS (default address,undefined)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGES[@]}" "${FA_CHECK_PACKAGES[@]}" "${FA_PACKAGE_PACKAGES[@]}"
fa_build_check
# The official clients for the emulator's conformance test (npm ci, from npm's cache after test.sh).
tests/conformance/setup.sh "$FA_BUILD_DIR/conformance"

logs="$PWD/$FA_BUILD_DIR/sanitizer-reports"
fa_sanitizer_reports_to "$logs"
status=0
ctest --test-dir "$FA_BUILD_DIR" --output-on-failure -j"$(nproc)" "$@" || status=$?
fa_sanitizer_reports_check "$logs" || status=1
if [ "$status" -eq 0 ]; then
    fa_log "sanitizers (${FA_SANITIZERS:-address,undefined}): every test passed, no report"
else
    fa_log "sanitizers: FAILED (exit $status)"
fi
exit "$status"
