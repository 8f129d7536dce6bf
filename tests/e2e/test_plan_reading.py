"""What a reviewer and an operator read (issue 20): the real binary against the real emulator.

- the golden plan and drift renderings (tests/golden/every-change-*) are what the binary prints for
  tests/golden/every-change/, and the README's example plan is what it prints for examples/demo;
- plan-time reference errors carry FILE:LINE:COL and a "did you mean"; one problem is one line whatever
  the values hold; a glob that cannot match is an error naming it; problems are counted in the files they
  span;
- expired invitations are named in plan, drift and export;
- drift's metrics file says whether the last check succeeded and keeps the time of the last one that did;
- apply's question names the customer and counts in words.
"""
import json
import os
import pty
import re
import shutil
import subprocess
import unittest

from harness import BINARY, REPO, EmulatorTest, account

GOLDEN = os.path.join(REPO, "tests", "golden")
EVERY_CHANGE = os.path.join(GOLDEN, "every-change")
EXAMPLES = os.path.join(REPO, "examples", "demo")
DEMO_SEED = os.path.join(REPO, "examples", "demo-seed.json")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def golden(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as f:
        return f.read()


class GoldenPlanTest(EmulatorTest):
    """The golden files of every change kind are the binary's own output, in each rendering."""

    emulator_args = ("--seed", os.path.join(EVERY_CHANGE, "seed.json"))

    def test_the_golden_renderings_are_what_the_binary_prints(self):
        files = os.path.join(EVERY_CHANGE, "access.yaml")
        for command, code in (("plan", 0), ("drift", 2)):
            for fmt, extension in (("text", "txt"), ("markdown", "md"), ("json", "json")):
                with self.subTest(command=command, format=fmt):
                    result = self.fa(command, "-f", files, "--format", fmt)
                    self.assertEqual(result.code, code, result)
                    self.assertEqual(result.out, golden("every-change-%s.%s" % (command, extension)))
        # What the golden plan holds: every action of every kind, and the marks a reviewer must see.
        plan = json.loads(golden("every-change-plan.json"))
        done = {(c["kind"], c["action"]) for c in plan["changes"]}
        self.assertEqual(sorted(c["stage"] for c in plan["changes"] if c["kind"] == "customer"), [5, 8])
        for kind in ("users", "invitations", "roles", "service_groups", "user_groups"):
            for action in ("create", "delete") + (("replace",) if kind == "invitations" else ("update",)):
                self.assertIn((kind, action), done)
        lists = {entry["field"] for c in plan["changes"] for entry in c["lists"]}
        self.assertTrue({"held_by", "members", "permissions", "services", "user_groups", "service_authorizations",
                         "tokens"} <= lists, lists)
        self.assertTrue(any("expired invitation" in note for note in plan["notes"]))
        self.assertEqual(sum(1 for c in plan["changes"] if c["sensitive"]), 8)

    def test_the_readme_plan_is_what_the_binary_prints(self):
        with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        match = re.search(r"\$ fastly-accounts plan -f examples/demo/\n(.*?)```", readme, re.S)
        self.assertIsNotNone(match, "README.md has no example plan of examples/demo")
        with open(DEMO_SEED) as f:
            self.emulator.set_state(json.load(f))
        result = self.fa("plan", "-f", EXAMPLES + "/", cwd=REPO)
        self.assertEqual(result.code, 0, result)
        self.assertEqual(match.group(1), result.out)


class PlanTimeErrorsTest(EmulatorTest):
    """Names the account lacks (issue 20 item 6): each at its place, with what was probably meant."""

    def test_each_name_the_account_lacks_has_its_place_and_a_hint(self):
        service = next(s["id"] for s in self.emulator.state()["services"] if s["name"] == "www.example.com")
        self.emulator.add_custom_role("Purge Operator", "Purges", ["purge_all"])
        roles = self.write("roles.yaml", "version: 1\nroles:\n  - name: Mover\n    permissions: [PURGE_ALL, purge_al]\n")
        # An ignored role may be named without a definition: only the account can say it does not exist.
        groups = self.write("groups.yaml", "version: 1\nignore:\n  roles: ['[Pp]urge*']\nservice_groups:\n"
                                           "  - name: prod\n    services: [%s]\nuser_groups:\n  - name: SRE\n"
                                           "    roles: [purge operator]\n" % service.lower())
        result = self.fa("plan", "-f", roles, "-f", groups)
        self.assertEqual(result.code, 1, result)
        self.assertEqual(result.out, "")
        lines = result.err.splitlines()
        self.assertEqual(lines[0], "fastly-accounts: the files name things the account does not have:")
        self.assertEqual(lines[1:], [
            "  - %s:3:5: role 'Mover': permission 'PURGE_ALL' does not exist (see GET /permissions); did you mean "
            "'purge_all'?" % roles,
            "  - %s:3:5: role 'Mover': permission 'purge_al' does not exist (see GET /permissions); did you mean "
            "'purge_all'?" % roles,
            "  - %s:5:5: service group 'prod': service '%s' does not exist in the account; did you mean '%s'?"
            % (groups, service.lower(), service),
            "  - %s:8:5: user group 'SRE': role 'purge operator' does not exist in the account; did you mean "
            "'Purge Operator'?" % groups,
        ])
        document = json.loads(self.fa("plan", "-f", roles, "-f", groups, "--format", "json").out)
        problems = document["error"]["problems"]
        self.assertEqual([(p["file"], p["line"], p["column"]) for p in problems],
                         [(roles, 3, 5), (roles, 3, 5), (groups, 5, 5), (groups, 8, 5)])
        self.assertIn("did you mean 'purge_all'?", problems[0]["message"])


class OneProblemOneLineTest(EmulatorTest):
    """A newline or control character in a value, a file name or the account never starts a new line."""

    def assert_one_line_each(self, text, lines):
        self.assertEqual(text.count("\n"), lines, text)
        self.assertIsNone(CONTROL.search(text), repr(text))

    def test_validate(self):
        files = self.write("a.yaml", 'version: 1\nusers:\n  - login: "al\\nice@example.com"\n'
                                     '    role: "super\\nuser\\e[2J"\n    limit_services: "yes\\r\\nno"\n')
        result = self.fa("validate", "-f", files)
        self.assertEqual(result.code, 1, result)
        self.assert_one_line_each(result.err, 4)
        self.assertIn(":4:11: users[0].role: unknown role 'super\\nuser\\x1b[2J'", result.err)
        self.assertTrue(result.err.endswith("validate: 3 problems in 1 file\n"), result.err)
        strange = os.path.join(self.tmp, "new\nline\x1b[31m.yaml")
        result = self.fa("validate", "-f", strange)
        self.assert_one_line_each(result.err, 2)
        self.assertIn("new\\nline\\x1b[31m.yaml: no such file or directory", result.err)

    def test_plan_time_errors_and_refusals(self):
        # Names that come from the account reach the messages through "did you mean" and the customer guard.
        state = account()
        state["customer"]["name"] = "Evil\nCorp\u202e"
        state["roles"] = [{"name": "Ops\nAdmin", "permissions": ["purge_all"]}]
        self.emulator.set_state(state)
        files = self.write("a.yaml", "version: 1\nignore:\n  roles: ['Ops*']\nuser_groups:\n  - name: SRE\n"
                                     "    roles: [Ops Admin]\n")
        result = self.fa("plan", "-f", files)
        self.assertEqual(result.code, 1, result)
        self.assert_one_line_each(result.err, 2)
        self.assertIn("role 'Ops Admin' does not exist in the account; did you mean 'Ops\\nAdmin'?", result.err)
        other = self.write("b.yaml", "version: 1\ncustomer_id: SomeOtherCustomer1\n")
        result = self.fa("plan", "-f", other)
        self.assertEqual(result.code, 4, result)
        self.assert_one_line_each(result.err, 1)
        self.assertIn("(Evil\\nCorp\\u202e)", result.err)


class FileListTest(EmulatorTest):
    """Globs that cannot match, and problems counted in the files they span (issue 20 item 6)."""

    def test_an_ignore_pattern_that_cannot_match_is_an_error_naming_it(self):
        files = self.write("a.yaml", 'version: 1\nignore:\n  users: ["*@partner.example", "[unclosed"]\n'
                                     '  roles: ["legacy-[z-a]"]\n')
        for command in ("validate", "plan", "drift"):
            self.emulator.request("DELETE", "/_emulator/stats", token=None)
            result = self.fa(command, "-f", files)
            self.assertEqual(result.code, 1, result)
            self.assertEqual(result.err.splitlines(), [
                "%s:3:32: ignore.users[1]: the pattern '[unclosed' cannot match as written: '[' opens a set of "
                "characters that no ']' closes; write '\\[' for a literal '['" % files,
                "%s:4:11: ignore.roles[0]: the pattern 'legacy-[z-a]' cannot match as written: a range in a [set] "
                "runs backwards (its first character comes after its last), so it matches nothing" % files,
                "%s: 2 problems in 1 file" % command,
            ])
            self.assertEqual(self.emulator.stats()["total"], 0)  # before any request

    def test_a_pattern_given_to_f_is_named_as_one(self):
        os.makedirs(os.path.join(self.tmp, "access"))
        for pattern in (os.path.join(self.tmp, "access", "*.yaml"), "[unclosed"):
            result = self.fa("validate", "-f", pattern, cwd=self.tmp)
            self.assertEqual(result.code, 1, result)
            self.assertEqual(result.err, "%s: no such file or directory: -f takes files and directories, not glob "
                             "patterns; the shell expands patterns and passes this one on as written when it "
                             "matches nothing (or is quoted). Name the files, or their directory (-f DIR reads its "
                             "*.yaml and *.yml files)\nvalidate: 1 problem in 1 file\n" % pattern)

    def test_problems_between_two_files_count_both(self):
        people = self.write("files/people.yaml", "version: 1\nusers:\n  - login: bob@example.com\n")
        self.write("files/teams.yaml", "version: 1\nusers:\n  - login: Bob@Example.com\n"
                                       "invitations:\n  - email: BOB@example.com\n")
        result = self.fa("validate", "-f", os.path.dirname(people))
        self.assertEqual(result.code, 1, result)
        self.assertTrue(result.err.endswith("validate: 2 problems in 2 files\n"), result.err)
        document = json.loads(self.fa("plan", "-f", os.path.dirname(people), "--format", "json").out)
        self.assertEqual(document["error"]["message"], "2 problems in 2 files")


class ExpiredInvitationTest(EmulatorTest):
    """An expired invitation the files do not list is named in plan, drift and export (issue 20 item 7)."""

    def test_plan_drift_and_export_name_it(self):
        state = account()
        state["invitations"] = [{"email": "old@example.com", "role": "user", "created_at": "2020-03-01T00:00:00Z"},
                                {"email": "new@example.com", "role": "user", "created_at": "2099-01-01T00:00:00Z"}]
        self.emulator.set_state(state)
        files = self.write("a.yaml", "version: 1\nusers:\n  - login: owner@example.com\n")
        note = ("old@example.com: an expired invitation (sent 2020-03-01) that the files do not list; it can no longer "
                "be accepted (unmanaged: prune invitations to delete it, or list the person to invite them again)")
        for command, code in (("plan", 0), ("drift", 0)):
            result = self.fa(command, "-f", files)
            self.assertEqual(result.code, code, result)
            self.assertIn("Notes:\n  %s\n" % note, result.out)
            self.assertIn("  invitation 'new@example.com'\n", result.out)  # pending: unmanaged, as before
            document = json.loads(self.fa(command, "-f", files, "--format", "json").out)
            self.assertEqual(document["notes"], [note])
            self.assertEqual(document["unmanaged"], [{"kind": "invitations", "key": "new@example.com"}])
            markdown = self.fa(command, "-f", files, "--format", "markdown").out
            self.assertIn("- old@example.com: an expired invitation (sent 2020-03-01)", markdown)
        result = self.fa("export")
        self.assertEqual(result.code, 0, result)
        self.assertIn("export: not exported: the expired invitation of 'old@example.com' (list it under invitations "
                      "to send it again, or prune invitations to delete it)\n", result.err)
        self.assertNotIn("old@example.com", result.out)
        self.assertIn("new@example.com", result.out)


def read_metrics(test, path):
    """The samples of a Prometheus text file as {name{labels}: value}, checking its HELP and TYPE lines."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    samples = {}
    described = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            words = line.split(" ", 3)
            described.setdefault(words[2], set()).add(words[1])
            if words[1] == "TYPE":
                test.assertEqual(words[3], "gauge", line)
            continue
        match = re.fullmatch(r'([a-z_]+)(\{(?:kind|setting|rule|state)="[a-z_0-9]+"\})? (\d+)', line)
        test.assertIsNotNone(match, "not a sample line: %r" % line)
        test.assertEqual(described.get(match.group(1)), {"HELP", "TYPE"}, "%s: no HELP and TYPE before it" % line)
        samples[match.group(1) + (match.group(2) or "")] = int(match.group(3))
    return samples


class DriftMetricsTest(EmulatorTest):
    """--metrics-file: a success gauge, and the last success kept when a check fails (issue 20 item 8)."""

    emulator_args = ("--seed", DEMO_SEED)

    def drift(self, metrics, *args, files=EXAMPLES, **kwargs):
        return self.fa("--timeout", "5", "drift", "-f", files, "--metrics-file", metrics, *args, **kwargs)

    def test_a_failed_check_says_so_and_keeps_the_last_success(self):
        metrics = os.path.join(self.tmp, "drift.prom")
        result = self.drift(metrics)
        self.assertEqual(result.code, 2, result)
        ok = read_metrics(self, metrics)
        self.assertEqual(ok["fastly_accounts_last_check_success"], 1)
        self.assertEqual(ok["fastly_accounts_last_success_timestamp_seconds"],
                         ok["fastly_accounts_last_check_timestamp_seconds"])
        self.assertEqual(ok['fastly_accounts_drift_objects{kind="user_groups"}'], 2)
        self.assertEqual(ok['fastly_accounts_unmanaged_objects{kind="users"}'], 1)
        bad = self.write("bad/a.yaml", "version: 1\nusers: 3\n")
        failures = [
            ("a refused token", lambda: self.drift(metrics, token="not-a-token"), "the API token was refused"),
            ("invalid files", lambda: self.drift(metrics, files=bad), "1 problem in 1 file"),
            ("no token", lambda: self.drift(metrics, token=None), "no API token"),
            ("the emulator stopped", lambda: (self.emulator.stop(), self.drift(metrics))[1], "connection failed"),
        ]
        for what, run_it, message in failures:
            with self.subTest(what):
                result = run_it()
                self.assertEqual(result.code, 1, result)
                self.assertIn(message, result.err)
                failed = read_metrics(self, metrics)
                self.assertEqual(failed["fastly_accounts_last_check_success"], 0)
                self.assertEqual(failed["fastly_accounts_last_success_timestamp_seconds"],
                                 ok["fastly_accounts_last_success_timestamp_seconds"])
                self.assertGreaterEqual(failed["fastly_accounts_last_check_timestamp_seconds"],
                                        ok["fastly_accounts_last_check_timestamp_seconds"])
                # Nothing was compared: no figures that would look current.
                self.assertEqual(sorted(failed), ["fastly_accounts_last_check_success",
                                                  "fastly_accounts_last_check_timestamp_seconds",
                                                  "fastly_accounts_last_success_timestamp_seconds"])

    def test_a_garbled_previous_file_only_loses_the_last_success(self):
        metrics = os.path.join(self.tmp, "drift.prom")
        bad = self.write("bad/a.yaml", "version: 1\nusers: 3\n")
        name = b"fastly_accounts_last_success_timestamp_seconds"
        garbage = [
            b"\x00\xff\xfe" * 5000,
            name + b" not-a-number\n",
            name + b" 99999999999999999999999999999\n",
            name + b" -5\n",
            name + b" 4102444800\n",  # 2100: after now
            name + b"\n",
            name + b"_other 1700000000\n",
            b"x" * (3 * 1024 * 1024),
        ]
        for content in garbage:
            with self.subTest(content=content[:60]):
                with open(metrics, "wb") as f:
                    f.write(content)
                result = self.drift(metrics, files=bad)
                self.assertEqual(result.code, 1, result)
                self.assertNotIn("internal error", result.err)
                failed = read_metrics(self, metrics)
                self.assertEqual(failed["fastly_accounts_last_check_success"], 0)
                self.assertEqual(failed["fastly_accounts_last_success_timestamp_seconds"], 0)
        # A previous file of ours carries its figure, wherever the line is.
        with open(metrics, "wb") as f:
            f.write(b"# a comment\nfastly_accounts_last_check_success 1\n" + name + b" 1700000000\n")
        self.assertEqual(self.drift(metrics, files=bad).code, 1)
        self.assertEqual(read_metrics(self, metrics)["fastly_accounts_last_success_timestamp_seconds"], 1700000000)
        # A directory in the way: the failure reported is the run's own, and nothing crashes.
        os.remove(metrics)
        os.makedirs(metrics)
        result = self.drift(metrics, files=bad)
        self.assertEqual(result.code, 1, result)
        self.assertIn("1 problem in 1 file", result.err)
        self.assertIn("could not record the failed check in %s" % metrics, result.err)
        shutil.rmtree(metrics)
        self.assertEqual(self.drift(metrics).code, 2)
        self.assertEqual(read_metrics(self, metrics)["fastly_accounts_last_check_success"], 1)


class ConfirmationTest(EmulatorTest):
    """apply's question names the customer by name and ID and counts in words (issue 20 item 9)."""

    def asked(self, files):
        """stderr of an apply answered "no" on a terminal, and its exit status."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FASTLY_")}
        env.update(FASTLY_API_TOKEN="emulator-superuser-token", NO_COLOR="1")
        master, slave = pty.openpty()
        os.write(master, b"no\n")  # waits in the terminal's input until apply reads its answer
        process = subprocess.Popen([BINARY, "--endpoint", self.emulator.url, "apply", "-f", files, "--journal",
                                    os.path.join(self.tmp, "journal.jsonl")],
                                   stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        os.close(slave)
        try:
            _, err = process.communicate(timeout=120)
        finally:
            os.close(master)
        return process.returncode, err.decode()

    def test_the_question_names_the_customer_and_counts_in_words(self):
        state = account()
        self.emulator.set_state(state)
        one = self.write("one/a.yaml", "version: 1\nservice_groups:\n  - name: production\n")
        before = self.emulator.state()
        code, err = self.asked(one)
        self.assertEqual(code, 1, err)
        self.assertIn("\nApply 1 change (1 write request) to customer Acme (51MumwLiSJyFTWhtbByYgR)?\n"
                      "Only 'yes' is accepted: fastly-accounts: apply cancelled; nothing was changed.\n", err)
        self.assertEqual(self.emulator.state(), before)

        state["customer"]["name"] = "Example\nCo"
        self.emulator.set_state(state)
        two = self.write("two/a.yaml", "version: 1\nservice_groups:\n  - name: production\n  - name: staging\n")
        code, err = self.asked(two)
        self.assertEqual(code, 1, err)
        self.assertIn("\nApply 2 changes (2 write requests) to customer Example\\nCo (51MumwLiSJyFTWhtbByYgR)?\n",
                      err)


if __name__ == "__main__":
    unittest.main()
