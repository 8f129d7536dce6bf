"""Plan and apply safety (issue 12): a saved plan is applied as written or not at all; one apply at a time
per journal; SIGINT/SIGTERM stop apply cleanly, with a journal end line and the summary.

The real binary against the real emulator on port 0, an account of our own: the owner and 40 users.
"""
import json
import os
import signal
import subprocess
import time
import unittest

from harness import BINARY, SUPERUSER_TOKEN, EmulatorTest

USERS = 40
TIMEOUT = 60        # seconds, for any one run of the binary
LATENCY_MS = 100    # per request, for the runs that must still be going when the test acts on them
CUSTOMER = "SafetyCustomer00001"


def login(i):
    return "user%02d@example.com" % i


def seed():
    return {"customer": {"id": CUSTOMER, "name": "Safety Co", "owner": "owner@example.com"},
            "users": [{"login": "owner@example.com", "name": "Owner", "role": "superuser"}] +
                     [{"login": login(i), "name": "User %d" % i, "role": "engineer"} for i in range(USERS)]}


def people(renamed=USERS, extra=""):
    """The files: every user an engineer; the first `renamed` of them get a new name."""
    lines = ["version: 1", "users:", "  - login: owner@example.com"]
    for i in range(USERS):
        lines += ["  - login: %s" % login(i), "    name: %s" % ("Renamed %d" % i if i < renamed else "User %d" % i),
                  "    role: engineer"]
    return "\n".join(lines) + "\n" + extra


def read(path):
    with open(path) as f:
        return f.read()


def read_journal(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def wait_for(predicate, process, what):
    """Polls `predicate` until it holds; fails when `process` exits first or TIMEOUT passes."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            raise AssertionError("apply exited (%s) before %s" % (process.returncode, what))
        time.sleep(0.01)
    raise AssertionError("timed out waiting until " + what)


def journal_changes(path):
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        return -1
    return text.count('"event":"change"') if '"apply-start"' in text else -1


class SafetyTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state(seed())
        self.files = os.path.join(self.tmp, "files")
        self.people = self.write("files/people.yaml", people())
        self.journal = os.path.join(self.tmp, "journal.jsonl")
        self.saved = os.path.join(self.tmp, "plan.json")

    def apply(self, *args, **kwargs):
        return self.fa("apply", "-f", self.files, "--auto-approve", "--journal", self.journal, *args, **kwargs)

    def user(self, i):
        users = self.emulator.request("GET", "/customer/%s/users" % CUSTOMER)[1]
        return next(u for u in users if u["login"] == login(i))

    def writes(self):
        return sum(n for route, n in self.emulator.stats()["requests"].items() if not route.startswith("GET "))

    def start_apply(self, name, *args):
        """Starts apply in the background, its output to files; returns (process, paths)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FASTLY_")}
        env.update(NO_COLOR="1", FASTLY_API_TOKEN=SUPERUSER_TOKEN)
        paths = {stream: os.path.join(self.tmp, "%s.%s" % (name, stream)) for stream in ("out", "err")}
        with open(paths["out"], "w") as out, open(paths["err"], "w") as err:
            process = subprocess.Popen([BINARY, "--endpoint", self.emulator.url, *args, "apply", "-f", self.files,
                                        "--auto-approve", "--journal", self.journal],
                                       stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        self.addCleanup(lambda: process.poll() is None and (process.kill(), process.wait()))
        return process, paths

    def assert_converged(self):
        result = self.fa("plan", "-f", self.files, "--detailed-exitcode")
        self.assertEqual(result.code, 0, result)

    def plan_out(self):
        result = self.fa("plan", "-f", self.files, "--out", self.saved)
        self.assertEqual(result.code, 0, result)
        with open(self.saved) as f:
            return json.load(f)

    def assert_refused_and_nothing_changed(self, before, *expected):
        self.emulator.request("DELETE", "/_emulator/stats", token=None)
        result = self.apply("--plan", self.saved)
        self.assertEqual(result.code, 4, result)
        self.assertIn("fastly-accounts: refusing the saved plan %s: " % self.saved, result.err)
        self.assertIn("nothing was changed", result.err)
        for text in expected:
            self.assertIn(text, result.err)
        self.assertEqual(self.emulator.state(), before)
        self.assertEqual(self.writes(), 0, self.emulator.stats())
        return result


class SavedPlanTest(SafetyTest):
    def setUp(self):
        super().setUp()
        self.people = self.write("files/people.yaml", people(renamed=1))  # one user renamed: one change

    def test_an_unchanged_saved_plan_is_applied(self):
        document = self.plan_out()
        self.assertEqual(document["version"], 3)
        self.assertEqual(document["files"][0]["path"], self.people)
        self.assertTrue(document["digest"].startswith("sha256:"))
        result = self.apply("--plan", self.saved)
        self.assertEqual(result.code, 0, result)
        self.assertEqual(self.user(0)["name"], "Renamed 0")
        self.assert_converged()

    def test_a_plan_edited_by_hand_is_refused_as_edited(self):
        document = self.plan_out()
        bob = self.user(0)
        edits = {
            "role: superuser added to a change": lambda d: d["plan"]["changes"][0]["fields"].append(
                {"field": "role", "from": "engineer", "to": "superuser"}),
            "a user deletion added": lambda d: d["plan"]["changes"].append(
                {"stage": 6, "action": "delete", "kind": "users", "key": login(1), "id": self.user(1)["id"],
                 "fields": [], "lists": [], "requests": [{"method": "DELETE", "path": "/user/" + self.user(1)["id"]}],
                 "note": "", "expect": {"exists": True, "id": self.user(1)["id"]}}),
        }
        before = self.emulator.state()
        for name, edit in edits.items():
            with self.subTest(edit=name):
                edited = json.loads(json.dumps(document))
                edit(edited)
                with open(self.saved, "w") as f:
                    json.dump(edited, f, indent=2)
                self.assert_refused_and_nothing_changed(
                    before, "its digest does not match its content: it was edited after `plan --out` wrote it")
        self.assertEqual(self.user(0)["role"], bob["role"])

    def test_a_file_changed_added_or_removed_after_the_plan_is_named(self):
        self.plan_out()
        before = self.emulator.state()
        with open(self.people, "a") as f:
            f.write("# an edit after the review\n")
        self.assert_refused_and_nothing_changed(before, "the files are not those it was made from",
                                                "  - %s changed since the plan was made" % self.people)
        self.plan_out()
        extra = self.write("files/more.yaml", "version: 1\n")
        self.assert_refused_and_nothing_changed(before, "  - %s is new: the plan was made without it" % extra)

    def test_a_change_made_by_hand_after_the_plan_is_named_with_how_it_differs(self):
        self.plan_out()  # renames user00; its role, engineer as the files say, is not part of the plan
        status, _ = self.emulator.request("PUT", "/user/%s" % self.user(0)["id"], "role=superuser",
                                          content_type="application/x-www-form-urlencoded")
        self.assertEqual(status, 200)
        before = self.emulator.state()
        self.assert_refused_and_nothing_changed(
            before, "made again from the files and today's account, the plan is not the same",
            "  - update user '%s': role is \"superuser\" now, the plan expected \"engineer\"" % login(0))
        self.assertEqual(self.user(0)["role"], "superuser")
        # A fresh plan shows the demotion; applied as saved, the account converges.
        self.plan_out()
        self.assertEqual(self.apply("--plan", self.saved).code, 0)
        self.assertEqual(self.user(0)["role"], "engineer")
        self.assert_converged()

    def test_an_object_the_plan_did_not_show_is_named(self):
        self.plan_out()
        self.emulator.request("PUT", "/user/%s" % self.user(5)["id"], "name=ByHand",
                              content_type="application/x-www-form-urlencoded")
        self.assert_refused_and_nothing_changed(
            self.emulator.state(),
            "  - a change the plan did not show: update user '%s' (name: \"ByHand\" → \"User 5\")" % login(5))

    def test_a_plan_file_of_version_1_gets_a_clear_message(self):
        document = self.plan_out()
        document["version"] = 1
        with open(self.saved, "w") as f:
            json.dump(document, f)
        result = self.apply("--plan", self.saved)
        self.assertEqual(result.code, 1, result)
        self.assertIn("the plan file is version 1; this fastly-accounts reads version 3 only", result.err)
        self.assertIn("make the plan again with `fastly-accounts plan --out`", result.err)


class ConcurrencyAndSignalTest(SafetyTest):
    def test_a_second_apply_on_the_same_journal_refuses_while_the_first_runs(self):
        self.emulator.faults(latency_ms=LATENCY_MS)
        first, first_paths = self.start_apply("first", "--concurrency", "2")
        wait_for(lambda: journal_changes(self.journal) >= 1, first, "the first apply is making changes")
        second = self.apply()
        self.assertEqual(second.code, 1, second)
        self.assertIn("another apply is running on the journal '%s' (pid %d on host " % (self.journal, first.pid),
                      second.err)
        self.assertEqual(second.out, "", "the second apply read the account and planned: %r" % second)
        self.assertNotIn("did not finish", second.err)
        self.assertEqual(first.wait(timeout=TIMEOUT), 0, read(first_paths["err"]))
        # The lock went with the first apply: the next one runs, finds nothing to do, and warns of nothing.
        self.emulator.faults(latency_ms=0)
        third = self.apply()
        self.assertEqual(third.code, 0, third)
        self.assertIn("No changes", third.out)
        self.assertNotIn("did not finish", third.err)
        self.assert_converged()

    def test_sigint_or_sigterm_stops_cleanly_and_the_next_apply_converges(self):
        for number in (signal.SIGTERM, signal.SIGINT):
            name = signal.Signals(number).name
            with self.subTest(signal=name):
                self.emulator.set_state(seed())
                if os.path.exists(self.journal):
                    os.remove(self.journal)
                self.emulator.faults(latency_ms=LATENCY_MS)
                process, paths = self.start_apply(name, "--concurrency", "2")
                wait_for(lambda: journal_changes(self.journal) >= 3, process, "apply has made 3 changes")
                process.send_signal(number)
                code = process.wait(timeout=TIMEOUT)
                err = read(paths["err"])
                self.assertEqual(code, 3, err)
                entries = read_journal(self.journal)
                end = entries[-1]
                self.assertEqual(end["event"], "apply-end", entries[-3:])
                self.assertIs(end["interrupted"], True)
                self.assertEqual(end["signal"], name)
                changes = [e for e in entries if e["event"] == "change"]
                self.assertEqual(len(changes), USERS)  # every change has its line: done, or skipped
                skipped = [c for c in changes if c["result"] == "skipped"]
                self.assertGreater(len(skipped), 0)
                self.assertEqual({c["error"] for c in skipped}, {"not attempted: apply was interrupted"})
                self.assertEqual((end["done"], end["skipped"]), (USERS - len(skipped), len(skipped)))
                self.assertIn("Apply: %d done, 0 failed, %d skipped." % (end["done"], end["skipped"]), err)
                self.assertIn("interrupted by %s" % name, err)
                renamed = sum(1 for i in range(USERS) if self.user(i)["name"].startswith("Renamed"))
                self.assertEqual(renamed, end["done"])  # nothing started after the signal went unrecorded

                self.emulator.faults(latency_ms=0)
                again = self.apply()
                self.assertEqual(again.code, 0, again)
                self.assertNotIn("did not finish", again.err)  # the interrupted run wrote its apply-end
                self.assertIn("Apply: %d done, 0 failed, 0 skipped." % len(skipped), again.err)
                self.assert_converged()

    def test_a_second_signal_stops_at_once_and_the_next_apply_converges(self):
        self.emulator.faults(latency_ms=LATENCY_MS)
        process, paths = self.start_apply("twice", "--concurrency", "1")
        wait_for(lambda: journal_changes(self.journal) >= 1, process, "apply has made a change")
        # From the next change on each request takes seconds: the signals come while one is in flight.
        self.emulator.faults(latency_ms=3000)
        wait_for(lambda: journal_changes(self.journal) >= 2, process, "apply has made two changes")
        process.send_signal(signal.SIGTERM)
        # Two signals sent at once may reach the process as one: the second goes once the first is taken.
        wait_for(lambda: "no new change starts" in read(paths["err"]), process, "apply has taken the first signal")
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=TIMEOUT)
        err = read(paths["err"])
        self.assertEqual(code, 128 + signal.SIGTERM, err)
        self.assertIn("a second signal: stopping at once", err)
        self.assertNotEqual(read_journal(self.journal)[-1]["event"], "apply-end")
        self.emulator.faults(latency_ms=0)
        again = self.apply()
        self.assertEqual(again.code, 0, again)
        self.assertIn("ends without an apply-end line", again.err)
        self.assert_converged()


if __name__ == "__main__":
    unittest.main()
