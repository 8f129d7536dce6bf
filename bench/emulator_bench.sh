#!/usr/bin/env bash
# Throughput of fastly-emulator's list endpoints with the 10k account (issue 3, "Performance"):
# at least 3,000 list requests per second on loopback with 2 cores, and a peak RSS under 300 MB.
#
#   bench/emulator_bench.sh                       # build Release, then the mix at 16 and 64 connections, 3 runs each
#   SKIP_BUILD=1 bench/emulator_bench.sh --repeat 5 --duration 10s --connections 16,32,64
#   SKIP_BUILD=1 bench/emulator_bench.sh --endpoints   # also each endpoint on its own
#   SKIP_BUILD=1 EMULATOR=/path/to/other/fastly-emulator bench/emulator_bench.sh   # compare a binary
#
# Every run starts a fresh emulator (127.0.0.1, port 0, the generated seed), runs wrk against it for a
# bounded time, reads its VmHWM from /proc and stops it. Loopback only; the emulator is killed on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-release}"
REPEAT=3
DURATION=10s
CONNECTIONS=16,64
WRK_THREADS=2
ENDPOINTS=0
EMULATOR_ARGS=()

usage() {
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    echo "Options: --repeat N (3), --duration D (10s), --connections LIST (16,64), --wrk-threads N (2),"
    echo "         --endpoints (each endpoint alone too), -- ARGS (extra fastly-emulator arguments)"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --repeat) REPEAT="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
        --endpoints) ENDPOINTS=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; EMULATOR_ARGS=("$@"); break ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package wrk)" >&2
    apt-get update >/dev/null
    apt-get install -y wrk >/dev/null
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j2 --target fastly-emulator >/dev/null
fi
EMULATOR="${EMULATOR:-$BUILD_DIR/src/emulator/fastly-emulator}"
[[ -x "$EMULATOR" ]] || { echo "no $EMULATOR (build it, or unset SKIP_BUILD)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/emulator-bench.XXXXXX)"
EMULATOR_PID=""
stop_emulator() {
    if [[ -n "$EMULATOR_PID" ]]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        EMULATOR_PID=""
    fi
}
cleanup() {
    stop_emulator
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/bench/make_account" --users 10000 --groups 1000 --members-per-group 50 --service-groups 200 \
    --seed 1 --out "$WORK/account" >/dev/null
SEED="$WORK/account/seed.json"

# Request lists, one path a line; the Lua script cycles through its list.
# The mix, per 200 requests: 120 member lists of different groups (per_page=100), 40 /user-groups pages
# (per_page=100, pages 1-10), 20 /service-groups, 19 /invitations and 1 /customer/{id}/users (the bare
# 10,000-user array, about 4 MB). A full export reads the users array once per ~3,200 requests; the mix
# has it 16 times as often.
python3 - "$SEED" "$WORK" <<'EOF'
import json, sys
seed = json.load(open(sys.argv[1]))
work = sys.argv[2]
customer = seed["customer"]["id"]
groups = [g["id"] for g in seed["user_groups"]]
pages = (len(groups) + 99) // 100
lists = {
    "members": [f"/user-groups/{g}/members?per_page=100" for g in groups],
    "user-groups": [f"/user-groups?page={p}&per_page=100" for p in range(1, pages + 1)],
    "service-groups": ["/service-groups"],
    "invitations": ["/invitations"],
    "customer-users": [f"/customer/{customer}/users"],
}
mix = []
for i in range(200):
    slot = i % 20
    if i == 0:
        mix.append(lists["customer-users"][0])
    elif slot < 12:
        mix.append(f"/user-groups/{groups[(i * 7) % len(groups)]}/members?per_page=100")
    elif slot < 16:
        mix.append(f"/user-groups?page={(i % pages) + 1}&per_page=100")
    elif slot < 18:
        mix.append("/service-groups")
    else:
        mix.append("/invitations")
lists["mix"] = mix
for name, paths in lists.items():
    with open(f"{work}/paths-{name}.txt", "w") as out:
        out.write("\n".join(paths) + "\n")
EOF

cat > "$WORK/lists.lua" <<'EOF'
-- Cycles through the paths of the file given after "--", each wrk thread from its own random start.
local paths = {}
local position = 0
function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
  position = math.random(#paths)
end
function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position], {["Fastly-Key"] = "emulator-superuser-token"})
end
EOF

listen_overflows() {
    awk '/^TcpExt:/ { if (!seen) { for (i = 1; i <= NF; i++) name[i] = $i; seen = 1 }
                      else { for (i = 1; i <= NF; i++) if (name[i] == "ListenOverflows") print $i } }' \
        /proc/net/netstat
}

start_emulator() {
    local out="$WORK/emulator.out"
    : > "$out"
    "$EMULATOR" --host 127.0.0.1 --port 0 --seed "$SEED" "${EMULATOR_ARGS[@]}" > "$out" 2>&1 &
    EMULATOR_PID=$!
    for _ in $(seq 200); do
        if grep -q "listening on" "$out"; then
            URL="$(sed -n 's/.*listening on //p' "$out")"
            return 0
        fi
        kill -0 "$EMULATOR_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "fastly-emulator did not start:" >&2
    cat "$out" >&2
    exit 1
}

status_kb() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$EMULATOR_PID/status"; }

# run KIND CONNECTIONS -> prints "rps hwm_mb loaded_mb overflows non2xx errors p50 p99 max"
run() {
    local kind="$1" connections="$2"
    start_emulator
    local loaded overflows_before overflows_after hwm
    loaded="$(status_kb VmRSS)"
    overflows_before="$(listen_overflows)"
    wrk -t "$WRK_THREADS" -c "$connections" -d "$DURATION" --latency -s "$WORK/lists.lua" "$URL" \
        -- "$WORK/paths-$kind.txt" > "$WORK/wrk.out" 2>&1
    overflows_after="$(listen_overflows)"
    hwm="$(status_kb VmHWM)"
    stop_emulator
    local rps non2xx errors p50 p99 max
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.out")"
    non2xx="$(awk '/Non-2xx/ { print $NF }' "$WORK/wrk.out")"
    errors="$(grep -o 'Socket errors:.*' "$WORK/wrk.out" || true)"
    p50="$(awk '$1 == "50%" { print $2 }' "$WORK/wrk.out")"
    p99="$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.out")"
    max="$(awk '$1 == "Latency" { print $4 }' "$WORK/wrk.out")"
    echo "$rps $((hwm / 1024)) $((loaded / 1024)) $((overflows_after - overflows_before)) ${non2xx:-0} ${p50} ${p99} ${max} ${errors:+[$errors]}"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "emulator: $EMULATOR ${EMULATOR_ARGS[*]:-}"
echo "wrk: -t $WRK_THREADS -d $DURATION, header Fastly-Key, $REPEAT runs per row (fresh emulator each)"
echo

kinds=(mix)
if [[ "$ENDPOINTS" == 1 ]]; then
    kinds+=(members user-groups service-groups invitations customer-users)
fi

printf '| %-14s | %5s | %-28s | %8s | %8s | %8s | %9s |\n' "requests" "conns" "req/s per run" "median" \
    "peak MB" "load MB" "overflows"
printf '|%s|%s:|%s|%s:|%s:|%s:|%s:|\n' "----------------" "------" "------------------------------" \
    "---------" "---------" "---------" "----------"
IFS=',' read -r -a connection_list <<< "$CONNECTIONS"
for kind in "${kinds[@]}"; do
    for connections in "${connection_list[@]}"; do
        rates=()
        peak=0
        loaded=0
        overflows=0
        for _ in $(seq "$REPEAT"); do
            read -r rps hwm load drops non2xx p50 p99 max rest < <(run "$kind" "$connections")
            rates+=("$rps")
            (( hwm > peak )) && peak=$hwm
            loaded=$load
            overflows=$((overflows + drops))
            if [[ "$non2xx" != 0 || -n "${rest:-}" ]]; then
                echo "  warning: $kind c=$connections: non-2xx $non2xx ${rest:-}" >&2
            fi
            echo "  run: $kind c=$connections $rps req/s, latency p50 $p50 p99 $p99 max $max, VmHWM ${hwm} MB" >&2
        done
        med="$(printf '%s\n' "${rates[@]}" | median)"
        printf '| %-14s | %5s | %-28s | %8s | %8s | %8s | %9s |\n' "$kind" "$connections" \
            "$(printf '%s ' "${rates[@]}")" "$med" "$peak" "$loaded" "$overflows"
    done
done
