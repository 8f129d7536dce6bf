#!/usr/bin/env bash
# Issue 8 benchmarks: plan, apply, the official fastly npm client, and diff alone; (issue 13) plan of a
# sparse account with and without the group counts; and (issue 17) review with an audit log seeded.
#
#   bench/run.sh                                  # build Release, both sizes (1k and 10k users), every part
#   bench/run.sh --sizes 1k                       # only the 1,000-user account (about half a minute)
#   bench/run.sh --latency-ms 50                  # another injected latency (default 20)
#   bench/run.sh --parts plan,diff                # a subset of plan,official,apply,diff,sparse,review
#   bench/run.sh --concurrency 8,16 --apply-concurrency 8,16 --repeat 2
#   SKIP_BUILD=1 bench/run.sh ...                 # use the binaries already in build-release/
#   bench/run.sh --help                           # every option (bench/run_bench.py)
#
# It builds fastly-accounts, fastly-emulator and diff_bench into build-release/ (Release,
# -DFASTLY_ACCOUNTS_BENCH=ON), installs the official client into bench/official_client/node_modules with
# `npm ci` when that folder is missing, and runs bench/run_bench.py, which generates the accounts with
# bench/make_account, starts fastly-emulator on 127.0.0.1 (port 0) and prints Markdown tables on stdout
# (progress on stderr). The emulator is stopped on every exit (trap below, and in run_bench.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-release}"
cd "$ROOT"
. scripts/lib/common.sh

for arg in "$@"; do
    if [[ "$arg" == -h || "$arg" == --help ]]; then
        sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exec python3 "$ROOT/bench/run_bench.py" --help
    fi
done

# GNU time for the peak RSS; Google Benchmark for diff_bench; node and npm for the official client.
packages=(time libbenchmark-dev python3)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fa_install_missing "${packages[@]}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
    fa_log "run.sh: building Release into $BUILD_DIR (-j$jobs)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DFASTLY_ACCOUNTS_BENCH=ON >/dev/null
    cmake --build "$BUILD_DIR" -j"$jobs" --target fastly-accounts fastly-emulator diff_bench >/dev/null
fi

official="$ROOT/bench/official_client"
if [[ ! -d "$official/node_modules/fastly" ]]; then
    fa_log "run.sh: npm ci in $official"
    (cd "$official" && npm ci --no-audit --no-fund --loglevel=error)
fi

work="$(mktemp -d /tmp/fastly-run-bench.XXXXXX)"
pid_file="$work/emulator.pid"
bench_pid=""
cleanup() {
    # Stop run_bench.py (which stops its emulator), then any emulator it left in the pid file.
    if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    if [[ -s "$pid_file" ]]; then
        while read -r pid; do
            [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
        done <"$pid_file"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

python3 "$ROOT/bench/run_bench.py" --build-dir "$BUILD_DIR" --work-dir "$work" --pid-file "$pid_file" \
    --json "$work/results.json" "$@" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
fa_log "run.sh: outputs, journals and results.json in $work"
exit "$status"
