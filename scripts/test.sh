#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite:
#   1. build/ (g++): every ctest test: unit, validate fixtures, schema, emulator and conformance, e2e
#      (including crash safety), security, and the replay of every fuzz corpus and regression;
#   2. build-check/ (clang, ASan+UBSan+libFuzzer instrumentation, scripts/lib/common.sh fa_build_check):
#      the same ctest suite under the sanitizers (scripts/sanitize.sh), each fuzz target for FUZZ_SECONDS
#      (default 10; scripts/fuzz.sh), and a short fault soak (scripts/soak.sh, 3 iterations over 200 users)
#      with the instrumented binaries.
#
# Usage: scripts/test.sh [ctest arguments...]     e.g. scripts/test.sh -R e2e
# Env:   FA_QUICK=1 runs step 1 only (the everyday loop); FUZZ_SECONDS; SOAK_ITERATIONS; SOAK_USERS
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGES[@]}" "${FA_PACKAGE_PACKAGES[@]}"
fa_build
# Fastly's official clients for the emulator's conformance test, installed with npm under build/.
tests/conformance/setup.sh "$FA_BUILD_DIR/conformance"
ctest --test-dir "$FA_BUILD_DIR" --output-on-failure -j"$(nproc)" "$@"

if [ "${FA_QUICK:-0}" = 1 ]; then
    fa_log "FA_QUICK=1: skipping the sanitizer build, the short fuzz and the short soak"
    exit 0
fi
fa_log "checks 1/3: the suite again under ASan+UBSan"
scripts/sanitize.sh "$@"
fa_log "checks 2/3: every fuzz target for ${FUZZ_SECONDS:-10} s"
FUZZ_SECONDS=${FUZZ_SECONDS:-10} scripts/fuzz.sh
fa_log "checks 3/3: a short fault soak with the instrumented binaries"
reports="$PWD/${FA_CHECK_DIR:-build-check}/soak-sanitizer-reports"
fa_sanitizer_reports_to "$reports"
SOAK_BUILD_DIR=${FA_CHECK_DIR:-build-check} SOAK_ITERATIONS=${SOAK_ITERATIONS:-3} SOAK_USERS=${SOAK_USERS:-200} \
    scripts/soak.sh
fa_sanitizer_reports_check "$reports"
fa_log "every test passed, under the sanitizers too; fuzz and soak found nothing"
