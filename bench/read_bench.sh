#!/usr/bin/env bash
# Read benchmark (issue 4): builds Release into build-release, then runs bench/read_bench.py, which
# generates the 1k and 10k accounts, starts fastly-emulator on 127.0.0.1 (port 0) with 20 ms latency and
# times `fastly-accounts export` at concurrency 1 (sequential baseline), 8 and 16.
#
#   bench/read_bench.sh                       # both sizes
#   bench/read_bench.sh --sizes 1k            # only the small account
#   SKIP_BUILD=1 bench/read_bench.sh ...      # use the binaries already in build-release
#
# Every other argument is passed to read_bench.py (see bench/read_bench.py --help).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-release}"

# GNU time (for peak RSS). Debian package `time`.
if [[ ! -x /usr/bin/time ]]; then
    echo "read_bench: installing GNU time (Debian package 'time')" >&2
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi
command -v python3 >/dev/null || { echo "read_bench: python3 is required" >&2; exit 1; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "read_bench: building Release in $BUILD_DIR" >&2
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target fastly-accounts fastly-emulator >/dev/null
fi

echo "read_bench: machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" >&2

# read_bench.py stops the emulator on every exit path (SIGINT/SIGTERM/SIGHUP included); exec keeps the
# signals going straight to it.
exec python3 "$ROOT/bench/read_bench.py" --build-dir "$BUILD_DIR" "$@"
