#!/usr/bin/env python3
"""Read benchmark (issue 4, Performance): `fastly-accounts export` against fastly-emulator with injected
latency, compared with the floor (requests / concurrency * latency) and with the same reads done one after
another (concurrency 1).

Usually started through bench/read_bench.sh, which builds Release first. Standard library only.
Everything talks to 127.0.0.1; the emulator is stopped on every exit path.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT, SIZES, Emulator, log, make_account, peak_rss_mb, stop_emulators_on_exit, table, tool_env


def listen_overflows():
    """The system-wide count of connections dropped because a listen queue was full (TcpExt)."""
    try:
        with open("/proc/net/netstat") as f:
            lines = f.read().splitlines()
    except OSError:
        return 0
    for names, values in zip(lines[0::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:]))
            return int(table.get("ListenOverflows", 0))
    return 0


def critical_path(routes, concurrency):
    """Requests on the critical path of the current fetch order: /current_customer, then the longest
    top-level list (its pages are read one after another), then the per-object sub-lists C at a time."""
    top = [n for r, n in routes.items() if "{" not in r and r != "GET /current_customer"]
    sub = sum(n for r, n in routes.items() if "{" in r)
    return 1 + (max(top) if top else 0) + -(-sub // concurrency)


def run_export(tool, url, concurrency, out_file, time_file, timeout):
    cmd = ["/usr/bin/time", "-v", "-o", time_file, tool, "--endpoint", url, "--concurrency", str(concurrency),
           "export", "--out", out_file]
    started = time.monotonic()
    done = subprocess.run(cmd, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"read_bench: export failed (exit {done.returncode}): {done.stderr.strip()[:2000]}")
    return wall, peak_rss_mb(time_file)


def validate(tool, paths):
    cmd = [tool, "validate"] + [a for p in paths for a in ("-f", p)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    return done.returncode, (done.stdout + done.stderr).strip()


def compare_export(desired_dir, export_file):
    """Optional semantic comparison of the export with the generated desired state (needs PyYAML)."""
    try:
        import yaml  # noqa: PLC0415 (optional; the benchmark itself needs only the standard library)
    except ImportError:
        return "skipped (PyYAML not installed)"

    def load(paths):
        merged = {}
        for path in paths:
            with open(path) as f:
                doc = yaml.safe_load(f) or {}
            for kind in ("users", "invitations", "roles", "service_groups", "user_groups"):
                merged.setdefault(kind, []).extend(doc.get(kind) or [])
        return merged

    desired = load(sorted(os.path.join(desired_dir, n) for n in os.listdir(desired_dir) if n.endswith(".yaml")))
    live = load([export_file])
    keys = {"users": "login", "invitations": "email"}
    problems = []
    for kind, objects in desired.items():
        key = keys.get(kind, "name")
        live_by_key = {str(o[key]).lower(): o for o in live.get(kind, [])}
        missing = 0
        differing = []
        for obj in objects:
            other = live_by_key.pop(str(obj[key]).lower(), None)
            if other is None:
                missing += 1
                continue
            for field, value in obj.items():
                theirs = other.get(field)
                if isinstance(value, list):
                    value, theirs = sorted(map(str, value)), sorted(map(str, theirs or []))
                if value != theirs:
                    differing.append(f"{obj[key]}.{field}: desired {value!r}, exported {theirs!r}")
        if missing or differing or live_by_key:
            problems.append(f"{kind}: {missing} missing, {len(live_by_key)} extra, {len(differing)} fields differ"
                            + (f" (e.g. {differing[0]})" if differing else ""))
    return "identical" if not problems else "; ".join(problems)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--sizes", default="1k,10k", help="comma-separated: 1k, 10k (default both)")
    parser.add_argument("--concurrency", default="8,16", help="comma-separated concurrency levels (default 8,16)")
    parser.add_argument("--no-sequential", action="store_true", help="skip the concurrency-1 baseline")
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--emulator-threads", type=int, default=32,
                        help="emulator worker threads (default 32; each keep-alive connection holds one)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per concurrency level; the median is shown")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work-dir", default=None, help="where accounts and exports go (default: a temp dir)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed for one export")
    args = parser.parse_args()

    stop_emulators_on_exit()

    tool = os.path.join(args.build_dir, "fastly-accounts")
    emulator_bin = os.path.join(args.build_dir, "src", "emulator", "fastly-emulator")
    for binary in (tool, emulator_bin):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"read_bench: {binary} is missing; run bench/read_bench.sh (it builds Release)")
    if not os.access("/usr/bin/time", os.X_OK):
        raise SystemExit("read_bench: /usr/bin/time is missing (Debian package `time`)")

    work = args.work_dir or tempfile.mkdtemp(prefix="fastly-read-bench.")
    os.makedirs(work, exist_ok=True)
    levels = [int(c) for c in args.concurrency.split(",") if c]
    if not args.no_sequential:
        levels = [1] + [c for c in levels if c != 1]
    repeat = max(1, min(args.repeat, 20))
    ok = True

    for size in [s for s in args.sizes.split(",") if s]:
        if size not in SIZES:
            raise SystemExit(f"read_bench: unknown size {size!r} (known: {', '.join(SIZES)})")
        account = os.path.join(work, f"account-{size}")
        make_account(size, args.seed, account, stdout=sys.stderr)
        desired = os.path.join(account, "desired")
        changed = os.path.join(account, "changed")

        emulator = Emulator(emulator_bin, os.path.join(account, "seed.json"), args.latency_ms,
                            threads=args.emulator_threads)
        log(f"[{size}] emulator at {emulator.url} (seed loaded in {emulator.start_seconds:.2f} s, "
            f"RSS {emulator.status_kb('VmRSS') / 1024:.0f} MB)")
        rows = []
        notes = []
        routes = None
        try:
            for concurrency in levels:
                results = []
                runs = []
                for attempt in range(1 if concurrency == 1 else repeat):
                    out_file = os.path.join(work, f"export-{size}-c{concurrency}.yaml")
                    emulator.reset_stats()
                    overflows = listen_overflows()
                    wall, rss = run_export(tool, emulator.url, concurrency, out_file,
                                           os.path.join(work, "time.txt"), args.timeout)
                    overflows = listen_overflows() - overflows
                    stats = emulator.stats()
                    results.append((wall, rss, stats))
                    runs.append(f"{wall:.2f}" + (f" ({overflows} listen-queue drops)" if overflows else ""))
                    log(f"[{size}] concurrency {concurrency} run {attempt + 1}: {stats['total']} requests, "
                        f"{wall:.2f} s, {rss:.1f} MB, {overflows} listen-queue overflows")
                results.sort(key=lambda r: r[0])
                wall, rss, stats = results[len(results) // 2]
                if concurrency == max(levels):
                    routes = stats["requests"]
                requests = stats["total"]
                floor = requests / concurrency * args.latency_ms / 1000.0
                label = f"{concurrency}" + (" (sequential)" if concurrency == 1 else "")
                rows.append([size, label, requests, f"{wall:.2f}", f"{floor:.2f}", f"{wall / floor:.2f}",
                             f"{rss:.1f}"])
                path = critical_path(stats["requests"], concurrency) * args.latency_ms / 1000.0
                notes.append(f"concurrency {concurrency}: runs {', '.join(runs)} s; critical path of the "
                             f"fetch order {path:.2f} s ({path / floor:.2f} x floor)")

            export_file = os.path.join(work, f"export-{size}-c{levels[-1]}.yaml")
            code, text = validate(tool, [export_file])
            notes.append(f"validate export: exit {code}" + ("" if code == 0 else f": {text[:500]}"))
            ok &= code == 0
            code, text = validate(tool, [desired])
            notes.append(f"validate desired/: exit {code}" + ("" if code == 0 else f": {text[:500]}"))
            ok &= code == 0
            code, text = validate(tool, [changed])
            notes.append(f"validate changed/: exit {code}" + ("" if code == 0 else f": {text[:500]}"))
            ok &= code == 0
            notes.append(f"export vs desired/: {compare_export(desired, export_file)}")
            notes.append(f"emulator peak RSS (VmHWM): {emulator.status_kb('VmHWM') / 1024:.0f} MB; "
                         f"seed load {emulator.start_seconds:.2f} s; threads {args.emulator_threads}")
        finally:
            emulator.stop()

        print(f"\n### {size} users, latency {args.latency_ms} ms\n")
        print(table(["size", "concurrency", "requests", "wall s", "floor s", "ratio", "peak RSS MB"], rows))
        print()
        for note in notes:
            print(f"- {note}")
        if routes:
            print(f"- requests by route at concurrency {levels[-1]}:")
            for route, count in sorted(routes.items(), key=lambda kv: (-kv[1], kv[0])):
                print(f"    {count:6d}  {route}")
        sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
