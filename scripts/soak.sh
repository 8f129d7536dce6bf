#!/usr/bin/env bash
# Fault soak: apply/plan cycles against fastly-emulator with injected faults over a seeded account, asserting
# after every iteration that the account converged. Prints a table of the faults seen and survived.
#
# Usage: scripts/soak.sh [ITERATIONS]     (default 50; env SOAK_ITERATIONS, SOAK_USERS (1000), SOAK_SEED (1))
#        SOAK_BUILD_DIR=DIR scripts/soak.sh  runs the binaries already built in DIR (test.sh passes the
#                                            sanitizer build) instead of building into build/
#
# Each iteration changes the desired files (names, roles, group members and descriptions, new invitations
# and groups), then, with faults on (10% 500/503, 5% 429, 2% dropped connections, 2% dropped after commit,
# 0-50 ms latency), runs `plan --out` + `apply --plan`, and `apply` again until it succeeds (at most 8 runs).
# With faults off it then checks: `plan --detailed-exitcode` shows no change (live equals the files); no
# duplicate users, invitations or groups; every object that changed was in the plan; every journal holds an
# apply-start, one change line per planned change and an apply-end whose counts add up.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

if [ -n "${SOAK_BUILD_DIR:-}" ]; then
    FA_BUILD_DIR=$SOAK_BUILD_DIR
else
    fa_install_missing "${FA_PACKAGES[@]}"
    fa_build fastly-accounts fastly-emulator
fi
build_dir=$(cd "$FA_BUILD_DIR" && pwd)
export SOAK_BINARY="$build_dir/fastly-accounts"
export SOAK_EMULATOR="$build_dir/src/emulator/fastly-emulator"
export SOAK_ITERATIONS="${1:-${SOAK_ITERATIONS:-50}}"

exec /usr/bin/python3 - <<'PYTHON'
import collections, json, os, random, re, shutil, subprocess, sys, tempfile, time, urllib.request
import yaml

BINARY, EMULATOR = os.environ["SOAK_BINARY"], os.environ["SOAK_EMULATOR"]
ITERATIONS = int(os.environ["SOAK_ITERATIONS"])
USERS = int(os.environ.get("SOAK_USERS", "1000"))
rng = random.Random(int(os.environ.get("SOAK_SEED", "1")))
TOKEN = "soak-superuser-token"
FAULTS = {"error_rate": 0.10, "throttle_rate": 0.05, "reset_rate": 0.02, "reset_after_commit_rate": 0.02}
ROLES = ["user", "engineer", "billing", "tls_viewer"]
SERVICES = ["svc-%02d" % i for i in range(12)]
PERMISSIONS = ["full", "read_only", "purge_select", "purge_all"]
work = tempfile.mkdtemp(prefix="fa-soak-")


def seed():
    users = [{"login": "owner@soak.test", "name": "Owner", "role": "superuser"}]
    users += [{"login": "user%04d@soak.test" % i, "name": "User %d" % i, "role": rng.choice(ROLES)}
              for i in range(USERS)]
    groups = [{"name": "team-%02d" % g, "description": "Team %d" % g, "roles": ["engineer"],
               "members": [u["login"] for u in rng.sample(users[1:], min(40, USERS))]} for g in range(20)]
    return {"users": users, "user_groups": groups, "services": [{"name": name} for name in SERVICES],
            "service_groups": [{"name": "sg-%d" % i, "services": []} for i in range(5)],
            "roles": [{"name": "Purge Operator %d" % i, "description": "Purges", "permissions": ["purge_all"]}
                      for i in range(3)]}


class Emulator:
    def __init__(self, seed_file):
        self.process = subprocess.Popen([EMULATOR, "--port", "0", "--seed", seed_file, "--token", TOKEN,
                                         "--rate-limit", "10000000"], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        self.url = re.match(r"fastly-emulator listening on (\S+)", line).group(1)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
        return json.loads(raw) if raw.strip() else None

    def faults(self, **settings):
        self.call("PUT", "/_emulator/faults", settings)


def fa(emulator, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASTLY_")}
    env.update(FASTLY_API_TOKEN=TOKEN, NO_COLOR="1")
    p = subprocess.run([BINARY, "--endpoint", emulator.url, "--log-level", "info", *args], capture_output=True,
                       text=True, env=env, timeout=900)
    return p.returncode, p.stdout, p.stderr


def keyed(state):
    """{(kind, key): object} of what a plan can change, with volatile fields left out."""
    out = {}
    sections = {"users": "login", "invitations": "email", "roles": "name", "service_groups": "name",
                "user_groups": "name"}
    dupes = []
    for kind, field in sections.items():
        for obj in state.get(kind) or []:
            if kind == "roles" and not obj.get("custom", True):
                continue
            key = (kind, obj[field].lower() if kind in ("users", "invitations") else obj[field])
            if key in out:
                dupes.append(key)
            out[key] = {k: v for k, v in obj.items() if k not in ("created_at", "updated_at", "last_active_at")}
    return out, dupes


def mutate(doc, iteration):
    users = doc.setdefault("users", [])
    groups = doc.setdefault("user_groups", [])
    logins = [u["login"] for u in users if u.get("role") != "superuser"]
    for u in rng.sample([u for u in users if u.get("role") != "superuser"], 4):
        u["name"] = "Renamed %d.%d" % (iteration, rng.randrange(1000))
    for u in rng.sample([u for u in users if u.get("role") != "superuser"], 3):
        u["role"] = rng.choice(ROLES)
        if u["role"] == "user" and u.get("limit_services"):
            # `user` cannot be service-limited: the grants go first, then limit_services, then the role.
            u["limit_services"] = False
            u.pop("services", None)
    # Service authorizations: two users become service-limited engineers with grants (bulk-revoked later),
    # one limited user's grants change (made, permission changed, revoked).
    for u in rng.sample([u for u in users if u.get("role") != "superuser" and not u.get("limit_services")], 2):
        u["role"] = "engineer"
        u["limit_services"] = True
        u["services"] = {name: rng.choice(PERMISSIONS) for name in rng.sample(SERVICES, 3)}
    limited = [u for u in users if u.get("limit_services") and u.get("services") is not None]
    for u in rng.sample(limited, min(1, len(limited))):
        grants = dict(u["services"])
        for name in rng.sample(sorted(grants), min(1, len(grants))):
            del grants[name]
        for name in rng.sample(SERVICES, 2):
            grants[name] = rng.choice(PERMISSIONS)
        u["services"] = grants
    for g in rng.sample(groups, min(3, len(groups))):
        members = set(g.get("members") or [])
        members -= set(rng.sample(sorted(members), min(2, len(members))))
        members |= set(rng.sample(logins, 2))
        g["members"] = sorted(members)
        g["description"] = "Changed in iteration %d" % iteration
    doc.setdefault("invitations", []).append({"email": "invitee%03d@soak.test" % iteration, "role": "user"})
    if iteration % 5 == 0:
        groups.append({"name": "new-group-%03d" % iteration, "description": "Added", "roles": ["Engineer"],
                       "members": rng.sample(logins, 3)})


def classify(stderr, seen):
    """Counts what the tool did about the faults, from its log: retries, and writes read back."""
    seen["retried"] += len(re.findall(r"; retrying in \d+ ms", stderr))
    # A write whose answer was lost (dropped, or a 5xx) is not resent blindly: apply reads back first.
    seen["read back"] += sum(1 for line in stderr.splitlines()
                             if "looking it up before trying again" in line or "reading the list back" in line)


def main():
    seed_file = os.path.join(work, "seed.json")
    with open(seed_file, "w") as f:
        json.dump(seed(), f)
    emulator = Emulator(seed_file)
    desired = os.path.join(work, "desired.yaml")
    code, out, err = fa(emulator, "export", "--out", desired)
    assert code == 0, err
    with open(desired) as f:
        doc = yaml.safe_load(f)
    seen = collections.Counter()
    injected = collections.Counter()  # (fault, "read"|"write"): as the emulator counted them
    exits = collections.Counter()
    unexpected = []
    totals = collections.Counter()
    failures = []
    started = time.time()
    for i in range(1, ITERATIONS + 1):
        mutate(doc, i)
        with open(desired, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)
        emulator.faults(latency_ms=0, error_rate=0, throttle_rate=0, reset_rate=0, reset_after_commit_rate=0)
        before, _ = keyed(emulator.call("GET", "/_emulator/state"))
        code, plan_text, err = fa(emulator, "plan", "-f", desired, "--format", "json")
        assert code == 0, err
        planned = {(c["kind"], c["key"].lower() if c["kind"] in ("users", "invitations") else c["key"])
                   for c in json.loads(plan_text)["changes"]}
        planned |= {("users", k) for kind, k in planned if kind == "invitations"}
        emulator.call("DELETE", "/_emulator/stats")
        emulator.faults(latency_ms=rng.randrange(0, 51), seed=i, **FAULTS)
        plan_file = os.path.join(work, "plan-%d.json" % i)
        runs = []
        code, _, err = fa(emulator, "plan", "-f", desired, "--out", plan_file)
        classify(err, seen)
        args = ["--plan", plan_file] if code == 0 else []
        for attempt in range(8):
            journal = os.path.join(work, "journal-%d-%d.jsonl" % (i, attempt))
            code, _, err = fa(emulator, "apply", "-f", desired, *args, "--auto-approve", "--journal", journal)
            classify(err, seen)
            runs.append(code)
            exits[code] += 1
            if code not in (0, 3, 5):  # 3: some changes failed; 5: rate limited. Anything else is news.
                unexpected.append("iteration %d run %d: exit %d: %s" % (i, attempt + 1, code, err.strip()[-300:]))
            problems = check_journal(journal) if os.path.exists(journal) else []
            failures += ["iteration %d run %d: %s" % (i, attempt + 1, p) for p in problems]
            if code == 0:
                break
            args = []  # a rerun plans afresh: a saved plan is stale once part of it was applied
        totals["apply runs"] += len(runs)
        totals["iterations needing a rerun"] += len(runs) > 1
        emulator.faults(latency_ms=0, error_rate=0, throttle_rate=0, reset_rate=0, reset_after_commit_rate=0)
        for fault, counts in emulator.call("GET", "/_emulator/stats")["faults"].items():
            for method, count in counts.items():
                injected[fault, method] += count
        if runs[-1] != 0:
            failures.append("iteration %d: apply never succeeded (exit codes %s): %s" % (i, runs, err[-500:]))
        code, out, err = fa(emulator, "plan", "-f", desired, "--detailed-exitcode")
        if code != 0:
            failures.append("iteration %d: live state differs from the files after apply (plan exit %d):\n%s" % (
                i, code, out[-1500:]))
        after, dupes = keyed(emulator.call("GET", "/_emulator/state"))
        if dupes:
            failures.append("iteration %d: duplicate objects %s" % (i, dupes))
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        outside = sorted(k for k in changed if k not in planned)
        if outside:
            failures.append("iteration %d: changed outside the plan: %s" % (i, outside[:10]))
        print("iteration %3d/%d: %3d planned changes, apply runs %s, %s" % (
            i, ITERATIONS, len(planned), runs, "ok" if not failures else "FAILING"), flush=True)
    emulator.process.terminate()
    emulator.process.wait()
    rows = [("500/503 answer", "10%", ("500", "503")),
            ("429 answer", "5%", ("429",)),
            ("connection dropped before the request ran", "2%", ("dropped",)),
            ("connection dropped after the change committed", "2%", ("dropped_after_commit",))]
    survived = "yes" if not failures else "NO"
    print("\n%-48s %5s %9s %9s %9s" % ("fault injected by the emulator", "rate", "on reads", "on writes",
                                       "survived"))
    for name, rate, faults in rows:
        print("%-48s %5s %9d %9d %9s" % (name, rate, sum(injected[f, "read"] for f in faults),
                                        sum(injected[f, "write"] for f in faults), survived))
    print("%-48s %5s %9s %9s %9s" % ("latency", "0-50 ms", "all", "all", survived))
    print("\nThe tool's answers: requests retried: %d; writes whose answer was lost, read back before any resend:"
          " %d; apply exit codes: %s." % (
              seen["retried"], seen["read back"], ", ".join("%d x%d" % kv for kv in sorted(exits.items()))))
    for line in unexpected:
        print("  " + line)
    print("\n%d iterations over %d users in %.0f s; %d apply runs, %d iterations needed a rerun; %s" % (
        ITERATIONS, USERS, time.time() - started, totals["apply runs"], totals["iterations needing a rerun"],
        "every fault survived: converged, no duplicates, nothing outside the plan, journals complete"
        if not failures else "%d FAILURES" % len(failures)))
    for failure in failures:
        print("FAIL " + failure, file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def check_journal(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    events = [l.get("event") for l in lines]
    if not lines:
        return []  # refused before anything was planned (a read failed): nothing to account for
    problems = []
    if events[0] != "apply-start":
        problems.append("journal %s does not start with apply-start" % os.path.basename(path))
    if events[-1] != "apply-end":
        problems.append("journal %s has no apply-end" % os.path.basename(path))
    else:
        end = lines[-1]
        changes = [l for l in lines if l.get("event") == "change"]
        expected = lines[0].get("changes")
        if expected is not None and len(changes) != expected:
            problems.append("journal %s: %d change lines for %d planned changes" % (
                os.path.basename(path), len(changes), expected))
        if not end.get("rate_limited") and end.get("done", 0) + end.get("failed", 0) + end.get("skipped", 0) != len(changes):
            problems.append("journal %s: apply-end counts do not add up" % os.path.basename(path))
    return problems


sys.exit(main())
PYTHON
