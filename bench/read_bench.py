#!/usr/bin/env python3
"""Read benchmark (issue 4, Performance): `fastly-accounts export` against fastly-emulator with injected
latency, compared with the floor (requests / concurrency * latency) and with the same reads done one after
another (concurrency 1).

Usually started through bench/read_bench.sh, which builds Release first. Standard library only.
Everything talks to 127.0.0.1; the emulator is stopped on every exit path.
"""

import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "emulator-superuser-token"

SIZES = {
    # name: make_account arguments
    "1k": ["--users", "1000", "--groups", "100", "--members-per-group", "20", "--service-groups", "20"],
    "10k": ["--users", "10000", "--groups", "1000", "--members-per-group", "50", "--service-groups", "200"],
}

_children = []


def log(message):
    print(message, file=sys.stderr, flush=True)


def stop_children():
    while _children:
        proc = _children.pop()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def on_signal(signum, _frame):
    stop_children()
    sys.exit(128 + signum)


def http(method, url, timeout=30):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        body = answer.read()
    return json.loads(body) if body else None


class Emulator:
    def __init__(self, binary, seed, latency_ms, threads):
        args = [binary, "--host", "127.0.0.1", "--port", "0", "--seed", seed, "--latency-ms", str(latency_ms)]
        if threads:
            args += ["--threads", str(threads)]
        self.args = args
        started = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _children.append(self.proc)
        line = ""
        deadline = started + 180  # bounded: a big seed loads in seconds, not minutes
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 1.0)
            if ready:
                line = self.proc.stdout.readline()
                break
            if self.proc.poll() is not None:
                break
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not match:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            raise SystemExit(f"read_bench: the emulator did not start: {line!r} {err}")
        self.url = match.group(1)
        self.start_seconds = time.monotonic() - started

    def status(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])  # kB
        return 0

    def reset_stats(self):
        http("DELETE", self.url + "/_emulator/stats")

    def stats(self):
        return http("GET", self.url + "/_emulator/stats")

    def stop(self):
        if self.proc in _children:
            _children.remove(self.proc)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def parse_time_v(path):
    fields = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().rpartition(": ")
            if key:
                fields[key] = value
    return fields


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
    env = dict(os.environ, FASTLY_API_TOKEN=TOKEN)
    env.pop("FASTLY_API_ENDPOINT", None)
    cmd = ["/usr/bin/time", "-v", "-o", time_file, tool, "--endpoint", url, "--concurrency", str(concurrency),
           "export", "--out", out_file]
    started = time.monotonic()
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"read_bench: export failed (exit {done.returncode}): {done.stderr.strip()[:2000]}")
    fields = parse_time_v(time_file)
    rss_mb = int(fields.get("Maximum resident set size (kbytes)", "0")) / 1024.0
    return wall, rss_mb


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


def fmt_table(rows):
    header = ["size", "concurrency", "requests", "wall s", "floor s", "ratio", "peak RSS MB"]
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(cells[0])) + " |",
             "|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"]
    for row in cells[1:]:
        lines.append("| " + " | ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                                       for i, c in enumerate(row)) + " |")
    return "\n".join(lines)


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

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

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

    try:
        for size in [s for s in args.sizes.split(",") if s]:
            if size not in SIZES:
                raise SystemExit(f"read_bench: unknown size {size!r} (known: {', '.join(SIZES)})")
            account = os.path.join(work, f"account-{size}")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_account"), *SIZES[size],
                            "--seed", str(args.seed), "--diff-share", "0.05", "--out", account],
                           check=True, stdout=sys.stderr)
            desired = os.path.join(account, "desired")
            changed = os.path.join(account, "changed")

            emulator = Emulator(emulator_bin, os.path.join(account, "seed.json"), args.latency_ms,
                                args.emulator_threads)
            log(f"[{size}] emulator at {emulator.url} (seed loaded in {emulator.start_seconds:.2f} s, "
                f"RSS {emulator.status('VmRSS') / 1024:.0f} MB)")
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
                notes.append(f"emulator peak RSS (VmHWM): {emulator.status('VmHWM') / 1024:.0f} MB; "
                             f"seed load {emulator.start_seconds:.2f} s; threads {args.emulator_threads}")
            finally:
                emulator.stop()

            print(f"\n### {size} users, latency {args.latency_ms} ms\n")
            print(fmt_table(rows))
            print()
            for note in notes:
                print(f"- {note}")
            if routes:
                print(f"- requests by route at concurrency {levels[-1]}:")
                for route, count in sorted(routes.items(), key=lambda kv: (-kv[1], kv[0])):
                    print(f"    {count:6d}  {route}")
            sys.stdout.flush()
    finally:
        stop_children()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
