"""drift and plan name who made each change they undo: the audit log's latest event about the object
(README "Drift and its authors"), against the real emulator and Fastly's official CLI."""
import json
import os
import subprocess
import time
import unittest

from harness import COMPAT
from test_plan_apply import EXAMPLES, FASTLY_CLI, DemoTest

CUSTOMER = "51MumwLiSJyFTWhtbByYgR"
# Under events_metadata=changes_only the events no longer name their objects: no author may be shown.
NAMED = COMPAT.get("events_metadata", "subjects") == "subjects"
NO_EVENTS_NOTE = ("Fastly records no events for user groups, service groups or roles; who changed them cannot "
                  "be shown")


class AuthorTest(DemoTest):
    def cli(self, token, *args):
        home = os.path.join(self.tmp, "cli-home")
        os.makedirs(home, exist_ok=True)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "FASTLY_API_ENDPOINT": self.emulator.url,
               "FASTLY_ACCOUNT_ENDPOINT": self.emulator.url, "FASTLY_API_TOKEN": token,
               "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost"}
        return subprocess.run([FASTLY_CLI, *args], env=env, capture_output=True, text=True, timeout=60)

    def token_for(self, login, name):
        status, body = self.emulator.request("POST", "/_emulator/tokens", {"user": login, "name": name}, token=None)
        self.assertEqual(status, 200, body)
        return body["secret"]

    def user_id(self, login):
        users = self.emulator.request("GET", "/customer/%s/users" % CUSTOMER)[1]
        return next(u["id"] for u in users if u["login"] == login)

    def jordan(self, document):
        return next(c for c in document["changes"] if c["key"] == "jordan.smith@example.com")

    def test_a_change_made_with_another_users_token_through_the_official_cli_names_that_user(self):
        self.assertEqual(self.apply().code, 0)
        status, body = self.emulator.request("POST", "/user", {"login": "auditor@example.com", "name": "Ada Auditor",
                                                               "role": "superuser"})
        self.assertEqual(status, 200, body)
        secret = self.token_for("auditor@example.com", "laptop")
        self.emulator.request("PUT", "/_emulator/caller_ip", {"ip": "192.0.2.7"}, token=None)
        changed = self.cli(secret, "user", "update", "--id", self.user_id("jordan.smith@example.com"), "--name",
                           "Jordan By Hand")
        self.emulator.request("PUT", "/_emulator/caller_ip", {"ip": None}, token=None)
        self.assertEqual(changed.returncode, 0, changed.stderr)

        drift = self.fa("drift", "-f", EXAMPLES)
        self.assertEqual(drift.code, 2, drift)
        self.assertIn('name: "Jordan By Hand" → "Jordan Smith"', drift.out)
        document = json.loads(self.fa("drift", "-f", EXAMPLES, "--format", "json").out)
        markdown = self.fa("drift", "-f", EXAMPLES, "--format", "markdown").out
        author = self.jordan(document)["author"]
        if not NAMED:
            self.assertIsNone(author)
            self.assertNotIn("by auditor@example.com", drift.out)
            return
        self.assertIn("by auditor@example.com, ", drift.out)
        self.assertIn(", from 192.0.2.7, token 'laptop'\n", drift.out)
        self.assertNotIn("this tool's own token", drift.out)
        self.assertIn("by `auditor@example.com`, ", markdown)
        self.assertIn(", from `192.0.2.7`, token `laptop`\n", markdown)
        self.assertEqual(author["login"], "auditor@example.com")
        self.assertEqual(author["user_id"], self.user_id("auditor@example.com"))
        self.assertEqual(author["ip"], "192.0.2.7")
        self.assertEqual(author["token_name"], "laptop")
        self.assertIs(author["own_token"], False)
        self.assertEqual(author["event_type"], "user.update")
        self.assertNotIn(secret, drift.out + json.dumps(document) + markdown)
        # --since: an event older than the window is not shown (three days on, a window of two).
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3 * 24 * 3600))
        shifted = self.fa("drift", "-f", EXAMPLES, "--now", later, "--since", "2", "--format", "json")
        self.assertIsNone(self.jordan(json.loads(shifted.out))["author"])
        shifted = self.fa("drift", "-f", EXAMPLES, "--now", later, "--since", "4", "--format", "json")
        self.assertEqual(self.jordan(json.loads(shifted.out))["author"]["login"], "auditor@example.com")
        self.assertEqual(self.fa("drift", "-f", EXAMPLES, "--since", "0").code, 1)

    def test_a_log_that_does_not_come_newest_first_and_is_cut_by_the_bound_shows_no_author(self):
        self.assertEqual(self.apply().code, 0)
        jordan, sam = self.user_id("jordan.smith@example.com"), self.user_id("sam.hand@example.com")

        def at(minutes_ago):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - minutes_ago * 60))

        def update(actor, subject, minutes_ago, old, new):
            return {"event_type": "user.update", "user_id": actor, "created_at": at(minutes_ago),
                    "metadata": {"user_id": subject, "name": {"old": old, "new": new}}}

        state = self.emulator.state()
        next(u for u in state["users"] if u["id"] == jordan)["name"] = "Jordan By Hand"
        # An old edit of jordan's, more than the ten pages read of other updates, then the edit that counts.
        state["events"] = (state["events"] + [update("owner@example.com", jordan, 5 * 24 * 60, "A", "B")] +
                           [update("owner@example.com", sam, 4 * 24 * 60 - i, "x", "y") for i in range(1050)] +
                           [update("jordan.smith@example.com", jordan, 10, "B", "Jordan By Hand")])
        self.emulator.set_state(state)

        def drift():
            result = self.fa("drift", "-f", EXAMPLES, "--format", "json")
            self.assertEqual(result.code, 2, result)
            return json.loads(result.out)

        note = ("the audit log did not come newest first and was read 10 pages deep only, so authors from "
                "user.update are not shown")
        document = drift()
        self.assertNotIn(note, document["notes"])
        if NAMED:
            self.assertEqual(self.jordan(document)["author"]["login"], "jordan.smith@example.com")
        # A log that ignores sort=-created_at and answers oldest first: the ten pages read hold the old edit
        # only, so no author rather than the wrong one.
        self.emulator.compat(events_sort="ignored", events_default_sort="created_at")
        document = drift()
        self.assertIsNone(self.jordan(document)["author"])
        self.assertIn(note, document["notes"])
        self.assertIn(note, self.fa("drift", "-f", EXAMPLES).out)
        # Read to its end, any order will do: the latest is picked by its time.
        state["events"] = [e for e in state["events"] if e.get("metadata", {}).get("user_id") != sam]
        self.emulator.set_state(state)
        document = drift()
        self.assertNotIn(note, document["notes"])
        if NAMED:
            self.assertEqual(self.jordan(document)["author"]["login"], "jordan.smith@example.com")

    def test_a_change_this_tool_made_is_marked_as_its_own_token(self):
        self.assertEqual(self.apply().code, 0)
        # The files go back to what the account had: the drift is what apply itself did.
        with open(os.path.join(EXAMPLES, "people.yaml")) as f:
            people = f.read()
        self.assertIn("    role: billing ", people)
        files = os.path.join(self.tmp, "files")
        os.makedirs(files)
        with open(os.path.join(files, "people.yaml"), "w") as f:
            f.write(people.replace("    role: billing ", "    role: user ", 1))
        with open(os.path.join(EXAMPLES, "access.yaml")) as f:
            access = f.read()
        with open(os.path.join(files, "access.yaml"), "w") as f:
            f.write(access)
        result = self.fa("drift", "-f", files, "--format", "json")
        self.assertEqual(result.code, 2, result)
        author = self.jordan(json.loads(result.out))["author"]
        if not NAMED:
            self.assertIsNone(author)
            return
        self.assertIs(author["own_token"], True)
        self.assertEqual(author["login"], "owner@example.com")
        text = self.fa("plan", "-f", files)
        self.assertEqual(text.code, 0, text)
        self.assertIn("with this tool's own token: by owner@example.com, ", text.out)
        markdown = self.fa("plan", "-f", files, "--format", "markdown").out
        self.assertIn("with this tool's own token: by `owner@example.com`, ", markdown)

    def test_a_token_that_cannot_read_the_audit_log_gives_a_note_and_the_usual_exit_code(self):
        secret = self.token_for("sam.hand@example.com", "engineer laptop")
        drift = self.fa("drift", "-f", EXAMPLES, token=secret)
        self.assertEqual(drift.code, 2, drift)
        self.assertIn("events log not readable: ", drift.out)
        self.assertIn("authors not shown", drift.out)
        self.assertIn("403", drift.out)
        plan = self.fa("plan", "-f", EXAMPLES, "--detailed-exitcode", token=secret)
        self.assertEqual(plan.code, 2, plan)
        self.assertIn("events log not readable: ", plan.out)

    def test_group_changes_say_that_fastly_records_no_events_for_them(self):
        plan = self.fa("plan", "-f", EXAMPLES)
        self.assertEqual(plan.code, 0, plan)
        self.assertIn("+ user group 'Release Managers'", plan.out)
        self.assertIn(NO_EVENTS_NOTE, plan.out)
        self.assertIn(NO_EVENTS_NOTE, json.loads(self.fa("plan", "-f", EXAMPLES, "--format", "json").out)["notes"])
        self.assertEqual(self.apply().code, 0)
        drift = self.fa("drift", "-f", EXAMPLES)
        self.assertEqual(drift.code, 0, drift)
        self.assertNotIn(NO_EVENTS_NOTE, drift.out)


if __name__ == "__main__":
    unittest.main()
