"""The API's rate limit during apply (issue 12, item 1): the real binary against fastly-emulator.

A short throttle (429 with Retry-After: 1, the emulator's throttle fault) is waited out; only a spent hourly
budget (429 with Fastly-RateLimit-Remaining: 0, the emulator's --rate-limit) stops the run with exit 5;
one request is sent at most 4 times; and a plan says the limit it assumes until the API states one.
"""
import json
import os
import time

from harness import Emulator, EmulatorTest, account

SEED = account(("jordan@example.com", "Jordan", "user"), ("sam@example.com", "Sam", "engineer"))

# Two user updates: two PUT /user/{id}, nothing else.
TWO_RENAMES = """version: 1
users:
  - login: jordan@example.com
    name: Jordan Renamed
  - login: sam@example.com
    name: Sam Renamed
"""


class RateLimitTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state(SEED)
        self.files = self.write("access/people.yaml", TWO_RENAMES)

    def restart(self, *args):
        self.emulator.stop()
        self.emulator = Emulator(*args)
        self.addCleanup(self.emulator.stop)
        self.emulator.set_state(SEED)

    def apply(self, *args):
        return self.fa("--concurrency", "1", "apply", "-f", self.files, "--auto-approve",
                       "--journal", os.path.join(self.tmp, "journal.jsonl"), *args)

    def names(self):
        return sorted(u["name"] for u in self.emulator.state()["users"])

    def puts(self):
        return self.emulator.stats()["requests"].get("PUT /user/{user_id}", 0)

    def test_short_throttles_are_waited_out_and_apply_exits_0(self):
        # Every third write answered 429 Retry-After: 1. Before, the first one stopped the run with exit 5.
        self.emulator.faults(throttle_rate=0.34, writes_only=True, seed=1)
        result = self.apply()
        self.assertEqual(result.code, 0, result)
        faults = self.emulator.stats()["faults"]
        self.assertGreater(faults.get("429", {}).get("write", 0), 0, faults)
        self.assertEqual(self.names(), ["Jordan Renamed", "Owner", "Sam Renamed"])
        self.assertNotIn("rate limit", result.err)

    def test_one_put_is_sent_at_most_four_times(self):
        # Every write throttled: each PUT is sent 4 times (never 12 as when two layers retried), then fails
        # as a change (exit 3): a throttle, however long it lasts, is not the hourly budget (exit 5).
        self.emulator.faults(throttle_rate=1, writes_only=True)
        result = self.apply("--max-wait", "5")
        self.assertEqual(result.code, 3, result)
        self.assertEqual(self.puts(), 8)  # two changes, 4 sends each
        self.assertIn("429 Too Many Requests: Too Many Requests (injected throttle) (after 4 attempts)", result.err)
        self.assertEqual(self.names(), ["Jordan", "Owner", "Sam"])
        self.emulator.faults(throttle_rate=0)
        self.assertEqual(self.apply().code, 0)

    def test_a_spent_budget_stops_with_exit_5_and_the_reset_time_without_resending(self):
        self.restart("--rate-limit", "1")
        clock = self.emulator.request("GET", "/_emulator/clock", token=None)[1]
        reset = clock["epoch"] - clock["epoch"] % 3600 + 3600
        result = self.apply()
        self.assertEqual(result.code, 5, result)
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(reset))
        self.assertIn("stopped by the API's hourly write limit, which resets at %s" % when, result.err)
        self.assertEqual(self.puts(), 2)  # one done, one refused with Remaining: 0, not sent again
        self.assertEqual(self.names(), ["Jordan Renamed", "Owner", "Sam"])

    def test_a_replacement_the_budget_stops_midway_is_reported_half_done(self):
        # Carol's pending invitation departs from the files: DELETE, then POST, then back into SRE. A budget of
        # one write lets the DELETE through and refuses the POST.
        self.restart("--rate-limit", "1")
        state = self.emulator.state()
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
        state["invitations"] = [{"email": "carol@example.com", "role": "engineer", "created_at": created}]
        state["user_groups"] = [{"name": "SRE", "members": [{"invitation": "carol@example.com"}]}]
        self.emulator.set_state(state)
        files = self.write("replace/people.yaml", "version: 1\ninvitations:\n  - email: carol@example.com\n"
                                                  "    role: user\n")
        result = self.fa("--concurrency", "1", "apply", "-f", files, "--auto-approve",
                         "--journal", os.path.join(self.tmp, "journal.jsonl"))
        self.assertEqual(result.code, 5, result)
        self.assertEqual(self.emulator.state()["invitations"], [])  # deleted, not yet sent again
        self.assertIn("stopped midway by the API rate limit, after 1 write (DELETE /invitations/", result.err)
        self.assertIn("its place in user groups SRE", result.err)
        self.assertNotIn("not attempted", result.err)
        with open(os.path.join(self.tmp, "journal.jsonl")) as f:
            change = next(e for e in map(json.loads, f) if e.get("event") == "change")
        self.assertEqual(change["result"], "failed")
        self.assertEqual([(s["method"], s["status"]) for s in change["sent"]], [("DELETE", 204), ("POST", 429)])

    def test_a_reset_within_max_wait_is_waited_for(self):
        self.restart("--rate-limit", "1")
        # Three seconds before the top of the hour on the emulator's clock: the refused PUT is told to retry
        # after the reset, 3 s away, which --max-wait 30 covers.
        clock = self.emulator.request("GET", "/_emulator/clock", token=None)[1]
        self.emulator.request("POST", "/_emulator/clock", {"advance_seconds": 3597 - clock["epoch"] % 3600 + 3600},
                              token=None)
        result = self.apply("--max-wait", "30")
        self.assertEqual(result.code, 0, result)
        self.assertEqual(self.puts(), 3)  # the second PUT: refused, then sent again after the reset
        self.assertEqual(self.names(), ["Jordan Renamed", "Owner", "Sam Renamed"])

    def test_the_plan_says_the_limit_it_assumes(self):
        result = self.fa("plan", "-f", self.files)
        self.assertEqual(result.code, 0, result)
        # Fastly states an account's figure only in answers to writes, and plan sends none.
        self.assertIn("2 write requests (of 1000 per hour assumed, Fastly's default)", result.out)
