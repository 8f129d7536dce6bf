#!/usr/bin/env python3
"""bench/run.sh (issue 8): plan, apply, the official client and diff, against fastly-emulator with injected
latency, each compared with its floor.

Usually started through bench/run.sh, which builds Release (with the diff benchmark) and installs the
official client first. Standard library only. Everything talks to 127.0.0.1; every emulator this script
starts is stopped on every exit path (and bench/run.sh's trap stops it too, from the pid file).

For each size it prints one table per part:
  plan      `fastly-accounts --concurrency C plan -f DIR/desired` and `-f DIR/changed`, C in --concurrency:
            wall time, requests (/_emulator/stats), peak RSS (/usr/bin/time -v), floor = requests / C *
            latency, ratio; and where the time went (start-up, reads, diff and output) from the timestamped
            `--log-level debug` lines;
  apply     the 5% change (seed -> DIR/changed) and the 100% change (owner and services only ->
            DIR/desired), each against a freshly loaded emulator state: wall time, reads, writes, floors,
            ratios, and whether a plan afterwards finds nothing to do;
  official  the same reads with the official `fastly` npm client, one request after another;
  diff      build-release/bench/diff_bench (Google Benchmark);
  review    `fastly-accounts --concurrency C review` of the account with an audit log seeded (make_account
            --logins-share): text at each C, then -f DIR/desired and --format json and csv at the first C;
            wall time, requests by route, floor (the account's reads C at a time, the audit log's pages one
            after another), peak RSS, and where the time went.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import ROOT, SIZES, Emulator, log, make_account, peak_rss_mb, stop_emulators_on_exit, table, tool_env

# The review's audit log (make_account --logins-*): 95% of the users log in once in the last 90 days and the
# rest never, so the review reads every page of the log (it stops early only once every user has a login).
REVIEW_LOGINS = ["--logins-share", "0.95", "--logins-per-user", "1", "--logins-days", "90", "--tokens", "300"]
EVENTS_PATH = "/events?"

TARGET_PLAN_RATIO = 1.3
TARGET_APPLY_RATIO = 1.5
TARGET_OFFICIAL_SPEEDUP = 10.0
TARGET_DIFF_MS = 100.0
TARGET_RSS_MB = 200.0

REQUEST_LINE = re.compile(r"^debug: (GET|POST|PUT|PATCH|DELETE) (\S+) -> (\S+) \((\d+) ms\)")
# A request on one object's sub-list (/user-groups/ID/members, /service-groups/ID/services, /roles/ID/...).
SUB_LIST = re.compile(r"^/(user-groups|service-groups|roles)/[^/?]+/")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---------------------------------------------------------------------------------------------------
# Running fastly-accounts with timestamps on its debug lines


class Run:
    """One timed run: wall time from spawn to exit, the peak RSS, and each request line with the time (s
    after spawn) at which it was printed (when the request finished) and its own duration."""

    def __init__(self, cmd, env, stdout_path, time_path, timeout):
        started = time.monotonic()
        with open(stdout_path, "w") as out:
            proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", time_path] + cmd, env=env, stdout=out,
                                    stderr=subprocess.PIPE, text=True, bufsize=1)
            self.requests = []  # (finished_s, method, path, status, ms)
            self.other_stderr = []
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
            try:
                for line in proc.stderr:
                    now = time.monotonic() - started
                    match = REQUEST_LINE.match(line)
                    if match:
                        method, path, status, ms = match.groups()
                        self.requests.append((now, method, path, status, int(ms)))
                    elif len(self.other_stderr) < 200:
                        self.other_stderr.append(line.rstrip("\n"))
                proc.wait()
            finally:
                timer.cancel()
        self.wall = time.monotonic() - started
        self.returncode = proc.returncode
        self.rss_mb = peak_rss_mb(time_path)
        with open(stdout_path) as f:
            self.stdout = f.read()

    def phases(self):
        """start: spawn until the first request was sent; reads: first request sent until the last GET
        finished; writes: first write sent until the last write finished; tail: last request until exit."""
        if not self.requests:
            return {}
        first_start = min(t - ms / 1000.0 for t, _, _, _, ms in self.requests)
        gets = [r for r in self.requests if r[1] == "GET"]
        writes = [r for r in self.requests if r[1] != "GET"]
        last = max(t for t, *_ in self.requests)
        result = {"start": first_start, "tail": self.wall - last}
        if gets:
            result["reads"] = max(t for t, *_ in gets) - first_start
            result["read_end"] = max(t for t, *_ in gets)
            subs = [r for r in gets if SUB_LIST.match(r[2])]
            if subs:
                result["first_sub_list_sent"] = min(t - ms / 1000.0 for t, _, _, _, ms in subs)
                result["sub_list_ms_mean"] = statistics.mean(r[4] for r in subs)
            tops = [r for r in gets if not SUB_LIST.match(r[2])]
            if tops:
                result["last_top_level_done"] = max(t for t, *_ in tops)
        if writes:
            write_start = min(t - ms / 1000.0 for t, _, _, _, ms in writes)
            result["write_start"] = write_start
            result["writes"] = max(t for t, *_ in writes) - write_start
            result["gap_before_writes"] = write_start - result.get("read_end", first_start)
            result["write_ms_mean"] = statistics.mean(r[4] for r in writes)
        return result


def split_stats(stats):
    reads = writes = 0
    for route, n in stats.get("requests", {}).items():
        if route.startswith("GET "):
            reads += n
        else:
            writes += n
    return reads, writes


def summary_line(text):
    for line in reversed(text.splitlines()):
        if line.startswith("Plan:") or line.startswith("No changes") or line.startswith("Apply:"):
            return line.strip()
    return ""


# ---------------------------------------------------------------------------------------------------
# Tables


def f2(x):
    return "–" if x is None else f"{x:.2f}"


def verdict(ok):
    return "**met**" if ok else "**not met**"


# ---------------------------------------------------------------------------------------------------
# The parts


class Bench:
    def __init__(self, args):
        self.args = args
        self.tool = os.path.join(args.build_dir, "fastly-accounts")
        self.emulator_bin = os.path.join(args.build_dir, "src", "emulator", "fastly-emulator")
        self.diff_bench = os.path.join(args.build_dir, "bench", "diff_bench")
        self.node_dir = os.path.join(ROOT, "bench", "official_client")
        self.work = args.work_dir
        self.latency = args.latency_ms
        self.env = tool_env(NO_COLOR="1")
        self.counter = 0
        self.results = {"machine": machine(), "latency_ms": self.latency, "sizes": {}}

    def path(self, name):
        self.counter += 1
        return os.path.join(self.work, f"{self.counter:03d}-{name}")

    def fa(self, emulator, concurrency, *command, debug=True, name="run"):
        cmd = [self.tool, "--endpoint", emulator.url, "--concurrency", str(concurrency), "--no-color"]
        if debug:
            cmd += ["--log-level", "debug"]
        cmd += list(command)
        return Run(cmd, self.env, self.path(name + ".out"), self.path(name + ".time"), self.args.timeout)

    def generate(self, size, extra=(), name=None):
        out = os.path.join(self.work, name or size)
        if not os.path.isfile(os.path.join(out, "seed.json")):
            make_account(size, self.args.seed, out, extra=extra, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         timeout=600)
        # The 100% change starts from an account with only its owner and its services.
        with open(os.path.join(out, "seed.json")) as f:
            seed = json.load(f)
        owner = seed["customer"]["owner"]
        empty = {"customer": seed["customer"],
                 "users": [u for u in seed["users"] if u["login"] == owner],
                 "services": seed["services"]}
        with open(os.path.join(out, "empty-seed.json"), "w") as f:
            json.dump(empty, f)
        return out

    # -- plan --------------------------------------------------------------------------------------

    def plan(self, emulator, directory, variant, concurrency):
        runs = []
        for _ in range(self.args.repeat):
            emulator.reset_stats()
            load = loadavg()
            run = self.fa(emulator, concurrency, "plan", "-f", os.path.join(directory, variant), name="plan")
            if run.returncode != 0:
                raise SystemExit(f"run_bench: plan failed (exit {run.returncode}): {run.other_stderr[-5:]}")
            reads, writes = split_stats(emulator.stats())
            runs.append((run, reads + writes, load))
        walls = [r.wall for r, _, _ in runs]
        median = sorted(runs, key=lambda x: x[0].wall)[len(runs) // 2]
        run, requests, load = median
        floor = requests / concurrency * self.latency / 1000.0
        return {"variant": variant, "concurrency": concurrency, "requests": requests, "wall": run.wall,
                "walls": walls, "floor": floor, "ratio": run.wall / floor, "rss_mb": max(r.rss_mb for r, _, _ in runs),
                "phases": run.phases(), "summary": summary_line(run.stdout), "load": load,
                "logged_requests": len(run.requests)}

    # -- apply -------------------------------------------------------------------------------------

    def apply(self, emulator, directory, state_file, variant, label, concurrency):
        emulator.load_state(state_file)
        emulator.reset_stats()
        journal = self.path("journal.jsonl")
        load = loadavg()
        run = self.fa(emulator, concurrency, "apply", "-f", os.path.join(directory, variant), "--auto-approve",
                      "--allow-deletions", "100000", "--journal", journal, name="apply")
        stats = emulator.stats()
        reads, writes = split_stats(stats)
        # Convergence: a plan afterwards (not timed) must find nothing to do (--detailed-exitcode: 0).
        check = self.fa(emulator, 16, "plan", "--detailed-exitcode", "-f", os.path.join(directory, variant),
                        debug=False, name="converged")
        converged = check.returncode == 0
        # The planned requests of each change, by stage, from the journal: inside a change they are sent
        # one after another, and each stage waits for the previous one.
        stages = {}
        try:
            with open(journal) as f:
                for line in f:
                    entry = json.loads(line)
                    if entry.get("event") == "change":
                        stages.setdefault(entry["stage"], []).append(len(entry.get("requests", [])))
        except OSError:
            pass
        lat = self.latency / 1000.0
        staged_rounds = sum(max(math.ceil(sum(ks) / concurrency), max(ks) if ks else 0) for ks in stages.values())
        phases = run.phases()
        floor_all = (reads + writes) / concurrency * lat
        floor_writes = writes / concurrency * lat
        return {"label": label, "concurrency": concurrency, "wall": run.wall, "reads": reads, "writes": writes,
                "floor_all": floor_all, "ratio_all": run.wall / floor_all if floor_all else None,
                "write_phase": phases.get("writes"), "floor_writes": floor_writes,
                "ratio_writes": (phases.get("writes") / floor_writes) if floor_writes and phases.get("writes") else None,
                "staged_floor": staged_rounds * lat,
                "stages": {str(k): {"changes": len(v), "requests": sum(v), "longest": max(v)} for k, v in sorted(stages.items())},
                "phases": phases, "rss_mb": run.rss_mb, "returncode": run.returncode,
                "summary": summary_line(run.stdout), "converged": converged,
                "check_summary": summary_line(check.stdout), "load": load}

    # -- the official client -----------------------------------------------------------------------

    def official(self, emulator):
        emulator.reset_stats()
        load = loadavg()
        started = time.monotonic()
        done = subprocess.run(["node", os.path.join(self.node_dir, "read_account.js"), emulator.url], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=self.args.timeout)
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"run_bench: the official-client script failed: {done.stderr.strip()[:2000]}")
        report = json.loads(done.stdout.strip().splitlines()[-1])
        reads, writes = split_stats(emulator.stats())
        return {"wall": wall, "inner_wall": report["wall_seconds"], "requests": reads + writes,
                "floor": (reads + writes) * self.latency / 1000.0, "counts": report["counts"], "load": load}

    # -- diff --------------------------------------------------------------------------------------

    def diff(self):
        load = loadavg()
        done = subprocess.run([self.diff_bench, "--benchmark_format=json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=self.args.timeout)
        if done.returncode != 0:
            raise SystemExit(f"run_bench: diff_bench failed: {done.stderr.strip()[:2000]}")
        data = json.loads(done.stdout)
        rows = []
        for b in data.get("benchmarks", []):
            scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
            rows.append({"name": b["name"], "real_ms": b["real_time"] * scale, "cpu_ms": b["cpu_time"] * scale,
                         "iterations": b["iterations"], "users": b.get("users"), "groups": b.get("groups"),
                         "memberships": b.get("memberships"), "changes": b.get("changes"),
                         "peak_rss_mb": b.get("peak_rss_MB")})
        return {"rows": rows, "load": load,
                "library_debug": bool(data.get("context", {}).get("library_build_type") == "debug")}

    # -- review (issue 17) ---------------------------------------------------------------------------

    def review_run(self, emulator, directory, concurrency, label, options):
        runs = []
        for _ in range(self.args.repeat):
            emulator.reset_stats()
            load = loadavg()
            run = self.fa(emulator, concurrency, "review", *options, name="review")
            if run.returncode != 0:
                raise SystemExit(f"run_bench: review failed (exit {run.returncode}): {run.other_stderr[-5:]}")
            runs.append((run, emulator.stats()["requests"], load))
        run, by_route, load = sorted(runs, key=lambda x: x[0].wall)[len(runs) // 2]
        lat = self.latency / 1000.0
        pages = sum(n for route, n in by_route.items() if route.startswith("GET /events"))
        account = sum(by_route.values()) - pages
        floor = account / concurrency * lat + pages * lat
        gets = [r for r in run.requests if r[1] == "GET"]
        events = [r for r in gets if r[2].startswith(EVENTS_PATH)]
        ph = run.phases()
        phases = {"start": ph.get("start"), "tail": ph.get("tail")}
        if events:
            sent = min(t - ms / 1000.0 for t, _, _, _, ms in events)
            done = max(t for t, *_ in events)
            phases["account"] = sent - ph["start"]  # the account is read before the first page of the log
            phases["events"] = done - sent
            phases["event_ms_mean"] = statistics.mean(r[4] for r in events)
            phases["tail"] = run.wall - done
        return {"label": label, "concurrency": concurrency, "wall": run.wall, "walls": [r.wall for r, _, _ in runs],
                "requests": account + pages, "account_requests": account, "event_pages": pages, "floor": floor,
                "ratio": run.wall / floor, "rss_mb": max(r.rss_mb for r, _, _ in runs), "phases": phases,
                "by_route": by_route, "output_bytes": len(run.stdout.encode()), "load": load,
                "notes": [line for line in run.stdout.splitlines() if "audit log" in line][:3]}

    def review(self, size):
        """review of the size's account with an audit log (REVIEW_LOGINS ending now) in its seed."""
        end = int(time.time()) // 3600 * 3600
        directory = self.generate(size, REVIEW_LOGINS + ["--logins-end", str(end)], name=size + "-review")
        emulator = Emulator(self.emulator_bin, os.path.join(directory, "seed.json"), self.latency,
                            threads=self.args.emulator_threads, rate_limit=self.args.rate_limit)
        rows = []
        try:
            configs = [(c, "text", []) for c in self.args.concurrency]
            c = self.args.concurrency[0]
            configs += [(c, "text -f desired", ["-f", os.path.join(directory, "desired")]),
                        (c, "json", ["--format", "json"]), (c, "csv", ["--format", "csv"]),
                        (c, "json -f desired", ["--format", "json", "-f", os.path.join(directory, "desired")])]
            for concurrency, label, options in configs:
                log(f"run_bench: {size}: review ({label}) at concurrency {concurrency}")
                rows.append(self.review_run(emulator, directory, concurrency, label, options))
        finally:
            emulator.stop()
        with open(os.path.join(directory, "seed.json")) as f:
            seed = json.load(f)
        self.results.setdefault("review", {})[size] = {
            "rows": rows, "events": len(seed.get("events", [])), "tokens": len(seed.get("tokens", {})),
            "users": len(seed["users"]), "logged_in": len({e["user_id"] for e in seed.get("events", [])})}
        return self.results["review"][size]

    # -- the sparse account (issue 13) ---------------------------------------------------------------

    def sparse(self):
        """plan of the sparse account with the emulator's documented group counts, then without any
        (compat group_counts=none): the sub-lists the counts let plan skip, and what that saves."""
        directory = self.generate("sparse")
        emulator = Emulator(self.emulator_bin, os.path.join(directory, "seed.json"), self.latency,
                            threads=self.args.emulator_threads, rate_limit=self.args.rate_limit)
        rows = []
        try:
            for counts in ("documented", "none"):
                emulator.compat(group_counts=counts)
                for c in self.args.concurrency:
                    log(f"run_bench: sparse: plan -f desired at concurrency {c}, group counts {counts}")
                    row = self.plan(emulator, directory, "desired", c)
                    row["counts"] = counts
                    row["by_route"] = emulator.stats()["requests"]
                    rows.append(row)
        finally:
            emulator.stop()
        self.results["sparse"] = rows
        return rows

    # -- one size ----------------------------------------------------------------------------------

    def size(self, size):
        log(f"run_bench: {size}: generating the account")
        directory = self.generate(size)
        seed = os.path.join(directory, "seed.json")
        emulator = Emulator(self.emulator_bin, seed, self.latency, threads=self.args.emulator_threads,
                            rate_limit=self.args.rate_limit)
        result = {"plan": [], "apply": [], "official": None}
        try:
            if "plan" in self.args.parts:
                for variant in ("desired", "changed"):
                    for c in self.args.concurrency:
                        log(f"run_bench: {size}: plan -f {variant} at concurrency {c}")
                        result["plan"].append(self.plan(emulator, directory, variant, c))
            if "official" in self.args.parts:
                log(f"run_bench: {size}: the official client, sequential")
                emulator.load_state(seed)
                result["official"] = self.official(emulator)
            if "apply" in self.args.parts:
                for c in self.args.apply_concurrency:
                    log(f"run_bench: {size}: apply of the 5% change at concurrency {c}")
                    result["apply"].append(self.apply(emulator, directory, seed, "changed", "5% change", c))
                    log(f"run_bench: {size}: apply of the 100% change from empty at concurrency {c}")
                    result["apply"].append(self.apply(emulator, directory, os.path.join(directory, "empty-seed.json"),
                                                      "desired", "100% from empty", c))
        finally:
            emulator.stop()
        self.results["sizes"][size] = result
        return result


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(mem_kb / 1048576, 1)}


# ---------------------------------------------------------------------------------------------------
# Printing


def print_size(size, r, latency):
    print(f"\n### {size} users, latency {latency} ms\n")
    if r["plan"]:
        print("**plan** (`fastly-accounts --concurrency C plan -f DIR/VARIANT`)\n")
        rows = []
        for p in r["plan"]:
            ph = p["phases"]
            lists = subs = None
            if "first_sub_list_sent" in ph:
                lists = ph["first_sub_list_sent"] - ph["start"]
                subs = ph["read_end"] - ph["first_sub_list_sent"]
            rows.append([p["variant"], p["concurrency"], p["requests"], f2(p["wall"]), f2(p["floor"]), f2(p["ratio"]),
                         f"{p['rss_mb']:.1f}", f2(ph.get("start")), f2(ph.get("reads")), f2(lists), f2(subs),
                         f2(ph.get("tail")), f"{ph.get('sub_list_ms_mean', 0):.1f}", p["load"]])
        print(table(["files", "C", "requests", "wall s", "floor s", "ratio", "peak RSS MB", "start s", "reads s",
                     "(lists s", "sub-lists s)", "diff+output s", "ms/sub-list", "load avg"], rows))
        for p in r["plan"]:
            if len(p["walls"]) > 1:
                print(f"- {p['variant']} C={p['concurrency']}: runs " + ", ".join(f2(w) for w in p["walls"]) + " s")
        seen = set()
        for p in r["plan"]:
            if p["variant"] not in seen:
                seen.add(p["variant"])
                print(f"- `{p['variant']}/`: {p['summary']}")
        print()
    if r["apply"]:
        print("**apply** (`fastly-accounts --concurrency C apply -f DIR --auto-approve --allow-deletions 100000`, "
              "emulator state reloaded first)\n")
        rows = []
        for a in r["apply"]:
            rows.append([a["label"], a["concurrency"], f2(a["wall"]), a["reads"], a["writes"], f2(a["floor_all"]),
                         f2(a["ratio_all"]), f2(a["write_phase"]), f2(a["floor_writes"]), f2(a["ratio_writes"]),
                         f2(a["staged_floor"]), f"{a['rss_mb']:.1f}", "yes" if a["converged"] else "NO", a["load"]])
        print(table(["change", "C", "wall s", "reads", "writes", "floor s", "ratio", "write phase s",
                     "write floor s", "write ratio", "staged floor s", "peak RSS MB", "converged", "load avg"], rows))
        for a in r["apply"]:
            stages = ", ".join(f"{k}: {v['changes']} changes/{v['requests']} req (longest {v['longest']})"
                               for k, v in a["stages"].items())
            ph = a["phases"]
            print(f"- {a['label']}: {a['summary']} (exit {a['returncode']}); after it, plan says: "
                  f"{a['check_summary'] or '?'}; stages: {stages}; start {f2(ph.get('start'))} s, reads "
                  f"{f2(ph.get('reads'))} s, diff before the first write {f2(ph.get('gap_before_writes'))} s, "
                  f"mean write {ph.get('write_ms_mean', 0):.1f} ms")
        print()
    o = r.get("official")
    if o:
        def plan_at(c):
            return next((p for p in r["plan"] if p["variant"] == "desired" and p["concurrency"] == c), None)
        p8, p16 = plan_at(8), plan_at(16)
        print("**the official `fastly` npm client, sequential** (`node bench/official_client/read_account.js`)\n")
        print(table(["client", "requests", "wall s", "floor s (sequential)", "ratio to floor",
                     "÷ plan C=8 wall", "÷ plan C=8 floor", "÷ plan C=16 wall", "load avg"],
                    [["fastly 13.0.0", o["requests"], f2(o["wall"]), f2(o["floor"]), f2(o["wall"] / o["floor"]),
                      f2(o["wall"] / p8["wall"] if p8 else None), f2(o["wall"] / p8["floor"] if p8 else None),
                      f2(o["wall"] / p16["wall"] if p16 else None), o["load"]]]))
        print(f"- read: {json.dumps(o['counts'])}; inside node {f2(o['inner_wall'])} s (the rest is node's start "
              "and loading the client)")
        print("- `÷ plan C=8 floor`: the most plan at concurrency 8 could gain with the same requests")
        print()


def print_review(size, r, latency):
    print(f"\n### review, {size} users, latency {latency} ms\n")
    print(f"The account of `plan` with an audit log: {r['events']} `user.login` events in the last 90 days, one "
          f"each for {r['logged_in']} of the {r['users']} users (the rest never log in, so every page is read); "
          f"{r['tokens']} API tokens; 80% of the users with 2FA.\n")
    rows = []
    for x in r["rows"]:
        ph = x["phases"]
        rows.append([x["label"], x["concurrency"], x["requests"], x["account_requests"], x["event_pages"], f2(x["wall"]),
                     f2(x["floor"]), f2(x["ratio"]), f"{x['rss_mb']:.1f}", f2(ph.get("start")), f2(ph.get("account")),
                     f2(ph.get("events")), f"{ph.get('event_ms_mean', 0):.1f}", f2(ph.get("tail")),
                     f"{x['output_bytes'] / 1e6:.2f}", x["load"]])
    print(table(["review", "C", "requests", "account reads", "event pages", "wall s", "floor s", "ratio",
                 "peak RSS MB", "start s", "account s", "events s", "ms/page", "build+output s", "output MB",
                 "load avg"], rows))
    for x in r["rows"]:
        if len(x["walls"]) > 1:
            print(f"- {x['label']} C={x['concurrency']}: runs " + ", ".join(f2(w) for w in x["walls"]) + " s")
    first = r["rows"][0]
    print("- requests by route (" + first["label"] + f", C={first['concurrency']}): " +
          ", ".join(f"`{k}` {v}" for k, v in sorted(first["by_route"].items(), key=lambda kv: -kv[1])))
    for x in r["rows"]:
        for note in x["notes"]:
            print(f"- {x['label']}: {note.strip()}")
    print()


def print_sparse(rows, latency):
    print(f"\n### sparse account (1,000 users, 500 user groups and 100 service groups, 80% of both empty), "
          f"latency {latency} ms\n")
    print("**plan** (`fastly-accounts --concurrency C plan -f sparse/desired`), with the group counts Fastly "
          "documents and with none (`PUT /_emulator/compat {\"group_counts\":\"none\"}`)\n")
    table_rows = [[r["counts"], r["concurrency"], r["requests"], f2(r["wall"]), f2(r["floor"]), f2(r["ratio"]),
                   r["load"]] for r in rows]
    print(table(["group counts", "C", "requests", "wall s", "floor s", "ratio", "load avg"], table_rows))
    with_counts = {r["concurrency"]: r for r in rows if r["counts"] == "documented"}
    for r in rows:
        other = with_counts.get(r["concurrency"])
        if r["counts"] == "none" and other:
            print(f"- C={r['concurrency']}: the counts save {r['requests'] - other['requests']} of "
                  f"{r['requests']} requests ({(r['requests'] - other['requests']) / r['requests']:.0%}); "
                  f"wall {f2(r['wall'])} s -> {f2(other['wall'])} s")
            break
    print()


def print_diff(d):
    print("\n### diff alone (`build-release/bench/diff_bench`, Google Benchmark)\n")
    rows = [[x["name"], f"{x['real_ms']:.1f}", f"{x['cpu_ms']:.1f}", x["iterations"], int(x["users"] or 0),
             int(x["groups"] or 0), int(x["memberships"] or 0), int(x["changes"] or 0), f"{x['peak_rss_mb'] or 0:.1f}"]
            for x in d["rows"]]
    print(table(["benchmark", "time ms", "CPU ms", "iterations", "users", "groups", "memberships", "changes",
                 "peak RSS MB"], rows))
    print(f"- load average {d['load']}" + ("; Google Benchmark reports its own library as a debug build "
                                            "(the Debian package); diff_bench itself is built Release"
                                            if d["library_debug"] else ""))
    print()


def print_targets(results):
    print("\n### Targets\n")
    lines = []
    sizes = results["sizes"]
    for size, r in sizes.items():
        for p in r["plan"]:
            lines.append(f"- plan {size} `{p['variant']}/` C={p['concurrency']}: {f2(p['ratio'])}× the floor "
                         f"(target ≤ {TARGET_PLAN_RATIO}): {verdict(p['ratio'] <= TARGET_PLAN_RATIO)}")
        for a in r["apply"]:
            lines.append(f"- apply {size} {a['label']} C={a['concurrency']}: {f2(a['ratio_all'])}× the floor of all "
                         f"its requests, write phase {f2(a['ratio_writes'])}× the write floor (target ≤ "
                         f"{TARGET_APPLY_RATIO}): {verdict((a['ratio_all'] or 99) <= TARGET_APPLY_RATIO)} / "
                         f"{verdict((a['ratio_writes'] or 99) <= TARGET_APPLY_RATIO)}; converged: "
                         f"{'yes' if a['converged'] else 'NO'}")
    big = sizes.get("10k")
    if big:
        o = big.get("official")
        base = next((p for p in big["plan"] if p["variant"] == "desired" and p["concurrency"] == 8), None)
        if o and base:
            speedup = o["wall"] / base["wall"]
            lines.append(f"- plan C=8 vs the official client at 10k: {speedup:.1f}× faster (target ≥ "
                         f"{TARGET_OFFICIAL_SPEEDUP:.0f}×): {verdict(speedup >= TARGET_OFFICIAL_SPEEDUP)}; at its "
                         f"floor it would be {o['wall'] / base['floor']:.1f}×")
        base16 = next((p for p in big["plan"] if p["variant"] == "desired" and p["concurrency"] == 16), None)
        if o and base16:
            speedup = o["wall"] / base16["wall"]
            lines.append(f"- plan C=16 vs the official client at 10k: {speedup:.1f}× faster: "
                         f"{verdict(speedup >= TARGET_OFFICIAL_SPEEDUP)}")
        rss = [p["rss_mb"] for p in big["plan"]]
        if rss:
            lines.append(f"- peak RSS of plan at 10k: {max(rss):.1f} MB (target < {TARGET_RSS_MB:.0f}): "
                         f"{verdict(max(rss) < TARGET_RSS_MB)}")
        rss_apply = [a["rss_mb"] for a in big["apply"]]
        if rss_apply:
            lines.append(f"- peak RSS of apply at 10k: {max(rss_apply):.1f} MB (target < {TARGET_RSS_MB:.0f}): "
                         f"{verdict(max(rss_apply) < TARGET_RSS_MB)}")
    d = results.get("diff")
    if d:
        for x in d["rows"]:
            lines.append(f"- diff {x['name']}: {x['real_ms']:.1f} ms (target < {TARGET_DIFF_MS:.0f}): "
                         f"{verdict(x['real_ms'] < TARGET_DIFF_MS)}")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--sizes", default="1k,10k", help="comma-separated: 1k, 10k (default both)")
    parser.add_argument("--latency-ms", type=int, default=20, help="injected emulator latency (default 20)")
    parser.add_argument("--concurrency", default="8,16", help="plan concurrency levels (default 8,16)")
    parser.add_argument("--apply-concurrency", default="8", help="apply concurrency levels (default 8)")
    parser.add_argument("--parts", default="plan,official,apply,diff,sparse,review",
                        help="comma-separated subset of plan,official,apply,diff,sparse,review (default all)")
    parser.add_argument("--repeat", type=int, default=1, help="plan runs per configuration; the median is shown")
    parser.add_argument("--rate-limit", type=int, default=1000000, help="emulator hourly write limit (default 1000000)")
    parser.add_argument("--emulator-threads", type=int, default=0, help="emulator --threads (default: its own, 64)")
    parser.add_argument("--seed", type=int, default=1, help="make_account --seed")
    parser.add_argument("--work-dir", default=None, help="accounts, outputs and journals (default: a new /tmp dir)")
    parser.add_argument("--pid-file", default=None, help="where the emulator's pid is kept (for run.sh's trap)")
    parser.add_argument("--json", default=None, help="also write every figure to this JSON file")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed for one run")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c]
    args.apply_concurrency = [int(c) for c in args.apply_concurrency.split(",") if c]
    args.parts = set(p for p in args.parts.split(",") if p)
    args.repeat = max(1, min(args.repeat, 10))
    unknown = args.parts - {"plan", "official", "apply", "diff", "sparse", "review"}
    sizes = [s for s in args.sizes.split(",") if s]
    if unknown or any(s not in SIZES or s == "sparse" for s in sizes):
        parser.error("unknown part or size")

    stop_emulators_on_exit(args.pid_file)

    args.work_dir = args.work_dir or tempfile.mkdtemp(prefix="fastly-run-bench.", dir="/tmp")
    os.makedirs(args.work_dir, exist_ok=True)
    bench = Bench(args)
    for binary in (bench.tool, bench.emulator_bin):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"run_bench: {binary} is missing; run bench/run.sh (it builds Release)")
    if not os.access("/usr/bin/time", os.X_OK):
        raise SystemExit("run_bench: /usr/bin/time is missing (Debian package `time`)")
    if "official" in args.parts and not os.path.isdir(os.path.join(bench.node_dir, "node_modules", "fastly")):
        log("run_bench: bench/official_client/node_modules is missing (bench/run.sh runs npm ci); skipping it")
        args.parts.discard("official")
    if "diff" in args.parts and not os.access(bench.diff_bench, os.X_OK):
        log(f"run_bench: {bench.diff_bench} is missing (configure with -DFASTLY_ACCOUNTS_BENCH=ON); skipping diff")
        args.parts.discard("diff")

    m = bench.results["machine"]
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True).stdout.strip()
    print(f"Machine: nproc {m['nproc']}, {m['mem_gib']} GiB RAM, {m['cpu']}; load average at start "
          f"{loadavg()}; commit {commit or '?'}; latency {args.latency_ms} ms; work dir {args.work_dir}")
    try:
        for size in sizes if args.parts & {"plan", "official", "apply"} else []:
            result = bench.size(size)
            print_size(size, result, args.latency_ms)
            sys.stdout.flush()
        if "sparse" in args.parts:
            print_sparse(bench.sparse(), args.latency_ms)
            sys.stdout.flush()
        for size in sizes if "review" in args.parts else []:
            print_review(size, bench.review(size), args.latency_ms)
            sys.stdout.flush()
        if "diff" in args.parts:
            log("run_bench: diff_bench")
            bench.results["diff"] = bench.diff()
            print_diff(bench.results["diff"])
        if bench.results["sizes"] or "diff" in bench.results:
            print_targets(bench.results)
        print(f"\nLoad average at the end: {loadavg()}")
    finally:
        if args.json:
            with open(args.json, "w") as f:
                json.dump(bench.results, f, indent=1, default=str)


if __name__ == "__main__":
    main()
