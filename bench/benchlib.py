"""What bench/read_bench.py and bench/run_bench.py share: the account sizes, fastly-emulator started on
127.0.0.1 and stopped on every exit path, its HTTP control endpoints, the peak RSS from `/usr/bin/time -v`,
and Markdown tables. Standard library only, like the scripts that import it (they find it next to them, on
sys.path[0]).
"""

import atexit
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The name the calling script puts before its messages (run_bench, read_bench).
PROG = os.path.splitext(os.path.basename(sys.argv[0]))[0]
TOKEN = "emulator-superuser-token"

SIZES = {
    # name: make_account arguments
    "1k": ["--users", "1000", "--groups", "100", "--members-per-group", "20", "--service-groups", "20"],
    "10k": ["--users", "10000", "--groups", "1000", "--members-per-group", "50", "--service-groups", "200"],
    # A sparse account (issue 13): 80% of the user groups and service groups are empty.
    "sparse": ["--users", "1000", "--groups", "500", "--members-per-group", "10", "--service-groups", "100",
               "--empty-share", "0.8"],
}

# Bounded: the 10k seed loads in about a second; a hung emulator must not hang the benchmark.
START_TIMEOUT_S = 180


def log(message):
    """Progress goes to stderr, so that stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


def http(method, url, body=None, timeout=120):
    """One request to the emulator's control endpoints; the JSON answer, or None when it is empty."""
    data = None if body is None else body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, method=method, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def make_account(size, seed, out, extra=(), **run_args):
    """Generate the SIZES[size] account into out with bench/make_account: seed.json, desired/ and changed/
    (5% of the objects differ); extra are more make_account arguments (an audit log for review). run_args go
    to subprocess.run (where make_account's output goes)."""
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_account"), *SIZES[size],
                    "--seed", str(seed), "--diff-share", "0.05", *extra, "--out", out], check=True, **run_args)


def tool_env(**extra):
    """The environment for fastly-accounts (and the official client) against the emulator: its superuser
    token, and no FASTLY_API_ENDPOINT of the caller's, so that only --endpoint says where requests go."""
    env = dict(os.environ, FASTLY_API_TOKEN=TOKEN, **extra)
    env.pop("FASTLY_API_ENDPOINT", None)
    return env


def peak_rss_mb(time_file):
    """The peak RSS in MB from the file `/usr/bin/time -v -o` wrote; 0 when the file is missing or lacks it
    (time itself was killed by a timeout)."""
    try:
        with open(time_file) as f:
            for line in f:
                key, _, value = line.strip().rpartition(": ")
                if key == "Maximum resident set size (kbytes)":
                    return int(value) / 1024.0
    except OSError:
        pass
    return 0.0


def table(header, rows, left=1):
    """A Markdown table: the first `left` columns left-aligned, the others (the figures) right-aligned."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(header)) + " |",
           "|" + "|".join("-" * (w + 2) if i < left else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"]
    for row in cells[1:]:
        out.append("| " + " | ".join(c.ljust(widths[i]) if i < left else c.rjust(widths[i])
                                     for i, c in enumerate(row)) + " |")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------
# The emulator, and stopping every one that is still running when the script ends

_running = []  # the Emulators started and not stopped yet
_pid_file = None


def _write_pid_file():
    """Keep the pids of the running emulators in the pid file, for a wrapper's trap (bench/run.sh) to stop
    them should this process be killed before it can."""
    if _pid_file:
        with open(_pid_file, "w") as f:
            f.write("".join(f"{e.proc.pid}\n" for e in _running if e.proc.poll() is None))


def _stop_all():
    for emulator in list(_running):
        emulator.stop()


def _exit_on_signal(signum, _frame):
    _stop_all()
    sys.exit(128 + signum)


def stop_emulators_on_exit(pid_file=None):
    """Stop every emulator still running when the script exits: at the end, on an exception, and on
    SIGTERM, SIGINT and SIGHUP (which exit with 128 + the signal, so the script's finally blocks run too).
    With pid_file, also keep the running emulators' pids there."""
    global _pid_file
    _pid_file = pid_file
    atexit.register(_stop_all)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _exit_on_signal)


class Emulator:
    """fastly-emulator on 127.0.0.1, on a port it picks (so runs never collide), loaded with a seed file.
    start_seconds is how long it took to load the seed and listen."""

    def __init__(self, binary, seed, latency_ms, threads=0, rate_limit=None):
        args = [binary, "--host", "127.0.0.1", "--port", "0", "--seed", seed, "--latency-ms", str(latency_ms)]
        if rate_limit is not None:
            args += ["--rate-limit", str(rate_limit)]
        if threads:
            args += ["--threads", str(threads)]
        started = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _running.append(self)
        _write_pid_file()
        # readline() on a thread, so the wait is bounded even if the emulator prints nothing and stays up;
        # should it exit instead, readline() returns "" at once.
        line = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line[0] if line else "")
        if not match:
            self.stop()
            raise SystemExit(f"{PROG}: the emulator did not start: {line!r} {self.proc.stderr.read().strip()}")
        self.url = match.group(1)
        self.start_seconds = time.monotonic() - started

    def reset_stats(self):
        http("DELETE", self.url + "/_emulator/stats")

    def stats(self):
        """What the emulator counted since reset_stats: "total", "requests" by route ("GET /users": n), "faults"."""
        return http("GET", self.url + "/_emulator/stats")

    def compat(self, **switches):
        """Set compat switches of the emulator (src/emulator/README.md)."""
        http("PUT", self.url + "/_emulator/compat", json.dumps(switches).encode())

    def load_state(self, path):
        """Replace the emulator's whole account with the seed file at path (a 10k account takes seconds)."""
        with open(path, "rb") as f:
            http("PUT", self.url + "/_emulator/state", f.read(), timeout=300)

    def status_kb(self, key):
        """A memory figure of the emulator process from /proc/PID/status (VmRSS, VmHWM, ...), in kB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        """SIGTERM, then SIGKILL if it has not exited within 10 s."""
        if self in _running:
            _running.remove(self)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _write_pid_file()
