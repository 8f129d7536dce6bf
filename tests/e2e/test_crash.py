"""Crash safety (issue 7): SIGKILL `apply` at random moments; the next apply converges, with nothing duplicated.

Each trial resets the emulator to an account of a few hundred users, invitations, roles and groups, makes
every API answer slow (`latency_ms`), starts `apply` on files that differ from it in every way the plan
knows (creates, updates and deletes of every kind, members added and removed), and kills the process with
SIGKILL at a random point of its write phase: once its journal holds a chosen number of changes (one
number in each tenth of the plan, so the kills spread over the stages), plus a random part of one request's
latency. Kill points follow the run's own progress, so a loaded machine does not move them. Then:
- every line of the killed run's journal is a whole JSON object (one write(2) per line: no torn line);
- a second apply on the same journal warns that the previous run did not finish, and exits 0; then
  `plan --detailed-exitcode` exits 0: converged;
- the live state holds no duplicates (two groups, roles or service groups with one name, two invitations for
  one email, two users with one login).
Most trials must really kill the run mid-way, at spread-out points, so the test cannot pass vacuously.
"""
import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
import unittest

import yaml

from harness import BINARY, SUPERUSER_TOKEN, EmulatorTest

RNG_SEED = 20240607     # fixed: a failure reproduces; printed with every failure
TRIALS = 10
MIN_INTERRUPTED = 8     # trials that the SIGKILL must stop with changes left to make
LATENCY_MS = 25         # per API request; with concurrency 8 an apply then takes about 1-3 s
TIMEOUT = 60            # seconds, for any one run of the binary
STAGES = 8              # of a plan (README.md, "The plan")
# The stages these files use: every one but the customer's settings (5 and 8, one change each, which
# e2e_customer_settings covers).
USED_STAGES = [1, 2, 3, 4, 6, 7]
SETTLE_S = 0.2          # after a kill: longer than any request still in flight in the emulator

SERVICES = ["CQNlgP9nJMTnl1eIHjVC7T", "3qmLjHC5b71ck0fjjQqpdQ", "tDHKGnqXRfSJ3YLAgnhoeR",
            "dy9XrH3QTGSo1lQZXIxpn6", "GqWJslOU37ACbH3PGZGiJN", "I2zN9WXV4LgTQNOg0DKtgD"]
OWNER = {"login": "owner@example.com", "name": "Owner", "role": "superuser"}
ROLES = ["user", "engineer", "billing"]
PERMISSIONS = ["purge_all", "purge_select", "read_service_stats", "read_service_logs", "read_service_configuration"]


def user(i):
    return "user%03d@example.com" % i


def invitee(i):
    return "invitee%02d@example.com" % i


def newcomer(i):  # listed under users: without an account, so apply invites them (policy.missing_users)
    return "newcomer%02d@example.com" % i


def fresh(i):  # listed under invitations, not yet invited
    return "fresh%02d@example.com" % i


def seed_account():
    """The account before apply: 240 users, 30 invitations (5 expired), 6 custom roles, 4 service groups and
    25 user groups of 10 members each."""
    invitations = [{"email": invitee(i), "role": "user"} for i in range(30)]
    for expired in invitations[:5]:
        expired["created_at"] = "2020-01-01T00:00:00Z"
    return {
        "customer": {"name": "Crash Test"},
        "users": [OWNER] + [{"login": user(i), "name": "User %d" % i, "role": ROLES[i % 3]} for i in range(240)],
        "services": [{"id": sid, "name": "service-%d" % n} for n, sid in enumerate(SERVICES)],
        "roles": [{"name": "Role %d" % i, "description": "Role %d" % i, "permissions": PERMISSIONS[i % 4:i % 4 + 2]}
                  for i in range(6)],
        "service_groups": [{"name": "sg-%d" % i, "services": SERVICES[i:i + 2]} for i in range(4)],
        "invitations": invitations,
        "user_groups": [{"name": "team-%02d" % g, "description": "Team %d" % g, "roles": ["engineer"],
                         "service_groups": ["sg-%d" % (g % 4)], "members": [user(g * 9 + k) for k in range(10)]}
                        for g in range(25)],
    }


def desired_files():
    """The files, 234 changes in six of the eight stages (all but the customer's) away from seed_account():
    users: 40 deleted, 40 renamed, 29 given another role, 30 newcomers invited;
    invitations: 10 withdrawn, 5 expired ones sent again, 20 created;
    roles: 2 deleted, 2 changed (description, permissions), 3 created;
    service groups: 1 deleted, 1 changed, 2 created;
    user groups: 5 deleted, 20 changed (members added and removed, roles, service groups, descriptions) and
    10 created with members, among them people this apply invites, so stage 3 needs what stage 2 made."""
    users = [OWNER]
    for i in range(200):
        users.append({"login": user(i), "name": "User %d%s" % (i, " (renamed)" if i % 5 == 0 else ""),
                      "role": ROLES[(i + (i % 7 == 0)) % 3]})
    users += [{"login": newcomer(i), "role": "engineer"} for i in range(30)]
    invitations = [{"email": invitee(i), "role": "user"} for i in range(20)]
    invitations += [{"email": fresh(i), "role": "engineer"} for i in range(20)]
    roles = [{"name": "Role %d" % i, "description": "Role %d%s" % (i, " v2" if i == 1 else ""),
              "permissions": PERMISSIONS[i % 4:i % 4 + (3 if i == 2 else 2)]} for i in range(4)]
    roles += [{"name": "New Role %d" % i, "description": "made by apply", "permissions": PERMISSIONS[i:i + 2]}
              for i in range(3)]
    service_groups = [{"name": "sg-%d" % i, "services": SERVICES[i:i + (3 if i == 1 else 2)]} for i in range(3)]
    service_groups += [{"name": "sg-new-%d" % i, "services": SERVICES[i + 3:i + 5]} for i in range(2)]
    teams = [{"name": "team-%02d" % g, "description": "Team %d%s" % (g, " (new charter)" * (g % 2)),
              "roles": ["Engineer", "New Role %d" % (g % 3)] if g % 2 else ["Engineer"],
              "service_groups": ["sg-%d" % (g % 3), "sg-new-%d" % (g % 2)],
              "members": [user(g * 9 + k) for k in range(2, 10)] + [newcomer(g), user(190 - g)]}
             for g in range(20)]
    squads = [{"name": "squad-%d" % s, "description": "Squad %d" % s,
               "roles": ["New Role %d" % (s % 3), "Role %d" % (s % 4)], "service_groups": ["sg-new-0"],
               "members": [user(s * 15 + k) for k in range(8)] + [newcomer(20 + s), fresh(s)]}
              for s in range(10)]
    return {"version": 1, "policy": {"prune": True, "max_deletions": 1000, "max_removals": 100000}, "users": users,
            "invitations": invitations, "roles": roles, "service_groups": service_groups,
            "user_groups": teams + squads}


def read_journal(path):
    """The journal's entries; raises AssertionError naming the first torn or non-object line."""
    with open(path, "rb") as f:
        data = f.read()
    assert not data or data.endswith(b"\n"), "the journal ends in a torn line: %r" % data[-200:]
    entries = []
    for number, line in enumerate(data.splitlines(), 1):
        try:
            entry = json.loads(line)
        except ValueError as error:
            raise AssertionError("journal line %d is not JSON (%s): %r" % (number, error, line[:200]))
        assert isinstance(entry, dict), "journal line %d is not an object: %r" % (number, line[:200])
        entries.append(entry)
    return entries


def duplicates(state):
    """{what: [keys held by more than one live object]} for every kind keyed by name, email or login."""
    keys = {"user groups": [g["name"] for g in state.get("user_groups", [])],
            "service groups": [g["name"] for g in state.get("service_groups", [])],
            "custom roles": [r["name"] for r in state.get("roles", []) if r.get("custom")],
            "invitations": [i["email"].lower() for i in state.get("invitations", [])],
            "users": [u["login"].lower() for u in state.get("users", [])]}
    found = {}
    for what, names in keys.items():
        repeated = sorted(k for k, n in collections.Counter(names).items() if n > 1)
        if repeated:
            found[what] = repeated
    return found


def wait_for_journal(process, path, changes):
    """Returns once the journal at `path` records `changes` changes (after apply-start), or the process has
    exited, or TIMEOUT has passed."""
    deadline = time.monotonic() + TIMEOUT
    while process.poll() is None and time.monotonic() < deadline:
        with open(path, "rb") as f:
            text = f.read()
        if b'"apply-start"' in text and text.count(b'"event":"change"') >= changes:
            return
        time.sleep(0.002)


def stop(process):
    if process.poll() is None:
        process.kill()
        process.wait()


def last_lines(text, count=40):
    return "\n".join(text.splitlines()[-count:])


def tail(path):
    with open(path, errors="replace") as f:
        return last_lines(f.read())


def brief(result):
    """A harness.Result for a failure message, without the hundreds of lines a plan may print."""
    return "exit %d\n--- stdout (end)\n%s\n--- stderr (end)\n%s" % (result.code, last_lines(result.out),
                                                                   last_lines(result.err))


class Trial:
    """One killed apply: when it was killed, whether it was still running, and how far its journal got."""

    def __init__(self, number, target, jitter, returncode, entries, stage_sizes, paths):
        self.number = number
        self.target = target
        self.jitter = jitter
        self.returncode = returncode
        self.killed = returncode == -signal.SIGKILL
        self.started = any(e.get("event") == "apply-start" for e in entries)
        self.changes = [e for e in entries if e.get("event") == "change"]
        self.stage = self.running_stage(stage_sizes)
        self.interrupted = self.killed and self.stage <= STAGES  # still reading, or changes left to make
        self.journal_path = paths["journal"]
        self.stderr_path = paths["err"]

    def running_stage(self, stage_sizes):
        """The stage under way at the kill: the first with changes not journalled (stages run one after the
        other); 0 before apply started writing, STAGES + 1 after its last change."""
        if not self.started:
            return 0
        journalled = collections.Counter(c["stage"] for c in self.changes)
        return next((s for s in sorted(stage_sizes) if journalled[s] < stage_sizes[s]), STAGES + 1)

    def __str__(self):
        how = "killed " + self.where() if self.killed else "exited %s before the kill" % self.returncode
        return "trial %d (seed %d): kill %.0f ms after change %d, %s, %d changes journalled" % (
            self.number, RNG_SEED, self.jitter * 1000, self.target, how, len(self.changes))

    def where(self):
        if self.stage == 0:
            return "before apply-start"
        return "after the last change" if self.stage > STAGES else "in stage %d" % self.stage


class CrashTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.files = self.write("account.yaml", yaml.safe_dump(desired_files(), sort_keys=False))

    def apply_args(self, journal):
        return ["apply", "-f", self.files, "--auto-approve", "--journal", journal]

    def reset(self, latency_ms):
        self.emulator.set_state(seed_account())
        self.emulator.faults(latency_ms=latency_ms)

    def start_apply(self, name):
        """Starts `apply` like harness.run does, but in the background; its output goes to files, as a pipe
        nobody reads would stall a run that prints a plan of hundreds of changes."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FASTLY_")}
        env.update(NO_COLOR="1", FASTLY_API_TOKEN=SUPERUSER_TOKEN)
        paths = {stream: os.path.join(self.tmp, "%s.%s" % (name, stream)) for stream in ("journal", "out", "err")}
        open(paths["journal"], "w").close()  # empty until apply writes apply-start
        with open(paths["out"], "w") as out, open(paths["err"], "w") as err:
            process = subprocess.Popen([BINARY, "--endpoint", self.emulator.url] + self.apply_args(paths["journal"]),
                                       stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        self.addCleanup(stop, process)
        return process, paths

    def calibrate(self):
        """Runs one whole apply; returns {stage: number of changes} from its journal."""
        self.reset(LATENCY_MS)
        process, paths = self.start_apply("calibration")
        code = process.wait(timeout=TIMEOUT)
        self.assertEqual(code, 0, tail(paths["err"]))
        stage_sizes = collections.Counter(e["stage"] for e in read_journal(paths["journal"]) if e["event"] == "change")
        self.assertGreater(sum(stage_sizes.values()), 200, "the plan is smaller than this test needs")
        self.assertEqual(sorted(stage_sizes), USED_STAGES, "the plan does not use every stage it should")
        return stage_sizes

    def kill_trial(self, number, target, jitter, stage_sizes):
        self.reset(LATENCY_MS)
        process, paths = self.start_apply("trial%d" % number)
        wait_for_journal(process, paths["journal"], target)
        time.sleep(jitter)
        process.send_signal(signal.SIGKILL)  # a no-op if it already exited (it is not reaped until wait)
        returncode = process.wait(timeout=TIMEOUT)
        try:
            entries = read_journal(paths["journal"])
        except AssertionError as error:
            self.fail("trial %d (seed %d), kill after change %d: %s" % (number, RNG_SEED, target, error))
        return Trial(number, target, jitter, returncode, entries, stage_sizes, paths)

    def assert_recovers(self, trial):
        context = "%s\n--- stderr of the killed run (end)\n%s" % (trial, tail(trial.stderr_path))
        time.sleep(SETTLE_S)  # requests the killed run had in flight land now, as they would before a rerun
        self.emulator.faults(latency_ms=0)
        # The rerun appends to the same journal, as a CI job with a fixed --journal path would.
        second = self.fa(*self.apply_args(trial.journal_path), timeout=TIMEOUT)
        self.assertEqual(second.code, 0, "the apply after the kill failed; %s\n--- second apply: %s"
                         % (context, brief(second)))
        if trial.killed and trial.started:
            self.assertIn("ends without an apply-end line", second.err,
                          "the rerun did not say that the killed apply never finished; %s" % context)
        plan = self.fa("plan", "-f", self.files, "--detailed-exitcode", timeout=TIMEOUT)
        self.assertEqual(plan.code, 0, "not converged after the second apply; %s\n--- plan: %s"
                         % (context, brief(plan)))
        self.assertEqual(duplicates(self.emulator.state()), {}, "duplicates in the live state; %s" % context)

    def test_sigkill_at_random_points_then_apply_converges(self):
        stage_sizes = self.calibrate()
        total = sum(stage_sizes.values())
        rng = random.Random(RNG_SEED)
        trials = []
        for number in range(1, TRIALS + 1):
            # One kill point in each tenth of the plan's changes, at a random place in it, then up to one
            # request's latency more, so a kill lands inside requests as well as between them.
            target = int((number - 1 + rng.random()) / TRIALS * total)
            jitter = rng.random() * LATENCY_MS / 1000
            trial = self.kill_trial(number, target, jitter, stage_sizes)
            print(trial, file=sys.stderr)
            self.assert_recovers(trial)
            trials.append(trial)

        interrupted = [t for t in trials if t.interrupted]
        summary = "the plan's changes by stage: %s\n%s" % (dict(sorted(stage_sizes.items())),
                                                           "\n".join(map(str, trials)))
        self.assertGreaterEqual(len(interrupted), MIN_INTERRUPTED, "too few trials were killed mid-run:\n" + summary)
        self.assertGreaterEqual(len({len(t.changes) for t in interrupted}), MIN_INTERRUPTED - 2,
                                "the kills fell at too few distinct points:\n" + summary)
        self.assertGreaterEqual(len({t.stage for t in interrupted}), 3, "the kills hit too few stages:\n" + summary)


if __name__ == "__main__":
    unittest.main()
