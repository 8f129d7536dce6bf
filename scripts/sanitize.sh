#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer (g++) in build-asan/ and runs the
# whole ctest suite there: unit tests, the emulator's tests, and the e2e and security tests, whose Python
# harness runs the instrumented binaries. Exits non-zero on any failing test or any sanitizer report.
#
# Usage: scripts/sanitize.sh [ctest arguments...]      e.g. scripts/sanitize.sh -R 'unit|security'
# Env:   FA_SANITIZE_DIR (default build-asan), FA_SANITIZERS (default address,undefined)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGES[@]}"
FA_BUILD_DIR=${FA_SANITIZE_DIR:-build-asan}
FA_CMAKE_ARGS=(-DFASTLY_ACCOUNTS_SANITIZE="${FA_SANITIZERS:-address,undefined}")
fa_build

# Reports go to files as well as making the process fail: a test that only checks for "exit 1" would
# otherwise mistake a sanitizer's exit for the tool's own error exit. 86 is no exit code the tool uses.
logs="$PWD/$FA_BUILD_DIR/sanitizer-reports"
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="exitcode=86:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:log_path=$logs/asan"
export UBSAN_OPTIONS="exitcode=86:print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
export LSAN_OPTIONS="exitcode=86"

status=0
ctest --test-dir "$FA_BUILD_DIR" --output-on-failure -j"$(nproc)" "$@" || status=$?

reports=$(find "$logs" -type f | sort)
if [ -n "$reports" ]; then
    fa_log "sanitizer reports ($(echo "$reports" | wc -l) files):"
    for report in $reports; do
        printf '\n----- %s\n' "$report" >&2
        head -n 60 "$report" >&2
    done
    status=1
fi
if [ "$status" -eq 0 ]; then
    fa_log "sanitizers (${FA_SANITIZERS:-address,undefined}): every test passed, no report"
else
    fa_log "sanitizers: FAILED (exit $status)"
fi
exit "$status"
