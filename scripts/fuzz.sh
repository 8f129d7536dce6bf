#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ in the checks build, build-check/ (clang, everything
# instrumented with -fsanitize=fuzzer-no-link,address,undefined; shared with scripts/sanitize.sh) and runs
# each for FUZZ_SECONDS seconds, starting from its seed corpus in tests/fuzz/corpus/TARGET/. Prints a table of targets, executions and crashes; exits
# non-zero when any target found a crash, a leak, a timeout or ran out of memory.
#
# Usage: scripts/fuzz.sh [TARGET...]        (default: every target in tests/fuzz/targets.cmake)
# Env:   FUZZ_SECONDS (default 60) per target; FA_CHECK_DIR (default build-check); FUZZ_ARGS extra libFuzzer flags
#
# What a run finds is left in build-check/artifacts/TARGET/ (crash-*, leak-*, timeout-*, oom-*); new inputs
# that reached new code are in build-check/corpus/TARGET/. Reproduce one with
#   build-check/tests/fuzz/fuzz_TARGET FILE
# then keep it as tests/fuzz/regressions/TARGET/NAME (replayed by ctest) once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

seconds=${FUZZ_SECONDS:-60}
fa_install_missing "${FA_PACKAGES[@]}" "${FA_CHECK_PACKAGES[@]}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(fa_fuzz_targets)
fi

build_targets=()
for target in "${targets[@]}"; do
    build_targets+=("fuzz_$target")
done
fa_build_check "${build_targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

rows=()
failed=0
for target in "${targets[@]}"; do
    binary="$FA_BUILD_DIR/tests/fuzz/fuzz_$target"
    corpus="$FA_BUILD_DIR/corpus/$target"
    artifacts="$FA_BUILD_DIR/artifacts/$target"
    log="$FA_BUILD_DIR/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*
    dict=()
    case "$target" in
        yaml_*) dict=(-dict=tests/fuzz/yaml_loader.dict) ;;
        json_*) dict=(-dict=tests/fuzz/json.dict) ;;
    esac
    fa_log "fuzzing $target for ${seconds}s"
    code=0
    # The first corpus directory receives the new inputs; the seeds are only read.
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dict[@]}" ${FUZZ_ARGS:-} \
        "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1 || code=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    found=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | wc -l)
    if [ "$code" -ne 0 ] && [ "$found" -eq 0 ]; then
        found=1  # died without leaving an input (a sanitizer abort during start-up, say)
    fi
    size=$(find "$corpus" -type f | wc -l)
    rows+=("$(printf '%-20s %12s %10s %8s %8s' "$target" "${execs:-?}" "${rate:-?}" "$found" "$size")")
    if [ "$found" -ne 0 ]; then
        failed=1
        fa_log "$target: $found finding(s) in $artifacts/; the run's log is $log:"
        grep -m 5 -E 'ERROR|SUMMARY|runtime error|deadly signal|uncaught' "$log" >&2 || tail -n 20 "$log" >&2
    fi
done

printf '\n%-20s %12s %10s %8s %8s\n' "target" "executions" "exec/s" "crashes" "corpus"
printf '%s\n' "${rows[@]}"
printf '(%ss per target; logs in %s/logs/)\n' "$seconds" "$FA_BUILD_DIR"
exit "$failed"
